// console.h — the kernel's console on the serial line (kernel/dev/console.c).
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <stddef.h>

// Writes one character; '\n' goes out as "\r\n", which a terminal needs to start a new line.
void console_putc(int c);
// Waits for the next character typed on the serial line and returns it.
int console_getc(void);
// Prints `prompt`, then reads a line with echo and backspace into buf (at most size-1
// characters, NUL-terminated, without the newline).  Returns the line's length.
size_t console_readline(const char *prompt, char *buf, size_t size);

#endif
