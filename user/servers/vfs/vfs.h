// vfs.h — what the VFS server's files tell each other (user/servers/vfs/).
//
//   main.c     starts the server, receives requests, dispatches them by label, the clients
//   heap.c     pages (and fixed-size objects carved from pages): there is no malloc
//   mount.c    the mount table: which file system serves which directory
//   path.c     path resolution, step by step, across mount points
//   ramfs.c    the file system in memory that is mounted on / (lab 7)
//   handles.c  the open-file table and the requests on a handle (read, write, seek, ...)
//   requests.c the requests that name a path (open, stat, mkdir, unlink, rename)
//   seed.c     the ramfs's first files, from the boot archive
//   blkdev.c   the block server's client (lab 8; cache.h declares it)
//   cache.c    the block cache between disk file systems and the block server (lab 8)
//   procfs.c   /proc: the server's numbers as files, /proc/blockcache (lab 8)
//
// docs/protocols/vfs.md describes the protocol; user/include/proto/vfs.h holds its numbers.
#ifndef KEEL_VFS_SERVER_H
#define KEEL_VFS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ulib.h"
#include "proto/vfs.h"

#define PAGE_SIZE 4096UL

// --- heap.c -------------------------------------------------------------------------------
void *page_alloc(void);     // one zeroed page, or NULL when memory ran out
void page_free(void *page); // back on the free list (filled with junk first)
unsigned long pages_in_use(void);
long region_map_sized(int slot, unsigned flags, size_t *size);

// A pool of fixed-size objects carved from pages (nodes): objects are reused, pages kept.
struct pool {
    size_t size; // bytes per object (rounded up to 16)
    void *free;  // the free objects, linked through their first word
    unsigned long in_use;
};
void *pool_alloc(struct pool *p); // a zeroed object, or NULL
void pool_free(struct pool *p, void *obj);

// --- mount.c ------------------------------------------------------------------------------
struct fs;

// A node of some mounted file system: which one, and the file system's own pointer.
struct vnode {
    struct fs *fs;
    void *node;
};

// One entry of a directory, as a file system's getdents reports it.
struct dir_entry {
    uint64_t ino;
    uint8_t type; // DT_*
    const char *name;
    size_t len;
};

// What every file system implements.  Names are given by pointer and length (no NUL);
// the VFS layer has checked them (1..NAME_MAX bytes, no '/', not "." or "..").  Results
// are 0 (or a count) or -errno.
struct fs_ops {
    long (*lookup)(struct fs *fs, void *dir, const char *name, size_t len, void **out);
    long (*create)(struct fs *fs, void *dir, const char *name, size_t len, uint32_t mode,
                   void **out);
    long (*mkdir)(struct fs *fs, void *dir, const char *name, size_t len, uint32_t mode);
    long (*unlink)(struct fs *fs, void *dir, const char *name, size_t len);
    long (*rmdir)(struct fs *fs, void *dir, const char *name, size_t len);
    long (*rename)(struct fs *fs, void *old_dir, const char *old_name, size_t old_len,
                   void *new_dir, const char *new_name, size_t new_len);
    long (*read)(struct fs *fs, void *file, uint64_t offset, void *buf, size_t n);
    long (*write)(struct fs *fs, void *file, uint64_t offset, const void *buf, size_t n);
    long (*truncate)(struct fs *fs, void *file, uint64_t size);
    // Entry `index` of `dir` ("." and ".." not counted): 1 and *entry, or 0 past the end.
    long (*getdents)(struct fs *fs, void *dir, uint64_t index, struct dir_entry *entry);
    long (*stat)(struct fs *fs, void *node, struct vfs_stat *st);
    // A directory's parent (NULL for the file system's root, or a removed directory) and
    // the directory's name in it: its length, with the name copied to `name`.
    long (*parent)(struct fs *fs, void *dir, void **parent, char *name);
    // An open handle starts (hold) and ends (release): a node unlinked while open lives on
    // until its last release.
    void (*hold)(struct fs *fs, void *node);
    void (*release)(struct fs *fs, void *node);
    // Lab 8: writes what the file system holds in memory back to its disk and flushes it
    // (NULL: nothing to write, as the ramfs).  `node` NULL: everything (sync, unmount);
    // else that file's data and entry (fsync, close of a written file).
    long (*sync)(struct fs *fs, void *node);
};

// A mounted file system: its operations, its root, and its number (vfs_stat.dev).
struct fs {
    const struct fs_ops *ops;
    void *root;
    uint64_t dev;
};

long mount(struct fs *fs, struct vnode point); // point.fs NULL: fs becomes the root
struct vnode mount_root(void);
bool mount_is_point(struct vnode v);      // a file system is mounted on v
struct vnode mount_enter(struct vnode v); // v, or the root of what is mounted on it
bool mount_is_fs_root(struct vnode v);
bool mount_is_root(struct vnode v);       // the root of the whole tree
struct vnode mount_leave(struct vnode v); // a file system's root: the point it is mounted on
bool vnode_is_dir(struct vnode v);
#if LAB >= 8
long mount_sync_all(void); // every mounted file system's sync(fs, NULL): 0 or the first error

// --- procfs.c (lab 8) ---------------------------------------------------------------------
long procfs_mount(struct fs *root, uint64_t dev); // makes /proc and mounts procfs there
#endif

// --- path.c -------------------------------------------------------------------------------
// A path resolved up to its last name: the directory it is in, and the name (len 0 when the
// path names its start itself, "/" or ""; "." and ".." are returned as such).
struct last_name {
    struct vnode dir;
    const char *name;
    size_t len;
    bool trailing_slash; // the path ended in '/': the result must be a directory
};
bool name_is_dot(const char *name, size_t len);
bool name_is_dotdot(const char *name, size_t len);
long path_step(struct vnode dir, const char *name, size_t len, struct vnode *out);
long path_resolve(struct vnode start, const char *path, size_t len, struct vnode *out);
long path_parent(struct vnode start, const char *path, size_t len, struct last_name *last);
long path_absolute(struct vnode dir, char *buf, size_t size); // its length, or -errno

// --- ramfs.c ------------------------------------------------------------------------------
struct fs *ramfs_new(uint64_t dev);
unsigned long ramfs_nodes(void);
unsigned long ramfs_data_pages(void);
// seed.c's way in: a file whose bytes stay in the (read-only, never unmapped) archive until
// its first change.
long ramfs_create_seeded(struct fs *fs, void *dir, const char *name, size_t len, uint32_t mode,
                         const uint8_t *data, size_t size);

// --- seed.c -------------------------------------------------------------------------------
long seed_from_archive(struct fs *fs); // the number of files, or -errno

// --- main.c: the clients ------------------------------------------------------------------
struct client {
    bool used;
    unsigned long badge;
    uint8_t *buf; // the client's buffer, a region mapped read-write
    size_t size;  // its bytes (at most VFS_BUFFER_MAX)
    int region;   // the slot of the server's capability to it, CAP_NONE for the kernel's
};
unsigned long clients_attached(void);

// A handler fills in the reply (its label is the result).  Every handler may assume that
// the request came from an attached client and carried no capability.
typedef void (*handler_fn)(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);

// --- handles.c ----------------------------------------------------------------------------
long handle_open(struct client *c, struct vnode v, unsigned flags); // a handle or -errno
long handle_dir(struct client *c, uint64_t h, struct vnode *out);   // VFS_ROOT or a directory
long handle_node(struct client *c, uint64_t h, struct vnode *out);  // any open node
void handles_close_all(struct client *c);
unsigned long handles_open(void);
void vfs_close(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);
void vfs_read(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);
void vfs_write(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);
void vfs_seek(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);
void vfs_getdents(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);
void vfs_getpath(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);
void vfs_fsync(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);

// --- requests.c ---------------------------------------------------------------------------
void vfs_open(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);
void vfs_stat(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);
void vfs_mkdir(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);
void vfs_unlink(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);
void vfs_rename(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);

#endif
