// irq_line.h — interrupt lines as capabilities (kernel/ipc/irq_line.c).
//
//   device ──► GIC ──► kernel: mask the line, signal ──► notification ──► driver's recv
//     ▲                                                                      │
//     └───────────── driver: handle the device, then irq_ack: unmask ◄──────┘
//
// The kernel masks the line before it returns from the interrupt, because a level-triggered
// device keeps its line up until the driver has dealt with it, and the driver runs later,
// in user space.
#ifndef KEEL_IRQ_LINE_H
#define KEEL_IRQ_LINE_H

#include <stdint.h>
#include "ipc/object.h"

struct notification;

struct irq_line {
    struct kobject obj;
    unsigned intid;
    struct notification *ntfn; // irq_bind, or NULL
    uint64_t badge;            // what signalling ORs in
    uint64_t fired;            // times it fired (for the handout's figures)
};

// For keel_stats' irq_to_driver: the instruction count when a line last fired, and the
// count from there to the moment its driver's recv returned with the notification.
extern uint64_t irq_fired_at;
extern uint64_t irq_to_driver;

// The line's object (boot: for the servers init is given).  NULL if out of objects.
struct irq_line *irq_line_create(unsigned intid);
void irq_line_destroy(struct irq_line *l);
// irq_bind: 0, or -EBUSY (already bound).  The line is enabled at the GIC.
long irq_line_bind(struct irq_line *l, struct notification *n, uint64_t badge);
// irq_ack: unmasks the line.
void irq_line_ack(struct irq_line *l);
// A notification is being destroyed: lines bound to it are masked and unbound.
void irq_line_forget_notification(struct notification *n);

#endif
