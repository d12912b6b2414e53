// endpoint.c — the rendezvous: send, call and recv on an endpoint.
//
// A message is copied exactly once, from one task struct into the other, when sender and
// receiver meet; until then the one that came first waits in the endpoint's queue.  A call
// leaves the receiver holding the caller's reply right (reply.c): the caller stays blocked,
// now in IPC_REPLY, until the reply comes (or the server dies: -EPIPE).
#include <stddef.h>
#include "ipc/endpoint.h"
#include "ipc/notification.h"
#include "ipc/reply.h"
#include "task/task.h"
#include "uapi/errno.h"

struct endpoint *endpoint_create(void)
{
    return object_alloc(CAP_ENDPOINT, sizeof(struct endpoint));
}

void endpoint_destroy(struct endpoint *ep)
{
    struct task *t;
    while ((t = task_queue_pop(&ep->senders)) != NULL)
        ipc_wake(t, -EIDRM);
    while ((t = task_queue_pop(&ep->receivers)) != NULL)
        ipc_wake(t, -EIDRM);
    if (ep->bound != NULL)
        ep->bound->bound = NULL;
    // A caller whose request a server took waits on in IPC_REPLY (the server still holds
    // its reply right), and names the endpoint for ps: it must not name freed memory.
    for (int i = 0; i < NTASKS; i++)
        if (tasks[i].ipc.waiting_on == &ep->obj)
            tasks[i].ipc.waiting_on = NULL;
}

long ipc_deliver(const struct ipc_message *from, struct task *to)
{
    long slot = CAP_NONE;
    if (from->has_cap) {
        slot = cap_install(to, &from->cap, false);
        if (slot < 0)
            return slot;
    }
    struct ipc_message *m = &to->ipc.msg;
    m->label = from->label;
    for (int i = 0; i < IPC_WORDS; i++)
        m->word[i] = from->word[i];
    m->badge = from->badge;
    m->has_cap = false;
    m->cap_slot = slot;
    return 0;
}

// The task a caller of endpoint_recv has just answered runs again: now, or queued.
static void wake_answered(struct task *wake)
{
    if (wake != NULL)
        sched_enqueue(wake);
}

long endpoint_send(struct endpoint *ep, bool call, bool block)
{
    struct task *self = current;
    // LAB 5: Your code here.
    // If a receiver waits (ep->receivers' head), deliver self's message to it with
    // ipc_deliver (an error such as -EMFILE: return it, the receiver keeps waiting), take it
    // off the queue and
    //   - for a send: wake it with result 0 (ipc_wake) and return 0;
    //   - for a call: it now holds self's reply right (reply_right_give), and self waits for
    //     the reply: return ipc_block(IPC_REPLY, &ep->obj, receiver), which runs the receiver at
    //     once (its result must be 0 before that: set receiver->ipc.result).
    // If none waits: -EAGAIN without `block`; else note whether this is a call
    // (self->ipc.is_call), join ep->senders and wait: ipc_block(IPC_SENDING, &ep->obj, NULL).
    // BEGIN SOLUTION LAB 5
    struct task *receiver = ep->receivers.head;
    if (receiver != NULL) {
        long err = ipc_deliver(&self->ipc.msg, receiver);
        if (err != 0)
            return err;
        task_queue_pop(&ep->receivers);
        if (!call) {
            ipc_wake(receiver, 0);
            return 0;
        }
        reply_right_give(receiver, self);
        receiver->ipc.result = 0;
        return ipc_block(IPC_REPLY, &ep->obj, receiver);
    }
    if (!block)
        return -EAGAIN;
    self->ipc.is_call = call;
    task_queue_push(&ep->senders, self);
    return ipc_block(IPC_SENDING, &ep->obj, NULL);
    // STUB
    //| (void)self, (void)call, (void)block, (void)ep;
    //| return -ENOSYS;
    // END SOLUTION
}

// A bound notification with bits set is received before any sender (an interrupt should
// not wait behind a queue of clients).
static bool take_notification(struct endpoint *ep, struct task *self)
{
    struct notification *n = ep->bound;
    if (n == NULL || n->word == 0)
        return false;
    notification_deliver(n, self);
    return true;
}

long endpoint_recv(struct endpoint *ep, bool block, struct task *wake)
{
    struct task *self = current;
    reply_right_drop(self);       // a server that receives again without replying: caller -EPIPE
    self->ipc.reply_lost = false; // a caller lost before this receive is no later reply's
    if (take_notification(ep, self)) {
        wake_answered(wake);
        return IPC_NOTIFIED;
    }
    // LAB 5: Your code here.
    // Take senders from the head of ep->senders until one's message can be delivered
    // (ipc_deliver; a sender whose message cannot, because self has no free slot for its
    // capability, is woken with that error).  Then: a caller stays blocked and self holds
    // its reply right (reply_right_give); a plain sender is woken with 0.  Wake `wake`
    // (wake_answered) and return 0.
    // If no sender waits: without `block`, wake `wake` and return -EAGAIN; else join
    // ep->receivers and wait, letting `wake` run at once:
    // ipc_block(IPC_RECEIVING, &ep->obj, wake).
    // BEGIN SOLUTION LAB 5
    struct task *sender;
    while ((sender = task_queue_pop(&ep->senders)) != NULL) {
        long err = ipc_deliver(&sender->ipc.msg, self);
        if (err != 0) {
            ipc_wake(sender, err);
            continue;
        }
        if (sender->ipc.is_call)
            reply_right_give(self, sender);
        else
            ipc_wake(sender, 0);
        wake_answered(wake);
        return 0;
    }
    if (!block) {
        wake_answered(wake);
        return -EAGAIN;
    }
    task_queue_push(&ep->receivers, self);
    return ipc_block(IPC_RECEIVING, &ep->obj, wake);
    // STUB
    //| (void)block;
    //| wake_answered(wake);
    //| return -ENOSYS;
    // END SOLUTION
}
