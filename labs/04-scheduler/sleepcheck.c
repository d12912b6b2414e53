// sleepcheck.c — `sleepcheck SECONDS`: nanosleep fails at once or sleeps as long as asked
// (docs/syscalls.md, nanosleep).  Each case runs in a child that makes one nanosleep call and
// exits with the errno it got (0 for success).  The parent waits 2 s, then looks at each child
// without waiting for it (WNOHANG): a call with a bad `rem` must have failed with EFAULT at
// once, without sleeping first (a call that fails has no effect); a sleep of centuries must
// still be going on, however its seconds would overflow a count of nanoseconds; a short sleep
// must be over.  SECONDS is a random large tv_sec to try besides the fixed ones.  Run under
// -icount, where the guest's clock follows its instructions, so 2 s pass quickly and exactly.
// Exits with the number of failed checks (the children still asleep are left so: when pid 1
// exits, Keel powers off).
#include "ulib.h"

#define LONG_MAX 9223372036854775807L

enum rem_kind { REM_NULL, REM_OK, REM_KERNEL, REM_CODE, REM_UNMAPPED, REM_STRADDLING };
enum outcome { FAILS_AT_ONCE, ENDS_SOON, NEVER_ENDS_SOON };

struct sleep_case {
    const char *what;
    long sec, nsec;
    enum rem_kind rem;
    enum outcome outcome;
};

static struct sleep_case cases[] = {
    {"10 s, rem = kernel address", 10, 0, REM_KERNEL, FAILS_AT_ONCE},
    {"10 s, rem = read-only code", 10, 0, REM_CODE, FAILS_AT_ONCE},
    {"10 s, rem = unmapped address", 10, 0, REM_UNMAPPED, FAILS_AT_ONCE},
    {"10 s, rem running off the stack's top page", 10, 0, REM_STRADDLING, FAILS_AT_ONCE},
    {"30 ms, rem valid", 0, 30000000L, REM_OK, ENDS_SOON},
    {"0 s, rem NULL", 0, 0, REM_NULL, ENDS_SOON},
    {"18446744074 s (2^64 ns and then some)", 18446744074L, 0, REM_NULL, NEVER_ENDS_SOON},
    {"18446744073.709551615 s (2^64 - 1 ns)", 18446744073L, 709551615L, REM_OK, NEVER_ENDS_SOON},
    {"LONG_MAX s + 999999999 ns", LONG_MAX, 999999999L, REM_NULL, NEVER_ENDS_SOON},
    {"a random number of seconds from the command line", 0, 0, REM_OK, NEVER_ENDS_SOON},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static int checks, failures;

static uint64_t rem_pointer(enum rem_kind kind, struct timespec *ok)
{
    switch (kind) {
    case REM_OK:
        return (uint64_t)ok;
    case REM_KERNEL:
        return 0xffffff8040200000UL;
    case REM_CODE:
        return (uint64_t)rem_pointer;
    case REM_UNMAPPED:
        return 0x10000000UL;
    case REM_STRADDLING:
        return (1UL << 39) - 4096 - 8; // 8 bytes below USER_STACK_TOP, 8 above it
    default:
        return 0;
    }
}

// The child (`sleepcheck child INDEX SECONDS`): one nanosleep, its errno as the exit status.  A successful call must also
// have written zeros to rem.
static int child(int index)
{
    struct sleep_case *c = &cases[index];
    struct timespec request = {c->sec, c->nsec}, remaining = {-1, -1};
    long result =
        syscall6(SYS_nanosleep, (long)&request, (long)rem_pointer(c->rem, &remaining), 0, 0, 0, 0);
    if (result == 0 && c->rem == REM_OK && (remaining.tv_sec != 0 || remaining.tv_nsec != 0))
        return 100; // returned without filling rem
    return (int)-result;
}

static void check(const char *what, const char *got, const char *want)
{
    checks++;
    int ok = strcmp(got, want) == 0;
    failures += !ok;
    printf("sleepcheck: %s nanosleep(%s): %s (expected %s)\n", ok ? "ok  " : "FAIL", what, got,
           want);
}

int main(int argc, char **argv)
{
    unsigned long seconds = 0;
    int is_child = argc == 4 && strcmp(argv[1], "child") == 0;
    if (argc != 2 + 2 * is_child || parse_u64(argv[argc - 1], &seconds) != 0 ||
        seconds > (unsigned long)LONG_MAX) {
        printf("usage: sleepcheck SECONDS (up to 2^63 - 1)\n");
        return 1;
    }
    cases[NCASES - 1].sec = (long)seconds;
    if (is_child)
        return child(atoi(argv[2]));
    int pids[NCASES];
    for (size_t i = 0; i < NCASES; i++) {
        char index[8];
        snprintf(index, sizeof(index), "%d", (int)i);
        char *child_argv[] = {"sleepcheck", "child", index, argv[1], NULL};
        pids[i] = spawn("sleepcheck", child_argv);
    }
    sleep_ms(2000);
    for (size_t i = 0; i < NCASES; i++) {
        int status = 0;
        int got = pids[i] > 0 ? waitpid(pids[i], &status, WNOHANG) : pids[i];
        char result[48];
        if (got < 0)
            snprintf(result, sizeof(result), "spawn or wait failed (%s)", errno_name(got));
        else if (got == 0)
            snprintf(result, sizeof(result), "still asleep after 2 s");
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 100)
            snprintf(result, sizeof(result), "returned 0 but left rem unwritten");
        else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
            snprintf(result, sizeof(result), "returned %s", errno_name(WEXITSTATUS(status)));
        else
            snprintf(result, sizeof(result), WIFEXITED(status) ? "returned 0" : "the child died");
        const char *want = cases[i].outcome == FAILS_AT_ONCE ? "returned EFAULT"
                           : cases[i].outcome == ENDS_SOON   ? "returned 0"
                                                             : "still asleep after 2 s";
        check(cases[i].what, result, want);
    }
    printf("sleepcheck: %d of %d checks passed\n", checks - failures, checks);
    return failures;
}
