// pagetable.c — walking, filling and emptying AArch64 translation tables.
//
// Keel uses the 4 KiB granule with 39-bit VAs: three levels of 512 eight-byte descriptors,
// each table exactly one frame (Arm ARM D8.2 "Translation table walk", D8.3 "Translation
// table descriptor formats").  At levels 1 and 2 a valid descriptor is a table descriptor
// (bits[1:0] = 0b11) holding the physical address of the next table; at level 3 it is a page
// descriptor (also 0b11) holding the page's address and attributes.  Keel never uses block
// descriptors (0b01 at levels 1 and 2), except boot_mmu.c's boot table.
#include <stddef.h>
#include "arch/aarch64/pagetable.h"
#include "arch/aarch64/tlb.h"
#include "debug/printf.h"
#include "mm/frame.h"
#include "mm/memlayout.h"
#include "uapi/errno.h"

static bool desc_is_valid(pte_t desc)
{
    return (desc & DESC_VALID) != 0;
}

// At levels 1-2, a valid descriptor with bit 1 clear is a block, not a table.
static bool desc_is_table(pte_t desc)
{
    return (desc & (DESC_VALID | DESC_TABLE)) == (DESC_VALID | DESC_TABLE);
}

// The next-level table (or page) a descriptor points to, as a kernel pointer.
static pte_t *desc_table(pte_t desc)
{
    return phys_to_virt(desc & DESC_ADDR_MASK);
}

pte_t *pt_walk(pte_t *root, uint64_t va, bool create)
{
    // LAB 2: Your code here.
    // Starting at `root` (level 1), for levels 1 and 2: look at the entry pt_index(va, level).
    // A table descriptor: descend into desc_table().  Invalid: without `create` return NULL;
    // with it, frame_alloc_zeroed() a new table (NULL if that fails) and install a table
    // descriptor for it (its physical address | DESC_VALID | DESC_TABLE).  A block
    // descriptor: panic.  At level 3, return the address of the entry itself.
    // BEGIN SOLUTION LAB 2
    pte_t *table = root;
    for (int level = PT_FIRST_LEVEL; level < PT_LAST_LEVEL; level++) {
        pte_t *entry = &table[pt_index(va, level)];
        if (desc_is_table(*entry)) {
            table = desc_table(*entry);
            continue;
        }
        if (desc_is_valid(*entry))
            panic("pt_walk: block descriptor for 0x%lx at level %d", va, level);
        if (!create)
            return NULL;
        uint64_t pa = frame_alloc_zeroed();
        if (pa == 0)
            return NULL;
        // The zeroed table must be visible to the table walker before the descriptor that
        // points at it (D8.2.6, "Ordering of memory accesses from translation table walks").
        dsb_ishst();
        *entry = pa | DESC_VALID | DESC_TABLE;
        table = phys_to_virt(pa);
    }
    return &table[pt_index(va, PT_LAST_LEVEL)];
    // STUB
    //| panic("lab 2: pt_walk is not written yet (root %p, va 0x%lx, create %d)", root, va, create);
    // END SOLUTION
}

int pt_map(pte_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs)
{
    if ((va | pa | size) % PAGE_SIZE != 0)
        panic("pt_map: va 0x%lx, pa 0x%lx, size 0x%lx are not page-aligned", va, pa, size);
    // LAB 2: Your code here.
    // For each page: find its level-3 entry with pt_walk (creating tables); -ENOMEM if that
    // fails; panic if the entry is valid already ("pt_map: 0x... is already mapped"); write a
    // page descriptor: the physical address | attrs | DESC_VALID | DESC_PAGE.  At the end, a
    // dsb_ishst() so the table walker sees the new entries.
    // BEGIN SOLUTION LAB 2
    for (uint64_t offset = 0; offset < size; offset += PAGE_SIZE) {
        pte_t *entry = pt_walk(root, va + offset, true);
        if (entry == NULL)
            return -ENOMEM;
        if (desc_is_valid(*entry))
            panic("pt_map: 0x%lx is already mapped", va + offset);
        *entry = (pa + offset) | (attrs & PTE_ATTR_MASK) | DESC_VALID | DESC_PAGE;
    }
    dsb_ishst();
    return 0;
    // STUB
    //| panic("lab 2: pt_map is not written yet");
    // END SOLUTION
}

void pt_unmap(pte_t *root, uint64_t va, uint64_t size, bool free_frames)
{
    if ((va | size) % PAGE_SIZE != 0)
        panic("pt_unmap: va 0x%lx or size 0x%lx is not page-aligned", va, size);
    // LAB 2: Your code here.
    // For each page with a valid level-3 entry (pt_walk without create): remember the
    // physical address, clear the entry, invalidate the TLB entry for the page
    // (tlb_flush_page), and with free_frames give the frame back.  Order matters: the frame
    // must not be reused while a stale translation to it may still be in a TLB.
    // BEGIN SOLUTION LAB 2
    for (uint64_t offset = 0; offset < size; offset += PAGE_SIZE) {
        pte_t *entry = pt_walk(root, va + offset, false);
        if (entry == NULL || !desc_is_valid(*entry))
            continue;
        uint64_t pa = *entry & DESC_ADDR_MASK;
        *entry = 0;
        tlb_flush_page(va + offset);
        if (free_frames)
            frame_free(pa);
    }
    // STUB
    //| panic("lab 2: pt_unmap is not written yet");
    // END SOLUTION
}

void pt_translate(pte_t *root, uint64_t va, struct pt_translation *out)
{
    pte_t *table = root;
    out->mapped = false;
    out->pa = 0;
    out->attrs = 0;
    for (int level = PT_FIRST_LEVEL; level <= PT_LAST_LEVEL; level++) {
        pte_t desc = table[pt_index(va, level)];
        out->level = level;
        if (!desc_is_valid(desc))
            return;
        if (level < PT_LAST_LEVEL && desc_is_table(desc)) {
            table = desc_table(desc);
            continue;
        }
        // A page (level 3) or a block (levels 1-2): the low bits of va are the offset into it.
        uint64_t span = 1UL << (PAGE_SHIFT + 9 * (PT_LAST_LEVEL - level));
        out->mapped = true;
        out->pa = (desc & DESC_ADDR_MASK & ~(span - 1)) | (va & (span - 1));
        out->attrs = desc & PTE_ATTR_MASK;
        return;
    }
}

// Frees the tables below `table` (at `level`), then `table` itself.
static void destroy_level(pte_t *table, int level)
{
    if (level < PT_LAST_LEVEL) {
        for (int i = 0; i < PT_ENTRIES; i++)
            if (desc_is_table(table[i]))
                destroy_level(desc_table(table[i]), level + 1);
    }
    frame_free(virt_to_phys(table));
}

void pt_destroy(pte_t *root)
{
    destroy_level(root, PT_FIRST_LEVEL);
}

void pt_format_perms(uint64_t attrs, char *buf)
{
    uint64_t ap = attrs & DESC_AP_MASK;
    bool el1_write = ap == DESC_AP_RW_EL1 || ap == DESC_AP_RW_ALL;
    bool el0_read = ap == DESC_AP_RW_ALL || ap == DESC_AP_RO_ALL;
    buf[0] = 'R';
    buf[1] = el1_write ? 'W' : '-';
    buf[2] = (attrs & DESC_PXN) ? '-' : 'X';
    buf[3] = ' ';
    buf[4] = el0_read ? 'r' : '-';
    buf[5] = ap == DESC_AP_RW_ALL ? 'w' : '-';
    buf[6] = (attrs & DESC_UXN) ? '-' : 'x';
    buf[7] = '\0';
}

const char *pt_memory_type(uint64_t attrs)
{
    switch (attrs & DESC_ATTRINDX_MASK) {
    case DESC_ATTRINDX(MAIR_IDX_DEVICE):
        return "device";
    case DESC_ATTRINDX(MAIR_IDX_NORMAL):
        return "normal";
    case DESC_ATTRINDX(MAIR_IDX_NORMAL_NC):
        return "normal-nc";
    default:
        return "?";
    }
}
