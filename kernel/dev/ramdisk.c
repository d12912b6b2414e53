// ramdisk.c — the disk image QEMU loaded into RAM (lab 8).
//
// The image is loaded by QEMU's generic loader (-device loader,file=IMG,addr=A,force-raw=on)
// and the boot argument disk=A,SIZE says where; diskfile=PATH names the image on the host.
// The kernel checks the range (page-aligned, inside the free RAM, its frames free), takes
// its frames out of the allocator, and hands the block server (user/servers/blk/) a region
// over them: the server reads and writes the disk as memory.  A RAM disk does not write
// itself back, so disk_writeback lets the server copy what it changed into the host's file
// through semihosting (its BLK_FLUSH), which makes fsync, sync and power-off durable.
#include <stddef.h>
#include "boot/bootargs.h"
#include "debug/printf.h"
#include "dev/ramdisk.h"
#include "ipc/cap.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/memlayout.h"
#include "platform/virt/semihosting.h"
#include "shm/region.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"

static uint64_t disk_pa, disk_size; // disk_size 0: no disk
static struct region *disk;

// Splits "A,SIZE" into two numbers: 0, or -EINVAL.
static int parse_range(const char *text, unsigned long *pa, unsigned long *size)
{
    char first[24];
    const char *comma = strchr(text, ',');
    size_t n = comma != NULL ? (size_t)(comma - text) : 0;
    if (comma == NULL || n == 0 || n >= sizeof(first))
        return -EINVAL;
    memcpy(first, text, n);
    first[n] = '\0';
    return parse_u64(first, pa) == 0 && parse_u64(comma + 1, size) == 0 ? 0 : -EINVAL;
}

// Why the range cannot be the disk, or NULL if it can.
static const char *refusal(uint64_t pa, uint64_t size)
{
    uint64_t free_start = page_round_up(virt_to_phys(_end)), free_end = frame_ram_end();
    if (pa % PAGE_SIZE != 0)
        return "its address is not page-aligned";
    if (size == 0 || size % 512 != 0)
        return "its size is not a whole number of 512-byte sectors";
    if (pa < free_start || pa >= free_end || size > free_end - pa)
        return "it is not inside the free RAM Keel uses";
    for (uint64_t a = pa; a < pa + size; a += PAGE_SIZE)
        if (frame_is_allocated(a))
            return "it overlaps memory in use (the boot archive from archive=?)";
    return NULL;
}

void ramdisk_init(void)
{
    const char *text = bootarg_value("disk");
    if (text == NULL)
        return;
    unsigned long pa, size;
    if (parse_range(text, &pa, &size) != 0) {
        printf("ramdisk: disk=%s is not ADDRESS,SIZE; no disk\n", text);
        return;
    }
    const char *why = refusal(pa, size);
    if (why != NULL) {
        printf("ramdisk: disk=%s refused: %s (free RAM 0x%lx to 0x%lx); no disk\n", text, why,
               page_round_up(virt_to_phys(_end)), frame_ram_end());
        return;
    }
    frame_reserve(pa, page_round_up(size));
    disk_pa = pa;
    disk_size = size;
    const char *file = bootarg_value("diskfile");
    printf("ramdisk: %lu sectors at 0x%lx%s%s\n", size / 512, pa,
           file != NULL && semihosting_available() ? ", written back to " : " (RAM only: ",
           file != NULL && semihosting_available() ? file : "no diskfile= with semihosting)");
}

struct region *ramdisk_region(void)
{
    if (disk_size == 0 || disk != NULL)
        return disk;
    disk = region_create_over(disk_pa, page_round_up(disk_size) / PAGE_SIZE);
    if (disk != NULL)
        region_get(disk); // the kernel's own: the frames are QEMU's image, never freed
    return disk;
}

// disk_writeback(slot, offset, len): the block server's flush.  `slot` must hold the disk
// region with map-write; the bytes [offset, offset + len) go to the host file.
long sys_disk_writeback(struct trapframe *tf)
{
    long slot = (long)tf->x[0];
    uint64_t offset = tf->x[1], len = tf->x[2];
    struct cap *c;
    long err = cap_lookup(current, slot, CAP_REGION, RIGHT_MAP_WRITE, &c);
    if (err != 0)
        return err;
    if (disk == NULL || c->object != &disk->obj)
        return -EINVAL; // a region, but not the disk
    if (offset > disk_size || len > disk_size - offset)
        return -EINVAL;
    const char *file = bootarg_value("diskfile");
    if (file == NULL || !semihosting_available())
        return -ENODEV;
    return semihosting_write_file(file, offset, phys_to_virt(disk_pa + offset), len);
}
