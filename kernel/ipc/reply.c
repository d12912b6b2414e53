// reply.c — reply rights: giving, using, dropping and saving them.
#include <stddef.h>
#include "ipc/endpoint.h"
#include "ipc/reply.h"
#include "task/task.h"
#include "uapi/errno.h"

void reply_right_give(struct task *server, struct task *caller)
{
    server->ipc.reply_lost = false; // a new right: the loss of the one before is not its
    server->ipc.reply_to = caller;
    caller->ipc.replier = server;
    caller->ipc.waiting = IPC_REPLY; // waiting_on stays: the endpoint the call went through
}

// Takes the right `server` holds: its caller, or NULL.
static struct task *reply_right_take(struct task *server)
{
    struct task *caller = server->ipc.reply_to;
    if (caller != NULL) {
        server->ipc.reply_to = NULL;
        caller->ipc.replier = NULL;
    }
    return caller;
}

void reply_right_drop(struct task *server)
{
    struct task *caller = reply_right_take(server);
    if (caller != NULL)
        ipc_wake(caller, -EPIPE);
}

// Gives `caller` the reply in current->ipc.msg: the result of its call (0 or -EMFILE).
static long answer(struct task *caller)
{
    long err = ipc_deliver(&current->ipc.msg, caller);
    ipc_unblock(caller, err);
    return err;
}

long reply_current(void)
{
    // LAB 5: Your code here.
    // Take the right current holds (reply_right_take); none: -ESRCH.  Otherwise answer the
    // caller, make it runnable (sched_enqueue) and return what answer returned.
    // BEGIN SOLUTION LAB 5
    struct task *caller = reply_right_take(current);
    if (caller == NULL)
        return -ESRCH;
    long err = answer(caller);
    sched_enqueue(caller);
    return err;
    // STUB
    //| (void)answer, (void)reply_right_take;
    //| return -ENOSYS;
    // END SOLUTION
}

struct task *reply_current_quietly(bool *lost)
{
    *lost = current->ipc.reply_lost;
    current->ipc.reply_lost = false;
    struct task *caller = reply_right_take(current);
    if (caller != NULL)
        answer(caller);
    return caller;
}

long reply_save_current(void)
{
    if (current->ipc.reply_to == NULL)
        return -ESRCH;
    if (current->caps.used == CAP_SLOTS)
        return -EMFILE;
    struct reply *r = object_alloc(CAP_REPLY, sizeof(struct reply));
    if (r == NULL)
        return -ENOMEM;
    struct task *caller = reply_right_take(current);
    r->caller = caller;
    caller->ipc.saved = r;
    return cap_install_new(current, &r->obj, RIGHT_SEND);
}

long reply_send_saved(long slot)
{
    struct reply *r = (struct reply *)current->caps.slot[slot].object;
    struct task *caller = r->caller;
    r->caller = NULL; // answered here, so deleting the capability does not say -EPIPE
    if (caller != NULL)
        caller->ipc.saved = NULL;
    cap_delete(current, slot);
    if (caller == NULL)
        return -ESRCH;
    long err = answer(caller);
    sched_enqueue(caller);
    return err;
}

void reply_destroy(struct reply *r)
{
    if (r->caller != NULL) {
        r->caller->ipc.saved = NULL;
        ipc_wake(r->caller, -EPIPE);
    }
}
