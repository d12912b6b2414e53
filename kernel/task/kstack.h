// kstack.h — kernel stacks (kernel/task/kstack.c).
//
// Kernel stacks live in their own region of the kernel half, one slot per task, each with
// unmapped guard pages below the stack: an overflow faults instead of overwriting memory.
//
//   KSTACK_REGION + slot * KSTACK_SLOT_SIZE  ┌────────────────────┐
//                                            │ guard (16 KiB)     │ never mapped
//                                            ├────────────────────┤
//                                            │ stack (16 KiB)     │ grows down
//   ... + KSTACK_SLOT_SIZE = kstack_top      └────────────────────┘
#ifndef KEEL_KSTACK_H
#define KEEL_KSTACK_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/memlayout.h"

#define KSTACK_REGION (KERNBASE + 0x4000000000UL) // 256 GiB above the direct map's start
#define KSTACK_SLOT_SIZE (32 * 1024)
#define KSTACK_TASK_SIZE (16 * 1024) // the top half of each slot; the bottom half is guard

// Maps a fresh kernel stack for task slot `slot`; returns its top, or 0 if out of memory.
uint64_t kstack_alloc(int slot);
// Unmaps slot `slot`'s stack and frees its frames.
void kstack_free(int slot);
// Whether [addr, addr + len) lies inside some task's kernel stack (for backtraces).
bool task_kstack_contains(uint64_t addr, uint64_t len);

#endif
