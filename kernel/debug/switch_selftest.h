// switch_selftest.h — test=context-switch: context_switch gives each side back its
// callee-saved registers, SP and TPIDR_EL0 (kernel/debug/switch_selftest.c, switch_hold.S).
#ifndef KEEL_SWITCH_SELFTEST_H
#define KEEL_SWITCH_SELFTEST_H

#define CALLEE_X29 (10 * 8)
#define CALLEE_TPIDR (11 * 8)
#define CALLEE_SP (12 * 8)
#define CALLEE_SP_BEFORE (13 * 8)
#define CALLEE_SIZE (14 * 8)

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#include "arch/aarch64/context.h"

struct callee_regs {
    uint64_t x19_to_x28[10];
    uint64_t x29;
    uint64_t tpidr_el0;
    uint64_t sp;        // after the switch back ...
    uint64_t sp_before; // ... and before the switch away: they must be equal
};

_Static_assert(offsetof(struct callee_regs, x29) == CALLEE_X29, "CALLEE_X29");
_Static_assert(offsetof(struct callee_regs, tpidr_el0) == CALLEE_TPIDR, "CALLEE_TPIDR");
_Static_assert(offsetof(struct callee_regs, sp) == CALLEE_SP, "CALLEE_SP");
_Static_assert(offsetof(struct callee_regs, sp_before) == CALLEE_SP_BEFORE, "CALLEE_SP_BEFORE");
_Static_assert(sizeof(struct callee_regs) == CALLEE_SIZE, "CALLEE_SIZE");

// Loads x19-x29 and TPIDR_EL0 from *want, calls context_switch(switch_main_context,
// switch_partner_context) and, once switched back, stores them and SP to *got.
void switch_and_record(const struct callee_regs *want, struct callee_regs *got);

// The partner's side, entered by context_switch's `ret` on a stack of its own: loads its
// patterns (switch_partner_want), switches back, and when switched to again records its
// registers (switch_partner_got) and starts over.
void switch_partner(void);

extern struct context switch_main_context, switch_partner_context;
extern struct callee_regs switch_partner_want, switch_partner_got;

void selftest_context_switch(uint32_t nonce);
#endif

#endif
