# Lab 5 — IPC: capabilities, endpoints, notifications, IRQs as notifications, and the console
# as a user-space server.

KERNEL_SRCS +=

KERNEL_HDRS += \
	kernel/uapi/ipc.h

USER_LIB_SRCS +=

USER_HDRS +=

USER_PROGS +=

LAB_DOCS +=
