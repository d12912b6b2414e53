// fastpath.c — the IPC fast path: call to a waiting server, and reply_recv to a waiting
// caller, in a few dozen instructions (given code).
//
// In a client-server system almost every message is a call that finds its server waiting,
// or a reply_recv that finds no other client waiting.  seL4 and L4 handle those two cases
// with a short path that checks its conditions and goes straight from one task's user
// registers to the other's; everything else takes the general ("slow") path, which is the
// one to read to understand IPC (endpoint.c, reply.c).  Both paths must give exactly the
// same results: the fast one is only a shortcut.
//
// The trick that makes it short is that a task blocked in an IPC call of its own has
// nothing left to do in the kernel but put the message into its registers (its `resumable`
// flag says so).  So the fast path writes the message straight into the partner's trap
// frame and returns to user space through it (vectors.S: switching_stub), abandoning
// whatever the partner had on its kernel stack.  The task that blocks leaves with its
// context set to resume at ipc_resume_entry, which does the same from ipc.msg if the slow
// path wakes it later (an error, a kill, a reply from reply()).  seL4 has no per-task
// kernel stacks at all and resumes every blocked thread this way.
//
// Compiled with -O2 (labs/05-ipc/lab.mk): the rest of the kernel is built for debugging.  Its
// helpers are forced inline (the kernel's flags forbid inlining functions called once, to
// keep backtraces whole), and it does its own queue and reply-right updates rather than
// calling the slow path's functions for them.
#define FAST static inline __attribute__((always_inline))
#include <stddef.h>
#include "arch/aarch64/sysreg.h"
#include "boot/bootargs.h"
#include "ipc/endpoint.h"
#include "ipc/fastpath.h"
#include "ipc/notification.h"
#include "mm/uvm.h"
#include "task/task.h"
#include "uapi/ipc.h"
#include "uapi/syscalls.h"

extern char ipc_resume_entry[]; // fastpath_entry.S

// The endpoint capability in `slot` of `self` if it has `right`, else NULL.
FAST struct endpoint *endpoint_at(struct task *self, uint64_t slot, unsigned right, uint64_t *badge)
{
    if (slot >= CAP_SLOTS)
        return NULL;
    const struct cap *c = &self->caps.slot[slot];
    struct kobject *object = c->object;
    if (object == NULL || object->type != CAP_ENDPOINT || !(c->rights & right))
        return NULL;
    *badge = c->badge;
    return (struct endpoint *)object;
}

// The message registers x1..x5 of `from` into `to`, with x0 = result, x6 = badge and
// x7 = CAP_NONE, as the slow path's ipc_store_message would.
FAST void copy_message(struct trapframe *to, const struct trapframe *from, long result,
                       uint64_t badge)
{
    // x1..x5 as one block: the compiler moves it with paired loads and stores.
    struct message_registers {
        uint64_t x[5];
    };
    *(struct message_registers *)&to->x[1] = *(const struct message_registers *)&from->x[1];
    to->x[0] = (uint64_t)result;
    to->x[6] = badge;
    to->x[7] = (uint64_t)CAP_NONE;
}

// `prev` (current) has blocked; `next` (blocked too, resumable) runs now, on the rest of
// prev's slice.  Returns next's trap frame.
FAST struct trapframe *switch_to(struct task *prev, struct task *next)
{
    prev->state = TASK_BLOCKED;
    prev->ipc.resumable = true;
    prev->context.x30 = (uint64_t)ipc_resume_entry;
    prev->context.sp = (uint64_t)prev->tf;
    prev->context.tpidr_el0 = READ_SYSREG(tpidr_el0);
    next->state = TASK_RUNNING; // ipc.waiting and waiting_on mean nothing unless BLOCKED
    next->slice_end_tick = prev->slice_end_tick;
    WRITE_SYSREG(ttbr0_el1, next->ttbr0);
    isb();
    WRITE_SYSREG(tpidr_el0, next->context.tpidr_el0);
    current = next;
    return next->tf;
}

// call, when a server waits in recv on the endpoint and no capability travels.
FAST struct trapframe *fast_call(struct task *self, struct trapframe *tf)
{
    uint64_t badge;
    struct endpoint *ep = endpoint_at(self, tf->x[0], RIGHT_SEND, &badge);
    if (ep == NULL || (long)tf->x[6] != CAP_NONE)
        return NULL;
    struct task *server = ep->receivers.head;
    if (server == NULL || !server->ipc.resumable || server->ipc.pending_flags != 0)
        return NULL;
    struct task *after = server->ipc.queue_next; // task_queue_pop
    ep->receivers.head = after;
    if (after == NULL)
        ep->receivers.tail = NULL;
    server->ipc.queue_next = NULL;
    copy_message(server->tf, tf, 0, badge);
    server->ipc.reply_to = self; // reply_right_give: the caller waits in IPC_REPLY
    server->ipc.reply_lost = false;
    self->ipc.replier = server;
    self->ipc.waiting = IPC_REPLY;
    self->ipc.waiting_on = &ep->obj;
    return switch_to(self, server);
}

// reply_recv, when the caller we answer waits (resumable), nothing travels with the reply,
// and nothing waits to be received (no sender, no notification bits).
FAST struct trapframe *fast_reply_recv(struct task *self, struct trapframe *tf)
{
    uint64_t badge;
    struct endpoint *ep = endpoint_at(self, tf->x[0], RIGHT_RECV, &badge);
    struct task *caller = self->ipc.reply_to;
    if (ep == NULL || (long)tf->x[6] != CAP_NONE || caller == NULL || !caller->ipc.resumable)
        return NULL;
    if (ep->senders.head != NULL || (ep->bound != NULL && ep->bound->word != 0))
        return NULL;
    self->ipc.reply_to = NULL;
    caller->ipc.replier = NULL;
    copy_message(caller->tf, tf, 0, 0);
    if (self->ipc.reply_lost) {
        self->ipc.pending_flags |= IPC_REPLY_LOST;
        self->ipc.reply_lost = false;
    }
    self->ipc.queue_next = NULL; // task_queue_push
    if (ep->receivers.tail != NULL)
        ep->receivers.tail->ipc.queue_next = self;
    else
        ep->receivers.head = self;
    ep->receivers.tail = self;
    self->ipc.waiting = IPC_RECEIVING;
    self->ipc.waiting_on = &ep->obj;
    return switch_to(self, caller);
}

static bool fastpath_off; // boot argument "nofastpath": every message takes the slow path

void ipc_fastpath_init(void)
{
    fastpath_off = bootarg_flag("nofastpath");
}

struct trapframe *ipc_fastpath(struct trapframe *tf, uint64_t number)
{
    if (fastpath_off)
        return NULL;
    struct task *self = current;
    if (number == SYS_ipc_call)
        return fast_call(self, tf);
    return fast_reply_recv(self, tf);
}

// Where a task that blocked on the fast path resumes when the slow path wakes it
// (fastpath_entry.S calls this with its trap frame): the result and message into its
// registers, as the system call would have done.
void ipc_resume(struct trapframe *tf)
{
    tf->x[0] = (uint64_t)ipc_store_message(tf, current->ipc.result);
    task_exit_if_killed();
}
