// console.c — the kernel's console: characters in and out over the UART, and a line editor
// for the monitor (given code).
#include <stdbool.h>
#include "dev/console.h"
#include "platform/virt/uart.h"
#if LAB >= 3
#include "dev/console_input.h"
#endif

void console_putc(int c)
{
    if (c == '\n')
        uart_putc('\r');
    uart_putc((char)c);
}

int console_getc(void)
{
#if LAB >= 3
    // From lab 3 on, the UART interrupt fills a buffer and we sleep until it has something.
    return console_input_wait();
#else
    // Until then, ask the UART over and over (it costs a host CPU; lab 3 fixes that).
    int c;
    while ((c = uart_getc()) < 0)
        ;
    return c;
#endif
}

#define CTRL_U 0x15
#define BACKSPACE 0x08
#define DELETE 0x7f

static void erase_last(size_t *length)
{
    (*length)--;
    console_putc('\b');
    console_putc(' ');
    console_putc('\b');
}

size_t console_readline(const char *prompt, char *buf, size_t size)
{
    // A terminal ends a line with CR; a pipe or a script may send CR LF or LF.  Treat any of
    // them as one end of line, so "help\r\n" does not also run an empty line.
    static bool last_was_cr;
    size_t length = 0;

    for (const char *p = prompt; *p; p++)
        console_putc(*p);
    for (;;) {
        int c = console_getc();
        if (c == '\n' && last_was_cr) {
            last_was_cr = false;
            continue;
        }
        last_was_cr = (c == '\r');
        if (c == '\r' || c == '\n') {
            console_putc('\n');
            buf[length] = '\0';
            return length;
        }
        if ((c == BACKSPACE || c == DELETE) && length > 0) {
            erase_last(&length);
        } else if (c == CTRL_U) {
            while (length > 0)
                erase_last(&length);
        } else if (c >= ' ' && c < DELETE && length + 1 < size) {
            buf[length++] = (char)c;
            console_putc(c);
        }
    }
}
