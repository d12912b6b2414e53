// shmrevoke — `shmrevoke NONCE SCENARIO`: revoke takes back every capability derived from the
// original and every mapping made through one, at once (handout 6, "Exercise 4: revoke and the
// TLB").
//
//   holders  This task (the parent, the revoker) creates a region of 2..9 pages with pattern 1,
//            maps it through the original, and maps it again through a copy it minted for
//            itself.  Holder 1 gets a read-only copy in a message and maps it; holder 2 gets a
//            writable copy, maps it, mints a copy of its copy and maps that too, then sends the
//            copy of its copy on endpoint F, where nobody receives yet (a copy travelling in a
//            message).  Both tell the parent where they mapped it, and wait.  Then the parent
//            revokes, and checks at once: its original mapping still reads pattern 1; its own
//            copy's slot is empty, mapping it EBADF, its mapping through the copy gone
//            (the kernel finds nothing there, unmapping it EINVAL); the message on F arrives
//            without its capability.  Then each holder: its slots are empty, region_map EBADF,
//            its other mapping gone; it prints the address it reads next and must be killed
//            by a translation fault there.  A copy minted after the revoke works again, and
//            when the parent lets go, frames, objects, capabilities and kmalloc objects are
//            back where they were.
//   tlb      A child reads its own mapping made through a copy it minted (so that the TLB holds
//            the translation), revokes, and reads it again at once, with no system call or
//            switch between that could flush the TLB by chance: it must be killed there.
//            Another child maps a region, reads it, unmaps it and reads again: the same.  A
//            kernel that clears the page-table entries but leaves the TLB alone lets both
//            reads through.
#include "shmtest.h"

#define E_CHILD 1 // holders call the parent on E to say where they mapped ...
#define G_CHILD 2 // ... and wait for "go" on G
#define F_CHILD 3 // holder 2 sends a copy on F

static uint64_t nonce, pages;

// --- the holders -------------------------------------------------------------------------

static void report_slot_gone(const char *what, int slot)
{
    struct cap_info info = {0};
    long r = cap_describe(slot, &info);
    expect_true(r == 0 && info.type == CAP_EMPTY, "after the revoke: %s (slot %d) expected "
                "empty, got %s type %u, rights %u", what, slot, r == 0 ? "" : errno_name(r),
                info.type, info.rights);
    char text[96];
    snprintf(text, sizeof(text), "after the revoke: region_map of %s (slot %d)", what, slot);
    expect_result(text, region_map(slot, 0, 0), -EBADF);
}

static int holder(int which)
{
    test_name = which == 1 ? "shmrevoke: holder 1" : "shmrevoke: holder 2";
    struct ipc_msg m, reply;
    long r = ipc_recv(E_CHILD, &m);
    if (!expect_true(r == 0 && m.cap >= 0, "expected the parent's message with a capability, "
                     "got result %s, cap %ld", r < 0 ? errno_name(r) : "0", m.cap))
        return 1;
    int slot = (int)m.cap, second = -1;
    uint64_t va = map_or_fail("mapping the copy", slot, 0, which == 2 ? REGION_MAP_WRITE : 0);
    uint64_t va2 = 0;
    if (va == 0)
        return 1;
    expect_pattern("before the revoke", (volatile uint64_t *)va, pages, nonce, 1);
    if (which == 2) {
        second = cap_mint(slot, RIGHT_MAP_READ | RIGHT_GRANT, 0);
        va2 = second >= 0 ? map_or_fail("mapping a copy of the copy", second, 0, 0) : 0;
        expect_true(second >= 0, "cap_mint of the copy: expected a slot, got %s",
                    errno_name(second));
    }
    reply = message(which, va, va2, 0, 0);
    expect_result("ipc_reply to the parent", ipc_reply(&reply), 0);
    if (which == 2 && second >= 0) {
        m = message_passing(9, 0, 0, second);
        // Blocks until the parent receives on F, which it does after the revoke.
        expect_result("ipc_send on F, passing the copy of the copy", ipc_send(F_CHILD, &m), 0);
    }
    r = ipc_recv(G_CHILD, &m);
    expect_true(r == 0 && m.label == 7, "expected 'go' (label 7) on G, got result %s, label %ld",
                r < 0 ? errno_name(r) : "0", m.label);
    report_slot_gone("the copy the parent passed", slot);
    if (second >= 0) {
        report_slot_gone("the copy of the copy", second);
        expect_true(!kernel_sees_mapped(va2), "after the revoke: the mapping through the copy of "
                    "the copy at 0x%lx: expected it gone, but the kernel finds it mapped", va2);
    }
    expect_pages_gone("after the revoke: the mapping of the passed copy", va, pages);
    uint64_t word = mix64(nonce ^ (uint64_t)which) % (pages * WORDS_PER_PAGE);
    volatile uint64_t *target = (volatile uint64_t *)va + word;
    printf("shmrevoke: holder %d (pid %d): %d of %d checks passed; reading 0x%lx (page %lu of "
           "its mapping at 0x%lx)\n", which, getpid(), checks_made - checks_failed, checks_made,
           (unsigned long)target, word / WORDS_PER_PAGE, va);
    uint64_t got = *target;
    printf("shmrevoke: holder %d: FAIL reading 0x%lx after the revoke gave 0x%lx: the mapping "
           "is still there\n", which, (unsigned long)target, got);
    return 1;
}

// A holder of a copy minted after the revoke: it maps it and reads pattern 1.
static int late_holder(void)
{
    test_name = "shmrevoke: late holder";
    struct ipc_msg m;
    long r = ipc_recv(E_CHILD, &m);
    expect_true(r == 0 && m.cap >= 0, "expected the parent's message with a capability, got "
                "result %s, cap %ld", r < 0 ? errno_name(r) : "0", m.cap);
    uint64_t va = r == 0 ? map_or_fail("mapping a copy minted after the revoke", (int)m.cap, 0, 0)
                         : 0;
    if (va != 0)
        expect_pattern("a copy minted after the revoke", (volatile uint64_t *)va, pages, nonce, 1);
    struct ipc_msg reply = message(checks_failed, 0, 0, 0, 0);
    ipc_reply(&reply);
    return checks_failed ? 1 : 0;
}

// --- the tlb scenario's children ---------------------------------------------------------

// Why a read that should have faulted did not: the kernel itself says whether the page table
// still maps the (writable) page: cap_describe's copy_to_user walks the table (EFAULT if not).
static const char *still_mapped(volatile uint64_t *p, uint64_t first_page)
{
    if (cap_describe(SLOT_CONSOLE, (struct cap_info *)p) != 0)
        return "the page table no longer maps it, but the TLB still held the translation";
    if (!kernel_sees_mapped(first_page))
        return "the page table still maps this page, but not the mapping's first one (a loop "
               "over the pages that stops short?)";
    return "the page table still maps it (its entries were never cleared)";
}

static int tlb_revoker(void)
{
    test_name = "shmrevoke: tlb revoker";
    int region = region_create(pages);
    int copy = region >= 0 ? cap_mint(region, RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0) : -1;
    if (!expect_true(region >= 0 && copy >= 0, "region_create and cap_mint: got %s and %s",
                     errno_name(region), errno_name(copy)))
        return 1;
    uint64_t va_o = map_or_fail("mapping the original", region, 0, REGION_MAP_WRITE);
    uint64_t va_c = map_or_fail("mapping its own copy", copy, 0, REGION_MAP_WRITE);
    if (va_o == 0 || va_c == 0)
        return 1;
    fill_pattern((volatile uint64_t *)va_o, pages * WORDS_PER_PAGE, nonce, 5);
    volatile uint64_t *target = (volatile uint64_t *)va_c + (pages - 1) * WORDS_PER_PAGE + 3;
    printf("shmrevoke: tlb revoker (pid %d): reading 0x%lx (its mapping through a copy), "
           "revoking, reading it again\n", getpid(), (unsigned long)target);
    // The print above went through the console server (a switch, which may flush the TLB):
    // from here to the second read there is only the revoke.
    uint64_t before = *target;
    long r = region_revoke(region);
    uint64_t after = *target;
    printf("shmrevoke: tlb revoker: FAIL read 0x%lx again after region_revoke returned %s: got "
           "0x%lx (0x%lx before): %s\n", (unsigned long)target, r < 0 ? errno_name(r) : "0",
           after, before, still_mapped(target, va_c));
    return 1;
}

static int tlb_unmapper(void)
{
    test_name = "shmrevoke: tlb unmapper";
    int region = region_create(pages);
    uint64_t va = region >= 0 ? map_or_fail("mapping a region", region, 0, REGION_MAP_WRITE) : 0;
    if (!expect_true(va != 0, "region_create(%lu): got %s", pages, errno_name(region)))
        return 1;
    volatile uint64_t *target = (volatile uint64_t *)va + WORDS_PER_PAGE + 5;
    printf("shmrevoke: tlb unmapper (pid %d): writing 0x%lx, unmapping, reading it again\n",
           getpid(), (unsigned long)target);
    *target = nonce;
    long r = region_unmap(va);
    uint64_t after = *target;
    printf("shmrevoke: tlb unmapper: FAIL read 0x%lx again after region_unmap returned %s: got "
           "0x%lx: %s\n", (unsigned long)target, r < 0 ? errno_name(r) : "0", after,
           still_mapped(target, va));
    return 1;
}

// --- the parent --------------------------------------------------------------------------

static int spawn_child(const char *role, const long *caps, int ncaps)
{
    char nonce_text[24];
    snprintf(nonce_text, sizeof(nonce_text), "%lu", nonce);
    char *argv[] = {"shmrevoke", nonce_text, (char *)role, NULL};
    int pid = spawn_caps("shmrevoke", argv, caps, ncaps);
    expect_true(pid > 0, "spawn of '%s': %s", role, errno_name(pid));
    return pid;
}

static void expect_killed(int pid, int sig, const char *who)
{
    char buf[32];
    int status = reap(pid);
    expect_true(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == sig, "%s (pid %d): "
                "expected it killed by signal %d, got %s", who, pid, sig,
                status_text(status, buf, sizeof(buf)));
}

static int holders(void)
{
    struct counts before, after;
    printf("shmrevoke: holders: %lu pages\n", pages);
    // The page tables a mapping needs stay with the address space until it exits (as in
    // lab 4): a first mapping where the test's own go, before the counts, makes them.
    int warm = region_create(pages);
    uint64_t a = map_or_fail("warm-up", warm, 0, 0), b = map_or_fail("warm-up", warm, 0, 0);
    region_unmap(a);
    region_unmap(b);
    cap_delete(warm);
    take_counts(&before);
    int e = endpoint_create(), g = endpoint_create(), f = endpoint_create();
    int region = region_create(pages);
    int own = region >= 0 ? cap_mint(region, RIGHT_MAP_READ | RIGHT_MAP_WRITE | RIGHT_GRANT, 0)
                          : -1;
    if (!expect_true(e >= 0 && g >= 0 && f >= 0 && region >= 0 && own >= 0, "endpoints, "
                     "region_create(%lu), cap_mint: got %d %d %d %s %s", pages, e, g, f,
                     errno_name(region), errno_name(own)))
        return summary();
    uint64_t va_o = map_or_fail("mapping the original", region, 0, REGION_MAP_WRITE);
    uint64_t va_c = map_or_fail("mapping its own copy", own, 0, REGION_MAP_WRITE);
    if (va_o == 0 || va_c == 0)
        return summary();
    fill_pattern((volatile uint64_t *)va_o, pages * WORDS_PER_PAGE, nonce, 1);
    expect_pattern("its own copy's mapping before the revoke", (volatile uint64_t *)va_c, pages,
                   nonce, 1);

    long caps[] = {SLOT_CONSOLE, e, g, f};
    int pids[3];
    uint64_t where[3][2];
    for (int h = 1; h <= 2; h++) {
        pids[h] = spawn_child(h == 1 ? "holder1" : "holder2", caps, 4);
        int copy = cap_mint(region, h == 1 ? RIGHT_MAP_READ
                                           : RIGHT_MAP_READ | RIGHT_MAP_WRITE | RIGHT_GRANT, 0);
        struct ipc_msg m = message_passing(h, 0, 0, copy), reply;
        long r = ipc_call(e, &m, &reply);
        expect_true(r == 0 && reply.label == h, "holder %d's answer: expected label %d, got "
                    "result %s, label %ld", h, h, r < 0 ? errno_name(r) : "0", reply.label);
        where[h][0] = reply.w[0];
        where[h][1] = reply.w[1];
        cap_delete(copy); // the holder has its own now
    }
    // Holder 2 is in its send on F, with the copy of its copy in the message.
    wait_for_state(pids[2], TASK_STATE_SENDING, 2000, "holder 2");
    printf("shmrevoke: holders mapped it at 0x%lx (holder 1), 0x%lx and 0x%lx (holder 2); the "
           "parent at 0x%lx (original) and 0x%lx (its copy); revoking\n", where[1][0],
           where[2][0], where[2][1], va_o, va_c);

    expect_result("region_revoke(original)", region_revoke(region), 0);
    // The mapping through the original must stay (if it went, reading it would kill us).
    if (expect_true(kernel_sees_mapped(va_o) && kernel_sees_mapped(va_o + (pages - 1) * PAGE),
                    "after the revoke: the mapping through the original at 0x%lx: expected it "
                    "to stay, but the kernel finds it unmapped", va_o))
        expect_pattern("the mapping through the original after the revoke",
                       (volatile uint64_t *)va_o, pages, nonce, 1);
    report_slot_gone("its own copy", own);
    expect_true(!kernel_sees_mapped(va_c), "after the revoke: its mapping through its own copy "
                "at 0x%lx: expected it gone, but the kernel finds it mapped", va_c);
    expect_pages_gone("after the revoke: its mapping through its own copy", va_c, pages);
    expect_result("after the revoke: region_unmap of its mapping through its own copy (gone "
                  "already)", region_unmap(va_c), -EINVAL);
    struct ipc_msg m, reply;
    long r = ipc_recv(f, &m);
    expect_true(r == 0 && m.label == 9 && m.cap == CAP_NONE, "after the revoke: holder 2's "
                "message on F, sent before it with a copy of a copy, expected label 9 and no "
                "capability (revoke deletes the copies travelling in messages too); got result "
                "%s, label %ld, cap %ld", r < 0 ? errno_name(r) : "0", m.label, m.cap);
    if (r == 0 && m.cap >= 0) {
        long mapped = region_map((int)m.cap, 0, 0);
        expect_true(mapped < 0, "the copy that was travelling in a message during the revoke "
                    "maps the region at 0x%lx", mapped);
        if (mapped > 0)
            region_unmap((uint64_t)mapped);
        cap_delete((int)m.cap);
    }
    expect_result("region_revoke(original) a second time (nothing left to revoke)",
                  region_revoke(region), 0);
    printf("shmrevoke: parent: revoked; %d of %d checks passed so far\n",
           checks_made - checks_failed, checks_made);
    m = message(7, 0, 0, 0, 0);
    for (int h = 1; h <= 2; h++)
        ipc_send(g, &m);
    for (int h = 1; h <= 2; h++) {
        char who[64];
        snprintf(who, sizeof(who), "holder %d, reading its mapping after the revoke", h);
        expect_killed(pids[h], SIGSEGV, who);
    }
    // A copy minted after the revoke works.
    int late = cap_mint(region, RIGHT_MAP_READ, 0);
    int pid = spawn_child("late", caps, 2);
    m = message_passing(1, 0, 0, late);
    r = ipc_call(e, &m, &reply);
    expect_true(r == 0 && reply.label == 0, "the holder of a copy minted after the revoke: "
                "expected it to map the region and read pattern 1 (label 0), got result %s, "
                "label %ld", r < 0 ? errno_name(r) : "0", reply.label);
    reap_ok(pid, "the late holder");
    cap_delete(late);
    expect_result("region_unmap of the original's mapping", region_unmap(va_o), 0);
    expect_result("cap_delete of the original", cap_delete(region), 0);
    cap_delete(own);
    cap_delete(e);
    cap_delete(g);
    cap_delete(f);
    take_counts(&after);
    print_counts("before", &before);
    print_counts("after", &after);
    expect_same_counts("after the revoke, the holders' deaths and the parent's unmap and delete",
                       &before, &after);
    return summary();
}

static int tlb(void)
{
    long caps[] = {SLOT_CONSOLE};
    int pid = spawn_child("tlb-revoker", caps, 1);
    expect_killed(pid, SIGSEGV, "the tlb revoker, reading its own revoked mapping");
    pid = spawn_child("tlb-unmapper", caps, 1);
    expect_killed(pid, SIGSEGV, "the tlb unmapper, reading its own unmapped region");
    return summary();
}

int main(int argc, char **argv)
{
    test_name = "shmrevoke";
    nonce = arg_number(argc, argv, 1, 12345);
    pages = mix64(nonce ^ 0x4e40) % 8 + 2;
    const char *scenario = argc > 2 ? argv[2] : "holders";
    if (strcmp(scenario, "holder1") == 0)
        return holder(1);
    if (strcmp(scenario, "holder2") == 0)
        return holder(2);
    if (strcmp(scenario, "late") == 0)
        return late_holder();
    if (strcmp(scenario, "tlb-revoker") == 0)
        return tlb_revoker();
    if (strcmp(scenario, "tlb-unmapper") == 0)
        return tlb_unmapper();
    if (strcmp(scenario, "holders") == 0)
        return holders();
    if (strcmp(scenario, "tlb") == 0)
        return tlb();
    printf("shmrevoke: unknown scenario '%s' (holders, tlb)\n", scenario);
    return 2;
}
