// notification.h — notifications: a word of bits that signals OR into (kernel/ipc/notification.c).
//
// A notification is to an interrupt what an endpoint is to a function call: signal never
// blocks and carries no data but bits (the badge of the capability used), so many signals
// before a wait arrive as one word with all their bits.  Waiting returns the word and
// clears it.  Bound to an endpoint (notify_bind), the word arrives through recv on that
// endpoint instead, so one server loop waits for clients and for its interrupt at once.
#ifndef KEEL_NOTIFICATION_H
#define KEEL_NOTIFICATION_H

#include <stdint.h>
#include "ipc/ipc.h"
#include "ipc/object.h"

struct endpoint;

struct notification {
    struct kobject obj;
    uint64_t word;
    struct task_queue waiters; // blocked in notify_wait
    struct endpoint *bound;    // notify_bind, or NULL
};

struct notification *notification_create(void);
void notification_destroy(struct notification *n);

// ORs `badge` into the word and wakes a waiter (or the receiver of the bound endpoint).
void notification_signal(struct notification *n, uint64_t badge);
// notify_wait (block) and notify_poll: the word, cleared; poll returns 0 if it is clear.
long notification_wait(struct notification *n, bool block);
// Gives `t` the word as a received notification (x6) and clears it.
void notification_deliver(struct notification *n, struct task *t);
// notify_bind: 0 or -EBUSY.
long notification_bind(struct notification *n, struct endpoint *ep);

#endif
