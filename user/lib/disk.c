// disk.c — the wrapper of lab 8's disk call (docs/syscalls.md, "The RAM disk (lab 8)").
#include "ulib.h"

// Writes `len` bytes of the disk region in `slot` from `offset` on back to the host's image
// file.  0, or -errno: -ENODEV when there is no host file (the disk lives in RAM only).
long disk_writeback(int slot, unsigned long offset, unsigned long len)
{
    return syscall6(SYS_disk_writeback, slot, (long)offset, (long)len, 0, 0, 0);
}
