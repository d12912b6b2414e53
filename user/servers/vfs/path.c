// path.c — path resolution: from a starting directory, one name at a time, to a node.
//
// A path is given by pointer and length (it lies in a client's buffer, with no NUL).  An
// absolute path starts at the root, a relative one at the `dir` the request names.  Each
// step looks one name up in the directory reached so far (path_step): "." stays, ".."
// goes up (at / it stays at /), and a name that is a mount point leads to the root of what
// is mounted there.  Requests that make or remove a name (create, mkdir, unlink, rename)
// resolve all but the last name (path_parent) and act on that name in its directory.
#include "vfs.h"

bool name_is_dot(const char *name, size_t len)
{
    return len == 1 && name[0] == '.';
}

bool name_is_dotdot(const char *name, size_t len)
{
    return len == 2 && name[0] == '.' && name[1] == '.';
}

// The parent of directory `dir` as a path sees it: across mount points, and / for /.
// 0 and *out, or -ENOENT (dir was removed: it has no parent any more).
static long step_up(struct vnode dir, struct vnode *out)
{
    while (mount_is_fs_root(dir) && !mount_is_root(dir))
        dir = mount_leave(dir); // ".." of a mounted root: the mount point's parent
    if (mount_is_root(dir)) {
        *out = dir;
        return 0;
    }
    char name[NAME_MAX + 1];
    void *parent;
    long err = dir.fs->ops->parent(dir.fs, dir.node, &parent, name);
    if (err < 0)
        return err;
    if (parent == NULL)
        return -ENOENT;
    *out = (struct vnode){dir.fs, parent};
    return 0;
}

// One step: the node `name` names in directory `dir`.  0 and *out, or -ENOTDIR (dir is no
// directory), -ENOENT (no such name).
long path_step(struct vnode dir, const char *name, size_t len, struct vnode *out)
{
    // LAB 7: Your code here.
    // `dir` must be a directory (vnode_is_dir), else -ENOTDIR.  "." is dir itself; ".." is
    // its parent (step_up: it handles / and mount points).  Any other name: the file
    // system's lookup (dir.fs->ops->lookup), and then mount_enter, so that a path that
    // reaches a mount point goes on in the file system mounted there.
    // BEGIN SOLUTION LAB 7
    if (!vnode_is_dir(dir))
        return -ENOTDIR;
    if (name_is_dot(name, len)) {
        *out = dir;
        return 0;
    }
    if (name_is_dotdot(name, len))
        return step_up(dir, out);
    void *node;
    long err = dir.fs->ops->lookup(dir.fs, dir.node, name, len, &node);
    if (err < 0)
        return err;
    *out = mount_enter((struct vnode){dir.fs, node});
    return 0;
    // STUB
    //| (void)step_up;
    //| return -ENOSYS;
    // END SOLUTION
}

// Resolves the whole path from `start` (a directory; ignored if the path is absolute).
// 0 and *out, or -ENOENT (a name is missing, or the path is empty), -ENOTDIR (a name before
// the last, or before a trailing '/', is no directory), -ENAMETOOLONG (a name is longer
// than NAME_MAX).  Repeated slashes count as one.
long path_resolve(struct vnode start, const char *path, size_t len, struct vnode *out)
{
    if (len == 0)
        return -ENOENT;
    // LAB 7: Your code here.
    // Start at mount_root() if path[0] is '/', else at `start`.  Then for each name between
    // slashes (skip any number of them): longer than NAME_MAX is -ENAMETOOLONG; else take
    // one path_step (its error is the result).  If the path ends in '/', the node reached
    // must be a directory (-ENOTDIR), as "file/" is not the file.
    // BEGIN SOLUTION LAB 7
    struct vnode cur = path[0] == '/' ? mount_root() : start;
    size_t i = 0;
    while (i < len) {
        while (i < len && path[i] == '/')
            i++;
        size_t begin = i;
        while (i < len && path[i] != '/')
            i++;
        if (i == begin)
            break; // only slashes were left
        if (i - begin > NAME_MAX)
            return -ENAMETOOLONG;
        long err = path_step(cur, path + begin, i - begin, &cur);
        if (err < 0)
            return err;
    }
    if (path[len - 1] == '/' && !vnode_is_dir(cur))
        return -ENOTDIR;
    *out = cur;
    return 0;
    // STUB
    //| return -ENOSYS;
    // END SOLUTION
}

// Resolves all of the path but its last name: the directory that holds it, and the name
// (len 0 when the path is only slashes: it names the root itself).  Trailing slashes are
// not part of the name but are reported.  0, or path_resolve's errors.
long path_parent(struct vnode start, const char *path, size_t len, struct last_name *last)
{
    if (len == 0)
        return -ENOENT;
    size_t end = len;
    while (end > 0 && path[end - 1] == '/')
        end--;
    size_t begin = end;
    while (begin > 0 && path[begin - 1] != '/')
        begin--;
    if (end - begin > NAME_MAX)
        return -ENAMETOOLONG;
    *last =
        (struct last_name){.name = path + begin, .len = end - begin, .trailing_slash = end < len};
    if (end == 0) {
        last->dir = mount_root();
        return 0;
    }
    if (begin == 0) {
        last->dir = start;
        return vnode_is_dir(start) ? 0 : -ENOTDIR;
    }
    long err = path_resolve(start, path, begin, &last->dir);
    if (err == 0 && !vnode_is_dir(last->dir))
        err = -ENOTDIR;
    return err;
}

// The absolute path of directory `dir` into buf (no NUL): its length, or -ENOENT (dir was
// removed), -ENAMETOOLONG (PATH_MAX or longer), -ERANGE (longer than `size`).
long path_absolute(struct vnode dir, char *buf, size_t size)
{
    static char path[PATH_MAX];
    size_t pos = sizeof(path);
    for (;;) {
        while (mount_is_fs_root(dir) && !mount_is_root(dir))
            dir = mount_leave(dir);
        if (mount_is_root(dir))
            break;
        char name[NAME_MAX + 1];
        void *parent;
        long n = dir.fs->ops->parent(dir.fs, dir.node, &parent, name);
        if (n < 0)
            return n;
        if (parent == NULL)
            return -ENOENT;
        if ((size_t)n + 1 >= pos)
            return -ENAMETOOLONG;
        pos -= (size_t)n;
        memcpy(path + pos, name, (size_t)n);
        path[--pos] = '/';
        dir.node = parent;
    }
    if (pos == sizeof(path))
        path[--pos] = '/';
    size_t n = sizeof(path) - pos;
    if (n > size)
        return -ERANGE;
    memcpy(buf, path + pos, n);
    return (long)n;
}
