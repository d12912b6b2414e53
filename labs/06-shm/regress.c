// regress — `regress`: minimal reproducers of the kernel and console-server bugs that stress
// testing of labs 5 and 6 found (each fixed in its own commit; `git log` names them).  Run as
// pid 1 (`-- regress`); each check that fails prints "regress: FAIL ...", the last line counts
// the checks, and the exit status is 0 only if all passed.  A hang is a failure too: the last
// check (a console held by a write nobody answers) hangs on a kernel without its fix.
//
//   revoke   a region capability travelling in a queued call is revoked with the others;
//   stale    a caller waiting for its reply on an endpoint that is deleted names no object;
//   lost     reply_recv reports IPC_REPLY_LOST only for the caller it was to answer;
//   killnew  a task killed before it first ran ends, even if its first call would wait;
//   readers  console readers killed while they wait leave no slot in the server;
//   bind     bits signalled before notify_bind reach a receiver already waiting;
//   between  a task killed between two messages of one write ends (its console answers
//            only the first);
//   count    a console that answers a write with more bytes than were sent: -EIO, not a
//            write that returns more than its length;
//   foreign  a write to an endpoint nobody answers does not hold everybody's console.
// Around them the kernel's counts (keel_stats) must come back to where they were.
#include "../05-ipc/ipctest.h"
#include "proto/console.h"

static struct keel_stats base;

// --- children ----------------------------------------------------------------------------

static int child_call(int pass)
{
    struct ipc_msg m = message(7, 1, 2, 3, 4), r;
    m.cap = pass ? 2 : CAP_NONE;
    return ipc_call(1, &m, &r) == 0 ? 0 : 1;
}

static int child_recv(void)
{
    struct ipc_msg m;
    return ipc_recv(1, &m) >= 0 ? 0 : 1;
}

static int child_read(void)
{
    char c;
    return read(0, &c, 1) == 1 ? 0 : 1;
}

// Slot 0 becomes an endpoint nobody receives on (the lowest free slot), then a write.
static int child_foreign(void)
{
    cap_delete(SLOT_CONSOLE);
    endpoint_create();
    write(1, "x", 1);
    return 0;
}

// Writes 100 bytes: through a console that is not the console server, four messages.
static int child_bigwrite(void)
{
    char buf[100];
    memset(buf, 'z', sizeof(buf));
    write(1, buf, sizeof(buf));
    return 0;
}

// Writes 10 bytes; exits 0 if write returned at most 10, 1 if more.
static int child_countwrite(void)
{
    long n = write(1, "0123456789", 10);
    return n <= 10 ? 0 : 1;
}

static int child(const char *role)
{
    test_name = "regress child";
    if (strcmp(role, "countwrite") == 0)
        return child_countwrite();
    if (strcmp(role, "bigwrite") == 0)
        return child_bigwrite();
    if (strcmp(role, "call") == 0)
        return child_call(0);
    if (strcmp(role, "passcall") == 0)
        return child_call(1);
    if (strcmp(role, "recv") == 0)
        return child_recv();
    if (strcmp(role, "read") == 0)
        return child_read();
    if (strcmp(role, "foreign") == 0)
        return child_foreign();
    return 99;
}

static int spawn_child(const char *role, const long *caps, int n)
{
    char *argv[] = {"regress", "child", (char *)role, NULL};
    int pid = caps != NULL ? spawn_caps("regress", argv, caps, n) : spawn("regress", argv);
    if (pid < 0)
        expect_true(0, "spawn of '%s': %s", role, errno_name(pid));
    return pid;
}

// CONSOLE_STATS: the server forgets readers that died before it counts the waiting ones.
static unsigned long console_readers_waiting(void)
{
    struct ipc_msg m = message(CONSOLE_STATS, 0, 0, 0, 0), r;
    return ipc_call(SLOT_CONSOLE, &m, &r) == 0 ? r.w[3] : ~0UL;
}

static void check_baseline(const char *after)
{
    struct keel_stats k;
    for (int i = 0; i < 50; i++)
        yield();
    console_readers_waiting();
    keel_stats(&k);
    expect_true(k.free_frames == base.free_frames && k.objects == base.objects &&
                    k.caps == base.caps && k.kmalloc_objects == base.kmalloc_objects &&
                    k.tasks == base.tasks,
                "%s: counts back: frames %lu/%lu objects %u/%u caps %u/%u kmalloc %u/%u "
                "tasks %u/%u",
                after, k.free_frames, base.free_frames, k.objects, base.objects, k.caps, base.caps,
                k.kmalloc_objects, base.kmalloc_objects, k.tasks, base.tasks);
}

// --- the checks --------------------------------------------------------------------------

static void check_revoke(void)
{
    int ep = endpoint_create(), reg = region_create(1);
    int copy = cap_mint(reg, RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0);
    long caps[] = {SLOT_CONSOLE, ep, copy};
    int pid = spawn_child("passcall", caps, 3);
    cap_delete(copy);
    wait_for_state(pid, TASK_STATE_SENDING, 2000, "a caller passing a region");
    expect_result("revoke: region_revoke", region_revoke(reg), 0);
    struct ipc_msg m, r = message(0, 0, 0, 0, 0);
    long x = ipc_recv(ep, &m);
    expect_true(x == 0 && m.cap == CAP_NONE,
                "revoke: a call queued with a copy before the revoke arrives without it: recv "
                "%ld, capability in slot %ld",
                x, m.cap);
    if (x == 0 && m.cap >= 0)
        cap_delete((int)m.cap);
    ipc_reply(&r);
    reap(pid);
    cap_delete(reg);
    cap_delete(ep);
    check_baseline("revoke");
}

static void check_stale(void)
{
    int ep = endpoint_create();
    long caps[] = {SLOT_CONSOLE, ep};
    int pid = spawn_child("call", caps, 2);
    struct ipc_msg m, r = message(0, 0, 0, 0, 0);
    ipc_recv(ep, &m);
    cap_delete(ep);
    int n = notification_create(); // may reuse the endpoint's memory
    struct task_info t = {0};
    find_task(pid, &t);
    expect_true(t.state == TASK_STATE_REPLY && t.object == 0,
                "stale: a caller whose endpoint was deleted waits for its reply (state %u) "
                "naming no object, not %u",
                t.state, t.object);
    ipc_reply(&r);
    reap(pid);
    cap_delete(n);
    check_baseline("stale");
}

static void check_lost(void)
{
    int ep = endpoint_create();
    long caps[] = {SLOT_CONSOLE, ep};
    struct ipc_msg m, r = message(0, 0, 0, 0, 0);
    int a = spawn_child("call", caps, 2);
    ipc_recv(ep, &m);
    wait_for_state(a, TASK_STATE_REPLY, 2000, "caller a");
    kill(a, SIGKILL);
    reap(a);
    expect_result("lost: reply to a caller that died", ipc_reply(&r), -ESRCH);
    int b = spawn_child("call", caps, 2);
    expect_result("lost: recv of the next call", ipc_recv(ep, &m), 0);
    int c = spawn_child("call", caps, 2);
    expect_result("lost: reply_recv answering a live caller", ipc_reply_recv(ep, &r, &m), 0);
    ipc_reply(&r);
    reap_ok(b, "caller b");
    reap_ok(c, "caller c");
    cap_delete(ep);
    check_baseline("lost");
}

static void check_killnew(void)
{
    int ep = endpoint_create();
    long caps[] = {SLOT_CONSOLE, ep};
    const char *roles[] = {"recv", "call", "read"};
    for (int i = 0; i < 3; i++) {
        int pid = spawn_child(roles[i], caps, 2);
        kill(pid, SIGKILL);
        struct task_info t = {0};
        for (int j = 0; j < 100 && find_task(pid, &t) == 0 && t.state != TASK_STATE_ZOMBIE; j++)
            yield();
        if (!expect_true(t.state == TASK_STATE_ZOMBIE,
                         "killnew: a task killed before it ran (first call: %s) is %s, not a "
                         "zombie",
                         roles[i], state_name(t.state)))
            return; // reaping it would hang
        int status = reap(pid);
        expect_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                    "killnew: its status says SIGKILL (%x)", status);
    }
    cap_delete(ep);
    check_baseline("killnew");
}

static void check_readers(void)
{
    // More than the server's 64 slots: with the bug every read failed with EBUSY after ~58.
    for (int i = 0; i < 70; i++) {
        int pid = spawn_child("read", NULL, 0);
        if (!wait_for_state(pid, TASK_STATE_REPLY, 2000, "a console reader")) {
            kill(pid, SIGKILL);
            reap(pid);
            break;
        }
        kill(pid, SIGKILL);
        reap(pid);
    }
    expect_true(console_readers_waiting() == 0, "readers: the dead are not counted as waiting");
    check_baseline("readers");
}

static void check_bind(void)
{
    int ep = endpoint_create(), n = notification_create();
    int sig = cap_mint(n, RIGHT_SEND, 4);
    long caps[] = {SLOT_CONSOLE, ep};
    int pid = spawn_child("recv", caps, 2);
    wait_for_state(pid, TASK_STATE_RECEIVING, 2000, "a receiver");
    notify_signal(sig);
    expect_result("bind: notify_bind", notify_bind(n, ep), 0);
    struct task_info t = {0};
    for (int i = 0; i < 100 && find_task(pid, &t) == 0 && t.state != TASK_STATE_ZOMBIE; i++)
        yield();
    expect_true(t.state == TASK_STATE_ZOMBIE,
                "bind: a receiver waiting when a notification with bits set was bound got "
                "them (it is %s)",
                state_name(t.state));
    kill(pid, SIGKILL);
    reap(pid);
    cap_delete(sig);
    cap_delete(n);
    cap_delete(ep);
    check_baseline("bind");
}

static void check_between(void)
{
    int ep = endpoint_create();
    int send = cap_mint(ep, RIGHT_SEND, 0);
    long caps[] = {send}; // its console is an endpoint of ours
    int pid = spawn_child("bigwrite", caps, 1);
    struct ipc_msg m, r = message(32, 0, 0, 0, 0);
    expect_result("between: the first message of the write", ipc_recv(ep, &m), 0);
    expect_result("between: its answer", ipc_reply(&r), 0); // the writer is runnable now
    kill(pid, SIGKILL);
    struct task_info t = {0};
    for (int i = 0; i < 200 && find_task(pid, &t) == 0 && t.state != TASK_STATE_ZOMBIE; i++)
        yield();
    if (!expect_true(t.state == TASK_STATE_ZOMBIE,
                     "between: a writer killed between two messages is %s, not a zombie",
                     state_name(t.state)))
        return; // reaping it would hang
    reap(pid);
    cap_delete(send);
    cap_delete(ep);
    check_baseline("between");
}

static void check_count(void)
{
    int ep = endpoint_create();
    int send = cap_mint(ep, RIGHT_SEND, 0);
    long caps[] = {send};
    int pid = spawn_child("countwrite", caps, 1);
    struct ipc_msg m, r = message(1000, 0, 0, 0, 0);
    expect_result("count: the write's message", ipc_recv(ep, &m), 0);
    expect_result("count: an answer of 1000 bytes written", ipc_reply(&r), 0);
    int status = reap(pid);
    expect_true(status == 0, "count: write(1, buf, 10) returned at most 10 (child status %x)",
                status);
    cap_delete(send);
    cap_delete(ep);
    check_baseline("count");
}

static void check_foreign(void)
{
    int pid = spawn_child("foreign", NULL, 0);
    wait_for_state(pid, TASK_STATE_SENDING, 2000, "a writer to an endpoint nobody answers");
    printf("regress: foreign: this line is printed while another task's write waits\n");
    kill(pid, SIGKILL);
    reap(pid);
    check_baseline("foreign");
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "child") == 0)
        return child(argv[2]);
    test_name = "regress";
    printf("regress: start\n");
    keel_stats(&base);
    check_revoke();
    check_stale();
    check_lost();
    check_killnew();
    check_readers();
    check_bind();
    check_between();
    check_count();
    check_foreign();
    return summary();
}
