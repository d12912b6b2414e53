// sys_path.c — the system calls that name a path (lab 7): openat, newfstatat, mkdirat,
// unlinkat, renameat, chdir and getcwd.  The kernel resolves nothing itself: it finds the
// directory a relative path starts from (dirfd or the current directory) and hands the
// path to the VFS server (vfs_client.c), which walks it.
#include "fd/fdtable.h"
#include "fd/file.h"
#include "fd/vfs_client.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"
#include "uapi/fs.h"

// The server's handle of the directory `user_path` starts from: the root for an absolute
// path (dirfd is then ignored, as Linux does), the current directory for AT_FDCWD, else
// dirfd's directory.  0 and *dir, or -EFAULT, -EBADF, -ENOTDIR.
static long start_dir(int dirfd, uint64_t user_path, uint64_t *dir)
{
    char first;
    if (copy_from_user(&first, user_path, 1) != 0)
        return -EFAULT;
    struct file *cwd = current->fds.cwd;
    if (first == '/') {
        *dir = VFS_ROOT;
        return 0;
    }
    if (dirfd == AT_FDCWD) {
        *dir = cwd != NULL ? cwd->handle : VFS_ROOT;
        return 0;
    }
    struct file *f = fd_lookup(dirfd);
    if (f == NULL)
        return -EBADF;
    if (f->kind != FILE_VFS || !S_ISDIR(f->mode))
        return -ENOTDIR;
    *dir = f->handle;
    return 0;
}

// Whether the task has a free fd below its limit (checked before a file is made: a call
// that fails with EMFILE must not have created the file).
static bool fd_free(void)
{
    for (unsigned fd = 0; fd < current->fds.limit; fd++)
        if (current->fds.fd[fd] == NULL)
            return true;
    return false;
}

// Opens `user_path` from `dir`: a new file with one reference, or NULL and *err.
static struct file *open_file(uint64_t dir, uint64_t user_path, unsigned flags, unsigned perm,
                              long *err)
{
    uint32_t mode = 0;
    long handle = vfs_open(dir, user_path, flags, perm, &mode);
    if (handle < 0) {
        *err = handle;
        return NULL;
    }
    struct file *f = file_create(FILE_VFS, flags & (O_ACCMODE | O_APPEND));
    if (f == NULL) {
        vfs_close((uint64_t)handle);
        *err = -ENOMEM;
        return NULL;
    }
    f->handle = (uint64_t)handle;
    f->mode = mode;
    return f;
}

long sys_openat(struct trapframe *tf)
{
    int dirfd = (int)tf->x[0];
    uint64_t user_path = tf->x[1];
    unsigned flags = (unsigned)tf->x[2], perm = (unsigned)tf->x[3];
    uint64_t dir;
    long err = start_dir(dirfd, user_path, &dir);
    if (err != 0)
        return err;
    if (!fd_free())
        return -EMFILE;
    struct file *f = open_file(dir, user_path, flags, perm, &err);
    if (f == NULL)
        return err;
    return fd_install(f, 0, (flags & O_CLOEXEC) != 0);
}

long sys_newfstatat(struct trapframe *tf)
{
    int dirfd = (int)tf->x[0];
    uint64_t user_path = tf->x[1], user_stat = tf->x[2];
    unsigned flags = (unsigned)tf->x[3];
    if ((flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0)
        return -EINVAL;
    if (!uaccess_ok(user_stat, sizeof(struct stat), true))
        return -EFAULT;
    char first;
    if (copy_from_user(&first, user_path, 1) != 0)
        return -EFAULT;
    if (first == '\0' && (flags & AT_EMPTY_PATH)) { // the dirfd itself, as fstat
        struct file *f = dirfd == AT_FDCWD ? current->fds.cwd : fd_lookup(dirfd);
        if (f == NULL)
            return dirfd == AT_FDCWD ? vfs_stat_root(user_stat) : -EBADF;
        return file_stat(f, user_stat);
    }
    uint64_t dir;
    long err = start_dir(dirfd, user_path, &dir);
    if (err != 0)
        return err;
    struct vfs_stat vs;
    err = vfs_stat(dir, user_path, &vs);
    return err < 0 ? err : vfs_stat_to_user(&vs, user_stat);
}

long sys_mkdirat(struct trapframe *tf)
{
    uint64_t dir;
    long err = start_dir((int)tf->x[0], tf->x[1], &dir);
    return err != 0 ? err : vfs_mkdir(dir, tf->x[1], (unsigned)tf->x[2]);
}

long sys_unlinkat(struct trapframe *tf)
{
    unsigned flags = (unsigned)tf->x[2];
    if ((flags & ~(unsigned)AT_REMOVEDIR) != 0)
        return -EINVAL;
    uint64_t dir;
    long err = start_dir((int)tf->x[0], tf->x[1], &dir);
    return err != 0 ? err : vfs_unlink(dir, tf->x[1], flags);
}

long sys_renameat(struct trapframe *tf)
{
    uint64_t old_dir, new_dir;
    long err = start_dir((int)tf->x[0], tf->x[1], &old_dir);
    if (err == 0)
        err = start_dir((int)tf->x[2], tf->x[3], &new_dir);
    return err != 0 ? err : vfs_rename(old_dir, tf->x[1], new_dir, tf->x[3]);
}

long sys_chdir(struct trapframe *tf)
{
    uint64_t user_path = tf->x[0], dir;
    long err = start_dir(AT_FDCWD, user_path, &dir);
    if (err != 0)
        return err;
    // LAB 7: Your code here.
    // The current directory is an open directory (O_RDONLY | O_DIRECTORY: a file that is
    // not one gives -ENOTDIR) that the task holds instead of an fd.  Open the new one
    // with open_file, then let go of the old one (file_put) and keep the new.
    // BEGIN SOLUTION LAB 7
    struct file *f = open_file(dir, user_path, O_RDONLY | O_DIRECTORY, 0, &err);
    if (f == NULL)
        return err;
    struct file *old = current->fds.cwd;
    current->fds.cwd = f;
    if (old != NULL)
        file_put(old);
    return 0;
    // STUB
    //| return -ENOSYS;
    // END SOLUTION
}

long sys_getcwd(struct trapframe *tf)
{
    struct file *cwd = current->fds.cwd;
    return vfs_getpath(cwd != NULL ? cwd->handle : VFS_ROOT, tf->x[0], tf->x[1]);
}
