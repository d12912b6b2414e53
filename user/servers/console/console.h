// console.h — what the console server's files tell each other (user/servers/console/).
//
//   main.c   starts the server, receives requests and dispatches them by label
//   pl011.c  the UART's registers, through a mapping of its device memory
//   input.c  the input ring, flow control, and the readers waiting for input
//   write.c  CONSOLE_WRITE: bytes out to the UART
#ifndef KEEL_CONSOLE_SERVER_H
#define KEEL_CONSOLE_SERVER_H

#include <stdbool.h>
#include "ulib.h"
#include "proto/console.h"

// Where the server maps the PL011's 4 KiB of registers (any free, page-aligned user address
// would do; this one is far above the program, which is linked at 0x40_0000).
#define CONSOLE_UART_VA 0x10000000UL

// The badge of the notification capability bound to the UART's IRQ: the bit it sets in the
// notification word.
#define CONSOLE_BADGE_UART 1UL

// pl011.c
long pl011_map(void);             // maps the registers; returns 0 or -errno
void pl011_putc(char c);          // waits while the transmit FIFO is full, then sends c
bool pl011_rx_empty(void);        // nothing waits in the receive FIFO
int pl011_rx_byte(bool *overrun); // the next received byte (the FIFO must not be empty)
void pl011_rx_clear(void);        // clears the receive interrupts (before draining, never after)
void pl011_rx_unmask(void);       // lets received bytes raise the interrupt
void pl011_rx_mask(void);         // stops them: flow control, with the input ring full

// input.c: handlers return true if the reply in `reply` is to go to the caller now.
void input_start(void);     // takes what was typed before the server started
void input_interrupt(void); // the UART's interrupt: FIFO to ring, ring to waiting readers
bool console_read(const struct ipc_msg *req, struct ipc_msg *reply);
unsigned long input_received(void);
unsigned long input_dropped(void);
unsigned long input_readers_waiting(void);

// write.c
bool console_write(const struct ipc_msg *req, struct ipc_msg *reply);
void console_putc(char c); // one byte out, '\n' as "\r\n"
unsigned long output_written(void);

#endif
