// main.c — the console server (lab 5): owns the PL011 UART and serves every task's console.
//
// The kernel starts it as pid 2 with its endpoint, the UART's device memory and the UART's
// IRQ line in slots 1..3 (proto/console.h).  It serves requests on the endpoint for ever:
// one recv, then reply_recv, which answers one request and waits for the next in a single
// system call.  The UART's interrupt arrives on the same endpoint: a notification bound to
// it makes recv return IPC_NOTIFIED when the interrupt fired, so the server waits for
// clients and for the UART at once.  docs/protocols/console.md describes the protocol.
//
// The server never calls write(1): its slot 0 is empty, it *is* the console.  What it has
// to say itself (only if starting fails) it writes to the UART directly.
#include "console.h"

static void say_putc(int c, void *arg)
{
    console_putc((char)c);
}

// A message from the server itself, straight to the UART (the registers must be mapped).
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintfmt(say_putc, NULL, fmt, ap);
    va_end(ap);
}

// CONSOLE_STATS: label exactly CONSOLE_STATS; replies 0 and the counters.
static bool console_stats(const struct ipc_msg *req, struct ipc_msg *reply)
{
    if (req->label != CONSOLE_STATS) {
        reply->label = -EINVAL;
        return true;
    }
    reply->label = 0;
    reply->w[0] = input_received();
    reply->w[1] = input_dropped();
    reply->w[2] = output_written();
    reply->w[3] = input_readers_waiting();
    return true;
}

// The dispatch table: a request's handler, by the low byte of the label.  A handler fills
// in the reply and returns true to send it now, or false when there is nothing to send (a
// read waits for input; it will be answered through its saved reply capability).
typedef bool (*handler_fn)(const struct ipc_msg *req, struct ipc_msg *reply);
static const handler_fn handlers[] = {
    [CONSOLE_WRITE] = console_write,
    [CONSOLE_READ] = console_read,
    [CONSOLE_STATS] = console_stats,
};
#define NHANDLERS (sizeof(handlers) / sizeof(handlers[0]))

// One request from a client.  Anything can arrive here, from any task holding a send
// capability, so nothing in it is trusted: an unknown request gets -ENOSYS, and a passed
// capability (no request takes one) is deleted at once, so that a client cannot fill the
// server's slots, and the request is refused.
static bool handle_request(const struct ipc_msg *req, struct ipc_msg *reply)
{
    *reply = (struct ipc_msg){.cap = CAP_NONE}; // no word of an earlier reply leaks out
    if (req->cap != CAP_NONE) {
        cap_delete((int)req->cap);
        reply->label = -EINVAL;
        return true;
    }
    unsigned int request = console_request(req->label);
    if (request >= NHANDLERS || handlers[request] == NULL) {
        reply->label = -ENOSYS;
        return true;
    }
    return handlers[request](req, reply);
}

// The bound notification's word (in the badge's place): which sources signalled.
static void handle_notification(unsigned long word)
{
    if (word & CONSOLE_BADGE_UART) {
        input_interrupt();
        irq_ack(CONSOLE_SLOT_IRQ); // the kernel masked the line when it fired: unmask it
    }
}

// Routes the UART's interrupt to this endpoint: a notification bound to the endpoint, and
// a badged copy of it that the IRQ line signals (the badge is the bit it sets).  Returns 0,
// or -errno with a message (the UART is mapped by then, so the message can be written).
static long route_uart_interrupt(void)
{
    int ntfn = notification_create();
    if (ntfn < 0) {
        say("console: notification_create: %s\n", errno_name(ntfn));
        return ntfn;
    }
    int badged = cap_mint(ntfn, RIGHT_SEND, CONSOLE_BADGE_UART);
    long err = badged < 0 ? badged : notify_bind(ntfn, CONSOLE_SLOT_ENDPOINT);
    if (err == 0)
        err = irq_bind(CONSOLE_SLOT_IRQ, badged);
    if (err == 0) {
        input_start();
        err = irq_ack(CONSOLE_SLOT_IRQ); // a bound line starts masked
    }
    if (err < 0)
        say("console: cannot route the UART's interrupt: %s\n", errno_name(err));
    return err;
}

// Serves requests for ever.  A failed receive means the endpoint is gone (-EIDRM): without
// it nobody can reach the server, so it ends.
static int serve(void)
{
    struct ipc_msg req, reply;
    long r = ipc_recv(CONSOLE_SLOT_ENDPOINT, &req);
    for (;;) {
        if (r < 0) {
            say("console: receive failed: %s; the console server stops\n", errno_name(r));
            return 1;
        }
        bool answer = false;
        if (r & IPC_NOTIFIED)
            handle_notification(req.badge);
        else
            answer = handle_request(&req, &reply);
        // With no reply to send, recv: a read that waits has saved its reply right, and a
        // plain send or a notification has none.
        r = answer ? ipc_reply_recv(CONSOLE_SLOT_ENDPOINT, &reply, &req)
                   : ipc_recv(CONSOLE_SLOT_ENDPOINT, &req);
    }
}

int main(int argc, char **argv)
{
    if (pl011_map() < 0)
        return 2; // no way to say anything: the UART is the only way out
    if (route_uart_interrupt() < 0)
        return 3;
    return serve();
}
