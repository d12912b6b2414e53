// endpoint.h — endpoints: where senders and receivers meet (kernel/ipc/endpoint.c).
#ifndef KEEL_ENDPOINT_H
#define KEEL_ENDPOINT_H

#include <stdbool.h>
#include "ipc/ipc.h"
#include "ipc/object.h"

struct notification;

struct endpoint {
    struct kobject obj;
    struct task_queue senders;   // blocked in send or call, messages in their task structs
    struct task_queue receivers; // blocked in recv (at most one of the queues is non-empty)
    struct notification *bound;  // notify_bind: its signals arrive as receives here
};

struct endpoint *endpoint_create(void);
// Wakes every waiter with -EIDRM and unbinds the notification (object.c frees it).
void endpoint_destroy(struct endpoint *ep);

// The current task sends current->ipc.msg (badge and capability already filled in).  With
// `call` it then waits for the reply, which arrives in current->ipc.msg.  Without `block`,
// -EAGAIN unless a receiver waits.  0 or a negative errno.
long endpoint_send(struct endpoint *ep, bool call, bool block);
// The current task receives into current->ipc.msg: 0 (a message) or IPC_NOTIFIED, or a
// negative errno.  `wake`, if not NULL, is a task that the caller has just answered and
// that must run again: it runs at once if the receiver blocks (the fast path of
// reply_recv), else it joins the run queue.
long endpoint_recv(struct endpoint *ep, bool block, struct task *wake);

// Copies a message into `to`'s message buffer, installing a passed capability in a free
// slot of `to`.  0, or -EMFILE (nothing delivered).
long ipc_deliver(const struct ipc_message *from, struct task *to);

#endif
