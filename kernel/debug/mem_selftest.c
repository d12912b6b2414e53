// mem_selftest.c — self-tests of the frame allocator, kmalloc and the page-table code
// (given code), run from the boot arguments: test=frames, test=frames-double-free,
// test=frames-bad-free, test=kmalloc, test=map-unmap.
#include <stdbool.h>
#include <stddef.h>
#include "debug/printf.h"
#include "debug/selftest.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "mm/memlayout.h"

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
    uint64_t va = KERNBASE + 0x2000000000UL + (uint64_t)(nonce % 4096) * PAGE_SIZE;
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
