// regs.h — a task's registers as hold.S loads and stores them (ipcregs/main.c fills and
// checks); the layout of labs/04-scheduler/regs/regs.h.
#ifndef IPCREGS_REGS_H
#define IPCREGS_REGS_H

#define REGS_SP (31 * 8)
#define REGS_NZCV (32 * 8)
#define REGS_TPIDR (33 * 8)
#define REGS_SIZE (34 * 8)

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct regs {
    uint64_t x[31]; // x0 .. x30
    uint64_t sp;    // SP_EL0
    uint64_t nzcv;  // the condition flags, bits 31..28
    uint64_t tpidr; // TPIDR_EL0
};

_Static_assert(offsetof(struct regs, sp) == REGS_SP, "REGS_SP");
_Static_assert(offsetof(struct regs, nzcv) == REGS_NZCV, "REGS_NZCV");
_Static_assert(offsetof(struct regs, tpidr) == REGS_TPIDR, "REGS_TPIDR");
_Static_assert(sizeof(struct regs) == REGS_SIZE, "REGS_SIZE");

// Each loads every register from *want, makes the system call want->x[8] with arguments
// want->x[0..7], and stores every register to *got, except the one it stores through (x9 or
// x11), whose value is lost.
void hold_svc_x9(const struct regs *want, struct regs *got);
void hold_svc_x11(const struct regs *want, struct regs *got);
#endif

#endif
