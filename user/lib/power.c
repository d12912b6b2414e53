// power.c — wrappers of lab 8's sync, power-off and clock calls (Linux's numbers).
#include "ulib.h"

void sync(void)
{
    syscall6(SYS_sync, 0, 0, 0, 0, 0, 0);
}

int poweroff(void)
{
    return (int)syscall6(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
                         LINUX_REBOOT_CMD_POWER_OFF, 0, 0, 0);
}

int clock_gettime(int clock, struct timespec *t)
{
    return (int)syscall6(SYS_clock_gettime, clock, (long)t, 0, 0, 0, 0);
}
