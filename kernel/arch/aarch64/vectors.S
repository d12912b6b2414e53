// vectors.S — the exception vector table, and saving and restoring the interrupted code's
// registers around the C handlers (trap.c).
//
// VBAR_EL1 points at a 2 KiB-aligned table of 16 entries, 128 bytes (32 instructions) each
// (Arm ARM D1.10.2 "Exception vectors").  Which entry runs depends on where the exception
// came from and what kind it is:
//
//   offset  from                                  sync     IRQ      FIQ      SError
//   0x000   EL1, using SP_EL0                     0x000    0x080    0x100    0x180
//   0x200   EL1, using SP_EL1 (the kernel)        0x200    0x280    0x300    0x380
//   0x400   EL0, AArch64 (user tasks, lab 4)      0x400    0x480    0x500    0x580
//   0x600   EL0, AArch32 (never in Keel)          0x600    0x680    0x700    0x780
//
// Each entry branches to a stub that saves a struct trapframe (trapframe.h) on the kernel
// stack, calls the C handler with a pointer to it, restores it and returns with `eret`,
// which puts ELR_EL1 back into the PC and SPSR_EL1 back into PSTATE.

#include "arch/aarch64/trapframe.h"
#if LAB >= 5
#include "uapi/ipc.h"
#endif

// Saves the interrupted registers as a struct trapframe, below the current SP.
.macro save_trapframe
    // LAB 3: Your code here.
    // Make room (TF_SIZE bytes), store x0-x29 in pairs with stp, then x30 with sp_el0, elr
    // with spsr, esr with far (mrs into registers you have already saved), and finally the
    // frame record {x29, elr + 4} at TF_FRAME, pointing x29 at it.
    // BEGIN SOLUTION LAB 3
    sub     sp, sp, #TF_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x0, sp_el0
    stp     x30, x0, [sp, #TF_X30]
    mrs     x0, elr_el1
    mrs     x1, spsr_el1
    stp     x0, x1, [sp, #TF_ELR]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #TF_ESR]
    add     x0, x0, #4
    stp     x29, x0, [sp, #TF_FRAME]
    add     x29, sp, #TF_FRAME
    // STUB
    //| bl      trap_entry_not_written
    // END SOLUTION
.endm

// Puts back what save_trapframe saved (x0-x30, sp_el0, elr, spsr) and pops the frame.
.macro restore_trapframe
    // LAB 3: Your code here.
    // The reverse: elr and spsr first (through x0/x1, before you reload those), then x30 and
    // sp_el0, then x0-x29, then give the TF_SIZE bytes back.
    // BEGIN SOLUTION LAB 3
    ldp     x0, x1, [sp, #TF_ELR]
    msr     elr_el1, x0
    msr     spsr_el1, x1
    ldp     x30, x0, [sp, #TF_X30]
    msr     sp_el0, x0
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    add     sp, sp, #TF_SIZE
    // END SOLUTION
.endm

// One 128-byte slot of the table: branch to the real code, which does not fit in 32
// instructions.
.macro vector_entry target
    .balign 128
    b       \target
.endm

// A stub that saves the frame and calls `handler(tf)`, then returns from the exception.
.macro handler_stub name, handler
\name:
    save_trapframe
    mov     x0, sp
    bl      \handler
    b       trap_return
.endm

// As handler_stub, but the handler returns the trap frame to leave through: its own, or
// (lab 5's IPC fast path) another task's at the top of that task's kernel stack.
.macro switching_stub name, handler
\name:
    save_trapframe
    mov     x0, sp
    bl      \handler
    mov     sp, x0
    b       trap_return
.endm

// A stub for exceptions Keel never expects: report and stop.
.macro unexpected_stub name
\name:
    save_trapframe
    mov     x0, sp
    adr     x1, 1f
    bl      trap_unexpected
1:  .asciz  "\name"
    .balign 4
.endm

    .text
    .balign 2048
    .global vector_table
vector_table:
    vector_entry el1_sp0_sync       // EL1 with SP_EL0: Keel's kernel always uses SP_EL1
    vector_entry el1_sp0_irq
    vector_entry el1_sp0_fiq
    vector_entry el1_sp0_serror
    vector_entry el1_sync_entry     // EL1 with SP_EL1: the kernel itself
    vector_entry el1_irq_entry
    vector_entry el1_fiq
    vector_entry el1_serror
    vector_entry el0_sync_entry     // EL0, AArch64: user tasks (system calls, faults)
    vector_entry el0_irq_entry
    vector_entry el0_fiq
    vector_entry el0_serror
    vector_entry el0_aarch32_sync   // EL0, AArch32: not supported
    vector_entry el0_aarch32_irq
    vector_entry el0_aarch32_fiq
    vector_entry el0_aarch32_serror

    handler_stub el1_sync_entry, trap_el1_sync
    handler_stub el1_irq_entry, trap_irq
#if LAB >= 5
// From EL0: system calls 508 (ipc_call) and 510 (ipc_reply_recv) try the IPC fast path
// first (kernel/ipc/fastpath.c), straight from here: x8 still holds the number and x2 the
// ESR (save_trapframe changed only x0-x3), so it costs five instructions to see.
el0_sync_entry:
    save_trapframe
    mov     x0, sp
    lsr     w9, w2, #26             // ESR_EL1.EC
    cmp     w9, #0x15               // SVC from AArch64
    b.ne    2f
    cmp     x8, #SYS_ipc_call
    b.eq    1f
    cmp     x8, #SYS_ipc_reply_recv
    b.ne    2f
1:  mov     x1, x8
    bl      ipc_fastpath            // the trap frame to leave through, or NULL
    cbnz    x0, 3f
    mov     x0, sp
2:  bl      trap_el0_sync
3:  mov     sp, x0
    b       trap_return
#else
    switching_stub el0_sync_entry, trap_el0_sync
#endif
    handler_stub el0_irq_entry, trap_irq

    unexpected_stub el1_sp0_sync
    unexpected_stub el1_sp0_irq
    unexpected_stub el1_sp0_fiq
    unexpected_stub el1_sp0_serror
    unexpected_stub el1_fiq
    unexpected_stub el1_serror
    unexpected_stub el0_fiq
    unexpected_stub el0_serror
    unexpected_stub el0_aarch32_sync
    unexpected_stub el0_aarch32_irq
    unexpected_stub el0_aarch32_fiq
    unexpected_stub el0_aarch32_serror

// Returns from an exception to the code the trap frame at SP describes.  Lab 4 also comes
// here to enter user space for the first time, with a trap frame it made up.
    .global trap_return
trap_return:
    restore_trapframe
    eret
