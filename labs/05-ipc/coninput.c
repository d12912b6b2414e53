// coninput — `coninput SEED LEN`: input typed while a program is busy reaches it whole and
// in order, through the console server's interrupt (handout 5, "Exercise 6: interrupts as
// notifications" and "Exercise 7: the console server").
//
// It prints "coninput: busy; type now", and the grader types LEN characters made from SEED
// (the same generator as grade/test_lab05_ipc.py's) and a carriage return in one burst.
// Meanwhile this program does not read: it spins, asking the server only for its counters
// (CONSOLE_STATS) every 20 ms, until the count of bytes received stops growing.  So the bytes
// come in by the UART's interrupt, which the kernel turns into a notification for the server,
// while nobody waits in read; a burst longer than the server's ring must be held back by flow
// control, not dropped.  Then it reads, checks every byte, and prints the counters: "dropped"
// must be 0.
#include "ipctest.h"
#include "proto/console.h"

#define MAX_LEN 4096

static char expected[MAX_LEN + 1], got[MAX_LEN + 1];

// The characters the grader types: letters and digits, from the seed.
static void make_text(uint64_t seed, int len)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    rng_seed(seed);
    for (int i = 0; i < len; i++)
        expected[i] = alphabet[rng_below(sizeof(alphabet) - 1)];
    expected[len] = '\r';
}

struct stats {
    long result;
    unsigned long received, dropped, written, readers;
};

static struct stats console_stats(void)
{
    struct ipc_msg m = message(CONSOLE_STATS, 0, 0, 0, 0), reply;
    struct stats s = {0};
    s.result = ipc_call(SLOT_CONSOLE, &m, &reply);
    if (s.result == 0)
        s.result = reply.label;
    s.received = reply.w[0];
    s.dropped = reply.w[1];
    s.written = reply.w[2];
    s.readers = reply.w[3];
    return s;
}

int main(int argc, char **argv)
{
    test_name = "coninput";
    uint64_t seed = arg_number(argc, argv, 1, 1);
    int len = (int)arg_number(argc, argv, 2, 600);
    if (len < 1 || len > MAX_LEN)
        return 1;
    make_text(seed, len);
    struct stats before = console_stats();
    if (!expect_true(before.result == 0, "CONSOLE_STATS: expected label 0, got %ld", before.result))
        return 1;

    printf("coninput: busy; type now\n");
    // Busy: no read.  Wait for the first byte (up to 5 s), then until the count stops
    // growing for 200 ms (the server's ring is full, or everything is in).
    uint64_t start = now_us(), last_change = start;
    unsigned long seen = before.received;
    for (;;) {
        spin_ms(20);
        struct stats s = console_stats();
        uint64_t now = now_us();
        if (s.received != seen) {
            seen = s.received;
            last_change = now;
        }
        if (seen - before.received >= (unsigned long)len + 1)
            break;
        if (seen != before.received && now - last_change > 200000)
            break;
        if (now - start > 5000000)
            break;
    }
    unsigned long while_busy = seen - before.received;
    printf("coninput: busy for %lu ms; the console server received %lu bytes meanwhile\n",
           (unsigned long)((now_us() - start) / 1000), while_busy);

    int n = 0;
    while (n < len + 1) {
        long r = read(0, got + n, (size_t)(len + 1 - n));
        if (!expect_true(r > 0, "read(0) after %d bytes: expected more bytes, got %ld", n, r))
            break;
        n += (int)r;
    }
    int first_wrong = -1;
    for (int i = 0; i < n && first_wrong < 0; i++)
        if (got[i] != expected[i])
            first_wrong = i;
    struct stats after = console_stats();
    if (first_wrong >= 0) {
        char want[17] = {0}, have[17] = {0};
        memcpy(want, expected + first_wrong,
               len + 1 - first_wrong < 16 ? len + 1 - first_wrong : 16);
        memcpy(have, got + first_wrong, n - first_wrong < 16 ? n - first_wrong : 16);
        for (int i = 0; i < 16; i++) {
            want[i] = want[i] == '\r' ? '$' : want[i];
            have[i] = have[i] == '\r' ? '$' : have[i];
        }
        printf("coninput: FAIL byte %d of %d: expected \"%s...\", got \"%s...\" ($ is the "
               "carriage return)\n",
               first_wrong, len + 1, want, have);
    }
    printf("coninput: read %d of %d bytes, %s; console stats: received %lu, dropped %lu, "
           "written %lu, readers waiting %lu\n",
           n, len + 1, first_wrong < 0 && n == len + 1 ? "all in order" : "NOT as typed",
           after.received - before.received, after.dropped, after.written, after.readers);
    return first_wrong < 0 && n == len + 1 && after.dropped == 0 && while_busy > 0 &&
                   checks_failed == 0
               ? 0
               : 1;
}
