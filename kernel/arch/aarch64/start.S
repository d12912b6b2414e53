// start.S — the first instructions Keel runs (given code: read it, you will not change it).
//
// QEMU loads kernel.elf and starts every core at _start, at EL1, with the MMU and caches off:
// every address is physical and every access is treated as Device memory.  Core 0 sets up a
// stack, clears .bss, lets boot_mmu.c build a tiny page table and turn the MMU on, then jumps
// to the upper half, where the rest of the kernel is linked, and calls kmain().

#include "mm/memlayout.h"

    .section .boot.text, "ax"
    .global _start
_start:
    // Only core 0 boots.  On QEMU's virt machine (`-smp 2` and up) the other cores start
    // powered off, waiting for a PSCI CPU_ON call that Keel never makes; should one start
    // here anyway (other firmware, other boards), it waits for good.  MPIDR_EL1.Aff0 is the
    // core's number inside its cluster (Arm ARM D19.2.87).
    mrs     x1, mpidr_el1
    and     x1, x1, #0xff
    cbnz    x1, park

    // Everything below assumes EL1 (CurrentEL[3:2] == 1): QEMU's virt machine without
    // `virtualization=on` starts there.
    mrs     x1, CurrentEL
    cmp     x1, #(1 << 2)
    b.ne    park

    // Symbols are linked at virtual addresses (KERNBASE + physical), so subtract KERNBASE to
    // get at them before the MMU is on.  A literal load (ldr x, =sym) gives the full 64-bit
    // link address; adr/adrp could not reach the upper half from here.
    ldr     x2, =KERNBASE
    ldr     x1, =boot_stack_top
    sub     x1, x1, x2
    mov     sp, x1

    // Clear .bss: C expects its zero-initialised globals to be zero.  16 bytes per store;
    // kernel.ld aligns both ends to a page.
    ldr     x1, =_bss_start
    sub     x1, x1, x2
    ldr     x3, =_bss_end
    sub     x3, x3, x2
1:  cmp     x1, x3
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:
    // Build the boot page table and turn the MMU on.  We keep running at the same physical
    // addresses because the table maps them to themselves (an identity map).
    bl      boot_mmu_enable

    // Jump to the upper half: an absolute branch to the link address of start_high.
    ldr     x1, =start_high
    br      x1

park:
    wfe
    b       park

    .ltorg

    .section .text.entry, "ax"
    .global start_high
start_high:
    // Now at KERNBASE + physical.  Same stack, through its upper-half address.
    ldr     x1, =boot_stack_top
    mov     sp, x1
    // A zero frame pointer ends the chain that backtrace() walks: kmain's frame record will
    // hold {x29 = 0, the return address into start_high} (handout 1, "Frame records").
    mov     x29, #0
    bl      kmain
    // kmain never returns; if it did, stop here rather than run off into whatever follows.
    b       park_high
park_high:
    wfi
    b       park_high

    // The boot stack.  The page below it is a guard: from lab 2 on it is left unmapped, so a
    // stack overflow faults instead of silently overwriting .bss.
    .section .bss.kstack, "aw", %nobits
    .balign 4096
    .global boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:
    .skip   4096
boot_stack_bottom:
    .skip   KSTACK_SIZE
boot_stack_top:
