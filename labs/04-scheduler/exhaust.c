// exhaust.c — `exhaust slots` or `exhaust memory`: spawns until the kernel says no, and checks
// that it says so in the documented way (docs/syscalls.md, spawn) and loses nothing.
//   slots:  children of `true`, never reaped until the end: the zombies keep their task
//           slots, and the spawn after the 63rd task must fail with EAGAIN.
//   memory: children that stay alive (`exhaust hold`: they sleep half a second), on a
//           machine with little RAM (the grader gives 8 MiB): a spawn must fail with ENOMEM
//           before the slots run out, and every failed spawn must give back what it took.
// Then everything is reaped: every child exits 0, the free frames are back where they were,
// and a spawn works again.  Exits 0 if all is well.
#include "ulib.h"

#define NTASKS 63 // the task table's slots, less the idle task's (docs/syscalls.md, EAGAIN)

static int pids[NTASKS];

static struct sysinfo info(void)
{
    struct sysinfo i = {0};
    sysinfo(&i);
    return i;
}

static int hold(void)
{
    struct timespec half = {0, 500000000L};
    return (int)syscall6(SYS_nanosleep, (long)&half, 0, 0, 0, 0, 0);
}

// Spawns argv[0] until spawn fails (at most NTASKS times); returns how many started, and
// sets *error to the failure (0 if none) and *procs_then to the tasks in use then.
static int spawn_until_refused(char *const argv[], long *error, int *procs_then)
{
    int n = 0;
    *error = 0;
    while (n < NTASKS) {
        int pid = spawn(argv[0], argv);
        if (pid < 0) {
            *error = pid;
            break;
        }
        pids[n++] = pid;
    }
    *procs_then = info().procs;
    return n;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "hold") == 0)
        return hold();
    int memory = argc == 2 && strcmp(argv[1], "memory") == 0;
    if (argc != 2 || (!memory && strcmp(argv[1], "slots") != 0)) {
        printf("usage: exhaust slots|memory\n");
        return 2;
    }
    char *true_argv[] = {"true", NULL}, *hold_argv[] = {"exhaust", "hold", NULL};
    char *const *child_argv = memory ? hold_argv : true_argv;
    int pid = spawn("true", true_argv), status, failures = 0;
    waitpid(pid, &status, 0); // whatever is allocated once for good, is allocated now
    unsigned long before = info().freeram;
    long error;
    int procs, n = spawn_until_refused(child_argv, &error, &procs);
    long want = memory ? -ENOMEM : -EAGAIN;
    printf("exhaust: %s: %d children started, then %s with %d tasks in use (expected %s%s)\n",
           argv[1], n, error < 0 ? errno_name(error) : "no refusal", procs, errno_name(want),
           memory ? " before the slots run out" : ", with 63 tasks");
    failures += error != want || (!memory && procs != NTASKS) || (memory && procs >= NTASKS);
    for (int i = 0; i < n; i++) {
        if (waitpid(pids[i], &status, 0) != pids[i] || status != 0) {
            printf("exhaust: FAIL child %d: wait4 or its status (0x%x) wrong\n", pids[i], status);
            failures++;
        }
    }
    unsigned long after = info().freeram;
    pid = spawn("true", true_argv);
    int again = pid > 0 && waitpid(pid, &status, 0) == pid && status == 0;
    printf("exhaust: %s: all reaped; free frames before %lu, after %lu; a spawn afterwards %s\n",
           argv[1], before, after, again ? "works" : "fails");
    return failures + (before != after) + !again;
}
