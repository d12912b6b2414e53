// file.c — open files: their references, and the forwarding of each call to the object
// behind the file: the console, a pipe, or the VFS server.
#include <stdbool.h>
#include <stddef.h>
#include "dev/console_client.h"
#include "fd/file.h"
#include "fd/pipe.h"
#include "fd/vfs_client.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/fs.h"

static unsigned files_open;

struct file *file_create(enum file_kind kind, unsigned flags)
{
    struct file *f = kmalloc(sizeof(*f));
    if (f == NULL)
        return NULL;
    memset(f, 0, sizeof(*f));
    f->kind = kind;
    f->refs = 1;
    f->flags = flags;
    files_open++;
    return f;
}

void file_get(struct file *f)
{
    f->refs++;
}

void file_put(struct file *f)
{
    // LAB 7: Your code here.
    // Drop the reference.  The last one closes what is behind the file: a pipe's end
    // (pipe_close_end: readers or writers waiting on the other side must learn of it), or
    // the server's handle (vfs_close).  Then free the file.
    // BEGIN SOLUTION LAB 7
    if (--f->refs > 0)
        return;
    if (f->kind == FILE_PIPE_READ || f->kind == FILE_PIPE_WRITE)
        pipe_close_end(f->pipe, f->kind == FILE_PIPE_WRITE);
    else if (f->kind == FILE_VFS)
        vfs_close(f->handle);
    files_open--;
    kfree(f);
    // STUB
    //| (void)f;
    // END SOLUTION
}

unsigned file_count(void)
{
    return files_open;
}

static bool readable(const struct file *f)
{
    return (f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_ACCMODE) == O_RDWR;
}

static bool writable(const struct file *f)
{
    return (f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_ACCMODE) == O_RDWR;
}

long file_read(struct file *f, uint64_t buf, size_t len)
{
    // LAB 7: Your code here.
    // A file opened without read access: -EBADF (as Linux).  Then by kind: the console
    // (console_client_read), a pipe's read end (pipe_read), a file of the VFS server
    // (vfs_read; a directory gives -EISDIR, as Linux's read does).
    // BEGIN SOLUTION LAB 7
    if (!readable(f))
        return -EBADF;
    switch (f->kind) {
    case FILE_CONSOLE:
        return console_client_read(buf, len);
    case FILE_PIPE_READ:
        return pipe_read(f->pipe, buf, len);
    case FILE_VFS:
        if (S_ISDIR(f->mode))
            return -EISDIR;
        return vfs_read(f->handle, buf, len);
    default:
        return -EBADF;
    }
    // STUB
    //| (void)readable;
    //| if (f->kind == FILE_CONSOLE) // given, so that programs can print while you work
    //|     return console_client_read(buf, len);
    //| return -ENOSYS;
    // END SOLUTION
}

long file_write(struct file *f, uint64_t buf, size_t len)
{
    // LAB 7: Your code here.
    // As file_read, the other way: without write access -EBADF; then console_client_write,
    // pipe_write or vfs_write.
    // BEGIN SOLUTION LAB 7
    if (!writable(f))
        return -EBADF;
    switch (f->kind) {
    case FILE_CONSOLE:
        return console_client_write(buf, len);
    case FILE_PIPE_WRITE:
        return pipe_write(f->pipe, buf, len);
    case FILE_VFS:
        return vfs_write(f->handle, buf, len);
    default:
        return -EBADF;
    }
    // STUB
    //| (void)writable;
    //| if (f->kind == FILE_CONSOLE) // given, so that programs can print while you work
    //|     return console_client_write(buf, len);
    //| return -ENOSYS;
    // END SOLUTION
}

long file_seek(struct file *f, int64_t offset, int whence)
{
    if (f->kind != FILE_VFS)
        return -ESPIPE; // pipes and terminals have no offset
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
        return -EINVAL;
    return vfs_seek(f->handle, offset, whence);
}

// A struct stat for what is not a server's file: the console (a character device, as a
// terminal is on Linux) or a pipe.
static long stat_kernel_object(struct file *f, uint64_t user_stat)
{
    struct stat st;
    memset(&st, 0, sizeof(st));
    st.st_mode = f->kind == FILE_CONSOLE ? (S_IFCHR | 0620) : (S_IFIFO | 0600);
    st.st_nlink = 1;
    st.st_blksize = PIPE_BUF;
    st.st_dev = 0xffff; // not a file system's
    st.st_ino = (uint64_t)(uintptr_t)f->pipe & 0xffffffff;
    return copy_to_user(user_stat, &st, sizeof(st));
}

long file_stat(struct file *f, uint64_t user_stat)
{
    if (!uaccess_ok(user_stat, sizeof(struct stat), true))
        return -EFAULT;
    if (f->kind != FILE_VFS)
        return stat_kernel_object(f, user_stat);
    struct vfs_stat vs;
    long err = vfs_stat(f->handle, 0, &vs);
    if (err < 0)
        return err;
    return vfs_stat_to_user(&vs, user_stat);
}

long file_getdents(struct file *f, uint64_t buf, size_t len)
{
    if (f->kind != FILE_VFS || !S_ISDIR(f->mode))
        return -ENOTDIR;
    return vfs_getdents(f->handle, buf, len);
}

long file_fsync(struct file *f)
{
    if (f->kind != FILE_VFS)
        return -EINVAL; // Linux: fsync of a pipe or terminal
    return vfs_fsync(f->handle);
}
