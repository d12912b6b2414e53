// shmshare — `shmshare NONCE`: what one task writes into a region, another reads, both ways
// (handout 6, "Exercise 2: mapping a region" and "Exercise 3: passing a region").
//
// This task (the parent) and a child share endpoint E (the child's slot 1).  In order:
//   1. the parent creates a region of 1..16 pages (drawn from NONCE), maps it where the kernel
//      chooses (at or above REGION_AREA) and finds it zeroed; it maps it a second time, read
//      only, at an address of its own choosing: the two mappings show the same frames;
//   2. it writes pattern 1 (made from NONCE) and calls E, passing a copy minted with map-read
//      and map-write; the child finds the copy in its lowest free slot, maps it writable,
//      reads pattern 1 and prints its checksum, then writes pattern 2 and replies;
//   3. the parent reads pattern 2 through both of its mappings and prints its checksum;
//   4. a second round with the child's own region: the child creates one, writes pattern 3
//      and passes it back with a call; the parent maps it, reads pattern 3 (checksum), writes
//      pattern 4, and the child reads that.
// The checksums are the grader's to check: it computes them from NONCE (pattern_word).
#include "shmtest.h"

#define E_CHILD 1
#define ALIAS_VA 0x2000000000UL // 128 GiB: a chosen address, well away from REGION_AREA

static uint64_t nonce;

// The checksum every reader prints: a polynomial over the words, in order (the grader's
// checksum() computes the same).
static uint64_t checksum(const volatile uint64_t *p, uint64_t words)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < words; i++)
        s = s * 0x100000001b3UL + p[i];
    return s;
}

static int child(void)
{
    test_name = "shmshare: child";
    struct ipc_msg m, reply;
    // 2. The parent's region, with a call.
    long r = ipc_recv(E_CHILD, &m);
    expect_true(r == 0 && m.label == 2 && m.cap == 2, "step 2: expected a message with label 2 "
                "and a capability in slot 2 (the lowest free one), got result %s, label %ld, "
                "cap %ld", r < 0 ? errno_name(r) : "0", m.label, m.cap);
    uint64_t pages = m.w[0];
    expect_region_cap("step 2", m.cap, RIGHT_MAP_READ | RIGHT_MAP_WRITE);
    uint64_t va = map_or_fail("step 2: mapping the parent's region", (int)m.cap, 0,
                              REGION_MAP_WRITE);
    if (va == 0)
        return 1;
    volatile uint64_t *p = (volatile uint64_t *)va;
    expect_pattern("step 2: the parent's region, read by the child", p, pages, nonce, 1);
    printf("shmshare: child read %lu pages at 0x%lx: pattern 1 checksum 0x%lx\n", pages, va,
           checksum(p, pages * WORDS_PER_PAGE));
    fill_pattern(p, pages * WORDS_PER_PAGE, nonce, 2);
    reply = message(2, va, 0, 0, 0);
    // 4. Its own region, back to the parent with a call.
    uint64_t own_pages = pages % 7 + 1;
    int own = region_create(own_pages);
    if (!expect_true(own >= 0, "step 4: region_create(%lu): expected a slot, got %s", own_pages,
                     errno_name(own)))
        return 1;
    uint64_t own_va = map_or_fail("step 4: mapping the child's own region", own, 0,
                                  REGION_MAP_WRITE);
    if (own_va == 0)
        return 1;
    volatile uint64_t *q = (volatile uint64_t *)own_va;
    fill_pattern(q, own_pages * WORDS_PER_PAGE, nonce, 3);
    expect_result("step 2: ipc_reply", ipc_reply(&reply), 0);
    m = message_passing(4, own_pages, 0, own);
    r = ipc_call(E_CHILD, &m, &reply);
    expect_true(r == 0 && reply.label == 4, "step 4: the parent's answer: expected label 4, got "
                "result %s, label %ld", r < 0 ? errno_name(r) : "0", reply.label);
    expect_pattern("step 4: the child's region after the parent wrote it", q, own_pages, nonce, 4);
    printf("shmshare: child read its own region back: pattern 4 checksum 0x%lx\n",
           checksum(q, own_pages * WORDS_PER_PAGE));
    expect_result("region_unmap of the parent's region", region_unmap(va), 0);
    expect_result("region_unmap of its own region", region_unmap(own_va), 0);
    return summary();
}

int main(int argc, char **argv)
{
    test_name = "shmshare";
    nonce = arg_number(argc, argv, 1, 12345);
    if (argc > 2 && strcmp(argv[2], "child") == 0)
        return child();

    int ep = endpoint_create();
    if (!expect_true(ep >= 0, "endpoint_create: expected a slot, got %s", errno_name(ep)))
        return summary();
    long caps[] = {SLOT_CONSOLE, ep};
    char nonce_text[24];
    snprintf(nonce_text, sizeof(nonce_text), "%lu", nonce);
    char *child_argv[] = {"shmshare", nonce_text, "child", NULL};
    int pid = spawn_caps("shmshare", child_argv, caps, 2);
    if (!expect_true(pid > 0, "spawn of the child: %s", errno_name(pid)))
        return summary();

    // 1.
    uint64_t pages = mix64(nonce ^ 0x5eed) % 16 + 1;
    int region = region_create(pages);
    if (!expect_true(region >= 0, "step 1: region_create(%lu): expected a slot, got %s", pages,
                     errno_name(region)))
        return summary();
    struct cap_info info = {0};
    cap_describe(region, &info);
    expect_true(info.type == CAP_REGION && info.original == 1 &&
                    info.rights == (RIGHT_MAP_READ | RIGHT_MAP_WRITE | RIGHT_GRANT),
                "step 1: cap_describe of the new region: expected type CAP_REGION (%d), rights "
                "map-read|map-write|grant (%d), original; got type %u, rights %u, original %u",
                CAP_REGION, RIGHT_MAP_READ | RIGHT_MAP_WRITE | RIGHT_GRANT, info.type,
                info.rights, info.original);
    uint64_t va = map_or_fail("step 1: the kernel's choice of address", region, 0,
                              REGION_MAP_WRITE);
    uint64_t alias = map_or_fail("step 1: a second mapping at a chosen address", region,
                                 ALIAS_VA, 0);
    if (va == 0 || alias == 0)
        return summary();
    expect_true(va >= REGION_AREA && va % PAGE == 0, "step 1: region_map(slot, 0, ...) returned "
                "0x%lx: expected a page-aligned address at or above REGION_AREA (0x%lx)", va,
                REGION_AREA);
    volatile uint64_t *p = (volatile uint64_t *)va, *a = (volatile uint64_t *)alias;
    expect_zero("step 1: a new region", p, pages);
    printf("shmshare: parent mapped %lu pages at 0x%lx and again at 0x%lx\n", pages, va, alias);

    // 2.
    fill_pattern(p, pages * WORDS_PER_PAGE, nonce, 1);
    expect_pattern("step 2: the parent's read-only alias after it wrote the other mapping", a,
                   pages, nonce, 1);
    int copy = cap_mint(region, RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0);
    expect_true(copy >= 0, "step 2: cap_mint(region, map-read|map-write): expected a slot, got "
                "%s", errno_name(copy));
    struct ipc_msg m = message_passing(2, pages, 0, copy), reply;
    long r = ipc_call(ep, &m, &reply);
    expect_true(r == 0 && reply.label == 2, "step 2: the child's answer: expected label 2, got "
                "result %s, label %ld", r < 0 ? errno_name(r) : "0", reply.label);

    // 3.
    expect_pattern("step 3: the child's writes, read through the parent's mapping", p, pages,
                   nonce, 2);
    expect_pattern("step 3: the child's writes, read through the parent's alias", a, pages,
                   nonce, 2);
    printf("shmshare: parent read the child's writes: pattern 2 checksum 0x%lx\n",
           checksum(p, pages * WORDS_PER_PAGE));

    // 4.
    r = ipc_recv(ep, &m);
    expect_true(r == 0 && m.label == 4 && m.cap >= 0, "step 4: expected the child's call with "
                "label 4 and a capability, got result %s, label %ld, cap %ld",
                r < 0 ? errno_name(r) : "0", m.label, m.cap);
    uint64_t own_pages = m.w[0];
    expect_region_cap("step 4", m.cap, RIGHT_MAP_READ | RIGHT_MAP_WRITE | RIGHT_GRANT);
    uint64_t cva = map_or_fail("step 4: mapping the child's region", (int)m.cap, 0,
                               REGION_MAP_WRITE);
    if (cva != 0) {
        volatile uint64_t *q = (volatile uint64_t *)cva;
        expect_pattern("step 4: the child's region, read by the parent", q, own_pages, nonce, 3);
        printf("shmshare: parent read %lu pages of the child's region at 0x%lx: pattern 3 "
               "checksum 0x%lx\n", own_pages, cva, checksum(q, own_pages * WORDS_PER_PAGE));
        fill_pattern(q, own_pages * WORDS_PER_PAGE, nonce, 4);
    }
    reply = message(4, 0, 0, 0, 0);
    expect_result("step 4: ipc_reply", ipc_reply(&reply), 0);
    reap_ok(pid, "the child");
    // The child is gone with its original: its region lives on while this task maps it.
    if (cva != 0)
        expect_pattern("after the child's exit: its region, still mapped here", (volatile
                       uint64_t *)cva, own_pages, nonce, 4);
    return summary();
}
