// esr.c — exception syndromes in words.
//
// The class names (given) follow Arm ARM D19.2.37, table "ESR_ELx.EC"; LK's
// arch/arm64/exceptions_c.c keeps a similar table.  The fault status codes are in
// fault_status.c (lab 2).
#include <stdbool.h>
#include "arch/aarch64/esr.h"
#include "arch/aarch64/fault_status.h"
#include "lib/printfmt.h"

static const char *const exception_class_names[64] = {
    [EC_UNKNOWN] = "unknown reason",
    [EC_WFI_WFE] = "trapped WFI/WFE",
    [EC_FP_ACCESS] = "SIMD/floating-point access",
    [EC_ILLEGAL_STATE] = "illegal execution state",
    [EC_SVC64] = "SVC from AArch64",
    [EC_HVC64] = "HVC from AArch64",
    [EC_SMC64] = "SMC from AArch64",
    [EC_SYSREG] = "trapped MSR/MRS/system instruction",
    [EC_INSTR_ABORT_LOWER] = "instruction abort from EL0",
    [EC_INSTR_ABORT_SAME] = "instruction abort at EL1",
    [EC_PC_ALIGN] = "PC alignment fault",
    [EC_DATA_ABORT_LOWER] = "data abort from EL0",
    [EC_DATA_ABORT_SAME] = "data abort at EL1",
    [EC_SP_ALIGN] = "SP alignment fault",
    [EC_FP_EXCEPTION] = "floating-point exception",
    [EC_SERROR] = "SError interrupt",
    [EC_BREAKPOINT_LOWER] = "breakpoint from EL0",
    [EC_BREAKPOINT_SAME] = "breakpoint at EL1",
    [EC_SOFTWARE_STEP_LOWER] = "software step from EL0",
    [EC_SOFTWARE_STEP_SAME] = "software step at EL1",
    [EC_WATCHPOINT_LOWER] = "watchpoint from EL0",
    [EC_WATCHPOINT_SAME] = "watchpoint at EL1",
    [EC_BRK64] = "BRK instruction",
};

const char *esr_class_name(unsigned ec)
{
    if (ec < 64 && exception_class_names[ec] != 0)
        return exception_class_names[ec];
    return "unexpected exception class";
}

int esr_is_abort(unsigned ec)
{
    return ec == EC_DATA_ABORT_LOWER || ec == EC_DATA_ABORT_SAME || ec == EC_INSTR_ABORT_LOWER ||
           ec == EC_INSTR_ABORT_SAME;
}

void esr_describe(uint64_t esr, char *buf, size_t size)
{
    // LAB 3: Your code here.
    // Always: the class name and "(EC 0x..)" in two hex digits.  For aborts, add ": " and
    // the fault status code's name (fault_status_name); for data aborts also ", on a read"
    // or ", on a write" (WnR).  For BRK, add ": brk #0x.." with the immediate.  Use
    // snprintf(buf, size, ...) (printfmt.h); see esr.h for the exact texts.
    // BEGIN SOLUTION LAB 3
    unsigned ec = esr_class(esr);
    uint64_t iss = esr_iss(esr);
    int n = snprintf(buf, size, "%s (EC 0x%02x)", esr_class_name(ec), ec);
    if (n < 0 || (size_t)n >= size)
        return;
    if (esr_is_abort(ec)) {
        bool data = ec == EC_DATA_ABORT_LOWER || ec == EC_DATA_ABORT_SAME;
        snprintf(buf + n, size - n, ": %s%s", fault_status_name(iss & ESR_ISS_FSC_MASK),
                 !data                 ? ""
                 : (iss & ESR_ISS_WNR) ? ", on a write"
                                       : ", on a read");
    } else if (ec == EC_BRK64) {
        snprintf(buf + n, size - n, ": brk #0x%lx", iss & ESR_ISS_BRK_IMM_MASK);
    }
    // STUB
    //| snprintf(buf, size, "exception (ESR 0x%lx, not decoded yet)", esr);
    // END SOLUTION
}
