// sysreg.h — AArch64 system registers and barriers from C.
//
// READ_SYSREG(ttbr1_el1) reads a system register with MRS; WRITE_SYSREG(ttbr1_el1, v) writes
// one with MSR.  The register name is pasted into the instruction, which is why these two are
// macros and not functions.
#ifndef KEEL_SYSREG_H
#define KEEL_SYSREG_H

#include <stdint.h>

#define READ_SYSREG(reg)                                                                           \
    ({                                                                                             \
        uint64_t _value;                                                                           \
        __asm__ volatile("mrs %0, " #reg : "=r"(_value));                                          \
        _value;                                                                                    \
    })

#define WRITE_SYSREG(reg, value) __asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(value)))

// Instruction synchronisation barrier: later instructions see the effect of earlier system
// register writes (Arm ARM D17.2, "Context synchronization event").
static inline void isb(void)
{
    __asm__ volatile("isb" ::: "memory");
}

// Data synchronisation barrier, inner shareable: earlier memory accesses and TLB maintenance
// are complete before anything after it executes.
static inline void dsb_ish(void)
{
    __asm__ volatile("dsb ish" ::: "memory");
}

static inline void dsb_ishst(void)
{
    __asm__ volatile("dsb ishst" ::: "memory");
}

// The exception level we run at, from CurrentEL bits [3:2].
static inline unsigned current_el(void)
{
    return (READ_SYSREG(CurrentEL) >> 2) & 3;
}

static inline void wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

#endif
