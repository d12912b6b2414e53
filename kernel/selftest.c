// selftest.c — kernel self-tests, run from the boot arguments (given code).
//
// `test=NAME nonce=N` runs test NAME before the monitor starts.  The grader picks a fresh
// nonce for every run and works out the expected output from it by itself, so a test passes
// only if the code under test really computes it.
#include <stddef.h>
#include "bootargs.h"
#include "memlayout.h"
#include "printf.h"
#include "selftest.h"
#include "string.h"

struct selftest {
    const char *name;
    void (*run)(uint32_t nonce);
};

// panic() must print its message, a backtrace and stop.
static void selftest_panic(uint32_t nonce)
{
    panic("selftest_panic: nonce %u", nonce);
}

static const struct selftest selftests[] = {
    {"printf", selftest_printf},
    {"panic", selftest_panic},
#if LAB >= 2
    {"frames", selftest_frames},
    {"frames-double-free", selftest_frames_double_free},
    {"frames-bad-free", selftest_frames_bad_free},
    {"kmalloc", selftest_kmalloc},
    {"map-unmap", selftest_map_unmap},
#endif
#if LAB >= 3
    {"corrupt", selftest_corrupt}, // a bug on purpose, for replays (selftest_corrupt.c)
#endif
};

void selftest_run_requested(void)
{
    const char *name = bootarg_value("test");
    if (name == NULL)
        return;
    uint32_t nonce = (uint32_t)bootarg_number("nonce", 0);
    for (size_t i = 0; i < sizeof(selftests) / sizeof(selftests[0]); i++) {
        if (strcmp(selftests[i].name, name) == 0) {
            selftests[i].run(nonce);
            return;
        }
    }
    printf("selftest: there is no test called '%s'\n", name);
}

// Every conversion, flag and length modifier of handout 1's printf specification, on values
// derived from the nonce, including the corner cases (zero, the most negative numbers).
void selftest_printf(uint32_t nonce)
{
    int small = (int)(nonce % 2001) - 1000; // -1000 .. 1000
    long big = (long)nonce * -1234567L;
    unsigned long wide = ((unsigned long)nonce << 32) | (nonce ^ 0xdeadbeefu);
    const char *word = (nonce & 1) ? "keel" : "arm64";

    printf("printf-selftest %u: [%d] [%i] [%u] [%x] [%5d] [%-5d] [%05d] [%d] [%x]\n", nonce, small,
           -small, nonce, nonce, small % 100, small % 1000, small % 1000, 0, 0);
    printf("printf-selftest %u: [%ld] [%lu] [%lx] [%016lx] [%llx] [%lld] [%ld] [%d]\n", nonce, big,
           wide, wide, (unsigned long)nonce, ~(unsigned long long)nonce, -((long long)nonce << 20),
           (long)(-9223372036854775807L - 1), (int)0x80000000u);
    printf("printf-selftest %u: [%p] [%s] [%8s] [%-8s|] [%c] [%3c] [%%] [%s] [%-4x|] [%4x]\n",
           nonce, (void *)(KERNBASE + ((uint64_t)nonce << 4)), word, word, word,
           'a' + (int)(nonce % 26), 'Z', (char *)NULL, nonce % 4096, nonce % 4096);
}
