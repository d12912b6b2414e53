// pagetable.h — AArch64 stage-1 translation tables with the 4 KiB granule and 39-bit
// virtual addresses: three levels, 512 entries each (kernel/arch/aarch64/pagetable.c).
//
//   VA bits  38..30    29..21    20..12    11..0
//            L1 index  L2 index  L3 index  offset in the page
//
// The same code serves the kernel's table (TTBR1_EL1) and, from lab 4, each task's (TTBR0).
// A table is named by the kernel address of its level-1 table (the "root").
#ifndef KEEL_PAGETABLE_H
#define KEEL_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/aarch64/mmu.h"
#include "mm/memlayout.h"

typedef uint64_t pte_t;

#define PT_ENTRIES 512
#define PT_FIRST_LEVEL 1
#define PT_LAST_LEVEL 3

// The index of `va` in the table of `level` (1, 2 or 3).
static inline unsigned pt_index(uint64_t va, int level)
{
    return (va >> (PAGE_SHIFT + 9 * (PT_LAST_LEVEL - level))) & (PT_ENTRIES - 1);
}

// Attribute sets for pt_map (the bits are in mmu.h).  W^X: nothing is both writable and
// executable, and everything of the kernel is out of EL0's reach (UXN, AP without EL0).
#define PTE_NORMAL (DESC_ATTRINDX(MAIR_IDX_NORMAL) | DESC_SH_INNER | DESC_AF)
#define PTE_KERNEL_TEXT (PTE_NORMAL | DESC_AP_RO_EL1 | DESC_UXN)
#define PTE_KERNEL_RODATA (PTE_NORMAL | DESC_AP_RO_EL1 | DESC_UXN | DESC_PXN)
#define PTE_KERNEL_DATA (PTE_NORMAL | DESC_AP_RW_EL1 | DESC_UXN | DESC_PXN)
#define PTE_DEVICE (DESC_ATTRINDX(MAIR_IDX_DEVICE) | DESC_AF | DESC_AP_RW_EL1 | DESC_UXN | DESC_PXN)
// The attribute bits of a descriptor: everything but the valid/type bits and the address.
#define PTE_ATTR_MASK (~(DESC_ADDR_MASK | DESC_VALID | DESC_TABLE))

// Finds the level-3 entry for `va`.  If a table on the way is missing: with `create`,
// allocates a zeroed frame for it; without, returns NULL.  Also NULL if a table cannot be
// allocated.  Panics if it meets a block descriptor (Keel maps only pages).
pte_t *pt_walk(pte_t *root, uint64_t va, bool create);

// Maps [va, va + size) to [pa, pa + size) with `attrs`, page by page.  All three must be
// page-aligned.  Returns 0, or -ENOMEM if a table could not be allocated (the pages mapped
// so far stay mapped: the caller unmaps them).  Panics if a page is already mapped.
int pt_map(pte_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs);

// Unmaps every mapped page in [va, va + size) and invalidates its TLB entries; with
// `free_frames`, also returns the frames they mapped to the frame allocator.  Unmapped
// pages in the range are skipped.
void pt_unmap(pte_t *root, uint64_t va, uint64_t size, bool free_frames);

// What a table says about one address (a software walk: compare with the MMU's answer from
// the AT instruction, see kvm_hw_translate).
struct pt_translation {
    bool mapped;
    int level;      // the level of the descriptor that decided (fault level when unmapped)
    uint64_t pa;    // the physical address `va` translates to
    uint64_t attrs; // the descriptor's attribute bits
};
void pt_translate(pte_t *root, uint64_t va, struct pt_translation *out);

// Frees every table frame below `root` (not the frames they map) and the root itself.
void pt_destroy(pte_t *root);

// Writes "R-X ---" style permissions for `attrs` into buf (8 bytes): EL1 read/write/execute,
// a space, then EL0's in lower case.
void pt_format_perms(uint64_t attrs, char *buf);
// "normal", "device" or "normal-nc".
const char *pt_memory_type(uint64_t attrs);

#endif
