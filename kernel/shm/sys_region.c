// sys_region.c — the region calls: create, map, unmap, revoke (given code: the work is in
// region.c and map.c).
#include "ipc/cap.h"
#include "shm/region.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"

long sys_region_create(struct trapframe *tf)
{
    uint64_t pages = tf->x[0];
    if (pages == 0 || pages > REGION_MAX_PAGES)
        return -EINVAL;
    if (current->caps.used == CAP_SLOTS)
        return -EMFILE;
    struct region *r = region_create(pages);
    if (r == NULL)
        return -ENOMEM;
    return cap_install_new(current, &r->obj, RIGHT_MAP_READ | RIGHT_MAP_WRITE | RIGHT_GRANT);
}

long sys_region_map(struct trapframe *tf)
{
    uint64_t flags = tf->x[2];
    if (flags & ~(uint64_t)REGION_MAP_WRITE)
        return -EINVAL;
    bool writable = flags & REGION_MAP_WRITE;
    struct cap *c;
    long err = cap_lookup(current, (long)tf->x[0], CAP_REGION,
                          RIGHT_MAP_READ | (writable ? RIGHT_MAP_WRITE : 0), &c);
    if (err != 0)
        return err;
    return region_map(current, (struct region *)c->object, tf->x[1], writable, c->original);
}

long sys_region_unmap(struct trapframe *tf)
{
    return region_unmap(current, tf->x[0]);
}

long sys_region_revoke(struct trapframe *tf)
{
    struct cap *c;
    long err = cap_lookup(current, (long)tf->x[0], CAP_REGION, 0, &c);
    if (err != 0)
        return err;
    if (!c->original)
        return -EPERM; // only the creator's capability can take back what it handed out
    region_revoke((struct region *)c->object);
    return 0;
}
