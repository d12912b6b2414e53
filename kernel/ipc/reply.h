// reply.h — reply rights (kernel/ipc/reply.c).
//
// call gives the receiver the right to answer once.  It is held implicitly (one per task,
// like the reply slot of an seL4 thread) until reply, reply_recv or the next recv uses or
// drops it.  A server that must answer later (the console's reader, waiting for a key)
// saves it as a CAP_REPLY capability with ipc_save_reply, and answers with ipc_send on that
// slot: SaveCaller in seL4's first API.
#ifndef KEEL_REPLY_H
#define KEEL_REPLY_H

#include "ipc/ipc.h"
#include "ipc/object.h"

struct reply {
    struct kobject obj;
    struct task *caller; // NULL once the caller died
};

// `server` now holds `caller`'s reply right; the caller waits in IPC_REPLY.
void reply_right_give(struct task *server, struct task *caller);
// Drops the right `server` holds, if any: its caller wakes with -EPIPE.
void reply_right_drop(struct task *server);

// reply: answers the held right with current->ipc.msg.  0, or -ESRCH (no right held: none
// was given, it was used, or its caller died), or -EMFILE (the caller had no free slot for
// the capability passed: the caller's call fails with -EMFILE too).
long reply_current(void);
// reply_recv's reply half: like reply_current, but never fails.  Returns the answered
// caller (unblocked, not yet runnable: endpoint_recv runs it) or NULL, and in *lost
// whether a caller died since the last receive (IPC_REPLY_LOST).
struct task *reply_current_quietly(bool *lost);
// ipc_save_reply: the held right as a capability in a free slot: its number, -ESRCH, or
// -EMFILE.
long reply_save_current(void);
// ipc_send on a CAP_REPLY capability in `slot`: answers that caller and deletes the slot.
long reply_send_saved(long slot);

void reply_destroy(struct reply *r);

#endif
