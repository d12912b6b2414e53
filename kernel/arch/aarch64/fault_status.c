// fault_status.c — fault status codes in words (given code).
//
// Data and instruction aborts report why they happened in a 6-bit fault status code:
// ESR_EL1.ISS.DFSC or IFSC (Arm ARM D19.2.37, "ISS encoding for an exception from a Data
// Abort"), and PAR_EL1.FST after an AT instruction.  The table is indexed by the code.
#include "arch/aarch64/fault_status.h"

static const char *const fault_status_names[64] = {
    [0x00] = "address size fault, level 0",
    [0x01] = "address size fault, level 1",
    [0x02] = "address size fault, level 2",
    [0x03] = "address size fault, level 3",
    [0x04] = "translation fault, level 0",
    [0x05] = "translation fault, level 1",
    [0x06] = "translation fault, level 2",
    [0x07] = "translation fault, level 3",
    [0x09] = "access flag fault, level 1",
    [0x0a] = "access flag fault, level 2",
    [0x0b] = "access flag fault, level 3",
    [0x0d] = "permission fault, level 1",
    [0x0e] = "permission fault, level 2",
    [0x0f] = "permission fault, level 3",
    [0x10] = "synchronous external abort",
    [0x11] = "synchronous tag check fault",
    [0x14] = "synchronous external abort on table walk, level 0",
    [0x15] = "synchronous external abort on table walk, level 1",
    [0x16] = "synchronous external abort on table walk, level 2",
    [0x17] = "synchronous external abort on table walk, level 3",
    [0x18] = "synchronous parity or ECC error",
    [FSC_ALIGNMENT] = "alignment fault",
    [0x30] = "TLB conflict abort",
    [0x31] = "unsupported atomic hardware update fault",
    [0x34] = "implementation defined fault (lockdown)",
    [0x35] = "implementation defined fault (unsupported exclusive or atomic access)",
};

const char *fault_status_name(unsigned code)
{
    if (code < 64 && fault_status_names[code] != 0)
        return fault_status_names[code];
    return "reserved fault status code";
}
