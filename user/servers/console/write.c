// write.c — CONSOLE_WRITE: a client's bytes out to the UART.
//
// Every task's write(1) and write(2) reaches this file: the kernel cuts the buffer into
// messages of up to CONSOLE_MAX_BYTES and calls the server with each on the task's behalf.
#include "console.h"

static unsigned long written; // bytes clients have written, for CONSOLE_STATS

// A terminal needs "\r\n" to start a new line; programs write '\n' (as the kernel's
// console_putc does for its own output).
void console_putc(char c)
{
    if (c == '\n')
        pl011_putc('\r');
    pl011_putc(c);
}

// label CONSOLE_WRITE | (n << 8), the bytes in w0..w3.  Replies n, or -EINVAL for n > 32
// (a label whose length bits are garbage).  The whole message is written before the next
// one is received, so one message's bytes never mix with another's.
bool console_write(const struct ipc_msg *req, struct ipc_msg *reply)
{
    unsigned long n = console_length(req->label);
    if (n > CONSOLE_MAX_BYTES) {
        reply->label = -EINVAL;
        return true;
    }
    char bytes[CONSOLE_MAX_BYTES];
    console_unpack(req->w, bytes, n);
    for (unsigned long i = 0; i < n; i++)
        console_putc(bytes[i]);
    written += n;
    reply->label = (long)n;
    return true;
}

unsigned long output_written(void)
{
    return written;
}
