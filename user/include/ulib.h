// ulib.h — Keel's user library: system call wrappers, printf, strings (user/lib/).
// The system calls are described in docs/syscalls.md; the wrappers return what the kernel
// returns: a result, or a negative errno (errno.h) on failure.
#ifndef KEEL_ULIB_H
#define KEEL_ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "printfmt.h"
#include "string.h"
#include "syscalls.h"

long syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5);

// x0, x1 and sp as the kernel handed them to _start (user/lib/crt0.S).
extern const uint64_t crt0_entry[3];

long read(int fd, void *buf, size_t len);
long write(int fd, const void *buf, size_t len);
void exit(int status) __attribute__((noreturn));
int getpid(void);
int getppid(void);
int yield(void);
int sleep_ms(unsigned long ms);
int spawn(const char *path, char *const argv[]);
int waitpid(int pid, int *status, int options);
int sysinfo(struct sysinfo *info);

// Formats to standard output (one write per call, so lines of different tasks do not mix).
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int puts(const char *s);

// Parses a decimal or 0x-hex number (string.h); returns 0 on success.
int atoi(const char *s);

// The number of the error, as a name like "ENOENT" ("E?" if unknown).
const char *errno_name(long err);

// Reads the PMU's instruction counter (kernel enables it for EL0; counts only with QEMU's
// -icount shift=0).
static inline uint64_t instructions(void)
{
    uint64_t n;
    __asm__ volatile("isb\n mrs %0, pmevcntr0_el0" : "=r"(n)::"memory");
    return n;
}

#endif
