// ipc.h — the IPC state of a task and the message it sends or receives (kernel/ipc/).
//
// Keel's IPC is a rendezvous (L4, seL4): a message is never queued in the kernel.  A sender
// that finds no receiver waits in the endpoint's queue with its message in its own task
// struct; a receiver that finds no sender waits in the other queue.  When both are there the
// kernel copies the message from one task struct to the other, and both go on.
//
//   caller                          endpoint                          server
//   call ──► no receiver: SENDING ─► senders: caller
//                                                      ◄── recv: takes caller's message
//            REPLY (waits) ◄──────────────────────────── caller's reply right held by server
//   runs again ◄──────────────────── reply_recv: the reply; server RECEIVING ──►
#ifndef KEEL_IPC_STATE_H
#define KEEL_IPC_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/aarch64/trapframe.h"
#include "ipc/cap.h"

struct task;
struct reply;

// A message: what a sender puts in x1..x6, as the receiver gets it in x1..x7.
struct ipc_message {
    uint64_t label;
    uint64_t word[IPC_WORDS];
    uint64_t badge; // the sender capability's badge (or a notification word)
    bool has_cap;   // sending: `cap` travels with the message
    struct cap cap; // a copy of the sender's capability, installed at delivery
    long cap_slot;  // receiving: where it landed, or CAP_NONE
};

enum ipc_wait {
    IPC_NOT_WAITING,
    IPC_SENDING,   // in the endpoint's senders queue (send or call)
    IPC_RECEIVING, // in the endpoint's receivers queue
    IPC_REPLY,     // called; a server holds the reply right
    IPC_NOTIFY,    // in a notification's waiters queue
};

// A FIFO of tasks, linked through task->ipc.queue_next.
struct task_queue {
    struct task *head, *tail;
};

struct task_ipc {
    enum ipc_wait waiting;
    struct kobject *waiting_on; // the endpoint or notification (for ps), or NULL
    struct task *queue_next;
    struct ipc_message msg; // the message in flight, either way
    bool is_call;           // SENDING: a call, so the receiver gets a reply right
    long result;            // what the blocking call returns, set by whoever wakes the task

    // Reply rights.  A server holds at most one implicit reply right (seL4's reply slot in
    // the TCB): `reply_to` is that caller.  The caller knows who holds its right:
    // `replier` (implicitly) or `saved` (a CAP_REPLY object, after ipc_save_reply).
    struct task *reply_to;
    struct task *replier;
    struct reply *saved;
    bool reply_lost; // the caller of the right we held died: reply_recv says so once

    // The fast path (fastpath.c).  `resumable`: the task blocked in an IPC system call of
    // its own (not in the kernel's console client), so all that is left of that call is
    // putting the message into its registers; the fast path may do that itself and skip
    // the rest.  `pending_flags`: IPC_* bits its next received message reports in x0.
    bool resumable;
    long pending_flags;

    // A call the kernel makes to a server on the task's behalf that a kill must not cut
    // short (lab 7's VFS calls: an open makes a handle that only its reply names, a close
    // that never arrives leaves one open, and the buffer is the server's until it answers).
    // The task ends once the call is done, on its way back to user space (kill.c).
    bool finish_if_killed;
};

void task_queue_push(struct task_queue *q, struct task *t);
struct task *task_queue_pop(struct task_queue *q);
// Removes `t` from `q` if it is there.
void task_queue_remove(struct task_queue *q, struct task *t);

// Blocks the current task (TASK_BLOCKED, waiting `why` on `on`) until someone sets its
// ipc.result and makes it runnable; returns that result.  If `next` is not NULL it runs
// at once, on the rest of the current task's time slice (a direct switch: L4's fast path).
long ipc_block(enum ipc_wait why, struct kobject *on, struct task *next);
// Ends a task's wait with `result` (it is not yet runnable: sched_enqueue it, or hand
// the CPU to it with ipc_block).
void ipc_unblock(struct task *t, long result);
// ipc_unblock and sched_enqueue: the task runs again with `result`.
void ipc_wake(struct task *t, long result);

// kill: a blocked task stops waiting (result -EINTR) and every link to it is broken.
void ipc_cancel(struct task *t);
// exit: what the task held (reply rights, capabilities) is given up, waking whoever waited.
void ipc_task_exit(struct task *t);

// The received message (current->ipc.msg) into the registers of `tf`, with x0 = result |
// pending flags; an error (result < 0) changes only x0.  Returns x0 (sys_ipc.c).
long ipc_store_message(struct trapframe *tf, long result);

#endif
