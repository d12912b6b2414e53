// context.h — what a context switch saves (kernel/arch/aarch64/switch.S).
//
// context_switch() is an ordinary function call, so by the AAPCS64 the caller already
// expects x0-x18 to be clobbered: only the callee-saved registers x19-x28, the frame pointer
// x29, the return address x30 and the stack pointer need saving.  Everything else of the
// task (its user registers) is in the trap frame on its kernel stack.
#ifndef KEEL_CONTEXT_H
#define KEEL_CONTEXT_H

#define CONTEXT_X19 0
#define CONTEXT_X29 (10 * 8)
#define CONTEXT_X30 (11 * 8)
#define CONTEXT_SP (12 * 8)
#define CONTEXT_SIZE (13 * 8)

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct context {
    uint64_t x19_to_x28[10];
    uint64_t x29; // frame pointer
    uint64_t x30; // where context_switch returns to
    uint64_t sp;
};

_Static_assert(offsetof(struct context, x29) == CONTEXT_X29, "CONTEXT_X29");
_Static_assert(offsetof(struct context, x30) == CONTEXT_X30, "CONTEXT_X30");
_Static_assert(offsetof(struct context, sp) == CONTEXT_SP, "CONTEXT_SP");
_Static_assert(sizeof(struct context) == CONTEXT_SIZE, "CONTEXT_SIZE");

// Saves the callee-saved registers and SP into *save, loads them from *load, and returns
// into whatever *load was doing: the other task's own call of context_switch, or, for a new
// task, the function in load->x30.
void context_switch(struct context *save, const struct context *load);
#endif

#endif
