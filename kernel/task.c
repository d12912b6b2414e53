// task.c — creating, ending and waiting for tasks.
//
// Every task has a slot in `tasks`, a kernel stack in the kernel-stack region (task.h) and,
// unless it is the idle task, a user address space.  While it runs in user space, its
// kernel stack is empty; an exception from EL0 pushes the trap frame at the top of it.
#include <stddef.h>
#include "archive.h"
#include "bootargs.h"
#include "elf.h"
#include "errno.h"
#include "esr.h"
#include "fault_status.h"
#include "frame.h"
#include "irq.h"
#include "kvm.h"
#include "memlayout.h"
#include "pmu.h"
#include "power.h"
#include "printf.h"
#include "string.h"
#include "syscalls.h"
#include "sysreg.h"
#include "task.h"
#include "timer.h"
#include "trap.h"
#include "uaccess.h"
#include "uvm.h"

struct task tasks[NTASKS];
struct task *current;
static int next_pid = 1;
static uint64_t last_tick; // the tick task_after_interrupt last saw

// The idle task's channel for "a timer tick happened": nanosleep sleeps on it.
static const char tick_channel;

extern char task_entry[]; // switch.S

// Called instead of switching while context_switch in switch.S is not written (the stub).
void context_switch_not_written(void)
{
    panic("lab 4: context_switch in switch.S is not written yet");
}

struct task *task_current(void)
{
    return current;
}

// --- kernel stacks ---------------------------------------------------------------------

static uint64_t kstack_slot_base(int slot)
{
    return KSTACK_REGION + (uint64_t)slot * KSTACK_SLOT_SIZE;
}

// Maps a fresh kernel stack for slot `slot`; returns its top, or 0 if out of memory.
static uint64_t kstack_alloc(int slot)
{
    uint64_t bottom = kstack_slot_base(slot) + KSTACK_SLOT_SIZE - KSTACK_TASK_SIZE;
    for (uint64_t va = bottom; va < bottom + KSTACK_TASK_SIZE; va += PAGE_SIZE) {
        uint64_t pa = frame_alloc();
        if (pa == 0 || pt_map(kvm_root(), va, pa, PAGE_SIZE, PTE_KERNEL_DATA) != 0) {
            if (pa != 0)
                frame_free(pa);
            pt_unmap(kvm_root(), bottom, va - bottom, true);
            return 0;
        }
    }
    return bottom + KSTACK_TASK_SIZE;
}

static void kstack_free(int slot)
{
    uint64_t top = kstack_slot_base(slot) + KSTACK_SLOT_SIZE;
    pt_unmap(kvm_root(), top - KSTACK_TASK_SIZE, KSTACK_TASK_SIZE, true);
}

bool task_kstack_contains(uint64_t addr, uint64_t len)
{
    for (int i = 1; i < NTASKS; i++) {
        if (tasks[i].state == TASK_UNUSED || tasks[i].kstack_top == 0)
            continue;
        uint64_t top = tasks[i].kstack_top;
        if (addr >= top - KSTACK_TASK_SIZE && addr + len <= top)
            return true;
    }
    return false;
}

// --- creating tasks --------------------------------------------------------------------

void task_init(void)
{
    // The code running now (kmain, on the boot stack) becomes the idle task, slot 0.
    struct task *idle = &tasks[0];
    idle->state = TASK_RUNNING;
    idle->pid = 0;
    strlcpy(idle->name, "idle", sizeof(idle->name));
    current = idle;
    last_tick = timer_ticks();
    sched_init();
    // Floating point and SIMD trap at EL0 and EL1 (CPACR_EL1.FPEN = 0b00): the kernel never
    // saves those registers, so no task may use them.  Said explicitly: firmware on real
    // hardware may leave them enabled.
    WRITE_SYSREG(cpacr_el1, 0);
    isb();
    // Let user programs read the instruction counter for benchmarks (PMUSERENR_EL0.EN).
    pmu_start_instructions();
    WRITE_SYSREG(pmuserenr_el0, 1);
}

static struct task *free_slot(void)
{
    for (int i = 1; i < NTASKS; i++)
        if (tasks[i].state == TASK_UNUSED)
            return &tasks[i];
    return NULL;
}

// Gives back everything a task holds, except its slot.
static void release_memory(struct task *t)
{
    if (t->pagetable != NULL) {
        if (t == current) // never free the table the MMU is using
            WRITE_SYSREG(ttbr0_el1, kvm_empty_root_pa());
        isb();
        uvm_destroy(t->pagetable, t->asid);
        t->pagetable = NULL;
    }
}

// Lays the arguments out at the top of the new task's stack and fills in its trap frame,
// so that the first `eret` starts the program at `entry`.  The layout is Linux's, which
// user/lib/crt0.S reads:
//
//   USER_STACK_TOP ─► argument strings ("prog\0arg1\0...")
//                     (padding to 16 bytes)
//                     auxv: AT_NULL (0, 0)       the auxiliary vector, empty
//                     envp: NULL                 no environment
//                     argv[argc] = NULL
//                     argv[0..argc-1]            pointers to the strings above
//   sp_el0 ──────────► argc
static int setup_user_frame(struct task *t, uint64_t entry, int argc, char *const argv[])
{
    uint64_t words[1 + SPAWN_MAX_ARGS + 1 + 1 + 2];
    uint64_t sp = USER_STACK_TOP;
    if (argc > SPAWN_MAX_ARGS)
        return -E2BIG;
    // LAB 4: Your code here.
    // Copy each string (with its NUL) below sp, last argument first, into the task's memory
    // with uvm_copy_in, and note where each went.  Round sp down to 16 bytes.  Build `words`
    // (argc, the argv pointers, NULL, NULL, 0, 0), copy it below sp, and keep sp 16-byte
    // aligned (SCTLR_EL1.SA0 checks it).  Then the trap frame: all zeros but elr = entry,
    // sp_el0 = sp, spsr = 0 (EL0, using SP_EL0, no interrupts masked), x0 = argc,
    // x1 = the address of argv[0].  Return -E2BIG if the strings would not fit in
    // SPAWN_MAX_ARG_BYTES.
    // BEGIN SOLUTION LAB 4
    size_t total = 0;
    for (int i = argc - 1; i >= 0; i--) {
        size_t len = strlen(argv[i]) + 1;
        total += len;
        if (total > SPAWN_MAX_ARG_BYTES)
            return -E2BIG;
        sp -= len;
        uvm_copy_in(t->pagetable, sp, argv[i], len);
        words[1 + i] = sp;
    }
    sp &= ~15UL;
    int nwords = 0;
    words[nwords++] = (uint64_t)argc;
    nwords += argc;
    words[nwords++] = 0; // argv[argc]
    words[nwords++] = 0; // envp[0]
    words[nwords++] = 0; // auxv: AT_NULL ...
    words[nwords++] = 0; // ... and its value
    sp -= nwords * sizeof(uint64_t);
    sp &= ~15UL;
    uvm_copy_in(t->pagetable, sp, words, nwords * sizeof(uint64_t));

    memset(t->tf, 0, sizeof(*t->tf));
    t->tf->elr = entry;
    t->tf->sp_el0 = sp;
    t->tf->spsr = 0;
    t->tf->x[0] = (uint64_t)argc;
    t->tf->x[1] = sp + sizeof(uint64_t);
    return 0;
    // STUB
    //| (void)t, (void)entry, (void)argv, (void)words, (void)sp;
    //| panic("lab 4: setup_user_frame is not written yet");
    // END SOLUTION
}

// The last part of a path: the task's name.
static const char *base_name(const char *path)
{
    const char *slash = strchr(path, '/');
    while (slash != NULL) {
        path = slash + 1;
        slash = strchr(path, '/');
    }
    return path;
}

int task_spawn(const char *name, int argc, char *const argv[], struct task *parent)
{
    struct task *t = free_slot();
    if (t == NULL)
        return -EAGAIN;
    const uint8_t *image;
    size_t size;
    if (archive_find(name, &image, &size) != 0)
        return -ENOENT;
    int slot = (int)(t - tasks);
    memset(t, 0, sizeof(*t));
    t->asid = (uint16_t)slot; // one ASID per slot; uvm_destroy forgets it on reuse
    uint64_t entry = 0;
    int err = -ENOMEM;
    if ((t->pagetable = uvm_create()) == NULL)
        goto fail;
    if ((err = elf_load(t->pagetable, image, size, &entry)) != 0)
        goto fail;
    err = uvm_alloc(t->pagetable, USER_STACK_BOTTOM, USER_STACK_SIZE, PTE_USER_RW);
    if (err != 0)
        goto fail;
    err = -ENOMEM;
    if ((t->kstack_top = kstack_alloc(slot)) == 0)
        goto fail;
    t->tf = (struct trapframe *)(t->kstack_top - sizeof(struct trapframe));
    if ((err = setup_user_frame(t, entry, argc, argv)) != 0)
        goto fail;
    // The first context_switch to the task "returns" into task_entry, with SP at the trap
    // frame: task_entry goes straight to trap_return and from there to user space.
    t->context.x30 = (uint64_t)task_entry;
    t->context.sp = (uint64_t)t->tf;
    t->pid = next_pid++;
    t->parent = parent;
    strlcpy(t->name, base_name(name), sizeof(t->name));
    sched_enqueue(t);
    return t->pid;
fail:
    release_memory(t);
    if (t->kstack_top != 0)
        kstack_free(slot);
    memset(t, 0, sizeof(*t)); // TASK_UNUSED again
    return err;
}

// --- ending tasks ----------------------------------------------------------------------

static struct task *task_by_pid(int pid)
{
    for (int i = 1; i < NTASKS; i++)
        if (tasks[i].state != TASK_UNUSED && tasks[i].pid == pid)
            return &tasks[i];
    return NULL;
}

// When pid 1 ends, so does Keel: nothing is left to start programs.
static void first_task_ended(int status)
{
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
    release_memory(t);
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
        (esr_is_abort(ec) && (esr & ESR_ISS_FSC_MASK) == 0x21))
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
        task_sleep_on(current);
    }
}

// --- sleeping and waking ---------------------------------------------------------------

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
    while (timer_ticks() < wake)
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

int task_count(void)
{
    int n = 0;
    for (int i = 1; i < NTASKS; i++)
        n += tasks[i].state != TASK_UNUSED;
    return n;
}

// --- the first task and the idle loop --------------------------------------------------

// What the CPU does when no task can run: sleep until an interrupt, which may wake one.
__attribute__((noreturn)) static void idle_loop(void)
{
    for (;;) {
        irq_disable();
        if (sched_has_runnable()) {
            schedule();
            continue;
        }
        // As in console_input_wait: check and sleep with IRQs masked, take the interrupt
        // after waking up.
        wfi();
        irq_enable();
    }
}

void task_start_first(void)
{
    static char *default_argv[] = {"init", NULL};
    int argc;
    char **argv = bootargs_command(&argc);
    if (argc == 0) {
        argv = default_argv;
        argc = 1;
    }
    irq_disable();
    archive_list();
    int pid = task_spawn(argv[0], argc, argv, NULL);
    if (pid < 0)
        panic("task_start_first: cannot start '%s' (error %d)", argv[0], pid);
    idle_loop();
}
