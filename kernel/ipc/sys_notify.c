// sys_notify.c — notifications, IRQ lines and device memory from user space (given code: the
// work is in notification.c and irq_line.c).
#include "ipc/devmem.h"
#include "ipc/endpoint.h"
#include "ipc/irq_line.h"
#include "ipc/notification.h"
#include "syscall/syscall.h"
#include "task/task.h"
#include "uapi/errno.h"

static long notification_at(long slot, unsigned rights, struct notification **out)
{
    struct cap *c;
    long err = cap_lookup(current, slot, CAP_NOTIFICATION, rights, &c);
    if (err == 0)
        *out = (struct notification *)c->object;
    return err;
}

long sys_notify_signal(struct trapframe *tf)
{
    struct cap *c;
    long err = cap_lookup(current, (long)tf->x[0], CAP_NOTIFICATION, RIGHT_SEND, &c);
    if (err != 0)
        return err;
    if (c->badge == 0)
        return -EINVAL; // it would OR in nothing: mint a badged copy to signal with
    notification_signal((struct notification *)c->object, c->badge);
    return 0;
}

long sys_notify_wait(struct trapframe *tf)
{
    struct notification *n;
    long err = notification_at((long)tf->x[0], RIGHT_RECV, &n);
    return err != 0 ? err : notification_wait(n, true);
}

long sys_notify_poll(struct trapframe *tf)
{
    struct notification *n;
    long err = notification_at((long)tf->x[0], RIGHT_RECV, &n);
    return err != 0 ? err : notification_wait(n, false);
}

long sys_notify_bind(struct trapframe *tf)
{
    struct notification *n;
    struct cap *ep;
    long err = notification_at((long)tf->x[0], RIGHT_RECV, &n);
    if (err == 0)
        err = cap_lookup(current, (long)tf->x[1], CAP_ENDPOINT, RIGHT_RECV, &ep);
    return err != 0 ? err : notification_bind(n, (struct endpoint *)ep->object);
}

long sys_irq_bind(struct trapframe *tf)
{
    struct cap *irq, *n;
    long err = cap_lookup(current, (long)tf->x[0], CAP_IRQ, RIGHT_RECV, &irq);
    if (err == 0)
        err = cap_lookup(current, (long)tf->x[1], CAP_NOTIFICATION, RIGHT_SEND, &n);
    if (err != 0)
        return err;
    if (n->badge == 0)
        return -EINVAL;
    return irq_line_bind((struct irq_line *)irq->object, (struct notification *)n->object,
                         n->badge);
}

long sys_irq_ack(struct trapframe *tf)
{
    struct cap *irq;
    long err = cap_lookup(current, (long)tf->x[0], CAP_IRQ, RIGHT_RECV, &irq);
    if (err != 0)
        return err;
    irq_line_ack((struct irq_line *)irq->object);
    return 0;
}

long sys_devmem_map(struct trapframe *tf)
{
    struct cap *c;
    long err = cap_lookup(current, (long)tf->x[0], CAP_DEVMEM, RIGHT_MAP_READ, &c);
    if (err != 0)
        return err;
    return devmem_map(current, (struct devmem *)c->object, tf->x[1],
                      (c->rights & RIGHT_MAP_WRITE) != 0);
}
