// disk.c — the RAM disk (lab 8): the image QEMU loaded into guest RAM, mapped whole.
//
// The kernel hands the server a region over the image's frames in BLK_SLOT_DISK (from the
// boot argument disk=ADDRESS,SIZE).  Reading and writing sectors is memcpy; the only cost
// worth counting is persistence: disk_writeback copies bytes of the region back to the
// host's image file through semihosting.  So the server remembers the lowest and highest
// sector written since the last flush, and a flush writes back only that range.
#include "blk.h"

static uint8_t *image;    // the mapped region
static uint64_t sectors;  // its size in sectors (a partial last sector is not used)
static bool read_only;    // the capability lacks RIGHT_MAP_WRITE
static bool no_host_file; // disk_writeback said -ENODEV: the disk lives in RAM only

// The sectors written since the last successful flush: [dirty_lo, dirty_hi), empty if equal.
static uint64_t dirty_lo, dirty_hi;

static struct disk_stats stats;

// Maps the disk region in BLK_SLOT_DISK where the kernel chooses, writable unless the
// capability is read-only.  0, or -errno: -EBADF (the slot is empty), -EINVAL (not a
// region, or smaller than one sector), or region_map's error.
long disk_map(void)
{
    struct cap_info info;
    long err = cap_describe(BLK_SLOT_DISK, &info);
    if (err < 0)
        return err;
    if (info.type != CAP_REGION || info.size < BLK_SECTOR_SIZE)
        return -EINVAL;
    read_only = !(info.rights & RIGHT_MAP_WRITE);
    long va = region_map(BLK_SLOT_DISK, 0, read_only ? 0 : REGION_MAP_WRITE);
    if (va < 0)
        return va;
    image = (uint8_t *)va;
    sectors = info.size / BLK_SECTOR_SIZE;
    return 0;
}

uint64_t disk_sectors(void)
{
    return sectors;
}

bool disk_read_only(void)
{
    return read_only;
}

void disk_read(uint64_t first, uint64_t count, void *buf)
{
    memcpy(buf, image + first * BLK_SECTOR_SIZE, count * BLK_SECTOR_SIZE);
    stats.sectors_read += count;
}

// Copies the sectors in and widens the range the next flush writes back.
void disk_write(uint64_t first, uint64_t count, const void *buf)
{
    memcpy(image + first * BLK_SECTOR_SIZE, buf, count * BLK_SECTOR_SIZE);
    stats.sectors_written += count;
    if (dirty_lo == dirty_hi) {
        dirty_lo = first;
        dirty_hi = first + count;
    } else {
        dirty_lo = first < dirty_lo ? first : dirty_lo;
        dirty_hi = first + count > dirty_hi ? first + count : dirty_hi;
    }
}

// Writes the range written since the last flush back to the host's image file.  0, or the
// kernel's error (the range is then kept, so that the next flush tries again).  -ENODEV
// from the kernel means there is no host file (QEMU was not given one, or no semihosting):
// the disk is RAM only, the flush succeeds, and the server stops asking.
long disk_flush(void)
{
    stats.flushes++;
    if (no_host_file)
        dirty_lo = dirty_hi = 0;
    if (dirty_lo == dirty_hi)
        return 0;
    uint64_t offset = dirty_lo * BLK_SECTOR_SIZE, len = (dirty_hi - dirty_lo) * BLK_SECTOR_SIZE;
    long err = disk_writeback(BLK_SLOT_DISK, offset, len);
    if (err == -ENODEV) {
        no_host_file = true;
        printf("blk: no host image file: the disk lives in RAM only\n");
        err = 0;
    } else if (err >= 0) {
        stats.bytes_written_back += len;
        err = 0;
    }
    if (err == 0)
        dirty_lo = dirty_hi = 0;
    return err;
}

void disk_stats(struct disk_stats *out)
{
    *out = stats;
}
