// timer.h — the Arm generic timer: ticks at a fixed rate (kernel/arch/aarch64/timer.c).
//
// CNTVCT_EL0 counts up at CNTFRQ_EL0 Hz (62.5 MHz on QEMU's virt) from boot; the EL1
// virtual timer raises its interrupt (PPI 11, INTID 27) when the count reaches
// CNTV_CVAL_EL0.  Arm ARM D11 "The Generic Timer in AArch64 state".
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <stdint.h>

#define TIMER_DEFAULT_HZ 100
#define TIMER_MIN_HZ 1
#define TIMER_MAX_HZ 1000

// CNTKCTL_EL1 bit 1: EL0 may read CNTVCT_EL0 and CNTFRQ_EL0 (0 makes those reads trap).
#define CNTKCTL_EL0VCTEN (1UL << 1)

// Starts ticking at the rate of boot argument hz=N (default TIMER_DEFAULT_HZ, 1 to 1000).
void timer_init(void);
// The interrupt handler: counts the tick and sets the next deadline.
void timer_interrupt(unsigned intid);

uint64_t timer_ticks(void);     // ticks since timer_init
unsigned timer_hz(void);        // the configured rate
uint64_t timer_counter(void);   // CNTVCT_EL0, now
uint64_t timer_frequency(void); // CNTFRQ_EL0, counts per second

#endif
