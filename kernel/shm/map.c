// map.c — regions in address spaces: map, unmap, revoke, and what exit leaves behind.
#include <stddef.h>
#include "arch/aarch64/sysreg.h"
#include "ipc/cap.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/uvm.h"
#include "shm/region.h"
#include "task/task.h"
#include "uapi/errno.h"

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

// Where region_map(slot, 0, ...) puts a region of `size` bytes: the lowest free range at or
// above REGION_AREA, searched a region's size at a time (each leaves a page unmapped after
// it, so that running off the end of one region faults: the page before the range must be
// free too, or a small region would land in a bigger one's guard page).  0 if there is none.
static uint64_t pick_address(pte_t *root, uint64_t size)
{
    for (uint64_t va = REGION_AREA; uvm_range_ok(va, size) && va + size < USER_STACK_BOTTOM;
         va += size + PAGE_SIZE)
        if (range_is_free(root, va - PAGE_SIZE, size + 2 * PAGE_SIZE))
            return va;
    return 0;
}

// Removes the translations of [va, va + pages pages) from `t`'s table, and then the TLB
// entries that may still hold them.
static void unmap_range(struct task *t, uint64_t va, uint64_t pages)
{
    // LAB 6: Your code here.
    // Clear the level-3 entry of each page (pt_walk without create; skip a missing one).
    // Then invalidate: the TLB may hold translations of these pages tagged with t's ASID,
    // and `t` may not be the current task, so a plain flush of the current ASID is not
    // enough.  One `tlbi aside1is` with t->asid in bits 63..48 (after a dsb ishst that makes
    // the cleared entries visible; then dsb ish, isb) forgets them all at once.  Until that,
    // `t` could still read and write pages the region's owner believes revoked.
    // BEGIN SOLUTION LAB 6
    for (uint64_t n = 0; n < pages; n++) {
        pte_t *entry = pt_walk(t->pagetable, va + n * PAGE_SIZE, false);
        if (entry != NULL)
            *entry = 0;
    }
    dsb_ishst();
    __asm__ volatile("tlbi aside1is, %0" ::"r"((uint64_t)t->asid << 48) : "memory");
    dsb_ish();
    isb();
    // STUB
    //| (void)t, (void)va, (void)pages;
    // END SOLUTION
}

long region_map(struct task *t, struct region *r, uint64_t va, bool writable, bool via_original)
{
    uint64_t size = (uint64_t)r->pages * PAGE_SIZE;
    if (va == 0 && (va = pick_address(t->pagetable, size)) == 0)
        return -ENOMEM;
    if (va % PAGE_SIZE != 0 || !uvm_range_ok(va, size) || !range_is_free(t->pagetable, va, size))
        return -EINVAL;
    struct region_mapping *m = kmalloc(sizeof(*m));
    if (m == NULL)
        return -ENOMEM;
    // LAB 6: Your code here.
    // Map each page of the region (region_frame) at va + n * PAGE_SIZE with pt_map and these
    // attributes: user memory (PTE_USER: Normal, not global, never executable at EL1), never
    // executable at EL0 either (DESC_UXN: W^X holds for shared pages too), not the address
    // space's own frames (DESC_NOT_OWNED: exit must not free them), and EL0 read-write or
    // read-only as `writable` says.  If a table cannot be had (-ENOMEM), take back what was
    // mapped (unmap_range), free m and return -ENOMEM.  Then record the mapping in m (task,
    // va, writable, via_original), put it at the head of r->mappings, count it as a
    // reference (region_get) and return va.
    // BEGIN SOLUTION LAB 6
    uint64_t attrs =
        PTE_USER | DESC_UXN | DESC_NOT_OWNED | (writable ? DESC_AP_RW_ALL : DESC_AP_RO_ALL);
    for (uint64_t n = 0; n < r->pages; n++) {
        if (pt_map(t->pagetable, va + n * PAGE_SIZE, region_frame(r, n), PAGE_SIZE, attrs) != 0) {
            unmap_range(t, va, n);
            kfree(m);
            return -ENOMEM;
        }
    }
    m->task = t;
    m->va = va;
    m->writable = writable;
    m->via_original = via_original;
    m->next = r->mappings;
    r->mappings = m;
    region_get(r);
    return (long)va;
    // STUB
    //| kfree(m);
    //| (void)writable, (void)via_original, (void)unmap_range;
    //| return -ENOSYS;
    // END SOLUTION
}

// Takes mapping *link off its region's list and drops its reference; with `unmap`, also
// its translations (exit does not need them removed: the whole table goes).
static void drop_mapping(struct region *r, struct region_mapping **link, bool unmap)
{
    struct region_mapping *m = *link;
    *link = m->next;
    if (unmap)
        unmap_range(m->task, m->va, r->pages);
    kfree(m);
    region_put(r);
}

long region_unmap(struct task *t, uint64_t va)
{
    for (struct region *r = region_first(); r != NULL; r = r->next_region)
        for (struct region_mapping **p = &r->mappings; *p != NULL; p = &(*p)->next)
            if ((*p)->task == t && (*p)->va == va) {
                drop_mapping(r, p, true);
                return 0;
            }
    return -EINVAL;
}

void region_revoke(struct region *r)
{
    // Every capability to r but the original, in every table, and every copy travelling in
    // a message not yet delivered (a sender blocked in send or call: such a copy is never
    // an original, and holds no reference).  The original holds a reference, so none of
    // these puts frees the region.
    for (int i = 0; i < NTASKS; i++) {
        struct task *t = &tasks[i];
        if (t->state == TASK_UNUSED)
            continue;
        for (int s = 0; s < CAP_SLOTS; s++)
            if (t->caps.slot[s].object == &r->obj && !t->caps.slot[s].original)
                cap_delete(t, s);
        if (t->ipc.msg.has_cap && t->ipc.msg.cap.object == &r->obj)
            t->ipc.msg.has_cap = false;
    }
    // LAB 6: Your code here.
    // Every mapping not made through the original (m->via_original) goes, translations and
    // all: drop_mapping(r, link, true).  Careful while walking the list you are changing:
    // after a drop, the link you hold points at the next mapping already.
    // BEGIN SOLUTION LAB 6
    struct region_mapping **link = &r->mappings;
    while (*link != NULL) {
        if ((*link)->via_original)
            link = &(*link)->next;
        else
            drop_mapping(r, link, true);
    }
    // STUB
    //| (void)drop_mapping;
    // END SOLUTION
}

void region_task_exit(struct task *t)
{
    struct region *r = region_first();
    while (r != NULL) {
        struct region *next = r->next_region; // r may be freed below
        struct region_mapping **link = &r->mappings;
        while (*link != NULL) {
            if ((*link)->task != t) {
                link = &(*link)->next;
                continue;
            }
            bool last = r->refs == 1; // then the drop frees r, list and all
            drop_mapping(r, link, false);
            if (last)
                break;
        }
        r = next;
    }
}
