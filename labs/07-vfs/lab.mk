# Lab 7 — files: the kernel's file-descriptor table and pipes (kernel/fd/), the VFS server
# with its ramfs (user/servers/vfs/), and a shell that redirects and pipes.

KERNEL_HDRS += \
	kernel/uapi/fs.h

USER_LIB_SRCS += \
	user/lib/file.c

USER_HDRS += \
	user/include/proto/vfs.h

# This lab's test programs (grade/test_lab07_vfs.py runs them).  fstest uses only Linux's
# calls: the grader also runs it as a Linux process under qemu-aarch64, the oracle whose
# output Keel's must equal.  pipetest and leaktest use Keel's spawn and counts.
USER_PROGS += \
	labs/07-vfs/fstest.c \
	labs/07-vfs/pipetest.c \
	labs/07-vfs/leaktest.c

LAB_DOCS +=
