// gic.h — the GICv2 interrupt controller (kernel/platform/virt/gicv2.c).
//
// Devices raise interrupt lines into the distributor (GICD), which decides which CPU gets
// each one; the CPU interface (GICC) presents the highest-priority pending interrupt to its
// CPU as an IRQ exception.  Software acknowledges it (reading GICC_IAR gives its INTID),
// handles it, and signals the end (writing GICC_EOIR).  ARM IHI 0048B, "GIC Architecture
// Specification v2", chapters 1-4.
#ifndef KEEL_GIC_H
#define KEEL_GIC_H

// Turns the distributor and this CPU's interface on, with every interrupt disabled.
void gic_init(void);
// Enables interrupt `intid`, routed to CPU 0, at a middle priority.
void gic_enable(unsigned intid);
// Disables (masks) interrupt `intid` at the distributor: it stays pending, not delivered.
void gic_disable(unsigned intid);
// Acknowledges the highest-priority pending interrupt; returns its INTID (1020-1023: none).
unsigned gic_acknowledge(void);
// Signals the end of handling `intid` (the value gic_acknowledge returned).
void gic_end(unsigned intid);
// Raises software-generated interrupt `intid` (0-15) at this CPU.
void gic_send_sgi_self(unsigned intid);

#endif
