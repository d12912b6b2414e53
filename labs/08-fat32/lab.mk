# Lab 8 — FAT32: a block server for a RAM disk (user/servers/blk/), a block cache and FAT32 in
# the VFS server, mounted at /disk; sync and a clean power-off that leaves the image on the
# host as the guest left it.

KERNEL_SRCS += \
	kernel/platform/virt/semihosting.c \
	kernel/dev/ramdisk.c \
	kernel/dev/rtc.c \
	kernel/fd/sys_sync.c

KERNEL_HDRS += \
	kernel/platform/virt/semihosting.h \
	kernel/dev/ramdisk.h

USER_HDRS += \
	user/include/proto/blk.h \
	user/servers/vfs/cache.h \
	user/servers/blk/blk.h \
	user/servers/vfs/fat32.h

# The block cache and FAT32 in the VFS server (lab 7's folder program user/servers/vfs/,
# which compiles every .c in it): named here, these files are lab 8's, and the Makefile
# leaves them out of the builds of earlier labs.
FOLDER_SRCS += \
	user/servers/vfs/blkdev.c \
	user/servers/vfs/cache.c \
	user/servers/vfs/procfs.c \
	user/servers/vfs/fat32_bpb.c \
	user/servers/vfs/fat32_fat.c \
	user/servers/vfs/fat32_dir.c \
	user/servers/vfs/fat32_file.c \
	user/servers/vfs/fat32_node.c \
	user/servers/vfs/fat32_ops.c

USER_LIB_SRCS += \
	user/lib/power.c

# The shell's sync and poweroff are programs, as on Linux.
USER_PROGS += \
	user/bin/sync.c \
	user/bin/poweroff.c

# `make lab-8 qemu` boots with a disk (DISK=path.img, or an empty one in build/lab8/).
LAB_DISK := yes

# disk_writeback, the block server's way to the host's image file.
USER_LIB_SRCS += \
	user/lib/disk.c

# The block server (a folder: one program).
USER_PROGS += \
	user/servers/blk/

LAB_DOCS += \
	docs/protocols/blk.md

# The block server's own test: its protocol spoken directly, garbage included, against a
# block server the test starts over a region of its own.
USER_PROGS += \
	labs/08-fat32/blkproto.c

# This lab's test programs (grade/test_lab08_fat32.py runs them as pid 1): fattree lists and
# checksums a tree (the grader compares it with mtools' view of the same image), fatscript
# runs a script of file operations that the grader put on the disk, fatfill fills the disk
# until ENOSPC.  fattree and fatscript use only Linux's calls (they run under qemu-aarch64);
# labs/08-fat32/blockcache.h reads the block cache's counts for fatscript and fatbench.
USER_PROGS += \
	labs/08-fat32/fattree.c \
	labs/08-fat32/fatscript.c \
	labs/08-fat32/fatfill.c

# The benchmark (handout 8, "Measuring"), compiled -O2 as lab 7's is.
USER_PROGS += labs/08-fat32/fatbench.c
FAST_SRCS += labs/08-fat32/fatbench.c

# The VFS server's path to the disk's bytes, run for every sector and every FAT entry a
# file's read or write passes: built for speed, as lab 5's message calls are.
FAST_SRCS += \
	user/servers/vfs/cache.c \
	user/servers/vfs/fat32_fat.c \
	user/servers/vfs/fat32_file.c
