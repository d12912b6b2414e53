// proto/blk.h — the block server's protocol (lab 8): a disk of 512-byte sectors.
//
// docs/protocols/blk.md is the reference.  Lab 8's server (user/servers/blk/) serves a disk
// image that QEMU put in guest RAM; lab 9's virtio-blk server speaks the same protocol, so
// nothing above it changes.  Its client is the VFS server (user/servers/vfs/cache.c), which
// the kernel gives a send capability to the block server in VFS_SLOT_BLK.
//
// Every request is a call; the reply's label is the result, >= 0 or -errno.  Data moves
// through the client's buffer: a region the server makes with BLK_ATTACH and keeps the
// original of (as the VFS server does for its clients), mapped by both.
#ifndef KEEL_PROTO_BLK_H
#define KEEL_PROTO_BLK_H

#include "ipc.h"

// Requests: the low byte of the label (the other bits must be 0: EINVAL otherwise).
//   BLK_ATTACH  w0 pages (1 .. BLK_BUFFER_MAX / 4096)  -> buffer size in bytes; the reply
//                                                        carries a capability to it
//   BLK_INFO                                           -> 0; w0 sectors, w1 BLK_SECTOR_SIZE,
//                                                        w2 1 if read-only
//   BLK_READ    w0 first sector, w1 count              -> count; the sectors at offset 0
//   BLK_WRITE   w0 first sector, w1 count              -> count; taken from offset 0
//   BLK_FLUSH                                          -> 0 once every sector written is on
//                                                        the disk (the RAM disk: written back
//                                                        to the host's image file)
//   BLK_STATS                                          -> 0; w0 sectors read, w1 written,
//                                                        w2 flushes, w3 bytes written back
// count is at least 1 and at most the buffer's size / BLK_SECTOR_SIZE; first + count must
// not pass the end of the disk (EINVAL).  A write to a read-only disk is EROFS.
#define BLK_ATTACH 1
#define BLK_INFO 2
#define BLK_READ 3
#define BLK_WRITE 4
#define BLK_FLUSH 5
#define BLK_STATS 6

#define BLK_SECTOR_SIZE 512
#define BLK_BUFFER_MAX (64 * 1024)
#define BLK_MAX_CLIENTS 4

// The block server's slots when it starts (the kernel fills them; slot 0 is its console).
#define BLK_SLOT_ENDPOINT 1 // the endpoint clients call (original: all rights)
// The disk: a region over the frames QEMU loaded the image into (map-read, map-write; its
// size is the disk's).  The kernel made it from the boot argument disk=ADDRESS,SIZE.
#define BLK_SLOT_DISK 2

// The VFS server's slot with a send capability to the block server (empty: no disk).
#define VFS_SLOT_BLK 4

static inline unsigned int blk_request(long label)
{
    return (unsigned int)((unsigned long)label & 0xff);
}

#endif
