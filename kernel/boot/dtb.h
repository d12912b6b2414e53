// dtb.h — reading the flattened device tree that QEMU passes (kernel/boot/dtb.c).
#ifndef KEEL_DTB_H
#define KEEL_DTB_H

#include <stdint.h>

struct boot_info {
    uint64_t ram_base;     // physical address of RAM, from /memory's "reg"
    uint64_t ram_size;     // bytes
    const char *bootargs;  // /chosen/bootargs, "" if none
    uint64_t initrd_start; // /chosen/linux,initrd-start (0 if none)
    uint64_t initrd_end;
    uint32_t dtb_size; // the blob's totalsize
};

// Parses the device tree at physical address `pa` into *info.  Panics with a message that
// says what is wrong if there is no valid device tree there.
void dtb_parse(uint64_t pa, struct boot_info *info);

// What dtb_parse found; valid after kmain has called it.
extern struct boot_info boot_info;

#endif
