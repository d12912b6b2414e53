// switch_hold.S — test=context-switch, the part C cannot write: x19-x29 and TPIDR_EL0 with
// patterns in them across a call of context_switch, on both sides of the switch
// (switch_selftest.c sets it up and compares).  A C caller cannot see these registers: the
// compiler keeps its own values in them and puts them back itself.

#include "arch/aarch64/context.h"
#include "debug/switch_selftest.h"

    .bss
    .balign 8
got_pointer:                            // *got of switch_and_record, for after the switch
    .skip   8

    .text

// Loads x19-x29 and TPIDR_EL0 from the struct callee_regs at \from (\scratch is used).
.macro load_callee from, scratch
    ldr     \scratch, [\from, #CALLEE_TPIDR]
    msr     tpidr_el0, \scratch
    ldp     x19, x20, [\from, #8 * 0]
    ldp     x21, x22, [\from, #8 * 2]
    ldp     x23, x24, [\from, #8 * 4]
    ldp     x25, x26, [\from, #8 * 6]
    ldp     x27, x28, [\from, #8 * 8]
    ldr     x29, [\from, #CALLEE_X29]
.endm

// Stores x19-x29, TPIDR_EL0 and SP to the struct callee_regs at \to (\scratch is used).
.macro store_callee to, scratch
    stp     x19, x20, [\to, #8 * 0]
    stp     x21, x22, [\to, #8 * 2]
    stp     x23, x24, [\to, #8 * 4]
    stp     x25, x26, [\to, #8 * 6]
    stp     x27, x28, [\to, #8 * 8]
    str     x29, [\to, #CALLEE_X29]
    mrs     \scratch, tpidr_el0
    str     \scratch, [\to, #CALLEE_TPIDR]
    mov     \scratch, sp
    str     \scratch, [\to, #CALLEE_SP]
.endm

// void switch_and_record(const struct callee_regs *want, struct callee_regs *got)
    .global switch_and_record
switch_and_record:
    stp     x29, x30, [sp, #-96]!           // the C caller's callee-saved registers
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    adrp    x9, got_pointer
    str     x1, [x9, :lo12:got_pointer]
    mov     x9, sp
    str     x9, [x1, #CALLEE_SP_BEFORE]
    load_callee x0, x9
    adrp    x0, switch_main_context
    add     x0, x0, :lo12:switch_main_context
    adrp    x1, switch_partner_context
    add     x1, x1, :lo12:switch_partner_context
    bl      context_switch                  // the partner runs, and switches back
    adrp    x9, got_pointer
    ldr     x9, [x9, :lo12:got_pointer]
    store_callee x9, x10
    ldr     x10, [x9, #CALLEE_SP_BEFORE]    // the real SP, whatever came back
    mov     sp, x10
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret

// void switch_partner(void): never returns; each switch to it runs one turn of the loop.
    .global switch_partner
switch_partner:
    adrp    x9, switch_partner_want
    add     x9, x9, :lo12:switch_partner_want
    load_callee x9, x10
    adrp    x9, switch_partner_got
    add     x9, x9, :lo12:switch_partner_got
    mov     x10, sp
    str     x10, [x9, #CALLEE_SP_BEFORE]
    adrp    x0, switch_partner_context
    add     x0, x0, :lo12:switch_partner_context
    adrp    x1, switch_main_context
    add     x1, x1, :lo12:switch_main_context
    bl      context_switch                  // back to switch_and_record, until next time
    adrp    x9, switch_partner_got
    add     x9, x9, :lo12:switch_partner_got
    store_callee x9, x10
    b       switch_partner
