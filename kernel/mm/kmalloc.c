// kmalloc.c — small kernel objects from pools of equal-sized slots (given code).
//
// One pool per size class: 16, 32, ..., 2048 bytes.  A pool is a list of pool frames; each
// frame starts with a header and is cut into slots of its class.  Free slots of a frame form
// a list through their first word.  kfree() finds a slot's frame by rounding down to the page
// boundary, so it needs no size; a frame whose slots are all free goes back to the frame
// allocator, so memory use falls back to where it was when objects are freed.
//
//   frame:  ┌────────┬──────┬──────┬──────┬─────┐
//           │ header │ slot │ slot │ slot │ ... │   header.free_slots -> a free slot -> ...
//           └────────┴──────┴──────┴──────┴─────┘
#include <stdint.h>
#include "debug/printf.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"

#define NCLASSES 8 // 16 << 0 .. 16 << 7 = 2048
#define MIN_SLOT 16
#define POOL_MAGIC 0x6b6d616c6c6f6321UL // "kmalloc!" marks a pool frame
#define FREED_JUNK 0x6b

struct free_slot {
    struct free_slot *next;
};

struct pool_frame {
    uint64_t magic;
    unsigned size_class;
    unsigned used_slots;
    struct free_slot *free_slots;
    struct pool_frame *prev, *next; // in its class's list of frames with free slots
};

// The header takes the first slot (or the first few): slots start at a multiple of the size.
static struct pool_frame *frames_with_space[NCLASSES];
static size_t live_objects;

static size_t slot_size(unsigned size_class)
{
    return (size_t)MIN_SLOT << size_class;
}

static size_t first_slot_offset(unsigned size_class)
{
    size_t size = slot_size(size_class);
    return (sizeof(struct pool_frame) + size - 1) / size * size;
}

static void list_remove(struct pool_frame *f)
{
    if (f->prev != NULL)
        f->prev->next = f->next;
    else
        frames_with_space[f->size_class] = f->next;
    if (f->next != NULL)
        f->next->prev = f->prev;
    f->prev = f->next = NULL;
}

static void list_push(struct pool_frame *f)
{
    f->prev = NULL;
    f->next = frames_with_space[f->size_class];
    if (f->next != NULL)
        f->next->prev = f;
    frames_with_space[f->size_class] = f;
}

// A new pool frame for `size_class`, all its slots free; NULL if no frame is left.
static struct pool_frame *new_pool_frame(unsigned size_class)
{
    uint64_t pa = frame_alloc();
    if (pa == 0)
        return NULL;
    struct pool_frame *f = phys_to_virt(pa);
    f->magic = POOL_MAGIC;
    f->size_class = size_class;
    f->used_slots = 0;
    f->free_slots = NULL;
    size_t size = slot_size(size_class);
    for (size_t off = PAGE_SIZE - size; off >= first_slot_offset(size_class); off -= size) {
        struct free_slot *slot = (struct free_slot *)((char *)f + off);
        slot->next = f->free_slots;
        f->free_slots = slot;
    }
    list_push(f);
    return f;
}

void *kmalloc(size_t size)
{
    if (size == 0 || size > KMALLOC_MAX)
        return NULL;
    unsigned size_class = 0;
    while (slot_size(size_class) < size)
        size_class++;
    struct pool_frame *f = frames_with_space[size_class];
    if (f == NULL && (f = new_pool_frame(size_class)) == NULL)
        return NULL;
    struct free_slot *slot = f->free_slots;
    f->free_slots = slot->next;
    f->used_slots++;
    if (f->free_slots == NULL)
        list_remove(f);
    live_objects++;
    memset(slot, 0, slot_size(size_class));
    return slot;
}

void kfree(void *ptr)
{
    if (ptr == NULL)
        return;
    struct pool_frame *f = (struct pool_frame *)page_round_down((uint64_t)ptr);
    if ((uint64_t)ptr < KERNBASE || f->magic != POOL_MAGIC)
        panic("kfree: %p did not come from kmalloc", ptr);
    size_t size = slot_size(f->size_class);
    size_t offset = (char *)ptr - (char *)f;
    if (offset < first_slot_offset(f->size_class) || offset % size != 0)
        panic("kfree: %p is not the start of a %lu-byte object", ptr, size);
    for (struct free_slot *s = f->free_slots; s != NULL; s = s->next)
        if (s == ptr)
            panic("kfree: double free of %p", ptr);
    memset(ptr, FREED_JUNK, size);
    bool was_full = f->free_slots == NULL;
    struct free_slot *slot = ptr;
    slot->next = f->free_slots;
    f->free_slots = slot;
    f->used_slots--;
    live_objects--;
    if (was_full)
        list_push(f);
    if (f->used_slots == 0) {
        list_remove(f);
        f->magic = 0;
        frame_free(virt_to_phys(f));
    }
}

size_t kmalloc_live_objects(void)
{
    return live_objects;
}
