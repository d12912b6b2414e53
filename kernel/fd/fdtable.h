// fdtable.h — a task's file descriptors and current directory (kernel/fd/fdtable.c).
#ifndef KEEL_FDTABLE_H
#define KEEL_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "fd/file.h"
#include "uapi/fs.h"

struct task;

struct task_fds {
    struct file *fd[FD_MAX]; // NULL: the fd is not open
    uint64_t cloexec;        // bit i: fd i is not passed on by spawn (O_CLOEXEC)
    unsigned limit;          // new fds are below this: RLIMIT_NOFILE's soft limit (prlimit64)
    unsigned limit_max;      // ... and its hard limit, <= FD_MAX: it may only go down
    struct file *cwd;        // the current directory (a VFS file), NULL: the root
};

// The file behind `fd` of the current task, or NULL (not open, or out of range).
struct file *fd_lookup(int fd);
// Puts `f` (whose reference the table takes over) at the lowest free fd >= `lowest`: the fd,
// or -EMFILE (the reference is then dropped).
int fd_install(struct file *f, int lowest, bool cloexec);
// Puts `f` at exactly `fd`, closing what was there (dup3): the reference is the table's.
void fd_install_at(int fd, struct file *f, bool cloexec);
// Closes `fd` of the current task: 0 or -EBADF.
int fd_close(int fd);

// A new task's table: the console on 0, 1 and 2 (`parent` NULL), or a copy of the parent's
// without its O_CLOEXEC fds, and the parent's current directory.  0, or -ENOMEM.
long fds_start(struct task *t, struct task *parent);
// Closes every fd and the current directory (exit).
void fds_release(struct task *t);

#endif
