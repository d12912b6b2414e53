// fdtable.c — a task's file descriptors: the lowest free number, dup's sharing, what spawn
// passes on, and closing everything at exit.
#include <stddef.h>
#include "fd/fdtable.h"
#include "task/task.h"
#include "uapi/errno.h"

struct file *fd_lookup(int fd)
{
    // LAB 7: Your code here.
    // The file of fd `fd` of the current task: NULL if fd is negative, at or beyond
    // FD_MAX, or not open.  (fd comes from the user: any int.)
    // BEGIN SOLUTION LAB 7
    if (fd < 0 || fd >= FD_MAX)
        return NULL;
    return current->fds.fd[fd];
    // STUB
    //| (void)fd;
    //| return NULL;
    // END SOLUTION
}

static void set_cloexec(struct task_fds *fds, int fd, bool cloexec)
{
    if (cloexec)
        fds->cloexec |= 1UL << fd;
    else
        fds->cloexec &= ~(1UL << fd);
}

int fd_install(struct file *f, int lowest, bool cloexec)
{
    // LAB 7: Your code here.
    // POSIX: the lowest fd that is not open (and >= lowest, < the task's limit) gets the
    // file.  None free: drop the reference (file_put) and return -EMFILE.
    // BEGIN SOLUTION LAB 7
    struct task_fds *fds = &current->fds;
    for (int fd = lowest < 0 ? 0 : lowest; fd < (int)fds->limit; fd++) {
        if (fds->fd[fd] == NULL) {
            fds->fd[fd] = f;
            set_cloexec(fds, fd, cloexec);
            return fd;
        }
    }
    file_put(f);
    return -EMFILE;
    // STUB
    //| (void)set_cloexec, (void)lowest, (void)cloexec;
    //| file_put(f);
    //| return -EMFILE;
    // END SOLUTION
}

void fd_install_at(int fd, struct file *f, bool cloexec)
{
    struct task_fds *fds = &current->fds;
    struct file *old = fds->fd[fd];
    fds->fd[fd] = f;
    set_cloexec(fds, fd, cloexec);
    if (old != NULL)
        file_put(old); // after: closing may block in IPC, and the table is right already
}

int fd_close(int fd)
{
    struct file *f = fd_lookup(fd);
    if (f == NULL)
        return -EBADF;
    current->fds.fd[fd] = NULL;
    set_cloexec(&current->fds, fd, false);
    file_put(f);
    return 0;
}

// fds 0, 1 and 2 of a task with no parent (pid 1, the servers): the console, read-only on
// 0 and write-only on 1 and 2 (so that write(0) and read(1) fail with EBADF, as before
// lab 7).  All three share one file per direction, as a terminal's fds do.
static long console_fds(struct task_fds *fds)
{
    struct file *in = file_create(FILE_CONSOLE, O_RDONLY);
    struct file *out = file_create(FILE_CONSOLE, O_WRONLY);
    if (in == NULL || out == NULL) {
        if (in != NULL)
            file_put(in);
        if (out != NULL)
            file_put(out);
        return -ENOMEM;
    }
    fds->fd[0] = in;
    fds->fd[1] = out;
    fds->fd[2] = out;
    file_get(out);
    return 0;
}

long fds_start(struct task *t, struct task *parent)
{
    struct task_fds *fds = &t->fds;
    fds->limit = fds->limit_max = FD_MAX;
    if (parent == NULL)
        return console_fds(fds);
    fds->limit = parent->fds.limit; // rlimits are inherited, as on Linux
    fds->limit_max = parent->fds.limit_max;
    // LAB 7: Your code here.
    // Like Linux's exec after fork: the child gets every fd of the parent (the same
    // files, one more reference each) but those marked close-on-exec, at the same numbers,
    // and the parent's current directory (a reference too).  No fd is close-on-exec in the
    // child.
    // BEGIN SOLUTION LAB 7
    for (int fd = 0; fd < FD_MAX; fd++) {
        struct file *f = parent->fds.fd[fd];
        if (f == NULL || (parent->fds.cloexec & (1UL << fd)))
            continue;
        file_get(f);
        fds->fd[fd] = f;
    }
    fds->cwd = parent->fds.cwd;
    if (fds->cwd != NULL)
        file_get(fds->cwd);
    return 0;
    // STUB
    //| return console_fds(fds); // every child gets a fresh console instead
    // END SOLUTION
}

void fds_release(struct task *t)
{
    struct task_fds *fds = &t->fds;
    for (int fd = 0; fd < FD_MAX; fd++) {
        struct file *f = fds->fd[fd];
        fds->fd[fd] = NULL;
        if (f != NULL)
            file_put(f);
    }
    fds->cloexec = 0;
    if (fds->cwd != NULL) {
        struct file *cwd = fds->cwd;
        fds->cwd = NULL;
        file_put(cwd);
    }
}
