// uvm.h — user address spaces (kernel/mm/uvm.c): the lower half, through TTBR0_EL1.
//
//   0x0000_0080_0000_0000 ┌──────────────────┐ USER_TOP (2^39)
//                         │ (unmapped page)  │
//   USER_STACK_TOP        ├──────────────────┤
//                         │ stack (64 KiB)   │ RW- rw-, grows down; argv at the top
//                         ├──────────────────┤
//                         │ guard (64 KiB)   │ never mapped: overflow faults
//                         ├──────────────────┤
//                         │ ...              │
//   0x0000_0000_0040_0000 │ program          │ its ELF segments, each with its own rights
//                         │ ...              │
//   0x0000_0000_0000_0000 └──────────────────┘ page 0 never mapped: NULL faults
#ifndef KEEL_UVM_H
#define KEEL_UVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch/aarch64/pagetable.h"

#define USER_MIN 0x1000UL // lowest address a program may use
#define USER_TOP (1UL << 39)
#define USER_STACK_TOP (USER_TOP - PAGE_SIZE)
#define USER_STACK_SIZE (64 * 1024)
#define USER_STACK_GUARD (64 * 1024)
#define USER_STACK_BOTTOM (USER_STACK_TOP - USER_STACK_SIZE)

// Page attributes for user memory: EL0 gets what the segment asks for, EL1 never executes
// it (PXN), and every entry is tagged with the task's ASID (nG).
#define PTE_USER (PTE_NORMAL | DESC_NG | DESC_PXN)
#define PTE_USER_RX (PTE_USER | DESC_AP_RO_ALL)
#define PTE_USER_RO (PTE_USER | DESC_AP_RO_ALL | DESC_UXN)
#define PTE_USER_RW (PTE_USER | DESC_AP_RW_ALL | DESC_UXN)

// A new, empty address space: its level-1 table.  NULL if out of memory.
pte_t *uvm_create(void);

// Maps fresh zeroed frames at [va, va + size) with `attrs`.  0, or -ENOMEM (nothing of the
// range stays mapped then).
int uvm_alloc(pte_t *root, uint64_t va, uint64_t size, uint64_t attrs);

// Copies `len` bytes from the kernel to user address `va` of `root`, whatever the page's
// permissions (the loader writes into read-only segments).  The pages must be mapped.
void uvm_copy_in(pte_t *root, uint64_t va, const void *src, size_t len);

// Frees every page of user memory, the tables, and forgets the ASID's TLB entries.
void uvm_destroy(pte_t *root, uint16_t asid);

// TTBR0_EL1's value for `root` with `asid` (ASID in bits 63..48: Arm ARM D19.2.150).
static inline uint64_t uvm_ttbr0(pte_t *root, uint16_t asid)
{
    return virt_to_phys(root) | ((uint64_t)asid << 48);
}

// Whether [va, va + len) is inside the user half (no overflow).
static inline bool uvm_range_ok(uint64_t va, uint64_t len)
{
    return va >= USER_MIN && va <= USER_TOP && len <= USER_TOP - va;
}

// Whether [va, va + len) stays clear of the stack's guard (and the stack above it): what a
// task maps there itself (lab 5's device memory, lab 6's regions) would turn a stack
// overflow from a fault into a silent write.
static inline bool uvm_clear_of_stack(uint64_t va, uint64_t len)
{
    return va + len <= USER_STACK_BOTTOM - USER_STACK_GUARD;
}

#endif
