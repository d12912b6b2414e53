// backtrace.h — walking the chain of AArch64 frame records (kernel/debug/backtrace.c).
#ifndef KEEL_BACKTRACE_H
#define KEEL_BACKTRACE_H

#include <stdint.h>

// Prints the call stack: first `pc` itself, then the return address of every frame record
// reachable from `fp` (the x29 of the code that was running at `pc`), each with the function
// it belongs to.  Stops at a zero frame pointer, at one outside the kernel's stacks, or after
// BACKTRACE_MAX_FRAMES frames.
void backtrace_from(uint64_t pc, uint64_t fp);

// Prints the call stack of its caller.
void backtrace(void);

#define BACKTRACE_MAX_FRAMES 64

#endif
