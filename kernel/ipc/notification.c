// notification.c — signal, wait, poll, and binding to an endpoint.
#include <stddef.h>
#include "ipc/endpoint.h"
#include "ipc/irq_line.h"
#include "ipc/notification.h"
#include "task/task.h"
#include "uapi/errno.h"

struct notification *notification_create(void)
{
    return object_alloc(CAP_NOTIFICATION, sizeof(struct notification));
}

void notification_destroy(struct notification *n)
{
    struct task *t;
    while ((t = task_queue_pop(&n->waiters)) != NULL)
        ipc_wake(t, -EIDRM);
    if (n->bound != NULL)
        n->bound->bound = NULL;
    irq_line_forget_notification(n);
}

void notification_deliver(struct notification *n, struct task *t)
{
    struct ipc_message *m = &t->ipc.msg;
    m->label = 0;
    for (int i = 0; i < IPC_WORDS; i++)
        m->word[i] = 0;
    m->badge = n->word;
    m->has_cap = false;
    m->cap_slot = CAP_NONE;
    n->word = 0;
}

void notification_signal(struct notification *n, uint64_t badge)
{
    // LAB 5: Your code here.
    // OR the badge into the word.  If the notification is bound to an endpoint and a task
    // waits in recv there (n->bound->receivers), take it off that queue, deliver the word
    // to it (notification_deliver) and wake it with IPC_NOTIFIED.  Otherwise, if a task
    // waits in notify_wait (n->waiters), take the first, clear the word and wake it with
    // the word as its result.
    // BEGIN SOLUTION LAB 5
    n->word |= badge;
    if (n->bound != NULL) {
        struct task *receiver = task_queue_pop(&n->bound->receivers);
        if (receiver != NULL) {
            notification_deliver(n, receiver);
            ipc_wake(receiver, IPC_NOTIFIED);
            return;
        }
    }
    struct task *waiter = task_queue_pop(&n->waiters);
    if (waiter != NULL) {
        long word = (long)n->word;
        n->word = 0;
        ipc_wake(waiter, word);
    }
    // STUB
    //| (void)n, (void)badge;
    // END SOLUTION
}

long notification_wait(struct notification *n, bool block)
{
    // LAB 5: Your code here.
    // A non-zero word: clear it and return it.  Otherwise poll returns 0 and wait joins
    // n->waiters: ipc_block(IPC_NOTIFY, &n->obj, NULL), whose result notification_signal
    // sets.
    // BEGIN SOLUTION LAB 5
    if (n->word != 0 || !block) {
        long word = (long)n->word;
        n->word = 0;
        return word;
    }
    task_queue_push(&n->waiters, current);
    return ipc_block(IPC_NOTIFY, &n->obj, NULL);
    // STUB
    //| (void)n, (void)block;
    //| return -ENOSYS;
    // END SOLUTION
}

long notification_bind(struct notification *n, struct endpoint *ep)
{
    if (n->bound != NULL || ep->bound != NULL)
        return -EBUSY;
    n->bound = ep;
    ep->bound = n;
    // Bits signalled before the bind: a task already waiting in recv would not hear of
    // them until the next signal, though its recv must return them.
    struct task *receiver;
    if (n->word != 0 && (receiver = task_queue_pop(&ep->receivers)) != NULL) {
        notification_deliver(n, receiver);
        ipc_wake(receiver, IPC_NOTIFIED);
    }
    return 0;
}
