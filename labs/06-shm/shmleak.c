// shmleak — `shmleak NONCE CYCLES`: a region's frames come back when its last capability and
// its last mapping are gone, whoever lets go last and however (handout 6, "Exercise 5:
// reference counts").
//
// This task (pid 1) takes the kernel's counts (keel_stats: free frames, objects, capabilities,
// kmalloc objects, tasks) and starts a worker; the worker runs CYCLES cycles and then exits
// with regions still mapped and capabilities still held, and pid 1 requires every count back
// where it was.  Each cycle creates a region of 1..16 pages, maps it writable (at the kernel's
// choice of address or at one of its own), writes a pattern, passes a copy (read-only or not)
// in a message, and lets go in one of these ways (drawn from NONCE):
//   unmap      a server child maps the copy, checks the pattern, unmaps and deletes it;
//   outlive    the server deletes its copy but keeps its mapping; the worker unmaps and deletes
//              the original; the server still reads the pattern (a mapping keeps a region
//              alive), then unmaps: only then are the frames back;
//   exit       a new child maps its copy and exits, still mapped and still holding it;
//   kill       a new child maps its copy and waits: the worker kills it;
//   fault      a new child maps its copy and reads past its end, into the unmapped page the
//              kernel leaves after a region: killed, still mapped;
//   unmapped   a new child receives the copy and exits without mapping it.
// The worker deletes the original before or after unmapping its own mapping (drawn too).
// After each cycle the counts must be back to what they were before the first (after a
// warm-up mapping that makes the page tables, which stay); a cycle that leaks prints which
// way it let go and what is missing.
#include "shmtest.h"

#define E_CHILD 1
#define CHOSEN_AREA 0x2000000000UL // chosen addresses: in the first 2 MiB from here

enum way { UNMAP, OUTLIVE, EXIT, KILL, FAULT, UNMAPPED, WAYS };
static const char *const way_names[WAYS] = {"unmap", "outlive", "exit", "kill", "fault",
                                             "unmapped"};

static uint64_t nonce;

// --- the children ------------------------------------------------------------------------

// The server: answers each message (label = a way, w0 = pages, w1 = the tag) with label 0 if
// the passed copy maps and reads the pattern, or the number of the check that failed.
static int server(void)
{
    test_name = "shmleak: server";
    struct ipc_msg m, reply = message(0, 0, 0, 0, 0);
    long r = ipc_recv(E_CHILD, &m);
    uint64_t kept_va = 0, kept_pages = 0, kept_tag = 0;
    while (r == 0 && m.label >= 0) {
        long result = 0;
        if (m.label == UNMAP || m.label == OUTLIVE) {
            long va = m.cap >= 0 ? region_map((int)m.cap, 0, 0) : -EBADF;
            if (va < 0)
                result = 1;
            else if (find_mismatch((volatile uint64_t *)va, m.w[0] * WORDS_PER_PAGE, nonce,
                                   m.w[1]) >= 0)
                result = 2;
            if (m.cap >= 0 && cap_delete((int)m.cap) != 0)
                result = 3;
            if (va > 0 && m.label == UNMAP && region_unmap((uint64_t)va) != 0)
                result = 4;
            if (va > 0 && m.label == OUTLIVE) {
                kept_va = (uint64_t)va;
                kept_pages = m.w[0];
                kept_tag = m.w[1];
            }
        } else if (m.label == 100) { // the original is gone: read what was kept, let go
            if (kept_va == 0)
                result = 5;
            else if (find_mismatch((volatile uint64_t *)kept_va, kept_pages * WORDS_PER_PAGE,
                                   nonce, kept_tag) >= 0)
                result = 6;
            else if (region_unmap(kept_va) != 0)
                result = 7;
            kept_va = 0;
        }
        reply.label = result;
        r = ipc_reply_recv(E_CHILD, &reply, &m);
    }
    return 0;
}

// A holder that lets go by dying (or never maps): `way`.
static int holder(enum way way)
{
    test_name = "shmleak: holder";
    struct ipc_msg m;
    long r = ipc_recv(E_CHILD, &m);
    if (r != 0 || m.cap < 0)
        return 1;
    if (way == UNMAPPED)
        return 0;
    long va = region_map((int)m.cap, 0, 0);
    if (va < 0)
        return 2;
    uint64_t pages = m.w[0];
    if (find_mismatch((volatile uint64_t *)va, pages * WORDS_PER_PAGE, nonce, m.w[1]) >= 0)
        return 3;
    if (way == EXIT)
        return 0;
    if (way == FAULT) {
        // The page after the region is never mapped: this read faults.
        volatile uint64_t *past = (volatile uint64_t *)(va + pages * PAGE);
        uint64_t got = *past;
        printf("shmleak: holder: FAIL read 0x%lx past the end of a %lu-page region at 0x%lx: "
               "got 0x%lx (the kernel leaves the page after a region unmapped)\n",
               (unsigned long)past, pages, va, got);
        return 4;
    }
    ipc_recv(E_CHILD, &m); // KILL: the worker kills it here
    return 5;
}

// --- the worker --------------------------------------------------------------------------

static int server_pid, server_ep, holder_ep;
static int leaks[WAYS], runs[WAYS], reported;

static int spawn_holder(enum way way)
{
    long caps[] = {SLOT_CONSOLE, holder_ep};
    char nonce_text[24], way_text[8];
    snprintf(nonce_text, sizeof(nonce_text), "%lu", nonce);
    snprintf(way_text, sizeof(way_text), "%d", way);
    char *argv[] = {"shmleak", nonce_text, "holder", way_text, NULL};
    int pid = spawn_caps("shmleak", argv, caps, 2);
    expect_true(pid > 0, "spawn of a holder: %s", errno_name(pid));
    return pid;
}

// One cycle; returns the way it let go.
static enum way cycle(int i)
{
    enum way way = (enum way)rng_below(WAYS);
    if (way == FAULT && rng_below(4) != 0)
        way = EXIT; // each fault prints a report: a few are enough
    uint64_t pages = rng_below(16) + 1, tag = (uint64_t)i + 1;
    int chosen = rng_below(3) == 0, delete_first = rng_below(2), read_only = rng_below(2);
    runs[way]++;
    char what[96];
    snprintf(what, sizeof(what), "cycle %d (%s, %lu pages)", i, way_names[way], pages);
    int region = region_create(pages);
    if (!expect_true(region >= 0, "%s: region_create: got %s", what, errno_name(region)))
        return way;
    uint64_t want = chosen ? CHOSEN_AREA + rng_below(512 - 16) * PAGE : 0;
    uint64_t va = map_or_fail(what, region, want, REGION_MAP_WRITE);
    if (va != 0)
        fill_pattern((volatile uint64_t *)va, pages * WORDS_PER_PAGE, nonce, tag);
    int copy = cap_mint(region, read_only ? RIGHT_MAP_READ : RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0);
    struct ipc_msg m = message_passing(way, pages, tag, copy), reply;
    if (way == UNMAP || way == OUTLIVE) {
        long r = ipc_call(server_ep, &m, &reply);
        expect_true(r == 0 && reply.label == 0, "%s: the server's answer: expected 0, got result "
                    "%s, label %ld (labs/06-shm/shmleak.c, server(): the number of the check "
                    "that failed)", what, r < 0 ? errno_name(r) : "0", reply.label);
    } else {
        int pid = spawn_holder(way);
        expect_result("ipc_send to the holder", ipc_send(holder_ep, &m), 0);
        if (way == KILL) {
            wait_for_state(pid, TASK_STATE_RECEIVING, 2000, "the holder to kill");
            kill(pid, SIGKILL);
        }
        char buf[32];
        int status = reap(pid);
        int want_signal = way == KILL ? SIGKILL : way == FAULT ? SIGSEGV : 0;
        expect_true(want_signal ? WIFSIGNALED(status) && WTERMSIG(status) == want_signal
                                : status == 0,
                    "%s: the holder: expected %s, got %s", what,
                    way == KILL ? "killed by signal 9" : way == FAULT ? "killed by signal 11"
                                                                       : "exit status 0",
                    status_text(status, buf, sizeof(buf)));
    }
    cap_delete(copy);
    if (delete_first)
        expect_result("cap_delete of the original", cap_delete(region), 0);
    if (va != 0 && expect_result("region_unmap of the worker's mapping", region_unmap(va), 0))
        expect_pages_gone(what, va, pages);
    if (!delete_first)
        expect_result("cap_delete of the original", cap_delete(region), 0);
    if (way == OUTLIVE) {
        m = message(100, 0, 0, 0, 0);
        long r = ipc_call(server_ep, &m, &reply);
        expect_true(r == 0 && reply.label == 0, "%s: the server reading its mapping after every "
                    "capability to the region was deleted: expected 0, got result %s, label %ld "
                    "(6: the pattern is gone, the frames were freed while still mapped)", what,
                    r < 0 ? errno_name(r) : "0", reply.label);
    }
    return way;
}

static int worker(int cycles)
{
    test_name = "shmleak: worker";
    rng_seed(nonce);
    server_ep = endpoint_create();
    holder_ep = endpoint_create();
    long caps[] = {SLOT_CONSOLE, server_ep};
    char nonce_text[24];
    snprintf(nonce_text, sizeof(nonce_text), "%lu", nonce);
    char *argv[] = {"shmleak", nonce_text, "server", NULL};
    server_pid = spawn_caps("shmleak", argv, caps, 2);
    if (!expect_true(server_pid > 0 && server_ep >= 0 && holder_ep >= 0, "spawn of the server: "
                     "%s", errno_name(server_pid)))
        return 1;
    // The page tables the worker's and the server's mappings need stay with their address
    // spaces until they exit (as in lab 4): one mapping at each place first makes them.
    int warm = region_create(1);
    uint64_t a = map_or_fail("warm-up", warm, 0, 0), b = map_or_fail("warm-up", warm, CHOSEN_AREA, 0);
    int copy = cap_mint(warm, RIGHT_MAP_READ, 0);
    struct ipc_msg m = message_passing(UNMAP, 1, 0, copy), reply;
    ipc_call(server_ep, &m, &reply);
    region_unmap(a);
    region_unmap(b);
    cap_delete(copy);
    cap_delete(warm);
    struct counts base, now;
    take_counts(&base);
    for (int i = 0; i < cycles; i++) {
        enum way way = cycle(i);
        take_counts(&now);
        if (memcmp(&now.k, &base.k, sizeof(now.k)) != 0 || now.slots != base.slots) {
            leaks[way]++;
            if (reported++ < 5) {
                char what[64];
                snprintf(what, sizeof(what), "after cycle %d (%s)", i, way_names[way]);
                expect_same_counts(what, &base, &now);
            }
            base = now; // report each cycle's own leak
        }
    }
    char text[200];
    int at = 0;
    for (int w = 0; w < WAYS; w++)
        at += snprintf(text + at, sizeof(text) - (size_t)at, "%s%s %d/%d", w ? ", " : "",
                       way_names[w], leaks[w], runs[w]);
    printf("shmleak: worker: %d cycles; cycles that leaked, by way: %s\n", cycles, text);
    // Exit still holding: a mapped region with a copy of it, and a region only mapped.
    int region = region_create(3);
    if (region >= 0) {
        map_or_fail("the region left mapped at exit", region, 0, REGION_MAP_WRITE);
        cap_mint(region, RIGHT_MAP_READ, 0);
        int only_mapped = region_create(2);
        map_or_fail("the region left mapped at exit", only_mapped, 0, 0);
        cap_delete(only_mapped);
    }
    kill(server_pid, SIGKILL);
    reap(server_pid);
    return summary();
}

int main(int argc, char **argv)
{
    test_name = "shmleak";
    nonce = arg_number(argc, argv, 1, 12345);
    if (argc > 2 && strcmp(argv[2], "server") == 0)
        return server();
    if (argc > 3 && strcmp(argv[2], "holder") == 0)
        return holder((enum way)arg_number(argc, argv, 3, 0));
    if (argc > 3 && strcmp(argv[2], "worker") == 0)
        return worker((int)arg_number(argc, argv, 3, 200));
    int cycles = (int)arg_number(argc, argv, 2, 200);
    printf("shmleak: %d cycles of create, map, pass, let go\n", cycles);
    // After the first line: the console server has mapped its buffer by now.
    struct counts before, after;
    take_counts(&before);
    print_counts("before", &before);
    long caps[] = {SLOT_CONSOLE};
    char nonce_text[24], cycles_text[24];
    snprintf(nonce_text, sizeof(nonce_text), "%lu", nonce);
    snprintf(cycles_text, sizeof(cycles_text), "%d", cycles);
    char *argv_worker[] = {"shmleak", nonce_text, "worker", cycles_text, NULL};
    int pid = spawn_caps("shmleak", argv_worker, caps, 1);
    if (expect_true(pid > 0, "spawn of the worker: %s", errno_name(pid)))
        reap_ok(pid, "the worker");
    take_counts(&after);
    print_counts("after", &after);
    expect_same_counts("after the worker exited (still mapping regions and holding copies)",
                       &before, &after);
    return summary();
}
