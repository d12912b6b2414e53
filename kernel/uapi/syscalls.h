// syscalls.h — Keel's system call interface, shared by the kernel and user programs.
//
// docs/syscalls.md is the reference: each call's registers, results and errors.  In short:
// `svc #0` with the number in x8 and arguments in x0-x5; the result comes back in x0, a
// negative errno (errno.h) on failure.  Numbers are Linux's AArch64 ones where Linux has a
// call of the same meaning (include/uapi/asm-generic/unistd.h); Keel's own start at 500.
#ifndef KEEL_SYSCALLS_H
#define KEEL_SYSCALLS_H

// Files (lab 7): Linux's numbers; kernel/uapi/fs.h has their flags and structures.
#define SYS_getcwd 17
#define SYS_dup 23
#define SYS_dup3 24
#define SYS_mkdirat 34
#define SYS_unlinkat 35
#define SYS_renameat 38
#define SYS_chdir 49
#define SYS_openat 56
#define SYS_close 57
#define SYS_pipe2 59
#define SYS_getdents64 61
#define SYS_lseek 62
#define SYS_newfstatat 79
#define SYS_fstat 80
#define SYS_fsync 82
#define SYS_prlimit64 261 // RLIMIT_NOFILE only

// Lab 8: the disk.  sync and reboot (power-off only) write every file system back first;
// clock_gettime reads the PL031 real-time clock (CLOCK_REALTIME) or the generic timer
// (CLOCK_MONOTONIC).
#define SYS_sync 81
#define SYS_clock_gettime 113
#define SYS_reboot 142
#define SYS_disk_writeback 527 // Keel: (disk slot, offset, len) -> 0: the RAM disk to its file
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc

#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_nanosleep 101
#define SYS_sched_yield 124
#define SYS_getpid 172
#define SYS_getppid 173
#define SYS_sysinfo 179
#define SYS_kill 129 // lab 5: SIGKILL only (and 0, to ask whether the task exists)
#define SYS_wait4 260
#define SYS_spawn 500 // Keel: start a program from the boot archive

#define SYSCALL_TABLE_SIZE 576

// Limits of spawn's arguments.
#define SPAWN_MAX_ARGS 32
#define SPAWN_MAX_ARG_BYTES 4096
#define PROGRAM_NAME_MAX 64
// From lab 5, spawn's x2 and x3 name at most SPAWN_MAX_CAPS capability slots of the parent
// to copy into the child's slots 0, 1, ... (CAP_NONE leaves one empty); with x2 = 0 the
// child gets a copy of the parent's slot 0, its console (see ipc.h).
#define SPAWN_MAX_CAPS 8

// wait4's options and status words, as Linux encodes them: an exit code in bits 15..8, or
// the number of the signal that killed the task in bits 6..0.
#define WNOHANG 1
#define WIFEXITED(status) (((status)&0x7f) == 0)
#define WEXITSTATUS(status) (((status) >> 8) & 0xff)
#define WIFSIGNALED(status) (((status)&0x7f) != 0)
#define WTERMSIG(status) ((status)&0x7f)

// The signals a fault kills a task with (Linux's numbers).
#define SIGILL 4   // undefined instruction
#define SIGTRAP 5  // breakpoint
#define SIGBUS 7   // alignment fault
#define SIGFPE 8   // floating point
#define SIGKILL 9  // kill (lab 5)
#define SIGSEGV 11 // translation or permission fault

struct timespec {
    long tv_sec;
    long tv_nsec;
};

// Linux's struct sysinfo (AArch64 layout); Keel fills uptime, totalram, freeram (in frames
// of mem_unit = 4096 bytes) and procs.
struct sysinfo {
    long uptime;
    unsigned long loads[3];
    unsigned long totalram;
    unsigned long freeram;
    unsigned long sharedram;
    unsigned long bufferram;
    unsigned long totalswap;
    unsigned long freeswap;
    unsigned short procs;
    unsigned short pad;
    unsigned long totalhigh;
    unsigned long freehigh;
    unsigned int mem_unit;
    char reserved[20 - 2 * sizeof(long) - sizeof(int)];
};

#endif
