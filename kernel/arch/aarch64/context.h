// context.h — what a context switch saves (kernel/arch/aarch64/switch.S).
//
// context_switch() is an ordinary function call, so by the AAPCS64 the caller already
// expects x0-x18 to be clobbered: only the callee-saved registers x19-x28, the frame pointer
// x29, the return address x30 and the stack pointer need saving.  Everything else of the
// task's user state is in the trap frame on its kernel stack, except TPIDR_EL0: the user's
// thread pointer (every C library keeps its thread's data there).  The kernel never changes
// it, so an exception need not save it; it changes hands only when the task does.  Linux
// swaps it in the same place (tls_thread_switch, called by __switch_to), and so does Keel,
// which costs a switch two instructions and a system call none.
#ifndef KEEL_CONTEXT_H
#define KEEL_CONTEXT_H

#define CONTEXT_X19 0
#define CONTEXT_X29 (10 * 8)
#define CONTEXT_X30 (11 * 8)
#define CONTEXT_SP (12 * 8)
#define CONTEXT_TPIDR_EL0 (13 * 8) // right after sp: one stp/ldp moves both
#define CONTEXT_SIZE (14 * 8)

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct context {
    uint64_t x19_to_x28[10];
    uint64_t x29; // frame pointer
    uint64_t x30; // where context_switch returns to
    uint64_t sp;
    uint64_t tpidr_el0; // the user's thread pointer (0 for a new task)
};

_Static_assert(offsetof(struct context, x29) == CONTEXT_X29, "CONTEXT_X29");
_Static_assert(offsetof(struct context, x30) == CONTEXT_X30, "CONTEXT_X30");
_Static_assert(offsetof(struct context, sp) == CONTEXT_SP, "CONTEXT_SP");
_Static_assert(offsetof(struct context, tpidr_el0) == CONTEXT_TPIDR_EL0, "CONTEXT_TPIDR_EL0");
_Static_assert(sizeof(struct context) == CONTEXT_SIZE, "CONTEXT_SIZE");

// Saves the callee-saved registers, SP and TPIDR_EL0 into *save, loads them from *load, and returns
// into whatever *load was doing: the other task's own call of context_switch, or, for a new
// task, the function in load->x30.
void context_switch(struct context *save, const struct context *load);
#endif

#endif
