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
	kernel/dev/console.c \
	kernel/debug/printf.c \
	kernel/debug/ksyms.c \
	kernel/debug/backtrace.c \
	kernel/boot/dtb.c \
	kernel/boot/bootargs.c \
	kernel/debug/selftest.c \
	kernel/debug/monitor.c

KERNEL_HDRS += \
	kernel/arch/aarch64/kernel.ld \
	kernel/arch/aarch64/mmio.h \
	kernel/arch/aarch64/mmu.h \
	kernel/arch/aarch64/sysreg.h \
	kernel/boot/bootargs.h \
	kernel/boot/dtb.h \
	kernel/debug/backtrace.h \
	kernel/debug/ksyms.h \
	kernel/debug/monitor.h \
	kernel/debug/printf.h \
	kernel/debug/selftest.h \
	kernel/dev/console.h \
	kernel/lib/printfmt.h \
	kernel/lib/string.h \
	kernel/mm/memlayout.h \
	kernel/platform/virt/board.h \
	kernel/platform/virt/power.h \
	kernel/platform/virt/uart.h
