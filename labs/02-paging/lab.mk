# Lab 2 — paging: physical frames, 4 KiB page tables, the kernel's own address space.

KERNEL_SRCS += \
	kernel/arch/aarch64/pagetable.c \
	kernel/arch/aarch64/fault_status.c \
	kernel/frame.c \
	kernel/kmalloc.c \
	kernel/kvm.c \
	kernel/mon_vm.c \
	kernel/mem_selftest.c

KERNEL_HDRS += \
	kernel/include/uapi/errno.h \
	kernel/include/fault_status.h \
	kernel/include/frame.h \
	kernel/include/kmalloc.h \
	kernel/include/kvm.h \
	kernel/include/mon_vm.h \
	kernel/include/pagetable.h \
	kernel/include/tlb.h
