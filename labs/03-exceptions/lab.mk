# Lab 3 — exceptions and interrupts: vectors, fault reports, GIC, timer, interrupt-driven UART.

KERNEL_SRCS += \
	kernel/arch/aarch64/vectors.S \
	kernel/arch/aarch64/trap.c \
	kernel/arch/aarch64/esr.c \
	kernel/arch/aarch64/timer.c \
	kernel/arch/aarch64/pmu.c \
	kernel/platform/virt/gicv2.c \
	kernel/dev/irq.c \
	kernel/dev/console_input.c \
	kernel/debug/mon_trap.c \
	kernel/debug/regs_selftest.c \
	kernel/debug/corrupt_selftest.c \
	kernel/debug/regs_hold.S

KERNEL_HDRS += \
	kernel/arch/aarch64/esr.h \
	kernel/arch/aarch64/pmu.h \
	kernel/arch/aarch64/timer.h \
	kernel/arch/aarch64/trap.h \
	kernel/arch/aarch64/trapframe.h \
	kernel/debug/mon_trap.h \
	kernel/debug/regs_selftest.h \
	kernel/dev/console_input.h \
	kernel/dev/irq.h \
	kernel/lib/mix.h \
	kernel/platform/virt/gic.h
