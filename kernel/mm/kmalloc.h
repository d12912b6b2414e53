// kmalloc.h — small kernel objects (kernel/mm/kmalloc.c).
//
// Sizes up to KMALLOC_MAX come from pools of equal-sized objects, one pool per power of two
// from 16 to 2048 bytes, each pool a list of frames cut into objects.  Bigger things take
// whole frames from frame_alloc().
#ifndef KEEL_KMALLOC_H
#define KEEL_KMALLOC_H

#include <stddef.h>

#define KMALLOC_MAX 2048

// At least `size` bytes, 16-byte aligned, zeroed; NULL if size is 0 or above KMALLOC_MAX,
// or memory is exhausted.
void *kmalloc(size_t size);
// Frees what kmalloc returned (NULL is ignored).  Panics on a pointer kmalloc did not return
// or one already freed.  A pool frame whose objects are all free goes back to the frame
// allocator.
void kfree(void *ptr);
// Objects currently allocated, over all pools (for tests and `mem`).
size_t kmalloc_live_objects(void);

#endif
