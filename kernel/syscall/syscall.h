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

#endif
