// shared_buffer.h — a region the kernel shares with a server, for bulk data it moves on a
// task's behalf (lab 6; kernel/shm/shared_buffer.c).
//
// The kernel needs no mapping of its own: every frame is in its direct map.  It copies a
// task's data into the frames (or out of them) and tells the server, in a message, where and
// how much; the server reads (or writes) the same bytes through its mapping.  The console
// uses one for output from lab 6; files (lab 7) and blocks and packets (labs 8, 9) use the
// same mechanism.
#ifndef KEEL_SHARED_BUFFER_H
#define KEEL_SHARED_BUFFER_H

#include <stddef.h>
#include <stdint.h>
#include "ipc/cap.h"
#include "shm/region.h"

struct shared_buffer {
    struct region *region; // NULL until shared_buffer_create
    uint64_t size;         // bytes
};

// A buffer of `pages` pages held by the kernel (one reference it never drops): 0 or -ENOMEM.
long shared_buffer_create(struct shared_buffer *b, uint64_t pages);
// Copies `len` bytes of the current task's memory at `user_src` to offset `offset` of the
// buffer (which must hold them): 0 or -EFAULT.
long shared_buffer_from_user(struct shared_buffer *b, uint64_t offset, uint64_t user_src,
                             size_t len);
// The other way: buffer bytes to the current task's memory.
long shared_buffer_to_user(struct shared_buffer *b, uint64_t offset, uint64_t user_dst, size_t len);
// The same between the buffer and kernel memory (lab 7: paths, the boot archive).
void shared_buffer_from_kernel(struct shared_buffer *b, uint64_t offset, const void *src,
                               size_t len);
void shared_buffer_to_kernel(struct shared_buffer *b, uint64_t offset, void *dst, size_t len);
// The capability a message carries to hand the buffer to a server, with `rights`.
struct cap shared_buffer_cap(const struct shared_buffer *b, unsigned rights);

#endif
