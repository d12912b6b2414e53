// printf.h — the kernel's printf and panic.
#ifndef KEEL_PRINTF_H
#define KEEL_PRINTF_H

#include <stdarg.h>
#include "lib/printfmt.h"

// Formats to the console (see printfmt.h for the conversions).  Returns nothing: the console
// cannot fail.
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *fmt, va_list ap);

// Reports a broken invariant: prints "panic: " and the message, a backtrace, and stops the
// kernel for good (the CPU sleeps; QEMU stays up for GDB).  Name the function that found the
// problem in the message.
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

// Stops this CPU for good: interrupts masked, asleep in wfi.  Under the grader (QEMU's
// -semihosting), QEMU exits instead, with status HALT_EXIT_STATUS.
void halt(void) __attribute__((noreturn));
#define HALT_EXIT_STATUS 125

#endif
