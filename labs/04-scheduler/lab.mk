# Lab 4 — scheduler and user space: ELF tasks at EL0, system calls, preemptive round-robin.

KERNEL_SRCS += \
	kernel/arch/aarch64/switch.S \
	kernel/boot/initrd.S \
	kernel/boot/cpio.c \
	kernel/boot/archive.c \
	kernel/mm/uvm.c \
	kernel/mm/uaccess.c \
	kernel/task/elf.c \
	kernel/task/task.c \
	kernel/task/kstack.c \
	kernel/task/spawn.c \
	kernel/task/exit.c \
	kernel/task/sleep.c \
	kernel/task/sched.c \
	kernel/syscall/syscall.c \
	kernel/syscall/sys_task.c \
	kernel/syscall/sys_io.c \
	kernel/debug/switch_selftest.c \
	kernel/debug/spawn_selftest.c \
	kernel/debug/uaccess_selftest.c \
	kernel/debug/switch_hold.S

KERNEL_HDRS += \
	kernel/arch/aarch64/context.h \
	kernel/boot/archive.h \
	kernel/boot/cpio.h \
	kernel/debug/spawn_selftest.h \
	kernel/debug/switch_selftest.h \
	kernel/debug/uaccess_selftest.h \
	kernel/mm/uaccess.h \
	kernel/mm/uvm.h \
	kernel/syscall/syscall.h \
	kernel/task/elf.h \
	kernel/task/kstack.h \
	kernel/task/task.h \
	kernel/uapi/syscalls.h

# The user library: crt0, the system call stub and wrappers, printf (the kernel's engine).
USER_LIB_SRCS += \
	user/lib/crt0.S \
	user/lib/syscall.S \
	user/lib/ulib.c \
	user/lib/uprintf.c \
	kernel/lib/printfmt.c \
	kernel/lib/string.c

USER_HDRS += \
	user/user.ld \
	user/include/ulib.h

# Programs for the boot archive: the system's own, then this lab's test programs.
USER_PROGS += \
	user/bin/init.c \
	user/bin/sh.c \
	labs/04-scheduler/hello.c \
	labs/04-scheduler/true.c \
	labs/04-scheduler/args.c \
	labs/04-scheduler/exitcode.c \
	labs/04-scheduler/yielder.c \
	labs/04-scheduler/interleave.c \
	labs/04-scheduler/spin.c \
	labs/04-scheduler/starve.c \
	labs/04-scheduler/fault.c \
	labs/04-scheduler/badcall.c \
	labs/04-scheduler/spawnloop.c \
	labs/04-scheduler/execbad.c \
	labs/04-scheduler/bench.c \
	labs/04-scheduler/regs \
	labs/04-scheduler/hog.c \
	labs/04-scheduler/zeroes.c \
	labs/04-scheduler/bigargs.c \
	labs/04-scheduler/sleepcheck.c \
	labs/04-scheduler/fuzz/ \
	labs/04-scheduler/faultstorm.c \
	labs/04-scheduler/exhaust.c

USER_FILES += labs/04-scheduler/motd.txt

# The system call reference this lab starts (later labs add their calls to it).
LAB_DOCS += docs/syscalls.md
