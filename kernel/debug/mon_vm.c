// mon_vm.c — monitor commands for exploring memory: `mem` and `pt` (given code).
#include <stdbool.h>
#include <stddef.h>
#include "arch/aarch64/fault_status.h"
#include "arch/aarch64/sysreg.h"
#include "debug/mon_vm.h"
#include "debug/printf.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "mm/memlayout.h"

void mon_mem(int argc, char **argv)
{
    uint64_t total = frame_count_total(), nfree = frame_count_free();
    printf("Physical memory: %lu frames of 4 KiB managed (%lu MiB), %lu free (%lu MiB), "
           "%lu in use\n",
           total, total >> 8, nfree, nfree >> 8, total - nfree);
    printf("kmalloc: %lu objects live\n", (unsigned long)kmalloc_live_objects());
}

// A run of pages with contiguous virtual and physical addresses and the same attributes:
// one line of the dump.
struct run {
    bool open;
    uint64_t va, va_end, pa, attrs;
};

// The `pt` line format, which the grader parses:
//   "  ffffff8040202000-ffffff8040205000 -> 0000000040202000  R-X ---  normal      12 KiB"
static void print_run(const struct run *r)
{
    char perms[8];
    pt_format_perms(r->attrs, perms);
    printf("  %016lx-%016lx -> %016lx  %s  %-9s %6lu KiB\n", r->va, r->va_end, r->pa, perms,
           pt_memory_type(r->attrs), (r->va_end - r->va) / 1024);
}

// Adds `size` bytes at va -> pa to the current run, or prints the run and starts another.
static void add_range(struct run *r, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs)
{
    if (r->open && r->va_end == va && r->pa + (va - r->va) == pa && r->attrs == attrs) {
        r->va_end = va + size;
        return;
    }
    if (r->open)
        print_run(r);
    *r = (struct run){true, va, va + size, pa, attrs};
}

// Visits every valid entry of the table at `level` that maps `va_base` onwards: pages at
// level 3, blocks (only in the boot table) at levels 1 and 2.  Returns the pages mapped.
static uint64_t dump_level(pte_t *table, int level, uint64_t va_base, struct run *run)
{
    unsigned shift = PAGE_SHIFT + 9 * (PT_LAST_LEVEL - level);
    uint64_t pages = 0;
    for (uint64_t i = 0; i < PT_ENTRIES; i++) {
        pte_t desc = table[i];
        uint64_t va = va_base | i << shift;
        if (!(desc & DESC_VALID))
            continue;
        if (level < PT_LAST_LEVEL && (desc & DESC_TABLE)) {
            pages += dump_level(phys_to_virt(desc & DESC_ADDR_MASK), level + 1, va, run);
            continue;
        }
        add_range(run, va, desc & DESC_ADDR_MASK, 1UL << shift, desc & PTE_ATTR_MASK);
        pages += 1UL << (shift - PAGE_SHIFT);
    }
    return pages;
}

// Dumps a whole table; `va_top` is 0 for TTBR0's table and the bits above the 39 translated
// ones (all ones) for TTBR1's.  Returns the number of pages mapped.
static uint64_t dump_table(pte_t *root, uint64_t va_top)
{
    struct run run = {0};
    uint64_t pages = dump_level(root, PT_FIRST_LEVEL, va_top, &run);
    if (run.open)
        print_run(&run);
    return pages;
}

// What the MMU says for an EL1 read and write of `va` (the AT instruction).
static void print_hardware_view(uint64_t va)
{
    printf("  MMU (AT):");
    for (int write = 0; write <= 1; write++) {
        uint64_t par = kvm_hw_translate(va, write);
        printf(" %s ", write ? "write" : "read");
        if (par & 1)
            printf("faults (%s)%s", fault_status_name((par >> 1) & 0x3f), write ? "" : ";");
        else
            printf("-> 0x%lx%s", (par & DESC_ADDR_MASK) | (va & (PAGE_SIZE - 1)), write ? "" : ";");
    }
    printf("\n");
}

// `pt ADDR`: the software walk and the hardware's opinion.
static void translate_one(uint64_t va)
{
    if (va >= (1UL << VA_BITS) && va < KERNBASE) {
        printf("0x%016lx: in neither half (bits 63..39 must be all zeros or all ones)\n", va);
        print_hardware_view(va);
        return;
    }
    bool upper = va >= KERNBASE;
    uint64_t ttbr = upper ? READ_SYSREG(ttbr1_el1) : READ_SYSREG(ttbr0_el1);
    pte_t *root = phys_to_virt(ttbr & DESC_ADDR_MASK);
    struct pt_translation t;
    pt_translate(root, va, &t);
    if (!t.mapped) {
        printf("0x%016lx: not mapped (%s table, no entry at level %d)\n", va,
               upper ? "TTBR1" : "TTBR0", t.level);
    } else {
        char perms[8];
        pt_format_perms(t.attrs, perms);
        printf("0x%016lx -> 0x%016lx  %s  %s  (level %d)\n", va, t.pa, perms,
               pt_memory_type(t.attrs), t.level);
    }
    print_hardware_view(va);
}

void mon_pt(int argc, char **argv)
{
    unsigned long va;
    if (argc == 2 && parse_u64(argv[1], &va) == 0) {
        translate_one(va);
        return;
    }
    if (argc != 1) {
        printf("usage: pt [ADDRESS]\n");
        return;
    }
    // Dump what the MMU uses now, whatever that is (the boot table until kvm_init switches).
    uint64_t ttbr1 = READ_SYSREG(ttbr1_el1) & DESC_ADDR_MASK;
    printf("TTBR1_EL1 (kernel half), table at 0x%lx%s:\n", ttbr1,
           kvm_root() == NULL ? " (the boot table)" : "");
    uint64_t pages = dump_table(phys_to_virt(ttbr1), ~0UL << 39);
    printf("  %lu pages mapped\n", pages);
    uint64_t ttbr0 = READ_SYSREG(ttbr0_el1) & DESC_ADDR_MASK;
    printf("TTBR0_EL1 (user half), table at 0x%lx:\n", ttbr0);
    pages = dump_table(phys_to_virt(ttbr0), 0);
    printf("  %lu pages mapped\n", pages);
}
