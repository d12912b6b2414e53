// fastpath.h — call and reply_recv in their common case, without the general machinery
// (kernel/ipc/fastpath.c).
#ifndef KEEL_FASTPATH_H
#define KEEL_FASTPATH_H

#include <stdint.h>
#include "arch/aarch64/trapframe.h"

// If `tf` is a call or reply_recv (system call `number`: vectors.S calls this only for
// those) that the fast path can do, does it and returns the trap frame of the task that
// runs now; otherwise NULL (and nothing has happened: trap_el0_sync takes the slow path).
struct trapframe *ipc_fastpath(struct trapframe *tf, uint64_t number);

// Reads the boot argument "nofastpath", which sends every message through the slow path
// (endpoint.c, reply.c: the code a student writes), so graders can test it alone.
void ipc_fastpath_init(void);

#endif
