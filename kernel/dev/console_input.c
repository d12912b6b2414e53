// console_input.c — a ring buffer between the UART's receive interrupt and whoever reads
// the console (given code).
//
// The interrupt handler only appends; readers only remove; each index is written by one
// side only.  When the buffer is full, the UART driver stops taking characters from its
// FIFO (flow control, pl011.c) until a reader makes room: input is delayed, never lost.  A reader sleeps in wfi while the buffer is empty: the CPU does nothing until
// an interrupt (a keystroke, a timer tick) arrives, so an idle Keel costs the host nothing.
#include "arch/aarch64/sysreg.h"
#include "dev/console_input.h"
#include "dev/irq.h"
#include "platform/virt/uart.h"
#if LAB >= 4
#include "task/task.h"
#endif

static char buffer[CONSOLE_INPUT_SIZE];
static volatile uint32_t head;              // next to read
static volatile uint32_t tail;              // next to write
static volatile uint64_t received, dropped; // written by the interrupt handler
static volatile char last_received;
static bool interrupts_on;

void console_input_init(void)
{
    interrupts_on = uart_enable_rx_interrupt();
}

bool console_input_has_room(void)
{
    return tail - head < CONSOLE_INPUT_SIZE;
}

void console_input_push(char c)
{
    received = received + 1;
    last_received = c;
    if (!console_input_has_room()) {
        dropped = dropped + 1;
        return;
    }
    buffer[tail % CONSOLE_INPUT_SIZE] = c;
    tail = tail + 1;
#if LAB >= 4
    task_wakeup(&console_input_channel);
#endif
}

// Called with IRQs enabled (they are, from kmain on).
int console_input_wait(void)
{
    // Until the UART's receive interrupt works (lab 3, exercise 5), ask the UART directly.
    if (!interrupts_on) {
        int c;
        while ((c = uart_getc()) < 0)
            ;
        return c;
    }
    for (;;) {
        // Check and sleep with IRQs masked: an interrupt that comes between the check and
        // the wfi still wakes the wfi (a pending interrupt ends it even while masked), and is
        // taken the moment we unmask.  Unmasked, it could be taken just before the wfi and
        // we would sleep with the character already in the buffer.
        uint64_t flags = irq_save();
        if (head != tail) {
            char c = buffer[head % CONSOLE_INPUT_SIZE];
            head = head + 1;
            uart_rx_unthrottle();
            irq_restore(flags);
            return (unsigned char)c;
        }
        wfi();
        irq_restore(flags); // the interrupt that woke us runs now
    }
}

uint64_t console_input_received(void)
{
    return received;
}

uint64_t console_input_dropped(void)
{
    return dropped;
}

char console_input_last(void)
{
    return last_received;
}

#if LAB >= 4
const char console_input_channel;

size_t console_input_take(char *buf, size_t max)
{
    size_t n = 0;
    while (n < max && head != tail) {
        buf[n++] = buffer[head % CONSOLE_INPUT_SIZE];
        head = head + 1;
    }
    if (n > 0)
        uart_rx_unthrottle();
    return n;
}
#endif
