// string.h — the C string and memory functions Keel needs, shared by kernel and user code.
// The compiler may also call memcpy/memset/memmove/memcmp by itself (struct copies), so
// they must exist even where no code names them.
#ifndef KEEL_STRING_H
#define KEEL_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);

// Splits `line` in place into words separated by spaces or tabs (it writes NULs into it):
// words[0..n-1] point at them and words[n] is NULL.  Returns n, at most `max`; the rest of
// a longer line is ignored.
int split_words(char *line, char **words, int max);

// Parses an unsigned number: decimal, or hex after "0x".  Returns 0 and sets *value on
// success, -1 if `s` is empty, holds anything else, or is 2^64 or more.
int parse_u64(const char *s, unsigned long *value);

#endif
