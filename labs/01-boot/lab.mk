# Lab 1 — boot & UART: what this lab adds to the build.
#
# Every file of kernel/ and user/ belongs to exactly one lab, the one that first needs it;
# tools/release.py leaves out the files of labs after the one it releases.

# Runs with the MMU off, linked at its physical address (see kernel.ld).
KERNEL_BOOT_SRCS += kernel/arch/aarch64/boot_mmu.c

KERNEL_SRCS += \
	kernel/arch/aarch64/start.S \
	kernel/platform/virt/pl011.c \
	kernel/platform/virt/power.c \
	kernel/lib/printfmt.c \
	kernel/lib/string.c \
	kernel/main.c \
	kernel/console.c \
	kernel/printf.c \
	kernel/ksyms.c \
	kernel/backtrace.c \
	kernel/dtb.c \
	kernel/bootargs.c \
	kernel/selftest.c \
	kernel/monitor.c

KERNEL_HDRS += \
	kernel/arch/aarch64/kernel.ld \
	kernel/lib/printfmt.h \
	kernel/lib/string.h \
	kernel/include/backtrace.h \
	kernel/include/board.h \
	kernel/include/bootargs.h \
	kernel/include/console.h \
	kernel/include/dtb.h \
	kernel/include/ksyms.h \
	kernel/include/memlayout.h \
	kernel/include/mmio.h \
	kernel/include/mmu.h \
	kernel/include/monitor.h \
	kernel/include/power.h \
	kernel/include/printf.h \
	kernel/include/selftest.h \
	kernel/include/sysreg.h \
	kernel/include/uart.h
