// archive.h — the boot archive: the programs (and files) Keel can start (kernel/boot/archive.c).
//
// The build packs each lab's user programs into a cpio archive that is carried inside the
// kernel image.  A second archive can be added at boot (graders do): QEMU's generic loader
// puts it in RAM (-device loader,file=extra.cpio,addr=0x44000000,force-raw=on) and the boot
// argument archive=0x44000000 says where.  Its files come first.
#ifndef KEEL_ARCHIVE_H
#define KEEL_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

// Checks both archives and reserves the extra one's frames; reports problems clearly.
void archive_init(void);

// Finds file `name`.  Returns 0 and sets *data/*size, or -ENOENT.
int archive_find(const char *name, const uint8_t **data, size_t *size);

// The archives themselves, the one from archive= first (lab 7: the VFS server's ramfs
// starts with their files).  Each is a whole cpio archive, its trailer included.
int archive_count(void);
void archive_get(int i, const uint8_t **data, size_t *size);

// Prints the names of the files (at boot, so that you know what the shell can run).
void archive_list(void);

#endif
