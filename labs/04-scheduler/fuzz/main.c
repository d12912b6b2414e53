// main.c — `fuzz SEED COUNT`: makes COUNT system calls with arguments drawn from classes
// (NULL, -1, huge values, kernel addresses, this program's own code, constants and stack,
// unmapped pages, buffers across pages and off the end of memory, lengths from 0 to 2^64 - 1,
// unknown numbers; calls.c), every combination of classes once per pass, in an order and
// with values drawn from SEED.  Each result is checked against docs/syscalls.md (oracle.c)
// and every register but x0 must come back unchanged (svc.S).  At the end every child is
// reaped and the free frames must be back where they started.  The same SEED and COUNT make
// the same calls: a failure report names them, so `fuzz SEED COUNT` reproduces it, and
// `fuzz SEED COUNT trace` prints every call before making it (to find one that hangs).
#include "fuzz.h"

#define MAX_REPORTED 5
#define MAX_COMBINATIONS 1024
#define PROGRESS_EVERY 5000

_Static_assert(offsetof(struct regs, sp) == 248 && offsetof(struct regs, nzcv) == 256 &&
                   offsetof(struct regs, tpidr_el0) == 264 && sizeof(struct regs) == 272,
               "svc.S knows struct regs by these offsets");

static uint64_t seed, count, random_state;
static int other_tasks; // tasks that are not this program's children (itself, init, sh)
static bool trace;      // `fuzz SEED COUNT trace`: print each call before making it
static int calls_made, failures;
static int not_run[UNSAFE + 1];                      // by verdict
static uint8_t ran[NCALLS][MAX_COMBINATIONS];        // combinations made at least once
static uint64_t results_seen[NCALLS];                // bit n: -n (errno n) seen; bit 0: success
static uint32_t schedule[NCALLS * MAX_COMBINATIONS]; // one pass: (kind << 16) | combination

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

static void fail(const struct call *c, const char *what)
{
    char description[512];
    failures++;
    if (failures > MAX_REPORTED)
        return;
    describe_call(c, description, sizeof(description));
    printf("\nfuzz: FAIL call %d (to reproduce: fuzz %lu %lu): %s: %s\n", calls_made, seed, count,
           description, what);
}

// The registers for the call: its number and arguments, and a pattern in all the others.
static void load_registers(const struct call *c, struct regs *in)
{
    for (int r = 0; r < 31; r++)
        in->x[r] = random64();
    for (int i = 0; i < MAX_ARGS; i++)
        in->x[i] = c->arg[i];
    in->x[8] = c->number;
    in->nzcv = (random64() & 0xf) << 28;
    in->tpidr_el0 = random64();
}

static void check_registers(const struct call *c, const struct regs *in, const struct regs *out,
                            uint64_t sp_before)
{
    char what[128];
    for (int r = 1; r < 31; r++) {
        if (out->x[r] != in->x[r]) {
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
    if (result >= 0 || (c->kind != CALL_SPAWN && c->kind != CALL_WAIT4))
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
    if (c->kind == CALL_SPAWN && result > 0)
        child_started((int)result);
    if (c->kind == CALL_WAIT4 && result > 0 && is_child((int)result))
        child_reaped((int)result);
}

// Makes the call if the oracle says it returns soon, and checks everything about it.
static void make_call(const struct call *c)
{
    struct expected e;
    predict(c, &e);
    if (e.verdict != RUN) {
        not_run[e.verdict]++;
        return;
    }
    struct regs in, out;
    uint64_t sp_before;
    load_registers(c, &in);
    if (trace) { // to find the call that never returns, when one does not
        char description[512];
        describe_call(c, description, sizeof(description));
        printf("fuzz: call %d: %s\n", calls_made, description);
    }
    long result = fuzz_svc(&in, &out, &sp_before);
    calls_made++;
    ran[c->kind][c->combination] = 1;
    char what[192], expected[128];
    if (!result_allowed(&e, result)) {
        describe_expected(&e, expected, sizeof(expected));
        snprintf(what, sizeof(what), "returned %ld (%s), expected %s", result,
                 result < 0 ? errno_name(result) : "not an error", expected);
        fail(c, what);
    } else if (e.nerrors == 0 && result >= 0) {
        const char *wrong = check_what_it_wrote(c, result);
        if (wrong != NULL)
            fail(c, wrong);
    }
    check_registers(c, &in, &out, sp_before);
    check_no_effect(c, result);
    note_result(c, result);
    if (calls_made % PROGRESS_EVERY == 0)
        printf("\nfuzz: %d calls made\n", calls_made);
}

// Makes room for a child (wait4 for any, when MAX_CHILDREN live), or makes one (a spawn of
// true, for a wait4 that needs one): ordinary calls, checked like the others.
static void prepare(enum call_kind kind, int combination)
{
    struct call helper;
    if (kind == CALL_SPAWN && live_children() >= MAX_CHILDREN) {
        build_wait_any(&helper);
        make_call(&helper);
    }
    if (combination_needs_child(kind, combination) && live_children() == 0) {
        build_spawn_true(&helper);
        make_call(&helper);
    }
}

// One pass: every combination that no rule leaves out, in a random order.
static int plan_pass(void)
{
    int n = 0;
    for (int kind = 0; kind < NCALLS; kind++)
        for (int k = 0; k < combinations(kind); k++)
            if (!combination_left_out(kind, k))
                schedule[n++] = (uint32_t)kind << 16 | (uint32_t)k;
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
        int j = (int)random_below((uint64_t)i + 1);
        uint32_t t = schedule[i];
        schedule[i] = schedule[j];
        schedule[j] = t;
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
            *made += ran[kind][k];
        }
    }
}

int main(int argc, char **argv)
{
    char stack_area[STACK_AREA];
    trace = argc == 4 && strcmp(argv[3], "trace") == 0;
    if (argc != 3 + trace || parse_u64(argv[1], &seed) != 0 || parse_u64(argv[2], &count) != 0) {
        printf("usage: fuzz SEED COUNT [trace]\n");
        return 2;
    }
    random_state = seed * 0x9E3779B97F4A7C15UL + 1; // never 0, which xorshift cannot leave
    memory_init(stack_area);
    calls_init();
    oracle_init(getpid(), getppid());
    int pid = spawn("true", (char *[]){"true", NULL}), status;
    waitpid(pid, &status, 0); // whatever is allocated once for good, is allocated now
    unsigned long before = free_frames();
    other_tasks = tasks_in_use();
    printf("fuzz: seed %lu, %lu calls\n", seed, count);
    uint64_t start = instructions();
    while ((uint64_t)calls_made < count) {
        int n = plan_pass();
        for (int i = 0; i < n && (uint64_t)calls_made < count; i++) {
            enum call_kind kind = (enum call_kind)(schedule[i] >> 16);
            int combination = (int)(schedule[i] & 0xffff);
            struct call c;
            prepare(kind, combination);
            build_call(kind, combination, &c);
            make_call(&c);
        }
    }
    uint64_t spent = instructions() - start;
    int started, reaped;
    failures += reap_all_children(&started, &reaped);
    unsigned long after = free_frames();
    if (after != before) {
        printf("\nfuzz: FAIL at the end: %lu free frames before, %lu after\n", before, after);
        failures++;
    }
    int made, total, left_out;
    printf("\n");
    print_coverage(&made, &total, &left_out);
    printf("fuzz: %d calls in %lu instructions (0 without -icount), %lu per call\n", calls_made,
           spent, spent / (uint64_t)(calls_made > 0 ? calls_made : 1));
    printf("fuzz: seed %lu: %d calls, %d failures; %d of %d combinations made, %d left out by "
           "rule; not made: %d would block, %d would flood, %d unsafe; %d children started, %d "
           "reaped; free frames %lu before, %lu after\n",
           seed, calls_made, failures, made, total, left_out, not_run[WOULD_BLOCK],
           not_run[WOULD_FLOOD], not_run[UNSAFE], started, reaped, before, after);
    return failures > 0;
}
