// conbig — `conbig SEED`: big console output through the region the kernel shares with the
// console server arrives byte-exact and in order (handout 6, "The console through shared
// memory").
//
//   1. Between the lines "conbig: begin" and "conbig: end", 80 KiB of numbered lines made from
//      SEED ("conbig: 00042 " and 10..159 random letters), written with writes of 1, 31, 32,
//      33, 4095 and 4097 bytes, one of 65537 (more than the 64 KiB buffer: two messages to the
//      server), and then of random sizes.  The grader makes the same bytes from SEED and
//      compares.
//   2. Two children write a block of 24 KiB each (lines "conbig: A 0042 ..." and "conbig: B
//      ..."), each block in one write, at the same time: each block arrives whole, never mixed
//      with the other (the kernel holds the console, and its one buffer, for a whole write).
//   3. CONSOLE_WRITE_SHARED (label 5) is the kernel's request: sent by this task through its
//      console capability, the server answers -EPERM; a badge with bit 63 (BADGE_KERNEL)
//      cannot be minted.  The console still works afterwards.
// `conbig SEED refusals` runs step 3 alone.  The random letters come from rng_next (labs/05-ipc/ipctest.h), which the grader copies.
#include "shmtest.h"

#define TOTAL (80 * 1024)
#define BLOCK (24 * 1024)
#define CONSOLE_WRITE_SHARED 5 // user/include/proto/console.h

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,";
static char text[TOTAL];

// Fills buf[0..size) with numbered lines "PREFIX%05d LETTERS\n" from the generator (seeded
// by the caller); the last byte is always '\n'.
static void make_lines(char *buf, size_t size, const char *prefix)
{
    size_t n = 0;
    for (int line = 0; n < size; line++) {
        char head[32];
        int h = snprintf(head, sizeof(head), "%s%05d ", prefix, line);
        for (int i = 0; i < h && n < size; i++)
            buf[n++] = head[i];
        uint64_t len = 10 + rng_below(150);
        for (uint64_t i = 0; i < len && n < size; i++)
            buf[n++] = alphabet[rng_below(64)];
        if (n < size)
            buf[n++] = '\n';
    }
    buf[size - 1] = '\n';
}

static int writer(const char *who, uint64_t seed)
{
    rng_seed(seed);
    char prefix[16];
    snprintf(prefix, sizeof(prefix), "conbig: %s ", who);
    make_lines(text, BLOCK, prefix);
    long r = write(1, text, BLOCK);
    return r == BLOCK ? 0 : 1;
}

static long write_all(const char *buf, size_t len, long *short_writes)
{
    long r = write(1, buf, len);
    if (r != (long)len)
        (*short_writes)++;
    return r;
}

// 3.
static void refusals(void)
{
    struct ipc_msg m = message(CONSOLE_WRITE_SHARED, 16, 0, 0, 0), reply;
    long r = ipc_call(SLOT_CONSOLE, &m, &reply);
    expect_true(r == 0 && reply.label == -EPERM, "CONSOLE_WRITE_SHARED (label 5, w0 16) sent by "
                "a task through its console capability: expected the server's answer -EPERM, got "
                "result %s, label %ld", r < 0 ? errno_name(r) : "0", reply.label);
    m = message(CONSOLE_WRITE_SHARED, ~0UL, 0, 0, 0);
    r = ipc_call(SLOT_CONSOLE, &m, &reply);
    expect_true(r == 0 && reply.label == -EPERM, "CONSOLE_WRITE_SHARED with w0 = 2^64 - 1: "
                "expected -EPERM, got result %s, label %ld", r < 0 ? errno_name(r) : "0",
                reply.label);
    long minted = cap_mint(SLOT_CONSOLE, RIGHT_SEND, BADGE_KERNEL);
    expect_true(minted < 0, "cap_mint(console, send, BADGE_KERNEL): expected an error, got slot "
                "%ld", minted);
    const char *line = "conbig: the console still works\n";
    long w = write(1, line, strlen(line));
    expect_true(w == (long)strlen(line), "write(1) after the refused requests: got %ld", w);
}

int main(int argc, char **argv)
{
    test_name = "conbig";
    uint64_t seed = arg_number(argc, argv, 1, 12345);
    if (argc > 3 && strcmp(argv[2], "writer") == 0)
        return writer(argv[3], seed);
    if (argc > 2 && strcmp(argv[2], "refusals") == 0) {
        refusals();
        return summary();
    }

    // 1.
    rng_seed(seed);
    make_lines(text, TOTAL, "conbig: ");
    static const size_t fixed[] = {1, 31, 32, 33, 4095, 4097, 65537};
    long short_writes = 0, results[8];
    size_t at = 0;
    printf("conbig: begin\n");
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        results[i] = write_all(text + at, fixed[i], &short_writes);
        at += fixed[i];
    }
    rng_seed(seed ^ 0xc0b);
    while (at < TOTAL) {
        size_t n = rng_below(3000) + 1;
        n = n < TOTAL - at ? n : TOTAL - at;
        write_all(text + at, n, &short_writes);
        at += n;
    }
    printf("conbig: end\n");
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        expect_true(results[i] == (long)fixed[i], "write(1, ..., %lu) returned %s%ld", fixed[i],
                    results[i] < 0 ? errno_name(results[i]) : "", results[i]);
    expect_true(short_writes == 0, "%ld writes returned less than their length", short_writes);

    // 2.
    char tag_a[24], tag_b[24];
    snprintf(tag_a, sizeof(tag_a), "%lu", seed ^ 0xa);
    snprintf(tag_b, sizeof(tag_b), "%lu", seed ^ 0xb);
    char *argv_a[] = {"conbig", tag_a, "writer", "A", NULL};
    char *argv_b[] = {"conbig", tag_b, "writer", "B", NULL};
    int a = spawn("conbig", argv_a), b = spawn("conbig", argv_b);
    expect_true(a > 0 && b > 0, "spawn of the two writers: %s, %s", errno_name(a), errno_name(b));
    reap_ok(a, "writer A");
    reap_ok(b, "writer B");
    printf("conbig: both writers done\n");

    refusals();
    return summary();
}
