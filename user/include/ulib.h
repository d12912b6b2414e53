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

#if LAB >= 6
// --- Shared memory (lab 6; user/lib/shm.c, docs/syscalls.md) ------------------------------
// "shm.h" is kernel/uapi/shm.h.
#include "shm.h"

// A new region of `pages` zeroed pages: the slot of its (original) capability.
int region_create(unsigned long pages);
// Maps the whole region at `va` (0: the kernel picks); REGION_MAP_WRITE for a writable
// mapping.  Returns the address, or -errno.
long region_map(int slot, unsigned long va, unsigned flags);
int region_unmap(unsigned long va);
// Only with the original capability: every other capability and mapping is taken back.
int region_revoke(int slot);
#endif

#if LAB >= 7
// --- Files, directories and pipes (lab 7; user/lib/file.c, docs/syscalls.md "Files") -------
// Linux's calls with Linux's numbers, flags and structures ("fs.h" is kernel/uapi/fs.h);
// like every wrapper here they return the result or -errno (there is no errno variable).
#include "fs.h"

int openat(int dirfd, const char *path, int flags, unsigned mode);
int open(const char *path, int flags, unsigned mode); // openat(AT_FDCWD, ...)
int close(int fd);
long lseek(int fd, long offset, int whence);
int fstat(int fd, struct stat *st);
int fstatat(int dirfd, const char *path, struct stat *st, int flags);
int stat(const char *path, struct stat *st);
long getdents64(int fd, void *buf, size_t len);
int mkdirat(int dirfd, const char *path, unsigned mode);
int mkdir(const char *path, unsigned mode);
int unlinkat(int dirfd, const char *path, int flags);
int unlink(const char *path);
int rmdir(const char *path);
int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
int rename(const char *oldpath, const char *newpath);
int dup(int fd);
int dup2(int fd, int newfd); // dup3 with no flags, but dup2(fd, fd) checks fd and returns it
int dup3(int fd, int newfd, int flags);
int pipe2(int fds[2], int flags);
int pipe(int fds[2]);
int chdir(const char *path);
long getcwd(char *buf, size_t size); // Linux's raw call: the length with its NUL
int fsync(int fd);
int prlimit64(int pid, int resource, const struct rlimit64 *new_limit, struct rlimit64 *old);
#endif

#if LAB >= 8
// --- Disks, the clock and power (lab 8; user/lib/power.c) ---------------------------------
void sync(void);                                  // every file system written back
int poweroff(void);                               // sync, then off: returns only on error
int clock_gettime(int clock, struct timespec *t); // CLOCK_REALTIME (the PL031), MONOTONIC
// The block server's BLK_FLUSH (user/lib/disk.c): writes `len` bytes of the disk region in
// `slot` from byte `offset` on back to the host's image file.  0, or -errno (-ENODEV: no
// host file).
long disk_writeback(int slot, unsigned long offset, unsigned long len);
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
