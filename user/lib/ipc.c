// ipc.c — wrappers of the lab-5 system calls: capabilities, IPC, notifications, IRQs,
// device memory, and the tools' calls (task_describe, kill, spawn with capabilities,
// keel_stats).
//
// docs/syscalls.md ("Capabilities and IPC") is the reference; kernel/uapi/ipc.h has the
// numbers.  Most calls take at most three arguments and return one result, so syscall6 (as
// in ulib.c) does.  The message calls are different: a message travels in x0..x7 both ways
// (label in x1, words in x2..x5, a capability slot in x6 going out, badge in x6 and slot in
// x7 coming back), which a C function cannot return.  message_call does them with GCC's
// register variables: each C variable is pinned to the register the kernel reads or writes,
// and the `svc #0` between them tells the compiler which ones it reads and changes.
#include <stdbool.h>
#include "ulib.h"

// One message system call.  If `sends`, the message `in` goes out in x1..x6 (otherwise
// those registers go out as zeros); if `receives` and the call succeeded, what came back in
// x1..x7 is stored in `out`.  Callers pass constants for both, so after inlining only the
// half each call needs is left.
//
// An "asm register" variable is only sure to be in its register where it is an operand of
// an asm statement, so every one of them is.  Each is an output too ("+r"): the kernel may
// change any of x0..x7, so the compiler must not think what it put there is still there.
// always_inline: the wrappers are then one function each, with no call between them and
// the svc (ipcbench counts the instructions of ipc_call and ipc_reply_recv).
static inline __attribute__((always_inline)) long message_call(long number, long slot, bool sends,
                                                               const struct ipc_msg *in,
                                                               bool receives, struct ipc_msg *out)
{
    register long x0 __asm__("x0") = slot;
    register long x1 __asm__("x1") = 0;
    register unsigned long x2 __asm__("x2") = 0;
    register unsigned long x3 __asm__("x3") = 0;
    register unsigned long x4 __asm__("x4") = 0;
    register unsigned long x5 __asm__("x5") = 0;
    register long x6 __asm__("x6") = CAP_NONE;
    register long x7 __asm__("x7"); // only an output: the kernel never reads x7
    register long x8 __asm__("x8") = number;
    if (sends) {
        x1 = in->label;
        x2 = in->w[0];
        x3 = in->w[1];
        x4 = in->w[2];
        x5 = in->w[3];
        x6 = in->cap;
    }
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
                       "=r"(x7)
                     : "r"(x8)
                     : "memory");
    if (receives && x0 >= 0) {
        out->label = x1;
        out->w[0] = x2;
        out->w[1] = x3;
        out->w[2] = x4;
        out->w[3] = x5;
        out->badge = (unsigned long)x6;
        out->cap = x7;
    }
    return x0;
}

long ipc_send(int slot, const struct ipc_msg *m)
{
    return message_call(SYS_ipc_send, slot, true, m, false, NULL);
}

long ipc_nbsend(int slot, const struct ipc_msg *m)
{
    return message_call(SYS_ipc_nbsend, slot, true, m, false, NULL);
}

// The reply goes to the caller whose reply right we hold: there is no slot (x0 is ignored).
long ipc_reply(const struct ipc_msg *m)
{
    return message_call(SYS_ipc_reply, 0, true, m, false, NULL);
}

long ipc_recv(int slot, struct ipc_msg *out)
{
    return message_call(SYS_ipc_recv, slot, false, NULL, true, out);
}

long ipc_nbrecv(int slot, struct ipc_msg *out)
{
    return message_call(SYS_ipc_nbrecv, slot, false, NULL, true, out);
}

long ipc_call(int slot, const struct ipc_msg *m, struct ipc_msg *reply)
{
    return message_call(SYS_ipc_call, slot, true, m, true, reply);
}

long ipc_reply_recv(int slot, const struct ipc_msg *reply, struct ipc_msg *out)
{
    return message_call(SYS_ipc_reply_recv, slot, true, reply, true, out);
}

long ipc_save_reply(void)
{
    return syscall6(SYS_ipc_save_reply, 0, 0, 0, 0, 0, 0);
}

int endpoint_create(void)
{
    return (int)syscall6(SYS_endpoint_create, 0, 0, 0, 0, 0, 0);
}

int notification_create(void)
{
    return (int)syscall6(SYS_notification_create, 0, 0, 0, 0, 0, 0);
}

int cap_mint(int slot, unsigned rights, unsigned long badge)
{
    return (int)syscall6(SYS_cap_mint, slot, rights, (long)badge, 0, 0, 0);
}

int cap_delete(int slot)
{
    return (int)syscall6(SYS_cap_delete, slot, 0, 0, 0, 0, 0);
}

int cap_describe(int slot, struct cap_info *info)
{
    return (int)syscall6(SYS_cap_describe, slot, (long)info, 0, 0, 0, 0);
}

long notify_signal(int slot)
{
    return syscall6(SYS_notify_signal, slot, 0, 0, 0, 0, 0);
}

long notify_wait(int slot)
{
    return syscall6(SYS_notify_wait, slot, 0, 0, 0, 0, 0);
}

long notify_poll(int slot)
{
    return syscall6(SYS_notify_poll, slot, 0, 0, 0, 0, 0);
}

int notify_bind(int ntfn, int ep)
{
    return (int)syscall6(SYS_notify_bind, ntfn, ep, 0, 0, 0, 0);
}

int irq_bind(int irq, int ntfn)
{
    return (int)syscall6(SYS_irq_bind, irq, ntfn, 0, 0, 0, 0);
}

int irq_ack(int irq)
{
    return (int)syscall6(SYS_irq_ack, irq, 0, 0, 0, 0, 0);
}

long devmem_map(int slot, unsigned long va)
{
    return syscall6(SYS_devmem_map, slot, (long)va, 0, 0, 0, 0);
}

int task_describe(int index, struct task_info *info)
{
    return (int)syscall6(SYS_task_describe, index, (long)info, 0, 0, 0, 0);
}

int kill(int pid, int sig)
{
    return (int)syscall6(SYS_kill, pid, sig, 0, 0, 0, 0);
}

int spawn_caps(const char *path, char *const argv[], const long *caps, int ncaps)
{
    return (int)syscall6(SYS_spawn, (long)path, (long)argv, (long)caps, ncaps, 0, 0);
}

int keel_stats(struct keel_stats *stats)
{
    return (int)syscall6(SYS_keel_stats, (long)stats, 0, 0, 0, 0, 0);
}
