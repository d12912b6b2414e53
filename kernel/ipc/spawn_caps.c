// spawn_caps.c — the capabilities a new task starts with (given code).
//
// There is no ambient authority: a child can use only what its parent hands it.  spawn's
// x2/x3 name parent slots to copy into the child's slots 0, 1, ...; without a list the child
// gets a copy of the parent's slot 0, its console, as a Unix child inherits fds 0-2.
#include <stddef.h>
#include "ipc/cap.h"
#include "mm/uaccess.h"
#include "task/task.h"
#include "uapi/errno.h"
#include "uapi/syscalls.h"

long spawn_caps_copy_in(uint64_t user_list, uint64_t count, long list[SPAWN_MAX_CAPS], int *n)
{
    if (user_list == 0) {
        list[0] = SLOT_CONSOLE;
        *n = current->caps.slot[SLOT_CONSOLE].object != NULL ? 1 : 0;
        return 0;
    }
    if (count > SPAWN_MAX_CAPS)
        return -EINVAL;
    if (copy_from_user(list, user_list, count * sizeof(long)) != 0)
        return -EFAULT;
    for (uint64_t i = 0; i < count; i++) {
        long slot = list[i];
        if (slot == CAP_NONE)
            continue;
        if (slot < 0 || slot >= CAP_SLOTS || current->caps.slot[slot].object == NULL)
            return -EBADF;
        if (current->caps.slot[slot].object->type == CAP_REPLY)
            return -EINVAL;
    }
    *n = (int)count;
    return 0;
}

void spawn_caps_give(struct task *child, const long list[], int n)
{
    for (int i = 0; i < n; i++) {
        if (list[i] == CAP_NONE)
            continue;
        child->caps.slot[i] = current->caps.slot[list[i]];
        child->caps.slot[i].original = false;
        child->caps.used++;
    }
}
