// task.c — the task table: the idle task, finding slots and tasks, and the first task.
//
// Every task has a slot in `tasks`, a kernel stack in the kernel-stack region (kstack.c)
// and, unless it is the idle task, a user address space.  While it runs in user space, its
// kernel stack is empty; an exception from EL0 pushes the trap frame at the top of it.
// Creating tasks is in spawn.c, ending them in exit.c, sleeping in sleep.c, choosing which
// runs in sched.c.
#include <stddef.h>
#include "arch/aarch64/pmu.h"
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/timer.h"
#include "boot/archive.h"
#include "boot/bootargs.h"
#include "debug/printf.h"
#include "dev/irq.h"
#include "lib/string.h"
#include "mm/kvm.h"
#include "mm/uvm.h"
#include "platform/virt/power.h"
#include "task/kstack.h"
#if LAB >= 5
#include "ipc/boot_servers.h"
#endif
#include "task/task.h"
#include "uapi/errno.h"

struct task tasks[NTASKS];
struct task *current;

// Called instead of switching while context_switch in switch.S is not written (the stub).
void context_switch_not_written(void)
{
    panic("lab 4: context_switch in switch.S is not written yet");
}

struct task *task_current(void)
{
    return current;
}

void task_init(void)
{
    // The code running now (kmain, on the boot stack) becomes the idle task, slot 0.
    struct task *idle = &tasks[0];
    idle->state = TASK_RUNNING;
    idle->pid = 0;
    strlcpy(idle->name, "idle", sizeof(idle->name));
    current = idle;
    sched_init();
    // Floating point and SIMD trap at EL0 and EL1 (CPACR_EL1.FPEN = 0b00): the kernel never
    // saves those registers, so no task may use them.  Said explicitly: firmware on real
    // hardware may leave them enabled.
    WRITE_SYSREG(cpacr_el1, 0);
    isb();
    // Let user programs read the instruction counter for benchmarks (PMUSERENR_EL0.EN).
    pmu_start_instructions();
    WRITE_SYSREG(pmuserenr_el0, 1);
    // ... and the virtual counter CNTVCT_EL0 and CNTFRQ_EL0 (CNTKCTL_EL1.EL0VCTEN, Arm ARM
    // D19.11 "Generic Timer registers"), as Linux lets them for clock_gettime in its vDSO.
    WRITE_SYSREG(cntkctl_el1, CNTKCTL_EL0VCTEN);
}

struct task *task_alloc_slot(void)
{
    for (int i = 1; i < NTASKS; i++) {
        struct task *t = &tasks[i];
        if (t->state == TASK_UNUSED)
            return t;
        // A task without a parent (a server the kernel started) has nobody to reap it: its
        // slot is free once it has ended.
        if (t->state == TASK_ZOMBIE && t->parent == NULL) {
            kstack_free(i);
            memset(t, 0, sizeof(*t));
            return t;
        }
    }
    return NULL;
}

void task_release_memory(struct task *t)
{
    if (t->pagetable != NULL) {
        if (t == current) // never free the table the MMU is using
            WRITE_SYSREG(ttbr0_el1, kvm_empty_root_pa());
        isb();
        uvm_destroy(t->pagetable, t->asid);
        t->pagetable = NULL;
    }
}

struct task *task_by_pid(int pid)
{
    for (int i = 1; i < NTASKS; i++)
        if (tasks[i].state != TASK_UNUSED && tasks[i].pid == pid)
            return &tasks[i];
    return NULL;
}

int task_count(void)
{
    int n = 0;
    for (int i = 1; i < NTASKS; i++)
        n += tasks[i].state != TASK_UNUSED;
    return n;
}

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

// task_spawn's errors in words, for a first program that cannot start.
static const char *spawn_error_text(int err)
{
    switch (-err) {
    case ENOENT:
        return "no such program in the boot archive (ENOENT)";
    case ENOEXEC:
        return "not an executable Keel can load (ENOEXEC; the line above says why)";
    case E2BIG:
        return "more than 32 arguments or 4096 bytes of them (E2BIG)";
    case ENOMEM:
        return "out of memory (ENOMEM)";
    default:
        return "an unexpected error";
    }
}

// The first program comes from the boot arguments (after "--"): if it cannot start, that is
// bad boot input, not a kernel bug, so Keel says why and powers off (with status 127 under
// semihosting, a shell's "cannot run that") instead of panicking.
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
    if (pid < 0) {
        printf("keel: cannot start '%s' as the first task: %s; powering off\n", argv[0],
               spawn_error_text(pid));
        power_exit(127);
    }
#if LAB >= 5
    boot_servers_start(task_by_pid(pid));
#endif
    idle_loop();
}
