// pmu.c — the Performance Monitors: counting instructions for Keel's benchmarks (given).
#include "arch/aarch64/pmu.h"
#include "arch/aarch64/sysreg.h"

#define PMCR_E (1u << 0) // enable the counters
#define PMCR_P (1u << 1) // reset the event counters
#define PMU_EVENT_INST_RETIRED 0x08

void pmu_start_instructions(void)
{
    // PMEVTYPER0_EL0: event number in the low bits; filter bits 31 (P: don't count EL1) and
    // 30 (U: don't count EL0) left clear, so both are counted.
    WRITE_SYSREG(pmevtyper0_el0, PMU_EVENT_INST_RETIRED);
    WRITE_SYSREG(pmcr_el0, PMCR_E | PMCR_P);
    WRITE_SYSREG(pmcntenset_el0, 1); // counter 0 on
    isb();
}
