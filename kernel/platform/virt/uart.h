// uart.h — the PL011 UART driver (kernel/platform/virt/pl011.c).
#ifndef KEEL_UART_H
#define KEEL_UART_H

#include <stdbool.h>

void uart_init(void);
// Sends one byte, waiting while the transmit FIFO is full.
void uart_putc(char c);
// Returns the next received byte, or -1 at once if none has arrived.
int uart_getc(void);

#if LAB >= 3
// Turns on the receive interrupts and registers uart_rx_interrupt for them.  Returns true
// if received characters now arrive through console_input_push().
bool uart_enable_rx_interrupt(void);
// The interrupt handler: moves received characters to console_input_push() while the input
// buffer has room.
void uart_rx_interrupt(unsigned intid);
// Called when the input buffer has room again after the handler stopped for lack of it.
void uart_rx_unthrottle(void);
#endif

#endif
