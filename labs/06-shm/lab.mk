# Lab 6 — shared memory: regions with rights, passed through IPC, revoked, reference-counted;
# the console's bulk output through a region shared by the kernel and the console server.

KERNEL_SRCS += \
	kernel/shm/region.c \
	kernel/shm/map.c \
	kernel/shm/sys_region.c

KERNEL_HDRS += \
	kernel/uapi/shm.h \
	kernel/shm/region.h

USER_LIB_SRCS += \
	user/lib/shm.c

USER_HDRS +=

USER_PROGS += \
	labs/06-shm/shmt.c

LAB_DOCS +=
