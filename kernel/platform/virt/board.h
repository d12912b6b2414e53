// board.h — QEMU's `virt` machine: where its devices are and which interrupts they raise.
// Figures from QEMU's hw/arm/virt.c memory map; checked on QEMU 7.2.
#ifndef KEEL_BOARD_H
#define KEEL_BOARD_H

#define RAM_BASE 0x40000000UL
#define DTB_PA 0x40000000UL            // QEMU's device tree, when the kernel leaves room for it
#define BOOT_RESERVED_END 0x40200000UL // RAM below the kernel stays reserved (device tree)

#define GICD_PA 0x08000000UL        // GICv2 distributor
#define GICC_PA 0x08010000UL        // GICv2 CPU interface
#define UART0_PA 0x09000000UL       // PL011
#define RTC_PA 0x09010000UL         // PL031 real-time clock (lab 8)
#define VIRTIO_MMIO_PA 0x0a000000UL // 32 virtio-mmio slots, 0x200 bytes apart
#define VIRTIO_MMIO_STRIDE 0x200UL
#define VIRTIO_MMIO_SLOTS 32

// Interrupt IDs as the GIC numbers them: SPI n is INTID 32 + n.
#define IRQ_PTIMER 30  // EL1 physical timer (PPI 14): only the register self-test uses it
#define IRQ_VTIMER 27  // EL1 virtual timer, a private peripheral interrupt (PPI 11)
#define IRQ_UART0 33   // SPI 1
#define IRQ_VIRTIO0 48 // SPI 16, then one per slot

#endif
