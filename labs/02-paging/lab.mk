# Lab 2 — paging: physical frames, 4 KiB page tables, the kernel's own address space.

KERNEL_SRCS += \
	kernel/arch/aarch64/pagetable.c \
	kernel/arch/aarch64/fault_status.c \
	kernel/mm/frame.c \
	kernel/mm/kmalloc.c \
	kernel/mm/kvm.c \
	kernel/debug/mon_vm.c \
	kernel/debug/mem_selftest.c

KERNEL_HDRS += \
	kernel/arch/aarch64/fault_status.h \
	kernel/arch/aarch64/pagetable.h \
	kernel/arch/aarch64/tlb.h \
	kernel/debug/mon_vm.h \
	kernel/mm/frame.h \
	kernel/mm/kmalloc.h \
	kernel/mm/kvm.h \
	kernel/uapi/errno.h
