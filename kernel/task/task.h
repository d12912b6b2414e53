// task.h — tasks: a user program in its own address space, with a kernel stack
// (kernel/task/: task.c the table, spawn.c creating, exit.c ending, sleep.c waiting,
// kstack.c kernel stacks, sched.c the scheduler).
//
//           spawn                  scheduled                 exit / fault
//   UNUSED ───────► RUNNABLE ◄────────────────► RUNNING ─────────────────► ZOMBIE
//                      ▲     preempted, yield      │                          │
//                      │                           │ sleep, wait,             │ parent's wait
//                      └──────── SLEEPING ◄────────┘ read                     ▼
//                      woken (tick, child exit, input)                      UNUSED
//
// From lab 5 a task waiting in IPC is BLOCKED instead of SLEEPING: kernel/ipc/ipc.h says on
// what (task->ipc.waiting), and whoever ends the wait sets its result.
#ifndef KEEL_TASK_H
#define KEEL_TASK_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/aarch64/context.h"
#include "arch/aarch64/pagetable.h"
#include "arch/aarch64/trapframe.h"
#if LAB >= 5
#include "ipc/cap.h"
#include "ipc/ipc.h"
#endif
#if LAB >= 7
#include "fd/fdtable.h"
#endif

#define NTASKS 64 // slots in the task table; slot 0 is the idle task
#define TASK_NAME_MAX 16

enum task_state {
    TASK_UNUSED,
    TASK_RUNNABLE,
    TASK_RUNNING,
    TASK_SLEEPING,
    TASK_ZOMBIE,
    TASK_BLOCKED, // lab 5: in IPC
};

struct task {
    // Who it is.
    int pid; // 0 for the idle task; new tasks count up from 1
    char name[TASK_NAME_MAX];
    struct task *parent;

    // Scheduling (sched.c): a task is in the run queue exactly when it is RUNNABLE.
    enum task_state state;
    uint64_t slice_end_tick;    // when its time slice is over
    uint64_t donated_slice_end; // if not 0: the slice end it inherits when it next runs
    struct task *run_next;      // the next task in the run queue

    // Its two halves: the kernel stack it runs on in the kernel, the address space it runs
    // in at EL0.
    struct context context; // saved by context_switch while the task is not running
    struct trapframe *tf;   // its user registers, at the top of its kernel stack
    uint64_t kstack_top;    // virtual address just above its kernel stack (kstack.c)
    pte_t *pagetable;       // its user address space (NULL: none, the idle task)
    uint16_t asid;          // address space ID: tags its TLB entries
    uint64_t ttbr0;         // uvm_ttbr0(pagetable, asid), kept for lab 5's IPC fast path

    // Waiting (sleep.c) and ending (exit.c).
    const void *wait_channel; // what a SLEEPING task waits for (see task_sleep_on)
    int exit_status;          // for the parent's wait4, in Linux's encoding (syscalls.h)
    bool killed;              // kill: it ends with SIGKILL on its way back to user space

    // Labs 5-10 each add the state of their subsystem here as one sub-struct (the
    // capability table, IPC state, file descriptors, ...), owned by that subsystem's folder.
#if LAB >= 5
    struct task_caps caps; // kernel/ipc/cap.h
    struct task_ipc ipc;   // kernel/ipc/ipc.h
#endif
#if LAB >= 7
    struct task_fds fds; // kernel/fd/fdtable.h
#endif
};

// The task running on this CPU.
struct task *task_current(void);

// A free slot of the task table (TASK_UNUSED), or NULL if all are in use.
struct task *task_alloc_slot(void);
// The task with this pid, or NULL.
struct task *task_by_pid(int pid);
// Gives back a task's user address space (spawn's failure path, exit).
void task_release_memory(struct task *t);

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

// The number of tasks in use (for sysinfo).
int task_count(void);

// kill (lab 5): marks `t` killed and ends whatever wait it is in.
void task_kill(struct task *t);
// A killed task ends here, on its way back to user space (trap.c).
void task_exit_if_killed(void);

// Scheduler (kernel/task/sched.c).  schedule(): the current task gives up the CPU and the task at
// the head of the run queue runs (the idle task if the queue is empty).  The caller has
// already decided current's fate: queued again with sched_enqueue (yield, preemption), or
// SLEEPING or ZOMBIE.
void schedule(void);
// Makes `t` RUNNABLE and puts it at the tail of the run queue.
void sched_enqueue(struct task *t);
// Makes `t` RUNNABLE at the head of the queue, to run on the rest of the current task's
// time slice: IPC's direct switch from caller to server and back (lab 5).  The caller then
// calls schedule().
void sched_run_next(struct task *t);
// Takes the RUNNABLE task `t` out of the run queue: it is SLEEPING on nothing until
// sched_enqueue (boot: pid 1 waits while the console server starts).
void sched_remove(struct task *t);
bool sched_has_runnable(void);
// Starts a fresh time slice for `t`; sched_init reads the tick rate for it.
void sched_start_slice(struct task *t);
void sched_init(void);

// The task table, for the scheduler.
extern struct task tasks[NTASKS];
extern struct task *current;

#endif
