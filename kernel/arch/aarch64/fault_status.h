// fault_status.h — the fault status codes of data and instruction aborts, in words
// (kernel/arch/aarch64/fault_status.c).  The same 6-bit code appears in ESR_EL1.ISS.DFSC/IFSC
// (Arm ARM D19.2.37) and in PAR_EL1.FST after an AT instruction (D19.2.103).
#ifndef KEEL_FAULT_STATUS_H
#define KEEL_FAULT_STATUS_H

// The one fault status code Keel acts on by number (a user alignment fault is SIGBUS).
#define FSC_ALIGNMENT 0x21

// E.g. "permission fault, level 3".  Never NULL.
const char *fault_status_name(unsigned code);

#endif
