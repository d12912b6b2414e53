// sched.c — the scheduler: which task runs next.
//
// Round robin with a run queue: a FIFO list of the RUNNABLE tasks, linked through
// task.run_next.  A task that becomes runnable (spawned, woken, preempted, yielding) joins
// the tail; the next task to run leaves from the head.  So each runnable task gets the CPU
// in turn, for one time slice (SCHED_SLICE_MS) unless it gives it up earlier.  Picking the
// next task costs the same however many tasks there are.  The idle task (slot 0) never
// queues: it runs when the queue is empty.
//
//   queue_head ─► [task 3] ─► [task 5] ─► [task 2] ◄─ queue_tail
//
// Invariant: a task is in the queue exactly when its state is TASK_RUNNABLE.
#include <stddef.h>
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/timer.h"
#include "debug/printf.h"
#include "mm/kvm.h"
#include "mm/uvm.h"
#include "task/task.h"

#define SCHED_SLICE_MS 10

static struct task *queue_head, *queue_tail;
static uint64_t slice_ticks = 1;

void sched_init(void)
{
    uint64_t ticks = (uint64_t)timer_hz() * SCHED_SLICE_MS / 1000;
    slice_ticks = ticks > 0 ? ticks : 1;
}

void sched_start_slice(struct task *t)
{
    // A task run by a direct switch goes on with the slice of the task that switched to it:
    // a client and its server calling each other cannot keep the CPU from everybody else.
    if (t->donated_slice_end != 0) {
        t->slice_end_tick = t->donated_slice_end;
        t->donated_slice_end = 0;
        return;
    }
    t->slice_end_tick = timer_ticks() + slice_ticks;
}

bool sched_has_runnable(void)
{
    return queue_head != NULL;
}

void sched_enqueue(struct task *t)
{
    if (t->state == TASK_RUNNABLE || t == &tasks[0])
        panic("sched_enqueue: task %d is already queued, or is the idle task", t->pid);
    // LAB 4: Your code here.
    // Make t RUNNABLE and append it at the tail of the queue.
    // BEGIN SOLUTION LAB 4
    t->state = TASK_RUNNABLE;
    t->run_next = NULL;
    if (queue_tail != NULL)
        queue_tail->run_next = t;
    else
        queue_head = t;
    queue_tail = t;
    // STUB
    //| (void)queue_tail;
    //| panic("lab 4: sched_enqueue is not written yet");
    // END SOLUTION
}

void sched_run_next(struct task *t)
{
    if (t->state == TASK_RUNNABLE || t == &tasks[0])
        panic("sched_run_next: task %d is already queued, or is the idle task", t->pid);
    t->state = TASK_RUNNABLE;
    t->donated_slice_end = current->slice_end_tick;
    t->run_next = queue_head;
    queue_head = t;
    if (queue_tail == NULL)
        queue_tail = t;
}

void sched_remove(struct task *t)
{
    struct task *prev = NULL;
    for (struct task *p = queue_head; p != NULL; prev = p, p = p->run_next) {
        if (p != t)
            continue;
        if (prev != NULL)
            prev->run_next = t->run_next;
        else
            queue_head = t->run_next;
        if (queue_tail == t)
            queue_tail = prev;
        t->run_next = NULL;
        t->state = TASK_SLEEPING;
        t->wait_channel = NULL;
        return;
    }
    panic("sched_remove: task %d is not in the run queue", t->pid);
}

// Takes the task at the head of the queue; NULL if the queue is empty.
static struct task *dequeue(void)
{
    // LAB 4: Your code here.
    // BEGIN SOLUTION LAB 4
    struct task *t = queue_head;
    if (t != NULL) {
        queue_head = t->run_next;
        if (queue_head == NULL)
            queue_tail = NULL;
        t->run_next = NULL;
    }
    return t;
    // STUB
    //| return NULL;
    // END SOLUTION
}

void schedule(void)
{
    struct task *prev = current;
    struct task *next = dequeue();
    if (next == NULL)
        next = &tasks[0]; // nothing to run: the idle task
    // LAB 4: Your code here.
    // Mark `next` running with a fresh slice.  If it is prev (it yielded, but nobody else
    // wanted the CPU), that is all.  Otherwise switch the user half to next's address space
    // (TTBR0_EL1 = uvm_ttbr0(...), or kvm_empty_root_pa() for the idle task) followed by an
    // isb, make next `current`, and context_switch from prev to next.  No TLB flush: each
    // task's entries carry its own ASID.
    // BEGIN SOLUTION LAB 4
    next->state = TASK_RUNNING;
    sched_start_slice(next);
    if (next == prev)
        return;
    if (next->pagetable != NULL)
        WRITE_SYSREG(ttbr0_el1, uvm_ttbr0(next->pagetable, next->asid));
    else
        WRITE_SYSREG(ttbr0_el1, kvm_empty_root_pa());
    isb();
    current = next;
    context_switch(&prev->context, &next->context);
    // STUB
    //| (void)prev;
    //| panic("lab 4: schedule is not written yet");
    // END SOLUTION
}
