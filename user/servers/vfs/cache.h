// cache.h — the block cache between the VFS server's disk file systems and the block server
// (lab 8; user/servers/vfs/cache.c, and blkdev.c for the block server's client).
//
//   FAT32 (fat32*.c) ──cache_read / cache_write──► cache.c ──BLK_READ / BLK_WRITE──► blk server
//                                                  (dirty sectors wait here until
//                                                   cache_sync: fsync, close of a written
//                                                   file, sync, unmount, power-off)
//
// Sectors are BLK_SECTOR_SIZE (512) bytes, numbered from the start of the disk.  The cache
// copies: callers never hold pointers into it, so nothing they do can leave a block pinned.
// Its counts are what /proc/blockcache shows.
#ifndef KEEL_VFS_CACHE_H
#define KEEL_VFS_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "proto/blk.h"

struct blkdev; // a disk behind a block server (blkdev.c)

// The disk behind the block server in `slot` (VFS_SLOT_BLK): attached, its size read.
// 0 and *out, or -errno (-EBADF: no block server).
long blkdev_open(int slot, struct blkdev **out);
uint64_t blkdev_sectors(const struct blkdev *d);
int blkdev_read_only(const struct blkdev *d);

// blkdev.c's requests, for cache.c.  Data moves through the device's buffer (a region the
// block server made with BLK_ATTACH, mapped here): BLK_READ puts sectors at its offset 0,
// BLK_WRITE takes them from there.  count is 1 .. blkdev_buffer_sectors(d), and the range
// is on the disk (the caller checks).  count or 0, or -errno (-EIO: the server is gone).
uint8_t *blkdev_buffer(struct blkdev *d);
uint64_t blkdev_buffer_sectors(const struct blkdev *d);
long blkdev_read(struct blkdev *d, uint64_t first, uint64_t count);
long blkdev_write(struct blkdev *d, uint64_t first, uint64_t count);
long blkdev_flush(struct blkdev *d);

// Reads `count` sectors from `first` on into buf (count * 512 bytes): from the cache where
// they are in it, the rest from the disk in as few requests as possible (a long run of them
// straight into buf, not kept: a stream read once).  0 or -errno
// (-EIO from the disk; -EINVAL past its end).
long cache_read(struct blkdev *d, uint64_t first, uint64_t count, void *buf);
// Writes `count` sectors into the cache (they are dirty until cache_sync; a long run of
// sectors it does not hold goes straight to the disk).  0 or -errno
// (-EROFS: a read-only disk; -ENOMEM can make it write through at once instead).
long cache_write(struct blkdev *d, uint64_t first, uint64_t count, const void *buf);
// A part of one sector: the len bytes at `offset` (offset + len <= BLK_SECTOR_SIZE) read
// into buf, or written from it, the sector's other bytes as they were (a FAT entry, a
// directory entry: no copy of the whole sector).  0 or -errno, as cache_read and
// cache_write (-EINVAL: the part is not inside one sector).
long cache_read_bytes(struct blkdev *d, uint64_t sector, size_t offset, size_t len, void *buf);
long cache_write_bytes(struct blkdev *d, uint64_t sector, size_t offset, size_t len,
                       const void *buf);
// Writes every dirty sector back (in order), then BLK_FLUSH: 0 or the first error.
long cache_sync(struct blkdev *d);
// Forgets every clean sector of `d` (unmount; tests).
void cache_drop(struct blkdev *d);

struct cache_stats {
    uint64_t hits, misses;    // sectors found in the cache, and read from the disk
    uint64_t writebacks;      // sectors written back
    uint64_t dirty, resident; // sectors dirty now, and held now
};
void cache_stats(struct cache_stats *out);

#endif
