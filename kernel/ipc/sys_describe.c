// sys_describe.c — what ps and the graders may know: task_describe and keel_stats (given
// code).  Names and numbers only, never kernel addresses.
#include "ipc/cap.h"
#include "ipc/irq_line.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"

static unsigned state_of(const struct task *t)
{
    switch (t->state) {
    case TASK_RUNNABLE:
        return TASK_STATE_RUNNABLE;
    case TASK_RUNNING:
        return TASK_STATE_RUNNING;
    case TASK_SLEEPING:
        return TASK_STATE_SLEEPING;
    case TASK_ZOMBIE:
        return TASK_STATE_ZOMBIE;
    case TASK_BLOCKED:
        switch (t->ipc.waiting) {
        case IPC_SENDING:
            return TASK_STATE_SENDING;
        case IPC_RECEIVING:
            return TASK_STATE_RECEIVING;
        case IPC_REPLY:
            return TASK_STATE_REPLY;
        default:
            return TASK_STATE_NOTIFY;
        }
    default:
        return 0;
    }
}

long sys_task_describe(struct trapframe *tf)
{
    long index = (long)tf->x[0];
    if (index < 0 || index >= NTASKS)
        return -EINVAL;
    const struct task *t = &tasks[index];
    if (index == 0 || t->state == TASK_UNUSED)
        return -ESRCH;
    struct task_info info;
    memset(&info, 0, sizeof(info));
    info.pid = t->pid;
    info.parent = t->parent != NULL ? t->parent->pid : 0;
    info.state = state_of(t);
    if (t->state == TASK_BLOCKED && t->ipc.waiting_on != NULL)
        info.object = t->ipc.waiting_on->id;
    info.caps = (unsigned)t->caps.used;
    strlcpy(info.name, t->name, sizeof(info.name));
    long err = copy_to_user(tf->x[1], &info, sizeof(info));
    return err != 0 ? err : t->pid;
}

long sys_keel_stats(struct trapframe *tf)
{
    struct keel_stats s;
    memset(&s, 0, sizeof(s));
    s.free_frames = frame_count_free();
    s.tasks = (unsigned)task_count();
    s.objects = object_live_count();
    s.caps = cap_count_all();
    s.kmalloc_objects = (unsigned)kmalloc_live_objects();
    s.irq_to_driver = irq_to_driver;
    return copy_to_user(tf->x[0], &s, sizeof(s));
}
