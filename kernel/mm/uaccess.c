// uaccess.c — system calls reach user memory only through here.
//
// Each user page is checked in the current task's own table, the way the MMU would check
// an EL0 access (AP[2:1], Arm ARM D8.4.1), and then read or written through the kernel's
// direct map of the frame.  The kernel never dereferences a user pointer itself, so a bad
// one can never fault in the kernel.
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "mm/uvm.h"
#include "task/task.h"
#include "uapi/errno.h"

// Whether EL0 may read (write: and write) the page containing `va`; sets *pa to where `va`
// is in physical memory.
static bool user_page_ok(pte_t *root, uint64_t va, bool write, uint64_t *pa)
{
    // LAB 4: Your code here.
    // pt_translate the address.  It must be mapped, and its AP bits must give EL0 access
    // (DESC_AP_RO_ALL or DESC_AP_RW_ALL); for a write, DESC_AP_RW_ALL.
    // BEGIN SOLUTION LAB 4
    struct pt_translation t;
    pt_translate(root, va, &t);
    if (!t.mapped)
        return false;
    uint64_t ap = t.attrs & DESC_AP_MASK;
    if (ap != DESC_AP_RO_ALL && ap != DESC_AP_RW_ALL)
        return false;
    if (write && ap != DESC_AP_RW_ALL)
        return false;
    *pa = t.pa;
    return true;
    // STUB
    //| (void)root, (void)va, (void)write, (void)pa;
    //| return false;
    // END SOLUTION
}

bool uaccess_ok(uint64_t va, size_t len, bool write)
{
    // LAB 4: Your code here.
    // Nothing to check for len 0.  Otherwise the range must lie in the user half
    // (uvm_range_ok: this also refuses NULL and kernel addresses), the task must have an
    // address space, and every page the range touches must pass user_page_ok.
    // BEGIN SOLUTION LAB 4
    if (len == 0)
        return true;
    pte_t *root = task_current()->pagetable;
    if (root == NULL || !uvm_range_ok(va, len))
        return false;
    uint64_t pa;
    for (uint64_t page = page_round_down(va); page < va + len; page += PAGE_SIZE)
        if (!user_page_ok(root, page, write, &pa))
            return false;
    return true;
    // STUB
    //| (void)user_page_ok;
    //| return false;
    // END SOLUTION
}

// Copies between the kernel buffer `kernel` and user memory at `va`, page by page, in the
// direction `to_user` says.  The range has been checked.
static void copy_pages(uint64_t va, void *kernel, size_t len, bool to_user)
{
    pte_t *root = task_current()->pagetable;
    uint8_t *k = kernel;
    while (len > 0) {
        uint64_t pa = 0;
        user_page_ok(root, va, to_user, &pa);
        size_t chunk = PAGE_SIZE - va % PAGE_SIZE;
        if (chunk > len)
            chunk = len;
        if (to_user)
            memcpy(phys_to_virt(pa), k, chunk);
        else
            memcpy(k, phys_to_virt(pa), chunk);
        va += chunk;
        k += chunk;
        len -= chunk;
    }
}

// Whether no page of [va, va + len) is device memory.  From lab 5 a driver maps device
// registers into its address space; a system call given such an address as a buffer must
// not read or write the device (a read of a UART's data register consumes a character) and
// cannot (the direct map covers RAM only): -EFAULT.  Whether the pages are mapped at all is
// uaccess_ok's to say, not this function's.
static bool user_range_is_ram(uint64_t va, size_t len)
{
#if LAB >= 5
    pte_t *root = task_current()->pagetable;
    if (len == 0)
        return true;
    for (uint64_t page = page_round_down(va); page < va + len; page += PAGE_SIZE) {
        struct pt_translation t;
        pt_translate(root, page, &t);
        if (t.mapped && (t.attrs & DESC_ATTRINDX_MASK) != DESC_ATTRINDX(MAIR_IDX_NORMAL))
            return false;
    }
#endif
    return true;
}

int copy_from_user(void *dst, uint64_t user_src, size_t len)
{
    if (!uaccess_ok(user_src, len, false) || !user_range_is_ram(user_src, len))
        return -EFAULT;
    copy_pages(user_src, dst, len, false);
    return 0;
}

int copy_to_user(uint64_t user_dst, const void *src, size_t len)
{
    if (!uaccess_ok(user_dst, len, true) || !user_range_is_ram(user_dst, len))
        return -EFAULT;
    copy_pages(user_dst, (void *)src, len, true);
    return 0;
}

long copy_string_from_user(char *dst, uint64_t user_src, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        // One check per page, not per byte: the check is a table walk.
        if ((i == 0 || (user_src + i) % PAGE_SIZE == 0) &&
            (!uaccess_ok(user_src + i, 1, false) || !user_range_is_ram(user_src + i, 1)))
            return -EFAULT;
        copy_pages(user_src + i, &dst[i], 1, false);
        if (dst[i] == '\0')
            return (long)i;
    }
    return -ENAMETOOLONG;
}
