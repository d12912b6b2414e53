# Lab 5 — IPC: capabilities, endpoints, notifications, IRQs as notifications, and the console
# as a user-space server.

KERNEL_SRCS +=

KERNEL_HDRS += \
	kernel/uapi/ipc.h

USER_LIB_SRCS +=

USER_HDRS +=

USER_PROGS +=

LAB_DOCS +=

# This lab's test programs (grade/test_lab05_ipc.py runs them; labs/05-ipc/ipctest.h is
# their shared header).
USER_PROGS += \
	labs/05-ipc/pingpong.c \
	labs/05-ipc/manyclients.c \
	labs/05-ipc/rights.c
