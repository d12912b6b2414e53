// syscall.c — from `svc #0` to the function that implements the call.
//
// trap_el0_sync() calls syscall_dispatch() when ESR_EL1 says SVC from AArch64.  The user's
// x8 picks the call, x0-x5 are its arguments (all saved in the trap frame), and the result
// goes back in x0: the trap frame is what user space gets back on `eret`.
#include <stddef.h>
#include "syscall/syscall.h"
#include "uapi/errno.h"

static long (*const syscall_table[SYSCALL_TABLE_SIZE])(struct trapframe *) = {
    [SYS_read] = sys_read,
    [SYS_write] = sys_write,
    [SYS_exit] = sys_exit,
    [SYS_exit_group] = sys_exit,
    [SYS_nanosleep] = sys_nanosleep,
    [SYS_sched_yield] = sys_sched_yield,
    [SYS_getpid] = sys_getpid,
    [SYS_getppid] = sys_getppid,
    [SYS_sysinfo] = sys_sysinfo,
    [SYS_wait4] = sys_wait4,
    [SYS_spawn] = sys_spawn,
#if LAB >= 5
    [SYS_kill] = sys_kill,
    [SYS_endpoint_create] = sys_endpoint_create,
    [SYS_notification_create] = sys_notification_create,
    [SYS_cap_mint] = sys_cap_mint,
    [SYS_cap_delete] = sys_cap_delete,
    [SYS_cap_describe] = sys_cap_describe,
    [SYS_ipc_send] = sys_ipc_send,
    [SYS_ipc_recv] = sys_ipc_recv,
    [SYS_ipc_call] = sys_ipc_call,
    [SYS_ipc_reply] = sys_ipc_reply,
    [SYS_ipc_reply_recv] = sys_ipc_reply_recv,
    [SYS_ipc_nbsend] = sys_ipc_nbsend,
    [SYS_ipc_nbrecv] = sys_ipc_nbrecv,
    [SYS_ipc_save_reply] = sys_ipc_save_reply,
    [SYS_notify_signal] = sys_notify_signal,
    [SYS_notify_wait] = sys_notify_wait,
    [SYS_notify_poll] = sys_notify_poll,
    [SYS_notify_bind] = sys_notify_bind,
    [SYS_irq_bind] = sys_irq_bind,
    [SYS_irq_ack] = sys_irq_ack,
    [SYS_devmem_map] = sys_devmem_map,
    [SYS_task_describe] = sys_task_describe,
    [SYS_keel_stats] = sys_keel_stats,
#endif
#if LAB >= 6
    [SYS_region_create] = sys_region_create,
    [SYS_region_map] = sys_region_map,
    [SYS_region_unmap] = sys_region_unmap,
    [SYS_region_revoke] = sys_region_revoke,
#endif
#if LAB >= 7
    [SYS_getcwd] = sys_getcwd,
    [SYS_dup] = sys_dup,
    [SYS_dup3] = sys_dup3,
    [SYS_mkdirat] = sys_mkdirat,
    [SYS_unlinkat] = sys_unlinkat,
    [SYS_renameat] = sys_renameat,
    [SYS_chdir] = sys_chdir,
    [SYS_openat] = sys_openat,
    [SYS_close] = sys_close,
    [SYS_pipe2] = sys_pipe2,
    [SYS_getdents64] = sys_getdents64,
    [SYS_lseek] = sys_lseek,
    [SYS_newfstatat] = sys_newfstatat,
    [SYS_fstat] = sys_fstat,
    [SYS_fsync] = sys_fsync,
    [SYS_prlimit64] = sys_prlimit64,
#endif
#if LAB >= 8
    [SYS_sync] = sys_sync,
    [SYS_clock_gettime] = sys_clock_gettime,
    [SYS_reboot] = sys_reboot,
    [SYS_disk_writeback] = sys_disk_writeback,
#endif
};

void syscall_dispatch(struct trapframe *tf)
{
    // LAB 4: Your code here.
    // The number is in x8: any 64-bit value the user liked.  Outside the table, or a hole
    // in it: -ENOSYS.  Otherwise call the function; its result goes into x0.
    // BEGIN SOLUTION LAB 4
    uint64_t number = tf->x[8];
    long result = -ENOSYS;
    if (number < SYSCALL_TABLE_SIZE && syscall_table[number] != NULL)
        result = syscall_table[number](tf);
    tf->x[0] = (uint64_t)result;
    // STUB
    //| (void)syscall_table;
    //| tf->x[0] = (uint64_t)-ENOSYS;
    // END SOLUTION
}
