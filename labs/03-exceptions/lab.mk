# Lab 3 — exceptions and interrupts: vectors, fault reports, GIC, timer, interrupt-driven UART.

KERNEL_SRCS += \
	kernel/arch/aarch64/vectors.S \
	kernel/arch/aarch64/trap.c \
	kernel/arch/aarch64/esr.c \
	kernel/arch/aarch64/timer.c \
	kernel/arch/aarch64/pmu.c \
	kernel/platform/virt/gicv2.c \
	kernel/irq.c \
	kernel/console_input.c \
	kernel/mon_trap.c \
	kernel/selftest_corrupt.c

KERNEL_HDRS += \
	kernel/include/console_input.h \
	kernel/include/esr.h \
	kernel/include/gic.h \
	kernel/include/irq.h \
	kernel/include/mon_trap.h \
	kernel/include/pmu.h \
	kernel/include/timer.h \
	kernel/include/trap.h \
	kernel/include/trapframe.h
