// region.c — region objects: their frames and their reference count.
#include <stddef.h>
#include "debug/printf.h"
#include "ipc/cap.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/memlayout.h"
#include "shm/region.h"
#include "task/task.h"

static struct region *regions; // every live region, through next_region

uint64_t region_frame(const struct region *r, uint64_t n)
{
    return r->index[n / REGION_INDEX_ENTRIES][n % REGION_INDEX_ENTRIES];
}

// Gives back the frames and the index frames of a region whose first `pages` pages have
// frames (all of them, or as many as region_create got before memory ran out).
static void free_frames(struct region *r, uint64_t pages)
{
    for (uint64_t n = 0; n < pages; n++)
        frame_free(region_frame(r, n));
    for (int i = 0; i < REGION_INDEX_FRAMES; i++)
        if (r->index[i] != NULL)
            frame_free(virt_to_phys(r->index[i]));
}

struct region *region_create(uint64_t pages)
{
    if (pages == 0 || pages > REGION_MAX_PAGES || pages + 64 > frame_count_free())
        return NULL; // 64: what the index and the page tables of a mapping may need
    struct region *r = object_alloc(CAP_REGION, sizeof(struct region));
    if (r == NULL)
        return NULL;
    r->pages = (uint32_t)pages;
    for (uint64_t n = 0; n < pages; n++) {
        uint64_t *index = r->index[n / REGION_INDEX_ENTRIES];
        if (index == NULL) {
            uint64_t pa = frame_alloc();
            index = pa != 0 ? phys_to_virt(pa) : NULL;
            r->index[n / REGION_INDEX_ENTRIES] = index;
        }
        uint64_t frame = index != NULL ? frame_alloc_zeroed() : 0;
        if (frame == 0) {
            free_frames(r, n);
            object_destroy(&r->obj);
            return NULL;
        }
        index[n % REGION_INDEX_ENTRIES] = frame;
    }
    r->next_region = regions;
    regions = r;
    return r;
}

#if LAB >= 8
// A region over `pages` frames from `pa` on that are not the allocator's (lab 8's RAM disk,
// which QEMU loaded): only the index frames are allocated.  Whoever makes one keeps a
// reference for ever, so that free_frames never runs on it.
struct region *region_create_over(uint64_t pa, uint64_t pages)
{
    if (pages == 0 || pages > REGION_MAX_PAGES)
        return NULL;
    struct region *r = object_alloc(CAP_REGION, sizeof(struct region));
    if (r == NULL)
        return NULL;
    r->pages = (uint32_t)pages;
    for (uint64_t n = 0; n < pages; n++) {
        uint64_t **index = &r->index[n / REGION_INDEX_ENTRIES];
        if (*index == NULL) {
            uint64_t frame = frame_alloc_zeroed();
            if (frame == 0) {
                for (int i = 0; i < REGION_INDEX_FRAMES; i++)
                    if (r->index[i] != NULL)
                        frame_free(virt_to_phys(r->index[i]));
                object_destroy(&r->obj);
                return NULL;
            }
            *index = phys_to_virt(frame);
        }
        (*index)[n % REGION_INDEX_ENTRIES] = pa + n * PAGE_SIZE;
    }
    r->next_region = regions;
    regions = r;
    return r;
}
#endif

void region_get(struct region *r)
{
    r->refs++;
}

// Takes `r` off the list of regions and forgets any copy of a capability to it that is
// travelling in a message not yet delivered.
static void unlink_region(struct region *r)
{
    for (struct region **p = &regions; *p != NULL; p = &(*p)->next_region) {
        if (*p == r) {
            *p = r->next_region;
            break;
        }
    }
    for (int i = 0; i < NTASKS; i++)
        if (tasks[i].ipc.msg.has_cap && tasks[i].ipc.msg.cap.object == &r->obj)
            tasks[i].ipc.msg.has_cap = false;
}

void region_put(struct region *r)
{
    if (r->refs == 0)
        panic("region_put: region %u has no references left to drop", r->obj.id);
    // LAB 6: Your code here.
    // One reference less.  When none is left (no capability, no mapping), nobody can reach
    // the pages any more: take the region off the list (unlink_region), free its frames and
    // index frames (free_frames) and the object itself (object_destroy).
    // BEGIN SOLUTION LAB 6
    r->refs--;
    if (r->refs > 0)
        return;
    unlink_region(r);
    free_frames(r, r->pages);
    object_destroy(&r->obj);
    // STUB
    //| (void)unlink_region, (void)free_frames;
    // END SOLUTION
}

struct region *region_first(void)
{
    return regions;
}

unsigned region_count(void)
{
    unsigned n = 0;
    for (struct region *r = regions; r != NULL; r = r->next_region)
        n++;
    return n;
}
