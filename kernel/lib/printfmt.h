// printfmt.h — formatted output, shared by the kernel and the user library.
//
// Conversions: %d %i %u %x %p %s %c %%, with the length modifiers l and ll, a field width,
// and the flags '0' (pad numbers with zeros) and '-' (pad on the right).  %p prints 0x and
// the address in lowercase hex; %s of NULL prints "(null)".
#ifndef KEEL_PRINTFMT_H
#define KEEL_PRINTFMT_H

#include <stdarg.h>
#include <stddef.h>

// Where formatted characters go: putch(c, arg) is called once per character.
typedef void (*putch_fn)(int ch, void *arg);

void vprintfmt(putch_fn putch, void *arg, const char *fmt, va_list ap);
void printfmt(putch_fn putch, void *arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// Like C's: writes at most size-1 characters and a terminating NUL, returns the length the
// whole output would have had.
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
