// proto/vfs.h — the VFS server's protocol (lab 7): message labels, the words of each
// request and reply, the shared buffer, and the slots the server starts with.
//
// docs/protocols/vfs.md is the reference.  The server (user/servers/vfs/) and every client
// include this file.  The main client is the kernel (kernel/fd/vfs_client.c), which turns a
// task's openat, read, write, ... into these calls; it sends with BADGE_KERNEL set, so the
// server can tell its requests from a task's.  A task that holds a send capability to the
// server (pid 1 gets one in slot SLOT_VFS) may speak the protocol itself.
//
// Every request is a call.  The reply's label is the result: >= 0, or -errno (Linux's
// errno values, kernel/uapi/errno.h).  Paths and data travel through the client's buffer: a
// region the server makes for it with VFS_ATTACH and keeps mapped (the server holds the
// original, so no client can revoke a buffer the server is using).  The kernel's buffer is
// the one exception: the kernel made it, and gives it to the server at boot.  A
// path is given by its length (no NUL) at offset 0 of the buffer; rename's two paths lie
// back to back.
#ifndef KEEL_PROTO_VFS_H
#define KEEL_PROTO_VFS_H

#include "ipc.h"

// Requests: the low byte of the label (the other bits must be 0: EINVAL otherwise).
//   VFS_ATTACH   w0 pages (1 .. VFS_BUFFER_MAX / 4096)         -> buffer size in bytes; the
//                                                                 reply carries a capability
//                                                                 to it (map-read, map-write)
//   VFS_OPEN     w0 dir, w1 flags (O_*), w2 mode, w3 path len  -> handle; w0 = st_mode of the
//                                                                 node, w1 = its size
//   VFS_CLOSE    w0 handle                                     -> 0
//   VFS_READ     w0 handle, w1 n (<= buffer size)              -> bytes read, at buffer offset 0
//   VFS_WRITE    w0 handle, w1 n (<= buffer size)              -> bytes written, from offset 0
//   VFS_SEEK     w0 handle, w1 offset, w2 whence (SEEK_*)      -> the new offset
//   VFS_STAT     w0 dir, w1 path len (0: the handle itself)    -> 0; struct vfs_stat at 0
//   VFS_GETDENTS w0 handle, w1 n                               -> bytes of linux_dirent64
//                                                                 records at offset 0
//   VFS_MKDIR    w0 dir, w1 mode, w2 path len                  -> 0
//   VFS_UNLINK   w0 dir, w1 flags (AT_REMOVEDIR), w2 path len  -> 0
//   VFS_RENAME   w0 old dir, w1 new dir, w2 old len, w3 new len -> 0
//   VFS_GETPATH  w0 handle of a directory                      -> length of its absolute
//                                                                 path, at offset 0 (no NUL)
//   VFS_FSYNC    w0 handle                                     -> 0
//   VFS_STATS    (nothing)                                     -> 0; w0 open handles of all
//                                                                 clients, w1 nodes, w2 data
//                                                                 pages, w3 clients attached
//   VFS_DETACH   (nothing)                                     -> 0: the client's handles are
//                                                                 closed, its buffer unmapped
//   VFS_SYNC     (nothing)                                     -> 0 (lab 8): every file system's
//                                                                 cache written back and its
//                                                                 disk flushed (sync, and the
//                                                                 kernel before power-off)
// A `dir` is a handle of an open directory, or VFS_ROOT: a relative path starts there (an
// absolute path ignores it).  Handles are small numbers, each valid only for the client (the
// badge) that opened it.
#define VFS_ATTACH 1
#define VFS_OPEN 2
#define VFS_CLOSE 3
#define VFS_READ 4
#define VFS_WRITE 5
#define VFS_SEEK 6
#define VFS_STAT 7
#define VFS_GETDENTS 8
#define VFS_MKDIR 9
#define VFS_UNLINK 10
#define VFS_RENAME 11
#define VFS_GETPATH 12
#define VFS_FSYNC 13
#define VFS_STATS 14
#define VFS_DETACH 15
#define VFS_SYNC 16

#define VFS_ROOT (~0UL) // as a `dir`: the root directory

// What VFS_STAT leaves at offset 0 of the buffer; the kernel makes a struct stat of it.
struct vfs_stat {
    uint64_t dev;   // which mounted file system (0: the root ramfs)
    uint64_t ino;   // the node's number in it
    uint32_t mode;  // S_IF* | permissions (fs.h)
    uint32_t nlink; // names of the node (a directory: 2 + its subdirectories)
    uint64_t size;  // bytes (a directory: its entries times 32, as FAT32 would have it)
    int64_t mtime;  // seconds since 1970 of the last change (0 where the server has no clock)
};

// Limits of the server (docs/protocols/vfs.md): a request past them fails, the server stays.
#define VFS_MAX_CLIENTS 16  // attached at once; one more VFS_ATTACH gets EBUSY
#define VFS_MAX_HANDLES 256 // open handles of all clients together: then ENFILE (errno 23)
#define VFS_BUFFER_MAX (64 * 1024)

// The server's slots when it starts (the kernel fills them; its slot 0 is its console).
#define VFS_SLOT_ENDPOINT 1 // the endpoint clients call (original: all rights)
// The kernel's buffer, a region (map-read, map-write): the server attaches it for
// BADGE_KERNEL before it serves anything.
#define VFS_SLOT_BUFFER 2
// A copy of the boot archive (cpio newc), read-only: the files the ramfs starts with.
#define VFS_SLOT_ARCHIVE 3

// pid 1's slot with a send capability (with grant, for VFS_ATTACH) to the server, unbadged:
// it may mint badged copies for the programs it starts.
#define SLOT_VFS 63

// The request in a label: its low byte.
static inline unsigned int vfs_request(long label)
{
    return (unsigned int)((unsigned long)label & 0xff);
}

#endif
