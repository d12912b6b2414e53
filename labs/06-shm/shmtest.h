// shmtest.h — helpers shared by lab 6's test programs (labs/06-shm/): lab 5's checks and
// task helpers (labs/05-ipc/ipctest.h), and for regions: patterns made from a nonce, checking
// them, passing a capability with a message, and the kernel's counts for leak checks.
//
// A pattern is the words mix64(nonce ^ tag << 48 ^ i): the grader computes the same words
// from the nonce it passed (grade/test_lab06_shm.py, pattern_word), so nothing that prints
// them can be canned, and a word out of place names the page it is in.
#ifndef SHMTEST_H
#define SHMTEST_H

#include "../05-ipc/ipctest.h"

#define PAGE 4096UL
#define WORDS_PER_PAGE (PAGE / 8)

static inline uint64_t pattern_word(uint64_t nonce, uint64_t tag, uint64_t i)
{
    return mix64(nonce ^ (tag << 48) ^ i);
}

static inline void fill_pattern(volatile uint64_t *p, uint64_t words, uint64_t nonce, uint64_t tag)
{
    for (uint64_t i = 0; i < words; i++)
        p[i] = pattern_word(nonce, tag, i);
}

// The index of the first word that is not the pattern's, or -1 if all are.
static inline long find_mismatch(const volatile uint64_t *p, uint64_t words, uint64_t nonce,
                                 uint64_t tag)
{
    for (uint64_t i = 0; i < words; i++)
        if (p[i] != pattern_word(nonce, tag, i))
            return (long)i;
    return -1;
}

// Checks that the `pages` pages at `p` hold pattern `tag`; `what` names them in the FAIL line,
// which says which page and word differ and what they hold.
static inline int expect_pattern(const char *what, const volatile uint64_t *p, uint64_t pages,
                                 uint64_t nonce, uint64_t tag)
{
    long i = find_mismatch(p, pages * WORDS_PER_PAGE, nonce, tag);
    return expect_true(i < 0, "%s: expected pattern %lu in all %lu pages, but page %ld, word "
                       "%ld (address 0x%lx) holds 0x%lx instead of 0x%lx", what, tag, pages,
                       i / (long)WORDS_PER_PAGE, i % (long)WORDS_PER_PAGE,
                       (unsigned long)(p + (i < 0 ? 0 : i)), i < 0 ? 0 : p[i],
                       pattern_word(nonce, tag, (uint64_t)(i < 0 ? 0 : i)));
}

// Checks that the `pages` pages at `p` are all zero.
static inline int expect_zero(const char *what, const volatile uint64_t *p, uint64_t pages)
{
    for (uint64_t i = 0; i < pages * WORDS_PER_PAGE; i++)
        if (p[i] != 0)
            return expect_true(0, "%s: expected zeroed pages, but page %lu, word %lu holds 0x%lx",
                               what, i / WORDS_PER_PAGE, i % WORDS_PER_PAGE, p[i]);
    checks_made++;
    return 1;
}

// Maps `slot` with `flags` at `va` (0: the kernel's choice); on an error prints a FAIL line
// and returns 0.
static inline uint64_t map_or_fail(const char *what, int slot, uint64_t va, unsigned flags)
{
    long r = region_map(slot, va, flags);
    if (!expect_true(r > 0 && (va == 0 || (uint64_t)r == va), "%s: region_map(slot %d, 0x%lx, "
                     "%s): expected an address, got %s", what, slot, va,
                     flags & REGION_MAP_WRITE ? "REGION_MAP_WRITE" : "0",
                     r < 0 ? errno_name(r) : "another address"))
        return 0;
    return (uint64_t)r;
}

// The region capability a message brought (its slot), checked: a region, with `rights`.
static inline int expect_region_cap(const char *what, long slot, unsigned rights)
{
    struct cap_info info = {0};
    long r = slot == CAP_NONE ? -EBADF : cap_describe((int)slot, &info);
    return expect_true(r == 0 && info.type == CAP_REGION && info.rights == rights &&
                           info.original == 0,
                       "%s: expected a copy of a region capability with rights %u in the "
                       "message, got slot %ld: %s type %u, rights %u, original %u",
                       what, rights, slot, r == 0 ? "" : errno_name(r), info.type, info.rights,
                       info.original);
}

// Whether the kernel finds `va` mapped readable in this task's page table, without touching
// it from user code (which would fault) or printing anything: spawn copies its path from
// there (-EFAULT if unmapped); from mapped memory the path is a name no program has.
// Returns 0 (not mapped) or 1.
static inline int kernel_sees_mapped(uint64_t va)
{
    char *argv[] = {"probe", NULL};
    long r = spawn((const char *)va, argv);
    if (r > 0) { // a pattern that spells a program's name: wait for it, and call it mapped
        waitpid((int)r, NULL, 0);
        return 1;
    }
    return r != -EFAULT;
}

// Checks that none of the `pages` pages at `va` is mapped any more (after an unmap or a
// revoke); the FAIL line says how many and which is first.
static inline int expect_pages_gone(const char *what, uint64_t va, uint64_t pages)
{
    uint64_t left = 0, first = 0;
    for (uint64_t n = pages; n-- > 0;)
        if (kernel_sees_mapped(va + n * PAGE)) {
            left++;
            first = n;
        }
    return expect_true(left == 0, "%s: pages still mapped at 0x%lx: %lu of %lu (the first: page "
                       "%lu%s)", what, va, left, pages, first,
                       left == 1 && first == pages - 1 ? ", the last" : "");
}

static inline struct ipc_msg message_passing(long label, uint64_t w0, uint64_t w1, long cap)
{
    struct ipc_msg m = {label, {w0, w1, 0, 0}, cap, 0};
    return m;
}

// --- the kernel's counts ----------------------------------------------------------------

struct counts {
    struct keel_stats k;
    int slots;
};

static inline void take_counts(struct counts *c)
{
    memset(c, 0, sizeof(*c));
    keel_stats(&c->k);
    c->slots = slots_used();
}

// Prints "PROG: WHEN: F free frames, O objects, C capabilities, K kmalloc objects, T tasks".
static inline void print_counts(const char *when, const struct counts *c)
{
    printf("%s: %s: %lu free frames, %u objects, %u capabilities, %u kmalloc objects, %u tasks\n",
           test_name, when, c->k.free_frames, c->k.objects, c->k.caps, c->k.kmalloc_objects,
           c->k.tasks);
}

// Appends "NAME A -> B" to `out` if the counts differ.
static inline int count_change(char *out, size_t size, int at, const char *name, long before,
                               long after)
{
    if (before == after || at >= (int)size)
        return at;
    return at + snprintf(out + at, size - (size_t)at, "%s%s %ld -> %ld", at ? ", " : "", name,
                         before, after);
}

// Checks that every count is as in `before`; `what` says after what.  A failure names the
// counts that changed: "free frames 31849 -> 31842, objects 6 -> 7".
static inline int expect_same_counts(const char *what, const struct counts *before,
                                     const struct counts *after)
{
    char changed[160];
    int at = 0;
    changed[0] = 0;
    at = count_change(changed, sizeof(changed), at, "free frames",
                      (long)before->k.free_frames, (long)after->k.free_frames);
    at = count_change(changed, sizeof(changed), at, "objects", before->k.objects,
                      after->k.objects);
    at = count_change(changed, sizeof(changed), at, "capabilities", before->k.caps,
                      after->k.caps);
    at = count_change(changed, sizeof(changed), at, "kmalloc objects",
                      before->k.kmalloc_objects, after->k.kmalloc_objects);
    at = count_change(changed, sizeof(changed), at, "tasks", before->k.tasks, after->k.tasks);
    at = count_change(changed, sizeof(changed), at, "this task's slots", before->slots,
                      after->slots);
    return expect_true(at == 0, "%s: expected the kernel's counts as before, got %s", what,
                       changed);
}

// Spawns `name role A B` (two numeric arguments) with `caps` in its slots 0..
static inline int spawn_role2(const char *name, const char *role, uint64_t a, uint64_t b,
                              const long *caps, int ncaps)
{
    char ta[24], tb[24];
    snprintf(ta, sizeof(ta), "%lu", a);
    snprintf(tb, sizeof(tb), "%lu", b);
    char *argv[] = {(char *)name, (char *)role, ta, tb, NULL};
    int pid = spawn_caps(name, argv, caps, ncaps);
    if (pid < 0) {
        checks_made++;
        checks_failed++;
        printf("%s: FAIL spawn of '%s %s' with %d capabilities: %s\n", test_name, name, role,
               ncaps, errno_name(pid));
    }
    return pid;
}

#endif
