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

USER_HDRS += \
	labs/06-shm/shmtest.h

# This lab's test programs (grade/test_lab06_shm.py runs them; labs/06-shm/shmtest.h is
# their shared header, on top of lab 5's labs/05-ipc/ipctest.h).
USER_PROGS += \
	labs/06-shm/shmshare.c \
	labs/06-shm/shmrights.c \
	labs/06-shm/shmrevoke.c \
	labs/06-shm/shmleak.c \
	labs/06-shm/shmbad.c \
	labs/06-shm/conbig.c \
	labs/06-shm/shmbench.c

# Reproducers of the bugs stress testing found in labs 5 and 6 (`-- regress`, which
# grade/test_lab06_shm.py runs).
USER_PROGS += \
	labs/06-shm/regress.c

# A benchmark is built as a program that cares about speed would be (its loops compiled
# -O2), so that what it measures is the kernel's way of moving data, not -Og's code.
FAST_SRCS += labs/06-shm/shmbench.c

LAB_DOCS +=
