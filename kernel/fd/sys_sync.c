// sys_sync.c — sync and reboot's power-off (lab 8): the file systems' caches written back
// and their disks flushed before anything is lost.
#include "debug/printf.h"
#include "fd/vfs_client.h"
#include "platform/virt/power.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"
#include "uapi/syscalls.h"

long sys_sync(struct trapframe *tf)
{
    vfs_sync(); // Linux's sync cannot fail either; a failure is reported on the console
    return 0;
}

// reboot(magic1, magic2, cmd, arg): only LINUX_REBOOT_CMD_POWER_OFF, with Linux's magic
// numbers (so that no stray call powers Keel off).  Any task may: Keel has no users.
long sys_reboot(struct trapframe *tf)
{
    if ((uint32_t)tf->x[0] != LINUX_REBOOT_MAGIC1 || (uint32_t)tf->x[1] != LINUX_REBOOT_MAGIC2)
        return -EINVAL;
    if ((uint32_t)tf->x[2] != LINUX_REBOOT_CMD_POWER_OFF)
        return -EINVAL;
    printf("keel: pid %d (%s) powers off\n", current->pid, current->name);
    vfs_sync();
    power_exit(0);
    return 0; // not reached
}
