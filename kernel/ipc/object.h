// object.h — kernel objects that capabilities name (kernel/ipc/object.c).
//
// Every object starts with a struct kobject: its type (CAP_ENDPOINT, ... from uapi/ipc.h)
// and a number for tools.  An object lives exactly as long as its original capability (the
// one its creator got): deleting that capability destroys the object and every copy of the
// capability with it (cap.c), so no capability can ever name freed memory.
#ifndef KEEL_OBJECT_H
#define KEEL_OBJECT_H

#include <stddef.h>
#include <stdint.h>

#define OBJECT_MAX 256 // live objects at most: creating more gives -ENOMEM

struct kobject {
    uint8_t type;
    uint32_t id; // shown by cap_describe and ps; never reused while the kernel runs
};

// A zeroed object of `size` bytes whose header says `type`; NULL if OBJECT_MAX objects
// live already or memory is out.
void *object_alloc(unsigned type, size_t size);
// Runs the type's destructor (which wakes whoever waits on the object) and frees it.  Only
// cap.c calls this, after it has removed every capability to the object.
void object_destroy(struct kobject *o);
unsigned object_live_count(void);

#endif
