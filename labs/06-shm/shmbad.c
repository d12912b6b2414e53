// shmbad — `shmbad SEED`: every region call with bad input gets its documented error and
// changes nothing (handout 6; docs/syscalls.md, "Shared memory (lab 6)", lists the errors).
//
// Each check that fails prints "shmbad: FAIL GROUP: what: expected E, got R"; each group prints
// "shmbad: ok GROUP" when all of it passed; the last line counts the checks.  Around the bad
// calls, the kernel's counts (free frames, objects, capabilities, kmalloc objects) must not
// move: a refused call that keeps a frame, a mapping record or a slot is a leak.
#include "shmtest.h"

#define KERNEL_ADDRESS 0xFFFFFF8040200000UL
#define USER_TOP (1UL << 39)
#define PROGRAM_TEXT 0x400000UL
#define STACK_BOTTOM ((1UL << 39) - PAGE - 64 * 1024) // the stack's lowest page (uvm.h)
#define CHOSEN_VA 0x2000000000UL

static uint64_t seed;
static int group_failures;
static const char *group_name;

// Starts a group: "shmbad: ok NAME" is printed by end_group if no check of it failed.
static void begin_group(const char *name)
{
    group_name = name;
    group_failures = checks_failed;
}

static void end_group(void)
{
    if (checks_failed == group_failures)
        printf("shmbad: ok %s\n", group_name);
}

static void expect(const char *what, long got, long want)
{
    char line[200];
    snprintf(line, sizeof(line), "%s: %s", group_name, what);
    expect_result(line, got, want);
}

// The raw calls: every argument is a 64-bit register, whatever the wrappers' types.
static long map_raw(long slot, uint64_t va, uint64_t flags)
{
    return syscall6(SYS_region_map, slot, (long)va, (long)flags, 0, 0, 0);
}

static long create_raw(uint64_t pages)
{
    return syscall6(SYS_region_create, (long)pages, 0, 0, 0, 0, 0);
}

// Checks that nothing is mapped at `va` (kernel_sees_mapped: spawn's path from there EFAULT).
static void expect_unmapped(const char *what, uint64_t va)
{
    expect_true(!kernel_sees_mapped(va), "%s: %s: expected nothing mapped at 0x%lx (spawn with "
                "its path there: EFAULT), but the kernel finds it mapped", group_name, what, va);
}

static void expect_counts(const char *what, const struct counts *before)
{
    struct counts now;
    take_counts(&now);
    char line[160];
    snprintf(line, sizeof(line), "%s: %s", group_name, what);
    expect_same_counts(line, before, &now);
}

static void create_errors(void)
{
    begin_group("region_create's errors");
    struct counts before;
    take_counts(&before);
    unsigned long free = before.k.free_frames;
    expect("region_create(0)", create_raw(0), -EINVAL);
    expect("region_create(REGION_MAX_PAGES + 1)", create_raw(REGION_MAX_PAGES + 1), -EINVAL);
    expect("region_create(2^40)", create_raw(1UL << 40), -EINVAL);
    expect("region_create(-1)", create_raw(~0UL), -EINVAL);
    expect("region_create(2^64 - 2^32: the low bits 0)", create_raw(~0UL << 32), -EINVAL);
    uint64_t too_many = free - 63 < REGION_MAX_PAGES ? free - 63 : 0;
    if (too_many != 0) {
        char what[96];
        snprintf(what, sizeof(what), "region_create(%lu) with %lu frames free (more than free "
                 "memory)", too_many, free);
        expect(what, create_raw(too_many), -ENOMEM);
        snprintf(what, sizeof(what), "region_create(%lu) with %lu frames free", free, free);
        expect(what, create_raw(free), -ENOMEM);
    }
    expect_counts("the counts after the refused creates", &before);
    // A full table: EMFILE, and nothing allocated.
    int ep = endpoint_create(), filled = 0;
    while (cap_mint(ep, RIGHT_SEND, 0) >= 0)
        filled++;
    struct counts full;
    take_counts(&full);
    expect("region_create(1) with every slot full", create_raw(1), -EMFILE);
    expect("region_create(16) with every slot full", create_raw(16), -EMFILE);
    expect_counts("the counts after the EMFILE creates", &full);
    cap_delete(ep); // the original: every copy goes with it
    expect_true(slots_used() == before.slots, "%s: the slots after deleting the endpoint that "
                "filled the table: expected %d in use, got %d", group_name, before.slots,
                slots_used());
    end_group();
}

static void describe_and_mint(void)
{
    begin_group("describing and minting a region");
    int r = region_create(2);
    struct cap_info info = {0}, copy_info = {0};
    cap_describe(r, &info);
    expect_true(info.type == CAP_REGION && info.original == 1 && info.badge == 0 &&
                    info.rights == (RIGHT_MAP_READ | RIGHT_MAP_WRITE | RIGHT_GRANT),
                "%s: a new region: expected type %d, rights %d, badge 0, original; got type %u, "
                "rights %u, badge 0x%lx, original %u", group_name, CAP_REGION,
                RIGHT_MAP_READ | RIGHT_MAP_WRITE | RIGHT_GRANT, info.type, info.rights,
                info.badge, info.original);
    int ro = cap_mint(r, RIGHT_MAP_READ, 0);
    cap_describe(ro, &copy_info);
    expect_true(ro >= 0 && copy_info.type == CAP_REGION && copy_info.rights == RIGHT_MAP_READ &&
                    copy_info.original == 0 && copy_info.object == info.object,
                "%s: cap_mint(region, map-read): expected a copy of the same object (%u) with "
                "rights %d; got slot %d: type %u, rights %u, object %u, original %u", group_name,
                info.object, RIGHT_MAP_READ, ro, copy_info.type, copy_info.rights,
                copy_info.object, copy_info.original);
    expect("cap_mint(read-only copy, map-read|map-write): wider", cap_mint(ro, RIGHT_MAP_READ |
           RIGHT_MAP_WRITE, 0), -EPERM);
    expect("cap_mint(region, map-read, badge 5): badges are for endpoints and notifications",
           cap_mint(r, RIGHT_MAP_READ, 5), -EINVAL);
    expect("cap_mint(region, rights 32): no such right", cap_mint(r, 32, 0), -EINVAL);
    int r2 = region_create(1);
    cap_describe(r2, &copy_info);
    expect_true(copy_info.object != info.object, "%s: two regions: expected different object "
                "numbers, got %u and %u", group_name, info.object, copy_info.object);
    cap_delete(r2);
    cap_delete(ro);
    cap_delete(r);
    end_group();
}

static void map_errors(void)
{
    begin_group("region_map's errors");
    int r = region_create(3), ep = endpoint_create();
    int ro = cap_mint(r, RIGHT_MAP_READ, 0), grant_only = cap_mint(r, RIGHT_GRANT, 0);
    int empty = empty_slot(0);
    struct counts before;
    take_counts(&before);
    expect("flags 2", map_raw(r, 0, 2), -EINVAL);
    expect("flags REGION_MAP_WRITE | 1 << 32", map_raw(r, 0, REGION_MAP_WRITE | 1UL << 32),
           -EINVAL);
    expect("flags ~0", map_raw(r, 0, ~0UL), -EINVAL);
    expect("slot -1", map_raw(-1, 0, 0), -EBADF);
    expect("slot 64", map_raw(CAP_SLOTS, 0, 0), -EBADF);
    expect("slot 2^32", map_raw(1L << 32, 0, 0), -EBADF);
    expect("an empty slot", map_raw(empty, 0, 0), -EBADF);
    expect("an endpoint", map_raw(ep, 0, 0), -EINVAL);
    expect("the console (an endpoint)", map_raw(SLOT_CONSOLE, 0, 0), -EINVAL);
    expect("a read-only copy, REGION_MAP_WRITE", map_raw(ro, 0, REGION_MAP_WRITE), -EPERM);
    expect("a grant-only copy (no map-read), read-only", map_raw(grant_only, 0, 0), -EPERM);
    expect("a grant-only copy, REGION_MAP_WRITE", map_raw(grant_only, 0, REGION_MAP_WRITE),
           -EPERM);
    expect("va REGION_AREA + 8 (not page-aligned)", map_raw(r, REGION_AREA + 8, 0), -EINVAL);
    expect("va REGION_AREA + 0x800", map_raw(r, REGION_AREA + 0x800, REGION_MAP_WRITE), -EINVAL);
    expect("va 0x4001 (not page-aligned)", map_raw(r, 0x4001, 0), -EINVAL);
    expect("va of the kernel", map_raw(r, KERNEL_ADDRESS, 0), -EINVAL);
    expect("va 2^63", map_raw(r, 1UL << 63, 0), -EINVAL);
    expect("va USER_TOP (2^39)", map_raw(r, USER_TOP, 0), -EINVAL);
    expect("va 2^39 - 2 pages: 3 pages would cross USER_TOP", map_raw(r, USER_TOP - 2 * PAGE, 0),
           -EINVAL);
    expect("va -4096: the end wraps around", map_raw(r, (uint64_t)-4096, 0), -EINVAL);
    expect("va of the program's text", map_raw(r, PROGRAM_TEXT, 0), -EINVAL);
    expect("va 2 pages below the program: its last page overlaps the text",
           map_raw(r, PROGRAM_TEXT - 2 * PAGE, 0), -EINVAL);
    expect("va of the stack", map_raw(r, STACK_BOTTOM, 0), -EINVAL);
    uint64_t va = map_or_fail("region_map's errors: a good mapping", r, CHOSEN_VA, REGION_MAP_WRITE);
    expect("the same va again", map_raw(r, CHOSEN_VA, 0), -EINVAL);
    expect("va of the mapping's last page", map_raw(r, CHOSEN_VA + 2 * PAGE, 0), -EINVAL);
    expect("va 2 pages before the mapping: the end overlaps it",
           map_raw(r, CHOSEN_VA - 2 * PAGE, 0), -EINVAL);
    expect_unmapped("the page before the refused overlap", CHOSEN_VA - 2 * PAGE);
    expect_unmapped("a refused unaligned address", REGION_AREA);
    if (va != 0)
        region_unmap(va);
    expect_counts("the counts after the refused maps", &before);
    cap_delete(grant_only);
    cap_delete(ro);
    cap_delete(r);
    cap_delete(ep);
    end_group();
}

static void addresses(void)
{
    begin_group("addresses the kernel picks");
    rng_seed(seed);
    uint64_t big_pages = rng_below(8) + 3;
    int small = region_create(1), big = region_create(big_pages);
    long b = region_map(big, 0, REGION_MAP_WRITE);
    long s = region_map(small, 0, REGION_MAP_WRITE);
    long b2 = region_map(big, 0, 0);
    expect_true(b == (long)REGION_AREA, "%s: the first region at the kernel's choice: expected "
                "REGION_AREA (0x%lx), got 0x%lx", group_name, REGION_AREA, b);
    expect_true(s > 0 && b > 0 && b2 > 0 && s != b && b2 != b && b2 != s, "%s: three mappings "
                "at the kernel's choice: expected three addresses, got 0x%lx, 0x%lx, 0x%lx",
                group_name, b, s, b2);
    // Each leaves the page after it unmapped, so running off its end faults.
    char what[96];
    snprintf(what, sizeof(what), "the page after the %lu-page mapping at 0x%lx", big_pages, b);
    if (b > 0)
        expect_unmapped(what, (uint64_t)b + big_pages * PAGE);
    snprintf(what, sizeof(what), "the page after the 1-page mapping at 0x%lx", s);
    if (s > 0)
        expect_unmapped(what, (uint64_t)s + PAGE);
    snprintf(what, sizeof(what), "the page before the 1-page mapping at 0x%lx", s);
    if (s > 0 && (uint64_t)s > REGION_AREA)
        expect_unmapped(what, (uint64_t)s - PAGE);
    // The two mappings of `big` are the same frames.
    if (b > 0 && b2 > 0) {
        *(volatile uint64_t *)b = seed;
        expect_true(*(volatile uint64_t *)b2 == seed, "%s: two mappings of one region: expected "
                    "what one wrote (0x%lx) through the other, got 0x%lx", group_name, seed,
                    *(volatile uint64_t *)b2);
        region_unmap((uint64_t)b2);
        region_unmap((uint64_t)b);
    }
    if (s > 0)
        region_unmap((uint64_t)s);
    cap_delete(small);
    cap_delete(big);
    end_group();
}

static void unmap_errors(void)
{
    begin_group("region_unmap's errors");
    int r = region_create(3);
    uint64_t va = map_or_fail("region_unmap's errors: a mapping", r, 0, REGION_MAP_WRITE);
    struct counts before;
    take_counts(&before);
    expect("va 0", region_unmap(0), -EINVAL);
    expect("va of the program's text", region_unmap(PROGRAM_TEXT), -EINVAL);
    expect("va of the stack", region_unmap(STACK_BOTTOM), -EINVAL);
    expect("va of the kernel", region_unmap(KERNEL_ADDRESS), -EINVAL);
    expect("va of the mapping's second page", region_unmap(va + PAGE), -EINVAL);
    expect("va of the mapping + 8", region_unmap(va + 8), -EINVAL);
    expect("va of the page after the mapping", region_unmap(va + 3 * PAGE), -EINVAL);
    expect("va of nothing", region_unmap(CHOSEN_VA), -EINVAL);
    expect_counts("the counts after the refused unmaps", &before);
    volatile uint64_t *p = (volatile uint64_t *)va;
    p[WORDS_PER_PAGE] = seed;
    expect_true(p[WORDS_PER_PAGE] == seed, "%s: the mapping after the refused unmaps: expected it "
                "to work", group_name);
    expect("the mapping", region_unmap(va), 0);
    expect_unmapped("the unmapped mapping's first page", va);
    expect_unmapped("the unmapped mapping's last page", va + 2 * PAGE);
    expect("the same va a second time", region_unmap(va), -EINVAL);
    cap_delete(r);
    end_group();
}

static void revoke_errors(void)
{
    begin_group("region_revoke's errors");
    int r = region_create(2), ep = endpoint_create();
    int copy = cap_mint(r, RIGHT_MAP_READ | RIGHT_MAP_WRITE | RIGHT_GRANT, 0);
    uint64_t va = map_or_fail("region_revoke's errors: a mapping through a copy", copy, 0,
                              REGION_MAP_WRITE);
    expect("slot -1", syscall6(SYS_region_revoke, -1, 0, 0, 0, 0, 0), -EBADF);
    expect("slot 64", syscall6(SYS_region_revoke, CAP_SLOTS, 0, 0, 0, 0, 0), -EBADF);
    expect("an empty slot", region_revoke(empty_slot(0)), -EBADF);
    expect("an endpoint", region_revoke(ep), -EINVAL);
    expect("a copy with every right (not the original)", region_revoke(copy), -EPERM);
    struct cap_info info = {0};
    cap_describe(copy, &info);
    expect_true(info.type == CAP_REGION, "%s: the copy after its refused revoke: expected it "
                "still there, got type %u", group_name, info.type);
    if (va != 0) {
        *(volatile uint64_t *)va = seed;
        expect_true(*(volatile uint64_t *)va == seed, "%s: the copy's mapping after the refused "
                    "revoke: expected it to work", group_name);
        region_unmap(va);
    }
    cap_delete(copy);
    cap_delete(r);
    cap_delete(ep);
    end_group();
}

static void other_calls(void)
{
    begin_group("other calls on a region are EINVAL");
    int r = region_create(1);
    struct ipc_msg m = message(1, 0, 0, 0, 0), reply;
    expect("ipc_send on a region", ipc_send(r, &m), -EINVAL);
    expect("ipc_call on a region", ipc_call(r, &m, &reply), -EINVAL);
    expect("ipc_recv on a region", ipc_recv(r, &reply), -EINVAL);
    expect("notify_signal on a region", notify_signal(r), -EINVAL);
    expect("notify_wait on a region", notify_wait(r), -EINVAL);
    expect("devmem_map of a region", devmem_map(r, CHOSEN_VA), -EINVAL);
    expect_unmapped("after devmem_map of a region", CHOSEN_VA);
    cap_delete(r);
    end_group();
}

static void big_region(void)
{
    begin_group("a deleted region gives its frames back");
    struct counts before, with;
    take_counts(&before);
    long big = create_raw(4096);
    expect_true(big >= 0, "%s: region_create(4096): expected a slot, got %s", group_name,
                errno_name(big));
    if (big >= 0) {
        take_counts(&with);
        expect_true(with.k.free_frames <= before.k.free_frames - 4096, "%s: a region of 4096 "
                    "pages: expected at least 4096 frames fewer free, got %lu before and %lu "
                    "after", group_name, before.k.free_frames, with.k.free_frames);
        cap_delete((int)big);
    }
    expect_counts("the counts after a region of 4096 pages was created and deleted", &before);
    end_group();
}

static void original_delete(void)
{
    begin_group("deleting the original keeps a mapped region");
    struct counts before;
    take_counts(&before);
    int r = region_create(4);
    uint64_t va = map_or_fail("deleting the original: a mapping", r, 0, REGION_MAP_WRITE);
    if (va == 0)
        return;
    fill_pattern((volatile uint64_t *)va, 4 * WORDS_PER_PAGE, seed, 9);
    expect("cap_delete of the original", cap_delete(r), 0);
    struct counts mid;
    take_counts(&mid);
    expect_true(mid.k.objects == before.k.objects + 1 && mid.k.free_frames < before.k.free_frames,
                "%s: with no capability left but a mapping: expected the region alive (objects "
                "%u + 1, fewer free frames than %lu), got objects %u, %lu free frames", group_name,
                before.k.objects, before.k.free_frames, mid.k.objects, mid.k.free_frames);
    char line[80];
    snprintf(line, sizeof(line), "%s: the mapping after the original's delete", group_name);
    expect_pattern(line, (volatile uint64_t *)va, 4, seed, 9);
    expect("region_unmap of the last mapping", region_unmap(va), 0);
    expect_counts("the counts after the last mapping went", &before);
    end_group();
}

int main(int argc, char **argv)
{
    test_name = "shmbad";
    seed = arg_number(argc, argv, 1, 12345);
    printf("shmbad: bad input to the region calls\n");
    // The first mapping makes page tables that stay: made here, before any counts are taken.
    int warm = region_create(16);
    uint64_t a = map_or_fail("warm-up", warm, 0, 0), b = map_or_fail("warm-up", warm, CHOSEN_VA, 0);
    region_unmap(a);
    region_unmap(b);
    cap_delete(warm);
    create_errors();
    describe_and_mint();
    map_errors();
    addresses();
    unmap_errors();
    revoke_errors();
    other_calls();
    big_region();
    original_delete();
    return summary();
}
