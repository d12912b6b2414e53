// procfs.c — /proc (lab 8): a tiny read-only file system of the server's own numbers.
//
// One directory with one file, blockcache, whose text is made afresh at every read from
// the block cache's counts (cache.h), so `cat /proc/blockcache` shows them as they are:
//
//     hits 123
//     misses 45
//     ...
//
// The VFS server makes the directory /proc in the ramfs and mounts this on it (main.c).
// Nothing here can be created, written or removed: those requests get EROFS.  A file
// reports size 0, as Linux's /proc does: its text exists only while it is read.
#include "vfs.h"
#include "cache.h"

struct pnode {
    uint64_t ino;
    uint32_t mode;
    const char *name;
    size_t (*show)(char *buf, size_t size); // the file's text, made now; its length
};

static size_t show_blockcache(char *buf, size_t size)
{
    struct cache_stats s;
    cache_stats(&s);
    int n = snprintf(buf, size, "hits %lu\nmisses %lu\nwritebacks %lu\ndirty %lu\nresident %lu\n",
                     (unsigned long)s.hits, (unsigned long)s.misses, (unsigned long)s.writebacks,
                     (unsigned long)s.dirty, (unsigned long)s.resident);
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static struct pnode root = {.ino = 1, .mode = S_IFDIR | 0555, .name = ""};
static struct pnode files[] = {
    {.ino = 2, .mode = S_IFREG | 0444, .name = "blockcache", .show = show_blockcache},
};
#define NFILES (sizeof(files) / sizeof(files[0]))

// The file named (name, len) in the root, or NULL.
static struct pnode *find(void *dir, const char *name, size_t len)
{
    if (dir != &root)
        return NULL;
    for (size_t i = 0; i < NFILES; i++)
        if (strlen(files[i].name) == len && memcmp(files[i].name, name, len) == 0)
            return &files[i];
    return NULL;
}

static long proc_lookup(struct fs *fs, void *dir, const char *name, size_t len, void **out)
{
    if (dir != &root)
        return -ENOTDIR;
    struct pnode *p = find(dir, name, len);
    if (p == NULL)
        return -ENOENT;
    *out = p;
    return 0;
}

static long proc_create(struct fs *fs, void *dir, const char *name, size_t len, uint32_t mode,
                        void **out)
{
    return -EROFS;
}

static long proc_mkdir(struct fs *fs, void *dir, const char *name, size_t len, uint32_t mode)
{
    return find(dir, name, len) != NULL ? -EEXIST : -EROFS;
}

// unlink and rmdir: a name that is there cannot go; one that is not is not there.
static long proc_remove(struct fs *fs, void *dir, const char *name, size_t len)
{
    return find(dir, name, len) != NULL ? -EROFS : -ENOENT;
}

static long proc_rename(struct fs *fs, void *old_dir, const char *old_name, size_t old_len,
                        void *new_dir, const char *new_name, size_t new_len)
{
    return find(old_dir, old_name, old_len) != NULL ? -EROFS : -ENOENT;
}

// Reads the file's text as it is now, from `offset` on.
static long proc_read(struct fs *fs, void *file, uint64_t offset, void *buf, size_t n)
{
    static char text[1024];
    struct pnode *p = file;
    size_t len = p->show(text, sizeof(text));
    if (offset >= len)
        return 0;
    if (n > len - offset)
        n = len - offset;
    memcpy(buf, text + offset, n);
    return (long)n;
}

static long proc_write(struct fs *fs, void *file, uint64_t offset, const void *buf, size_t n)
{
    return -EROFS;
}

static long proc_truncate(struct fs *fs, void *file, uint64_t size)
{
    return -EROFS;
}

static long proc_getdents(struct fs *fs, void *dir, uint64_t index, struct dir_entry *entry)
{
    if (dir != &root || index >= NFILES)
        return 0;
    struct pnode *p = &files[index];
    *entry =
        (struct dir_entry){.ino = p->ino, .type = DT_REG, .name = p->name, .len = strlen(p->name)};
    return 1;
}

static long proc_stat(struct fs *fs, void *node, struct vfs_stat *st)
{
    struct pnode *p = node;
    *st = (struct vfs_stat){
        .dev = fs->dev, .ino = p->ino, .mode = p->mode, .nlink = p == &root ? 2 : 1, .size = 0};
    return 0;
}

static long proc_parent(struct fs *fs, void *dir, void **parent, char *name)
{
    *parent = NULL; // the root is the only directory
    name[0] = '\0';
    return 0;
}

static void proc_hold(struct fs *fs, void *node)
{
}

static void proc_release(struct fs *fs, void *node)
{
}

static const struct fs_ops procfs_ops = {
    .lookup = proc_lookup,
    .create = proc_create,
    .mkdir = proc_mkdir,
    .unlink = proc_remove,
    .rmdir = proc_remove,
    .rename = proc_rename,
    .read = proc_read,
    .write = proc_write,
    .truncate = proc_truncate,
    .getdents = proc_getdents,
    .stat = proc_stat,
    .parent = proc_parent,
    .hold = proc_hold,
    .release = proc_release,
    .sync = NULL, // nothing on a disk
};

// Makes the directory /proc in the root file system and mounts procfs on it.  0 or -errno.
long procfs_mount(struct fs *root_fs, uint64_t dev)
{
    static struct fs fs;
    fs = (struct fs){.ops = &procfs_ops, .root = &root, .dev = dev};
    void *dir;
    long err = root_fs->ops->mkdir(root_fs, root_fs->root, "proc", 4, 0555);
    if (err == 0 || err == -EEXIST)
        err = root_fs->ops->lookup(root_fs, root_fs->root, "proc", 4, &dir);
    if (err == 0)
        err = mount(&fs, (struct vnode){root_fs, dir});
    return err;
}
