# Lab 7 — files: the kernel's file-descriptor table and pipes (kernel/fd/), the VFS server
# with its ramfs (user/servers/vfs/), and a shell that redirects and pipes.

KERNEL_SRCS += \
	kernel/fd/file.c \
	kernel/fd/fdtable.c \
	kernel/fd/pipe.c \
	kernel/fd/vfs_client.c \
	kernel/fd/sys_fd.c \
	kernel/fd/sys_path.c

KERNEL_HDRS += \
	kernel/uapi/fs.h \
	kernel/fd/file.h \
	kernel/fd/fdtable.h \
	kernel/fd/pipe.h \
	kernel/fd/vfs_client.h

USER_LIB_SRCS += \
	user/lib/file.c

USER_HDRS += \
	user/include/proto/vfs.h \
	user/servers/vfs/vfs.h

# The VFS server (a folder: one program).
USER_PROGS += \
	user/servers/vfs/

# This lab's test programs (grade/test_lab07_vfs.py runs them).  fstest uses only Linux's
# calls: the grader also runs it as a Linux process under qemu-aarch64, the oracle whose
# output Keel's must equal.  pipetest and leaktest use Keel's spawn and counts.
USER_PROGS += \
	labs/07-vfs/fstest.c \
	labs/07-vfs/pipetest.c \
	labs/07-vfs/leaktest.c

# The VFS server's own test: its protocol spoken directly, garbage included (pid 1 only).
USER_PROGS += \
	labs/07-vfs/vfsproto.c

LAB_DOCS += \
	docs/protocols/vfs.md

# The benchmark (handout 7, "Measuring"), compiled -O2 as lab 6's is.
USER_PROGS += labs/07-vfs/vfsbench.c
FAST_SRCS += labs/07-vfs/vfsbench.c

# The file tools (each runs on Linux too: `qemu-aarch64 build/lab7/user/cat.elf FILE`); the
# shell's redirection and pipes are in user/bin/sh.c, which lab 4 adds, under LAB >= 7.
USER_PROGS += \
	user/bin/cat.c \
	user/bin/cp.c \
	user/bin/echo.c \
	user/bin/ls.c \
	user/bin/mkdir.c \
	user/bin/rm.c \
	user/bin/rmdir.c \
	user/bin/wc.c
