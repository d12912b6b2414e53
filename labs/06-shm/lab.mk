# Lab 6 — shared memory: regions with rights, passed through IPC, revoked, reference-counted;
# the console's bulk output through a region shared by the kernel and the console server.

KERNEL_SRCS += \
	kernel/shm/region.c \
	kernel/shm/map.c \
	kernel/shm/sys_region.c \
	kernel/shm/shared_buffer.c

KERNEL_HDRS += \
	kernel/uapi/shm.h \
	kernel/shm/region.h \
	kernel/shm/shared_buffer.h

USER_LIB_SRCS += \
	user/lib/shm.c

USER_HDRS +=

USER_PROGS +=

LAB_DOCS +=
