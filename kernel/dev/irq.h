// irq.h — interrupt handlers and masking (kernel/dev/irq.c).
#ifndef KEEL_IRQ_H
#define KEEL_IRQ_H

#include <stdint.h>

#define IRQ_MAX 128       // INTIDs Keel handles: SGIs 0-15, PPIs 16-31, SPIs 32-127
#define IRQ_SPURIOUS 1023 // what the GIC's acknowledge register says when nothing is pending

// Calls `handler(intid)` when interrupt `intid` arrives, and enables it at the GIC.
void irq_register(unsigned intid, void (*handler)(unsigned intid));

// Takes one interrupt from the GIC and runs its handler (from trap_irq).
void irq_dispatch(void);

// How often each interrupt was taken, and how many acknowledges were spurious.
uint64_t irq_count(unsigned intid);
uint64_t irq_spurious_count(void);

// PSTATE.I masks IRQs at this CPU (Arm ARM D1.7 "Process state, PSTATE").
static inline void irq_enable(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void irq_disable(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

// Masks IRQs and returns the previous DAIF, for irq_restore().
static inline uint64_t irq_save(void)
{
    uint64_t daif;
    __asm__ volatile("mrs %0, daif\n msr daifset, #2" : "=r"(daif)::"memory");
    return daif;
}

static inline void irq_restore(uint64_t daif)
{
    __asm__ volatile("msr daif, %0" ::"r"(daif) : "memory");
}

#endif
