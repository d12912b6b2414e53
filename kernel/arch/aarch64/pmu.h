// pmu.h — counting retired instructions with the Performance Monitors Extension
// (kernel/arch/aarch64/pmu.c; Arm ARM D13 "The Performance Monitors Extension").
//
// Event 0x08, INST_RETIRED, counts each instruction that completes.  On QEMU it counts only
// when instructions are counted at all, i.e. with `-icount shift=0`, and then exactly and
// repeatably: the benchmark figures Keel prints do not depend on the host.
#ifndef KEEL_PMU_H
#define KEEL_PMU_H

#include <stdint.h>

// Starts event counter 0 counting INST_RETIRED at EL1 and EL0.
void pmu_start_instructions(void);
// The current count (PMEVCNTR0_EL0).
static inline uint64_t pmu_instructions(void)
{
    uint64_t count;
    __asm__ volatile("isb\n mrs %0, pmevcntr0_el0" : "=r"(count)::"memory");
    return count;
}

#endif
