// blkdev.c — the VFS server as the block server's client (lab 8): one disk, one buffer.
//
// The kernel gives the VFS server a send capability to the block server in VFS_SLOT_BLK
// (empty when Keel booted without a disk).  blkdev_open attaches a BLK_BUFFER_MAX buffer
// (the block server makes the region and passes a copy, which is mapped here) and asks the
// disk's size; then cache.c moves sectors through the buffer with BLK_READ and BLK_WRITE.
// docs/protocols/blk.md describes the protocol.
#include "vfs.h"
#include "cache.h"

#define BLKDEV_MAX 2 // lab 9 may add a virtio disk beside the RAM disk

struct blkdev {
    int slot;     // the send capability to the block server
    uint8_t *buf; // the buffer, mapped read-write
    uint64_t buf_sectors;
    uint64_t sectors; // the disk's size
    int read_only;
};

static struct blkdev devices[BLKDEV_MAX];
static int ndevices;

// One request to the block server: its result (the reply's label), the reply's words in
// *reply.  A failed call (the server is gone) is -EIO: to a file system it is a dead disk.
static long request(struct blkdev *d, long label, uint64_t w0, uint64_t w1, struct ipc_msg *reply)
{
    struct ipc_msg m = {.label = label, .w = {w0, w1}, .cap = CAP_NONE};
    *reply = (struct ipc_msg){.cap = CAP_NONE};
    long err = ipc_call(d->slot, &m, reply);
    if (err < 0)
        return -EIO;
    if (reply->cap != CAP_NONE && label != BLK_ATTACH)
        cap_delete((int)reply->cap); // no other reply carries one: not ours to keep
    return reply->label;
}

// Attaches a buffer: 0, or -errno.  The region's capability is deleted once it is mapped
// (the mapping keeps it); the block server holds the original.
static long attach(struct blkdev *d)
{
    struct ipc_msg reply;
    long size = request(d, BLK_ATTACH, BLK_BUFFER_MAX / PAGE_SIZE, 0, &reply);
    if (size >= 0 && (reply.cap == CAP_NONE || size < BLK_SECTOR_SIZE))
        size = -EIO; // a server that breaks its protocol
    if (size < 0) {
        if (reply.cap != CAP_NONE)
            cap_delete((int)reply.cap);
        return size;
    }
    size_t mapped;
    long va = region_map_sized((int)reply.cap, REGION_MAP_WRITE, &mapped);
    cap_delete((int)reply.cap);
    if (va < 0)
        return va;
    if (mapped < (size_t)size)
        size = (long)mapped;
    d->buf = (uint8_t *)va;
    d->buf_sectors = (uint64_t)size / BLK_SECTOR_SIZE;
    return 0;
}

// The disk behind the block server in `slot`: attached, its size read.  0 and *out, or
// -errno: -EBADF (no block server in the slot), -ENOMEM (BLKDEV_MAX disks are open), or
// the error of BLK_ATTACH or BLK_INFO.
long blkdev_open(int slot, struct blkdev **out)
{
    struct cap_info info;
    if (cap_describe(slot, &info) < 0 || info.type != CAP_ENDPOINT)
        return -EBADF;
    if (ndevices == BLKDEV_MAX)
        return -ENOMEM;
    struct blkdev *d = &devices[ndevices];
    *d = (struct blkdev){.slot = slot};
    long err = attach(d);
    struct ipc_msg reply;
    if (err == 0)
        err = request(d, BLK_INFO, 0, 0, &reply);
    if (err == 0 && reply.w[1] != BLK_SECTOR_SIZE)
        err = -EIO; // a disk of other sectors than ours: nothing above could use it
    if (err < 0) {
        if (d->buf != NULL)
            region_unmap((unsigned long)d->buf);
        return err;
    }
    d->sectors = reply.w[0];
    d->read_only = reply.w[2] != 0;
    ndevices++;
    *out = d;
    return 0;
}

uint64_t blkdev_sectors(const struct blkdev *d)
{
    return d->sectors;
}

int blkdev_read_only(const struct blkdev *d)
{
    return d->read_only;
}

uint8_t *blkdev_buffer(struct blkdev *d)
{
    return d->buf;
}

uint64_t blkdev_buffer_sectors(const struct blkdev *d)
{
    return d->buf_sectors;
}

long blkdev_read(struct blkdev *d, uint64_t first, uint64_t count)
{
    struct ipc_msg reply;
    return request(d, BLK_READ, first, count, &reply);
}

long blkdev_write(struct blkdev *d, uint64_t first, uint64_t count)
{
    struct ipc_msg reply;
    return request(d, BLK_WRITE, first, count, &reply);
}

long blkdev_flush(struct blkdev *d)
{
    struct ipc_msg reply;
    return request(d, BLK_FLUSH, 0, 0, &reply);
}
