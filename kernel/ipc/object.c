// object.c — allocating and destroying kernel objects (given code).
#include "debug/printf.h"
#include "ipc/devmem.h"
#include "ipc/endpoint.h"
#include "ipc/irq_line.h"
#include "ipc/notification.h"
#include "ipc/object.h"
#include "ipc/reply.h"
#include "mm/kmalloc.h"
#include "uapi/ipc.h"

static unsigned live;
static uint32_t next_id = 1;

void *object_alloc(unsigned type, size_t size)
{
    if (live >= OBJECT_MAX)
        return NULL;
    struct kobject *o = kmalloc(size);
    if (o == NULL)
        return NULL;
    o->type = (uint8_t)type;
    o->id = next_id++;
    live++;
    return o;
}

void object_destroy(struct kobject *o)
{
    switch (o->type) {
    case CAP_ENDPOINT:
        endpoint_destroy((struct endpoint *)o);
        break;
    case CAP_NOTIFICATION:
        notification_destroy((struct notification *)o);
        break;
    case CAP_IRQ:
        irq_line_destroy((struct irq_line *)o);
        break;
    case CAP_DEVMEM:
        break; // nothing waits on device memory; mappings go with their address spaces
    case CAP_REPLY:
        reply_destroy((struct reply *)o);
        break;
    default:
        panic("object_destroy: object %u has unknown type %u", o->id, o->type);
    }
    live--;
    kfree(o);
}

unsigned object_live_count(void)
{
    return live;
}
