// esr.h — the Exception Syndrome Register, ESR_EL1 (Arm ARM D19.2.37; kernel/arch/aarch64/
// esr.c).  It says why a synchronous exception happened:
//
//   bits 31..26  EC   exception class: what kind of exception (data abort, SVC, BRK, ...)
//   bit  25      IL   instruction length: 1 for a 32-bit instruction
//   bits 24..0   ISS  instruction specific syndrome: details, laid out per class
//
// For data aborts (EC 0x24/0x25) the ISS holds, among others, DFSC (bits 5..0: the fault
// status code), WnR (bit 6: 1 = the access was a write) and FnV (bit 10: 1 = FAR is not
// valid).  For instruction aborts, IFSC (bits 5..0).  For BRK, the instruction's immediate
// (bits 15..0).
#ifndef KEEL_ESR_H
#define KEEL_ESR_H

#include <stddef.h>
#include <stdint.h>

// Exception classes (ESR_EL1.EC), those Keel names in esr.c.
#define EC_UNKNOWN 0x00
#define EC_WFI_WFE 0x01
#define EC_FP_ACCESS 0x07
#define EC_ILLEGAL_STATE 0x0e
#define EC_SVC64 0x15
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_INSTR_ABORT_LOWER 0x20
#define EC_INSTR_ABORT_SAME 0x21
#define EC_PC_ALIGN 0x22
#define EC_DATA_ABORT_LOWER 0x24
#define EC_DATA_ABORT_SAME 0x25
#define EC_SP_ALIGN 0x26
#define EC_FP_EXCEPTION 0x2c
#define EC_SERROR 0x2f
#define EC_BREAKPOINT_LOWER 0x30
#define EC_BREAKPOINT_SAME 0x31
#define EC_SOFTWARE_STEP_LOWER 0x32
#define EC_SOFTWARE_STEP_SAME 0x33
#define EC_WATCHPOINT_LOWER 0x34
#define EC_WATCHPOINT_SAME 0x35
#define EC_BRK64 0x3c

#define ESR_ISS_FSC_MASK 0x3fUL // DFSC / IFSC
#define ESR_ISS_WNR (1UL << 6)  // data aborts: write, not read
#define ESR_ISS_FNV (1UL << 10) // aborts: FAR is not valid
#define ESR_ISS_BRK_IMM_MASK 0xffffUL

static inline unsigned esr_class(uint64_t esr)
{
    return (esr >> 26) & 0x3f;
}

static inline uint64_t esr_iss(uint64_t esr)
{
    return esr & 0x1ffffff;
}

// The exception class in words, e.g. "data abort at EL1".  Never NULL.
const char *esr_class_name(unsigned ec);

// Whether an exception of class `ec` is an abort, whose ISS has a fault status code and
// whose FAR holds the faulting address.
int esr_is_abort(unsigned ec);

// Describes `esr` in words into buf, e.g.
//   "data abort at EL1 (EC 0x25): translation fault, level 1, on a read"
//   "BRK instruction (EC 0x3c): brk #0x4b"
//   "unknown reason (EC 0x00)"
void esr_describe(uint64_t esr, char *buf, size_t size);

#endif
