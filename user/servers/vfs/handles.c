// handles.c — the open-file table, and the requests made on a handle.
//
// A handle is an index into one table shared by all clients (VFS_MAX_HANDLES entries: then
// ENFILE).  Each entry remembers who opened it (the client's badge: a handle is valid only
// for that client), the node, the offset and the access mode.  An open handle holds its
// node (fs_ops.hold), so a file unlinked while open keeps its data until the last close.
// For a directory the offset counts entries, "." and ".." first, as getdents goes.
// From lab 8 a file written through a handle is synced (fs_ops.sync) when the last handle
// on it closes, so a program that closes what it wrote finds it on the disk.
#include "vfs.h"

struct handle {
    bool used;
    unsigned long badge;
    struct vnode node;
    uint64_t offset;
    unsigned flags; // O_ACCMODE and O_APPEND of the open
#if LAB >= 8
    bool written; // the file changed through this handle: sync it at the last close
#endif
};

static struct handle handles[VFS_MAX_HANDLES];
static unsigned long open_count;

unsigned long handles_open(void)
{
    return open_count;
}

// A new handle on v for client c.  The handle, or -ENFILE.
long handle_open(struct client *c, struct vnode v, unsigned flags)
{
    for (long h = 0; h < VFS_MAX_HANDLES; h++) {
        if (!handles[h].used) {
            handles[h] = (struct handle){.used = true,
                                         .badge = c->badge,
                                         .node = v,
                                         .flags = flags & (O_ACCMODE | O_APPEND)};
#if LAB >= 8
            // An open that made or emptied the file changed the disk too.
            handles[h].written = (flags & (O_CREAT | O_TRUNC)) != 0;
#endif
            v.fs->ops->hold(v.fs, v.node);
            open_count++;
            return h;
        }
    }
    return -ENFILE;
}

// Client c's handle h, or NULL: out of range, closed, or another client's.
static struct handle *lookup(struct client *c, uint64_t h)
{
    if (h >= VFS_MAX_HANDLES || !handles[h].used || handles[h].badge != c->badge)
        return NULL;
    return &handles[h];
}

long handle_node(struct client *c, uint64_t h, struct vnode *out)
{
    if (h == VFS_ROOT) {
        *out = mount_root();
        return 0;
    }
    struct handle *e = lookup(c, h);
    if (e == NULL)
        return -EBADF;
    *out = e->node;
    return 0;
}

// A `dir` word: VFS_ROOT or one of c's handles of a directory.  0, -EBADF or -ENOTDIR.
long handle_dir(struct client *c, uint64_t h, struct vnode *out)
{
    long err = handle_node(c, h, out);
    if (err == 0 && !vnode_is_dir(*out))
        err = -ENOTDIR;
    return err;
}

#if LAB >= 8
// A handle that wrote closes: if another handle is open on the same node, the sync waits
// for that one's close; else the file is synced now.  0 or the sync's error.
static long sync_on_close(struct handle *e)
{
    for (int h = 0; h < VFS_MAX_HANDLES; h++) {
        struct handle *other = &handles[h];
        if (other != e && other->used && other->node.fs == e->node.fs &&
            other->node.node == e->node.node) {
            other->written = true;
            return 0;
        }
    }
    struct fs *fs = e->node.fs;
    return fs->ops->sync != NULL ? fs->ops->sync(fs, e->node.node) : 0;
}
#endif

// Closes handle e (its node released).  0, or from lab 8 the error of syncing what was
// written through it (the handle is closed all the same, as Linux's close does).
static long release(struct handle *e)
{
    long err = 0;
#if LAB >= 8
    if (e->written)
        err = sync_on_close(e);
#endif
    e->used = false;
    open_count--;
    e->node.fs->ops->release(e->node.fs, e->node.node);
    return err;
}

void handles_close_all(struct client *c)
{
    for (int h = 0; h < VFS_MAX_HANDLES; h++)
        if (handles[h].used && handles[h].badge == c->badge)
            release(&handles[h]);
}

// VFS_CLOSE: w0 handle -> 0, or -EBADF (from lab 8: or the error of syncing the file).
void vfs_close(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    struct handle *e = lookup(c, req->w[0]);
    reply->label = e == NULL ? -EBADF : release(e);
}

static bool can_read(const struct handle *e)
{
    return (e->flags & O_ACCMODE) == O_RDONLY || (e->flags & O_ACCMODE) == O_RDWR;
}

static bool can_write(const struct handle *e)
{
    return (e->flags & O_ACCMODE) == O_WRONLY || (e->flags & O_ACCMODE) == O_RDWR;
}

// VFS_READ: w0 handle, w1 n -> the bytes read into the buffer at 0 (0 at the end).
void vfs_read(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    struct handle *e = lookup(c, req->w[0]);
    uint64_t n = req->w[1];
    if (e == NULL || !can_read(e))
        reply->label = -EBADF;
    else if (n > c->size)
        reply->label = -EINVAL;
    else if (vnode_is_dir(e->node))
        reply->label = -EISDIR;
    else {
        long got = e->node.fs->ops->read(e->node.fs, e->node.node, e->offset, c->buf, n);
        if (got > 0)
            e->offset += (uint64_t)got;
        reply->label = got;
    }
}

// VFS_WRITE: w0 handle, w1 n -> the bytes written from the buffer at 0.  With O_APPEND
// every write goes to the end of the file, wherever the offset was.
void vfs_write(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    struct handle *e = lookup(c, req->w[0]);
    uint64_t n = req->w[1];
    if (e == NULL || !can_write(e)) {
        reply->label = -EBADF;
        return;
    }
    if (n > c->size) {
        reply->label = -EINVAL;
        return;
    }
    struct fs *fs = e->node.fs;
    if (e->flags & O_APPEND) {
        struct vfs_stat st;
        fs->ops->stat(fs, e->node.node, &st);
        e->offset = st.size;
    }
    long put = fs->ops->write(fs, e->node.node, e->offset, c->buf, n);
    if (put > 0)
        e->offset += (uint64_t)put;
#if LAB >= 8
    if (put > 0)
        e->written = true;
#endif
    reply->label = put;
}

// The number of entries getdents shows in directory v: "." and ".." and its own.
static uint64_t dir_entries(struct vnode v)
{
    struct dir_entry d;
    uint64_t n = 0;
    while (v.fs->ops->getdents(v.fs, v.node, n, &d) == 1)
        n++;
    return n + 2;
}

// VFS_SEEK: w0 handle, w1 offset, w2 whence -> the new offset; -EINVAL for a bad whence or
// a negative result.  A directory's offset is an entry index (SEEK_END: past the last).
void vfs_seek(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    struct handle *e = lookup(c, req->w[0]);
    int64_t offset = (int64_t)req->w[1];
    if (e == NULL) {
        reply->label = -EBADF;
        return;
    }
    int64_t base;
    switch (req->w[2]) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)e->offset;
        break;
    case SEEK_END: {
        struct vfs_stat st;
        e->node.fs->ops->stat(e->node.fs, e->node.node, &st);
        base = S_ISDIR(st.mode) ? (int64_t)dir_entries(e->node) : (int64_t)st.size;
        break;
    }
    default:
        reply->label = -EINVAL;
        return;
    }
    // base is at most 4 MiB (or a count of entries): only a huge offset can overflow.
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0) {
        reply->label = -EINVAL;
        return;
    }
    e->offset = (uint64_t)(base + offset);
    reply->label = (long)e->offset;
}

// Puts one linux_dirent64 at buf + *pos if it fits in `size` bytes; false if not.
static bool put_dirent(uint8_t *buf, size_t size, size_t *pos, uint64_t ino, uint8_t type,
                       const char *name, size_t len, int64_t next)
{
    size_t reclen = (offsetof(struct linux_dirent64, d_name) + len + 1 + 7) & ~(size_t)7;
    if (reclen > size - *pos)
        return false;
    struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + *pos);
    memset(d, 0, reclen);
    d->d_ino = ino;
    d->d_off = next;
    d->d_reclen = (uint16_t)reclen;
    d->d_type = type;
    memcpy(d->d_name, name, len);
    *pos += reclen;
    return true;
}

// Entry `index` of directory v as getdents shows it: 0 ".", 1 "..", then the file
// system's.  1 and *out, 0 past the end.
static long entry_at(struct vnode v, uint64_t index, struct dir_entry *out)
{
    if (index >= 2)
        return v.fs->ops->getdents(v.fs, v.node, index - 2, out);
    struct vnode target = v;
    if (index == 1 && path_step(v, "..", 2, &target) != 0)
        target = v; // a removed directory: its ".." is itself
    struct vfs_stat st;
    target.fs->ops->stat(target.fs, target.node, &st);
    *out = (struct dir_entry){.ino = st.ino, .type = DT_DIR, .name = "..", .len = index + 1};
    return 1;
}

// VFS_GETDENTS: w0 handle, w1 n -> bytes of linux_dirent64 records in the buffer at 0,
// from the handle's offset on; 0 at the end, -EINVAL if not even one record fits.
void vfs_getdents(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    struct handle *e = lookup(c, req->w[0]);
    uint64_t n = req->w[1];
    if (e == NULL || !can_read(e)) {
        reply->label = -EBADF;
        return;
    }
    if (n > c->size) {
        reply->label = -EINVAL;
        return;
    }
    if (!vnode_is_dir(e->node)) {
        reply->label = -ENOTDIR;
        return;
    }
    size_t pos = 0;
    struct dir_entry d;
    while (entry_at(e->node, e->offset, &d) == 1) {
        if (!put_dirent(c->buf, n, &pos, d.ino, d.type, d.name, d.len, (int64_t)e->offset + 1)) {
            if (pos == 0) {
                reply->label = -EINVAL;
                return;
            }
            break;
        }
        e->offset++;
    }
    reply->label = (long)pos;
}

// VFS_GETPATH: w0 handle of a directory -> the length of its absolute path, at 0 (no NUL).
void vfs_getpath(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    struct vnode v;
    long err = handle_dir(c, req->w[0], &v);
    reply->label = err < 0 ? err : path_absolute(v, (char *)c->buf, c->size);
}

// VFS_FSYNC: w0 handle -> 0.  Nothing to do for a ramfs: it has no disk behind it.  From
// lab 8 a disk file system writes the file's data and entry back (fs_ops.sync).
void vfs_fsync(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    struct handle *e = lookup(c, req->w[0]);
#if LAB >= 8
    struct fs *fs = e == NULL ? NULL : e->node.fs;
    if (fs != NULL && fs->ops->sync != NULL) {
        reply->label = fs->ops->sync(fs, e->node.node);
        return;
    }
#endif
    reply->label = e == NULL ? -EBADF : 0;
}
