// pl011.c — driver for the Arm PL011 UART, the serial line of QEMU's virt machine.
//
// The registers are described in the "ARM PrimeCell UART (PL011) Technical Reference
// Manual" (DDI 0183), chapter 3.  QEMU ignores the baud rate, but we set it as real hardware
// needs: 115200 baud from the 24 MHz reference clock.
#include <stdint.h>
#include "arch/aarch64/mmio.h"
#include "mm/memlayout.h"
#include "platform/virt/board.h"
#include "platform/virt/uart.h"
#if LAB >= 3
#include "dev/console_input.h"
#include "dev/irq.h"
#include "platform/virt/board.h"
#endif

// Register offsets (DDI 0183 table 3-1).
#define UART_DR 0x00    // data: write to send, read to receive
#define UART_FR 0x18    // flags
#define UART_IBRD 0x24  // integer baud rate divisor
#define UART_FBRD 0x28  // fractional baud rate divisor
#define UART_LCR_H 0x2c // line control
#define UART_CR 0x30    // control
#define UART_IMSC 0x38  // interrupt mask set/clear
#define UART_ICR 0x44   // interrupt clear

// Flag register bits.
#define FR_RXFE (1u << 4) // receive FIFO empty
#define FR_TXFF (1u << 5) // transmit FIFO full
#define FR_BUSY (1u << 3) // still sending

// Line control: 8 data bits, FIFOs on.
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN_8 (3u << 5)

// Control: the UART, its transmitter and its receiver.
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

// The UART's registers, through the kernel's mapping of device memory.
static inline uint64_t uart_reg(uint64_t offset)
{
    return (uint64_t)phys_to_virt(UART0_PA) + offset;
}

void uart_init(void)
{
    // LAB 1: Your code here.
    // Disable the UART, let it finish what it is sending, program 115200 baud (IBRD = 13,
    // FBRD = 1 for the 24 MHz clock), 8 data bits with FIFOs, mask and clear all interrupts,
    // then enable the UART with its transmitter and receiver.
    // BEGIN SOLUTION LAB 1
    mmio_write32(uart_reg(UART_CR), 0);
    while (mmio_read32(uart_reg(UART_FR)) & FR_BUSY)
        ;
    mmio_write32(uart_reg(UART_IBRD), 13);
    mmio_write32(uart_reg(UART_FBRD), 1);
    mmio_write32(uart_reg(UART_LCR_H), LCR_H_WLEN_8 | LCR_H_FEN);
    mmio_write32(uart_reg(UART_IMSC), 0);
    mmio_write32(uart_reg(UART_ICR), 0x7ff);
    mmio_write32(uart_reg(UART_CR), CR_UARTEN | CR_TXE | CR_RXE);
    // END SOLUTION
}

void uart_putc(char c)
{
    // LAB 1: Your code here.
    // Wait while the transmit FIFO is full, then write the byte to the data register.
    // BEGIN SOLUTION LAB 1
    while (mmio_read32(uart_reg(UART_FR)) & FR_TXFF)
        ;
    mmio_write32(uart_reg(UART_DR), (uint8_t)c);
    // STUB
    //| (void)c;
    // END SOLUTION
}

int uart_getc(void)
{
    // LAB 1: Your code here.
    // If the receive FIFO is empty, return -1; otherwise read the data register (its low 8
    // bits are the byte; the bits above report receive errors, which we ignore).
    // BEGIN SOLUTION LAB 1
    if (mmio_read32(uart_reg(UART_FR)) & FR_RXFE)
        return -1;
    return mmio_read32(uart_reg(UART_DR)) & 0xff;
    // STUB
    //| return -1;
    // END SOLUTION
}

#if LAB >= 3
// Interrupt bits (IMSC, ICR; DDI 0183 3.3.10): receive, and receive timeout, which fires when
// fewer characters than the FIFO trigger level have waited for a while.
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)

static bool rx_throttled; // receive interrupts masked because the input buffer is full

bool uart_enable_rx_interrupt(void)
{
    // LAB 3: Your code here.
    // Register uart_rx_interrupt for IRQ_UART0 and unmask the receive and receive-timeout
    // interrupts (IMSC).  Characters may already wait in the FIFO: whether unmasking raises
    // an interrupt for them depends on the UART's state (QEMU's keeps the raw status; code
    // that cleared ICR earlier loses it), so move them to the buffer now, by calling the
    // handler once.  Return true.
    // BEGIN SOLUTION LAB 3
    irq_register(IRQ_UART0, uart_rx_interrupt);
    mmio_write32(uart_reg(UART_IMSC), INT_RX | INT_RT);
    uart_rx_interrupt(IRQ_UART0);
    return true;
    // STUB
    //| return false;
    // END SOLUTION
}

// Flow control: with the input buffer full, leave characters in the UART's FIFO and mask
// its receive interrupts; once the FIFO is full too, the sender has to wait (QEMU holds
// them).  console_input calls uart_rx_unthrottle() when the buffer has room again.
static void uart_rx_throttle(void)
{
    rx_throttled = true;
    mmio_write32(uart_reg(UART_IMSC), 0);
}

void uart_rx_unthrottle(void)
{
    if (!rx_throttled)
        return;
    rx_throttled = false;
    mmio_write32(uart_reg(UART_IMSC), INT_RX | INT_RT);
    uart_rx_interrupt(IRQ_UART0); // what waited in the FIFO raised no interrupt we will see
}

void uart_rx_interrupt(unsigned intid)
{
    // LAB 3: Your code here.
    // Clear the receive interrupts (ICR), then, while the receive FIFO is not empty, move
    // characters from DR to console_input_push().  If the input buffer is full
    // (console_input_has_room() is false), call uart_rx_throttle() and stop: the rest stays
    // in the FIFO.  Clear before draining, not after: a character that arrives after the
    // loop's last look at the FIFO must raise the interrupt again; cleared afterwards, its
    // interrupt would be lost and it (and everything typed after it) would wait forever.
    // BEGIN SOLUTION LAB 3
    mmio_write32(uart_reg(UART_ICR), INT_RX | INT_RT);
    while (!(mmio_read32(uart_reg(UART_FR)) & FR_RXFE)) {
        if (!console_input_has_room()) {
            uart_rx_throttle();
            return;
        }
        console_input_push((char)(mmio_read32(uart_reg(UART_DR)) & 0xff));
    }
    // STUB
    //| (void)uart_rx_throttle;
    // END SOLUTION
}
#endif
