// string.c — memory and string functions (given code), for the kernel and the user library.
// Plain loops, easy to read and to step through in GDB.  memset and memcpy move 8 bytes at a
// time where they can: the kernel fills and copies whole pages, and under QEMU every
// instruction counts.
#include <stdint.h>
#include "string.h"

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    uint64_t pattern = 0x0101010101010101UL * (unsigned char)c;
    while (n > 0 && (uintptr_t)d % 8 != 0) {
        *d++ = (unsigned char)c;
        n--;
    }
    for (; n >= 8; n -= 8, d += 8)
        *(uint64_t *)d = pattern;
    while (n-- > 0)
        *d++ = (unsigned char)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((uintptr_t)d % 8 == (uintptr_t)s % 8) {
        while (n > 0 && (uintptr_t)d % 8 != 0) {
            *d++ = *s++;
            n--;
        }
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *(uint64_t *)d = *(const uint64_t *)s;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

// Like memcpy, but the two ranges may overlap: copy backwards when dst is above src.
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n-- > 0)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || a[i] == '\0')
            return (unsigned char)a[i] - (unsigned char)b[i];
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (; *s != '\0'; s++)
        if (*s == (char)c)
            return (char *)s;
    return c == '\0' ? (char *)s : NULL;
}

// Copies at most size-1 characters and always terminates (when size > 0); returns strlen(src),
// so that a result >= size means the copy was cut short.
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t length = strlen(src);
    if (size > 0) {
        size_t n = length < size - 1 ? length : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return length;
}

static int digit_value(char c, unsigned base)
{
    int v = -1;
    if (c >= '0' && c <= '9')
        v = c - '0';
    else if (c >= 'a' && c <= 'f')
        v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        v = c - 'A' + 10;
    return v >= 0 && (unsigned)v < base ? v : -1;
}

int parse_u64(const char *s, unsigned long *value)
{
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (*s == '\0')
        return -1;
    unsigned long v = 0;
    for (; *s != '\0'; s++) {
        int d = digit_value(*s, base);
        // v * base + d must stay below 2^64: a number that does not fit is not a number here,
        // rather than some other number that it wraps around to.
        if (d < 0 || v > (~0UL - (unsigned long)d) / base)
            return -1;
        v = v * base + (unsigned)d;
    }
    *value = v;
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int split_words(char *line, char **words, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        while (is_blank(*p))
            *p++ = '\0';
        if (*p == '\0' || n == max)
            break;
        words[n++] = p;
        while (*p != '\0' && !is_blank(*p))
            p++;
    }
    words[n] = NULL;
    return n;
}
