// mem_selftest.c — self-tests of the frame allocator, kmalloc and the page-table code
// (given code), run from the boot arguments: test=frames, test=frames-double-free,
// test=frames-bad-free, test=kmalloc, test=map-unmap, test=map-twice, test=tlb-remap,
// test=junk-tables.
#include <stdbool.h>
#include <stddef.h>
#include "debug/printf.h"
#include "debug/selftest.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "arch/aarch64/pagetable.h"
#include "mm/kvm.h"
#include "mm/memlayout.h"

// Kernel addresses nothing else maps: the page-table tests play there.  Each is the start
// of its own level-1 entry (1 GiB), so the first page mapped in it needs new tables.
#define TEST_REGION (KERNBASE + 0x2000000000UL)
#define FRESH_REGION (KERNBASE + 0x3000000000UL)
#define LEVEL2_SPAN (2UL << 20) // what one level-3 table maps: 512 pages, 2 MiB

// Allocated frames are chained through their first word; the second holds a tag that
// changes with the nonce, so a frame handed out twice in one run is recognised.
struct frame_note {
    uint64_t next;
    uint64_t tag;
};

void selftest_frames(uint32_t nonce)
{
    uint64_t tag = 0x4b45454c00000000UL ^ nonce; // "KEEL" ^ nonce
    uint64_t free_before = frame_count_free();
    uint64_t chain = 0, allocated = 0, repeats = 0;
    for (uint64_t pa; (pa = frame_alloc()) != 0; allocated++) {
        struct frame_note *note = phys_to_virt(pa);
        if (note->tag == tag)
            repeats++;
        note->tag = tag;
        note->next = chain;
        chain = pa;
    }
    uint64_t free_when_empty = frame_count_free();
    bool refused = frame_alloc() == 0;
    uint64_t junk_ok = 0, freed = 0;
    while (chain != 0) {
        struct frame_note *note = phys_to_virt(chain);
        uint64_t next = note->next;
        frame_free(chain);
        // Freed frames must be filled with junk (FRAME_JUNK), not left as they were.
        const uint8_t *bytes = (const uint8_t *)note;
        if (bytes[0] == FRAME_JUNK && bytes[8] == FRAME_JUNK && bytes[PAGE_SIZE - 1] == FRAME_JUNK)
            junk_ok++;
        chain = next;
        freed++;
    }
    printf("frames-selftest %u: free %lu, allocated %lu, repeats %lu, free when empty %lu, "
           "then refused %s, freed %lu, junk-filled %lu, free after %lu\n",
           nonce, free_before, allocated, repeats, free_when_empty, refused ? "yes" : "no", freed,
           junk_ok, frame_count_free());
}

void selftest_frames_double_free(uint32_t nonce)
{
    uint64_t pa = frame_alloc();
    printf("frames-selftest %u: freeing 0x%lx twice\n", nonce, pa);
    frame_free(pa);
    frame_free(pa);
    printf("frames-selftest %u: the second free was accepted\n", nonce);
}

void selftest_frames_bad_free(uint32_t nonce)
{
    // A page of the kernel's own code: never a frame the allocator manages.
    uint64_t pa = virt_to_phys(_text_start) + PAGE_SIZE * (nonce % 2);
    printf("frames-selftest %u: freeing 0x%lx, which is kernel code\n", nonce, pa);
    frame_free(pa);
    printf("frames-selftest %u: the free was accepted\n", nonce);
}

void selftest_kmalloc(uint32_t nonce)
{
    enum { COUNT = 600 };
    static void *objects[COUNT];
    static size_t sizes[COUNT];
    uint64_t free_before = frame_count_free();
    uint32_t seed = nonce | 1;
    size_t overlaps = 0;
    int allocated = 0;
    for (int i = 0; i < COUNT; i++) {
        seed = seed * 1103515245u + 12345u; // a small LCG: sizes vary with the nonce
        sizes[i] = 1 + (seed >> 8) % KMALLOC_MAX;
        objects[i] = kmalloc(sizes[i]);
        if (objects[i] == NULL)
            continue;
        allocated++;
        memset(objects[i], i & 0xff, sizes[i]);
    }
    uint64_t free_full = frame_count_free();
    for (int i = 0; i < COUNT; i++) // every object still holds its own pattern
        for (size_t b = 0; objects[i] != NULL && b < sizes[i]; b++)
            if (((uint8_t *)objects[i])[b] != (i & 0xff)) {
                overlaps++;
                break;
            }
    for (int i = 0; i < COUNT; i += 2) // free in two passes, so pools empty out of order
        kfree(objects[i]);
    for (int i = 1; i < COUNT; i += 2)
        kfree(objects[i]);
    printf("kmalloc-selftest %u: %d of %d objects allocated in %lu frames, overlaps %lu, "
           "live after %lu, frames back %s\n",
           nonce, allocated, COUNT, free_before - free_full, overlaps, kmalloc_live_objects(),
           frame_count_free() == free_before ? "yes" : "no");
}

// One round of map, use, unmap at `va` in the live kernel table.  Returns the frame used.
static uint64_t map_use_unmap(uint64_t va, uint64_t tag, bool *seen, bool *gone)
{
    uint64_t pa = frame_alloc();
    if (pa == 0 || pt_map(kvm_root(), va, pa, PAGE_SIZE, PTE_KERNEL_DATA) != 0) {
        *seen = *gone = false;
        return pa;
    }
    *(volatile uint64_t *)va = tag;                        // through the new mapping ...
    *seen = *(volatile uint64_t *)phys_to_virt(pa) == tag; // ... lands in the frame
    pt_unmap(kvm_root(), va, PAGE_SIZE, true);
    *gone = (kvm_hw_translate(va, false) & 1) != 0 && !frame_is_allocated(pa);
    return pa;
}

// pt_map and pt_unmap (Exercises 2 and 3) on the kernel's own table: a page mapped at an
// unused kernel address is written through, then unmapped; the MMU must no longer translate
// it, its frame must be free again, and a second round must leave the free count unchanged
// (the first round's new tables stay, so they are not counted).
void selftest_map_unmap(uint32_t nonce)
{
    if (kvm_root() == NULL) {
        printf("map-unmap-selftest %u: no kernel page table yet (Exercise 4)\n", nonce);
        return;
    }
    uint64_t va = TEST_REGION + (uint64_t)(nonce % 4096) * PAGE_SIZE;
    uint64_t tag = 0x4b45454c00000000UL ^ nonce;
    bool seen, gone;
    map_use_unmap(va, tag, &seen, &gone);
    uint64_t free_before = frame_count_free();
    uint64_t pa = map_use_unmap(va, ~tag, &seen, &gone);
    printf("map-unmap-selftest %u: 0x%lx -> 0x%lx, written through it %s, after unmap "
           "translated by the MMU %s and frame free %s, free frames back %s\n",
           nonce, va, pa, seen ? "yes" : "no", gone ? "no" : "yes", gone ? "yes" : "no",
           frame_count_free() == free_before ? "yes" : "no");
}

// Whether the kernel table needs to exist for a page-table test; says so if it does not.
static bool have_kernel_table(const char *test, uint32_t nonce)
{
    if (kvm_root() != NULL)
        return true;
    printf("%s-selftest %u: no kernel page table yet (Exercise 4)\n", test, nonce);
    return false;
}

// Mapping a page that is mapped already is a bug in the caller: pt_map must panic and name
// the address (or refuse with an error and leave the first mapping alone), never quietly
// point the page at another frame.
void selftest_map_twice(uint32_t nonce)
{
    if (!have_kernel_table("map-twice", nonce))
        return;
    uint64_t va = TEST_REGION + (uint64_t)(nonce % 4096) * PAGE_SIZE;
    uint64_t first = frame_alloc(), second = frame_alloc();
    if (first == 0 || second == 0 || pt_map(kvm_root(), va, first, PAGE_SIZE, PTE_KERNEL_DATA)) {
        printf("map-twice-selftest %u: could not map a first page\n", nonce);
        return;
    }
    printf("map-twice-selftest %u: mapping 0x%lx a second time, to another frame\n", nonce, va);
    int err = pt_map(kvm_root(), va, second, PAGE_SIZE, PTE_KERNEL_DATA);
    struct pt_translation t;
    pt_translate(kvm_root(), va, &t);
    printf("map-twice-selftest %u: the second pt_map returned %d and 0x%lx maps the first "
           "frame %s\n",
           nonce, err, va, t.mapped && t.pa == first ? "still" : "no longer");
}

// After pt_unmap, no translation of the page may be left in the TLB.  The page is read
// through (so the TLB holds its translation), unmapped, and mapped again to a second frame;
// a read through it must then see the second frame.  (AT, which the map-unmap test asks,
// walks the tables and never sees the TLB; an ordinary load does.)
void selftest_tlb_remap(uint32_t nonce)
{
    if (!have_kernel_table("tlb-remap", nonce))
        return;
    uint64_t va = TEST_REGION + (uint64_t)(nonce % 4096) * PAGE_SIZE;
    uint64_t first = frame_alloc(), second = frame_alloc();
    uint64_t tag = 0x4b45454c00000000UL ^ nonce;
    if (first == 0 || second == 0 || pt_map(kvm_root(), va, first, PAGE_SIZE, PTE_KERNEL_DATA)) {
        printf("tlb-remap-selftest %u: could not map a first page\n", nonce);
        return;
    }
    *(volatile uint64_t *)va = tag; // the TLB now translates va to `first`
    uint64_t before = *(volatile uint64_t *)va;
    pt_unmap(kvm_root(), va, PAGE_SIZE, false);
    *(volatile uint64_t *)phys_to_virt(second) = ~tag;
    if (pt_map(kvm_root(), va, second, PAGE_SIZE, PTE_KERNEL_DATA) != 0) {
        printf("tlb-remap-selftest %u: could not map the page again\n", nonce);
        return;
    }
    uint64_t after = *(volatile uint64_t *)va;
    printf("tlb-remap-selftest %u: 0x%lx read 0x%lx through the first frame, then 0x%lx after "
           "the remap: %s\n",
           nonce, va, before, after,
           after == ~tag  ? "the second frame"
           : after == tag ? "still the first frame (a stale TLB entry)"
                          : "neither frame");
    pt_unmap(kvm_root(), va, PAGE_SIZE, false);
    frame_free(first);
    frame_free(second);
}

// A new page table must start out empty: a table made of a used frame is 512 random
// "descriptors".  Every free frame is taken and given back first, so that all of them hold
// FRAME_JUNK (0x6b: bits 1:0 = 0b11, a valid table descriptor); then a page is mapped where
// it needs a new level-2 and level-3 table, and its neighbours in those tables must be
// unmapped, in the table and for the MMU.
void selftest_junk_tables(uint32_t nonce)
{
    if (!have_kernel_table("junk-tables", nonce))
        return;
    uint64_t chain = 0, count = 0;
    for (uint64_t pa; (pa = frame_alloc()) != 0; count++) {
        *(uint64_t *)phys_to_virt(pa) = chain;
        chain = pa;
    }
    while (chain != 0) {
        uint64_t next = *(uint64_t *)phys_to_virt(chain);
        frame_free(chain);
        chain = next;
    }
    uint64_t va = FRESH_REGION + (uint64_t)(nonce % 256) * LEVEL2_SPAN + (nonce % 512) * PAGE_SIZE;
    uint64_t tag = 0x4b45454c00000000UL ^ nonce;
    printf("junk-tables-selftest %u: %lu free frames, all junk now; mapping 0x%lx needs new "
           "tables\n",
           nonce, count, va);
    uint64_t pa = frame_alloc();
    if (pa == 0 || pt_map(kvm_root(), va, pa, PAGE_SIZE, PTE_KERNEL_DATA) != 0) {
        printf("junk-tables-selftest %u: could not map the page\n", nonce);
        return;
    }
    *(volatile uint64_t *)va = tag;
    bool written = *(volatile uint64_t *)phys_to_virt(pa) == tag;
    // Neighbours: the next page (same level-3 table) and the same page 2 MiB away (same level-2 table).
    const uint64_t neighbours[] = {va ^ PAGE_SIZE, va ^ LEVEL2_SPAN};
    int mapped = 0;
    for (int i = 0; i < 2; i++) {
        struct pt_translation t;
        pt_translate(kvm_root(), neighbours[i], &t);
        mapped += t.mapped || (kvm_hw_translate(neighbours[i], false) & 1) == 0;
    }
    printf("junk-tables-selftest %u: written through it %s; neighbours in the new tables "
           "mapped: %d\n",
           nonce, written ? "yes" : "no", mapped);
    pt_unmap(kvm_root(), va, PAGE_SIZE, true);
}
