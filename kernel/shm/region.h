// region.h — shared memory regions (lab 6; kernel/shm/).
//
//   task A's page table            region #7 (3 pages)            task B's page table
//   0x10_0000_0000 ──► frame 0x4123_4000 ◄──── frames[0] ────► ◄── 0x10_0000_0000 (read-only)
//   0x10_0000_1000 ──► frame 0x4170_2000 ◄──── frames[1] ────► ◄── 0x10_0000_1000
//   0x10_0000_2000 ──► frame 0x4105_9000 ◄──── frames[2] ────► ◄── 0x10_0000_2000
//
// Each mapping is a struct region_mapping on the region's list, so that revoke and exit can
// find and remove it.  refs counts capabilities and mappings; at 0 the frames are freed.
#ifndef KEEL_REGION_H
#define KEEL_REGION_H

#include <stdbool.h>
#include <stdint.h>
#include "ipc/object.h"
#include "uapi/shm.h"

struct task;

#define REGION_INDEX_ENTRIES 512 // physical addresses in one frame of the frame index
#define REGION_INDEX_FRAMES (REGION_MAX_PAGES / REGION_INDEX_ENTRIES)

struct region_mapping {
    struct region_mapping *next;
    struct task *task;
    uint64_t va;
    bool writable;
    bool via_original; // made through the original capability: revoke leaves it
};

struct region {
    struct kobject obj;
    uint32_t pages;
    uint32_t refs; // capabilities + mappings (+ 1 while the kernel itself uses it)
    // The frames: index[i] is a frame of REGION_INDEX_ENTRIES physical addresses, pages
    // i*512 .. i*512+511.  (A region of 128 MiB has 32768 frames: too many for one kmalloc.)
    uint64_t *index[REGION_INDEX_FRAMES];
    struct region_mapping *mappings;
    struct region *next_region; // all regions, for exit's sweep
};

// A region of `pages` zeroed frames with refs 0: NULL if out of memory or objects.
struct region *region_create(uint64_t pages);
// The physical address of page `n`.
uint64_t region_frame(const struct region *r, uint64_t n);
// A reference more (a capability or a mapping), and one less: at 0 the region is freed.
void region_get(struct region *r);
#if LAB >= 8
// A region over frames the allocator does not own (the RAM disk, kernel/dev/ramdisk.c).
struct region *region_create_over(uint64_t pa, uint64_t pages);
#endif
void region_put(struct region *r);

// region_map: maps all of `r` into `t` at `va` (0: the kernel picks one at or above
// REGION_AREA).  The address, or -EINVAL (unaligned, outside the user half, overlapping),
// -ENOMEM.
long region_map(struct task *t, struct region *r, uint64_t va, bool writable, bool via_original);
// region_unmap: the mapping of `t` that starts at `va`: 0, or -EINVAL.
long region_unmap(struct task *t, uint64_t va);
// region_revoke: deletes every capability to `r` but the original and removes every
// mapping not made through it.
void region_revoke(struct region *r);
// exit: every mapping `t` has of any region goes (its page table is about to be freed).
void region_task_exit(struct task *t);
// Live regions (keel_stats could show them; the graders use objects), and the first of
// them (for map.c's searches; the rest follow through next_region).
unsigned region_count(void);
struct region *region_first(void);

#endif
