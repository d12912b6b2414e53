// trap.h — exceptions: the vector table and the C handlers it calls (kernel/arch/aarch64/
// vectors.S, trap.c).
#ifndef KEEL_TRAP_H
#define KEEL_TRAP_H

#include "arch/aarch64/trapframe.h"

// Points VBAR_EL1 at the vector table.
void trap_init(void);

// Called from vectors.S with the saved registers.
void trap_el1_sync(struct trapframe *tf);
// Returns the trap frame to return to user space through: `tf`, or from lab 5 another
// task's, when the IPC fast path switched to it (kernel/ipc/fastpath.c).
struct trapframe *trap_el0_sync(struct trapframe *tf);
void trap_irq(struct trapframe *tf);
void trap_unexpected(struct trapframe *tf, const char *which) __attribute__((noreturn));

// Prints the report of a fault: class and cause in words, faulting address, pc with its
// symbol (`who` says whose fault: "Kernel", or a task in lab 4).
void trap_print_fault(const struct trapframe *tf, const char *who);

// Whether the trap frame was saved from EL0 (user code) rather than EL1 (the kernel).
static inline int trap_from_user(const struct trapframe *tf)
{
    return ((tf->spsr >> 2) & 3) == 0;
}

#endif
