// selftest.c — kernel self-tests, run from the boot arguments (given code).
//
// `test=NAME nonce=N` runs test NAME before the monitor starts.  The grader picks a fresh
// nonce for every run and works out the expected output from it by itself, so a test passes
// only if the code under test really computes it.
#include <stddef.h>
#include "boot/bootargs.h"
#include "debug/printf.h"
#include "debug/selftest.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#if LAB >= 3
#include "debug/regs_selftest.h"
#endif
#if LAB >= 4
#include "debug/spawn_selftest.h"
#include "debug/switch_selftest.h"
#include "debug/uaccess_selftest.h"
#endif

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
    {"map-twice", selftest_map_twice},
    {"tlb-remap", selftest_tlb_remap},
    {"junk-tables", selftest_junk_tables},
#endif
#if LAB >= 3
    {"irq-registers", selftest_irq_registers},
    {"corrupt", selftest_corrupt}, // a bug on purpose, for replays (corrupt_selftest.c)
#endif
#if LAB >= 4
    {"context-switch", selftest_context_switch},
    {"spawn-enomem", selftest_spawn_enomem},
    {"uaccess", selftest_uaccess},
#endif
};

void selftest_run_requested(void)
{
    const char *name = bootarg_value("test");
    if (name == NULL)
        return;
    uint32_t nonce = (uint32_t)bootarg_number("nonce", 0, 0, UINT32_MAX);
    for (size_t i = 0; i < sizeof(selftests) / sizeof(selftests[0]); i++) {
        if (strcmp(selftests[i].name, name) == 0) {
            selftests[i].run(nonce);
            return;
        }
    }
    printf("selftest: there is no test called '%s'\n", name);
}

// Every conversion, flag and length modifier of handout 1's printf specification, on values
// derived from the nonce, including the corner cases (zero, the most negative numbers).  The
// nonce changes the values, never which cases are printed: every run pads a negative and a
// positive number with spaces, with '-' and with '0', and %u and %x get a number with the
// top bit set (which %d would print as negative).
void selftest_printf(uint32_t nonce)
{
    unsigned top_bit = nonce | 0x80000000u;
    int negative = -(int)(1 + nonce % 999);        // -1 .. -999
    int positive = (int)(1 + (nonce / 999) % 999); // 1 .. 999
    long big = (long)nonce * -1234567L;
    unsigned long wide = ((unsigned long)nonce << 32) | (nonce ^ 0xdeadbeefu);
    const char *word = (nonce & 1) ? "keel" : "arm64";

    printf("printf-selftest %u: [%d] [%i] [%u] [%x] [%5d] [%-5d] [%05d] [%5d] [%-5d] [%05d] [%d] "
           "[%x]\n",
           nonce, negative, positive, top_bit, top_bit, negative, negative, negative, positive,
           positive, positive, 0, 0);
    printf("printf-selftest %u: [%ld] [%lu] [%lx] [%016lx] [%llx] [%lld] [%ld] [%d]\n", nonce, big,
           wide, wide, (unsigned long)nonce, ~(unsigned long long)nonce, -((long long)nonce << 20),
           (long)(-9223372036854775807L - 1), (int)0x80000000u);
    printf("printf-selftest %u: [%p] [%s] [%8s] [%-8s|] [%c] [%3c] [%%] [%s] [%-4x|] [%4x]\n",
           nonce, (void *)(KERNBASE + ((uint64_t)nonce << 4)), word, word, word,
           'a' + (int)(nonce % 26), 'Z', (char *)NULL, nonce % 4096, nonce % 4096);
}
