// sys_ipc.c — the message calls: registers in, the rendezvous (endpoint.c, reply.c), registers
// out (given code).
//
// In: x0 slot, x1 label, x2..x5 words, x6 a slot to pass or CAP_NONE.  Out, for a received
// message: x0 0 or IPC_* bits, x1 label, x2..x5 words, x6 badge, x7 the passed slot or
// CAP_NONE.  On an error only x0 changes.
#include "arch/aarch64/pmu.h"
#include "ipc/endpoint.h"
#include "ipc/irq_line.h"
#include "ipc/reply.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"

// Fills current->ipc.msg from the registers: what it sends through `via` (NULL for a
// reply).  Passing a capability needs grant on `via` (replies need none).
static long load_message(struct trapframe *tf, const struct cap *via)
{
    struct ipc_message *m = &current->ipc.msg;
    m->label = tf->x[1];
    for (int i = 0; i < IPC_WORDS; i++)
        m->word[i] = tf->x[2 + i];
    m->badge = via != NULL ? via->badge : 0;
    m->has_cap = false;
    long pass = (long)tf->x[6];
    if (pass == CAP_NONE)
        return 0;
    if (via != NULL && !(via->rights & RIGHT_GRANT))
        return -EPERM;
    if (pass < 0 || pass >= CAP_SLOTS || current->caps.slot[pass].object == NULL)
        return -EBADF;
    const struct cap *c = &current->caps.slot[pass];
    if (c->object->type == CAP_REPLY)
        return -EINVAL; // one-shot: it cannot be in two tables
    m->cap = *c;
    m->cap.original = false;
    m->has_cap = true;
    return 0;
}

long ipc_store_message(struct trapframe *tf, long result)
{
    long flags = current->ipc.pending_flags;
    current->ipc.pending_flags = 0;
    if (result < 0)
        return result;
    if ((result & IPC_NOTIFIED) && irq_fired_at != 0) { // a driver hears of its interrupt
        irq_to_driver = pmu_instructions() - irq_fired_at;
        irq_fired_at = 0;
    }
    result |= flags;
    const struct ipc_message *m = &current->ipc.msg;
    tf->x[1] = m->label;
    for (int i = 0; i < IPC_WORDS; i++)
        tf->x[2 + i] = m->word[i];
    tf->x[6] = m->badge;
    tf->x[7] = (uint64_t)m->cap_slot;
    return result;
}

static bool holds_reply(long slot)
{
    return slot >= 0 && slot < CAP_SLOTS && current->caps.slot[slot].object != NULL &&
           current->caps.slot[slot].object->type == CAP_REPLY;
}

static long send_common(struct trapframe *tf, bool call, bool block)
{
    long slot = (long)tf->x[0];
    struct cap *c;
    long err;
    if (!call && block && holds_reply(slot)) { // answering a saved call
        if ((err = load_message(tf, NULL)) != 0)
            return err;
        return reply_send_saved(slot);
    }
    if ((err = cap_lookup(current, slot, CAP_ENDPOINT, RIGHT_SEND, &c)) != 0)
        return err;
    if ((err = load_message(tf, c)) != 0)
        return err;
    current->ipc.resumable = true;
    err = endpoint_send((struct endpoint *)c->object, call, block);
    return call ? ipc_store_message(tf, err) : err;
}

long sys_ipc_send(struct trapframe *tf)
{
    return send_common(tf, false, true);
}

long sys_ipc_nbsend(struct trapframe *tf)
{
    return send_common(tf, false, false);
}

long sys_ipc_call(struct trapframe *tf)
{
    long err = send_common(tf, true, true);
    if (err == 0)
        tf->x[6] = 0; // a reply has no badge
    return err;
}

static long recv_common(struct trapframe *tf, bool block)
{
    struct cap *c;
    long err = cap_lookup(current, (long)tf->x[0], CAP_ENDPOINT, RIGHT_RECV, &c);
    if (err != 0)
        return err;
    current->ipc.resumable = true;
    return ipc_store_message(tf, endpoint_recv((struct endpoint *)c->object, block, NULL));
}

long sys_ipc_recv(struct trapframe *tf)
{
    return recv_common(tf, true);
}

long sys_ipc_nbrecv(struct trapframe *tf)
{
    return recv_common(tf, false);
}

long sys_ipc_reply(struct trapframe *tf)
{
    long err = load_message(tf, NULL);
    return err != 0 ? err : reply_current();
}

long sys_ipc_reply_recv(struct trapframe *tf)
{
    struct cap *c;
    long err = cap_lookup(current, (long)tf->x[0], CAP_ENDPOINT, RIGHT_RECV, &c);
    if (err == 0)
        err = load_message(tf, NULL);
    if (err != 0)
        return err;
    bool lost;
    struct task *answered = reply_current_quietly(&lost);
    if (lost)
        current->ipc.pending_flags |= IPC_REPLY_LOST;
    current->ipc.resumable = true;
    return ipc_store_message(tf, endpoint_recv((struct endpoint *)c->object, true, answered));
}

long sys_ipc_save_reply(struct trapframe *tf)
{
    return reply_save_current();
}
