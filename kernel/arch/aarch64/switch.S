// switch.S — switching the CPU from one task's kernel stack to another's.
//
// void context_switch(struct context *save, const struct context *load);
//
// Called by schedule() like any function: x0 = save, x1 = load.  Saves the callee-saved
// registers, the frame pointer, the link register (where to come back to), SP and the
// user's thread pointer TPIDR_EL0 (context.h says why it is here) into *save; loads the same
// from *load; `ret` then returns to load->x30 on load's stack.  For a task that has run
// before, that is inside its own earlier call of context_switch; for a new task, spawn.c
// points x30 at task_entry, which enters user space.

#include "arch/aarch64/context.h"

    .text
    .global context_switch
context_switch:
    // LAB 4: Your code here.
    // Store x19-x28 (five stp), x29 with x30, and SP with TPIDR_EL0 (through scratch
    // registers: neither can be stored directly; x9 and x10 are free) at the CONTEXT_*
    // offsets of *x0; then load the same from *x1 and return.
    // BEGIN SOLUTION LAB 4
    stp     x19, x20, [x0, #CONTEXT_X19 + 16 * 0]
    stp     x21, x22, [x0, #CONTEXT_X19 + 16 * 1]
    stp     x23, x24, [x0, #CONTEXT_X19 + 16 * 2]
    stp     x25, x26, [x0, #CONTEXT_X19 + 16 * 3]
    stp     x27, x28, [x0, #CONTEXT_X19 + 16 * 4]
    stp     x29, x30, [x0, #CONTEXT_X29]
    mov     x9, sp
    mrs     x10, tpidr_el0
    stp     x9, x10, [x0, #CONTEXT_SP]

    ldp     x19, x20, [x1, #CONTEXT_X19 + 16 * 0]
    ldp     x21, x22, [x1, #CONTEXT_X19 + 16 * 1]
    ldp     x23, x24, [x1, #CONTEXT_X19 + 16 * 2]
    ldp     x25, x26, [x1, #CONTEXT_X19 + 16 * 3]
    ldp     x27, x28, [x1, #CONTEXT_X19 + 16 * 4]
    ldp     x29, x30, [x1, #CONTEXT_X29]
    ldp     x9, x10, [x1, #CONTEXT_SP]
    mov     sp, x9
    msr     tpidr_el0, x10
    ret
    // STUB
    //| b       context_switch_not_written
    // END SOLUTION

// Where a new task starts in the kernel: its SP points at the trap frame spawn.c prepared,
// so returning from an exception that never happened enters user space at the program's
// entry point.  From lab 5 a task can be killed before it ever ran: it ends here instead
// (kill.c: a killed task ends on its way back to user space, and this is its first way).
    .global task_entry
task_entry:
#if LAB >= 5
    bl      task_exit_if_killed
#endif
    b       trap_return
