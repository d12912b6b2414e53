// kill.c — ending another task (lab 5; given code).
//
// Keel has no signals yet: kill(pid, SIGKILL) is the only one, and it cannot be caught.
// The task may be anywhere: running in user space, queued, asleep, or blocked in IPC.  It is
// marked, its wait is ended (unless it is in a call the kernel makes for it that must
// finish: ipc.h's finish_if_killed), and it exits the next time it heads back to user space,
// as if it had faulted, so whatever the kernel was doing on its behalf finishes or backs out
// cleanly first.
#include <stddef.h>
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"
#include "uapi/syscalls.h"

void task_kill(struct task *t)
{
    t->killed = true;
    if (t->state == TASK_BLOCKED && !t->ipc.finish_if_killed)
        ipc_cancel(t); // it returns -EINTR from its call, then exits
    else if (t->state == TASK_SLEEPING)
        sched_enqueue(t); // sleep loops give up when they see `killed`
}

void task_exit_if_killed(void)
{
    if (current->killed)
        task_exit(SIGKILL);
}

long sys_kill(struct trapframe *tf)
{
    int pid = (int)tf->x[0];
    int sig = (int)tf->x[1]; // ints, as Linux's kill(pid_t, int): the low 32 bits
    if (sig != 0 && sig != SIGKILL)
        return -EINVAL;
    if (pid <= 0)
        return -EINVAL; // no process groups, no "everybody"
    struct task *t = task_by_pid(pid);
    if (t == NULL)
        return -ESRCH;
    if (sig == 0 || t->state == TASK_ZOMBIE)
        return 0;
    if (pid == 1)
        return -EPERM; // Keel powers off when pid 1 ends
    task_kill(t);
    return 0;
}
