// ipctest.h — helpers shared by lab 5's test programs (labs/05-ipc/): checking results
// against the documented errno, random numbers from a seed, counting what a task holds, and
// waiting until another task is blocked where a test wants it.
//
// Every check prints one line the grader reads: "PROG: FAIL what: expected X, got Y" when it
// fails (and nothing, or an "ok" line, when it passes), so a failure says what was expected,
// what came, and which call it was.
#ifndef IPCTEST_H
#define IPCTEST_H

#include "mix.h"
#include "ulib.h"

#ifndef SLOT_CONSOLE
#define SLOT_CONSOLE 0 // every task's send capability to the console server (lab5 ABI)
#endif

static const char *test_name = "ipctest"; // set by each program's main
static int checks_made, checks_failed;

// A result as text: "0", "5", "-EPERM".
static inline const char *result_text(long r, char *buf, size_t size)
{
    if (r < 0 && r > -4096)
        snprintf(buf, size, "-%s", errno_name(r));
    else
        snprintf(buf, size, "%ld", r);
    return buf;
}

// Checks that a call returned `want` (a value or -errno); returns 1 if it did.
static inline int expect_result(const char *what, long got, long want)
{
    char g[24], w[24];
    checks_made++;
    if (got == want)
        return 1;
    checks_failed++;
    printf("%s: FAIL %s: expected %s, got %s\n", test_name, what, result_text(want, w, sizeof(w)),
           result_text(got, g, sizeof(g)));
    return 0;
}

// Checks a condition; `fmt` says what was expected and what came.
static inline int expect_true(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int expect_true(int ok, const char *fmt, ...)
{
    checks_made++;
    if (ok)
        return 1;
    checks_failed++;
    char line[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printf("%s: FAIL %s\n", test_name, line);
    return 0;
}

// --- random numbers from a seed (the grader passes the seed: a failure can be rerun) -------

static uint64_t rng_state;

static inline void rng_seed(uint64_t seed)
{
    rng_state = seed;
}

static inline uint64_t rng_next(void)
{
    rng_state += 0x9e3779b97f4a7c15UL;
    return mix64(rng_state);
}

static inline uint64_t rng_below(uint64_t n)
{
    return n ? rng_next() % n : 0;
}

// --- time and memory -------------------------------------------------------------------

static inline uint64_t counter_now(void)
{
    uint64_t n;
    __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(n)::"memory");
    return n;
}

static inline uint64_t counter_hz(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
}

static inline uint64_t now_us(void)
{
    return counter_now() / (counter_hz() / 1000000);
}

// Spins (no system call) for `ms` milliseconds of the generic timer.
static inline void spin_ms(unsigned long ms)
{
    uint64_t end = counter_now() + ms * (counter_hz() / 1000);
    while (counter_now() < end)
        ;
}

static inline unsigned long free_frames(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? info.freeram : 0;
}

// --- what a task holds -----------------------------------------------------------------

// How many of this task's slots hold a capability.
static inline int slots_used(void)
{
    struct cap_info info;
    int n = 0;
    for (int s = 0; s < CAP_SLOTS; s++)
        if (cap_describe(s, &info) == 0 && info.type != CAP_EMPTY)
            n++;
    return n;
}

// The lowest empty slot at or above `from`, or -1.
static inline int empty_slot(int from)
{
    struct cap_info info;
    for (int s = from; s < CAP_SLOTS; s++)
        if (cap_describe(s, &info) == 0 && info.type == CAP_EMPTY)
            return s;
    return -1;
}

static inline int slot_is_empty(int slot)
{
    struct cap_info info;
    return cap_describe(slot, &info) == 0 && info.type == CAP_EMPTY;
}

// How many tasks exist (zombies included), by task_describe.
static inline int tasks_alive(void)
{
    struct task_info t;
    int n = 0;
    for (int i = 0; i < 64; i++)
        if (task_describe(i, &t) >= 0)
            n++;
    return n;
}

// Fills *out with the task `pid`; returns 0, or -ESRCH if there is none.
static inline int find_task(int pid, struct task_info *out)
{
    for (int i = 0; i < 64; i++)
        if (task_describe(i, out) == pid)
            return 0;
    return -ESRCH;
}

static inline const char *state_name(unsigned state)
{
    static const char *const names[] = {"?",
                                        "runnable",
                                        "running",
                                        "sleeping",
                                        "zombie",
                                        "blocked in send/call",
                                        "blocked in recv",
                                        "waiting for a reply",
                                        "blocked in notify_wait"};
    return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

// Yields until task `pid` is in `state` (TASK_STATE_*), for at most `ms` milliseconds;
// returns 1 if it got there.  Prints a FAIL line saying where the task was if it did not.
static inline int wait_for_state(int pid, unsigned state, unsigned long ms, const char *who)
{
    uint64_t end = counter_now() + ms * (counter_hz() / 1000);
    struct task_info t = {0};
    int found = -ESRCH;
    do {
        found = find_task(pid, &t);
        if (found == 0 && t.state == state)
            return 1;
        yield();
    } while (counter_now() < end);
    checks_made++;
    checks_failed++;
    printf("%s: FAIL %s (pid %d) to be %s within %lu ms, but it is %s\n", test_name, who, pid,
           state_name(state), ms, found == 0 ? state_name(t.state) : "gone");
    return 0;
}

// Spawns `name role [extra]` with the given capabilities in its slots 0.. (the console in
// slot 0 first, usually); returns the pid or prints a FAIL line and returns the error.
static inline int spawn_role(const char *name, const char *role, const char *extra,
                             const long *caps, int ncaps)
{
    char *argv[] = {(char *)name, (char *)role, (char *)extra, NULL};
    if (extra == NULL)
        argv[2] = NULL;
    int pid = spawn_caps(name, argv, caps, ncaps);
    if (pid < 0) {
        checks_made++;
        checks_failed++;
        printf("%s: FAIL spawn of '%s %s' with %d capabilities: %s\n", test_name, name, role, ncaps,
               errno_name(pid));
    }
    return pid;
}

// Waits for child `pid`; returns its status word, or -1 (with a FAIL line) if wait failed.
static inline int reap(int pid)
{
    int status = 0;
    int r = waitpid(pid, &status, 0);
    if (r != pid) {
        checks_made++;
        checks_failed++;
        printf("%s: FAIL waitpid(%d) returned %d\n", test_name, pid, r);
        return -1;
    }
    return status;
}

static inline const char *status_text(int status, char *buf, size_t size)
{
    if (status < 0)
        snprintf(buf, size, "never reaped");
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
    return buf;
}

// Reaps child `pid` and checks it exited 0 (its own FAIL lines say why it did not).
static inline int reap_ok(int pid, const char *who)
{
    char buf[32];
    int status = reap(pid);
    return expect_true(status == 0, "%s (pid %d): expected exit status 0, got %s", who, pid,
                       status_text(status, buf, sizeof(buf)));
}

static inline struct ipc_msg message(long label, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
    struct ipc_msg m = {label, {w0, w1, w2, w3}, CAP_NONE, 0};
    return m;
}

// Parses argv[i] as a number, or `otherwise` if there is no such argument.
static inline uint64_t arg_number(int argc, char **argv, int i, uint64_t otherwise)
{
    unsigned long v;
    if (i < argc && parse_u64(argv[i], &v) == 0)
        return v;
    return otherwise;
}

// The program's last line: "PROG: N of M checks passed"; returns the exit status.
static inline int summary(void)
{
    printf("%s: %d of %d checks passed\n", test_name, checks_made - checks_failed, checks_made);
    return checks_failed == 0 ? 0 : 1;
}

#endif
