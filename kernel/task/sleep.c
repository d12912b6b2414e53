// sleep.c — sleeping and waking: a task waits on a "channel" (any address that names what
// it waits for) until someone wakes that channel, and the timer's ticks wake nanosleep and
// end time slices.
#include <stddef.h>
#include "arch/aarch64/timer.h"
#include "arch/aarch64/trap.h"
#include "task/task.h"

static uint64_t last_tick; // the tick task_after_interrupt last saw

// The idle task's channel for "a timer tick happened": nanosleep sleeps on it.
static const char tick_channel;

void task_sleep_on(const void *channel)
{
    current->wait_channel = channel;
    current->state = TASK_SLEEPING;
    schedule();
    current->wait_channel = NULL;
}

void task_wakeup(const void *channel)
{
    for (int i = 1; i < NTASKS; i++)
        if (tasks[i].state == TASK_SLEEPING && tasks[i].wait_channel == channel)
            sched_enqueue(&tasks[i]);
}

// nanosleep: sleeps until tick `wake`.
void task_sleep_until(uint64_t wake)
{
    while (timer_ticks() < wake && !current->killed)
        task_sleep_on(&tick_channel);
}

void task_after_interrupt(struct trapframe *tf)
{
    uint64_t now = timer_ticks();
    if (now != last_tick) {
        last_tick = now;
        task_wakeup(&tick_channel);
    }
    // Preempt only user code: the kernel itself is never interrupted in the middle of its
    // work (it runs with IRQs masked, except in the idle loop, which schedules by itself).
    if (trap_from_user(tf) && now >= current->slice_end_tick) {
        sched_enqueue(current);
        schedule();
    }
}
