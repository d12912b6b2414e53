// pl011.c — the PL011 UART's registers, from user space: the console server maps the UART's
// device memory (its capability in CONSOLE_SLOT_UART) and reads and writes it directly.
//
// The registers are described in the "ARM PrimeCell UART (PL011) Technical Reference
// Manual" (DDI 0183), chapter 3.  This is the register code of the kernel's lab-3 driver
// (kernel/platform/virt/pl011.c) moved out of the kernel; the kernel has already set the
// baud rate and line format at boot, and keeps a polled path of its own for panics.
#include "console.h"

// Register offsets (DDI 0183 3.2, table 3-1).
#define UART_DR 0x00   // data: write to send, read to receive (3.3.1)
#define UART_FR 0x18   // flags (3.3.3)
#define UART_IMSC 0x38 // interrupt mask set/clear: 1 lets the interrupt through (3.3.10)
#define UART_ICR 0x44  // interrupt clear: write 1 to clear (3.3.13)

// Flag register bits (3.3.3).
#define FR_RXFE (1u << 4) // receive FIFO empty
#define FR_TXFF (1u << 5) // transmit FIFO full

// Data register bits above the byte, when read (3.3.1): OE says the FIFO was full and a
// byte that came after this one was lost.
#define DR_OE (1u << 11)

// Interrupt bits, the same in IMSC and ICR (3.3.10, 3.3.13): receive, and receive timeout,
// which fires when fewer bytes than the FIFO's trigger level have waited for a while.
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)

// `volatile`: exactly one access of exactly 32 bits, in program order; the mapping is
// Device-nGnRE, so the CPU does not merge, reorder or cache them either (Arm ARM B2.7.2).
static inline uint32_t reg_read(unsigned long offset)
{
    return *(volatile uint32_t *)(CONSOLE_UART_VA + offset);
}

static inline void reg_write(unsigned long offset, uint32_t value)
{
    *(volatile uint32_t *)(CONSOLE_UART_VA + offset) = value;
}

// Nothing else in this file may run before this succeeds: the registers are not mapped.
long pl011_map(void)
{
    long va = devmem_map(CONSOLE_SLOT_UART, CONSOLE_UART_VA);
    if (va < 0)
        return va;
    return va == (long)CONSOLE_UART_VA ? 0 : -EINVAL;
}

// Output is polled: a byte takes the UART a few microseconds on a real line (none at all
// under QEMU), less than an interrupt would cost.
void pl011_putc(char c)
{
    while (reg_read(UART_FR) & FR_TXFF)
        ;
    reg_write(UART_DR, (uint8_t)c);
}

bool pl011_rx_empty(void)
{
    return (reg_read(UART_FR) & FR_RXFE) != 0;
}

// Reads one byte from the receive FIFO, which must not be empty.  *overrun is set if the
// UART had to throw away a byte after this one (with flow control that never happens).
int pl011_rx_byte(bool *overrun)
{
    uint32_t dr = reg_read(UART_DR);
    *overrun = (dr & DR_OE) != 0;
    return dr & 0xff;
}

// Clear before draining the FIFO, never after: a byte that arrives after the drain's last
// look at the FIFO must raise the interrupt again.  Cleared afterwards, its interrupt would
// be lost, and it (and everything typed after it) would wait for ever.
void pl011_rx_clear(void)
{
    reg_write(UART_ICR, INT_RX | INT_RT);
}

void pl011_rx_unmask(void)
{
    reg_write(UART_IMSC, INT_RX | INT_RT);
}

void pl011_rx_mask(void)
{
    reg_write(UART_IMSC, 0);
}
