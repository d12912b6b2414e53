// frame.c — the physical frame allocator: who owns each 4 KiB frame of RAM.
//
// One bit per frame in `free_map`: 1 = free, 0 = allocated (or not managed).  Frame i is the
// one at physical address first_frame + i * PAGE_SIZE.  A bitmap costs 32 KiB per GiB of RAM,
// needs no initialisation per frame (boot stays fast with lots of RAM: frame_init touches no
// frame), and makes a double free easy to see: the bit is already 1.
#include <stddef.h>
#include "boot/dtb.h"
#include "debug/printf.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/memlayout.h"

#define BITS_PER_WORD 64
#define MAX_FRAMES (FRAME_MAX_RAM / PAGE_SIZE)

static uint64_t free_map[MAX_FRAMES / BITS_PER_WORD];
static uint64_t first_frame; // physical address of frame 0
static uint64_t nframes;     // frames managed
static uint64_t nfree;       // frames free now
static uint64_t search_from; // word where the last allocation found a free frame

// The frame number of `pa`, or -1 if pa is not the start of a managed frame.
static int64_t frame_number(uint64_t pa)
{
    if (pa < first_frame || pa % PAGE_SIZE != 0)
        return -1;
    uint64_t n = (pa - first_frame) / PAGE_SIZE;
    return n < nframes ? (int64_t)n : -1;
}

static bool bit_is_set(uint64_t n)
{
    return (free_map[n / BITS_PER_WORD] >> (n % BITS_PER_WORD)) & 1;
}

uint64_t frame_ram_end(void)
{
    uint64_t size = boot_info.ram_size < FRAME_MAX_RAM ? boot_info.ram_size : FRAME_MAX_RAM;
    return boot_info.ram_base + size;
}

void frame_init(void)
{
    uint64_t ram_end = frame_ram_end();
    if (boot_info.ram_size > FRAME_MAX_RAM)
        printf("frame_init: using %lu MiB of the %lu MiB of RAM (the bitmap's limit)\n",
               FRAME_MAX_RAM >> 20, boot_info.ram_size >> 20);
    // LAB 2: Your code here.
    // Manage every frame from the end of the kernel image (_end, a virtual address: convert
    // it) to ram_end: set first_frame, nframes and nfree, and mark those frames free in
    // free_map.  Whole words at a time is much faster than bit by bit.
    // BEGIN SOLUTION LAB 2
    first_frame = page_round_up(virt_to_phys(_end));
    nframes = ram_end > first_frame ? (ram_end - first_frame) / PAGE_SIZE : 0;
    uint64_t whole_words = nframes / BITS_PER_WORD;
    for (uint64_t w = 0; w < whole_words; w++)
        free_map[w] = ~0UL;
    for (uint64_t n = whole_words * BITS_PER_WORD; n < nframes; n++)
        free_map[n / BITS_PER_WORD] |= 1UL << (n % BITS_PER_WORD);
    nfree = nframes;
    search_from = 0;
    // STUB
    //| (void)ram_end;
    // END SOLUTION
}

uint64_t frame_alloc(void)
{
    // LAB 2: Your code here.
    // Find a set bit (start at search_from: the words before it are likely all zero), clear
    // it, update nfree and search_from, and return the frame's physical address.  Return 0
    // when no frame is free.  __builtin_ctzl(x) gives the index of x's lowest set bit.
    // BEGIN SOLUTION LAB 2
    uint64_t nwords = (nframes + BITS_PER_WORD - 1) / BITS_PER_WORD;
    for (uint64_t i = 0; i < nwords; i++) {
        uint64_t w = (search_from + i) % nwords;
        if (free_map[w] == 0)
            continue;
        uint64_t bit = (uint64_t)__builtin_ctzl(free_map[w]);
        free_map[w] &= ~(1UL << bit);
        nfree--;
        search_from = w;
        return first_frame + (w * BITS_PER_WORD + bit) * PAGE_SIZE;
    }
    return 0;
    // STUB
    //| (void)search_from;
    //| return 0;
    // END SOLUTION
}

uint64_t frame_alloc_zeroed(void)
{
    uint64_t pa = frame_alloc();
    if (pa != 0)
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

void frame_free(uint64_t pa)
{
    // LAB 2: Your code here.
    // Panic if pa is not a managed frame ("frame_free: 0x... is not a frame I manage") or is
    // free already ("frame_free: double free of 0x..."): both mean a bug elsewhere, and the
    // address is the best clue.  Otherwise fill the frame with FRAME_JUNK, set its bit and
    // update nfree.
    // BEGIN SOLUTION LAB 2
    int64_t n = frame_number(pa);
    if (n < 0)
        panic("frame_free: 0x%lx is not a frame I manage", pa);
    if (bit_is_set((uint64_t)n))
        panic("frame_free: double free of 0x%lx", pa);
    memset(phys_to_virt(pa), FRAME_JUNK, PAGE_SIZE);
    free_map[n / BITS_PER_WORD] |= 1UL << (n % BITS_PER_WORD);
    nfree++;
    // STUB
    //| (void)pa;
    // END SOLUTION
}

uint64_t frame_count_total(void)
{
    return nframes;
}

uint64_t frame_count_free(void)
{
    return nfree;
}

bool frame_is_allocated(uint64_t pa)
{
    int64_t n = frame_number(pa);
    return n >= 0 && !bit_is_set((uint64_t)n);
}

#if LAB >= 4
void frame_reserve(uint64_t pa, uint64_t size)
{
    for (uint64_t a = page_round_down(pa); a < pa + size; a += PAGE_SIZE) {
        int64_t n = frame_number(a);
        if (n < 0 || !bit_is_set((uint64_t)n))
            panic("frame_reserve: 0x%lx is not a free frame", a);
        free_map[n / BITS_PER_WORD] &= ~(1UL << (n % BITS_PER_WORD));
        nfree--;
    }
}
#endif
