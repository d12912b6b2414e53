// power.h — turning the machine off (kernel/platform/virt/power.c).
#ifndef KEEL_POWER_H
#define KEEL_POWER_H

// Asks the firmware (PSCI SYSTEM_OFF) to power off; QEMU then exits with status 0.
void power_off(void) __attribute__((noreturn));

// With QEMU's -semihosting: ends QEMU with `code` as its exit status (graders read verdicts
// this way).  Without semihosting, the same as power_off().
void power_exit(int code) __attribute__((noreturn));

#endif
