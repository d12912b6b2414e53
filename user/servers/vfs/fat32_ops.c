// fat32_ops.c — FAT32's struct fs_ops, and fat32_mount (main.c mounts it on /disk).
//
// The operations put together what fat32_dir.c, fat32_fat.c and fat32_file.c provide, in
// an order that leaves the volume consistent when they fail half-way: clusters are taken
// before anything points at them, a new entry is written before an old one is removed.
// What stat reports: directories 0755 with nlink 2 (FAT keeps no link count, and counting a
// directory's subdirectories would read all of it at every path step; find -noleaf copes),
// files 0644 with nlink 1 (0 once unlinked); sizes in bytes, a directory's being its
// clusters'; mtime from the entry's write date and time.
#include "fat32.h"

static struct fat32 volume; // one FAT32 volume (there is one disk)
static bool mounted;
static bool read_only;
static char refusal[160];

static struct fat32 *vol(struct fs *fs)
{
    return (struct fat32 *)fs;
}

const char *fat32_refusal(void)
{
    return refusal;
}

static long fat32_lookup(struct fs *fs, void *dir, const char *name, size_t len, void **out)
{
    static struct fat_found f;
    struct fat_node *d = dir;
    if (d->removed)
        return -ENOENT;
    long err = dir_find(vol(fs), d->first_cluster, name, len, &f);
    if (err < 0)
        return err;
    return node_get(vol(fs), d, &f, (struct fat_node **)out);
}

// A new entry `name` in d from `proto` (an entry's fields but its name): -ENOENT (d was
// removed), -EEXIST, -EROFS, or dir_prepare's errors.  0 and *f.
static long make_entry(struct fat32 *v, struct fat_node *d, const char *name, size_t len,
                       const struct fat_dirent *proto, struct fat_found *f)
{
    static struct dir_slot s;
    if (read_only)
        return -EROFS;
    if (d->removed)
        return -ENOENT;
    long err = dir_find(v, d->first_cluster, name, len, f);
    if (err == 0)
        return -EEXIST;
    if (err != -ENOENT)
        return err;
    s.skip_sector = 0;
    err = dir_prepare(v, d, name, len, &s);
    return err < 0 ? err : dir_write(v, d, &s, proto, f);
}

// A new entry's fields: the attribute and first cluster given, size 0, times now.
static struct fat_dirent new_dirent(uint8_t attr, uint32_t cluster)
{
    struct fat_dirent de = {.DIR_Attr = attr};
    dirent_stamp(&de);
    dirent_set_cluster(&de, cluster);
    return de;
}

static long fat32_create(struct fs *fs, void *dir, const char *name, size_t len, uint32_t mode,
                         void **out)
{
    static struct fat_found f;
    // LAB 8: Your code here.
    // An empty file is an entry with ATTR_ARCHIVE and cluster 0 (new_dirent, make_entry);
    // then its node (node_get), which is *out.
    // BEGIN SOLUTION LAB 8
    struct fat_dirent de = new_dirent(ATTR_ARCHIVE, 0);
    long err = make_entry(vol(fs), dir, name, len, &de, &f);
    return err < 0 ? err : node_get(vol(fs), dir, &f, (struct fat_node **)out);
    // STUB
    //| (void)f;
    //| (void)make_entry;
    //| return -ENOSYS;
    // END SOLUTION
}

static long fat32_mkdir(struct fs *fs, void *dir, const char *name, size_t len, uint32_t mode)
{
    static struct fat_found f;
    struct fat32 *v = vol(fs);
    struct fat_node *d = dir;
    if (read_only)
        return -EROFS;
    // LAB 8: Your code here.
    // Check first that the name is free (dir_find: -EEXIST) and d not removed (-ENOENT),
    // so that no cluster is taken for nothing.  Then one cluster (fat_alloc), made a
    // directory with "." and ".." (dir_init: its parent is d->first_cluster), and then its
    // entry, ATTR_DIRECTORY, in d (make_entry).  If the entry cannot be made, the cluster
    // goes back (fat_free_chain): ENOSPC leaves nothing behind.
    // BEGIN SOLUTION LAB 8
    uint32_t c;
    if (d->removed)
        return -ENOENT;
    long err = dir_find(v, d->first_cluster, name, len, &f);
    if (err == 0)
        return -EEXIST;
    if (err != -ENOENT)
        return err;
    if ((err = fat_alloc(v, 1, &c)) < 0)
        return err;
    struct fat_dirent de = new_dirent(ATTR_DIRECTORY, c);
    err = dir_init(v, c, d->first_cluster);
    if (err == 0)
        err = make_entry(v, d, name, len, &de, &f);
    if (err < 0)
        fat_free_chain(v, c);
    return err;
    // STUB
    //| (void)f;
    //| (void)v;
    //| (void)d;
    //| (void)new_dirent;
    //| return -ENOSYS;
    // END SOLUTION
}

// Marks the node of a removed entry (if it has one) removed; a file nobody holds goes now,
// with its clusters.  Returns whether the caller must free the entry's clusters itself (no
// node had them).
static bool forget_entry(struct fat32 *v, const struct fat_found *f)
{
    struct fat_node *n = node_at(v, f->sector, f->index);
    if (n == NULL)
        return true;
    n->removed = true;
    n->sector = 0;
    n->refs++; // held while it lets its parent go
    node_set_parent(v, n, NULL);
    node_unref(v, n); // the last hold: n and a file's clusters go now
    return false;
}

static long fat32_unlink(struct fs *fs, void *dir, const char *name, size_t len)
{
    static struct fat_found f;
    struct fat32 *v = vol(fs);
    struct fat_node *d = dir;
    if (read_only)
        return -EROFS;
    // LAB 8: Your code here.
    // Find the entry (-ENOENT); a directory is -EISDIR.  Remove the entry (dir_remove),
    // then its clusters: forget_entry says whether an open node keeps them for now, else
    // fat_free_chain them (a first cluster that is no cluster of the volume: leave it).
    // BEGIN SOLUTION LAB 8
    if (d->removed)
        return -ENOENT;
    long err = dir_find(v, d->first_cluster, name, len, &f);
    if (err < 0)
        return err;
    if (f.de.DIR_Attr & ATTR_DIRECTORY)
        return -EISDIR;
    if ((err = dir_remove(v, d->first_cluster, &f)) < 0)
        return err;
    uint32_t c = dirent_cluster(&f.de);
    if (forget_entry(v, &f) && cluster_ok(v, c))
        err = fat_free_chain(v, c);
    return err;
    // STUB
    //| (void)f;
    //| (void)v;
    //| (void)d;
    //| (void)forget_entry;
    //| return -ENOSYS;
    // END SOLUTION
}

// Removes the empty directory entry f of d: entry, node (its clusters are none of anyone's
// business any more: a removed directory reads as empty) and clusters.
static long remove_dir_entry(struct fat32 *v, struct fat_node *d, const struct fat_found *f)
{
    uint32_t c = dirent_cluster(&f->de);
    long err = dir_remove(v, d->first_cluster, f);
    if (err < 0)
        return err;
    struct fat_node *n = node_at(v, f->sector, f->index);
    if (n != NULL)
        n->first_cluster = 0;
    forget_entry(v, f);
    return cluster_ok(v, c) ? fat_free_chain(v, c) : 0;
}

static long fat32_rmdir(struct fs *fs, void *dir, const char *name, size_t len)
{
    static struct fat_found f;
    struct fat32 *v = vol(fs);
    struct fat_node *d = dir;
    if (read_only)
        return -EROFS;
    if (d->removed)
        return -ENOENT;
    long err = dir_find(v, d->first_cluster, name, len, &f);
    if (err < 0)
        return err;
    if (!(f.de.DIR_Attr & ATTR_DIRECTORY))
        return -ENOTDIR;
    uint32_t c = dirent_cluster(&f.de);
    if (!cluster_ok(v, c))
        return -EIO;
    if ((err = dir_is_empty(v, c)) <= 0)
        return err < 0 ? err : -ENOTEMPTY;
    return remove_dir_entry(v, d, &f);
}

// Whether directory d is `ancestor` or lies below it (by the nodes' parents: every live
// node's parent is live up to the root).
static bool is_within(struct fat_node *d, struct fat_node *ancestor)
{
    for (; d != NULL; d = d->parent)
        if (d == ancestor)
            return true;
    return false;
}

// Linux's rename (as the ramfs's): an existing target is replaced, a file by a file, a
// directory by an empty directory.  The new entry is written first, in slots found (or
// made) before anything is removed; then the target's entry and the old one go.  A name
// that differs from the old one only in case is left as it was.
static long fat32_rename(struct fs *fs, void *old_dir, const char *old_name, size_t old_len,
                         void *new_dir, const char *new_name, size_t new_len)
{
    static struct fat_found from, target, made;
    static struct dir_slot s;
    struct fat32 *v = vol(fs);
    struct fat_node *od = old_dir, *nd = new_dir, *n;
    if (read_only)
        return -EROFS;
    if (od->removed || nd->removed)
        return -ENOENT;
    long err = dir_find(v, od->first_cluster, old_name, old_len, &from);
    if (err == 0)
        err = node_get(v, od, &from, &n);
    if (err < 0)
        return err;
    if (n->is_dir && is_within(nd, n))
        return -EINVAL;
    err = dir_find(v, nd->first_cluster, new_name, new_len, &target);
    bool replace = err == 0;
    if (err < 0 && err != -ENOENT)
        return err;
    if (replace) {
        bool target_dir = (target.de.DIR_Attr & ATTR_DIRECTORY) != 0;
        if (target.sector == from.sector && target.index == from.index)
            return 0;
        if (!n->is_dir && target_dir)
            return -EISDIR;
        if (n->is_dir && !target_dir)
            return -ENOTDIR;
        if (target_dir && (err = dir_is_empty(v, dirent_cluster(&target.de))) <= 0)
            return err < 0 ? err : -ENOTEMPTY;
    }
    // The target's short name is about to go: the new entry may take it.
    s.skip_sector = replace ? target.sector : 0;
    s.skip_index = replace ? target.index : 0;
    err = dir_prepare(v, nd, new_name, new_len, &s);
    if (err == 0)
        err = dir_write(v, nd, &s, &from.de, &made);
    if (err < 0)
        return err;
    if (replace) {
        if (target.de.DIR_Attr & ATTR_DIRECTORY)
            err = remove_dir_entry(v, nd, &target);
        else if ((err = dir_remove(v, nd->first_cluster, &target)) == 0 &&
                 forget_entry(v, &target) && cluster_ok(v, dirent_cluster(&target.de)))
            err = fat_free_chain(v, dirent_cluster(&target.de));
        if (err < 0)
            return err;
    }
    if ((err = dir_remove(v, od->first_cluster, &from)) < 0)
        return err;
    n->sector = made.sector;
    n->index = made.index;
    memcpy(n->name, made.name, made.len + 1);
    if (od != nd) {
        node_set_parent(v, n, nd);
        if (n->is_dir)
            err = dir_set_dotdot(v, n->first_cluster, nd->first_cluster);
    }
    return err;
}

static long fat32_read(struct fs *fs, void *file, uint64_t offset, void *buf, size_t n)
{
    return file_read(vol(fs), file, offset, buf, n);
}

static long fat32_write(struct fs *fs, void *file, uint64_t offset, const void *buf, size_t n)
{
    return read_only ? -EROFS : file_write(vol(fs), file, offset, buf, n);
}

static long fat32_truncate(struct fs *fs, void *file, uint64_t size)
{
    return read_only ? -EROFS : file_truncate(vol(fs), file, size);
}

// Where the last getdents stopped, so that listing a directory entry by entry does not read
// it from the start for each one.  Any change to any directory may move entries: the
// volume's dir_changes tells that one happened.
static struct {
    struct fat_node *dir;
    uint64_t next_index;
    unsigned long changes;
    struct dir_iter it;
    struct fat_found f;
} listing;

static long fat32_getdents(struct fs *fs, void *dir, uint64_t index, struct dir_entry *entry)
{
    struct fat32 *v = vol(fs);
    struct fat_node *d = dir;
    if (d->removed)
        return 0;
    if (listing.dir != d || listing.next_index != index || listing.changes != v->dir_changes) {
        dir_iter_start(&listing.it, d->first_cluster);
        listing.dir = d;
        listing.next_index = 0;
    }
    long r;
    while ((r = dir_next(v, &listing.it, &listing.f)) == 1) {
        if (found_is_dot(&listing.f))
            continue;
        if (listing.next_index++ == index)
            break;
    }
    listing.changes = v->dir_changes;
    if (r <= 0) {
        listing.dir = NULL;
        return r < 0 ? r : 0;
    }
    struct fat_node *n = node_at(v, listing.f.sector, listing.f.index);
    *entry = (struct dir_entry){
        .ino = n != NULL ? n->ino : node_ino(listing.f.sector, listing.f.index),
        .type = (listing.f.de.DIR_Attr & ATTR_DIRECTORY) ? DT_DIR : DT_REG,
        .name = listing.f.name,
        .len = listing.f.len,
    };
    return 1;
}

static long fat32_stat(struct fs *fs, void *node, struct vfs_stat *st)
{
    struct fat_node *n = node;
    *st = (struct vfs_stat){
        .dev = fs->dev,
        .ino = n->ino,
        .mode = n->is_dir ? S_IFDIR | 0755 : S_IFREG | 0644,
        .nlink = n->is_dir    ? 2
                 : n->removed ? 0
                              : 1,
        .size = n->size,
        .mtime = fat_time_to_unix(n->wrt_date, n->wrt_time),
    };
    return 0;
}

static long fat32_parent(struct fs *fs, void *dir, void **parent, char *name)
{
    struct fat_node *d = dir;
    size_t len = strlen(d->name);
    *parent = d->parent;
    memcpy(name, d->name, len + 1);
    return (long)len;
}

static void fat32_hold(struct fs *fs, void *node)
{
    struct fat_node *n = node;
    n->opens++;
    node_ref(n);
}

static void fat32_release(struct fs *fs, void *node)
{
    struct fat_node *n = node;
    n->opens--;
    node_unref(vol(fs), n);
}

// Everything is in the cache already (every change is written there at once): FSInfo's
// count and hint join it, and the cache goes to the disk.  `node` makes no difference.
static long fat32_sync(struct fs *fs, void *node)
{
    struct fat32 *v = vol(fs);
    if (read_only)
        return 0;
    long err = fsinfo_write(v);
    long err2 = cache_sync(v->d);
    return err < 0 ? err : err2;
}

static const struct fs_ops fat32_ops = {
    .lookup = fat32_lookup,
    .create = fat32_create,
    .mkdir = fat32_mkdir,
    .unlink = fat32_unlink,
    .rmdir = fat32_rmdir,
    .rename = fat32_rename,
    .read = fat32_read,
    .write = fat32_write,
    .truncate = fat32_truncate,
    .getdents = fat32_getdents,
    .stat = fat32_stat,
    .parent = fat32_parent,
    .hold = fat32_hold,
    .release = fat32_release,
    .sync = fat32_sync,
};

struct fs *fat32_mount(struct blkdev *d, uint64_t dev, long *err)
{
    if (mounted) {
        *err = -EBUSY;
        return NULL;
    }
    volume = (struct fat32){.d = d};
    refusal[0] = '\0';
    *err = bpb_read(d, &volume, refusal, sizeof(refusal));
    if (*err < 0)
        return NULL;
    struct fat_node *root = node_root(&volume);
    if (root == NULL) {
        *err = -ENOMEM;
        return NULL;
    }
    read_only = blkdev_read_only(d) != 0;
    volume.fs = (struct fs){.ops = &fat32_ops, .root = root, .dev = dev};
    mounted = true;
    return &volume.fs;
}
