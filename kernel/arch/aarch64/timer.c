// timer.c — periodic ticks from the EL1 virtual timer.
//
// The timer compares CNTVCT_EL0 (counting at CNTFRQ_EL0 Hz) with CNTV_CVAL_EL0 and raises
// its interrupt while the count is at or past it (CNTV_CTL_EL0.ISTATUS).  Each tick sets the
// next deadline one interval after the previous *deadline*, not after "now": the time the
// handler takes to run then never accumulates, and the rate stays exact (Arm ARM D11.2.4,
// "Timers").
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/timer.h"
#include "boot/bootargs.h"
#include "debug/printf.h"
#include "dev/irq.h"
#include "platform/virt/board.h"

#define CNTV_CTL_ENABLE (1u << 0)
#define CNTV_CTL_IMASK (1u << 1) // 1 masks the interrupt

static uint64_t ticks;
static unsigned hz;
static uint64_t interval; // counter cycles per tick
static uint64_t deadline; // CNTV_CVAL_EL0: when the next tick is due

uint64_t timer_counter(void)
{
    isb(); // do not read the counter early, before the instructions ahead of us
    return READ_SYSREG(cntvct_el0);
}

uint64_t timer_frequency(void)
{
    return READ_SYSREG(cntfrq_el0);
}

void timer_init(void)
{
    // Range-checked in full, as a 64-bit number: hz=4294967297 must not become 1 Hz.
    hz = (unsigned)bootarg_number("hz", TIMER_DEFAULT_HZ, TIMER_MIN_HZ, TIMER_MAX_HZ);
    interval = timer_frequency() / hz;
    // LAB 3: Your code here.
    // Set the first deadline one interval from now, write it to CNTV_CVAL_EL0, enable the
    // timer with its interrupt unmasked (CNTV_CTL_EL0), then register timer_interrupt for
    // IRQ_VTIMER with irq_register().
    // BEGIN SOLUTION LAB 3
    deadline = timer_counter() + interval;
    WRITE_SYSREG(cntv_cval_el0, deadline);
    WRITE_SYSREG(cntv_ctl_el0, CNTV_CTL_ENABLE);
    isb();
    irq_register(IRQ_VTIMER, timer_interrupt);
    // END SOLUTION
    printf("timer: %u Hz (every %lu counts of a %lu Hz counter)\n", hz, interval,
           timer_frequency());
}

void timer_interrupt(unsigned intid)
{
    // LAB 3: Your code here.
    // Count the tick and move the deadline on by one interval.  If this interrupt came so
    // late that later deadlines have passed too (the host was busy, or GDB stopped the
    // machine), count those ticks as well and move on past them: `ticks` measures time, and
    // time went on.  Writing CNTV_CVAL_EL0 with a future value is what makes the timer drop
    // its interrupt line.
    // BEGIN SOLUTION LAB 3
    uint64_t now = timer_counter();
    do {
        ticks++;
        deadline += interval;
    } while (deadline <= now);
    WRITE_SYSREG(cntv_cval_el0, deadline);
    isb();
    // STUB
    //| (void)deadline;
    //| WRITE_SYSREG(cntv_ctl_el0, CNTV_CTL_IMASK); // silence the timer until this is written
    // END SOLUTION
}

uint64_t timer_ticks(void)
{
    return ticks;
}

unsigned timer_hz(void)
{
    return hz;
}
