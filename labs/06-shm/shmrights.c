// shmrights — `shmrights NONCE SCENARIO`: what a region's capability allows, and nothing more
// (handout 6, "Exercise 2: mapping a region" and "Exercise 3: passing a region").
//
// This task (the parent) creates a region of 2..9 pages (drawn from NONCE), maps it writable
// and writes pattern 1 into it; then one scenario:
//   ro     a child gets a copy minted with map-read only, in a message: mapping it writable
//          (at the kernel's address or its own) is EPERM, minting map-write back is EPERM;
//          mapped read-only it reads pattern 1; then it writes one word through that mapping
//          and must be killed for it (a permission fault at that address, which it prints
//          first).  The parent finds the word unchanged, and a second reader still reads
//          pattern 1: the system goes on.
//   exec   a child gets a writable copy, writes two instructions into the region and jumps
//          to them: a region is never executable (killed: an instruction abort there).
//   guess  a child without any capability to the region tries to reach it: every slot and
//          random slot numbers with region_map (EBADF for empty slots and numbers outside
//          0..63, EINVAL for its endpoints), region_unmap and region_revoke at and on what it
//          can guess; the kernel finds nothing mapped at the parent's address; its own
//          new region, mapped at the same address as the parent's, holds zeros, not the
//          parent's data.  Last it reads the parent's address itself and must be killed
//          (a translation fault there).
// The parent checks how each child ended; "shmrights: N of M checks passed" is the verdict.
#include "shmtest.h"

#define E_CHILD 1
#define CHOSEN_VA 0x3000000000UL // an address of the child's own choosing

static uint64_t nonce, pages;

static long result_of_call(long r, const struct ipc_msg *reply)
{
    return r < 0 ? r : reply->label;
}

// --- the children ----------------------------------------------------------------------

static int reader(int attack)
{
    test_name = "shmrights: reader";
    struct ipc_msg m, reply = message(0, 0, 0, 0, 0);
    long r = ipc_recv(E_CHILD, &m);
    if (!expect_true(r == 0 && m.cap >= 0, "expected a message with a capability, got result "
                     "%s, cap %ld", r < 0 ? errno_name(r) : "0", m.cap))
        return 1;
    int slot = (int)m.cap;
    expect_region_cap("the read-only view", slot, RIGHT_MAP_READ);
    expect_result("region_map(read-only view, 0, REGION_MAP_WRITE)",
                  region_map(slot, 0, REGION_MAP_WRITE), -EPERM);
    expect_result("region_map(read-only view, a chosen address, REGION_MAP_WRITE)",
                  region_map(slot, CHOSEN_VA, REGION_MAP_WRITE), -EPERM);
    expect_result("cap_mint(read-only view, map-read|map-write)",
                  cap_mint(slot, RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0), -EPERM);
    uint64_t va = map_or_fail("mapping the read-only view read-only", slot, 0, 0);
    if (va == 0)
        return 1;
    volatile uint64_t *p = (volatile uint64_t *)va;
    expect_pattern("the read-only view", p, pages, nonce, 1);
    // Refused maps left nothing behind: the chosen address is not mapped.
    expect_true(!kernel_sees_mapped(CHOSEN_VA), "the chosen address of the refused maps: "
                "expected nothing mapped, but the kernel finds it mapped");
    if (!attack) {
        printf("shmrights: reader: pattern 1 intact through a read-only view at 0x%lx\n", va);
        reply.label = 1;
        ipc_reply(&reply);
        return summary();
    }
    uint64_t word = mix64(nonce ^ 0x77) % (pages * WORDS_PER_PAGE);
    volatile uint64_t *target = p + word;
    printf("shmrights: reader (pid %d): %d of %d checks passed; writing to 0x%lx (page %lu of "
           "the read-only mapping at 0x%lx)\n", getpid(), checks_made - checks_failed,
           checks_made, (unsigned long)target, word / WORDS_PER_PAGE, va);
    *target = ~pattern_word(nonce, 1, word);
    printf("shmrights: reader: FAIL the write through the read-only mapping at 0x%lx went "
           "through: it reads 0x%lx now\n", (unsigned long)target, *target);
    return 1;
}

static int exec_child(void)
{
    test_name = "shmrights: exec";
    struct ipc_msg m;
    long r = ipc_recv(E_CHILD, &m);
    if (!expect_true(r == 0 && m.cap >= 0, "expected a message with a capability, got result "
                     "%s, cap %ld", r < 0 ? errno_name(r) : "0", m.cap))
        return 1;
    uint64_t va = map_or_fail("mapping a writable copy", (int)m.cap, 0, REGION_MAP_WRITE);
    if (va == 0)
        return 1;
    volatile uint32_t *code = (volatile uint32_t *)(va + PAGE);
    code[0] = 0x52800540; // mov w0, #42
    code[1] = 0xd65f03c0; // ret
    // (Real hardware would want the instruction cache cleaned to the point of unification
    // first: `ic ivau` traps at EL0 on Keel, and QEMU has no cache to clean.)
    __asm__ volatile("dsb ish\n isb" ::: "memory");
    printf("shmrights: exec (pid %d): jumping to 0x%lx (page 1 of the region at 0x%lx)\n",
           getpid(), (unsigned long)code, va);
    int (*f)(void) = (int (*)(void))(uintptr_t)code;
    int got = f();
    printf("shmrights: exec: FAIL the region's page ran as code: it returned %d\n", got);
    return 1;
}

// What region_map on `slot` must give a task that holds no region: the slot's own error.
static long expected_map_error(long slot)
{
    struct cap_info info;
    if (slot < 0 || slot >= CAP_SLOTS || cap_describe((int)slot, &info) != 0 ||
        info.type == CAP_EMPTY)
        return -EBADF;
    return -EINVAL; // an endpoint (its console, E): not a region
}

static int guesser(uint64_t parent_va)
{
    test_name = "shmrights: guess";
    rng_seed(nonce ^ 0x6e55);
    struct cap_info info;
    // Slots are whatever a register holds: the calls are made with syscall6, all 64 bits.
    for (int s = 0; s < CAP_SLOTS; s++)
        if (cap_describe(s, &info) == 0 && info.type == CAP_REGION)
            expect_true(0, "slot %d holds a region before anyone gave this task one", s);
    int refused = 0, tried = 0;
    for (int i = 0; i < CAP_SLOTS + 64; i++) {
        long slot = i < CAP_SLOTS ? i : (long)rng_next();
        if (i >= CAP_SLOTS && i % 4 == 0)
            slot = CAP_SLOTS + (long)rng_below(1000);
        if (i >= CAP_SLOTS && i % 4 == 1)
            slot = -1 - (long)rng_below(1000);
        long want = expected_map_error(slot);
        char what[80];
        snprintf(what, sizeof(what), "region_map(slot %ld, 0, REGION_MAP_WRITE)", slot);
        tried++;
        refused += expect_result(what, syscall6(SYS_region_map, slot, 0, REGION_MAP_WRITE, 0, 0,
                                                0), want);
        snprintf(what, sizeof(what), "region_map(slot %ld, 0x%lx, 0)", slot, parent_va);
        tried++;
        refused += expect_result(what, syscall6(SYS_region_map, slot, (long)parent_va, 0, 0, 0,
                                                0), want);
        snprintf(what, sizeof(what), "region_revoke(slot %ld)", slot);
        tried++;
        refused += expect_result(what, syscall6(SYS_region_revoke, slot, 0, 0, 0, 0, 0), want);
    }
    for (uint64_t off = 0; off < pages * PAGE; off += PAGE) {
        tried += 2;
        refused += expect_result("region_unmap at an address of the parent's mapping",
                                 region_unmap(parent_va + off), -EINVAL);
        refused += expect_true(!kernel_sees_mapped(parent_va + off), "the parent's address "
                               "0x%lx: expected nothing mapped here, but the kernel finds it "
                               "mapped", parent_va + off);
    }
    // Its own region lands where the parent's is in the parent: other frames, zeroed.
    int own = region_create(pages);
    uint64_t va = own >= 0 ? map_or_fail("mapping its own region", own, 0, REGION_MAP_WRITE) : 0;
    expect_true(own >= 0, "region_create(%lu) of its own: expected a slot, got %s", pages,
                errno_name(own));
    if (va != 0) {
        expect_true(va == parent_va, "its own first region at the kernel's choice of address: "
                    "expected 0x%lx (where the parent's is), got 0x%lx", parent_va, va);
        expect_zero("its own region, at the address of the parent's", (volatile uint64_t *)va,
                    pages);
        expect_result("region_unmap of its own region", region_unmap(va), 0);
        expect_result("cap_delete of its own region", cap_delete(own), 0);
    }
    printf("shmrights: guess (pid %d): %d of %d guesses refused with the slot's error; %d of %d "
           "checks passed; now reading 0x%lx\n", getpid(), refused, tried,
           checks_made - checks_failed, checks_made, parent_va);
    uint64_t got = *(volatile uint64_t *)parent_va;
    printf("shmrights: guess: FAIL reading 0x%lx without the capability gave 0x%lx\n", parent_va,
           got);
    return 1;
}

// --- the parent ------------------------------------------------------------------------

// Spawns `shmrights NONCE ROLE [ARG]` with the console and E.
static int spawn_child(int ep, const char *role, uint64_t arg)
{
    long caps[] = {SLOT_CONSOLE, ep};
    char nonce_text[24], arg_text[24];
    snprintf(nonce_text, sizeof(nonce_text), "%lu", nonce);
    snprintf(arg_text, sizeof(arg_text), "%lu", arg);
    char *argv[] = {"shmrights", nonce_text, (char *)role, arg_text, NULL};
    int pid = spawn_caps("shmrights", argv, caps, 2);
    expect_true(pid > 0, "spawn of the %s child: %s", role, errno_name(pid));
    return pid;
}

// Reaps `pid` and checks it was killed by `sig`.
static void expect_killed(int pid, int sig, const char *who)
{
    char buf[32];
    int status = reap(pid);
    expect_true(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == sig, "%s (pid %d): "
                "expected it killed by signal %d, got %s", who, pid, sig,
                status_text(status, buf, sizeof(buf)));
}

int main(int argc, char **argv)
{
    test_name = "shmrights";
    nonce = arg_number(argc, argv, 1, 12345);
    pages = mix64(nonce ^ 0x9a9e) % 8 + 2;
    const char *scenario = argc > 2 ? argv[2] : "ro";
    if (strcmp(scenario, "reader") == 0)
        return reader(arg_number(argc, argv, 3, 0) != 0);
    if (strcmp(scenario, "exec-child") == 0)
        return exec_child();
    if (strcmp(scenario, "guesser") == 0)
        return guesser(arg_number(argc, argv, 3, 0));

    int ep = endpoint_create(), region = region_create(pages);
    if (!expect_true(ep >= 0 && region >= 0, "endpoint_create and region_create(%lu): expected "
                     "slots, got %s and %s", pages, errno_name(ep), errno_name(region)))
        return summary();
    uint64_t va = map_or_fail("mapping the region", region, 0, REGION_MAP_WRITE);
    if (va == 0)
        return summary();
    volatile uint64_t *p = (volatile uint64_t *)va;
    fill_pattern(p, pages * WORDS_PER_PAGE, nonce, 1);
    printf("shmrights: %s: a region of %lu pages at 0x%lx holds pattern 1\n", scenario, pages,
           va);
    struct ipc_msg m, reply;

    if (strcmp(scenario, "ro") == 0) {
        int view = cap_mint(region, RIGHT_MAP_READ, 0);
        expect_true(view >= 0, "cap_mint(region, map-read): expected a slot, got %s",
                    errno_name(view));
        int pid = spawn_child(ep, "reader", 1);
        m = message_passing(1, 0, 0, view);
        long r = ipc_call(ep, &m, &reply);
        // The reader dies before it answers: the call ends with an error, not a reply.
        expect_true(r < 0, "the call to the reader: expected an error (the reader is killed "
                    "before it replies), got a reply with label %ld", reply.label);
        expect_killed(pid, SIGSEGV, "the reader that wrote through its read-only mapping");
        expect_pattern("the region after the reader's write through its read-only mapping", p,
                       pages, nonce, 1);
        // The system goes on: another reader, the same view.
        pid = spawn_child(ep, "reader", 0);
        r = ipc_call(ep, &m, &reply);
        expect_true(result_of_call(r, &reply) == 1, "the second reader's answer: expected label "
                    "1, got %s %ld", r < 0 ? errno_name(r) : "label", r < 0 ? r : reply.label);
        reap_ok(pid, "the second reader");
    } else if (strcmp(scenario, "exec") == 0) {
        int copy = cap_mint(region, RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0);
        int pid = spawn_child(ep, "exec-child", 0);
        m = message_passing(1, 0, 0, copy);
        ipc_send(ep, &m);
        expect_killed(pid, SIGSEGV, "the child that jumped into the region");
        volatile uint32_t *code = (volatile uint32_t *)(va + PAGE);
        expect_true(code[0] == 0x52800540 && code[1] == 0xd65f03c0, "the child's two instructions "
                    "in page 1 of the region (written through its writable mapping): got 0x%x "
                    "0x%x", code[0], code[1]);
        fill_pattern(p, pages * WORDS_PER_PAGE, nonce, 1);
    } else if (strcmp(scenario, "guess") == 0) {
        int pid = spawn_child(ep, "guesser", va);
        expect_killed(pid, SIGSEGV, "the child that read the parent's region's address");
        expect_pattern("the region after the guesser", p, pages, nonce, 1);
    } else {
        printf("shmrights: unknown scenario '%s' (ro, exec, guess)\n", scenario);
        return 2;
    }
    printf("shmrights: %s: the parent goes on: its mapping still reads pattern 1: %s\n", scenario,
           find_mismatch(p, pages * WORDS_PER_PAGE, nonce, 1) < 0 ? "yes" : "no");
    return summary();
}
