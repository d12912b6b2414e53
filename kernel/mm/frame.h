// frame.h — the physical frame allocator (kernel/mm/frame.c).
//
// Hands out 4 KiB frames of RAM by physical address.  It manages every frame from the end
// of the kernel image (_end) to the end of RAM; the device tree and the kernel below _end are
// never handed out.  A bitmap in .bss has one bit per frame, so Keel manages at most
// FRAME_MAX_RAM of RAM.
#ifndef KEEL_FRAME_H
#define KEEL_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#define FRAME_MAX_RAM (4UL << 30)
#define FRAME_JUNK 0x6b // freed frames are filled with this byte

// Takes every frame between _end and frame_ram_end() as free.
void frame_init(void);

// The end of the RAM Keel uses: the end of RAM, or FRAME_MAX_RAM past its start if there is
// more.  The allocator manages no frame above it, and the kernel maps nothing above it (the
// boot page table and, from lab 2, the direct map both stop there).
uint64_t frame_ram_end(void);

// A free frame's physical address, or 0 if none is left.  Its contents are junk.
uint64_t frame_alloc(void);
// The same, filled with zeros.
uint64_t frame_alloc_zeroed(void);

// Returns a frame.  Fills it with FRAME_JUNK so a dangling pointer reads garbage, not stale
// data.  Panics, naming the address, if `pa` is not a managed frame or is already free.
void frame_free(uint64_t pa);

uint64_t frame_count_total(void);
uint64_t frame_count_free(void);
// Whether `pa` is a frame the allocator manages and has handed out.
bool frame_is_allocated(uint64_t pa);

#if LAB >= 4
// Takes the free frames of [pa, pa + size) out of circulation for good (an archive loaded
// by QEMU lives there).  Panics if one of them is not free.
void frame_reserve(uint64_t pa, uint64_t size);
#endif

#endif
