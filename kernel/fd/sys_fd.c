// sys_fd.c — the system calls on file descriptors (lab 7): close, dup, dup3, pipe2, lseek,
// fstat, getdents64, fsync and prlimit64's RLIMIT_NOFILE (read and write are in
// kernel/syscall/sys_io.c).  Linux's numbers, arguments and errors (docs/syscalls.md).
#include "fd/fdtable.h"
#include "fd/file.h"
#include "fd/pipe.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"
#include "uapi/fs.h"

// An fd argument: Linux's are ints, so only the low 32 bits count.
static int fd_arg(uint64_t x)
{
    return (int)x;
}

long sys_close(struct trapframe *tf)
{
    return fd_close(fd_arg(tf->x[0]));
}

long sys_dup(struct trapframe *tf)
{
    struct file *f = fd_lookup(fd_arg(tf->x[0]));
    if (f == NULL)
        return -EBADF;
    file_get(f);
    return fd_install(f, 0, false);
}

long sys_dup3(struct trapframe *tf)
{
    int fd = fd_arg(tf->x[0]), newfd = fd_arg(tf->x[1]);
    unsigned flags = (unsigned)tf->x[2];
    // LAB 7: Your code here.
    // Linux's checks, in its order: flags other than O_CLOEXEC, or fd == newfd: -EINVAL;
    // newfd outside 0 .. the task's limit - 1: -EBADF; fd not open: -EBADF.  Then newfd
    // names the same file as fd (one more reference), whatever it named before is closed,
    // and it is close-on-exec if O_CLOEXEC was given.
    // BEGIN SOLUTION LAB 7
    if ((flags & ~(unsigned)O_CLOEXEC) != 0 || fd == newfd)
        return -EINVAL;
    if (newfd < 0 || newfd >= (int)current->fds.limit)
        return -EBADF;
    struct file *f = fd_lookup(fd);
    if (f == NULL)
        return -EBADF;
    file_get(f);
    fd_install_at(newfd, f, (flags & O_CLOEXEC) != 0);
    return newfd;
    // STUB
    //| (void)fd, (void)newfd, (void)flags;
    //| return -ENOSYS;
    // END SOLUTION
}

long sys_pipe2(struct trapframe *tf)
{
    uint64_t user_fds = tf->x[0];
    unsigned flags = (unsigned)tf->x[1];
    if ((flags & ~(unsigned)O_CLOEXEC) != 0)
        return -EINVAL; // Keel's pipes always block: no O_NONBLOCK, no O_DIRECT
    if (!uaccess_ok(user_fds, 2 * sizeof(int), true))
        return -EFAULT;
    struct file *r, *w;
    long err = pipe_create(&r, &w);
    if (err != 0)
        return err;
    bool cloexec = (flags & O_CLOEXEC) != 0;
    int fds[2];
    fds[0] = fd_install(r, 0, cloexec);
    if (fds[0] < 0) {
        file_put(w);
        return fds[0];
    }
    fds[1] = fd_install(w, 0, cloexec);
    if (fds[1] < 0) {
        fd_close(fds[0]);
        return fds[1];
    }
    return copy_to_user(user_fds, fds, sizeof(fds));
}

long sys_lseek(struct trapframe *tf)
{
    struct file *f = fd_lookup(fd_arg(tf->x[0]));
    if (f == NULL)
        return -EBADF;
    return file_seek(f, (int64_t)tf->x[1], (int)tf->x[2]);
}

long sys_fstat(struct trapframe *tf)
{
    struct file *f = fd_lookup(fd_arg(tf->x[0]));
    if (f == NULL)
        return -EBADF;
    return file_stat(f, tf->x[1]);
}

long sys_getdents64(struct trapframe *tf)
{
    struct file *f = fd_lookup(fd_arg(tf->x[0]));
    if (f == NULL)
        return -EBADF;
    return file_getdents(f, tf->x[1], tf->x[2]);
}

long sys_fsync(struct trapframe *tf)
{
    struct file *f = fd_lookup(fd_arg(tf->x[0]));
    if (f == NULL)
        return -EBADF;
    return file_fsync(f);
}

// prlimit64(pid, resource, new, old): only RLIMIT_NOFILE, only of the caller.  The new
// limit is read and the old one's place checked before anything changes.
long sys_prlimit64(struct trapframe *tf)
{
    int pid = (int)tf->x[0];
    uint64_t user_new = tf->x[2], user_old = tf->x[3];
    struct task_fds *fds = &current->fds;
    if (pid != 0 && pid != current->pid)
        return -ESRCH;
    if ((unsigned)tf->x[1] != RLIMIT_NOFILE)
        return -EINVAL;
    struct rlimit64 now = {fds->limit, fds->limit_max}, asked;
    if (user_new != 0 && copy_from_user(&asked, user_new, sizeof(asked)) != 0)
        return -EFAULT;
    if (user_old != 0 && !uaccess_ok(user_old, sizeof(now), true))
        return -EFAULT;
    if (user_new != 0) {
        if (asked.rlim_cur > asked.rlim_max)
            return -EINVAL;
        if (asked.rlim_max > fds->limit_max)
            return -EPERM; // raising the hard limit takes a privilege no task has
        fds->limit = (unsigned)asked.rlim_cur;
        fds->limit_max = (unsigned)asked.rlim_max;
    }
    if (user_old != 0)
        copy_to_user(user_old, &now, sizeof(now));
    return 0;
}
