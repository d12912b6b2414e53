// cap.h — capability tables (kernel/ipc/cap.c).
//
// A task's capabilities are an array of CAP_SLOTS slots, indexed by the numbers user code
// passes in registers.  A slot holds a pointer to a kernel object, the rights this
// capability grants on it and a badge.  The pointer never leaves the kernel: user code only
// ever sees slot numbers, so it can neither forge a capability nor widen one.
//
//   task 7's table                         kernel objects
//   slot 0  endpoint  send       badge 3 ──► endpoint #12  (the console's)
//   slot 1  (empty)
//   slot 2  notification send+recv  ─────► notification #15
//   ...
//   slot 63
#ifndef KEEL_CAP_H
#define KEEL_CAP_H

#include <stdbool.h>
#include <stdint.h>
#include "ipc/object.h"
#include "uapi/ipc.h"

struct task;

struct cap {
    struct kobject *object; // NULL: the slot is empty
    uint64_t badge;         // endpoints and notifications: told to the receiver / OR'ed in
    uint8_t rights;         // RIGHT_* mask
    bool original;          // the creator's: deleting it destroys the object
};

struct task_caps {
    struct cap slot[CAP_SLOTS];
    int used; // slots in use
};

// Finds the capability in `slot` of `t`: it must exist (-EBADF), name an object of `type`
// (-EINVAL) and carry every right in `rights` (-EPERM).  0 and *out, or the error.
long cap_lookup(struct task *t, long slot, unsigned type, unsigned rights, struct cap **out);
// Puts a copy of `c` in the lowest free slot of `t` (never as the original, unless
// `original`).  The slot number, or -EMFILE.
long cap_install(struct task *t, const struct cap *c, bool original);
// A new object's original capability, with all of `rights`, in a free slot of `t`.  If no
// slot is free the object is destroyed again and -EMFILE returned.
long cap_install_new(struct task *t, struct kobject *o, unsigned rights);
// Empties `slot` (which must hold a capability); an original takes its object with it.
void cap_delete(struct task *t, long slot);
// Takes every right from every capability to `o` (a reply whose caller died).
void cap_clear_rights(struct kobject *o);
// Deletes every capability `t` holds (exit).
void cap_delete_all(struct task *t);
// cap_mint: a copy of `slot` with fewer rights and perhaps a badge, in a free slot.
long cap_mint(struct task *t, long slot, uint64_t rights, uint64_t badge);
// Capability slots in use over all tasks (keel_stats).
unsigned cap_count_all(void);

#endif
