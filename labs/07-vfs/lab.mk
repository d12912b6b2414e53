# Lab 7 — files: the kernel's file-descriptor table and pipes (kernel/fd/), the VFS server
# with its ramfs (user/servers/vfs/), and a shell that redirects and pipes.

KERNEL_HDRS += \
	kernel/uapi/fs.h

USER_LIB_SRCS += \
	user/lib/file.c

USER_HDRS += \
	user/include/proto/vfs.h

LAB_DOCS +=

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
