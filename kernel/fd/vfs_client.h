// vfs_client.h — the kernel as the VFS server's client, on behalf of the task that makes a
// file system call (kernel/fd/vfs_client.c; the protocol is user/include/proto/vfs.h).
//
// Paths are user addresses: they are copied straight into the buffer the kernel shares with
// the server.  `dir` is the server's handle of the directory a relative path starts from
// (VFS_ROOT: the root).  Each returns what the system call returns: >= 0, or -errno.
#ifndef KEEL_VFS_CLIENT_H
#define KEEL_VFS_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "proto/vfs.h"

struct task;
struct vfs_stat;

// Boot: gives the server (just spawned, not yet run) its endpoint, the kernel's buffer and
// the boot archive, and pid 1 its capability to the server.  0, or -ENOMEM.
long vfs_client_start(struct task *server, struct task *first);

// The handle (>= 0), and the node's st_mode in *mode.
long vfs_open(uint64_t dir, uint64_t user_path, unsigned flags, unsigned perm, uint32_t *mode);
long vfs_close(uint64_t handle);
long vfs_read(uint64_t handle, uint64_t buf, size_t len);
long vfs_write(uint64_t handle, uint64_t buf, size_t len);
long vfs_seek(uint64_t handle, int64_t offset, int whence);
// The node at `user_path` from `dir` (user_path 0: `dir` itself) into *st.
long vfs_stat(uint64_t dir, uint64_t user_path, struct vfs_stat *st);
long vfs_getdents(uint64_t handle, uint64_t buf, size_t len);
long vfs_mkdir(uint64_t dir, uint64_t user_path, unsigned perm);
long vfs_unlink(uint64_t dir, uint64_t user_path, unsigned flags);
long vfs_rename(uint64_t old_dir, uint64_t old_path, uint64_t new_dir, uint64_t new_path);
// The absolute path of directory `handle` (VFS_ROOT: "/"), NUL-terminated, to user `buf`:
// its length with the NUL, or -ERANGE if it does not fit in `size`.
long vfs_getpath(uint64_t handle, uint64_t buf, size_t size);
long vfs_fsync(uint64_t handle);
#if LAB >= 8
// Every file system written back (VFS_SYNC): sync, power-off, and pid 1's end.  0 or -errno
// (reported on the console: nobody else would hear of it).
long vfs_sync(void);
#endif
// Linux's struct stat made of the server's, copied to user `user_stat`: 0 or -EFAULT.
long vfs_stat_to_user(const struct vfs_stat *vs, uint64_t user_stat);
// The root directory's struct stat (newfstatat of AT_FDCWD with AT_EMPTY_PATH, no cwd yet).
long vfs_stat_root(uint64_t user_stat);

#endif
