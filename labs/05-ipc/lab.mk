# Lab 5 — IPC: capabilities, endpoints, notifications, IRQs as notifications, and the console
# as a user-space server.

KERNEL_SRCS += \
	kernel/ipc/object.c \
	kernel/ipc/cap.c \
	kernel/ipc/wait.c \
	kernel/ipc/endpoint.c \
	kernel/ipc/reply.c \
	kernel/ipc/notification.c \
	kernel/ipc/irq_line.c \
	kernel/ipc/devmem.c \
	kernel/ipc/spawn_caps.c \
	kernel/ipc/boot_servers.c \
	kernel/ipc/sys_cap.c \
	kernel/ipc/sys_ipc.c \
	kernel/ipc/sys_notify.c \
	kernel/ipc/sys_describe.c \
	kernel/ipc/fastpath.c \
	kernel/ipc/fastpath_entry.S \
	kernel/dev/console_client.c \
	kernel/task/kill.c

# The IPC fast path is the one part of the kernel built for speed rather than for stepping
# through in GDB (kernel/ipc/fastpath.c says why), and so are the user side's message calls.
FAST_SRCS += \
	kernel/ipc/fastpath.c \
	user/lib/ipc.c

KERNEL_HDRS += \
	kernel/uapi/ipc.h \
	kernel/ipc/object.h \
	kernel/ipc/cap.h \
	kernel/ipc/ipc.h \
	kernel/ipc/endpoint.h \
	kernel/ipc/reply.h \
	kernel/ipc/notification.h \
	kernel/ipc/irq_line.h \
	kernel/ipc/devmem.h \
	kernel/ipc/spawn_caps.h \
	kernel/ipc/boot_servers.h \
	kernel/ipc/fastpath.h \
	kernel/dev/console_client.h

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

# This lab's test programs (grade/test_lab05_ipc.py runs them; labs/05-ipc/ipctest.h is
# their shared header).
USER_PROGS += \
	labs/05-ipc/pingpong.c \
	labs/05-ipc/manyclients.c \
	labs/05-ipc/rights.c \
	labs/05-ipc/transfer.c \
	labs/05-ipc/deadpeer.c \
	labs/05-ipc/notify.c \
	labs/05-ipc/ipcregs/ \
	labs/05-ipc/coninput.c \
	labs/05-ipc/congarbage.c \
	labs/05-ipc/conkill.c \
	labs/05-ipc/ipcbench.c
