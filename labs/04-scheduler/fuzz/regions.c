// regions.c — lab 6's shared memory calls (region_create, region_map, region_unmap,
// region_revoke): their argument classes, what docs/syscalls.md allows them to return, and
// the regions and mappings each combination needs (made just before it, gone just after).
//
// Every region the fuzzer makes lives for one combination only: build_call6 makes what the
// classes name (a region's original, a read-only copy of it, a mapping to overlap or to
// unmap), and cleanup6 (after the call) unmaps every mapping and deletes every capability
// left, checking each answer, so that lab 5's model of the capability table (caps.c) never
// sees a region and the free frames and keel_stats counts come back.  Every address is in
// the first 2 MiB above REGION_AREA, whose page tables regions6_init makes once, before the
// baseline is taken.  The fuzzer never maps over its own code or stack: it asks to, and the
// kernel must refuse (EINVAL).
#if LAB >= 6
#include "fuzz.h"

#define PAGE 4096UL

enum pages_class {
    PG_ZERO,
    PG_ONE,
    PG_FEW,
    PG_MAX_PLUS_1,
    PG_HUGE,
    PG_MORE_THAN_FREE,
    PG_NO_SLOT,
    NPG
};
static const char *const pages_names[NPG] = {"0",
                                             "1",
                                             "2 .. 8",
                                             "REGION_MAX_PAGES + 1",
                                             "2^20 .. 2^64 - 1",
                                             "more than free memory",
                                             "1, and no slot free"};

enum rslot_class {
    RS_MINUS_ONE,
    RS_64,
    RS_NEGATIVE,
    RS_TRUNCATED,
    RS_EMPTY,
    RS_CONSOLE,
    RS_ENDPOINT,
    RS_ORIGINAL,
    RS_READ_ONLY,
    NRS
};
static const char *const rslot_names[NRS] = {"-1",
                                             "64 and up",
                                             "below -1",
                                             "the region's slot + k * 2^32",
                                             "empty",
                                             "0, the console (an endpoint)",
                                             "an endpoint original",
                                             "a region's original",
                                             "a region's read-only copy"};

enum va_class {
    VA_ZERO,
    VA_UNALIGNED,
    VA_KERNEL,
    VA_ABOVE_USER,
    VA_TEXT,
    VA_STACK,
    VA_GUARD,
    VA_FREE,
    VA_OVERLAP,
    NVA
};
static const char *const va_names[NVA] = {"0 (the kernel picks)",
                                          "not page-aligned",
                                          "kernel",
                                          "at or above 2^39",
                                          "own code",
                                          "own stack",
                                          "the stack guard",
                                          "above REGION_AREA, free",
                                          "overlapping a mapping"};

enum flags_class { FL_ZERO, FL_WRITE, FL_BAD, NFL };
static const char *const flags_names[NFL] = {"0", "REGION_MAP_WRITE", "bad bits"};

enum unmap_class { UV_START, UV_MIDDLE, UV_NEVER, UV_ZERO, UV_UNALIGNED, UV_KERNEL, UV_TEXT, NUV };
static const char *const unmap_names[NUV] = {
    "a mapping's start", "a mapping's middle", "never mapped", "0", "not page-aligned", "kernel",
    "own code"};

const struct call_info calls6[] = {
    {"region_create", SYS_region_create, 1, {{"pages", NPG, pages_names}}},
    {"region_map",
     SYS_region_map,
     3,
     {{"slot", NRS, rslot_names}, {"va", NVA, va_names}, {"flags", NFL, flags_names}}},
    {"region_unmap", SYS_region_unmap, 1, {{"va", NUV, unmap_names}}},
    {"region_revoke", SYS_region_revoke, 1, {{"slot", NRS, rslot_names}}},
};
_Static_assert(sizeof(calls6) / sizeof(calls6[0]) == CALL_REGION_REVOKE - CALL_UNKNOWN,
               "calls6 covers every lab-6 kind");

// What the current combination made: -1 / 0 where nothing.
#define MAX_MAPS 4
static struct {
    int original, read_only; // slots
    uint64_t pages;          // of that region
    uint64_t map[MAX_MAPS];  // mappings of it that must be there
    bool via_copy[MAX_MAPS]; // made through the read-only copy (revoke removes those)
    int nmaps;
} st = {-1, -1, 0, {0}, {false}, 0};

static void check_raw(long got, long want, const char *what)
{
    if (got != want) {
        char buf[160];
        snprintf(buf, sizeof(buf), "%s returned %ld (%s), expected %ld", what, got,
                 got < 0 ? errno_name(got) : "not an error", want);
        fail_other(buf);
    }
}

static void add_map(uint64_t va, bool via_copy)
{
    if (st.nmaps < MAX_MAPS) {
        st.via_copy[st.nmaps] = via_copy;
        st.map[st.nmaps++] = va;
    }
}

// A region of `pages` pages, and (with `copy`) a copy of it with map-read and grant only.
static void make_region(uint64_t pages, bool copy)
{
    st.pages = pages;
    st.original = region_create(pages);
    if (st.original < 0) {
        check_raw(st.original, 1, "region_create (a helper)");
        st.original = -1;
        return;
    }
    if (copy) {
        st.read_only = cap_mint(st.original, RIGHT_MAP_READ | RIGHT_GRANT, 0);
        if (st.read_only < 0) {
            check_raw(st.read_only, 1, "cap_mint of a region (a helper)");
            st.read_only = -1;
        }
    }
}

static void map_raw(int slot, uint64_t va, unsigned flags)
{
    if (slot < 0)
        return;
    long got = region_map(slot, va, flags);
    check_raw(got, (long)va, "region_map (a helper)");
    if (got == (long)va)
        add_map(va, slot == st.read_only);
}

// Unmaps and deletes everything the combination made (after its call).
static void cleanup6(void)
{
    for (int i = 0; i < st.nmaps; i++)
        check_raw(region_unmap(st.map[i]), 0, "region_unmap of a mapping (cleaning up)");
    if (st.read_only >= 0)
        check_raw(cap_delete(st.read_only), 0, "cap_delete of a region copy (cleaning up)");
    if (st.original >= 0)
        check_raw(cap_delete(st.original), 0, "cap_delete of a region (cleaning up)");
    st.original = st.read_only = -1;
    st.nmaps = 0;
}

void regions6_init(void)
{
    // The page tables of the first 2 MiB above REGION_AREA, for good: the baseline has them.
    make_region(1, false);
    map_raw(st.original, REGION_AREA, REGION_MAP_WRITE);
    cleanup6();
}

static int empty_slot_not_ours(void)
{
    for (int s = 1; s < CAP_SLOTS; s++)
        if (table[s].object < 0 && s != st.original && s != st.read_only)
            return s;
    return CAP_SLOTS - 1;
}

static unsigned long free_frames_now(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? info.freeram : 0;
}

static uint64_t slot_value(int class)
{
    switch (class) {
    case RS_MINUS_ONE:
        return (uint64_t)-1L;
    case RS_64:
        return CAP_SLOTS + random_below(random_below(2) ? 64 : 1UL << 62);
    case RS_NEGATIVE:
        return (uint64_t)(-2 - (long)random_below(1UL << 62));
    case RS_TRUNCATED:
        return (uint64_t)st.original + ((1 + random_below((1UL << 31) - 1)) << 32);
    case RS_EMPTY:
        return (uint64_t)empty_slot_not_ours();
    case RS_CONSOLE:
        return 0;
    case RS_ENDPOINT:
        return (uint64_t)fixture_slot(FX_EP);
    case RS_ORIGINAL:
        return (uint64_t)st.original;
    default:
        return (uint64_t)st.read_only;
    }
}

static uint64_t page_of(enum ptr_class class)
{
    return pointer_of_class(class, 1) & ~(PAGE - 1);
}

void build_call6(struct call *c)
{
    int *k = c->classes;
    st.original = st.read_only = -1;
    st.nmaps = 0;
    switch (c->kind) {
    case CALL_REGION_CREATE:
        switch (k[0]) {
        case PG_ZERO:
            c->arg[0] = 0;
            break;
        case PG_ONE:
        case PG_NO_SLOT:
            c->arg[0] = 1;
            break;
        case PG_FEW:
            c->arg[0] = 2 + random_below(7);
            break;
        case PG_MAX_PLUS_1:
            c->arg[0] = REGION_MAX_PAGES + 1;
            break;
        case PG_HUGE:
            c->arg[0] = (1UL << 20) + random_below(-(1UL << 20));
            break;
        default: // more than free memory (less 64): ENOMEM, or EINVAL past REGION_MAX_PAGES
            c->arg[0] = free_frames_now() + 1 + random_below(64);
        }
        if (k[0] == PG_NO_SLOT)
            fill_table();
        break;
    case CALL_REGION_MAP:
        if (k[0] == RS_ENDPOINT)
            fixture_slot(FX_EP); // made now, before any region exists
        make_region(1 + random_below(4), true);
        c->arg[0] = slot_value(k[0]);
        switch (k[1]) {
        case VA_ZERO:
            c->arg[1] = 0;
            break;
        case VA_UNALIGNED:
            c->arg[1] = REGION_AREA + random_below(256) * PAGE + 1 + random_below(PAGE - 1);
            break;
        case VA_KERNEL:
            c->arg[1] = 0xffff000000000000UL + random_below(1UL << 36) * PAGE;
            break;
        case VA_ABOVE_USER:
            c->arg[1] = (1UL << 39) + random_below(1UL << 24) * PAGE;
            break;
        case VA_TEXT:
            c->arg[1] = page_of(PTR_TEXT);
            break;
        case VA_STACK:
            c->arg[1] = page_of(PTR_STACK);
            break;
        case VA_GUARD:
            c->arg[1] = page_of(PTR_STACK_GUARD);
            break;
        case VA_FREE:
            c->arg[1] = REGION_AREA + (1 + random_below(200)) * PAGE;
            break;
        default: { // a mapping of the region through its original, and a page of it
            uint64_t at = REGION_AREA + (1 + random_below(100)) * PAGE;
            map_raw(st.original, at, REGION_MAP_WRITE);
            c->arg[1] = at + random_below(st.pages) * PAGE;
        }
        }
        c->arg[2] = k[2] == FL_ZERO    ? 0
                    : k[2] == FL_WRITE ? REGION_MAP_WRITE
                                       : random64() | (2UL << random_below(63));
        break;
    case CALL_REGION_UNMAP: {
        make_region(2 + random_below(3), false);
        uint64_t at = REGION_AREA + (1 + random_below(100)) * PAGE;
        map_raw(st.original, at, REGION_MAP_WRITE);
        switch (k[0]) {
        case UV_START:
            c->arg[0] = at;
            break;
        case UV_MIDDLE:
            c->arg[0] = at + (1 + random_below(st.pages - 1)) * PAGE;
            break;
        case UV_NEVER:
            c->arg[0] = REGION_AREA + (300 + random_below(100)) * PAGE;
            break;
        case UV_ZERO:
            c->arg[0] = 0;
            break;
        case UV_UNALIGNED:
            c->arg[0] = at + 1 + random_below(PAGE - 1);
            break;
        case UV_KERNEL:
            c->arg[0] = 0xffff000000000000UL + random_below(1UL << 36) * PAGE;
            break;
        default:
            c->arg[0] = page_of(PTR_TEXT);
        }
        break;
    }
    default: // CALL_REGION_REVOKE: a mapping through the original and one through the copy
        if (k[0] == RS_ENDPOINT)
            fixture_slot(FX_EP);
        make_region(1 + random_below(4), true);
        map_raw(st.original, REGION_AREA + 8 * PAGE, REGION_MAP_WRITE);
        map_raw(st.read_only, REGION_AREA + 16 * PAGE, 0);
        c->arg[0] = slot_value(k[0]);
    }
}

static void slot_errors(int class, struct expected *e)
{
    if (class <= RS_EMPTY)
        expect_error(e, EBADF);
    else if (class == RS_CONSOLE || class == RS_ENDPOINT)
        expect_error(e, EINVAL);
}

void predict6(const struct call *c, struct expected *e)
{
    const int *k = c->classes;
    switch (c->kind) {
    case CALL_REGION_CREATE: {
        uint64_t pages = c->arg[0];
        if (pages == 0 || pages > REGION_MAX_PAGES)
            expect_error(e, EINVAL);
        if (pages + 64 > free_frames_now())
            expect_error(e, ENOMEM);
        if (k[0] == PG_NO_SLOT)
            expect_error(e, EMFILE);
        e->value = lowest_free_slot();
        break;
    }
    case CALL_REGION_MAP:
        slot_errors(k[0], e);
        if (c->arg[2] & ~(uint64_t)REGION_MAP_WRITE)
            expect_error(e, EINVAL);
        else if (k[0] == RS_READ_ONLY && c->arg[2] == REGION_MAP_WRITE)
            expect_error(e, EPERM);
        if (k[1] != VA_ZERO && k[1] != VA_FREE)
            expect_error(e, EINVAL);
        e->value = k[1] == VA_ZERO ? (long)REGION_AREA : (long)c->arg[1];
        break;
    case CALL_REGION_UNMAP:
        if (k[0] != UV_START)
            expect_error(e, EINVAL);
        e->value = 0;
        break;
    default:
        slot_errors(k[0], e);
        if (k[0] == RS_READ_ONLY)
            expect_error(e, EPERM);
        e->value = 0;
    }
}

void apply6(const struct call *c, long result)
{
    if (c->kind <= CALL_UNKNOWN || c->kind > CALL_REGION_REVOKE || c->combination < 0)
        return;
    switch (c->kind) {
    case CALL_REGION_CREATE:
        if (result >= 0 && result < CAP_SLOTS)
            check_raw(cap_delete((int)result), 0, "cap_delete of the new region (cleaning up)");
        break;
    case CALL_REGION_MAP:
        if (result > 0)
            add_map((uint64_t)result, (int)c->arg[0] == st.read_only);
        break;
    case CALL_REGION_UNMAP:
        if (result == 0) // the mapping is gone: it was the only one
            st.nmaps = 0;
        break;
    default:
        if (result == 0) { // every copy deleted, every mapping through one removed
            if (st.read_only >= 0)
                check_raw(cap_delete(st.read_only), -EBADF, "cap_delete of a revoked copy");
            st.read_only = -1;
            int n = 0;
            for (int i = 0; i < st.nmaps; i++) {
                if (st.via_copy[i])
                    check_raw(region_unmap(st.map[i]), -EINVAL,
                              "region_unmap of a revoked mapping");
                else
                    st.map[n++] = st.map[i], st.via_copy[n - 1] = false;
            }
            st.nmaps = n;
        }
    }
    cleanup6();
}
#endif
