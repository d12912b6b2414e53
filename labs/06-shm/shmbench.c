// shmbench — `shmbench NONCE`: the cost of moving 1 MiB from one task to another through a
// shared region and through 4-word IPC messages, in instructions (PMU INST_RETIRED; boot with
// QEMU's -icount shift=0, where the counter counts retired instructions exactly), handout 6,
// "Measuring".
//
// The writer (this task) has 1 MiB of data in its own memory: the words
// pattern_word(NONCE, 1, i), made before anything is counted.  The reader is a child.  Both
// ways the reader reads every word once, folding it into a checksum (s = s * K + w, in order),
// and sends the checksum back; the grader computes the same checksum from NONCE.
//   region    the writer copies the 1 MiB into a region it shares with the reader (writable
//             here, read-only there), then calls the reader, which reads it all and replies:
//             counted from the first word copied to the reply back in the writer, so the
//             copy in, the call, both switches, the reader's pass over the data and the reply.
//             Setting the region up (create, map, mint, pass, the reader's map) is counted
//             apart and printed too: a program sets it up once and reuses it.
//   messages  32768 calls of 4 words each (ipc_call, through the C library as a program would
//             make them); the reader folds each message's words into the checksum and answers
//             with reply_recv.  Counted from the first call to the reply to the last.
// Both are counted once: under -icount every run gives the same figures.
#include "shmtest.h"

#define BYTES (1024 * 1024)
#define WORDS (BYTES / 8)
#define PAGES (BYTES / PAGE)
#define K 0x100000001b3UL
#define E_CHILD 1

enum { SETUP = 1, REGION = 2, WORDS_MSG = 3, DONE_MSG = 4, QUIT = 5 };

static uint64_t data[WORDS]; // the writer's 1 MiB

// The reader's pass over n words: the checksum, four words at a time.
static uint64_t fold(const uint64_t *p, uint64_t n, uint64_t s)
{
    for (uint64_t i = 0; i < n; i += 4) {
        s = s * K + p[i];
        s = s * K + p[i + 1];
        s = s * K + p[i + 2];
        s = s * K + p[i + 3];
    }
    return s;
}

static void copy_words(uint64_t *dst, const uint64_t *src, uint64_t n)
{
    for (uint64_t i = 0; i < n; i += 4) {
        uint64_t a = src[i], b = src[i + 1], c = src[i + 2], d = src[i + 3];
        dst[i] = a;
        dst[i + 1] = b;
        dst[i + 2] = c;
        dst[i + 3] = d;
    }
}

static int reader(void)
{
    test_name = "shmbench: reader";
    struct ipc_msg m, reply = message(0, 0, 0, 0, 0);
    const uint64_t *region = NULL;
    uint64_t s = 0;
    long r = ipc_recv(E_CHILD, &m);
    while (r == 0 && m.label != QUIT) {
        reply = message(0, 0, 0, 0, 0);
        switch (m.label) {
        case WORDS_MSG:
            s = s * K + m.w[0];
            s = s * K + m.w[1];
            s = s * K + m.w[2];
            s = s * K + m.w[3];
            break;
        case DONE_MSG:
            reply.w[0] = s;
            s = 0;
            break;
        case SETUP: {
            long va = m.cap >= 0 ? region_map((int)m.cap, 0, 0) : -EBADF;
            region = va > 0 ? (const uint64_t *)va : NULL;
            reply.label = va > 0 ? 0 : va;
            break;
        }
        case REGION: {
            uint64_t start = instructions();
            reply.w[0] = region != NULL ? fold(region, m.w[0] / 8, 0) : 0;
            reply.w[1] = instructions() - start;
            break;
        }
        }
        r = ipc_reply_recv(E_CHILD, &reply, &m);
    }
    ipc_reply(&reply);
    return 0;
}

int main(int argc, char **argv)
{
    test_name = "shmbench";
    uint64_t nonce = arg_number(argc, argv, 1, 12345);
    if (argc > 2 && strcmp(argv[2], "reader") == 0)
        return reader();
    uint64_t t0 = instructions(), t1 = instructions(), overhead = t1 - t0;
    if (overhead == 0) {
        printf("shmbench: the PMU counts nothing; boot with QEMUEXTRA='-icount shift=0'\n");
        return 1;
    }
    for (uint64_t i = 0; i < WORDS; i++)
        data[i] = pattern_word(nonce, 1, i);
    int ep = endpoint_create();
    long caps[] = {SLOT_CONSOLE, ep};
    char nonce_text[24];
    snprintf(nonce_text, sizeof(nonce_text), "%lu", nonce);
    char *argv_reader[] = {"shmbench", nonce_text, "reader", NULL};
    int pid = spawn_caps("shmbench", argv_reader, caps, 2);
    if (!expect_true(ep >= 0 && pid > 0, "endpoint_create and spawn of the reader: %s, %s",
                     errno_name(ep), errno_name(pid)))
        return summary();
    struct ipc_msg m, reply;

    // The region: set up once ...
    uint64_t start = instructions();
    int region = region_create(PAGES);
    long va = region >= 0 ? region_map(region, 0, REGION_MAP_WRITE) : region;
    int view = region >= 0 ? cap_mint(region, RIGHT_MAP_READ, 0) : region;
    m = message_passing(SETUP, 0, 0, view);
    long r = ipc_call(ep, &m, &reply);
    uint64_t setup = instructions() - start - overhead;
    if (!expect_true(va > 0 && r == 0 && reply.label == 0, "setting up the region: region_create "
                     "%s, region_map %s, the reader's map %s", errno_name(region),
                     va < 0 ? errno_name(va) : "ok", r < 0 ? errno_name(r) :
                     reply.label < 0 ? errno_name(reply.label) : "ok"))
        return summary();
    cap_delete(view);

    // ... then 1 MiB through it.
    start = instructions();
    copy_words((uint64_t *)va, data, WORDS);
    uint64_t copied = instructions();
    m = message(REGION, BYTES, 0, 0, 0);
    r = ipc_call(ep, &m, &reply);
    uint64_t end = instructions();
    uint64_t region_cost = end - start - overhead, copy_cost = copied - start - overhead;
    uint64_t region_sum = r == 0 ? reply.w[0] : 0, read_cost = reply.w[1] - overhead;
    expect_result("the region's call", r, 0);

    // 1 MiB through messages.
    start = instructions();
    for (uint64_t i = 0; i < WORDS; i += 4) {
        m = message(WORDS_MSG, data[i], data[i + 1], data[i + 2], data[i + 3]);
        ipc_call(ep, &m, &reply);
    }
    m = message(DONE_MSG, 0, 0, 0, 0);
    r = ipc_call(ep, &m, &reply);
    uint64_t message_cost = instructions() - start - overhead;
    uint64_t message_sum = r == 0 ? reply.w[0] : 0;
    expect_result("the last message's call", r, 0);

    m = message(QUIT, 0, 0, 0, 0);
    ipc_call(ep, &m, &reply);
    reap_ok(pid, "the reader");
    region_unmap((uint64_t)va);
    cap_delete(region);

    printf("shmbench: 1 MiB: region %lu instructions, messages %lu instructions\n", region_cost,
           message_cost);
    printf("shmbench: checksums: region 0x%lx, messages 0x%lx\n", region_sum, message_sum);
    printf("shmbench: the region's count: copying in %lu, the reader's pass %lu, the call, "
           "switches and reply %lu; setting the region up once (create %d pages, map, mint, "
           "pass, the reader's map) %lu more\n", copy_cost, read_cost,
           region_cost - copy_cost - read_cost, (int)PAGES, setup);
    printf("shmbench: messages: %d calls of 32 bytes, %lu instructions each; messages / region "
           "= %lu.%lu\n", WORDS / 4, message_cost / (WORDS / 4), message_cost / region_cost,
           message_cost * 10 / region_cost % 10);
    return summary();
}
