// regs_selftest.h — test=irq-registers: every register of the interrupted code survives an
// interrupt (kernel/debug/regs_selftest.c, kernel/debug/regs_hold.S).
#ifndef KEEL_REGS_SELFTEST_H
#define KEEL_REGS_SELFTEST_H

#define HELD_SP_EL0 (31 * 8)
#define HELD_NZCV (32 * 8)
#define HELD_SP (33 * 8)
#define HELD_SP_BEFORE (34 * 8)
#define HELD_SIZE (35 * 8)

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct held_regs {
    uint64_t x[31];     // x0 .. x30
    uint64_t sp_el0;    // EL0's stack pointer: saved and restored by the trap frame
    uint64_t nzcv;      // the condition flags, bits 31..28 (kept in SPSR_EL1 by the exception)
    uint64_t sp;        // the kernel's own SP after the spin ...
    uint64_t sp_before; // ... and before it: they must be equal
};

_Static_assert(offsetof(struct held_regs, sp_el0) == HELD_SP_EL0, "HELD_SP_EL0");
_Static_assert(offsetof(struct held_regs, nzcv) == HELD_NZCV, "HELD_NZCV");
_Static_assert(offsetof(struct held_regs, sp) == HELD_SP, "HELD_SP");
_Static_assert(offsetof(struct held_regs, sp_before) == HELD_SP_BEFORE, "HELD_SP_BEFORE");
_Static_assert(sizeof(struct held_regs) == HELD_SIZE, "HELD_SIZE");

// Load x0-x30, SP_EL0 and NZCV from *want, spin with interrupts as they are until
// CNTVCT_EL0 reaches want->x[9] (want->x[11]), and store them all to *got.  x9 and x10 (x11
// and x12) are the loop's own, so only the other registers are held.
void hold_across_interrupts_x9(const struct held_regs *want, struct held_regs *got);
void hold_across_interrupts_x11(const struct held_regs *want, struct held_regs *got);

// An interrupt handler that changes every register a handler may change (x0-x18, NZCV,
// SP_EL0) and ELR_EL1 and SPSR_EL1 too, as lab 4's task switches will, then re-arms the EL1
// physical timer to come back after clobber_interval counts.
void clobber_interrupt(unsigned intid);
extern uint64_t clobber_interval;
extern uint64_t clobber_flags; // NZCV for SPSR_EL1: the complement of the round's pattern
extern volatile uint64_t clobber_count;

// Where clobber_interrupt sends the interrupted code if the exception return does not take
// ELR_EL1 back from the trap frame: it panics and says so.
void regs_selftest_elr_lost(void) __attribute__((noreturn));

void selftest_irq_registers(uint32_t nonce);
#endif

#endif
