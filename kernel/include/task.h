// task.h — tasks: a user program in its own address space, with a kernel stack
// (kernel/task.c; the scheduler is in kernel/sched.c).
//
//           spawn                  scheduled                 exit / fault
//   UNUSED ───────► RUNNABLE ◄────────────────► RUNNING ─────────────────► ZOMBIE
//                      ▲     preempted, yield      │                          │
//                      │                           │ sleep, wait,             │ parent's wait
//                      └──────── SLEEPING ◄────────┘ read                     ▼
//                      woken (tick, child exit, input)                      UNUSED
#ifndef KEEL_TASK_H
#define KEEL_TASK_H

#include <stdbool.h>
#include <stdint.h>
#include "context.h"
#include "pagetable.h"
#include "trapframe.h"

#define NTASKS 64 // slots in the task table; slot 0 is the idle task
#define TASK_NAME_MAX 16

// Kernel stacks live in their own region of the kernel half, one slot per task, each with
// unmapped guard pages below the stack: an overflow faults instead of overwriting memory.
#define KSTACK_REGION (KERNBASE + 0x4000000000UL) // 256 GiB above the direct map's start
#define KSTACK_SLOT_SIZE (32 * 1024)
#define KSTACK_TASK_SIZE (16 * 1024) // the top half of each slot; the bottom half is guard

enum task_state { TASK_UNUSED, TASK_RUNNABLE, TASK_RUNNING, TASK_SLEEPING, TASK_ZOMBIE };

struct task {
    enum task_state state;
    int pid; // 0 for the idle task; new tasks count up from 1
    char name[TASK_NAME_MAX];
    struct context context; // saved by context_switch while the task is not running
    struct trapframe *tf;   // its user registers, at the top of its kernel stack
    uint64_t kstack_top;    // virtual address just above its kernel stack
    pte_t *pagetable;       // its user address space (NULL: none, the idle task)
    uint16_t asid;          // address space ID: tags its TLB entries
    struct task *parent;
    const void *wait_channel; // what a SLEEPING task waits for (see task_sleep_on)
    uint64_t wake_tick;       // for nanosleep: when to wake
    int exit_status;          // for the parent's wait4, in Linux's encoding (syscalls.h)
    uint64_t slice_end_tick;  // when its time slice is over
    struct task *run_next;    // the next task in the run queue (sched.c)
};

// The task running on this CPU.
struct task *task_current(void);

// Sets up the task table and the idle task (the boot code becomes it).
void task_init(void);

// Starts the first user program (boot arguments after "--", else "init") as pid 1 and
// becomes the idle task.  Does not return.
void task_start_first(void) __attribute__((noreturn));

// Creates a task running program `name` from the boot archive with argv[0..argc-1].
// Returns its pid, or -ENOENT (no such program), -ENOEXEC (not a valid ELF), -ENOMEM,
// -E2BIG (arguments too big), -EAGAIN (no free task slot).
int task_spawn(const char *name, int argc, char *const argv[], struct task *parent);

// Ends the current task with `status` (Linux wait encoding), wakes its parent, gives its
// children to pid 1, frees its user memory.  Does not return.
void task_exit(int status) __attribute__((noreturn));

// Kills the current task after a fault in user code, with a one-line report.
void task_fault(struct trapframe *tf) __attribute__((noreturn));

// wait4: reaps a zombie child (pid -1: any).  Returns its pid and stores its status, 0 with
// WNOHANG if none has exited yet, -ECHILD if there is no such child.  `status` is where the
// caller wants the status written, checked before anything is reaped: -EFAULT if bad.
long task_wait(int pid, uint64_t user_status, int options);

// Sleeping: the current task waits until task_wakeup(channel).  Call with IRQs masked (all
// kernel code but the idle loop runs so).
void task_sleep_on(const void *channel);
void task_wakeup(const void *channel);
// Sleeps until the timer has ticked `wake` times since boot (nanosleep).
void task_sleep_until(uint64_t wake);

// Called after every interrupt: wakes sleepers whose time has come and, if the interrupted
// code was a user task whose time slice is over, switches to the next task.
void task_after_interrupt(struct trapframe *tf);

// Whether [addr, addr + len) lies inside some task's kernel stack (for backtraces).
bool task_kstack_contains(uint64_t addr, uint64_t len);

// The number of tasks in use (for sysinfo).
int task_count(void);

// Scheduler (kernel/sched.c).  schedule(): the current task gives up the CPU and the task at
// the head of the run queue runs (the idle task if the queue is empty).  The caller has
// already decided current's fate: queued again with sched_enqueue (yield, preemption), or
// SLEEPING or ZOMBIE.
void schedule(void);
// Makes `t` RUNNABLE and puts it at the tail of the run queue.
void sched_enqueue(struct task *t);
bool sched_has_runnable(void);
// Starts a fresh time slice for `t`; sched_init reads the tick rate for it.
void sched_start_slice(struct task *t);
void sched_init(void);

// The task table, for the scheduler.
extern struct task tasks[NTASKS];
extern struct task *current;

#endif
