// selftest.h — kernel self-tests that graders (and you) run from the boot arguments:
// `test=NAME`, with the run's `nonce=N` (kernel/debug/selftest.c).
#ifndef KEEL_SELFTEST_H
#define KEEL_SELFTEST_H

#include <stdint.h>

// Runs the self-test named by the boot argument test=..., if any.
void selftest_run_requested(void);

void selftest_printf(uint32_t nonce);
#if LAB >= 2
void selftest_frames(uint32_t nonce);
void selftest_frames_double_free(uint32_t nonce);
void selftest_frames_bad_free(uint32_t nonce);
void selftest_kmalloc(uint32_t nonce);
void selftest_map_unmap(uint32_t nonce);
void selftest_map_twice(uint32_t nonce);
void selftest_tlb_remap(uint32_t nonce);
void selftest_junk_tables(uint32_t nonce);
#endif
#if LAB >= 3
void selftest_corrupt(uint32_t nonce); // kernel/debug/corrupt_selftest.c
#endif

#endif
