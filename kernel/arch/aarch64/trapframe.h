// trapframe.h — what an exception saves of the interrupted code, on the kernel stack
// (kernel/arch/aarch64/vectors.S saves and restores it; C sees a struct trapframe).
//
// The hardware saves only the return address (ELR_EL1) and PSTATE (SPSR_EL1) on taking an
// exception (Arm ARM D1.10 "Exception entry"); everything else the handler might change,
// software saves.  Keel saves all of x0-x30, because a handler written in C may use any
// caller-saved register and, from lab 4, a context switch may resume a different task.
//
//   sp ──► x0 x1 ... x29 x30 | sp_el0 | elr spsr | esr far | frame record {x29, elr + 4}
//
// The last two words form an AAPCS64 frame record: x29 points at it while the C handler
// runs, so a backtrace walks from the handler into the interrupted code.  Its "return
// address" is elr + 4 because backtrace() prints return address - 4.
#ifndef KEEL_TRAPFRAME_H
#define KEEL_TRAPFRAME_H

#define TF_X0 0
#define TF_X29 (29 * 8)
#define TF_X30 (30 * 8)
#define TF_SP_EL0 (31 * 8)
#define TF_ELR (32 * 8)
#define TF_SPSR (33 * 8)
#define TF_ESR (34 * 8)
#define TF_FAR (35 * 8)
#define TF_FRAME (36 * 8)
#define TF_SIZE (38 * 8) // a multiple of 16: SP stays 16-byte aligned

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct trapframe {
    uint64_t x[31];           // x0 .. x30 (x29 is the frame pointer, x30 the link register)
    uint64_t sp_el0;          // the stack pointer of EL0 (user tasks, lab 4)
    uint64_t elr;             // where the exception came from / eret returns to
    uint64_t spsr;            // the interrupted PSTATE: exception level, interrupt masks, flags
    uint64_t esr;             // why (ESR_EL1), meaningful for synchronous exceptions
    uint64_t far;             // the faulting address (FAR_EL1), for aborts
    uint64_t frame_record[2]; // {x29, elr + 4}: links backtraces through the exception
};

// The assembly uses the numbers above; these make sure they match the struct.
_Static_assert(offsetof(struct trapframe, x[29]) == TF_X29, "TF_X29");
_Static_assert(offsetof(struct trapframe, sp_el0) == TF_SP_EL0, "TF_SP_EL0");
_Static_assert(offsetof(struct trapframe, elr) == TF_ELR, "TF_ELR");
_Static_assert(offsetof(struct trapframe, spsr) == TF_SPSR, "TF_SPSR");
_Static_assert(offsetof(struct trapframe, esr) == TF_ESR, "TF_ESR");
_Static_assert(offsetof(struct trapframe, far) == TF_FAR, "TF_FAR");
_Static_assert(offsetof(struct trapframe, frame_record) == TF_FRAME, "TF_FRAME");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "TF_SIZE");
_Static_assert(TF_SIZE % 16 == 0, "the trap frame keeps SP 16-byte aligned");
#endif

#endif
