// shm.h — shared memory regions (lab 6): the interface shared by the kernel and user programs.
//
// docs/syscalls.md ("Shared memory (lab 6)") is the reference.  A region is a set of pages
// that several address spaces can map at once: what one task writes, the others read, with
// no copy and no system call.  It is named by a capability like every kernel object (type
// CAP_REGION in ipc.h) with the rights RIGHT_MAP_READ, RIGHT_MAP_WRITE and RIGHT_GRANT; a
// read-only view is a copy minted without RIGHT_MAP_WRITE, passed in an IPC message.
//
// Unlike an endpoint, a region is not destroyed with its original capability: its pages
// live until the last capability to it is deleted and the last mapping of it is gone
// (reference counts), because a task that was handed data should keep it after the sender
// moved on.  Only the holder of the original can revoke: every other capability to the
// region is deleted and every mapping made through one is removed, at once.
#ifndef KEEL_SHM_H
#define KEEL_SHM_H

#define SYS_region_create 523 // (pages) -> slot of a new region (map-read, map-write, grant)
#define SYS_region_map 524    // (slot, va or 0, flags) -> the address it is mapped at
#define SYS_region_unmap 525  // (va) -> 0
#define SYS_region_revoke 526 // (slot of the original) -> 0

#define CAP_REGION 6

#define REGION_MAP_WRITE 1         // region_map's flags: writable (needs RIGHT_MAP_WRITE)
#define REGION_MAX_PAGES 32768     // 128 MiB: more is -EINVAL (and would not fit in RAM)
#define REGION_AREA 0x1000000000UL // where region_map(slot, 0, ...) puts regions: 64 GiB up

#endif
