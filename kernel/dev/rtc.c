// rtc.c — the time of day from the virt board's PL031 real-time clock, and clock_gettime
// (lab 8: FAT32 stamps files with it).
//
// The PL031 (Arm's PrimeCell RTC, DDI 0224) counts seconds in its data register RTCDR, at
// offset 0; QEMU starts it at the host's time.  Sub-second parts come from the generic
// timer, which counts much faster (CNTFRQ_EL0 per second).
#include "arch/aarch64/timer.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "platform/virt/board.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/syscalls.h"

#define RTCDR 0x000 // data register: seconds since 1970

static uint32_t rtc_seconds(void)
{
    volatile uint32_t *rtcdr = (volatile uint32_t *)((char *)phys_to_virt(RTC_PA) + RTCDR);
    return *rtcdr;
}

// clock_gettime(clockid, tp): CLOCK_REALTIME (the PL031's seconds; nanoseconds from the
// generic timer within the second) or CLOCK_MONOTONIC (the generic timer since boot).
long sys_clock_gettime(struct trapframe *tf)
{
    unsigned clock = (unsigned)tf->x[0];
    uint64_t counts = timer_counter(), hz = timer_frequency();
    struct timespec t;
    if (clock == CLOCK_REALTIME) {
        t.tv_sec = rtc_seconds();
        t.tv_nsec = (long)((counts % hz) * 1000000000UL / hz);
    } else if (clock == CLOCK_MONOTONIC) {
        t.tv_sec = (long)(counts / hz);
        t.tv_nsec = (long)((counts % hz) * 1000000000UL / hz);
    } else {
        return -EINVAL;
    }
    return copy_to_user(tf->x[1], &t, sizeof(t));
}
