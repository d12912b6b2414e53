// ramfs.c — a file system in the server's memory, mounted on / (lab 7).
//
// Every node (file or directory) has one name in one directory: there are no hard links,
// so the name lives in the node itself, and a directory is the list of its children.  A
// file's bytes are pages, found through two index pages of 512 page pointers each (so a
// file holds at most RAMFS_MAX_SIZE, 4 MiB); a page never written is a hole and reads as
// zeros.  A file seeded from the boot archive keeps pointing at the archive's bytes (which
// stay mapped, read-only, for ever) until its first change copies them into pages.
//
// A node lives while it has a name (nlink > 0) or an open handle (opens > 0), so a file
// unlinked while open can still be read and written through the handle, as on Linux.
#include "vfs.h"

#define PTRS_PER_PAGE (PAGE_SIZE / sizeof(void *))
#define INDEX_PAGES 2
#define RAMFS_MAX_SIZE (INDEX_PAGES * PTRS_PER_PAGE * PAGE_SIZE) // 4 MiB
#define DIRENT_SIZE 32 // what a directory's st_size counts per entry (as FAT32 would)

struct rnode {
    char name[NAME_MAX + 1]; // NUL-terminated; "" for the root
    uint32_t mode;           // S_IF* | permissions
    uint32_t nlink;          // 0: removed from its directory
    uint32_t opens;          // open handles
    uint64_t ino;
    uint64_t size;        // a file's bytes
    struct rnode *parent; // the directory it is in; NULL for the root and once removed
    struct rnode *next;   // the next child of the same directory
    // A directory: its children in the order they were made.
    struct rnode *first, *last;
    uint32_t entries, subdirs;
    // A file: its pages, and the archive's bytes until the first change.
    uint8_t **index[INDEX_PAGES];
    const uint8_t *seed;
};

static struct pool nodes = {.size = sizeof(struct rnode)};
static unsigned long data_pages; // pages of file data, index pages included
static uint64_t next_ino = 1;

unsigned long ramfs_nodes(void)
{
    return nodes.in_use;
}

unsigned long ramfs_data_pages(void)
{
    return data_pages;
}

static bool is_dir(const struct rnode *n)
{
    return S_ISDIR(n->mode);
}

// --- a file's pages -----------------------------------------------------------------------

// The page slot for page number `p` of the file (p < RAMFS_MAX_SIZE / PAGE_SIZE); with
// `make`, the index page is allocated if missing.  NULL: no such slot (or no memory).
static uint8_t **page_slot(struct rnode *f, uint64_t p, bool make)
{
    uint8_t ***index = &f->index[p / PTRS_PER_PAGE];
    if (*index == NULL) {
        if (!make || (*index = page_alloc()) == NULL)
            return NULL;
        data_pages++;
    }
    return &(*index)[p % PTRS_PER_PAGE];
}

static void free_page_of(uint8_t **slot)
{
    if (*slot != NULL) {
        page_free(*slot);
        *slot = NULL;
        data_pages--;
    }
}

// Frees every page from byte `from` on (rounded up to a page), and index pages left empty.
static void free_pages_from(struct rnode *f, uint64_t from)
{
    uint64_t first = (from + PAGE_SIZE - 1) / PAGE_SIZE;
    for (int i = 0; i < INDEX_PAGES; i++) {
        if (f->index[i] == NULL)
            continue;
        for (uint64_t j = 0; j < PTRS_PER_PAGE; j++)
            if (i * PTRS_PER_PAGE + j >= first)
                free_page_of(&f->index[i][j]);
        if (i * PTRS_PER_PAGE >= first) {
            page_free(f->index[i]);
            f->index[i] = NULL;
            data_pages--;
        }
    }
}

// A seeded file's bytes copied into pages of its own, before its first change.  0 or
// -ENOSPC (and the file unchanged).
static long unseed(struct rnode *f)
{
    if (f->seed == NULL)
        return 0;
    for (uint64_t off = 0; off < f->size; off += PAGE_SIZE) {
        uint8_t **slot = page_slot(f, off / PAGE_SIZE, true);
        if (slot == NULL || (*slot == NULL && (*slot = page_alloc()) == NULL)) {
            free_pages_from(f, 0);
            return -ENOSPC;
        }
        data_pages++;
        size_t n = f->size - off < PAGE_SIZE ? f->size - off : PAGE_SIZE;
        memcpy(*slot, f->seed + off, n);
    }
    f->seed = NULL;
    return 0;
}

// --- nodes --------------------------------------------------------------------------------

static struct rnode *node_new(const char *name, size_t len, uint32_t mode)
{
    struct rnode *n = pool_alloc(&nodes);
    if (n == NULL)
        return NULL;
    memcpy(n->name, name, len);
    n->name[len] = '\0';
    n->mode = mode;
    n->nlink = is_dir(n) ? 2 : 1;
    n->ino = next_ino++;
    return n;
}

// Frees a node that has neither a name nor an open handle.
static void node_maybe_free(struct rnode *n)
{
    if (n->nlink > 0 || n->opens > 0)
        return;
    if (!is_dir(n))
        free_pages_from(n, 0);
    pool_free(&nodes, n);
}

static void link_child(struct rnode *dir, struct rnode *child)
{
    child->parent = dir;
    child->next = NULL;
    if (dir->last != NULL)
        dir->last->next = child;
    else
        dir->first = child;
    dir->last = child;
    dir->entries++;
    if (is_dir(child)) {
        dir->subdirs++;
        dir->nlink++;
    }
}

// Takes `child` out of `dir`'s list (it keeps living while open).
static void unlink_child(struct rnode *dir, struct rnode *child)
{
    struct rnode **p = &dir->first, *prev = NULL;
    while (*p != child) {
        prev = *p;
        p = &(*p)->next;
    }
    *p = child->next;
    if (dir->last == child)
        dir->last = prev;
    dir->entries--;
    if (is_dir(child)) {
        dir->subdirs--;
        dir->nlink--;
    }
    child->parent = NULL;
    child->next = NULL;
}

// Removes a name for good: the node goes now, or with its last handle.
static void remove_child(struct rnode *dir, struct rnode *child)
{
    unlink_child(dir, child);
    child->nlink = 0;
    node_maybe_free(child);
}

static struct rnode *find(struct rnode *dir, const char *name, size_t len)
{
    // LAB 7: Your code here.
    // Walk dir's children (first, then next) for the one whose name is exactly `name`: the
    // same `len` bytes and its NUL right after them.  NULL if there is none.
    // BEGIN SOLUTION LAB 7
    for (struct rnode *c = dir->first; c != NULL; c = c->next)
        if (strncmp(c->name, name, len) == 0 && c->name[len] == '\0')
            return c;
    return NULL;
    // STUB
    //| return NULL;
    // END SOLUTION
}

// --- the operations -----------------------------------------------------------------------

static long ramfs_lookup(struct fs *fs, void *dir, const char *name, size_t len, void **out)
{
    // LAB 7: Your code here.
    // The child called `name` of directory `dir` (find), or -ENOENT.
    // BEGIN SOLUTION LAB 7
    struct rnode *c = find(dir, name, len);
    if (c == NULL)
        return -ENOENT;
    *out = c;
    return 0;
    // STUB
    //| return -ENOSYS;
    // END SOLUTION
}

// A new node `name` in `d`: -EEXIST if the name is taken, -ENOENT if d itself was removed
// (Linux refuses to make names in a deleted directory), -ENOSPC without memory.
static long make_node(struct rnode *d, const char *name, size_t len, uint32_t mode,
                      struct rnode **out)
{
    *out = NULL;
    // LAB 7: Your code here.
    // Check as said above, in that order, then node_new and link_child.
    // BEGIN SOLUTION LAB 7
    if (d->nlink == 0)
        return -ENOENT;
    if (find(d, name, len) != NULL)
        return -EEXIST;
    struct rnode *n = node_new(name, len, mode);
    if (n == NULL)
        return -ENOSPC;
    link_child(d, n);
    *out = n;
    return 0;
    // STUB
    //| (void)link_child;
    //| return -ENOSYS;
    // END SOLUTION
}

static long ramfs_create(struct fs *fs, void *dir, const char *name, size_t len, uint32_t mode,
                         void **out)
{
    struct rnode *n;
    long err = make_node(dir, name, len, S_IFREG | (mode & 07777), &n);
    if (err == 0)
        *out = n;
    return err;
}

static long ramfs_mkdir(struct fs *fs, void *dir, const char *name, size_t len, uint32_t mode)
{
    struct rnode *n;
    return make_node(dir, name, len, S_IFDIR | (mode & 07777), &n);
}

long ramfs_create_seeded(struct fs *fs, void *dir, const char *name, size_t len, uint32_t mode,
                         const uint8_t *data, size_t size)
{
    struct rnode *n;
    long err = make_node(dir, name, len, S_IFREG | (mode & 07777), &n);
    if (err == 0) {
        n->seed = size > 0 ? data : NULL;
        n->size = size;
    }
    return err;
}

static long ramfs_unlink(struct fs *fs, void *dir, const char *name, size_t len)
{
    // LAB 7: Your code here.
    // The name must exist (-ENOENT) and not be a directory (-EISDIR: that is rmdir's job).
    // remove_child takes the name away; the data stays while a handle is open.
    // BEGIN SOLUTION LAB 7
    struct rnode *c = find(dir, name, len);
    if (c == NULL)
        return -ENOENT;
    if (is_dir(c))
        return -EISDIR;
    remove_child(dir, c);
    return 0;
    // STUB
    //| (void)remove_child;
    //| return -ENOSYS;
    // END SOLUTION
}

static long ramfs_rmdir(struct fs *fs, void *dir, const char *name, size_t len)
{
    struct rnode *c = find(dir, name, len);
    if (c == NULL)
        return -ENOENT;
    if (!is_dir(c))
        return -ENOTDIR;
    if (c->entries > 0)
        return -ENOTEMPTY;
    remove_child(dir, c);
    return 0;
}

// Whether directory `d` is `ancestor` or lies below it.
static bool is_within(struct rnode *d, struct rnode *ancestor)
{
    for (; d != NULL; d = d->parent)
        if (d == ancestor)
            return true;
    return false;
}

// Linux's rename: an existing target is replaced (a file by a file, a directory by an empty
// directory); -EISDIR (a file onto a directory), -ENOTDIR (a directory onto a file),
// -ENOTEMPTY, -EINVAL (a directory into its own subtree), -ENOENT.
static long ramfs_rename(struct fs *fs, void *old_dir, const char *old_name, size_t old_len,
                         void *new_dir, const char *new_name, size_t new_len)
{
    struct rnode *od = old_dir, *nd = new_dir;
    struct rnode *n = find(od, old_name, old_len);
    if (n == NULL)
        return -ENOENT;
    if (nd->nlink == 0)
        return -ENOENT;
    if (is_dir(n) && is_within(nd, n))
        return -EINVAL;
    struct rnode *target = find(nd, new_name, new_len);
    if (target == n)
        return 0;
    if (target != NULL) {
        if (!is_dir(n) && is_dir(target))
            return -EISDIR;
        if (is_dir(n) && !is_dir(target))
            return -ENOTDIR;
        if (is_dir(target) && target->entries > 0)
            return -ENOTEMPTY;
        remove_child(nd, target);
    }
    unlink_child(od, n);
    memcpy(n->name, new_name, new_len);
    n->name[new_len] = '\0';
    link_child(nd, n);
    return 0;
}

static long ramfs_read(struct fs *fs, void *file, uint64_t offset, void *buf, size_t n)
{
    // LAB 7: Your code here.
    // `file` is a struct rnode.  Nothing at or past the end (0).  Else copy min(n, size - offset) bytes: from f->seed
    // if the file still points into the archive, else page by page (page_slot without
    // `make`), a missing page reading as zeros (a hole).  Return the bytes copied.
    // BEGIN SOLUTION LAB 7
    struct rnode *f = file;
    if (offset >= f->size)
        return 0;
    if (n > f->size - offset)
        n = f->size - offset;
    if (f->seed != NULL) {
        memcpy(buf, f->seed + offset, n);
        return (long)n;
    }
    for (size_t done = 0; done < n;) {
        uint64_t at = offset + done, in_page = at % PAGE_SIZE;
        size_t chunk = PAGE_SIZE - in_page < n - done ? PAGE_SIZE - in_page : n - done;
        uint8_t **slot = page_slot(f, at / PAGE_SIZE, false);
        if (slot != NULL && *slot != NULL)
            memcpy((uint8_t *)buf + done, *slot + in_page, chunk);
        else
            memset((uint8_t *)buf + done, 0, chunk);
        done += chunk;
    }
    return (long)n;
    // STUB
    //| return -ENOSYS;
    // END SOLUTION
}

static long ramfs_write(struct fs *fs, void *file, uint64_t offset, const void *buf, size_t n)
{
    // LAB 7: Your code here.
    // At or past RAMFS_MAX_SIZE: -EFBIG (a write that starts before it is cut short there).
    // A seeded file is first copied out of the archive (unseed).  Then page by page: the
    // page's slot (page_slot with `make`), a new zeroed page where there is none (count it
    // in data_pages), the bytes copied in.  The file grows to offset + bytes written; the
    // bytes between the old end and `offset` were never written and read as zeros.  Out of
    // memory: what was written so far, or -ENOSPC if nothing was.
    // BEGIN SOLUTION LAB 7
    struct rnode *f = file;
    if (offset >= RAMFS_MAX_SIZE)
        return -EFBIG;
    if (n > RAMFS_MAX_SIZE - offset)
        n = RAMFS_MAX_SIZE - offset;
    long err = unseed(f);
    if (err < 0)
        return err;
    size_t done = 0;
    while (done < n) {
        uint64_t at = offset + done, in_page = at % PAGE_SIZE;
        size_t chunk = PAGE_SIZE - in_page < n - done ? PAGE_SIZE - in_page : n - done;
        uint8_t **slot = page_slot(f, at / PAGE_SIZE, true);
        if (slot == NULL)
            break;
        if (*slot == NULL) {
            if ((*slot = page_alloc()) == NULL)
                break;
            data_pages++;
        }
        memcpy(*slot + in_page, (const uint8_t *)buf + done, chunk);
        done += chunk;
    }
    if (done > 0 && offset + done > f->size)
        f->size = offset + done;
    return done > 0 || n == 0 ? (long)done : -ENOSPC;
    // STUB
    //| return -ENOSYS;
    // END SOLUTION
}

// Sets a file's size: a shorter file loses its pages past the end (and the rest of its last
// page is cleared, so that growing it again shows zeros); a longer one gets a hole.
static long ramfs_truncate(struct fs *fs, void *file, uint64_t size)
{
    struct rnode *f = file;
    if (size > RAMFS_MAX_SIZE)
        return -EFBIG;
    if (size == f->size)
        return 0;
    if (f->seed != NULL && size == 0) {
        f->seed = NULL; // nothing to copy
    } else {
        long err = unseed(f);
        if (err < 0)
            return err;
    }
    if (size < f->size) {
        free_pages_from(f, size);
        uint8_t **slot = size % PAGE_SIZE != 0 ? page_slot(f, size / PAGE_SIZE, false) : NULL;
        if (slot != NULL && *slot != NULL)
            memset(*slot + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
    }
    f->size = size;
    return 0;
}

static long ramfs_getdents(struct fs *fs, void *dir, uint64_t index, struct dir_entry *entry)
{
    struct rnode *c = ((struct rnode *)dir)->first;
    for (uint64_t i = 0; c != NULL && i < index; i++)
        c = c->next;
    if (c == NULL)
        return 0;
    *entry = (struct dir_entry){.ino = c->ino,
                                .type = is_dir(c) ? DT_DIR : DT_REG,
                                .name = c->name,
                                .len = strlen(c->name)};
    return 1;
}

static long ramfs_stat(struct fs *fs, void *node, struct vfs_stat *st)
{
    struct rnode *n = node;
    *st = (struct vfs_stat){
        .dev = fs->dev,
        .ino = n->ino,
        .mode = n->mode,
        .nlink = n->nlink,
        .size = is_dir(n) ? (uint64_t)n->entries * DIRENT_SIZE : n->size,
        .mtime = 0, // no clock in lab 7
    };
    return 0;
}

static long ramfs_parent(struct fs *fs, void *dir, void **parent, char *name)
{
    struct rnode *d = dir;
    *parent = d->parent;
    size_t len = strlen(d->name);
    memcpy(name, d->name, len + 1);
    return (long)len;
}

static void ramfs_hold(struct fs *fs, void *node)
{
    ((struct rnode *)node)->opens++;
}

static void ramfs_release(struct fs *fs, void *node)
{
    struct rnode *n = node;
    n->opens--;
    node_maybe_free(n);
}

static const struct fs_ops ramfs_ops = {
    .lookup = ramfs_lookup,
    .create = ramfs_create,
    .mkdir = ramfs_mkdir,
    .unlink = ramfs_unlink,
    .rmdir = ramfs_rmdir,
    .rename = ramfs_rename,
    .read = ramfs_read,
    .write = ramfs_write,
    .truncate = ramfs_truncate,
    .getdents = ramfs_getdents,
    .stat = ramfs_stat,
    .parent = ramfs_parent,
    .hold = ramfs_hold,
    .release = ramfs_release,
};

// A new, empty ramfs (its root directory alone).  NULL without memory.
struct fs *ramfs_new(uint64_t dev)
{
    static struct fs fs;
    struct rnode *root = node_new("", 0, S_IFDIR | 0755);
    if (root == NULL)
        return NULL;
    fs = (struct fs){.ops = &ramfs_ops, .root = root, .dev = dev};
    return &fs;
}
