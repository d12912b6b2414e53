// exit.c — ending tasks: exit, the kill after a fault in user code, and the parent's wait.
//
// A task that ends gives back its user memory at once and becomes a ZOMBIE: its slot and
// kernel stack stay until its parent collects the exit status with wait4.
#include <stddef.h>
#include "arch/aarch64/esr.h"
#include "arch/aarch64/fault_status.h"
#include "debug/printf.h"
#include "lib/string.h"
#include "mm/uaccess.h"
#include "platform/virt/power.h"
#include "task/kstack.h"
#include "task/task.h"
#include "uapi/errno.h"
#include "uapi/syscalls.h"
#if LAB >= 5
#include "ipc/ipc.h"
#endif
#if LAB >= 6
#include "shm/region.h"
#endif
#if LAB >= 7
#include "fd/fdtable.h"
#endif
#if LAB >= 8
#include "fd/vfs_client.h"
#endif

// When pid 1 ends, so does Keel: nothing is left to start programs.
static void first_task_ended(int status)
{
#if LAB >= 8
    vfs_sync(); // what it wrote reaches the disk before the power goes
#endif
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("keel: pid 1 (%s) %s %d; powering off\n", current->name,
           WIFEXITED(status) ? "exited with status" : "was killed by signal",
           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    power_exit(code);
}

void task_exit(int status)
{
    struct task *t = current;
    if (t->pid == 1)
        first_task_ended(status);
#if LAB >= 7
    fds_release(t); // its files: the last close of each tells the VFS server (IPC, so first)
#endif
#if LAB >= 5
    ipc_task_exit(t); // its reply rights and capabilities: waiters wake with errors
#endif
    task_release_memory(t);
#if LAB >= 6
    region_task_exit(t); // its mappings of shared regions (the table is gone already)
#endif
    // Children outlive their parent: pid 1 adopts them (and reaps them if it waits).
    struct task *init = task_by_pid(1);
    for (int i = 1; i < NTASKS; i++)
        if (tasks[i].state != TASK_UNUSED && tasks[i].parent == t)
            tasks[i].parent = init;
    if (init != NULL)
        task_wakeup(init);
    t->exit_status = status;
    t->state = TASK_ZOMBIE;
    if (t->parent != NULL)
        task_wakeup(t->parent); // a parent in wait4 sleeps on itself
    schedule();
    panic("task_exit: a zombie was scheduled");
}

// Which signal a fault in user code means (Linux's choice for the same fault).
static int fault_signal(uint64_t esr)
{
    unsigned ec = esr_class(esr);
    if (ec == EC_BRK64)
        return SIGTRAP;
    if (ec == EC_PC_ALIGN || ec == EC_SP_ALIGN ||
        (esr_is_abort(ec) && (esr & ESR_ISS_FSC_MASK) == FSC_ALIGNMENT))
        return SIGBUS;
    if (esr_is_abort(ec))
        return SIGSEGV;
    return SIGILL;
}

void task_fault(struct trapframe *tf)
{
    char what[128];
    esr_describe(tf->esr, what, sizeof(what));
    printf("keel: task %d (%s) killed: %s", current->pid, current->name, what);
    if (esr_is_abort(esr_class(tf->esr)) && !(tf->esr & ESR_ISS_FNV))
        printf(" at 0x%lx", tf->far);
    printf(", pc 0x%lx\n", tf->elr);
    task_exit(fault_signal(tf->esr));
}

long task_wait(int pid, uint64_t user_status, int options)
{
    if (user_status != 0 && !uaccess_ok(user_status, sizeof(int), true))
        return -EFAULT;
    for (;;) {
        bool have_child = false;
        for (int i = 1; i < NTASKS; i++) {
            struct task *c = &tasks[i];
            if (c->state == TASK_UNUSED || c->parent != current || (pid != -1 && c->pid != pid))
                continue;
            have_child = true;
            if (c->state != TASK_ZOMBIE)
                continue;
            int child_pid = c->pid, status = c->exit_status;
            kstack_free(i);
            memset(c, 0, sizeof(*c));
            if (user_status != 0)
                copy_to_user(user_status, &status, sizeof(status));
            return child_pid;
        }
        if (!have_child)
            return -ECHILD;
        if (options & WNOHANG)
            return 0;
        if (current->killed)
            return -EINTR; // it exits on its way out (lab 5's kill)
        task_sleep_on(current);
    }
}
