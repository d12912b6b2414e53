// regs_selftest.c — test=irq-registers: the interrupted code gets every register back
// (given code; the assembly is in regs_hold.S).
//
// In two rounds, x0-x30, SP_EL0 and NZCV get patterns made from the nonce and the CPU spins
// for 12 timer ticks with interrupts on.  Besides the timer, the EL1 physical timer
// interrupts every 1/4 ms, and its handler (clobber_interrupt) changes everything a task
// switch will change in lab 4: x0-x18, SP_EL0, ELR_EL1, SPSR_EL1.  Afterwards every register
// must hold its pattern again, and SP its old value.  The spin needs two registers of its
// own (x9 and x10 in round 0, x11 and x12 in round 1), so every register is checked in one
// round or the other; NZCV holds a value and then its complement, so every flag is checked
// set and clear.  Whatever the nonce, the same registers are checked: it varies the values.
#include <stdbool.h>
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/timer.h"
#include "debug/printf.h"
#include "debug/regs_selftest.h"
#include "dev/irq.h"
#include "lib/mix.h"
#include "platform/virt/board.h"

#define SPIN_TICKS 12
#define TICKS_MIN 10 // timer interrupts a round must see
#define CNTP_CTL_ENABLE 1

uint64_t clobber_interval;
uint64_t clobber_flags;
volatile uint64_t clobber_count;

static uint32_t test_nonce;

static void fill(struct held_regs *r, int round)
{
    for (int i = 0; i < 31; i++)
        r->x[i] = mix64(((uint64_t)test_nonce << 8) ^ ((uint64_t)round << 6) ^ (uint64_t)i) | 1;
    r->sp_el0 = mix64(((uint64_t)test_nonce << 8) ^ ((uint64_t)round << 6) ^ 31) | 1;
    uint64_t m = test_nonce & 0xf;
    r->nzcv = (round == 0 ? m : m ^ 0xf) << 28;
}

void regs_selftest_elr_lost(void)
{
    panic("irq-registers-selftest %u: the interrupted code went on at the address a handler "
          "left in ELR_EL1, not at the one saved in its trap frame",
          test_nonce);
}

static int check(int round, const char *name, uint64_t want, uint64_t got)
{
    if (got == want)
        return 0;
    printf("irq-registers-selftest %u: FAIL %s after the spin (round %d): expected 0x%lx, got "
           "0x%lx\n",
           test_nonce, name, round, want, got);
    return 1;
}

// One round: holds the patterns across SPIN_TICKS ticks; returns the number of problems.
static int run_round(int round)
{
    void (*hold)(const struct held_regs *, struct held_regs *) =
        round == 0 ? hold_across_interrupts_x9 : hold_across_interrupts_x11;
    int loop = round == 0 ? 9 : 11; // the loop's deadline register; loop + 1 is its counter
    struct held_regs want, got;
    fill(&want, round);
    want.x[loop] = timer_counter() + SPIN_TICKS * timer_frequency() / timer_hz();
    clobber_flags = want.nzcv ^ (0xfUL << 28);
    uint64_t ticks = irq_count(IRQ_VTIMER), clobbers = clobber_count;
    hold(&want, &got);
    ticks = irq_count(IRQ_VTIMER) - ticks;
    clobbers = clobber_count - clobbers;

    int problems = 0;
    char name[8];
    for (int i = 0; i < 31; i++) {
        if (i == loop || i == loop + 1)
            continue;
        snprintf(name, sizeof(name), "x%d", i);
        problems += check(round, name, want.x[i], got.x[i]);
    }
    problems += check(round, "sp_el0", want.sp_el0, got.sp_el0);
    problems += check(round, "nzcv", want.nzcv, got.nzcv);
    problems += check(round, "sp", got.sp_before, got.sp);
    bool enough = ticks >= TICKS_MIN && clobbers >= ticks;
    printf("irq-registers-selftest %u: round %d: %lu timer interrupts and %lu clobbering ones "
           "while spinning; %s\n",
           test_nonce, round, ticks, clobbers,
           !enough        ? "FAIL too few interrupts"
           : problems > 0 ? "registers lost"
                          : "every register kept");
    return problems + !enough;
}

void selftest_irq_registers(uint32_t nonce)
{
    test_nonce = nonce;
    clobber_interval = timer_frequency() / 4000;
    irq_register(IRQ_PTIMER, clobber_interrupt);
    WRITE_SYSREG(cntp_tval_el0, clobber_interval);
    WRITE_SYSREG(cntp_ctl_el0, CNTP_CTL_ENABLE);
    isb();
    uint64_t flags = irq_save();
    irq_enable();
    int problems = run_round(0) + run_round(1);
    irq_restore(flags);
    WRITE_SYSREG(cntp_ctl_el0, 0);
    isb();
    if (problems == 0)
        printf("irq-registers-selftest %u: all registers survived the interrupts\n", nonce);
}
