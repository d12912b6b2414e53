// cpio.c — walking a cpio "newc" archive, checking every field (given code).
//
// The archive may come from outside the kernel (the boot argument archive=), so nothing in
// it is trusted: every length is checked against what is left before it is used.
#include <stdbool.h>
#include "boot/cpio.h"
#include "lib/string.h"

#define HEADER_SIZE 110
#define MAGIC "070701"
#define FIELD_FILESIZE 6 // the fields after the magic, 8 hex digits each
#define FIELD_NAMESIZE 11

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

// Field `index` (0 = c_ino) of the header at h, or -1 if it is not 8 hex digits.
static long header_field(const uint8_t *h, int index)
{
    long value = 0;
    for (int i = 0; i < 8; i++) {
        char c = (char)h[6 + 8 * index + i];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

long cpio_walk(const uint8_t *archive, size_t size, int (*visit)(const struct cpio_file *, void *),
               void *arg, const char **error, size_t *error_offset)
{
    const char *problem = NULL;
    size_t pos = 0;
    for (;;) {
        if (size - pos < HEADER_SIZE) {
            problem = "archive ends inside a header (no TRAILER!!!)";
            break;
        }
        const uint8_t *h = archive + pos;
        if (memcmp(h, MAGIC, 6) != 0) {
            problem = "bad magic (not a newc cpio archive)";
            break;
        }
        long filesize = header_field(h, FIELD_FILESIZE);
        long namesize = header_field(h, FIELD_NAMESIZE);
        if (filesize < 0 || namesize <= 0) {
            problem = "header field is not hexadecimal, or the name is empty";
            break;
        }
        size_t name_end = align4(HEADER_SIZE + (size_t)namesize);
        if ((size_t)namesize > size - pos - HEADER_SIZE || name_end > size - pos) {
            problem = "name runs past the end of the archive";
            break;
        }
        const char *name = (const char *)h + HEADER_SIZE;
        if (name[namesize - 1] != '\0' || strnlen(name, namesize) != (size_t)namesize - 1) {
            problem = "name is not one NUL-terminated string";
            break;
        }
        if ((size_t)filesize > size - pos - name_end) {
            problem = "file data runs past the end of the archive";
            break;
        }
        size_t next = name_end + align4((size_t)filesize);
        if (strcmp(name, "TRAILER!!!") == 0)
            return (long)(pos + (next <= size - pos ? next : size - pos));
        struct cpio_file file = {name, h + name_end, (size_t)filesize};
        if (visit != NULL && visit(&file, arg) != 0)
            return 0;
        pos += next <= size - pos ? next : size - pos;
    }
    if (error != NULL)
        *error = problem;
    if (error_offset != NULL)
        *error_offset = pos;
    return -1;
}
