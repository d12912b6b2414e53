// cap.c — capability tables: looking a slot up with its rights, minting, deleting.
//
// The rules that make capabilities capabilities (seL4 reference manual, chapter 3, in small):
//   - only the kernel writes tables; user code names a slot and the kernel checks it;
//   - a copy never has more rights than what it was copied from (mint);
//   - a badge, once set, stays: a client cannot re-badge its capability to pass as another;
//   - deleting the original deletes every copy everywhere (there are no dangling ones).
#include <stddef.h>
#include "ipc/cap.h"
#include "lib/string.h"
#include "task/task.h"
#include "uapi/errno.h"

static bool slot_in_range(long slot)
{
    return slot >= 0 && slot < CAP_SLOTS;
}

long cap_lookup(struct task *t, long slot, unsigned type, unsigned rights, struct cap **out)
{
    // LAB 5: Your code here.
    // The slot number is whatever the user put in a register: any 64-bit value.  Outside
    // 0..CAP_SLOTS-1 or empty: -EBADF.  An object of another type: -EINVAL.  Missing any of
    // `rights`: -EPERM.  Otherwise point *out at the slot's capability and return 0.
    // BEGIN SOLUTION LAB 5
    if (!slot_in_range(slot) || t->caps.slot[slot].object == NULL)
        return -EBADF;
    struct cap *c = &t->caps.slot[slot];
    if (c->object->type != type)
        return -EINVAL;
    if ((c->rights & rights) != rights)
        return -EPERM;
    *out = c;
    return 0;
    // STUB
    //| (void)t, (void)slot, (void)type, (void)rights, (void)out, (void)slot_in_range;
    //| return -ENOSYS;
    // END SOLUTION
}

long cap_install(struct task *t, const struct cap *c, bool original)
{
    for (long i = 0; i < CAP_SLOTS; i++) {
        struct cap *s = &t->caps.slot[i];
        if (s->object != NULL)
            continue;
        *s = *c;
        s->original = original;
        t->caps.used++;
        return i;
    }
    return -EMFILE;
}

long cap_install_new(struct task *t, struct kobject *o, unsigned rights)
{
    struct cap c = {.object = o, .badge = 0, .rights = (uint8_t)rights, .original = true};
    long slot = cap_install(t, &c, true);
    if (slot < 0)
        object_destroy(o); // nobody else can name it yet
    return slot;
}

// Removes every capability to `o` from every table, and every copy travelling in a message
// not yet delivered, then destroys the object.
static void destroy_object_everywhere(struct kobject *o)
{
    for (int i = 0; i < NTASKS; i++) {
        struct task *t = &tasks[i];
        if (t->state == TASK_UNUSED)
            continue;
        for (int s = 0; s < CAP_SLOTS; s++) {
            if (t->caps.slot[s].object == o) {
                memset(&t->caps.slot[s], 0, sizeof(struct cap));
                t->caps.used--;
            }
        }
        if (t->ipc.msg.has_cap && t->ipc.msg.cap.object == o)
            t->ipc.msg.has_cap = false;
    }
    object_destroy(o);
}

void cap_delete(struct task *t, long slot)
{
    struct cap *c = &t->caps.slot[slot];
    struct kobject *o = c->object;
    if (c->original) {
        destroy_object_everywhere(o);
        return;
    }
    memset(c, 0, sizeof(*c));
    t->caps.used--;
}

void cap_clear_rights(struct kobject *o)
{
    for (int i = 0; i < NTASKS; i++)
        for (int s = 0; s < CAP_SLOTS; s++)
            if (tasks[i].state != TASK_UNUSED && tasks[i].caps.slot[s].object == o)
                tasks[i].caps.slot[s].rights = 0;
}

void cap_delete_all(struct task *t)
{
    for (long i = 0; i < CAP_SLOTS; i++)
        if (t->caps.slot[i].object != NULL)
            cap_delete(t, i);
}

long cap_mint(struct task *t, long slot, uint64_t rights, uint64_t badge)
{
    if (!slot_in_range(slot) || t->caps.slot[slot].object == NULL)
        return -EBADF;
    // Bit 63 stays clear so that a notification word returned in x0 is never negative.
    if ((rights & ~(uint64_t)RIGHTS_ALL) != 0 || (badge >> 63) != 0)
        return -EINVAL;
    // LAB 5: Your code here.
    // `src` is the capability to copy.  A reply capability is one-shot: no copies (-EINVAL).
    // The copy may keep or drop rights but never add one (-EPERM).  A non-zero badge is
    // only for endpoints and notifications (-EINVAL for other types), and only if the source
    // has none yet (-EPERM: a client must not re-badge its capability to pass as another
    // client); badge 0 keeps the source's badge.  Install the copy (not as an original)
    // with cap_install and return its slot.
    // BEGIN SOLUTION LAB 5
    struct cap *src = &t->caps.slot[slot];
    unsigned type = src->object->type;
    if (type == CAP_REPLY)
        return -EINVAL;
    if ((rights & ~(uint64_t)src->rights) != 0)
        return -EPERM;
    struct cap copy = *src;
    copy.rights = (uint8_t)rights;
    if (badge != 0) {
        if (type != CAP_ENDPOINT && type != CAP_NOTIFICATION)
            return -EINVAL;
        if (src->badge != 0)
            return -EPERM;
        copy.badge = badge;
    }
    return cap_install(t, &copy, false);
    // STUB
    //| (void)badge;
    //| return -ENOSYS;
    // END SOLUTION
}

unsigned cap_count_all(void)
{
    unsigned n = 0;
    for (int i = 0; i < NTASKS; i++)
        if (tasks[i].state != TASK_UNUSED)
            n += (unsigned)tasks[i].caps.used;
    return n;
}
