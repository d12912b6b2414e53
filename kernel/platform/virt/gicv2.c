// gicv2.c — driver for the GICv2 interrupt controller of QEMU's virt machine.
//
// Register offsets and fields: ARM IHI 0048B, "GIC Architecture Specification v2", 4.3
// (distributor) and 4.4 (CPU interface).  INTIDs 0-15 are SGIs (software-generated),
// 16-31 PPIs (private to a CPU: its timers), 32 and up SPIs (shared: devices).
#include <stdint.h>
#include "arch/aarch64/mmio.h"
#include "mm/memlayout.h"
#include "platform/virt/board.h"
#include "platform/virt/gic.h"

// Distributor.
#define GICD_CTLR 0x000       // bit 0: forward interrupts to CPU interfaces
#define GICD_ISENABLER 0x100  // one bit per INTID: writing 1 enables
#define GICD_ICENABLER 0x180  // ... writing 1 disables
#define GICD_ICPENDR 0x280    // ... writing 1 clears pending
#define GICD_IPRIORITYR 0x400 // one byte per INTID: lower is more urgent
#define GICD_ITARGETSR 0x800  // one byte per INTID: bit n = CPU n (SPIs only)
#define GICD_SGIR 0xf00       // software-generated interrupts

// CPU interface.
#define GICC_CTLR 0x000 // bit 0: signal interrupts to the CPU
#define GICC_PMR 0x004  // priority mask: only priorities below it are signalled
#define GICC_IAR 0x00c  // interrupt acknowledge: read to take the pending interrupt
#define GICC_EOIR 0x010 // end of interrupt: write the acknowledged value back

#define GIC_PRIORITY_DEFAULT 0xa0
#define GIC_PRIORITY_MASK_ALL 0xff      // let every priority through
#define GIC_SGIR_TARGET_SELF (2u << 24) // TargetListFilter 0b10: the requesting CPU
#define GIC_IAR_INTID_MASK 0x3ff

static uint64_t gicd(uint64_t offset)
{
    return (uint64_t)phys_to_virt(GICD_PA) + offset;
}

static uint64_t gicc(uint64_t offset)
{
    return (uint64_t)phys_to_virt(GICC_PA) + offset;
}

void gic_init(void)
{
    // LAB 3: Your code here.
    // Distributor: disable it, disable and clear every interrupt below 128 (32 per register
    // in ICENABLER/ICPENDR), then enable it.  CPU interface: let every priority through
    // (PMR), then enable it.
    // BEGIN SOLUTION LAB 3
    mmio_write32(gicd(GICD_CTLR), 0);
    for (unsigned i = 0; i < 128 / 32; i++) {
        mmio_write32(gicd(GICD_ICENABLER + 4 * i), 0xffffffffu);
        mmio_write32(gicd(GICD_ICPENDR + 4 * i), 0xffffffffu);
    }
    mmio_write32(gicd(GICD_CTLR), 1);
    mmio_write32(gicc(GICC_PMR), GIC_PRIORITY_MASK_ALL);
    mmio_write32(gicc(GICC_CTLR), 1);
    // END SOLUTION
}

void gic_enable(unsigned intid)
{
    // LAB 3: Your code here.
    // Give the interrupt GIC_PRIORITY_DEFAULT (a byte in IPRIORITYR), route SPIs (32 and up)
    // to CPU 0 (a byte in ITARGETSR: bit 0), then set its bit in ISENABLER.
    // BEGIN SOLUTION LAB 3
    mmio_write8(gicd(GICD_IPRIORITYR + intid), GIC_PRIORITY_DEFAULT);
    if (intid >= 32)
        mmio_write8(gicd(GICD_ITARGETSR + intid), 1);
    mmio_write32(gicd(GICD_ISENABLER + 4 * (intid / 32)), 1u << (intid % 32));
    // STUB
    //| (void)intid;
    // END SOLUTION
}

void gic_disable(unsigned intid)
{
    // ICENABLER: writing a 1 disables that INTID, zeros change nothing (IHI 0048B 4.3.6).
    mmio_write32(gicd(GICD_ICENABLER + 4 * (intid / 32)), 1u << (intid % 32));
}

unsigned gic_acknowledge(void)
{
    // LAB 3: Your code here.  Read GICC_IAR; the INTID is in its low 10 bits.
    // BEGIN SOLUTION LAB 3
    return mmio_read32(gicc(GICC_IAR)) & GIC_IAR_INTID_MASK;
    // STUB
    //| return 1023;
    // END SOLUTION
}

void gic_end(unsigned intid)
{
    // LAB 3: Your code here.  Write the INTID back to GICC_EOIR.
    // BEGIN SOLUTION LAB 3
    mmio_write32(gicc(GICC_EOIR), intid);
    // STUB
    //| (void)intid, (void)gicc;
    // END SOLUTION
}

void gic_send_sgi_self(unsigned intid)
{
    mmio_write32(gicd(GICD_SGIR), GIC_SGIR_TARGET_SELF | (intid & 0xf));
}
