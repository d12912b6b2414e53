// shm.c — wrappers of the lab-6 system calls: shared memory regions (docs/syscalls.md,
// "Shared memory (lab 6)").
#include "ulib.h"

int region_create(unsigned long pages)
{
    return (int)syscall6(SYS_region_create, (long)pages, 0, 0, 0, 0, 0);
}

long region_map(int slot, unsigned long va, unsigned flags)
{
    return syscall6(SYS_region_map, slot, (long)va, flags, 0, 0, 0);
}

int region_unmap(unsigned long va)
{
    return (int)syscall6(SYS_region_unmap, (long)va, 0, 0, 0, 0, 0);
}

int region_revoke(int slot)
{
    return (int)syscall6(SYS_region_revoke, slot, 0, 0, 0, 0, 0);
}
