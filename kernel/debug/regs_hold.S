// regs_hold.S — test=irq-registers, the part C cannot write: a pattern in every register,
// a spin that interrupts hit, and a record of the registers afterwards (regs_selftest.c
// compares); and clobber_interrupt, the handler that makes a lost register show.
//
// From the end of load_all to the start of store_all every register holds what *want said,
// except the loop's two.  An interrupt may come at any instruction in between, and the
// exception return must give back every register as it was (Arm ARM D1.10, "Exception
// entry" and "Exception return": the hardware keeps only PC and PSTATE, in ELR_EL1 and
// SPSR_EL1; vectors.S must keep the rest).

#include "debug/regs_selftest.h"

    .bss
    .balign 16
held:                                   // where the end finds what the beginning put away
    .skip   16                          // got, the C caller's SP

    .text

// Saves the C caller's x19-x30 on its stack and notes *got and SP in `held` (and SP in
// got->sp_before): from here to `leave`, no register holds anything of the caller's.
.macro enter
    stp     x29, x30, [sp, #-96]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    adrp    x2, held
    add     x2, x2, :lo12:held
    mov     x3, sp
    stp     x1, x3, [x2]
    str     x3, [x1, #HELD_SP_BEFORE]
.endm

// Every register from *x0: NZCV and SP_EL0 through x1, then x1-x30, x0 last.
.macro load_all
    ldr     x1, [x0, #HELD_NZCV]
    msr     nzcv, x1
    ldr     x1, [x0, #HELD_SP_EL0]
    msr     sp_el0, x1
    ldp     x1, x2, [x0, #8 * 1]
    ldp     x3, x4, [x0, #8 * 3]
    ldp     x5, x6, [x0, #8 * 5]
    ldp     x7, x8, [x0, #8 * 7]
    ldp     x9, x10, [x0, #8 * 9]
    ldp     x11, x12, [x0, #8 * 11]
    ldp     x13, x14, [x0, #8 * 13]
    ldp     x15, x16, [x0, #8 * 15]
    ldp     x17, x18, [x0, #8 * 17]
    ldp     x19, x20, [x0, #8 * 19]
    ldp     x21, x22, [x0, #8 * 21]
    ldp     x23, x24, [x0, #8 * 23]
    ldp     x25, x26, [x0, #8 * 25]
    ldp     x27, x28, [x0, #8 * 27]
    ldp     x29, x30, [x0, #8 * 29]
    ldr     x0, [x0]
.endm

// Spins until CNTVCT_EL0 reaches the deadline in \deadline, using \scratch: a count down
// of 4096 (cheap under QEMU's -icount, where every counter read ends a translation block),
// then the sign of now - deadline.  sub, cbnz and tbnz leave NZCV alone.
.macro spin deadline, scratch
1:  mov     \scratch, #4096
2:  sub     \scratch, \scratch, #1
    cbnz    \scratch, 2b
    mrs     \scratch, cntvct_el0
    sub     \scratch, \scratch, \deadline
    tbnz    \scratch, #63, 1b
.endm

// Every register to *got, through \base: x0-x30 first, then NZCV, SP_EL0 and SP through x0.
.macro store_all base
    adrp    \base, held
    ldr     \base, [\base, :lo12:held]
    stp     x0, x1, [\base, #8 * 0]
    stp     x2, x3, [\base, #8 * 2]
    stp     x4, x5, [\base, #8 * 4]
    stp     x6, x7, [\base, #8 * 6]
    stp     x8, x9, [\base, #8 * 8]
    stp     x10, x11, [\base, #8 * 10]
    stp     x12, x13, [\base, #8 * 12]
    stp     x14, x15, [\base, #8 * 14]
    stp     x16, x17, [\base, #8 * 16]
    stp     x18, x19, [\base, #8 * 18]
    stp     x20, x21, [\base, #8 * 20]
    stp     x22, x23, [\base, #8 * 22]
    stp     x24, x25, [\base, #8 * 24]
    stp     x26, x27, [\base, #8 * 26]
    stp     x28, x29, [\base, #8 * 28]
    str     x30, [\base, #8 * 30]
    mrs     x0, nzcv
    str     x0, [\base, #HELD_NZCV]
    mrs     x0, sp_el0
    str     x0, [\base, #HELD_SP_EL0]
    mov     x0, sp
    str     x0, [\base, #HELD_SP]
.endm

// Back to the C caller: its SP, its x19-x30.
.macro leave
    adrp    x0, held
    add     x0, x0, :lo12:held
    ldr     x1, [x0, #8]
    mov     sp, x1
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret
.endm

    .global hold_across_interrupts_x9
hold_across_interrupts_x9:
    enter
    load_all
    spin    x9, x10
    store_all x9
    leave

    .global hold_across_interrupts_x11
hold_across_interrupts_x11:
    enter
    load_all
    spin    x11, x12
    store_all x11
    leave

// void clobber_interrupt(unsigned intid), called by irq_dispatch.  It changes x0-x18, as
// any C function may; it also changes SP_EL0, and ELR_EL1 and SPSR_EL1, which
// a switch to another task (lab 4) changes too: the exception return must put back what the
// trap frame holds, not what happens to be in these registers.  SPSR_EL1 keeps the
// interrupted code's exception level and masks but gets the flags clobber_flags (never the
// pattern's), so that a return through it shows as wrong flags; ELR_EL1 points at elr_lost.  Callee-saved x19-x29 and SP
// stay, as the AAPCS64 wants.
    .global clobber_interrupt
clobber_interrupt:
    adrp    x9, clobber_interval
    ldr     x10, [x9, :lo12:clobber_interval]
    msr     cntp_tval_el0, x10                  // come back in clobber_interval counts
    adrp    x9, clobber_count
    ldr     x10, [x9, :lo12:clobber_count]
    add     x10, x10, #1
    str     x10, [x9, :lo12:clobber_count]
    mrs     x11, spsr_el1
    bic     x11, x11, #(0xf << 28)
    adrp    x9, clobber_flags
    ldr     x12, [x9, :lo12:clobber_flags]
    orr     x11, x11, x12
    msr     spsr_el1, x11
    adr     x11, elr_lost
    msr     elr_el1, x11
    mvn     x0, x10                             // junk that differs from every pattern
    msr     sp_el0, x0
    mov     x1, x0
    mov     x2, x0
    mov     x3, x0
    mov     x4, x0
    mov     x5, x0
    mov     x6, x0
    mov     x7, x0
    mov     x8, x0
    mov     x9, x0
    mov     x10, x0
    mov     x11, x0
    mov     x12, x0
    mov     x13, x0
    mov     x14, x0
    mov     x15, x0
    mov     x16, x0
    mov     x17, x0
    mov     x18, x0
    ret

elr_lost:
    bl      regs_selftest_elr_lost
