// sys_cap.c — the capability calls: create, mint, delete, describe (given code: the work is
// in cap.c).
#include "ipc/cap.h"
#include "ipc/devmem.h"
#include "ipc/endpoint.h"
#include "ipc/notification.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"
#if LAB >= 6
#include "shm/region.h"
#endif

// A new object's original capability with every right its type has.
static long create(struct kobject *o)
{
    if (o == NULL)
        return -ENOMEM;
    return cap_install_new(current, o, RIGHT_SEND | RIGHT_RECV | RIGHT_GRANT);
}

long sys_endpoint_create(struct trapframe *tf)
{
    if (current->caps.used == CAP_SLOTS)
        return -EMFILE;
    struct endpoint *ep = endpoint_create();
    return create(ep != NULL ? &ep->obj : NULL);
}

long sys_notification_create(struct trapframe *tf)
{
    if (current->caps.used == CAP_SLOTS)
        return -EMFILE;
    struct notification *n = notification_create();
    return create(n != NULL ? &n->obj : NULL);
}

long sys_cap_mint(struct trapframe *tf)
{
    return cap_mint(current, (long)tf->x[0], tf->x[1], tf->x[2]);
}

long sys_cap_delete(struct trapframe *tf)
{
    long slot = (long)tf->x[0];
    if (slot < 0 || slot >= CAP_SLOTS || current->caps.slot[slot].object == NULL)
        return -EBADF;
    cap_delete(current, slot);
    return 0;
}

// What a holder may map of the object: a region's or device memory's bytes.
static unsigned long object_size(const struct kobject *o)
{
    if (o->type == CAP_DEVMEM)
        return ((const struct devmem *)o)->size;
#if LAB >= 6
    if (o->type == CAP_REGION)
        return (unsigned long)((const struct region *)o)->pages * PAGE_SIZE;
#endif
    return 0;
}

long sys_cap_describe(struct trapframe *tf)
{
    long slot = (long)tf->x[0];
    if (slot < 0 || slot >= CAP_SLOTS)
        return -EBADF;
    struct cap_info info;
    memset(&info, 0, sizeof(info));
    const struct cap *c = &current->caps.slot[slot];
    if (c->object != NULL) {
        info.type = c->object->type;
        info.rights = c->rights;
        info.badge = c->badge;
        info.object = c->object->id;
        info.original = c->original;
        info.size = object_size(c->object);
    }
    return copy_to_user(tf->x[1], &info, sizeof(info));
}
