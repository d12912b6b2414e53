// hold.S — a pattern in every register a task owns, one IPC system call, and a record of
// what the registers hold afterwards (regs.h lists the two functions; ipcregs/main.c
// compares).  The same macros as labs/04-scheduler/regs/hold.S.
//
// C cannot do this: the compiler uses registers as it likes, and the flags, SP and TPIDR_EL0
// are out of its reach.  Here, from the end of load_all to the start of store_all, every
// register holds what *want said.  The event is one system call, which may block and switch
// to another task and back: the kernel must give back every register but those the call
// returns results in (x0, and x1..x7 for the calls that receive a message).

#include "regs.h"

    .bss
    .balign 16
held:                                   // where the end finds what the beginning put away
    .skip   16                          // got, the C caller's SP

    .text

// Saves the C caller's x19-x30 on its stack and notes *got and that stack in `held`: from
// here to `leave`, no register holds anything of the caller's.
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
.endm

// Every register from *x0: NZCV, TPIDR_EL0 and SP through x1, then x1-x30, x0 last.  SP
// gets a pattern too: nothing here uses the stack until `leave` has put the real one back.
.macro load_all
    ldr     x1, [x0, #REGS_NZCV]
    msr     nzcv, x1
    ldr     x1, [x0, #REGS_TPIDR]
    msr     tpidr_el0, x1
    ldr     x1, [x0, #REGS_SP]
    mov     sp, x1
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

// Every register to *got, through \base: x0-x30 first (\base's own slot gets the address of
// *got), then NZCV, TPIDR_EL0 and SP through x0, which is saved by then.  None of these
// instructions sets the flags.
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
    str     x0, [\base, #REGS_NZCV]
    mrs     x0, tpidr_el0
    str     x0, [\base, #REGS_TPIDR]
    mov     x0, sp
    str     x0, [\base, #REGS_SP]
.endm

// Back to the C caller: its stack, its x19-x30.
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

    .global hold_svc_x9
hold_svc_x9:
    enter
    load_all
    svc     #0
    store_all x9
    leave

    .global hold_svc_x11
hold_svc_x11:
    enter
    load_all
    svc     #0
    store_all x11
    leave
