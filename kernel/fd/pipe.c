// pipe.c — pipes: a ring buffer of PIPE_BUF bytes in one kernel frame, a reader that sleeps
// while it is empty and a writer that sleeps while it is full.
//
//            tail (next byte to read)      head (next byte to write)
//                 v                          v
//   [ . . . . . . d a t a   w a i t i n g . . . . . . ]   count = head - tail (mod 4096)
//
// Who sleeps when:
//   read, buffer empty, a writer still open    sleeps on `p->data` until a write or the
//                                              last writer's close; then EOF (0) if empty
//   write, not enough room                     sleeps on `p->room` until a read or the
//                                              reader's close; no reader left: -EPIPE
// A write of at most PIPE_BUF bytes waits until it fits whole (POSIX: it is never mixed
// with another writer's bytes); a longer one goes in pieces as room appears.  Linux would
// also send SIGPIPE with EPIPE; Keel has no signals, so the writer only gets the error.
#include <stdbool.h>
#include "fd/file.h"
#include "fd/pipe.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "task/task.h"
#include "uapi/errno.h"
#include "uapi/fs.h"

struct pipe {
    char *buffer;       // PIPE_BUF bytes, in the direct map
    uint64_t frame;     // ... its frame
    size_t tail, count; // the bytes waiting: count of them from `tail` on, wrapping around
    bool read_open;     // the read end's file still has references
    bool write_open;    // the write end's
    char data;          // channel: bytes arrived, or the last writer went
    char room;          // channel: room appeared, or the reader went
};

long pipe_create(struct file **read_end, struct file **write_end)
{
    struct pipe *p = kmalloc(sizeof(*p));
    struct file *r = file_create(FILE_PIPE_READ, O_RDONLY);
    struct file *w = file_create(FILE_PIPE_WRITE, O_WRONLY);
    uint64_t frame = frame_alloc();
    if (p == NULL || r == NULL || w == NULL || frame == 0) {
        if (frame != 0)
            frame_free(frame);
        kfree(p);
        // Files without a pipe close nothing when they go.
        if (r != NULL)
            r->kind = FILE_CONSOLE, file_put(r);
        if (w != NULL)
            w->kind = FILE_CONSOLE, file_put(w);
        return -ENOMEM;
    }
    *p = (struct pipe){
        .buffer = phys_to_virt(frame), .frame = frame, .read_open = true, .write_open = true};
    r->pipe = w->pipe = p;
    *read_end = r;
    *write_end = w;
    return 0;
}

// Copies n bytes between the ring at `from` (wrapping) and user memory.
static int ring_to_user(struct pipe *p, uint64_t buf, size_t n)
{
    size_t first = PIPE_BUF - p->tail < n ? PIPE_BUF - p->tail : n;
    if (copy_to_user(buf, p->buffer + p->tail, first) != 0)
        return -EFAULT;
    return copy_to_user(buf + first, p->buffer, n - first);
}

static int user_to_ring(struct pipe *p, uint64_t buf, size_t n)
{
    size_t head = (p->tail + p->count) % PIPE_BUF;
    size_t first = PIPE_BUF - head < n ? PIPE_BUF - head : n;
    if (copy_from_user(p->buffer + head, buf, first) != 0)
        return -EFAULT;
    return copy_from_user(p->buffer, buf + first, n - first);
}

long pipe_read(struct pipe *p, uint64_t buf, size_t len)
{
    if (len == 0)
        return 0;
    if (!uaccess_ok(buf, len, true))
        return -EFAULT; // before waiting: a bad buffer fails at once
    // LAB 7: Your code here.
    // Wait while the pipe is empty: but if no writer is left, that is the end of the file
    // (return 0), and a killed task stops waiting (-EINTR).  Then take up to `len` bytes
    // (ring_to_user), and wake the writers who wait for room.
    // BEGIN SOLUTION LAB 7
    while (p->count == 0) {
        if (!p->write_open)
            return 0;
        if (current->killed)
            return -EINTR;
        task_sleep_on(&p->data);
    }
    size_t n = len < p->count ? len : p->count;
    if (ring_to_user(p, buf, n) != 0)
        return -EFAULT;
    p->tail = (p->tail + n) % PIPE_BUF;
    p->count -= n;
    task_wakeup(&p->room);
    return (long)n;
    // STUB
    //| (void)ring_to_user;
    //| return -ENOSYS;
    // END SOLUTION
}

long pipe_write(struct pipe *p, uint64_t buf, size_t len)
{
    if (!uaccess_ok(buf, len, false))
        return -EFAULT;
    size_t done = 0;
    // LAB 7: Your code here.
    // Put the bytes in as room appears, waking readers after each piece.  No reader left:
    // -EPIPE (or the count written so far).  A write of at most PIPE_BUF bytes waits until
    // all of it fits.  A killed task stops waiting (-EINTR, or the count so far).
    // BEGIN SOLUTION LAB 7
    while (done < len) {
        if (!p->read_open)
            return done > 0 ? (long)done : -EPIPE;
        size_t room = PIPE_BUF - p->count;
        size_t needed = len <= PIPE_BUF ? len : 1; // small writes are atomic
        if (room < needed) {
            if (current->killed)
                return done > 0 ? (long)done : -EINTR;
            task_sleep_on(&p->room);
            continue;
        }
        size_t n = len - done < room ? len - done : room;
        if (user_to_ring(p, buf + done, n) != 0)
            return done > 0 ? (long)done : -EFAULT;
        p->count += n;
        done += n;
        task_wakeup(&p->data);
    }
    return (long)done;
    // STUB
    //| (void)user_to_ring, (void)done;
    //| return -ENOSYS;
    // END SOLUTION
}

void pipe_close_end(struct pipe *p, bool writer)
{
    // LAB 7: Your code here.
    // Mark the end closed and wake whoever waits on the other side (a reader must see EOF,
    // a writer EPIPE).  When both ends are closed, free the frame and the pipe.
    // BEGIN SOLUTION LAB 7
    if (writer)
        p->write_open = false;
    else
        p->read_open = false;
    task_wakeup(writer ? &p->data : &p->room);
    if (p->read_open || p->write_open)
        return;
    frame_free(p->frame);
    kfree(p);
    // STUB
    //| (void)p, (void)writer;
    // END SOLUTION
}
