// disk.c — the wrapper of lab 8's disk call (docs/syscalls.md, "The RAM disk (lab 8)").
#include "ulib.h"

#ifndef SYS_disk_writeback
// kernel/uapi/syscalls.h defines it once the kernel's part of lab 8 is in; until then, the
// number the kernel's part uses.
#define SYS_disk_writeback 527
#endif

// Writes `len` bytes of the disk region in `slot` from `offset` on back to the host's image
// file.  0, or -errno: -ENODEV when there is no host file (the disk lives in RAM only).
long disk_writeback(int slot, unsigned long offset, unsigned long len)
{
    return syscall6(SYS_disk_writeback, slot, (long)offset, (long)len, 0, 0, 0);
}
