// sys_io.c — system calls for input and output on the console, and nanosleep (given code).
// File descriptors 0, 1 and 2 are the console; there are no others before lab 7, which
// hands read and write to the file behind the fd (kernel/fd/file.c).
#include <stddef.h>
#include <stdint.h>
#include "arch/aarch64/timer.h"
#include "dev/console.h"
#include "debug/printf.h"
#include "dev/console_input.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"
#if LAB >= 5
#include "dev/console_client.h"
#endif
#if LAB >= 7
#include "fd/fdtable.h"
#endif

#define CHUNK 256

#if LAB >= 7
// An fd_lookup that is not written yet (kernel/fd/fdtable.c, lab 7's first exercise) loses
// every line every program prints, the ones that would say why among them: so the kernel
// says it once, itself, when a write to 1 or 2 finds no file though the table holds one.
static void report_lost_output(int fd)
{
    static bool reported;
    if (reported || fd < 1 || fd > 2 || current->fds.fd[fd] == NULL)
        return;
    reported = true;
    printf("keel: pid %d (%s): write(%d) found no open file, yet fd %d is in its table: is "
           "fd_lookup (kernel/fd/fdtable.c) written?\n",
           current->pid, current->name, fd, fd);
}
#endif

long sys_write(struct trapframe *tf)
{
    int fd = (int)tf->x[0];
    uint64_t buf = tf->x[1];
    size_t len = tf->x[2];
#if LAB >= 7
    // From lab 7 an fd names an open file (kernel/fd/): the console, a pipe or a file.
    struct file *f = fd_lookup(fd);
    if (f == NULL)
        report_lost_output(fd);
    return f != NULL ? file_write(f, buf, len) : -EBADF;
#endif
    if (fd != 1 && fd != 2)
        return -EBADF;
#if LAB >= 5
    return console_client_write(buf, len);
#endif
    if (!uaccess_ok(buf, len, false))
        return -EFAULT;
    char chunk[CHUNK];
    for (size_t done = 0; done < len;) {
        size_t n = len - done < CHUNK ? len - done : CHUNK;
        copy_from_user(chunk, buf + done, n);
        for (size_t i = 0; i < n; i++)
            console_putc(chunk[i]);
        done += n;
    }
    return (long)len;
}

// Returns what has been typed, at least one character: waits for input if there is none.
// The buffer is checked before waiting, so a bad one fails at once.
long sys_read(struct trapframe *tf)
{
    int fd = (int)tf->x[0];
    uint64_t buf = tf->x[1];
    size_t len = tf->x[2];
#if LAB >= 7
    struct file *f = fd_lookup(fd);
    return f != NULL ? file_read(f, buf, len) : -EBADF;
#endif
    if (fd != 0)
        return -EBADF;
#if LAB >= 5
    return console_client_read(buf, len);
#endif
    if (len == 0)
        return 0;
    if (!uaccess_ok(buf, len, true))
        return -EFAULT;
    char chunk[CHUNK];
    size_t n;
    while ((n = console_input_take(chunk, len < CHUNK ? len : CHUNK)) == 0)
        task_sleep_on(&console_input_channel);
    copy_to_user(buf, chunk, n);
    return (long)n;
}

// The tick at which a sleep of `t` that starts now ends: rounded up to whole ticks, never
// less than asked.  A sleep too long for the tick counter (tv_sec near 2^63 at 1000 Hz, some
// 290 million years) saturates at UINT64_MAX and never ends, as Linux's clamped ones do;
// computing tv_sec * 10^9 in nanoseconds instead would wrap for tv_sec >= 2^64 / 10^9 and
// turn a long sleep into a short one.
static uint64_t wake_tick(const struct timespec *t)
{
    uint64_t hz = timer_hz();
    uint64_t ns_per_tick = 1000000000UL / hz;
    uint64_t nsec_ticks = ((uint64_t)t->tv_nsec + ns_per_tick - 1) / ns_per_tick;
    uint64_t now = timer_ticks();
    if ((uint64_t)t->tv_sec > (UINT64_MAX - now - nsec_ticks) / hz)
        return UINT64_MAX;
    return now + (uint64_t)t->tv_sec * hz + nsec_ticks;
}

// Both pointers are checked before the task sleeps: a call that fails has no effect (not
// even the sleep).  After the sleep nothing can fail: rem was found writable, and nothing
// unmaps a task's pages while it sleeps.
long sys_nanosleep(struct trapframe *tf)
{
    struct timespec request;
    uint64_t user_remaining = tf->x[1];
    if (copy_from_user(&request, tf->x[0], sizeof(request)) != 0)
        return -EFAULT;
    if (user_remaining != 0 && !uaccess_ok(user_remaining, sizeof(struct timespec), true))
        return -EFAULT;
    if (request.tv_sec < 0 || request.tv_nsec < 0 || request.tv_nsec >= 1000000000L)
        return -EINVAL;
    task_sleep_until(wake_tick(&request));
    if (user_remaining != 0) {
        struct timespec remaining = {0, 0};
        copy_to_user(user_remaining, &remaining, sizeof(remaining));
    }
    return 0;
}
