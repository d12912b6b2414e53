// requests.c — the requests that name a path: open, stat, mkdir, unlink and rename.
//
// The path is copied out of the client's buffer first: the client can write its buffer
// while the server works, and a path that changed between two looks at it could make the
// server check one name and act on another.  Then path.c resolves it, and the operation is
// the file system's (struct fs_ops), with Linux's answers to every odd case.
#include "vfs.h"

static char paths[2][PATH_MAX]; // the request's paths (rename has two), copied in

static bool has_nul(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0')
            return true;
    return false;
}

// Copies the path at `offset`, `len` bytes, of c's buffer into paths[which].  0, or -EINVAL
// (past the buffer, or a NUL inside: no Linux path holds one), -ENAMETOOLONG (PATH_MAX
// bytes or more: PATH_MAX counts the NUL), -ENOENT (empty).
static long path_in(struct client *c, uint64_t offset, uint64_t len, int which)
{
    if (offset > c->size || len > c->size - offset)
        return -EINVAL;
    if (len >= PATH_MAX)
        return -ENAMETOOLONG;
    if (len == 0)
        return -ENOENT;
    memcpy(paths[which], c->buf + offset, len);
    if (has_nul(paths[which], len))
        return -EINVAL;
    return 0;
}

// Where a path starts: the root if it is absolute (the `dir` word is then ignored, as
// Linux ignores dirfd), else the directory handle `dir`.
static long start_of(struct client *c, uint64_t dir, const char *path, struct vnode *out)
{
    if (path[0] == '/') {
        *out = mount_root();
        return 0;
    }
    return handle_dir(c, dir, out);
}

// Resolves `path` (len bytes, copied in) all the way.
static long resolve(struct client *c, uint64_t dir, const char *path, size_t len, struct vnode *out)
{
    struct vnode start;
    long err = start_of(c, dir, path, &start);
    return err < 0 ? err : path_resolve(start, path, len, out);
}

// Resolves `path` up to its last name.
static long resolve_parent(struct client *c, uint64_t dir, const char *path, size_t len,
                           struct last_name *last)
{
    struct vnode start;
    long err = start_of(c, dir, path, &start);
    return err < 0 ? err : path_parent(start, path, len, last);
}

// A name that is not a plain entry: "/" (len 0), "." or "..".
static bool is_special(const struct last_name *last)
{
    return last->len == 0 || name_is_dot(last->name, last->len) ||
           name_is_dotdot(last->name, last->len);
}

// Finds or makes the node of an O_CREAT open.  0 and *out, or -errno.
static long open_create(struct client *c, uint64_t dir, size_t len, unsigned flags, unsigned mode,
                        struct vnode *out)
{
    struct last_name last;
    long err = resolve_parent(c, dir, paths[0], len, &last);
    if (err < 0)
        return err;
    if (is_special(&last) || last.trailing_slash)
        return -EISDIR; // directories (or "name/": one if anything), and O_CREAT means a file
    err = path_step(last.dir, last.name, last.len, out);
    if (err == 0)
        return (flags & O_EXCL) ? -EEXIST : 0;
    if (err != -ENOENT)
        return err;
    void *node;
    struct fs *fs = last.dir.fs;
    err = fs->ops->create(fs, last.dir.node, last.name, last.len, mode, &node);
    if (err == 0)
        *out = (struct vnode){fs, node};
    return err;
}

// VFS_OPEN: w0 dir, w1 flags, w2 mode, w3 path len -> a handle; w0 st_mode, w1 size.
void vfs_open(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    unsigned flags = (unsigned)req->w[1], mode = (unsigned)req->w[2];
    size_t len = req->w[3];
    long err = path_in(c, 0, len, 0);
    if (err == 0 && (flags & O_ACCMODE) == O_ACCMODE)
        err = -EINVAL;
    if (err == 0 && handles_open() >= VFS_MAX_HANDLES)
        err = -ENFILE; // before anything is made
    struct vnode v;
    if (err == 0)
        err = (flags & O_CREAT) ? open_create(c, req->w[0], len, flags, mode, &v)
                                : resolve(c, req->w[0], paths[0], len, &v);
    struct vfs_stat st;
    if (err == 0)
        err = v.fs->ops->stat(v.fs, v.node, &st);
    if (err == 0 && S_ISDIR(st.mode) && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)))
        err = -EISDIR;
    if (err == 0 && !S_ISDIR(st.mode) && (flags & O_DIRECTORY))
        err = -ENOTDIR;
    if (err == 0 && !S_ISDIR(st.mode) && (flags & O_TRUNC) && st.size > 0) {
        err = v.fs->ops->truncate(v.fs, v.node, 0);
        st.size = 0;
    }
    long h = err < 0 ? err : handle_open(c, v, flags);
    reply->label = h;
    if (h >= 0) {
        reply->w[0] = st.mode;
        reply->w[1] = st.size;
    }
}

// VFS_STAT: w0 dir, w1 path len (0: the handle w0 itself) -> 0; struct vfs_stat at 0.
void vfs_stat(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    size_t len = req->w[1];
    struct vnode v;
    long err = len == 0 ? handle_node(c, req->w[0], &v) : path_in(c, 0, len, 0);
    if (err == 0 && len > 0)
        err = resolve(c, req->w[0], paths[0], len, &v);
    struct vfs_stat st;
    if (err == 0)
        err = v.fs->ops->stat(v.fs, v.node, &st);
    if (err == 0)
        memcpy(c->buf, &st, sizeof(st));
    reply->label = err;
}

// VFS_MKDIR: w0 dir, w1 mode, w2 path len -> 0.
void vfs_mkdir(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    size_t len = req->w[2];
    struct last_name last;
    long err = path_in(c, 0, len, 0);
    if (err == 0)
        err = resolve_parent(c, req->w[0], paths[0], len, &last);
    if (err == 0 && is_special(&last))
        err = -EEXIST;
    if (err == 0)
        err = last.dir.fs->ops->mkdir(last.dir.fs, last.dir.node, last.name, last.len,
                                      (unsigned)req->w[1]);
    reply->label = err;
}

// rmdir's checks that the file system cannot make: "/" and mount points are busy, "." is
// invalid, ".." is not empty (it holds the directory we stand in).
static long remove_dir(struct last_name *last)
{
    if (last->len == 0)
        return -EBUSY;
    if (name_is_dot(last->name, last->len))
        return -EINVAL;
    if (name_is_dotdot(last->name, last->len))
        return -ENOTEMPTY;
    struct vnode target;
    long err = path_step(last->dir, last->name, last->len, &target);
    if (err < 0)
        return err;
    if (mount_is_fs_root(target))
        return -EBUSY;
    struct fs *fs = last->dir.fs;
    return fs->ops->rmdir(fs, last->dir.node, last->name, last->len);
}

// unlink of a file; "name/" must be a directory, and so cannot be unlinked either.
static long remove_file(struct last_name *last)
{
    if (is_special(last))
        return -EISDIR;
    if (last->trailing_slash) {
        struct vnode target;
        long err = path_step(last->dir, last->name, last->len, &target);
        if (err < 0)
            return err;
        return vnode_is_dir(target) ? -EISDIR : -ENOTDIR;
    }
    struct fs *fs = last->dir.fs;
    return fs->ops->unlink(fs, last->dir.node, last->name, last->len);
}

// VFS_UNLINK: w0 dir, w1 flags (AT_REMOVEDIR: rmdir), w2 path len -> 0.
void vfs_unlink(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    size_t len = req->w[2];
    struct last_name last;
    long err = (req->w[1] & ~(uint64_t)AT_REMOVEDIR) != 0 ? -EINVAL : path_in(c, 0, len, 0);
    if (err == 0)
        err = resolve_parent(c, req->w[0], paths[0], len, &last);
    if (err == 0)
        err = (req->w[1] & AT_REMOVEDIR) ? remove_dir(&last) : remove_file(&last);
    reply->label = err;
}

// The checks of a rename that concern both names, before the file system's own.
static long rename_check(struct last_name *from, struct last_name *to)
{
    if (is_special(from) || is_special(to))
        return -EBUSY;
    struct vnode node, target;
    long err = path_step(from->dir, from->name, from->len, &node);
    if (err < 0)
        return err;
    if (mount_is_fs_root(node))
        return -EBUSY;
    bool dir = vnode_is_dir(node);
    if (!dir && (from->trailing_slash || to->trailing_slash))
        return -ENOTDIR;
    err = path_step(to->dir, to->name, to->len, &target);
    if (err == 0 && mount_is_fs_root(target))
        return -EBUSY;
    if (err < 0 && err != -ENOENT)
        return err;
    if (from->dir.fs != to->dir.fs)
        return -EXDEV;
    return 0;
}

// VFS_RENAME: w0 old dir, w1 new dir, w2 old len, w3 new len (the paths back to back) -> 0.
void vfs_rename(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    size_t old_len = req->w[2], new_len = req->w[3];
    struct last_name from, to;
    long err = path_in(c, 0, old_len, 0);
    if (err == 0)
        err = path_in(c, old_len, new_len, 1);
    if (err == 0)
        err = resolve_parent(c, req->w[0], paths[0], old_len, &from);
    if (err == 0)
        err = resolve_parent(c, req->w[1], paths[1], new_len, &to);
    if (err == 0)
        err = rename_check(&from, &to);
    if (err == 0) {
        struct fs *fs = from.dir.fs;
        err = fs->ops->rename(fs, from.dir.node, from.name, from.len, to.dir.node, to.name, to.len);
    }
    reply->label = err;
}
