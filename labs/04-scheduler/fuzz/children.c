// children.c — the fuzzer's children: every spawn that succeeds starts `true`, which exits 0
// at once.  The oracle needs to know which pids wait4 may return, and at the end every child
// must come back exactly once (so a spawn that failed started nothing, and a wait4 that
// failed reaped nothing).
//
// From lab 5 some children are peers (peers.c): they block in IPC until the fuzzer lets them
// go, so wait4 may reap them only once their end is settled; until then a wait4 that would
// wait for them is not made.  And task_describe names tasks by their slot in the kernel's
// task table, so this file keeps that table as it must be: what was there when the fuzzer
// started, and each child in the lowest free slot (task_alloc_slot's rule).
#include "fuzz.h"

#define MAX_KIDS (MAX_CHILDREN + 40) // `true`s, and lab 5's peers

static struct kid {
    int pid;
    bool is_true;  // a `true`; else a peer
    bool reapable; // it has ended, or will by itself
    int status[2]; // what wait4 may report for it
    int nstatus;
} kids[MAX_KIDS];
static int count;
static int started, reaped, last_pid, last_reaped;

static struct kid *kid_of(int pid)
{
    for (int i = 0; i < count; i++)
        if (kids[i].pid == pid)
            return &kids[i];
    return NULL;
}

int live_children(void)
{
    return count;
}

bool is_child(int pid)
{
    return kid_of(pid) != NULL;
}

int reapable_children(void)
{
    int n = 0;
    for (int i = 0; i < count; i++)
        n += kids[i].reapable;
    return n;
}

bool child_reapable(int pid)
{
    struct kid *k = kid_of(pid);
    return k != NULL && k->reapable;
}

int live_trues(void)
{
    int n = 0;
    for (int i = 0; i < count; i++)
        n += kids[i].is_true;
    return n;
}

int some_child(void)
{
    int n = reapable_children();
    if (n == 0)
        return 0;
    int pick = (int)random_below((uint64_t)n);
    for (int i = 0; i < count; i++)
        if (kids[i].reapable && pick-- == 0)
            return kids[i].pid;
    return 0;
}

int newest_pid(void)
{
    return last_pid;
}

int last_reaped_pid(void)
{
    return last_reaped;
}

#if LAB >= 5
static int task_table[64]; // pid in each slot of the kernel's task table, 0: unused

static void task_spawned(int pid)
{
    for (int i = 1; i < 64; i++) {
        if (task_table[i] == 0) {
            task_table[i] = pid;
            return;
        }
    }
}

static void task_gone(int pid)
{
    int i = task_index_of(pid);
    if (i >= 0)
        task_table[i] = 0;
}
#else
static void task_spawned(int pid)
{
    (void)pid;
}

static void task_gone(int pid)
{
    (void)pid;
}
#endif

static void add_kid(int pid, bool is_true)
{
    if (count == MAX_KIDS)
        fail_other("FUZZER BUG: more children than MAX_KIDS");
    if (count < MAX_KIDS) {
        struct kid *k = &kids[count++];
        k->pid = pid;
        k->is_true = is_true;
        k->reapable = is_true;
        k->status[0] = 0;
        k->nstatus = 1;
    }
    started++;
    last_pid = pid;
    task_spawned(pid);
}

void child_started(int pid)
{
    add_kid(pid, true);
}

void child_reaped(int pid)
{
    for (int i = 0; i < count; i++) {
        if (kids[i].pid == pid) {
            kids[i] = kids[--count];
            reaped++;
            last_reaped = pid;
            task_gone(pid);
            return;
        }
    }
}

bool child_status_allowed(int pid, int status)
{
    struct kid *k = kid_of(pid);
    if (k == NULL)
        return false;
    if (k->nstatus < 0)
        return true;
    for (int i = 0; i < k->nstatus; i++)
        if (k->status[i] == status)
            return true;
    return false;
}

static void describe_allowed(int pid, char *buf, size_t size)
{
    struct kid *k = kid_of(pid);
    if (k == NULL || k->nstatus == 0) {
        snprintf(buf, size, "nothing");
        return;
    }
    snprintf(buf, size, "0x%x%s", k->status[0], k->nstatus > 1 ? " (or SIGKILL, 0x9)" : "");
}

// Reaps the next child that ends.  After a failure (lab 5) it does not wait for ever: a
// kernel that lost a task would keep the fuzzer from its summary.
static int reap_next(int *status)
{
#if LAB >= 5
    if (caps_degraded()) {
        for (int tries = 0; tries < 100000; tries++) {
            int pid = waitpid(-1, status, WNOHANG);
            if (pid != 0)
                return pid;
            yield();
        }
        printf("fuzz: FAIL at the end: %d children never ended, killed or not\n", count);
        count = 0;
        return -ECHILD;
    }
#endif
    return waitpid(-1, status, 0);
}

int reap_all_children(int *n_started, int *n_reaped)
{
    int problems = 0, status, pid;
    char allowed[48];
    while ((pid = reap_next(&status)) > 0) {
        if (!is_child(pid)) {
            printf("fuzz: FAIL at the end: wait4 returned pid %d, which no successful spawn "
                   "started (or which was reaped before)\n",
                   pid);
            problems++;
        } else if (!child_status_allowed(pid, status)) {
            describe_allowed(pid, allowed, sizeof(allowed));
            printf("fuzz: FAIL at the end: child %d (%s) ended with status 0x%x, not %s\n", pid,
                   kid_of(pid)->is_true ? "true" : "a peer", status, allowed);
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

#if LAB >= 5
void peer_child_started(int pid)
{
    add_kid(pid, false);
}

void child_settled(int pid, int status)
{
    struct kid *k = kid_of(pid);
    if (k == NULL)
        return;
    k->reapable = true;
    k->status[0] = status;
    k->nstatus = 1;
}

void child_killed(int pid)
{
    struct kid *k = kid_of(pid);
    if (k == NULL)
        return;
    k->reapable = true;
    if (k->nstatus == 1 && k->status[0] != SIGKILL)
        k->status[k->nstatus++] = SIGKILL; // it may have ended before the kill came
}

void child_any_status(int pid)
{
    struct kid *k = kid_of(pid);
    if (k != NULL) {
        k->reapable = true;
        k->nstatus = -1;
    }
}

int some_true(void)
{
    for (int i = 0; i < count; i++)
        if (kids[i].is_true)
            return kids[i].pid;
    return 0;
}

int any_child(void)
{
    return count > 0 ? kids[random_below((uint64_t)count)].pid : 0;
}

// After a failure: children that have ended are reaped without waiting, and without
// checking how they ended (the fuzzer's picture of its peers may be wrong by now).
void reap_ended_quietly(void)
{
    int pid, status;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        child_any_status(pid);
        child_reaped(pid);
    }
}

// ... and at the end, every child still running is killed (whatever the fuzzer thought of
// it), found in the kernel's task table: only ever our own children.
void kill_all_children(void)
{
    struct task_info info;
    int me = getpid();
    for (int i = 1; i < 64; i++) {
        if (task_describe(i, &info) > 0 && info.parent == me && info.state != TASK_STATE_ZOMBIE) {
            kill(info.pid, SIGKILL);
            child_any_status(info.pid);
        }
    }
}

static int my_index;

void task_table_init(void)
{
    struct task_info info;
    int me = getpid();
    for (int i = 0; i < 64; i++) {
        int pid = task_describe(i, &info);
        task_table[i] = pid > 0 ? pid : 0;
        if (pid == me)
            my_index = i;
    }
}

int task_at(int index)
{
    return index >= 0 && index < 64 ? task_table[index] : 0;
}

int task_index_of(int pid)
{
    for (int i = 1; i < 64; i++)
        if (task_table[i] == pid && pid > 0)
            return i;
    return -1;
}

int my_task_index(void)
{
    return my_index;
}

int task_index_used_other(void)
{
    int n = 0, pick, i;
    for (i = 1; i < 64; i++)
        n += task_table[i] != 0 && i != my_index && !is_child(task_table[i]);
    if (n == 0)
        return -1;
    pick = (int)random_below((uint64_t)n);
    for (i = 1; i < 64; i++)
        if (task_table[i] != 0 && i != my_index && !is_child(task_table[i]) && pick-- == 0)
            return i;
    return -1;
}

int task_index_free(void)
{
    int n = 0, pick, i;
    for (i = 1; i < 64; i++)
        n += task_table[i] == 0;
    if (n == 0)
        return -1;
    pick = (int)random_below((uint64_t)n);
    for (i = 1; i < 64; i++)
        if (task_table[i] == 0 && pick-- == 0)
            return i;
    return -1;
}
#endif
