# Lab 7 — files: the kernel's file-descriptor table and pipes (kernel/fd/), the VFS server
# with its ramfs (user/servers/vfs/), and a shell that redirects and pipes.

KERNEL_HDRS += \
	kernel/uapi/fs.h

USER_LIB_SRCS += \
	user/lib/file.c

USER_HDRS += \
	user/include/proto/vfs.h

LAB_DOCS +=
