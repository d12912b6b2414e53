// wait.c — task queues, blocking and waking in IPC, and what kill and exit undo (given code).
#include <stddef.h>
#include "ipc/endpoint.h"
#include "ipc/ipc.h"
#include "ipc/notification.h"
#include "ipc/reply.h"
#include "task/task.h"
#include "uapi/errno.h"

void task_queue_push(struct task_queue *q, struct task *t)
{
    t->ipc.queue_next = NULL;
    if (q->tail != NULL)
        q->tail->ipc.queue_next = t;
    else
        q->head = t;
    q->tail = t;
}

struct task *task_queue_pop(struct task_queue *q)
{
    struct task *t = q->head;
    if (t != NULL) {
        q->head = t->ipc.queue_next;
        if (q->head == NULL)
            q->tail = NULL;
        t->ipc.queue_next = NULL;
    }
    return t;
}

void task_queue_remove(struct task_queue *q, struct task *t)
{
    struct task *prev = NULL;
    for (struct task *p = q->head; p != NULL; prev = p, p = p->ipc.queue_next) {
        if (p != t)
            continue;
        if (prev != NULL)
            prev->ipc.queue_next = p->ipc.queue_next;
        else
            q->head = p->ipc.queue_next;
        if (q->tail == p)
            q->tail = prev;
        p->ipc.queue_next = NULL;
        return;
    }
}

long ipc_block(enum ipc_wait why, struct kobject *on, struct task *next)
{
    struct task *self = current;
    self->ipc.waiting = why;
    self->ipc.waiting_on = on;
    self->state = TASK_BLOCKED;
    if (next != NULL) {
        next->ipc.waiting = IPC_NOT_WAITING;
        next->ipc.waiting_on = NULL;
        sched_run_next(next);
    }
    schedule();
    return self->ipc.result;
}

void ipc_unblock(struct task *t, long result)
{
    t->ipc.result = result;
    t->ipc.waiting = IPC_NOT_WAITING;
    t->ipc.waiting_on = NULL;
}

void ipc_wake(struct task *t, long result)
{
    ipc_unblock(t, result);
    sched_enqueue(t);
}

void ipc_cancel(struct task *t)
{
    struct kobject *on = t->ipc.waiting_on;
    switch (t->ipc.waiting) {
    case IPC_SENDING:
        task_queue_remove(&((struct endpoint *)on)->senders, t);
        break;
    case IPC_RECEIVING:
        task_queue_remove(&((struct endpoint *)on)->receivers, t);
        break;
    case IPC_NOTIFY:
        task_queue_remove(&((struct notification *)on)->waiters, t);
        break;
    case IPC_REPLY:
        // The server that holds our reply right learns at its next reply that nobody is
        // there (-ESRCH, or IPC_REPLY_LOST from reply_recv).
        if (t->ipc.replier != NULL) {
            t->ipc.replier->ipc.reply_to = NULL;
            t->ipc.replier->ipc.reply_lost = true;
            t->ipc.replier = NULL;
        }
        if (t->ipc.saved != NULL) {
            // The server keeps the slot (so it is not reused under the server's feet) but
            // it grants nothing any more: describe shows no rights, a send gets -ESRCH.
            t->ipc.saved->caller = NULL;
            cap_clear_rights(&t->ipc.saved->obj);
            t->ipc.saved = NULL;
        }
        break;
    case IPC_NOT_WAITING:
        return;
    }
    ipc_wake(t, -EINTR);
}

void ipc_task_exit(struct task *t)
{
    reply_right_drop(t); // a caller waiting for our reply gets -EPIPE
    cap_delete_all(t);   // originals take their objects along, waking their waiters
}
