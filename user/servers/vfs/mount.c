// mount.c — the mount table: which file system serves which directory.
//
// The tree is one ramfs at / in lab 7; lab 8 mounts FAT32 at /disk.  A mount hides the
// directory it is mounted on (the mount point) behind the root of the mounted file
// system: path resolution asks mount_enter after every step, and a ".." at a file
// system's root goes through mount_leave to the mount point, whose parent is then taken.
#include "vfs.h"

#define MAX_MOUNTS 4

struct mount_entry {
    struct fs *fs;      // NULL: unused
    struct vnode point; // the directory it hides (fs NULL for the root file system)
};

static struct mount_entry mounts[MAX_MOUNTS];

static bool vnode_equal(struct vnode a, struct vnode b)
{
    return a.fs == b.fs && a.node == b.node;
}

// Mounts `fs` on the directory `point` (point.fs NULL: as the root, once).  0, -EBUSY
// (something is mounted there already) or -ENOMEM (the table is full).
long mount(struct fs *fs, struct vnode point)
{
    for (int i = 0; i < MAX_MOUNTS; i++)
        if (mounts[i].fs != NULL && vnode_equal(mounts[i].point, point))
            return -EBUSY;
    for (int i = 0; i < MAX_MOUNTS; i++) {
        if (mounts[i].fs == NULL) {
            mounts[i] = (struct mount_entry){.fs = fs, .point = point};
            return 0;
        }
    }
    return -ENOMEM;
}

// The root of the whole tree: the root of the file system mounted with no point.
struct vnode mount_root(void)
{
    for (int i = 0; i < MAX_MOUNTS; i++)
        if (mounts[i].fs != NULL && mounts[i].point.fs == NULL)
            return (struct vnode){mounts[i].fs, mounts[i].fs->root};
    return (struct vnode){NULL, NULL};
}

bool mount_is_point(struct vnode v)
{
    for (int i = 0; i < MAX_MOUNTS; i++)
        if (mounts[i].fs != NULL && vnode_equal(mounts[i].point, v))
            return true;
    return false;
}

// What a path that reaches `v` sees: the root of a file system mounted on v (perhaps of
// one mounted on that one's root), else v itself.
struct vnode mount_enter(struct vnode v)
{
    for (int i = 0; i < MAX_MOUNTS; i++) {
        if (mounts[i].fs != NULL && vnode_equal(mounts[i].point, v)) {
            v = (struct vnode){mounts[i].fs, mounts[i].fs->root};
            i = -1; // start over: something may be mounted on that root too
        }
    }
    return v;
}

bool mount_is_fs_root(struct vnode v)
{
    return v.fs != NULL && v.node == v.fs->root;
}

bool mount_is_root(struct vnode v)
{
    return vnode_equal(v, mount_root());
}

// The mount point that a file system's root `v` hides (v itself for the tree's root).
struct vnode mount_leave(struct vnode v)
{
    for (int i = 0; i < MAX_MOUNTS; i++)
        if (mounts[i].fs == v.fs && mounts[i].point.fs != NULL && v.node == v.fs->root)
            return mounts[i].point;
    return v;
}

bool vnode_is_dir(struct vnode v)
{
    struct vfs_stat st;
    return v.fs->ops->stat(v.fs, v.node, &st) == 0 && S_ISDIR(st.mode);
}

#if LAB >= 8
// Writes every mounted file system's changes back to its disk (sync(fs, NULL); file systems
// without a disk have no sync).  0, or the first error: the others are still synced.
long mount_sync_all(void)
{
    long first_err = 0;
    for (int i = 0; i < MAX_MOUNTS; i++) {
        struct fs *fs = mounts[i].fs;
        if (fs == NULL || fs->ops->sync == NULL)
            continue;
        long err = fs->ops->sync(fs, NULL);
        if (err < 0 && first_err == 0)
            first_err = err;
    }
    return first_err;
}
#endif
