// spawn_selftest.c — test=spawn-enomem: a spawn that runs out of memory gives back every
// frame it took, wherever it ran out (given code).
//
// A spawn allocates some thirty frames, one at a time: the level-1 table, each segment's
// pages and the tables that map them, the stack, the kernel stack.  Any one of those
// allocations may be the one that fails, and each failure takes a different path back.  So
// the test takes every free frame but k, spawns `hello`, and checks that a refusal
// (-ENOMEM) leaves exactly k frames free, for k = 0, 1, 2, ... until the spawn succeeds: the
// failure comes at every allocation of the spawn in turn, whatever the allocator's order.
#include <stddef.h>
#include "debug/printf.h"
#include "debug/spawn_selftest.h"
#include "mm/frame.h"
#include "mm/memlayout.h"
#include "task/task.h"
#include "uapi/errno.h"

#define PROGRAM "hello"
#define MAX_FRAMES_NEEDED 1000 // far more than hello needs: stop there if it never succeeds

static uint64_t held; // frames taken out of circulation, chained through their first word

static void hold_frame(uint64_t pa)
{
    *(uint64_t *)phys_to_virt(pa) = held;
    held = pa;
}

// Takes every free frame.
static void hold_all(void)
{
    for (uint64_t pa; (pa = frame_alloc()) != 0;)
        hold_frame(pa);
}

// Gives back up to n of the held frames; returns how many.
static uint64_t give_back(uint64_t n)
{
    uint64_t given = 0;
    for (; given < n && held != 0; given++) {
        uint64_t next = *(uint64_t *)phys_to_virt(held);
        frame_free(held);
        held = next;
    }
    return given;
}

void selftest_spawn_enomem(uint32_t nonce)
{
    char *argv[] = {PROGRAM, NULL};
    // One spawn first: the kernel tables that map kernel stacks are made once and kept for
    // good, like spawnloop's first round.  (The tasks made here never run: the monitor runs
    // instead of the scheduler.)
    int first = task_spawn(PROGRAM, 1, argv, NULL);
    if (first < 0) {
        printf("spawn-enomem-selftest %u: cannot spawn %s at all (error %d)\n", nonce, PROGRAM,
               first);
        return;
    }
    hold_all();
    int leaks = 0, unexpected = 0;
    uint64_t k;
    for (k = 0; k < MAX_FRAMES_NEEDED; k++) {
        uint64_t free = give_back(k);
        int pid = task_spawn(PROGRAM, 1, argv, NULL);
        if (pid >= 0)
            break;
        if (pid != -ENOMEM && unexpected++ == 0)
            printf("spawn-enomem-selftest %u: FAIL with %lu frames free, spawn returned %d, not "
                   "-ENOMEM (%d)\n",
                   nonce, free, pid, -ENOMEM);
        if (frame_count_free() != free) {
            leaks++;
            printf("spawn-enomem-selftest %u: FAIL with %lu frames free, the refused spawn left "
                   "%lu\n",
                   nonce, free, frame_count_free());
        }
        hold_all();
    }
    give_back(~0UL);
    if (k == MAX_FRAMES_NEEDED) {
        printf("spawn-enomem-selftest %u: FAIL %s never started, even with %d frames free\n", nonce,
               PROGRAM, MAX_FRAMES_NEEDED);
        return;
    }
    printf("spawn-enomem-selftest %u: %s started with %lu frames free; refused with fewer, "
           "%d refusals lost frames, %d gave another error\n",
           nonce, PROGRAM, k, leaks, unexpected);
}
