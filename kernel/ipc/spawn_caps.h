// spawn_caps.h — capabilities passed by spawn (kernel/ipc/spawn_caps.c).
#ifndef KEEL_SPAWN_CAPS_H
#define KEEL_SPAWN_CAPS_H

#include <stdint.h>
#include "uapi/syscalls.h"

struct task;

// Reads and checks spawn's list of parent slots (x2, x3) into `list` and *n, before the
// child exists: 0, or -EINVAL (too many), -EFAULT, -EBADF (an empty slot), -EINVAL (a reply
// capability).
long spawn_caps_copy_in(uint64_t user_list, uint64_t count, long list[SPAWN_MAX_CAPS], int *n);
// Copies them into the new task's slots 0..n-1.
void spawn_caps_give(struct task *child, const long list[], int n);

#endif
