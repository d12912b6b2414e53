// uart.h — the PL011 UART driver (kernel/platform/virt/pl011.c).
#ifndef KEEL_UART_H
#define KEEL_UART_H

void uart_init(void);
// Sends one byte, waiting while the transmit FIFO is full.
void uart_putc(char c);
// Returns the next received byte, or -1 at once if none has arrived.
int uart_getc(void);

#endif
