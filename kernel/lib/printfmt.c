// printfmt.c — the formatting engine behind printf, in the kernel and in user programs.
//
// vprintfmt() walks the format string; every character it produces goes through a putch
// callback, so the same code prints to the UART (kernel printf), into a buffer (snprintf) or
// to a file descriptor (user printf).
#include <stdbool.h>
#include "printfmt.h"
#include "string.h"

// What a conversion asked for, between the '%' and the conversion letter.
struct conversion {
    int width;     // minimum number of characters, 0 if none
    bool zero_pad; // '0' flag: pad numbers with zeros after the sign
    bool left;     // '-' flag: pad on the right instead
    int longs;     // 0, 1 for 'l', 2 for 'll'
};

static void pad(putch_fn putch, void *arg, int count, char c)
{
    for (int i = 0; i < count; i++)
        putch(c, arg);
}

// Prints `value` in `base` (10 or 16), with a '-' in front if `negative`, then `prefix`
// (e.g. "0x"), honouring width, '0' and '-'.
static void print_number(putch_fn putch, void *arg, unsigned long long value, unsigned base,
                         bool negative, const char *prefix, const struct conversion *conv)
{
    // LAB 1: Your code here.
    // Produce the digits (least significant first, into a buffer), work out the length with
    // the sign and the prefix, then emit: padding, sign, prefix, zeros, digits, padding.
    // Mind the order for "%05d" of -42: "-0042", but for "%5d": "  -42".
    // BEGIN SOLUTION LAB 1
    char digits[24]; // 2^64 has 20 decimal digits
    int ndigits = 0;
    do {
        digits[ndigits++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value != 0);

    int length = ndigits + (negative ? 1 : 0) + (int)strlen(prefix);
    int padding = conv->width > length ? conv->width - length : 0;
    if (!conv->left && !conv->zero_pad)
        pad(putch, arg, padding, ' ');
    if (negative)
        putch('-', arg);
    for (const char *p = prefix; *p; p++)
        putch(*p, arg);
    if (!conv->left && conv->zero_pad)
        pad(putch, arg, padding, '0');
    while (ndigits > 0)
        putch(digits[--ndigits], arg);
    if (conv->left)
        pad(putch, arg, padding, ' ');
    // STUB
    //| (void)value, (void)base, (void)negative, (void)prefix, (void)conv;
    //| for (const char *p = "<number>"; *p; p++)
    //|     putch(*p, arg);
    // END SOLUTION
}

// Prints a string, or a character as a one-character string, padded to the width.
static void print_string(putch_fn putch, void *arg, const char *s, size_t length,
                         const struct conversion *conv)
{
    int padding = conv->width > (int)length ? conv->width - (int)length : 0;
    if (!conv->left)
        pad(putch, arg, padding, ' ');
    for (size_t i = 0; i < length; i++)
        putch(s[i], arg);
    if (conv->left)
        pad(putch, arg, padding, ' ');
}

// The next signed argument, of the size that the l/ll modifiers say.
static long long signed_arg(va_list *ap, int longs)
{
    if (longs >= 2)
        return va_arg(*ap, long long);
    if (longs == 1)
        return va_arg(*ap, long);
    return va_arg(*ap, int);
}

static unsigned long long unsigned_arg(va_list *ap, int longs)
{
    if (longs >= 2)
        return va_arg(*ap, unsigned long long);
    if (longs == 1)
        return va_arg(*ap, unsigned long);
    return va_arg(*ap, unsigned int);
}

// Reads flags, width and length modifiers after a '%'; returns where the conversion letter is.
static const char *parse_conversion(const char *fmt, struct conversion *conv)
{
    conv->width = 0;
    conv->zero_pad = false;
    conv->left = false;
    conv->longs = 0;
    // LAB 1: Your code here.
    // Flags ('0', '-') come first, then the width in decimal, then 'l' or 'll'.
    // BEGIN SOLUTION LAB 1
    for (;; fmt++) {
        if (*fmt == '0')
            conv->zero_pad = true;
        else if (*fmt == '-')
            conv->left = true;
        else
            break;
    }
    while (*fmt >= '0' && *fmt <= '9')
        conv->width = conv->width * 10 + (*fmt++ - '0');
    while (*fmt == 'l' && conv->longs < 2) {
        conv->longs++;
        fmt++;
    }
    // END SOLUTION
    return fmt;
}

// Prints a signed number in decimal.
static void print_signed(putch_fn putch, void *arg, long long value, const struct conversion *conv)
{
    // LAB 1: Your code here.
    // Hand print_number the magnitude and whether the value is negative.  Careful: for the
    // most negative long long, -value does not fit in a long long (C11 6.5p5: undefined).
    // BEGIN SOLUTION LAB 1
    // Negate in unsigned arithmetic, which wraps and so is defined for every value.
    unsigned long long magnitude =
        value < 0 ? -(unsigned long long)value : (unsigned long long)value;
    print_number(putch, arg, magnitude, 10, value < 0, "", conv);
    // STUB
    //| print_number(putch, arg, (unsigned long long)value, 10, false, "", conv);
    // END SOLUTION
}

// Formats one conversion whose letter is `letter`.  A letter we do not know is printed as it
// stands, with its '%', so the mistake shows in the output.
static void print_conversion(putch_fn putch, void *arg, char letter, const struct conversion *conv,
                             va_list *ap)
{
    switch (letter) {
    case 'd':
    case 'i':
        print_signed(putch, arg, signed_arg(ap, conv->longs), conv);
        break;
    case 'u':
        print_number(putch, arg, unsigned_arg(ap, conv->longs), 10, false, "", conv);
        break;
    case 'x':
        print_number(putch, arg, unsigned_arg(ap, conv->longs), 16, false, "", conv);
        break;
    case 'p':
        print_number(putch, arg, (unsigned long)va_arg(*ap, void *), 16, false, "0x", conv);
        break;
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (s == NULL)
            s = "(null)";
        print_string(putch, arg, s, strlen(s), conv);
        break;
    }
    case 'c': {
        char c = (char)va_arg(*ap, int);
        print_string(putch, arg, &c, 1, conv);
        break;
    }
    case '%':
        putch('%', arg);
        break;
    default:
        putch('%', arg);
        if (letter != '\0')
            putch(letter, arg);
        break;
    }
}

void vprintfmt(putch_fn putch, void *arg, const char *fmt, va_list ap)
{
    va_list args;
    va_copy(args, ap); // so that helpers can take a pointer to it on every ABI
    while (*fmt != '\0') {
        if (*fmt != '%') {
            putch(*fmt++, arg);
            continue;
        }
        struct conversion conv;
        fmt = parse_conversion(fmt + 1, &conv);
        print_conversion(putch, arg, *fmt, &conv, &args);
        if (*fmt != '\0')
            fmt++;
    }
    va_end(args);
}

void printfmt(putch_fn putch, void *arg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintfmt(putch, arg, fmt, ap);
    va_end(ap);
}

// snprintf's state: where the next character goes, and how many the output needs in all.
struct buffer {
    char *next;
    char *last; // where the NUL goes at the latest
    int needed;
};

static void buffer_putch(int ch, void *arg)
{
    struct buffer *b = arg;
    b->needed++;
    if (b->next < b->last)
        *b->next++ = (char)ch;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buffer b = {buf, buf + (size > 0 ? size - 1 : 0), 0};
    vprintfmt(buffer_putch, &b, fmt, ap);
    if (size > 0)
        *b.next = '\0';
    return b.needed;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
