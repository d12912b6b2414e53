// uprintf.c — printf for user programs: formats into a buffer with printfmt.c (the same
// engine as the kernel's), then writes it with one system call.
#include "ulib.h"

#define PRINTF_BUFFER 512

struct output {
    int fd;
    char buf[PRINTF_BUFFER];
    size_t used;
    int total;
};

static void flush(struct output *out)
{
    if (out->used > 0)
        write(out->fd, out->buf, out->used);
    out->used = 0;
}

static void put(int c, void *arg)
{
    struct output *out = arg;
    if (out->used == PRINTF_BUFFER)
        flush(out);
    out->buf[out->used++] = (char)c;
    out->total++;
}

static int vfprintf(int fd, const char *fmt, va_list ap)
{
    struct output out = {.fd = fd};
    vprintfmt(put, &out, fmt, ap);
    flush(&out);
    return out.total;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(1, fmt, ap);
    va_end(ap);
    return n;
}

int fprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(fd, fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    return printf("%s\n", s);
}
