// trap.c — what happens after vectors.S has saved the registers: decide what the exception
// was and deal with it.
#include <stdbool.h>
#include "arch/aarch64/esr.h"
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/trap.h"
#include "debug/backtrace.h"
#include "debug/ksyms.h"
#include "debug/printf.h"
#include "dev/irq.h"
#if LAB >= 4
#include "syscall/syscall.h"
#include "task/task.h"
#endif

extern char vector_table[];

void trap_init(void)
{
    WRITE_SYSREG(vbar_el1, (uint64_t)vector_table);
    isb();
}

// Called instead of saving registers while save_trapframe is not written (the stub).
void trap_entry_not_written(void)
{
    panic("lab 3: an exception arrived, but save_trapframe in vectors.S is not written yet");
}

void trap_print_fault(const struct trapframe *tf, const char *who)
{
    char what[128];
    esr_describe(tf->esr, what, sizeof(what));
    printf("%s fault: %s\n", who, what);
    if (esr_is_abort(esr_class(tf->esr)) && !(tf->esr & ESR_ISS_FNV))
        printf("  address (FAR_EL1) 0x%016lx\n", tf->far);
    uint64_t offset;
    const char *name = ksyms_lookup(tf->elr, &offset);
    if (name != NULL)
        printf("  pc (ELR_EL1)      0x%016lx  %s+0x%lx\n", tf->elr, name, offset);
    else
        printf("  pc (ELR_EL1)      0x%016lx\n", tf->elr);
    printf("  ESR_EL1 0x%08lx  SPSR_EL1 0x%08lx\n", tf->esr, tf->spsr);
}

// Ends the kernel after a fault report: there is nothing sensible to return to.
__attribute__((noreturn)) static void halt_after_fault(void)
{
    printf("Keel halted after a kernel fault.\n");
    halt();
}

void trap_el1_sync(struct trapframe *tf)
{
    // LAB 3: Your code here.
    // A BRK is a breakpoint the kernel put there on purpose: report it with
    // trap_print_fault(tf, "Kernel") and a backtrace of this handler (backtrace(): it walks
    // through the trap frame's frame record into the code that hit the BRK), then resume at
    // the next instruction (ELR points at the BRK itself).  Anything else is a kernel bug: report it, print a backtrace that starts at
    // the faulting pc and follows the interrupted code's frame pointer (x29), then stop with
    // halt_after_fault().
    // BEGIN SOLUTION LAB 3
    trap_print_fault(tf, "Kernel");
    if (esr_class(tf->esr) == EC_BRK64) {
        backtrace();
        tf->elr += 4;
        return;
    }
    backtrace_from(tf->elr, tf->x[29]);
    halt_after_fault();
    // STUB
    //| (void)halt_after_fault;
    //| panic("lab 3: trap_el1_sync is not written yet (ESR 0x%lx, ELR 0x%lx)", tf->esr, tf->elr);
    // END SOLUTION
}

struct trapframe *trap_el0_sync(struct trapframe *tf)
{
#if LAB >= 4
    if (esr_class(tf->esr) == EC_SVC64) {
        syscall_dispatch(tf);
#if LAB >= 5
        task_exit_if_killed();
#endif
        return tf;
    }
    if (esr_class(tf->esr) == EC_WFI_WFE) {
        // WFI and WFE are hints: "nothing to do until an interrupt (an event) comes".  With
        // SCTLR_EL1.nTWI and nTWE clear they trap from EL0 instead of stopping the CPU (Arm
        // ARM D19.2.118), so the kernel, which knows better what else could run, takes the
        // hint as a yield and resumes the task after the instruction.  No fault.
        tf->elr += 4;
        sched_enqueue(current);
        schedule();
#if LAB >= 5
        task_exit_if_killed();
#endif
        return tf;
    }
    task_fault(tf); // kills the task: a user program's fault is not the kernel's
#else
    trap_unexpected(tf, "exception from EL0 (no user tasks before lab 4)");
#endif
}

void trap_irq(struct trapframe *tf)
{
    irq_dispatch();
#if LAB >= 4
    task_after_interrupt(tf); // the timer may have ended the running task's time slice
#endif
#if LAB >= 5
    if (trap_from_user(tf))
        task_exit_if_killed();
#endif
}

void trap_unexpected(struct trapframe *tf, const char *which)
{
    printf("Unexpected exception: %s\n", which);
    trap_print_fault(tf, "Kernel");
    backtrace_from(tf->elr, tf->x[29]);
    halt_after_fault();
}
