// regs.h — a task's registers as hold.S loads and stores them (regs/main.c fills and checks).
#ifndef REGS_H
#define REGS_H

#define REGS_SP (31 * 8)
#define REGS_NZCV (32 * 8)
#define REGS_TPIDR (33 * 8)
#define REGS_SIZE (34 * 8)

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct regs {
    uint64_t x[31]; // x0 .. x30
    uint64_t sp;    // SP_EL0, the stack pointer of EL0
    uint64_t nzcv;  // the condition flags, bits 31..28 (SPSR_EL1 keeps them across an exception)
    uint64_t tpidr; // TPIDR_EL0, where a C library keeps its thread pointer
};

_Static_assert(offsetof(struct regs, sp) == REGS_SP, "REGS_SP");
_Static_assert(offsetof(struct regs, nzcv) == REGS_NZCV, "REGS_NZCV");
_Static_assert(offsetof(struct regs, tpidr) == REGS_TPIDR, "REGS_TPIDR");
_Static_assert(sizeof(struct regs) == REGS_SIZE, "REGS_SIZE");

// Each loads every register from *want, lets one thing happen, and stores every register to
// *got, except the one it stores through (x9 or x11), whose value is lost.
//   hold_spin_*: spins until CNTVCT_EL0 reaches want->x[9] (want->x[11]); x9 and x10 (x11
//                and x12) are the loop's, so only the other registers are held.
//   hold_svc_*:  one `svc #0`: the system call want->x[8], arguments want->x[0..5].
void hold_spin_x9(const struct regs *want, struct regs *got);
void hold_spin_x11(const struct regs *want, struct regs *got);
void hold_svc_x9(const struct regs *want, struct regs *got);
void hold_svc_x11(const struct regs *want, struct regs *got);
#endif

#endif
