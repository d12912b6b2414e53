// semihosting.h — the host's files, through QEMU's semihosting (lab 8; semihosting.c).
//
// Arm's "Semihosting for AArch32 and AArch64" (IHI 0100) lets the kernel ask QEMU, run with
// -semihosting, to open and write files of the host.  Keel uses it for one thing only: to
// write the RAM disk back into its image file (kernel/dev/ramdisk.c).  Available only when
// the boot arguments say `semihosting` (without QEMU's -semihosting, the call instruction
// would be undefined).
#ifndef KEEL_SEMIHOSTING_H
#define KEEL_SEMIHOSTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool semihosting_available(void);
// Writes `len` bytes at kernel address `data` to the host file `path` (which must exist),
// at byte `offset`, leaving the rest of the file as it is.  0, or -EIO.
long semihosting_write_file(const char *path, uint64_t offset, const void *data, size_t len);

#endif
