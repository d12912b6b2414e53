// irq_line.c — from an interrupt to a notification, and back through irq_ack.
#include <stddef.h>
#include "arch/aarch64/pmu.h"
#include "dev/irq.h"
#include "ipc/irq_line.h"
#include "ipc/notification.h"
#include "platform/virt/gic.h"
#include "uapi/errno.h"
#include "uapi/ipc.h"

static struct irq_line *lines[IRQ_MAX]; // the line object of each INTID, if any
uint64_t irq_fired_at;                  // instruction count when a line last fired (0: none)
uint64_t irq_to_driver;                 // ... and from there to its driver's recv (0: none)

struct irq_line *irq_line_create(unsigned intid)
{
    if (intid >= IRQ_MAX || lines[intid] != NULL)
        return NULL;
    struct irq_line *l = object_alloc(CAP_IRQ, sizeof(struct irq_line));
    if (l != NULL) {
        l->intid = intid;
        lines[intid] = l;
    }
    return l;
}

// The kernel's handler for every line a driver owns (irq_dispatch calls it).
static void irq_line_fired(unsigned intid)
{
    struct irq_line *l = lines[intid];
    // LAB 5: Your code here.
    // Mask the line at the GIC (gic_disable) so it stays quiet until the driver acks, count
    // it, and signal the bound notification with the line's badge.  A line without a
    // driver (none bound, or its object destroyed) is only masked.
    // BEGIN SOLUTION LAB 5
    gic_disable(intid);
    if (l == NULL || l->ntfn == NULL)
        return;
    l->fired++;
    irq_fired_at = pmu_instructions();
    notification_signal(l->ntfn, l->badge);
    // STUB
    //| (void)l;
    // END SOLUTION
}

long irq_line_bind(struct irq_line *l, struct notification *n, uint64_t badge)
{
    if (l->ntfn != NULL)
        return -EBUSY;
    l->ntfn = n;
    l->badge = badge;
    irq_register(l->intid, irq_line_fired); // enables it at the GIC
    return 0;
}

void irq_line_ack(struct irq_line *l)
{
    if (l->ntfn != NULL)
        gic_enable(l->intid);
}

void irq_line_destroy(struct irq_line *l)
{
    gic_disable(l->intid);
    lines[l->intid] = NULL;
}

void irq_line_forget_notification(struct notification *n)
{
    for (unsigned i = 0; i < IRQ_MAX; i++) {
        if (lines[i] != NULL && lines[i]->ntfn == n) {
            gic_disable(i);
            lines[i]->ntfn = NULL;
        }
    }
}
