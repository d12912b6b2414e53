#if LAB >= 6
// shared.c — the kernel's output buffer (lab 6): big writes without 32-byte messages.
//
// The kernel copies a task's write(1) into a region it shares with the server, and sends
// CONSOLE_WRITE_SHARED with the length: one message per 64 KiB instead of one per 32 bytes.
// The kernel gives the server the region when it starts it (slot CONSOLE_SLOT_BUFFER, a
// read-only capability: the server only reads what the kernel wrote), and the server maps
// it once, before it serves anyone.
//
// The request is the kernel's alone: its badge must carry BADGE_KERNEL, which no capability
// a task holds can have (cap_mint refuses it).  A task that sends it itself gets -EPERM: it
// could otherwise make the server print what the buffer still holds of another task's
// output.
#include "console.h"

static const char *buffer; // the mapped region
static unsigned long buffer_size;

long shared_buffer_map(void)
{
    struct cap_info info;
    long err = cap_describe(CONSOLE_SLOT_BUFFER, &info);
    if (err == 0 && info.type != CAP_REGION)
        err = -EINVAL;
    long va = err < 0 ? err : region_map(CONSOLE_SLOT_BUFFER, 0, 0);
    if (va < 0)
        return va;
    buffer = (const char *)va;
    buffer_size = CONSOLE_BUFFER_BYTES;
    return 0;
}

// label CONSOLE_WRITE_SHARED, w0 = n: the first n bytes of the buffer out to the UART.
bool console_write_shared(const struct ipc_msg *req, struct ipc_msg *reply)
{
    unsigned long n = req->w[0];
    if (!(req->badge & BADGE_KERNEL))
        reply->label = -EPERM;
    else if (n > buffer_size)
        reply->label = -EINVAL;
    else {
        for (unsigned long i = 0; i < n; i++)
            console_putc(buffer[i]);
        console_count_written(n);
        reply->label = (long)n;
    }
    return true;
}
#endif
