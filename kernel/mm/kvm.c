// kvm.c — the kernel's own address space: the translation table behind TTBR1_EL1.
//
// boot_mmu.c's table maps RAM in 1 GiB blocks, all readable, writable and executable.  Here
// the kernel builds a table of 4 KiB pages where each part of itself gets only the access it
// needs (W^X: never writable and executable at once), switches TTBR1 to it, and points TTBR0
// at an empty table, which ends the boot identity map.  From then on a stray write to code, a
// jump into data or a NULL dereference faults instead of silently succeeding.
//
//   KERNBASE + RAM_BASE ..  _kernel_start   device tree, reserved   R-- ---  normal
//   _kernel_start  .. _text_start           .boot (no longer used)   R-- ---
//   _text_start    .. _text_end             code                    R-X ---
//   _rodata_start  .. _rodata_end           constants               R-- ---
//   _data_start    .. _bss_end              variables, boot stack   RW- ---  (guard: unmapped)
//   _ksyms_start   .. _ksyms_end            symbol table            R-- ---
//   _end           .. KERNBASE + RAM end    free frames             RW- ---
//   KERNBASE + device addresses             UART, GIC, virtio       RW- ---  device
#include <stdbool.h>
#include <stddef.h>
#include "arch/aarch64/sysreg.h"
#include "arch/aarch64/tlb.h"
#include "boot/dtb.h"
#include "debug/printf.h"
#include "mm/frame.h"
#include "mm/kvm.h"
#include "mm/memlayout.h"
#include "platform/virt/board.h"

const struct kvm_device kvm_devices[] = {
    {"GIC distributor", GICD_PA, 0x10000},
    {"GIC CPU interface", GICC_PA, 0x10000},
    {"UART (PL011)", UART0_PA, PAGE_SIZE},
#if LAB >= 8
    {"RTC (PL031)", RTC_PA, PAGE_SIZE},
#endif
    {"virtio-mmio", VIRTIO_MMIO_PA, VIRTIO_MMIO_SLOTS *VIRTIO_MMIO_STRIDE},
};
const int kvm_ndevices = sizeof(kvm_devices) / sizeof(kvm_devices[0]);

static pte_t *kernel_root;
static uint64_t empty_root_pa;

pte_t *kvm_root(void)
{
    return kernel_root;
}

uint64_t kvm_root_pa(void)
{
    return virt_to_phys(kernel_root);
}

uint64_t kvm_empty_root_pa(void)
{
    return empty_root_pa;
}

// Maps the kernel virtual range [start, end) to the physical memory under it (the direct
// map: PA = VA - KERNBASE).  Running out of frames this early is fatal.
static void map_direct(const void *start, const void *end, uint64_t attrs)
{
    uint64_t va = page_round_down((uint64_t)start);
    uint64_t va_end = page_round_up((uint64_t)end);
    if (va_end > va && pt_map(kernel_root, va, virt_to_phys((void *)va), va_end - va, attrs) != 0)
        panic("kvm: out of memory mapping %p - %p", start, end);
}

// The kernel image and the rest of RAM, each part with its own permissions.  Returns true
// when done (false keeps the kernel on the boot table, so the rest of the system still runs
// while this exercise is not written).
static bool map_kernel_and_ram(void)
{
    char *ram_start = phys_to_virt(boot_info.ram_base);
    char *ram_end = phys_to_virt(frame_ram_end());
    // LAB 2: Your code here.
    // Map each range of the table at the top of this file with map_direct() and the right
    // PTE_KERNEL_* attributes (pagetable.h).  Leave the boot stack's guard page
    // (boot_stack_guard .. boot_stack_bottom, inside .bss) unmapped.
    // BEGIN SOLUTION LAB 2
    map_direct(ram_start, _kernel_start, PTE_KERNEL_RODATA);
    map_direct(_kernel_start, _text_start, PTE_KERNEL_RODATA);
    map_direct(_text_start, _text_end, PTE_KERNEL_TEXT);
    map_direct(_rodata_start, _rodata_end, PTE_KERNEL_RODATA);
    map_direct(_data_start, boot_stack_guard, PTE_KERNEL_DATA);
    map_direct(boot_stack_bottom, _bss_end, PTE_KERNEL_DATA);
    map_direct(_ksyms_start, _ksyms_end, PTE_KERNEL_RODATA);
    map_direct(_end, ram_end, PTE_KERNEL_DATA);
    return true;
    // STUB
    //| (void)ram_start, (void)ram_end, (void)map_direct;
    //| return false;
    // END SOLUTION
}

// Device registers: Device-nGnRE memory (never cached, never speculatively read, never
// executed), at KERNBASE + their physical address as before.
static void map_devices(void)
{
    for (int i = 0; i < kvm_ndevices; i++) {
        uint64_t va = (uint64_t)phys_to_virt(kvm_devices[i].pa);
        if (pt_map(kernel_root, va, kvm_devices[i].pa, kvm_devices[i].size, PTE_DEVICE) != 0)
            panic("kvm: out of memory mapping %s", kvm_devices[i].name);
    }
}

// Switches both halves to the new tables.  The kernel's code, data and stack have the same
// virtual addresses in the old and the new table, so execution carries on seamlessly; the
// TLB still holds translations from the boot table, so flush it all.
static void switch_tables(void)
{
    dsb_ishst(); // the tables are written before the walker may read them
    WRITE_SYSREG(ttbr1_el1, kvm_root_pa());
    WRITE_SYSREG(ttbr0_el1, empty_root_pa);
    isb();
    tlb_flush_all();
}

void kvm_init(void)
{
    uint64_t free_before = frame_count_free();
    uint64_t root_pa = frame_alloc_zeroed();
    empty_root_pa = frame_alloc_zeroed();
    if (root_pa == 0 || empty_root_pa == 0) {
        printf("kvm_init: no frames for page tables (frame_alloc gave none); "
               "staying on the boot page table\n");
        return;
    }
    kernel_root = phys_to_virt(root_pa);
    if (!map_kernel_and_ram()) {
        printf("kvm_init: map_kernel_and_ram is not written yet; "
               "staying on the boot page table\n");
        kernel_root = NULL;
        frame_free(root_pa);
        frame_free(empty_root_pa);
        empty_root_pa = 0;
        return;
    }
    map_devices();
    switch_tables();
    printf("kvm: kernel page table at 0x%lx, %lu frames of page tables; identity map gone\n",
           root_pa, free_before - frame_count_free());
}

uint64_t kvm_hw_translate(uint64_t va, bool write)
{
    if (write)
        __asm__ volatile("at s1e1w, %0" ::"r"(va));
    else
        __asm__ volatile("at s1e1r, %0" ::"r"(va));
    isb();
    return READ_SYSREG(par_el1);
}
