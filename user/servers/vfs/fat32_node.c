// fat32_node.c — the live nodes of the FAT32 volume.
//
// FAT has no inodes: a file is its directory entry.  The VFS layer wants one pointer per
// file for as long as it uses it, so that two opens of one file share its size and chain.
// So a node is made the first time a lookup finds an entry and kept in a list keyed by the
// entry's place (sector, index; the root, which has no entry, is sector 0).  A node is held
// (refs) by its open handles and by the nodes of its children (each holds its parent, so
// that ".." and getpath can always walk up).  Nodes nobody holds stay as a cache; once
// there are NODE_CACHE nodes, each new one lets the oldest unheld one go.  The VFS layer
// keeps the pointers a lookup returned, unheld, until its request ends, so a node is never
// let go within NODE_WINDOW lookups of its last use: more than any one request makes.
//
// A node whose entry is removed (unlink, rmdir, replaced by rename) is marked removed; a
// removed file keeps its clusters until its last release, then they are freed with it.
#include "fat32.h"

#define NODE_CACHE 64
#define NODE_WINDOW 8192 // lookups: a request makes at most two paths of PATH_MAX / 2 names

static struct pool node_pool = {.size = sizeof(struct fat_node)};

// A node's number (vfs_stat.ino): its entry's place, as 32-byte slots from the disk's start.
// The root gets 1 (no entry is at sector 0, and 0 is no inode number for ls).
uint64_t node_ino(uint32_t sector, uint32_t index)
{
    return sector == 0 ? 1 : (uint64_t)sector * DIRENTS_PER_SECTOR + index;
}

struct fat_node *node_at(struct fat32 *v, uint32_t sector, uint32_t index)
{
    for (struct fat_node *n = v->nodes; n != NULL; n = n->next)
        if (!n->removed && n->sector == sector && n->index == index && sector != 0)
            return n;
    return NULL;
}

void node_ref(struct fat_node *n)
{
    n->refs++;
}

// Takes n out of the list and frees it (a removed file's clusters with it).
static void node_destroy(struct fat32 *v, struct fat_node *n)
{
    if (n->removed && !n->is_dir && n->first_cluster != 0)
        fat_free_chain(v, n->first_cluster);
    struct fat_node **p = &v->nodes;
    while (*p != n)
        p = &(*p)->next;
    *p = n->next;
    v->node_count--;
    struct fat_node *parent = n->parent;
    pool_free(&node_pool, n);
    if (parent != NULL)
        node_unref(v, parent);
}

// Drops one hold on n: a removed node goes with its last; others stay as a cache.
void node_unref(struct fat32 *v, struct fat_node *n)
{
    if (--n->refs == 0 && n->removed)
        node_destroy(v, n);
}

void node_set_parent(struct fat32 *v, struct fat_node *n, struct fat_node *parent)
{
    struct fat_node *old = n->parent;
    if (parent != NULL)
        node_ref(parent);
    n->parent = parent;
    if (old != NULL)
        node_unref(v, old);
}

// Lets the least recently used node that nobody holds go, when there are NODE_CACHE nodes
// and it was not used within the last NODE_WINDOW lookups.
static void node_evict(struct fat32 *v)
{
    if (v->node_count < NODE_CACHE)
        return;
    struct fat_node *oldest = NULL;
    for (struct fat_node *n = v->nodes; n != NULL; n = n->next)
        if (n->refs == 0 && n->sector != 0 && (oldest == NULL || n->last_use < oldest->last_use))
            oldest = n;
    if (oldest != NULL && oldest->last_use + NODE_WINDOW < v->tick)
        node_destroy(v, oldest);
}

static struct fat_node *node_new(struct fat32 *v)
{
    node_evict(v);
    struct fat_node *n = pool_alloc(&node_pool);
    if (n == NULL)
        return NULL;
    n->next = v->nodes;
    v->nodes = n;
    v->node_count++;
    n->last_use = ++v->tick;
    return n;
}

// The root directory's node (made at mount; held for ever).  NULL without memory.
struct fat_node *node_root(struct fat32 *v)
{
    struct fat_node *n = node_new(v);
    if (n == NULL)
        return NULL;
    uint32_t clusters;
    n->is_dir = true;
    n->attr = ATTR_DIRECTORY;
    n->first_cluster = v->root_cluster;
    n->refs = 1;
    n->ino = node_ino(0, 0);
    if (fat_chain_length(v, v->root_cluster, &clusters) == 0)
        n->size = clusters * v->bytes_per_clus;
    return n;
}

// The node of the entry f in directory `parent`: the live one, or a new one.  0 and *out,
// or -EIO (the entry points outside the volume, or its directory chain is broken: this
// file cannot be used, the others can), -ENOMEM.
long node_get(struct fat32 *v, struct fat_node *parent, const struct fat_found *f,
              struct fat_node **out)
{
    struct fat_node *n = node_at(v, f->sector, f->index);
    if (n != NULL) {
        n->last_use = ++v->tick;
        *out = n;
        return 0;
    }
    uint32_t c = dirent_cluster(&f->de), clusters = 0;
    bool dir = (f->de.DIR_Attr & ATTR_DIRECTORY) != 0;
    if (c != 0 && !cluster_ok(v, c))
        return -EIO;
    if (dir && c == 0)
        return -EIO; // only ".." may point at the root with 0
    if (!dir && c == 0 && f->de.DIR_FileSize != 0)
        return -EIO; // bytes, but no cluster to hold them
    if (dir) {
        long err = fat_chain_length(v, c, &clusters);
        if (err < 0)
            return err;
    }
    if ((n = node_new(v)) == NULL)
        return -ENOMEM;
    n->sector = f->sector;
    n->index = f->index;
    n->is_dir = dir;
    n->attr = f->de.DIR_Attr;
    n->first_cluster = c;
    n->size = dir ? clusters * v->bytes_per_clus : f->de.DIR_FileSize;
    n->ino = node_ino(f->sector, f->index);
    n->wrt_date = f->de.DIR_WrtDate;
    n->wrt_time = f->de.DIR_WrtTime;
    memcpy(n->name, f->name, f->len + 1);
    node_set_parent(v, n, parent);
    *out = n;
    return 0;
}
