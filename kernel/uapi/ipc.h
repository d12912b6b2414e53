// ipc.h — capabilities and IPC (lab 5): the interface shared by the kernel and user programs.
//
// docs/syscalls.md ("Capabilities and IPC") is the reference; this is the summary.
//
// A task holds capabilities in a table of CAP_SLOTS slots and names them by slot number, as
// it names files by fd.  A capability names one kernel object (an endpoint, a notification,
// an IRQ line, a range of device memory) with rights and, on endpoints and notifications, a
// badge.  There is no other way to reach an object: no global name, no task id, confers any
// access.
//
// Registers.  Every call takes its number in x8 and returns a result in x0 (a negative errno
// on failure).  The message calls use more registers, both ways:
//
//   sending (send, call, reply, reply_recv, nbsend):
//     x0 slot   x1 label   x2..x5 the four message words   x6 a slot to pass, or CAP_NONE
//   receiving (recv, nbrecv, call's reply, reply_recv):
//     x0 0 or IPC_* bits (or -errno)   x1 label   x2..x5 words   x6 badge   x7 slot or CAP_NONE
//
// The label and the words are the sender's to choose; the kernel copies them and reads
// nothing in them.  The badge is the kernel's: the badge of the capability the sender used.
#ifndef KEEL_IPC_H
#define KEEL_IPC_H

#define CAP_SLOTS 64
#define CAP_NONE (-1L) // "no capability" in x6 and x7
#define IPC_WORDS 4

// Keel's system call numbers for capabilities and IPC.
#define SYS_endpoint_create 501     // () -> slot of a new endpoint (send, recv, grant)
#define SYS_notification_create 502 // () -> slot of a new notification (send, recv, grant)
#define SYS_cap_mint 503            // (slot, rights, badge) -> new slot
#define SYS_cap_delete 504          // (slot) -> 0
#define SYS_cap_describe 505        // (slot, struct cap_info *) -> 0
#define SYS_ipc_send 506            // (slot, label, w0..w3, pass) -> 0
#define SYS_ipc_recv 507            // (slot) -> a message
#define SYS_ipc_call 508            // (slot, label, w0..w3, pass) -> the reply
#define SYS_ipc_reply 509           // (-, label, w0..w3, pass) -> 0
#define SYS_ipc_reply_recv 510      // (slot, label, w0..w3, pass) -> the next message
#define SYS_ipc_nbsend 511          // as send, but -EAGAIN unless a receiver waits
#define SYS_ipc_nbrecv 512          // as recv, but -EAGAIN unless a sender waits
#define SYS_ipc_save_reply 513      // () -> slot of a reply capability for the last call
#define SYS_notify_signal 514       // (slot) -> 0: ORs the capability's badge into the word
#define SYS_notify_wait 515         // (slot) -> the word (non-zero), cleared
#define SYS_notify_poll 516         // (slot) -> the word (perhaps 0), cleared
#define SYS_notify_bind 517         // (notification slot, endpoint slot) -> 0
#define SYS_irq_bind 518            // (irq slot, notification slot) -> 0
#define SYS_irq_ack 519             // (irq slot) -> 0: unmasks the line
#define SYS_devmem_map 520          // (slot, va) -> va: maps the device's registers there
#define SYS_task_describe 521       // (index, struct task_info *) -> pid, for ps
#define SYS_keel_stats 522          // (struct keel_stats *) -> 0: counts, for tests

// Well-known slots.  Every task's slot 0 is its console: a send capability to the console
// server, which the kernel uses for read(0) and write(1, 2) on the task's behalf.  The
// console server itself starts with its endpoint, the UART's registers and its IRQ line.
#define SLOT_CONSOLE 0
#define CONSOLE_SLOT_ENDPOINT 1
#define CONSOLE_SLOT_UART 2
#define CONSOLE_SLOT_IRQ 3
#define CONSOLE_SLOT_BUFFER 4 // lab 6: the region the kernel copies writes into (read-only)

// The badge bit the kernel sets on the messages it sends to a server for a task (the console
// client, lab 6's shared buffers).  cap_mint refuses badges with it, so no task can send a
// message that looks like the kernel's: a server trusts requests that carry it.
#define BADGE_KERNEL (1UL << 63)

// Rights (a capability's `rights`, a mask).
#define RIGHT_SEND 1       // endpoint: send and call; notification: signal
#define RIGHT_RECV 2       // endpoint: recv; notification: wait, poll, bind; IRQ: bind, ack
#define RIGHT_GRANT 4      // endpoint: pass a capability with a message sent through it
#define RIGHT_MAP_READ 8   // device memory (and lab 6's regions): map readable
#define RIGHT_MAP_WRITE 16 // device memory (and lab 6's regions): map writable
#define RIGHTS_ALL 31

// Object types (cap_info.type).
#define CAP_EMPTY 0
#define CAP_ENDPOINT 1
#define CAP_NOTIFICATION 2
#define CAP_IRQ 3
#define CAP_DEVMEM 4
#define CAP_REPLY 5 // a saved reply right: send on it once to answer that caller

// What x0 of a successful receive holds: 0 for a message, or these bits.
#define IPC_NOTIFIED 1   // no message: x6 holds the bound notification's word
#define IPC_REPLY_LOST 2 // reply_recv: the caller died before the reply; nobody got it

#ifndef __ASSEMBLY__ // vectors.S uses the numbers above
// What cap_describe tells about a slot.  `object` numbers the kernel object (the same number
// for every capability to one object, while it exists) so that tools can say which
// capabilities share one; it is not an address and grants nothing.
struct cap_info {
    unsigned int type;   // CAP_*
    unsigned int rights; // RIGHT_* mask
    unsigned long badge;
    unsigned int object;
    unsigned int original; // 1: the creator's capability (deleting it destroys the object)
    unsigned long size;    // bytes of a region (lab 6) or of device memory; 0 for the rest
};

// What task_describe tells about one task (for ps).  `index` counts slots of the task
// table: -ESRCH for an unused one, -EINVAL past the end.
#define TASK_STATE_RUNNABLE 1
#define TASK_STATE_RUNNING 2
#define TASK_STATE_SLEEPING 3
#define TASK_STATE_ZOMBIE 4
#define TASK_STATE_SENDING 5   // blocked in send or call until a receiver takes the message
#define TASK_STATE_RECEIVING 6 // blocked in recv
#define TASK_STATE_REPLY 7     // called: waiting for the reply
#define TASK_STATE_NOTIFY 8    // blocked in notify_wait
struct task_info {
    int pid;
    int parent;
    unsigned int state;  // TASK_STATE_*
    unsigned int object; // what it is blocked on (an object number), or 0
    unsigned int caps;   // slots in use
    char name[16];
};

// What keel_stats reports: what graders compare before and after a test to find leaks.
struct keel_stats {
    unsigned long free_frames;    // as sysinfo's freeram
    unsigned int tasks;           // task slots in use (zombies included)
    unsigned int objects;         // live kernel objects (endpoints, notifications, ...)
    unsigned int caps;            // capability slots in use, over all tasks
    unsigned int kmalloc_objects; // live kmalloc allocations
    // Instructions (PMU, under -icount shift=0) from the kernel's handler of the last IRQ a
    // driver owns to that driver's recv returning with the notification: 0 if none yet.
    unsigned long irq_to_driver;
};

#endif // __ASSEMBLY__

#endif
