// file.h — open files: what a file descriptor names (kernel/fd/file.c).
//
// An fd is an index into the task's table (fdtable.h); the slot points at a `struct file`,
// which several fds (dup) and several tasks (spawn passes fds on) may share: they then share
// its offset, as on Linux.  A file is one of three kinds of object:
//
//   fd 0 ─┐
//   fd 1 ─┼──► file CONSOLE ──────────────► the console server (slot 0, console_client.c)
//   fd 2 ─┘
//   fd 3 ────► file PIPE_READ ──┐
//   fd 4 ────► file PIPE_WRITE ─┴─────────► struct pipe: a 4 KiB buffer in the kernel
//   fd 5 ────► file VFS (handle 7) ───────► the VFS server, which keeps handle 7's node,
//                                           offset and flags (vfs_client.c)
//
// The last close of a file (its last reference) closes the object behind it: the pipe's
// end, or the server's handle.
#ifndef KEEL_FILE_H
#define KEEL_FILE_H

#include <stddef.h>
#include <stdint.h>

enum file_kind { FILE_CONSOLE, FILE_PIPE_READ, FILE_PIPE_WRITE, FILE_VFS };

struct pipe;

struct file {
    enum file_kind kind;
    int refs;          // fds (of all tasks) and cwds that point here
    unsigned flags;    // openat's O_ACCMODE and O_APPEND bits, as opened
    struct pipe *pipe; // PIPE_*: the pipe
    uint64_t handle;   // VFS: the server's handle
    uint32_t mode;     // VFS: S_IF* of the node, as opened
};

// A new file of `kind` with one reference, or NULL (out of kernel memory).
struct file *file_create(enum file_kind kind, unsigned flags);
void file_get(struct file *f);
// Drops a reference; the last one closes what is behind the file.
void file_put(struct file *f);

// The calls on an open file, forwarded to the object behind it.  `buf` is a user address.
// Each returns what the system call returns (a count or -errno).
long file_read(struct file *f, uint64_t buf, size_t len);
long file_write(struct file *f, uint64_t buf, size_t len);
long file_seek(struct file *f, int64_t offset, int whence);
long file_stat(struct file *f, uint64_t user_stat);
long file_getdents(struct file *f, uint64_t buf, size_t len);
long file_fsync(struct file *f);

// Open files in the system (for keel_stats: leak tests).
unsigned file_count(void);

#endif
