// kvm.h — the kernel's address space (kernel/mm/kvm.c): the table behind TTBR1_EL1.
#ifndef KEEL_KVM_H
#define KEEL_KVM_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/aarch64/pagetable.h"

// Builds the kernel's page table (each section with its own permissions, the direct map of
// RAM, the devices) and switches to it; TTBR0 then points at an empty table, so the boot
// identity map is gone and every lower-half access faults.
void kvm_init(void);

// The kernel's level-1 table (NULL while the kernel still runs on the boot table), and its
// physical address.
pte_t *kvm_root(void);
uint64_t kvm_root_pa(void);
// The empty table TTBR0 holds while no task runs.
uint64_t kvm_empty_root_pa(void);

// Asks the MMU itself to translate `va` for an EL1 read (write=false) or write, with the AT
// instruction (Arm ARM C5.5 "A64 system instructions for address translation").  Returns
// PAR_EL1: bit 0 set means the translation faulted, FST (bits 6:1) says how.
uint64_t kvm_hw_translate(uint64_t va, bool write);

// One device region the kernel maps (name for `pt`, physical range).
struct kvm_device {
    const char *name;
    uint64_t pa;
    uint64_t size;
};
extern const struct kvm_device kvm_devices[];
extern const int kvm_ndevices;

#endif
