// bigargs.c — `bigargs ROUNDS`: spawn at the edges of its limits (docs/syscalls.md, spawn):
// 32 arguments and 4096 bytes of argument strings are accepted and arrive intact, 33 and
// 4097 get E2BIG, and no call writes past the kernel's copy of the strings.  Before each big
// call the parent starts a witness (`true`) that has not run yet: if the kernel's copy runs
// over into the next frame, that is often the witness's fresh page table, and the witness
// dies or the kernel halts when it is reaped.  Free frames must come back to where they
// were.  `bigargs check N` is the child that verifies its own N arguments.  Exits with the
// number of failed checks.
#include "ulib.h"

static int checks, failures;
static char strings[SPAWN_MAX_ARG_BYTES + 64]; // the argument strings of one spawn
static char *child_argv[SPAWN_MAX_ARGS + 2];

// A spawn's result: a pid (want 0) or the error `want`.  Round 0 prints every check.
static void expect_spawn(int round, const char *what, long got, long want)
{
    int ok = want == 0 ? got > 0 : got == want;
    checks++;
    failures += !ok;
    if (!ok || round == 0)
        printf("bigargs: %s round %d: spawn with %s -> %s (expected %s)\n", ok ? "ok  " : "FAIL",
               round, what, got > 0 ? "a pid" : errno_name(got),
               want == 0 ? "a pid" : errno_name(want));
}

static void expect_equal(int round, const char *what, long got, long want)
{
    checks++;
    failures += got != want;
    if (got != want || round == 0)
        printf("bigargs: %s round %d: %s: %ld (expected %ld)\n", got == want ? "ok  " : "FAIL",
               round, what, got, want);
}

// The letter of argument i: the child recomputes it, so a string that arrives with the
// wrong bytes is seen.
static char letter(int i)
{
    return (char)('a' + i % 26);
}

// Builds child_argv = {"bigargs", "check", "N", then N - 3 strings of letters}: N arguments
// whose strings, NULs included, take exactly `total` bytes.
static void build(int nargs, size_t total)
{
    static char count[16];
    snprintf(count, sizeof(count), "%d", nargs);
    child_argv[0] = "bigargs";
    child_argv[1] = "check";
    child_argv[2] = count;
    size_t used = strlen("bigargs") + strlen("check") + strlen(count) + 3;
    char *next = strings;
    for (int i = 3; i < nargs; i++) {
        size_t share = (total - used) / (size_t)(nargs - i); // the last takes what is left
        memset(next, letter(i), share - 1);
        next[share - 1] = '\0';
        child_argv[i] = next;
        next += share;
        used += share;
    }
    child_argv[nargs] = NULL;
}

// The child: are my arguments what build() made?
static int check_self(int argc, char **argv)
{
    unsigned long want;
    if (parse_u64(argv[2], &want) != 0 || (int)want != argc)
        return 1;
    for (int i = 3; i < argc; i++)
        for (size_t j = 0; argv[i][j] != '\0'; j++)
            if (argv[i][j] != letter(i))
                return 2;
    return 0;
}

static unsigned long free_frames(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? info.freeram : 0;
}

static int start(const char *program)
{
    char *argv[] = {(char *)program, NULL};
    return spawn(program, argv);
}

// One round: each limit exactly, and one past it, each after a fresh witness.  Then every
// child is reaped: all must exit 0.
static void round_of_limits(int round)
{
    static const struct {
        const char *what;
        int nargs;
        size_t total;
        long want;
    } cases[] = {
        {"4096 bytes of strings", 4, SPAWN_MAX_ARG_BYTES, 0},
        {"4097 bytes of strings", 4, SPAWN_MAX_ARG_BYTES + 1, -E2BIG},
        {"32 arguments", SPAWN_MAX_ARGS, 32 * 8, 0},
        {"33 arguments", SPAWN_MAX_ARGS + 1, 33 * 8, -E2BIG},
    };
    struct {
        int pid;
        const char *what;
    } children[8];
    int n = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        children[n].pid = start("true");
        children[n++].what = "the witness's exit status";
        build(cases[i].nargs, cases[i].total);
        int pid = spawn("bigargs", child_argv);
        expect_spawn(round, cases[i].what, pid, cases[i].want);
        if (pid > 0) {
            children[n].pid = pid;
            children[n++].what = "the checker's exit status";
        }
    }
    for (int i = 0; i < n; i++) {
        int status = -1;
        if (children[i].pid <= 0 || waitpid(children[i].pid, &status, 0) != children[i].pid)
            status = -1;
        expect_equal(round, children[i].what, status, 0);
    }
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "check") == 0)
        return check_self(argc, argv);
    int rounds = argc > 1 ? atoi(argv[1]) : 8;
    int pid = start("true"), status;
    waitpid(pid, &status, 0); // whatever is allocated once for good, is allocated now
    unsigned long before = free_frames();
    for (int round = 0; round < rounds; round++)
        round_of_limits(round);
    unsigned long after = free_frames();
    expect_equal(0, "free frames after minus before", (long)after - (long)before, 0);
    printf("bigargs: %d of %d checks passed; free frames before %lu, after %lu\n",
           checks - failures, checks, before, after);
    return failures;
}
