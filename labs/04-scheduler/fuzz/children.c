// children.c — the fuzzer's children: every spawn that succeeds starts `true`, which exits 0
// at once.  The oracle needs to know which pids wait4 may return, and at the end every child
// must come back exactly once (so a spawn that failed started nothing, and a wait4 that
// failed reaped nothing).
#include "fuzz.h"

static int pids[MAX_CHILDREN];
static int count;
static int started, reaped, last_pid;

int live_children(void)
{
    return count;
}

bool is_child(int pid)
{
    for (int i = 0; i < count; i++)
        if (pids[i] == pid)
            return true;
    return false;
}

int some_child(void)
{
    return count > 0 ? pids[random_below((uint64_t)count)] : 0;
}

int newest_pid(void)
{
    return last_pid;
}

void child_started(int pid)
{
    if (count < MAX_CHILDREN)
        pids[count++] = pid;
    started++;
    last_pid = pid;
}

void child_reaped(int pid)
{
    for (int i = 0; i < count; i++) {
        if (pids[i] == pid) {
            pids[i] = pids[--count];
            reaped++;
            return;
        }
    }
}

int reap_all_children(int *n_started, int *n_reaped)
{
    int problems = 0, status, pid;
    while ((pid = waitpid(-1, &status, 0)) > 0) {
        if (!is_child(pid)) {
            printf("fuzz: FAIL at the end: wait4 returned pid %d, which no successful spawn "
                   "started (or which was reaped before)\n",
                   pid);
            problems++;
        } else if (status != 0) {
            printf("fuzz: FAIL at the end: child %d (true) ended with status 0x%x, not 0\n", pid,
                   status);
            problems++;
        }
        child_reaped(pid);
    }
    if (pid != -ECHILD || count != 0) {
        printf("fuzz: FAIL at the end: wait4 said %s with %d children never reaped\n",
               errno_name(pid), count);
        problems++;
    }
    *n_started = started;
    *n_reaped = reaped;
    return problems;
}
