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
	user/include/proto/vfs.h

LAB_DOCS +=

# The benchmark (handout 7, "Measuring"), compiled -O2 as lab 6's is.
USER_PROGS += labs/07-vfs/vfsbench.c
FAST_SRCS += labs/07-vfs/vfsbench.c
