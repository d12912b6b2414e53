// boot_mmu.c — the boot page table: just enough translation to run in the upper half
// (given code).
//
// Runs with the MMU off, from start.S, before anything else.  kernel.ld links this file at
// its physical address, so it must not touch anything outside itself: no calls into the
// kernel, no globals of other files, no printf.  One level-1 table of 1 GiB blocks serves
// both halves of the address space:
//   TTBR0 (lower half): VA == PA, so the code that turns the MMU on keeps running;
//   TTBR1 (upper half): VA == PA + KERNBASE, where the kernel is linked.
// Block 0 (PA 0 - 1 GiB) holds the devices; blocks 1..4 (PA 1 - 5 GiB) hold RAM: QEMU's
// RAM starts at 1 GiB, and the frame allocator manages up to 4 GiB of it (frame.h).
// Lab 2 replaces this table with one made of 4 KiB pages and exact permissions.
#include <stdint.h>
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/sysreg.h"

#define BOOT_L1_ENTRIES 512
#define GIB (1UL << 30)

static uint64_t boot_l1_table[BOOT_L1_ENTRIES] __attribute__((aligned(4096)));

// A level-1 block descriptor for the 1 GiB at physical address `pa`.
static uint64_t boot_block(uint64_t pa, unsigned mair_index, uint64_t extra)
{
    return pa | DESC_VALID | DESC_BLOCK | DESC_ATTRINDX(mair_index) | DESC_AP_RW_EL1 | DESC_AF |
           extra;
}

void boot_mmu_enable(void)
{
    for (int i = 0; i < BOOT_L1_ENTRIES; i++)
        boot_l1_table[i] = 0;
    // Devices must never be executed from or cached.
    boot_l1_table[0] = boot_block(0, MAIR_IDX_DEVICE, DESC_PXN | DESC_UXN);
    // RAM: cacheable, inner shareable, executable at EL1 for now.
    for (uint64_t i = 1; i <= 4; i++)
        boot_l1_table[i] = boot_block(i * GIB, MAIR_IDX_NORMAL, DESC_SH_INNER | DESC_UXN);

    uint64_t table = (uint64_t)boot_l1_table; // a physical address: we are linked there
    WRITE_SYSREG(mair_el1, MAIR_VALUE);
    WRITE_SYSREG(tcr_el1, TCR_VALUE);
    WRITE_SYSREG(ttbr0_el1, table);
    WRITE_SYSREG(ttbr1_el1, table);
    isb();
    // Forget any translations from before (there should be none at reset, but be sure).
    __asm__ volatile("tlbi vmalle1");
    dsb_ish();
    isb();
    // MMU, data and instruction caches on; SP alignment checks on (AAPCS64 keeps SP 16-byte
    // aligned, so a misaligned SP is a bug worth catching).
    WRITE_SYSREG(sctlr_el1, SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA | SCTLR_SA0);
    isb();
}
