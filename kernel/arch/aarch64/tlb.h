// tlb.h — TLB maintenance (Arm ARM D8.13 "Translation Lookaside Buffer maintenance").
//
// The TLB caches translations.  After a valid descriptor changes (unmapped, or remapped with
// other permissions), the old translation may still be cached: invalidate it, then wait for
// the invalidation to finish (DSB) and resynchronise the instruction stream (ISB).  A new
// mapping where there was none needs only the DSB that makes the table write visible to the
// table walker: faulting translations are never cached.
#ifndef KEEL_TLB_H
#define KEEL_TLB_H

#include <stdint.h>
#include "arch/aarch64/sysreg.h"

// Invalidates the translations of one page, for every ASID, on every core (Inner Shareable).
static inline void tlb_flush_page(uint64_t va)
{
    dsb_ishst();
    __asm__ volatile("tlbi vaae1is, %0" ::"r"((va >> 12) & ((1UL << 44) - 1)) : "memory");
    dsb_ish();
    isb();
}

// Invalidates every EL1&0 translation on every core.
static inline void tlb_flush_all(void)
{
    dsb_ishst();
    __asm__ volatile("tlbi vmalle1is" ::: "memory");
    dsb_ish();
    isb();
}

#endif
