// irq.c — which handler runs for which interrupt.
#include <stddef.h>
#include "debug/printf.h"
#include "dev/irq.h"
#include "platform/virt/gic.h"

static void (*handlers[IRQ_MAX])(unsigned intid);
static uint64_t counts[IRQ_MAX];
static uint64_t spurious;

void irq_register(unsigned intid, void (*handler)(unsigned intid))
{
    if (intid >= IRQ_MAX)
        panic("irq_register: INTID %u is out of range", intid);
    handlers[intid] = handler;
    gic_enable(intid);
}

void irq_dispatch(void)
{
    // LAB 3: Your code here.
    // Acknowledge the interrupt.  INTIDs 1020 and above mean there was none after all
    // (spurious: another CPU took it, or it went away): count it and return without an end
    // of interrupt.  Otherwise count it, call its handler (or say that it has none), and
    // signal the end of the interrupt to the GIC.
    // BEGIN SOLUTION LAB 3
    unsigned intid = gic_acknowledge();
    if (intid >= 1020) {
        spurious++;
        return;
    }
    if (intid < IRQ_MAX && handlers[intid] != NULL) {
        counts[intid]++;
        handlers[intid](intid);
    } else {
        printf("irq: interrupt %u has no handler\n", intid);
    }
    gic_end(intid);
    // STUB
    //| (void)handlers, (void)counts, (void)spurious;
    //| panic("lab 3: irq_dispatch is not written yet");
    // END SOLUTION
}

uint64_t irq_count(unsigned intid)
{
    return intid < IRQ_MAX ? counts[intid] : 0;
}

uint64_t irq_spurious_count(void)
{
    return spurious;
}
