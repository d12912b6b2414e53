// ulib.h — Keel's user library: system call wrappers, printf, strings (user/lib/).
// The system calls are described in docs/syscalls.md; the wrappers return what the kernel
// returns: a result, or a negative errno (errno.h) on failure.
#ifndef KEEL_ULIB_H
#define KEEL_ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "printfmt.h"
#include "string.h"
#include "syscalls.h"

long syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5);

// x0, x1 and sp as the kernel handed them to _start (user/lib/crt0.S).
extern const uint64_t crt0_entry[3];

long read(int fd, void *buf, size_t len);
long write(int fd, const void *buf, size_t len);
void exit(int status) __attribute__((noreturn));
int getpid(void);
int getppid(void);
int yield(void);
int sleep_ms(unsigned long ms);
int spawn(const char *path, char *const argv[]);
int waitpid(int pid, int *status, int options);
int sysinfo(struct sysinfo *info);

// Formats to standard output (one write per call, so lines of different tasks do not mix).
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int puts(const char *s);

// Parses a decimal or 0x-hex number (string.h); returns 0 on success.
int atoi(const char *s);

// The number of the error, as a name like "ENOENT" ("E?" if unknown).
const char *errno_name(long err);

#if LAB >= 5
// --- Capabilities and IPC (lab 5; user/lib/ipc.c, docs/syscalls.md) ---------------------
// "ipc.h" is kernel/uapi/ipc.h: slots, rights, object types, struct cap_info, task_info.
#include "ipc.h"

// One message: a label and IPC_WORDS words, as the registers carry them.
//   cap:   sending, the slot of a capability to pass along (CAP_NONE: none);
//          received, the slot where the passed capability landed (CAP_NONE: none).
//   badge: received only: the badge of the capability the sender used.  When a receive
//          returns IPC_NOTIFIED, it holds the bound notification's word instead.
struct ipc_msg {
    long label;
    unsigned long w[IPC_WORDS];
    long cap;
    unsigned long badge;
};

// Messages.  The receiving calls return 0 for a message, IPC_* bits (ipc.h), or -errno; the
// message is stored only on success.  call returns the reply in `reply`.
long ipc_send(int slot, const struct ipc_msg *m);
long ipc_nbsend(int slot, const struct ipc_msg *m);
long ipc_recv(int slot, struct ipc_msg *out);
long ipc_nbrecv(int slot, struct ipc_msg *out);
long ipc_call(int slot, const struct ipc_msg *m, struct ipc_msg *reply);
long ipc_reply(const struct ipc_msg *m);
long ipc_reply_recv(int slot, const struct ipc_msg *reply, struct ipc_msg *out);
long ipc_save_reply(void); // the slot of a one-shot reply capability for the held call

// Capabilities: the create calls and cap_mint return the new capability's slot.
int endpoint_create(void);
int notification_create(void);
int cap_mint(int slot, unsigned rights, unsigned long badge);
int cap_delete(int slot);
int cap_describe(int slot, struct cap_info *info);

// Notifications, IRQs and device memory.  wait and poll return the word (and clear it).
long notify_signal(int slot);
long notify_wait(int slot);
long notify_poll(int slot);
int notify_bind(int ntfn, int ep);
int irq_bind(int irq, int ntfn);
int irq_ack(int irq);
long devmem_map(int slot, unsigned long va); // returns va

// Tasks: describe one (for ps), kill one (sig 0 or SIGKILL), and spawn with capabilities:
// the child's slot i gets a copy of our slot caps[i] (CAP_NONE: left empty).
int task_describe(int index, struct task_info *info);
int kill(int pid, int sig);
int spawn_caps(const char *path, char *const argv[], const long *caps, int ncaps);

// The kernel's counts of frames, tasks, objects and capabilities (for tests that look for
// leaks: the same numbers before and after).
int keel_stats(struct keel_stats *stats);
#endif

// Reads the PMU's instruction counter (kernel enables it for EL0; counts only with QEMU's
// -icount shift=0).
static inline uint64_t instructions(void)
{
    uint64_t n;
    __asm__ volatile("isb\n mrs %0, pmevcntr0_el0" : "=r"(n)::"memory");
    return n;
}

#endif
