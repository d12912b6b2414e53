// kstack.c — kernel stacks: one per task, in their own region of the kernel half, each
// with unmapped guard pages below it, so that an overflow faults instead of overwriting the
// memory next to it (the layout is in kstack.h).
#include "mm/frame.h"
#include "mm/kvm.h"
#include "mm/memlayout.h"
#include "task/kstack.h"
#include "task/task.h"

static uint64_t kstack_slot_base(int slot)
{
    return KSTACK_REGION + (uint64_t)slot * KSTACK_SLOT_SIZE;
}

uint64_t kstack_alloc(int slot)
{
    uint64_t bottom = kstack_slot_base(slot) + KSTACK_SLOT_SIZE - KSTACK_TASK_SIZE;
    for (uint64_t va = bottom; va < bottom + KSTACK_TASK_SIZE; va += PAGE_SIZE) {
        uint64_t pa = frame_alloc();
        if (pa == 0 || pt_map(kvm_root(), va, pa, PAGE_SIZE, PTE_KERNEL_DATA) != 0) {
            if (pa != 0)
                frame_free(pa);
            pt_unmap(kvm_root(), bottom, va - bottom, true);
            return 0;
        }
    }
    return bottom + KSTACK_TASK_SIZE;
}

void kstack_free(int slot)
{
    uint64_t top = kstack_slot_base(slot) + KSTACK_SLOT_SIZE;
    pt_unmap(kvm_root(), top - KSTACK_TASK_SIZE, KSTACK_TASK_SIZE, true);
}

bool task_kstack_contains(uint64_t addr, uint64_t len)
{
    for (int i = 1; i < NTASKS; i++) {
        if (tasks[i].state == TASK_UNUSED || tasks[i].kstack_top == 0)
            continue;
        uint64_t top = tasks[i].kstack_top;
        if (addr >= top - KSTACK_TASK_SIZE && addr + len <= top)
            return true;
    }
    return false;
}
