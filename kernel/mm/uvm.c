// uvm.c — user address spaces: the table behind TTBR0_EL1 for each task.
#include <stddef.h>
#include "arch/aarch64/sysreg.h"
#include "debug/printf.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/memlayout.h"
#include "mm/uvm.h"
#include "uapi/errno.h"

pte_t *uvm_create(void)
{
    uint64_t pa = frame_alloc_zeroed();
    return pa == 0 ? NULL : phys_to_virt(pa);
}

int uvm_alloc(pte_t *root, uint64_t va, uint64_t size, uint64_t attrs)
{
    // LAB 4: Your code here.
    // For each page of [va, va + size): a zeroed frame, mapped with pt_map.  If a frame or a
    // table cannot be had, give back what this call mapped so far (pt_unmap with
    // free_frames), free the frame in hand, and return -ENOMEM.
    // BEGIN SOLUTION LAB 4
    for (uint64_t offset = 0; offset < size; offset += PAGE_SIZE) {
        uint64_t pa = frame_alloc_zeroed();
        if (pa == 0 || pt_map(root, va + offset, pa, PAGE_SIZE, attrs) != 0) {
            if (pa != 0)
                frame_free(pa);
            pt_unmap(root, va, offset, true);
            return -ENOMEM;
        }
    }
    return 0;
    // STUB
    //| panic("lab 4: uvm_alloc is not written yet (va 0x%lx)", va);
    // END SOLUTION
}

void uvm_copy_in(pte_t *root, uint64_t va, const void *src, size_t len)
{
    const uint8_t *from = src;
    while (len > 0) {
        struct pt_translation t;
        pt_translate(root, va, &t);
        if (!t.mapped)
            panic("uvm_copy_in: 0x%lx is not mapped", va);
        size_t chunk = PAGE_SIZE - (va % PAGE_SIZE);
        if (chunk > len)
            chunk = len;
        memcpy(phys_to_virt(t.pa), from, chunk);
        va += chunk;
        from += chunk;
        len -= chunk;
    }
}

// Frees the frame of every page mapped in the level-`level` table, below.
static void free_mapped_frames(pte_t *table, int level)
{
    for (int i = 0; i < PT_ENTRIES; i++) {
        if (!(table[i] & DESC_VALID))
            continue;
        if (level < PT_LAST_LEVEL)
            free_mapped_frames(phys_to_virt(table[i] & DESC_ADDR_MASK), level + 1);
        else if (!(table[i] & DESC_NOT_OWNED))
            frame_free(table[i] & DESC_ADDR_MASK);
    }
}

void uvm_destroy(pte_t *root, uint16_t asid)
{
    // LAB 4: Your code here.
    // The address space may still have translations in the TLB, tagged with `asid`: a new
    // task in the same slot gets the same ASID and must not find them.  Invalidate them
    // all (tlbi aside1is with the ASID in bits 63..48, then dsb ish and isb), then free the
    // frames of every mapped page (free_mapped_frames) and the tables (pt_destroy).  The
    // caller has already switched TTBR0 away from this table.
    // BEGIN SOLUTION LAB 4
    dsb_ishst();
    __asm__ volatile("tlbi aside1is, %0" ::"r"((uint64_t)asid << 48) : "memory");
    dsb_ish();
    isb();
    free_mapped_frames(root, PT_FIRST_LEVEL);
    pt_destroy(root);
    // STUB
    //| (void)free_mapped_frames;
    //| panic("lab 4: uvm_destroy is not written yet (asid %u)", asid);
    // END SOLUTION
}
