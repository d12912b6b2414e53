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
#if LAB >= 5
#include "ipc/spawn_caps.h"
#endif

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

// The argument strings go into one frame of their own, which holds exactly the most that
// spawn accepts; the path, much shorter, goes on the kernel stack.  A buffer that also held
// the path would let the last PROGRAM_NAME_MAX bytes of a 4096-byte argv land in the next
// frame, which may be anybody's (a page table, say).
_Static_assert(SPAWN_MAX_ARG_BYTES <= PAGE_SIZE, "spawn's argument strings fit in one frame");

// Copies the argv array of user pointers and the strings they point to into `strings`
// (SPAWN_MAX_ARG_BYTES of them), with argv[] pointing at the copies.  Returns argc, or
// -EFAULT, or -E2BIG (more than SPAWN_MAX_ARGS pointers or SPAWN_MAX_ARG_BYTES bytes).
static long copy_argv_from_user(uint64_t user_argv, char *argv[], char *strings)
{
    size_t used = 0;
    for (int argc = 0;; argc++) {
        uint64_t pointer;
        if (copy_from_user(&pointer, user_argv + 8 * (uint64_t)argc, 8) != 0)
            return -EFAULT;
        if (pointer == 0) {
            argv[argc] = NULL;
            return argc;
        }
        if (argc == SPAWN_MAX_ARGS)
            return -E2BIG;
        long len = copy_string_from_user(strings + used, pointer, SPAWN_MAX_ARG_BYTES - used);
        if (len < 0)
            return len == -ENAMETOOLONG ? -E2BIG : len;
        argv[argc] = strings + used;
        used += (size_t)len + 1;
    }
}

// spawn(path, argv): copies the path and the arguments into the kernel, then creates the
// task.  argv must be a NULL-terminated array (of at most SPAWN_MAX_ARGS pointers) in user
// memory.
long sys_spawn(struct trapframe *tf)
{
    char path[PROGRAM_NAME_MAX];
    long result = copy_string_from_user(path, tf->x[0], sizeof(path));
    if (result < 0)
        return result;
    uint64_t page = frame_alloc();
    if (page == 0)
        return -ENOMEM;
    char *argv[SPAWN_MAX_ARGS + 1];
    result = copy_argv_from_user(tf->x[1], argv, phys_to_virt(page));
#if LAB >= 5
    long caps[SPAWN_MAX_CAPS];
    int ncaps = 0;
    if (result >= 0) {
        // ncaps is an int (the low 32 bits), compared with SPAWN_MAX_CAPS as unsigned.
        long err = spawn_caps_copy_in(tf->x[2], (uint32_t)tf->x[3], caps, &ncaps);
        if (err != 0)
            result = err;
    }
#endif
    if (result >= 0)
        result = task_spawn(path, (int)result, argv, current);
#if LAB >= 5
    if (result > 0)
        spawn_caps_give(task_by_pid((int)result), caps, ncaps);
#endif
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
