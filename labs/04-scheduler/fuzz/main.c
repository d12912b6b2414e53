// main.c — `fuzz SEED COUNT`: makes COUNT system calls with arguments drawn from classes
// (NULL, -1, huge values, kernel addresses, this program's own code, constants and stack,
// unmapped pages, buffers across pages and off the end of memory, lengths from 0 to 2^64 - 1,
// unknown numbers; calls.c), every combination of classes once per pass, in an order and
// with values drawn from SEED.  Each result is checked against docs/syscalls.md (oracle.c)
// and every register but x0 must come back unchanged (svc.S).  At the end every child is
// reaped and the free frames must be back where they started.  The same SEED and COUNT make
// the same calls: a failure report names them, so `fuzz SEED COUNT` reproduces it, and
// `fuzz SEED COUNT trace` prints every call before making it (to find one that hangs).
//
// From lab 5 on it fuzzes the capability and IPC calls too (calls5.c), on objects it creates
// for the purpose and with children of its own as partners (peers.c); at the end it deletes
// everything it made, and the kernel's counts (keel_stats: objects, capabilities, kmalloc's
// allocations) must be back where they started too.  `fuzz peer ...` is one of those
// children.  From lab 8 on, sync, clock_gettime, reboot (always with a wrong magic number or
// command: a right one would power off) and disk_writeback too (calls8.c).
#include "fuzz.h"

#define MAX_REPORTED 5
#define MAX_COMBINATIONS 1024
#define MAX_SCHEDULE 8192 // combinations in one pass, over all calls
#define PROGRESS_EVERY 5000
#define MAX_LIVE_CHILDREN 24 // lab 5: `true`s and peers together, of the 63 task slots

_Static_assert(offsetof(struct regs, sp) == 248 && offsetof(struct regs, nzcv) == 256 &&
                   offsetof(struct regs, tpidr_el0) == 264 && sizeof(struct regs) == 272,
               "svc.S knows struct regs by these offsets");

static uint64_t seed, count, random_state;
static int other_tasks; // tasks that are not this program's children (itself, init, sh)
static bool trace;      // `fuzz SEED COUNT trace`: print each call before making it
static int calls_made, failures;
static int not_run[UNSAFE + 1];                     // by verdict
static uint32_t ran[NCALLS][MAX_COMBINATIONS / 32]; // bits: combinations made at least once
static uint64_t results_seen[NCALLS];               // bit n: -n (errno n) seen; bit 0: success
static uint32_t schedule[MAX_SCHEDULE];             // one pass: (kind << 16) | combination

// xorshift64* (Marsaglia; Vigna): small, fast and good enough to draw classes and values.
uint64_t random64(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * 0x2545F4914F6CDD1DUL;
}

uint64_t random_below(uint64_t n)
{
    return n == 0 ? 0 : random64() % n;
}

// The combination being made (build, call, what follows it): a helper call's failure says
// which one it was for.
static struct call in_progress;
static bool making;

static void describe_in_progress(char *buf, size_t size)
{
    char description[640];
    buf[0] = '\0';
    if (!making)
        return;
    describe_call(&in_progress, description, sizeof(description));
    char *end = strchr(description, ')'); // its name and classes are enough
    if (end != NULL)
        end[1] = '\0';
    snprintf(buf, size, " [making: %s]", description);
}

static void fail(const struct call *c, const char *what)
{
    char description[640], context[400] = "";
    failures++;
#if LAB >= 5
    caps_degrade(); // what the fuzzer knows of its capabilities may be wrong from now on
#endif
    if (failures > MAX_REPORTED)
        return;
    describe_call(c, description, sizeof(description));
    if (c->combination < 0)
        describe_in_progress(context, sizeof(context));
    printf("\nfuzz: FAIL call %d (to reproduce: fuzz %lu %lu): %s%s: %s\n", calls_made, seed, count,
           description, context, what);
}

void fail_other(const char *what)
{
    char context[400];
    failures++;
#if LAB >= 5
    caps_degrade();
#endif
    describe_in_progress(context, sizeof(context));
    if (failures <= MAX_REPORTED)
        printf("\nfuzz: FAIL after call %d (to reproduce: fuzz %lu %lu)%s: %s\n", calls_made, seed,
               count, context, what);
}

// The registers for the call: its number and arguments, and a pattern in all the others.
static void load_registers(const struct call *c, struct regs *in)
{
    for (int r = 0; r < 31; r++)
        in->x[r] = random64();
    for (int i = 0; i < MAX_ARGS; i++)
        in->x[i] = c->arg[i];
    if (c->sets_x6)
        in->x[6] = c->x6;
    in->x[8] = c->number;
    in->nzcv = (random64() & 0xf) << 28;
    in->tpidr_el0 = random64();
}

// Every register but x0 comes back unchanged, but those a successful receive fills in
// (e->out_known), which must hold what was received.
static void check_registers(const struct call *c, const struct expected *e, long result,
                            const struct regs *in, const struct regs *out, uint64_t sp_before)
{
    char what[160];
    unsigned known = result >= 0 ? e->out_known : 0;
    for (int r = 1; r < 31; r++) {
        if (r < 8 && (known & (1u << r))) {
            if (out->x[r] != e->out[r]) {
                snprintf(what, sizeof(what), "x%d (%s) is 0x%lx, expected 0x%lx", r,
                         r == 1   ? "label"
                         : r < 6  ? "a word"
                         : r == 6 ? "badge"
                                  : "passed slot",
                         out->x[r], e->out[r]);
                fail(c, what);
                return;
            }
        } else if (out->x[r] != in->x[r]) {
            snprintf(what, sizeof(what), "x%d changed from 0x%lx to 0x%lx", r, in->x[r], out->x[r]);
            fail(c, what);
            return;
        }
    }
    if (out->sp != sp_before) {
        snprintf(what, sizeof(what), "sp changed from 0x%lx to 0x%lx", sp_before, out->sp);
        fail(c, what);
    } else if (out->nzcv != in->nzcv) {
        snprintf(what, sizeof(what), "NZCV changed from 0x%lx to 0x%lx", in->nzcv, out->nzcv);
        fail(c, what);
    } else if (out->tpidr_el0 != in->tpidr_el0) {
        snprintf(what, sizeof(what), "TPIDR_EL0 changed from 0x%lx to 0x%lx", in->tpidr_el0,
                 out->tpidr_el0);
        fail(c, what);
    }
}

static int tasks_in_use(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? info.procs : -1;
}

// A call that failed must have had no effect: a spawn started no task and a wait4 reaped no
// child.  sysinfo's procs counts every task, zombies included, so it must still be the
// other tasks plus this program's children.
static void check_no_effect(const struct call *c, long result)
{
    bool spawns_or_reaps = c->kind == CALL_SPAWN || c->kind == CALL_WAIT4;
#if LAB >= 5
    spawns_or_reaps |= c->kind == CALL_SPAWN_CAPS;
#endif
    if (result >= 0 || !spawns_or_reaps)
        return;
    int procs = tasks_in_use(), want = other_tasks + live_children();
    if (procs != want) {
        char what[160];
        snprintf(what, sizeof(what), "failed with %s, yet sysinfo counts %d tasks, not %d: it %s",
                 errno_name(result), procs, want,
                 procs < want ? "reaped a child" : "started a task");
        fail(c, what);
    }
}

static void note_result(const struct call *c, long result)
{
    results_seen[c->kind] |= result < 0 && result > -64 ? 1UL << -result : 1;
    bool spawn = c->kind == CALL_SPAWN;
#if LAB >= 5
    spawn |= c->kind == CALL_SPAWN_CAPS;
#endif
    if (spawn && result > 0)
        child_started((int)result);
    if (c->kind == CALL_WAIT4 && result > 0 && is_child((int)result))
        child_reaped((int)result);
}

// Makes the call if the oracle says it returns soon, and checks everything about it.
// Returns the result, or NOT_MADE.
long make_call(const struct call *c)
{
    struct expected e;
    predict(c, &e);
    if (e.verdict != RUN) {
        not_run[e.verdict]++;
        if (trace) {
            char description[640];
            describe_call(c, description, sizeof(description));
            printf("fuzz: not made (%s): %s\n",
                   e.verdict == WOULD_BLOCK   ? "would block"
                   : e.verdict == WOULD_FLOOD ? "would flood"
                                              : "unsafe",
                   description);
        }
#if LAB >= 7
        apply7(c, NOT_MADE); // what its combination opened is closed again
#endif
#if LAB >= 8
        apply8(c, NOT_MADE); // and the regions it made are deleted
#endif
        return NOT_MADE;
    }
    struct regs in, out;
    uint64_t sp_before;
    load_registers(c, &in);
    if (trace) { // to find the call that never returns, when one does not
        char description[640], expected[128];
        describe_call(c, description, sizeof(description));
        describe_expected(&e, expected, sizeof(expected));
        printf("fuzz: call %d: %s: expecting %s\n", calls_made, description, expected);
    }
    long result = fuzz_svc(&in, &out, &sp_before);
    calls_made++;
    if (c->combination >= 0)
        ran[c->kind][c->combination / 32] |= 1u << (c->combination % 32);
    char what[192], expected[128];
    if (!result_allowed(&e, result)) {
        describe_expected(&e, expected, sizeof(expected));
        snprintf(what, sizeof(what), "returned %ld (%s), expected %s", result,
                 result < 0 ? errno_name(result) : "not an error", expected);
        fail(c, what);
    } else if (e.nerrors == 0 && result >= 0) {
        const char *wrong = check_what_it_wrote(c, result);
#if LAB >= 5
        if (wrong == NULL)
            wrong = check_what_it_wrote5(c, result, &out);
#endif
#if LAB >= 7
        if (wrong == NULL)
            wrong = check_what_it_wrote7(c, result);
#endif
        if (wrong != NULL)
            fail(c, wrong);
    }
#if LAB >= 8
    if (result_allowed(&e, result)) { // clock_gettime's time, or its tp untouched on failure
        const char *wrong = check_what_it_wrote8(c, result);
        if (wrong != NULL)
            fail(c, wrong);
    }
#endif
    check_registers(c, &e, result, &in, &out, sp_before);
    check_no_effect(c, result);
    note_result(c, result);
#if LAB >= 5
    apply5(c, &e, result, &out); // what the call changed, as the result says it did
#endif
#if LAB >= 6
    apply6(c, result); // and the regions its combination made are deleted
#endif
#if LAB >= 7
    apply7(c, result); // and the fds its combination opened are closed
#endif
#if LAB >= 8
    apply8(c, result); // and the regions of disk_writeback's combination are deleted
#endif
    if (calls_made % PROGRESS_EVERY == 0)
        printf("\nfuzz: %d calls made\n", calls_made);
    return result;
}

// Makes room for a child (wait4 for any, when MAX_CHILDREN live), or makes one (a spawn of
// true, for a wait4 that needs one): ordinary calls, checked like the others.
static void prepare(enum call_kind kind, int combination)
{
    struct call helper;
    bool spawns = kind == CALL_SPAWN;
#if LAB >= 5
    spawns |= kind == CALL_SPAWN_CAPS;
    if (kind > CALL_SPAWN && kind != CALL_UNKNOWN)
        make_room(); // the capability calls need free slots to work with
    // Peers that have done their part are reaped now and then: task slots are few.
    while (live_children() > MAX_LIVE_CHILDREN && reapable_children() > 0) {
        build_wait_any(&helper);
        if (make_call(&helper) == NOT_MADE) { // after a failure: no waiting
            reap_ended_quietly();
            break;
        }
    }
    // A wait4 that waits finds a child that ends (peers that block do not).
    if (kind == CALL_WAIT4 && live_children() > 0 && reapable_children() == 0) {
        build_spawn_true(&helper);
        make_call(&helper);
    }
#endif
    if (spawns && live_trues() >= MAX_CHILDREN) {
        build_wait_any(&helper);
        make_call(&helper);
    }
    if (combination_needs_child(kind, combination) && reapable_children() == 0) {
        build_spawn_true(&helper);
        make_call(&helper);
    }
}

static bool made_once(int kind, int k)
{
    return (ran[kind][k / 32] >> (k % 32)) & 1;
}

// One pass: every combination that no rule leaves out, in a random order, but those never made
// yet first (a call the oracle found would flood or block, for the values drawn, gets its
// next chance early: from lab 7 the count makes less than two passes).
static int plan_pass(void)
{
    int n = 0;
    for (int kind = 0; kind < NCALLS; kind++)
        for (int k = 0; k < combinations(kind) && n < MAX_SCHEDULE; k++)
            if (!combination_left_out(kind, k))
                schedule[n++] = (uint32_t)kind << 16 | (uint32_t)k;
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
        int j = (int)random_below((uint64_t)i + 1);
        uint32_t t = schedule[i];
        schedule[i] = schedule[j];
        schedule[j] = t;
    }
#if LAB >= 5
    // The combinations that need the capability table full go last, so that it is filled
    // once a pass (and emptied again at the start of the next).
    for (int i = 0, end = n; i < end;) {
        if (combination_needs_full_table((enum call_kind)(schedule[i] >> 16),
                                         (int)(schedule[i] & 0xffff))) {
            uint32_t t = schedule[i];
            schedule[i] = schedule[--end];
            schedule[end] = t;
        } else {
            i++;
        }
    }
#endif
    int end = n;
#if LAB >= 5
    while (end > 0 && combination_needs_full_table((enum call_kind)(schedule[end - 1] >> 16),
                                                   (int)(schedule[end - 1] & 0xffff)))
        end--;
#endif
    for (int i = 0, front = 0; i < end; i++) {
        if (!made_once((int)(schedule[i] >> 16), (int)(schedule[i] & 0xffff))) {
            uint32_t t = schedule[i];
            schedule[i] = schedule[front];
            schedule[front++] = t;
        }
    }
    return n;
}

static unsigned long free_frames(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? info.freeram : 0;
}

// What was covered: combinations made, and each call's results (docs/syscalls.md lists the
// errors each call can give; the grader holds one against the other).
static void print_coverage(int *made, int *total, int *left_out)
{
    *made = *total = *left_out = 0;
    for (int kind = 0; kind < NCALLS; kind++) {
        printf("fuzz: results of %s:", call_name(kind));
        for (int n = 1; n < 64; n++)
            if (results_seen[kind] & (1UL << n))
                printf(" %s", errno_name(-n));
        printf("%s\n", results_seen[kind] & 1 ? " ok" : "");
        for (int k = 0; k < combinations(kind); k++) {
            *total += 1;
            *left_out += combination_left_out(kind, k);
            *made += made_once(kind, k);
        }
    }
    int shown = 0;
    for (int kind = 0; kind < NCALLS; kind++) {
        for (int k = 0; k < combinations(kind) && shown < MAX_REPORTED; k++) {
            if (made_once(kind, k) || combination_left_out(kind, k))
                continue;
            struct call c;
            char description[640];
            memset(&c, 0, sizeof(c));
            c.kind = (enum call_kind)kind;
            c.combination = k;
            build_classes(&c);
            describe_call(&c, description, sizeof(description));
            printf("fuzz: never made: %s\n", description);
            shown++;
        }
    }
}

int main(int argc, char **argv)
{
    char stack_area[STACK_AREA];
#if LAB >= 5
    if (argc >= 2 && strcmp(argv[1], "peer") == 0)
        return peer_main(argc, argv);
#endif
    trace = argc == 4 && strcmp(argv[3], "trace") == 0;
    if (argc != 3 + trace || parse_u64(argv[1], &seed) != 0 || parse_u64(argv[2], &count) != 0) {
        printf("usage: fuzz SEED COUNT [trace]\n");
        return 2;
    }
    random_state = seed * 0x9E3779B97F4A7C15UL + 1; // never 0, which xorshift cannot leave
    memory_init(stack_area);
    calls_init();
    oracle_init(getpid(), getppid());
#if LAB >= 5
    task_table_init(); // before any spawn: the tasks that are not ours
    caps_init();
    calls5_init();
    peers_init();
    oracle5_init();
#endif
#if LAB >= 6
    regions6_init();
#endif
#if LAB >= 7
    calls7_init();
    files7_init(seed);
#endif
    int pid = spawn("true", (char *[]){"true", NULL}), status;
    waitpid(pid, &status, 0); // whatever is allocated once for good, is allocated now
#if LAB >= 5
    child_started(pid); // for the task table (and last_reaped_pid: a pid no task has)
    child_reaped(pid);
    caps_stats_baseline();
#endif
    unsigned long before = free_frames();
    other_tasks = tasks_in_use();
    printf("fuzz: seed %lu, %lu calls\n", seed, count);
    uint64_t start = instructions();
    while ((uint64_t)calls_made < count) {
        int n = plan_pass();
        if (trace)
            printf("fuzz: a pass of %d combinations starts at call %d\n", n, calls_made);
        for (int i = 0; i < n && (uint64_t)calls_made < count; i++) {
            enum call_kind kind = (enum call_kind)(schedule[i] >> 16);
            int combination = (int)(schedule[i] & 0xffff);
            struct call c;
            memset(&in_progress, 0, sizeof(in_progress));
            in_progress.kind = kind;
            in_progress.combination = combination;
            build_classes(&in_progress);
            making = true;
            prepare(kind, combination);
            build_call(kind, combination, &c);
            make_call(&c);
            making = false;
        }
    }
    uint64_t spent = instructions() - start;
    int started, reaped;
#if LAB >= 5
    peers_teardown(); // every peer told to end (or killed), every object deleted
    caps_teardown();
    peers_check_settled();
    if (caps_degraded())
        kill_all_children();
#endif
#if LAB >= 7
    files7_teardown(); // the fuzzer's directory removed
#endif
    failures += reap_all_children(&started, &reaped);
#if LAB >= 7
    files7_check_counts(); // the VFS server's, once no child holds an old cwd
#endif
    unsigned long after = free_frames();
    if (after != before) {
        printf("\nfuzz: FAIL at the end: %lu free frames before, %lu after\n", before, after);
        failures++;
    }
    char counts[160] = "";
#if LAB >= 5
    if (!caps_stats_check(counts, sizeof(counts))) {
        printf("\nfuzz: FAIL at the end: the kernel's counts are not back (%s)\n", counts + 2);
        failures++;
    }
    started--, reaped--; // the first `true`, before the count began
#endif
    int made, total, left_out;
    printf("\n");
    print_coverage(&made, &total, &left_out);
    printf("fuzz: %d calls in %lu instructions (0 without -icount), %lu per call\n", calls_made,
           spent, spent / (uint64_t)(calls_made > 0 ? calls_made : 1));
    printf("fuzz: seed %lu: %d calls, %d failures; %d of %d combinations made, %d left out by "
           "rule; not made: %d would block, %d would flood, %d unsafe; %d children started, %d "
           "reaped; free frames %lu before, %lu after%s\n",
           seed, calls_made, failures, made, total, left_out, not_run[WOULD_BLOCK],
           not_run[WOULD_FLOOD], not_run[UNSAFE], started, reaped, before, after, counts);
    return failures > 0;
}
