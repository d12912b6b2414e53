// uaccess.h — reading and writing user memory from system calls (kernel/mm/uaccess.c).
//
// A user pointer is a number the user chose: it may be NULL, point into the kernel, at
// nothing, or at a page the user may read but not write.  Every access goes through these
// functions, which walk the current task's page table and allow exactly what EL0 itself
// could do, then copy through the kernel's direct map.  They return 0 or -EFAULT.
#ifndef KEEL_UACCESS_H
#define KEEL_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Whether EL0 of the current task may read (or with `write`, write) all of [va, va + len).
bool uaccess_ok(uint64_t va, size_t len, bool write);

int copy_from_user(void *dst, uint64_t user_src, size_t len);
int copy_to_user(uint64_t user_dst, const void *src, size_t len);

// Copies a NUL-terminated string of at most max-1 characters; returns its length, -EFAULT,
// or -ENAMETOOLONG if no NUL comes within max bytes.
long copy_string_from_user(char *dst, uint64_t user_src, size_t max);

#endif
