// sys_task.c — system calls about tasks: exit, getpid, getppid, sched_yield, wait4, spawn,
// sysinfo (given code; docs/syscalls.md describes each).
#include <stddef.h>
#include "arch/aarch64/timer.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"

long sys_exit(struct trapframe *tf)
{
    task_exit((int)((tf->x[0] & 0xff) << 8));
}

long sys_getpid(struct trapframe *tf)
{
    return current->pid;
}

long sys_getppid(struct trapframe *tf)
{
    return current->parent != NULL ? current->parent->pid : 0;
}

long sys_sched_yield(struct trapframe *tf)
{
    sched_enqueue(current);
    schedule();
    return 0;
}

long sys_wait4(struct trapframe *tf)
{
    int pid = (int)tf->x[0];
    uint64_t status = tf->x[1];
    int options = (int)tf->x[2];
    if (tf->x[3] != 0 || (options & ~WNOHANG) != 0 || pid == 0 || pid < -1)
        return -EINVAL; // no rusage, no other options, no process groups
    return task_wait(pid, status, options);
}

// spawn(path, argv): copies the path and the argument strings into one frame of kernel
// memory, then creates the task.  argv must be a NULL-terminated array (of at most
// SPAWN_MAX_ARGS pointers) in user memory.
long sys_spawn(struct trapframe *tf)
{
    uint64_t user_path = tf->x[0], user_argv = tf->x[1];
    uint64_t page = frame_alloc();
    if (page == 0)
        return -ENOMEM;
    char *buffer = phys_to_virt(page);
    char *path = buffer, *strings = buffer + PROGRAM_NAME_MAX;
    char *argv[SPAWN_MAX_ARGS + 1];
    size_t used = 0;
    long result = copy_string_from_user(path, user_path, PROGRAM_NAME_MAX);
    int argc = 0;
    while (result >= 0) {
        uint64_t pointer;
        if (copy_from_user(&pointer, user_argv + 8 * (uint64_t)argc, 8) != 0) {
            result = -EFAULT;
            break;
        }
        if (pointer == 0)
            break;
        if (argc == SPAWN_MAX_ARGS) {
            result = -E2BIG;
            break;
        }
        long len = copy_string_from_user(strings + used, pointer, SPAWN_MAX_ARG_BYTES - used);
        if (len < 0) {
            result = len == -ENAMETOOLONG ? -E2BIG : len;
            break;
        }
        argv[argc++] = strings + used;
        used += (size_t)len + 1;
    }
    if (result >= 0) {
        argv[argc] = NULL;
        result = task_spawn(path, argc, argv, current);
    }
    frame_free(page);
    return result;
}

long sys_sysinfo(struct trapframe *tf)
{
    struct sysinfo info;
    memset(&info, 0, sizeof(info));
    info.uptime = (long)(timer_ticks() / timer_hz());
    info.totalram = frame_count_total();
    info.freeram = frame_count_free();
    info.procs = (unsigned short)task_count();
    info.mem_unit = PAGE_SIZE;
    return copy_to_user(tf->x[0], &info, sizeof(info));
}
