// devmem.h — device memory as a capability (kernel/ipc/devmem.c).
//
// A driver in user space reaches its device's registers through a mapping of their
// physical range into its own address space, as Device-nGnRE memory (no gathering, no
// reordering, no speculation: what MMIO needs, Arm ARM B2.7.2) and never executable.  The
// frames are not RAM and belong to nobody: unmapping never frees them.
#ifndef KEEL_DEVMEM_H
#define KEEL_DEVMEM_H

#include <stdbool.h>
#include <stdint.h>
#include "ipc/object.h"

struct task;

struct devmem {
    struct kobject obj;
    uint64_t pa;
    uint64_t size; // a multiple of PAGE_SIZE
};

struct devmem *devmem_create(uint64_t pa, uint64_t size);
// devmem_map: maps [va, va + size) of `t` onto the device.  va, or -EINVAL (unaligned,
// outside the user half, or overlapping a mapping), or -ENOMEM.
long devmem_map(struct task *t, struct devmem *d, uint64_t va, bool writable);

#endif
