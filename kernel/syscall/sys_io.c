// sys_io.c — system calls for input and output on the console, and nanosleep (given code).
// File descriptors 0, 1 and 2 are the console; there are no others before lab 7.
#include <stddef.h>
#include "arch/aarch64/timer.h"
#include "dev/console.h"
#include "dev/console_input.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"

#define CHUNK 256

long sys_write(struct trapframe *tf)
{
    int fd = (int)tf->x[0];
    uint64_t buf = tf->x[1];
    size_t len = tf->x[2];
    if (fd != 1 && fd != 2)
        return -EBADF;
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
    if (fd != 0)
        return -EBADF;
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

long sys_nanosleep(struct trapframe *tf)
{
    struct timespec request;
    if (copy_from_user(&request, tf->x[0], sizeof(request)) != 0)
        return -EFAULT;
    if (request.tv_sec < 0 || request.tv_nsec < 0 || request.tv_nsec >= 1000000000L)
        return -EINVAL;
    // Round up to whole ticks: never sleep less than asked.
    uint64_t ns_per_tick = 1000000000UL / timer_hz();
    uint64_t ns = (uint64_t)request.tv_sec * 1000000000UL + (uint64_t)request.tv_nsec;
    task_sleep_until(timer_ticks() + (ns + ns_per_tick - 1) / ns_per_tick);
    if (tf->x[1] != 0) {
        struct timespec remaining = {0, 0};
        if (copy_to_user(tf->x[1], &remaining, sizeof(remaining)) != 0)
            return -EFAULT;
    }
    return 0;
}
