// pipe.h — pipes: a buffer in the kernel between writers and readers (kernel/fd/pipe.c).
#ifndef KEEL_PIPE_H
#define KEEL_PIPE_H

#include <stddef.h>
#include <stdint.h>

struct file;

// A new pipe and its two ends, each a file with one reference: 0, or -ENOMEM / -ENFILE.
long pipe_create(struct file **read_end, struct file **write_end);
// read and write on the ends; `buf` is a user address.
long pipe_read(struct pipe *p, uint64_t buf, size_t len);
long pipe_write(struct pipe *p, uint64_t buf, size_t len);
// The last reference to an end is gone.
void pipe_close_end(struct pipe *p, bool writer);

#endif
