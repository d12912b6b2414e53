// ramdisk.h — the disk image QEMU loaded into RAM (lab 8; kernel/dev/ramdisk.c).
#ifndef KEEL_RAMDISK_H
#define KEEL_RAMDISK_H

#include <stdbool.h>
#include <stdint.h>

struct region;

// Reads disk=ADDRESS,SIZE (and diskfile=PATH), checks them and reserves the disk's frames.
// A bad argument gets a message and no disk.  Call before anything allocates frames.
void ramdisk_init(void);
// The disk as a region over its frames (made once; the kernel holds a reference for ever,
// so its frames are never freed), or NULL if there is no disk.
struct region *ramdisk_region(void);

#endif
