// syscall.h — the system call dispatcher (kernel/syscall/syscall.c) and the calls themselves
// (kernel/syscall/sys_task.c, kernel/syscall/sys_io.c).  The interface is docs/syscalls.md.
#ifndef KEEL_SYSCALL_H
#define KEEL_SYSCALL_H

#include "arch/aarch64/trapframe.h"
#include "uapi/syscalls.h"

// Runs the system call the trap frame asks for (x8) and puts its result in x0.
void syscall_dispatch(struct trapframe *tf);

// One function per call: arguments from x0-x5 of the trap frame, the result returned.
long sys_read(struct trapframe *tf);
long sys_write(struct trapframe *tf);
long sys_exit(struct trapframe *tf);
long sys_nanosleep(struct trapframe *tf);
long sys_sched_yield(struct trapframe *tf);
long sys_getpid(struct trapframe *tf);
long sys_getppid(struct trapframe *tf);
long sys_sysinfo(struct trapframe *tf);
long sys_wait4(struct trapframe *tf);
long sys_spawn(struct trapframe *tf);

#if LAB >= 5
#include "uapi/ipc.h"
// kernel/task/kill.c
long sys_kill(struct trapframe *tf);
// kernel/ipc/sys_cap.c
long sys_endpoint_create(struct trapframe *tf);
long sys_notification_create(struct trapframe *tf);
long sys_cap_mint(struct trapframe *tf);
long sys_cap_delete(struct trapframe *tf);
long sys_cap_describe(struct trapframe *tf);
// kernel/ipc/sys_ipc.c
long sys_ipc_send(struct trapframe *tf);
long sys_ipc_recv(struct trapframe *tf);
long sys_ipc_call(struct trapframe *tf);
long sys_ipc_reply(struct trapframe *tf);
long sys_ipc_reply_recv(struct trapframe *tf);
long sys_ipc_nbsend(struct trapframe *tf);
long sys_ipc_nbrecv(struct trapframe *tf);
long sys_ipc_save_reply(struct trapframe *tf);
// kernel/ipc/sys_notify.c
long sys_notify_signal(struct trapframe *tf);
long sys_notify_wait(struct trapframe *tf);
long sys_notify_poll(struct trapframe *tf);
long sys_notify_bind(struct trapframe *tf);
long sys_irq_bind(struct trapframe *tf);
long sys_irq_ack(struct trapframe *tf);
long sys_devmem_map(struct trapframe *tf);
// kernel/ipc/sys_describe.c
long sys_task_describe(struct trapframe *tf);
long sys_keel_stats(struct trapframe *tf);
#endif

#if LAB >= 6
#include "uapi/shm.h"
// kernel/shm/sys_region.c
long sys_region_create(struct trapframe *tf);
long sys_region_map(struct trapframe *tf);
long sys_region_unmap(struct trapframe *tf);
long sys_region_revoke(struct trapframe *tf);
#endif

#if LAB >= 7
// kernel/fd/sys_fd.c: calls on an fd
long sys_close(struct trapframe *tf);
long sys_dup(struct trapframe *tf);
long sys_dup3(struct trapframe *tf);
long sys_pipe2(struct trapframe *tf);
long sys_lseek(struct trapframe *tf);
long sys_fstat(struct trapframe *tf);
long sys_getdents64(struct trapframe *tf);
long sys_fsync(struct trapframe *tf);
long sys_prlimit64(struct trapframe *tf);
// kernel/fd/sys_path.c: calls on a path
long sys_openat(struct trapframe *tf);
long sys_newfstatat(struct trapframe *tf);
long sys_mkdirat(struct trapframe *tf);
long sys_unlinkat(struct trapframe *tf);
long sys_renameat(struct trapframe *tf);
long sys_chdir(struct trapframe *tf);
long sys_getcwd(struct trapframe *tf);
#endif

#if LAB >= 8
long sys_sync(struct trapframe *tf);           // kernel/fd/sys_sync.c
long sys_reboot(struct trapframe *tf);         // kernel/fd/sys_sync.c
long sys_clock_gettime(struct trapframe *tf);  // kernel/dev/rtc.c
long sys_disk_writeback(struct trapframe *tf); // kernel/dev/ramdisk.c
#endif

#endif
