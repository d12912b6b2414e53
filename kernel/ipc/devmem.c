// devmem.c — mapping device registers into a driver's address space (given code).
#include "arch/aarch64/pagetable.h"
#include "ipc/devmem.h"
#include "mm/uvm.h"
#include "task/task.h"
#include "uapi/errno.h"
#include "uapi/ipc.h"

struct devmem *devmem_create(uint64_t pa, uint64_t size)
{
    struct devmem *d = object_alloc(CAP_DEVMEM, sizeof(struct devmem));
    if (d != NULL) {
        d->pa = pa;
        d->size = size;
    }
    return d;
}

static bool range_is_free(pte_t *root, uint64_t va, uint64_t size)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        struct pt_translation tr;
        pt_translate(root, va + off, &tr);
        if (tr.mapped)
            return false;
    }
    return true;
}

long devmem_map(struct task *t, struct devmem *d, uint64_t va, bool writable)
{
    if (va % PAGE_SIZE != 0 || !uvm_range_ok(va, d->size) || !uvm_clear_of_stack(va, d->size) ||
        !range_is_free(t->pagetable, va, d->size))
        return -EINVAL;
    // EL0 may read (and perhaps write), nobody executes; not a frame of the task's own.
    uint64_t attrs = DESC_ATTRINDX(MAIR_IDX_DEVICE) | DESC_AF | DESC_NG | DESC_PXN | DESC_UXN |
                     DESC_NOT_OWNED | (writable ? DESC_AP_RW_ALL : DESC_AP_RO_ALL);
    if (pt_map(t->pagetable, va, d->pa, d->size, attrs) != 0) {
        pt_unmap(t->pagetable, va, d->size, false);
        return -ENOMEM;
    }
    return (long)va;
}
