// memlayout.h — Keel's address spaces in one picture.
//
// Physical memory of QEMU's virt machine (see board.h for the devices):
//
//   0x0000_0000 ┌──────────────────┐
//               │ flash, devices   │  GIC 0x0800_0000, UART 0x0900_0000, virtio 0x0a00_0000
//   0x4000_0000 ├──────────────────┤  RAM starts here
//               │ device tree      │  put here by QEMU (≤ 1 MiB); the first 2 MiB are reserved
//   0x4020_0000 ├──────────────────┤
//               │ kernel image     │  .boot .text .rodata .data .bss .ksyms  (kernel.ld)
//        _end   ├──────────────────┤
//               │ free frames      │  handed out by the frame allocator (lab 2)
//    RAM end    └──────────────────┘
//
// Virtual addresses (39-bit, 4 KiB pages, 3 levels; TCR_EL1.T0SZ = T1SZ = 25):
//
//   0xFFFF_FFFF_FFFF_FFFF ┌──────────────────┐
//                         │ kernel stacks    │  one 32 KiB slot per task, half of it an
//   KERNBASE + 256 GiB    ├──────────────────┤  unmapped guard (lab 4, task/kstack.h)
//                         │ kernel half      │  TTBR1_EL1: the direct map, VA = PA + KERNBASE,
//                         │                  │  which also holds the kernel image
//   KERNBASE              ├──────────────────┤  0xFFFF_FF80_0000_0000
//                         │ (hole: faults)   │
//   0x0000_007F_FFFF_FFFF ├──────────────────┤
//                         │ user half        │  TTBR0_EL1: one address space per task (lab 4);
//                         │                  │  during boot, an identity map of the first 5 GiB
//   0x0000_0000_0000_0000 └──────────────────┘
#ifndef KEEL_MEMLAYOUT_H
#define KEEL_MEMLAYOUT_H

#ifdef __ASSEMBLY__
#define KERNBASE 0xFFFFFF8000000000
#else
#define KERNBASE 0xFFFFFF8000000000UL
#endif

#define VA_BITS 39
#define PAGE_SIZE 4096
#define PAGE_SHIFT 12

// The least RAM Keel boots with (kmain refuses less, with a message): the 2 MiB below the
// kernel, the image (under 1 MiB), and room for page tables and a few tasks.  With less than
// 2 MiB + the image, QEMU cannot even load the kernel (its loader drops what falls outside
// RAM), and nothing runs at all: `make qemu` refuses such a MEM= itself.
#define RAM_MIN_SIZE (8UL << 20)

// The kernel's boot stack (start.S), with one unmapped guard page below it from lab 2 on.
#define KSTACK_SIZE (16 * 1024)

#ifndef __ASSEMBLY__
#include <stdint.h>

// Direct map conversions: a physical address as the kernel sees it, and back.
static inline void *phys_to_virt(uint64_t pa)
{
    return (void *)(pa + KERNBASE);
}

static inline uint64_t virt_to_phys(const void *va)
{
    return (uint64_t)va - KERNBASE;
}

static inline uint64_t page_round_up(uint64_t x)
{
    return (x + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

static inline uint64_t page_round_down(uint64_t x)
{
    return x & ~(uint64_t)(PAGE_SIZE - 1);
}

// Section boundaries, defined by kernel.ld.  Declared as arrays so that `_text_start` is an
// address, never a value to load.
extern char _kernel_start[], _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _data_end[], _bss_start[], _bss_end[], _ksyms_start[], _ksyms_end[];
extern char _end[];
extern char boot_stack_guard[], boot_stack_bottom[], boot_stack_top[];
#endif

#endif
