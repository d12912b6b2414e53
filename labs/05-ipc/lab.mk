# Lab 5 — IPC: capabilities, endpoints, notifications, IRQs as notifications, and the console
# as a user-space server.

KERNEL_SRCS +=

KERNEL_HDRS += \
	kernel/uapi/ipc.h

# The wrappers of the capability and IPC calls (declared in user/include/ulib.h).
USER_LIB_SRCS += \
	user/lib/ipc.c

# The console server's protocol, shared by the server and its clients.
USER_HDRS += \
	user/include/proto/console.h \
	user/servers/console/console.h

# The console server (a folder: one program) and the tools that look at tasks.
USER_PROGS += \
	user/servers/console/ \
	user/bin/ps.c

LAB_DOCS += \
	docs/protocols/console.md
