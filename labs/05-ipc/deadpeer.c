// deadpeer — `deadpeer SEED`: a peer that dies, or an endpoint that goes away, never leaves
// anyone blocked for ever, and leaks nothing (handout 5, "Dead peers").
//
//   server: a server (a child, which created endpoint X: it holds the original) takes one
//           client's call and then waits on a notification; two more clients queue to send.
//           It is killed: the client whose request it took gets -EPIPE, the two queued ones
//           -EIDRM (X died with its creator), every copy of X is gone from every table.
//   client: a client is killed while this task (the server now) holds its request: the
//           reply gets -ESRCH; with reply_recv the reply is lost (IPC_REPLY_LOST) and the next
//           request is served; through a saved reply capability the send gets -ESRCH and the
//           slot is freed.
//   delete: the original of an endpoint and of a notification is deleted while tasks wait on
//           them in call, send, recv and notify_wait: each wakes with -EIDRM, its copy gone.
// Each scenario prints "deadpeer: SCENARIO: ..." with the results and how long (guest time)
// the waiters took to wake after the kill or delete.  Around them, the baseline: free frames
// (sysinfo), this task's slots (cap_describe), tasks (task_describe), the objects the kernel
// can still create (measured: children create notifications until ENOMEM) and keel_stats'
// counts must all be as before.
#include "ipctest.h"

#define CHILD_SLOT 1 // a child's capability to its endpoint or notification
#define MAX_HOGS 12
#define WAKE_LIMIT_US 100000 // a waiter must wake within 100 ms of guest time

// --- children ----------------------------------------------------------------------------

// The server of the "server" scenario: creates X, passes it to its parent through slot 1,
// takes one call on X and never answers: waits on a notification of its own until killed.
static int server_child(void)
{
    int x = endpoint_create(), quiet = notification_create();
    struct ipc_msg m = message(1, 0, 0, 0, 0), reply;
    m.cap = x;
    if (x < 0 || quiet < 0 || ipc_call(CHILD_SLOT, &m, &reply) != 0)
        return 1;
    long r = ipc_recv(x, &m);
    printf("deadpeer: server: took the call of client %lu (result %ld); it will never answer\n",
           m.w[0], r);
    notify_wait(quiet);
    printf("deadpeer: FAIL server: notify_wait returned: nothing signals it\n");
    return 1;
}

// A client: one call on slot 1 with w0 = its number; exits 1 for -EPIPE, 2 for -EIDRM, 3 if
// the call returned at all otherwise, 4 if the slot is not empty afterwards.
static int client_child(int me)
{
    struct ipc_msg m = message(me, (uint64_t)me, 0, 0, 0), reply;
    long r = ipc_call(CHILD_SLOT, &m, &reply);
    if (r != -EPIPE && r != -EIDRM) {
        printf("deadpeer: client %d: FAIL ipc_call returned %ld, label %ld\n", me, r, reply.label);
        return 3;
    }
    if (r == -EIDRM && !slot_is_empty(CHILD_SLOT)) {
        printf("deadpeer: client %d: FAIL got -EIDRM but slot 1 still holds the capability\n", me);
        return 4;
    }
    return r == -EPIPE ? 1 : 2;
}

// A caller that expects an answer with label ~its label (the "client" scenario's survivor).
static int answered_child(int me)
{
    struct ipc_msg m = message(me, (uint64_t)me, 0, 0, 0), reply;
    long r = ipc_call(CHILD_SLOT, &m, &reply);
    if (r != 0 || reply.label != ~(long)me) {
        printf("deadpeer: FAIL client %d: expected the answer label %ld, got result %ld, label "
               "%ld\n",
               me, ~(long)me, r, reply.label);
        return 1;
    }
    return 0;
}

// A waiter of the "delete" scenario: blocks in `how` on slot 1; exits 0 if it woke with
// -EIDRM and slot 1 is empty afterwards.
static int waiter_child(const char *how)
{
    struct ipc_msg m = message(9, 0, 0, 0, 0), out;
    long r;
    if (strcmp(how, "call") == 0)
        r = ipc_call(CHILD_SLOT, &m, &out);
    else if (strcmp(how, "send") == 0)
        r = ipc_send(CHILD_SLOT, &m);
    else if (strcmp(how, "recv") == 0)
        r = ipc_recv(CHILD_SLOT, &out);
    else
        r = notify_wait(CHILD_SLOT);
    int empty = slot_is_empty(CHILD_SLOT);
    if (r != -EIDRM || !empty) {
        printf("deadpeer: FAIL waiter in %s: expected -EIDRM and its slot empty, got %ld and "
               "the slot %s\n",
               how, r, empty ? "empty" : "still holding the capability");
        return 1;
    }
    return 0;
}

// Creates notifications until refused, tells the parent how many (and the error) through
// slot 1, and holds them until killed.
static int hog_child(void)
{
    int n = 0, last = -1, s;
    while ((s = notification_create()) >= 0) {
        n++;
        last = s;
    }
    struct ipc_msg m = message(n, (uint64_t)(long)s, 0, 0, 0);
    ipc_send(CHILD_SLOT, &m);
    if (last >= 0)
        notify_wait(last);
    else
        for (;;)
            sleep_ms(1000000);
    return 1;
}

// --- the baseline ------------------------------------------------------------------------

// How many more kernel objects can exist: children create notifications until the kernel
// says ENOMEM (each child runs out of slots first: EMFILE, and the next one goes on).
static long objects_creatable(void)
{
    int ep = endpoint_create();
    if (ep < 0)
        return -1;
    int pids[MAX_HOGS], hogs = 0;
    long total = 1; // the endpoint
    long caps[] = {SLOT_CONSOLE, ep};
    struct ipc_msg m;
    while (hogs < MAX_HOGS) {
        int pid = spawn_role("deadpeer", "hog", NULL, caps, 2);
        if (pid < 0)
            break;
        pids[hogs++] = pid;
        if (ipc_recv(ep, &m) != 0)
            break;
        total += m.label;
        if ((long)m.w[0] == -ENOMEM)
            break;
        if ((long)m.w[0] != -EMFILE) {
            expect_true(0,
                        "notification_create until refused: expected EMFILE (a full table) "
                        "or ENOMEM (no more objects), got %s",
                        errno_name((long)m.w[0]));
            break;
        }
    }
    expect_true(hogs < MAX_HOGS,
                "ENOMEM from notification_create within %d tables' worth "
                "(at most 256 objects)",
                MAX_HOGS);
    for (int i = 0; i < hogs; i++) {
        kill(pids[i], SIGKILL);
        reap(pids[i]);
    }
    cap_delete(ep);
    return total;
}

struct baseline {
    unsigned long frames;
    int slots, tasks;
    long objects;
    struct keel_stats k;
};

static void measure(struct baseline *b)
{
    b->objects = objects_creatable(); // first: its children's frames are back after it
    b->frames = free_frames();
    b->slots = slots_used();
    b->tasks = tasks_alive();
    memset(&b->k, 0, sizeof(b->k));
    keel_stats(&b->k);
}

// --- the scenarios -----------------------------------------------------------------------

static const char *errno_or(long r)
{
    return r == 0 ? "0" : errno_name(r);
}

static const char *client_result(int status)
{
    if (WIFSIGNALED(status))
        return "killed";
    switch (WEXITSTATUS(status)) {
    case 1:
        return "EPIPE";
    case 2:
        return "EIDRM";
    case 4:
        return "EIDRM, slot kept";
    default:
        return "something else";
    }
}

static void scenario_server(void)
{
    int rendezvous = endpoint_create();
    long caps[] = {SLOT_CONSOLE, rendezvous};
    int server = spawn_role("deadpeer", "server", NULL, caps, 2);
    if (server < 0)
        return;
    struct ipc_msg m, reply = message(0, 0, 0, 0, 0);
    long r = ipc_recv(rendezvous, &m);
    int x = (int)m.cap;
    if (!expect_true(r == 0 && x >= 0,
                     "server: the server's endpoint passed to us: got result "
                     "%ld, cap %d",
                     r, x))
        return;
    ipc_reply(&reply);
    int clients[3], badged[3], taken = -1;
    char number[3][4];
    for (int i = 0; i < 3; i++) {
        badged[i] = cap_mint(x, RIGHT_SEND, 0x100 + i);
        long ccaps[] = {SLOT_CONSOLE, badged[i]};
        snprintf(number[i], sizeof(number[i]), "%d", i);
        clients[i] = spawn_role("deadpeer", "client", number[i], ccaps, 2);
        if (clients[i] < 0)
            return;
        // The first client's call is taken; the others queue.
        wait_for_state(clients[i], i == 0 ? TASK_STATE_REPLY : TASK_STATE_SENDING, 2000,
                       i == 0 ? "the first client (its call taken by the server)"
                              : "a client queued on the server's endpoint");
    }
    wait_for_state(server, TASK_STATE_NOTIFY, 2000, "the server");
    struct task_info t;
    for (int i = 0; i < 3; i++)
        if (find_task(clients[i], &t) == 0 && t.state == TASK_STATE_REPLY)
            taken = i;
    uint64_t start = now_us();
    expect_result("server: kill(server, SIGKILL)", kill(server, SIGKILL), 0);
    int status = reap(server);
    expect_true(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                "server: the server's wait status to say SIGKILL, got 0x%x", status);
    int results[3];
    for (int i = 0; i < 3; i++)
        results[i] = reap(clients[i]);
    uint64_t took = now_us() - start;
    printf("deadpeer: server killed with 3 clients in call: client 0 %s, client 1 %s, client 2 "
           "%s (client %d's call had been taken); all woke within %lu us\n",
           client_result(results[0]), client_result(results[1]), client_result(results[2]), taken,
           took);
    for (int i = 0; i < 3; i++) {
        const char *want = i == taken ? "EPIPE" : "EIDRM";
        expect_true(strcmp(client_result(results[i]), want) == 0,
                    "server: client %d (%s) to get -%s, got %s", i,
                    i == taken ? "its request taken, no reply" : "queued to send", want,
                    client_result(results[i]));
    }
    expect_true(took < WAKE_LIMIT_US,
                "server: the clients to wake within %d us of the kill, "
                "took %lu us",
                WAKE_LIMIT_US, took);
    expect_true(slot_is_empty(x),
                "server: our copy of the dead server's endpoint (slot %d) to "
                "be gone: deleting an original deletes every copy",
                x);
    for (int i = 0; i < 3; i++)
        expect_true(slot_is_empty(badged[i]), "server: our badged copy in slot %d to be gone",
                    badged[i]);
    cap_delete(rendezvous);
}

static int spawn_caller(int ep, unsigned long badge, const char *role, const char *number)
{
    int c = cap_mint(ep, RIGHT_SEND, badge);
    long caps[] = {SLOT_CONSOLE, c};
    int pid = spawn_role("deadpeer", role, number, caps, 2);
    cap_delete(c);
    return pid;
}

// Receives a call from a new `role` child on ep; returns its pid.
static int take_call_from(int ep, const char *role, const char *number, struct ipc_msg *m)
{
    int pid = spawn_caller(ep, 0x200 + (unsigned long)atoi(number), role, number);
    long r = ipc_recv(ep, m);
    expect_true(r == 0 && m->badge == 0x200 + (unsigned long)atoi(number),
                "client: a call from client %s: got result %ld, badge 0x%lx", number, r, m->badge);
    return pid;
}

static void kill_and_reap(int pid, const char *who)
{
    wait_for_state(pid, TASK_STATE_REPLY, 2000, who);
    kill(pid, SIGKILL);
    int status = reap(pid);
    expect_true(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                "client: %s killed while waiting for the reply: its status to say SIGKILL, got "
                "0x%x",
                who, status);
}

static void scenario_client(void)
{
    int ep = endpoint_create();
    struct ipc_msg m, reply = message(1, 2, 3, 4, 5);

    int victim = take_call_from(ep, "client", "1", &m);
    kill_and_reap(victim, "client 1");
    long r1 = ipc_reply(&reply);

    victim = take_call_from(ep, "client", "2", &m);
    kill_and_reap(victim, "client 2");
    int survivor = spawn_caller(ep, 0x203, "answered", "3");
    wait_for_state(survivor, TASK_STATE_SENDING, 2000, "client 3");
    long r2 = ipc_reply_recv(ep, &reply, &m);
    int next_ok = r2 >= 0 && m.badge == 0x203 && m.label == 3;
    reply = message(~3L, 0, 0, 0, 0);
    long r3 = ipc_reply(&reply);
    int survivor_status = reap(survivor);

    victim = take_call_from(ep, "client", "4", &m);
    long saved = ipc_save_reply();
    kill_and_reap(victim, "client 4");
    long r4 = ipc_send((int)saved, &reply);
    int freed = slot_is_empty((int)saved);

    printf("deadpeer: client killed mid-request: ipc_reply -> %s; ipc_reply_recv -> %s%s, then "
           "%s; the next client %s; a saved reply -> %s, its slot %s\n",
           errno_or(r1), r2 >= 0 && (r2 & IPC_REPLY_LOST) ? "IPC_REPLY_LOST" : "no IPC_REPLY_LOST",
           r2 < 0 ? errno_or(r2) : "", next_ok ? "the next request" : "not the next request",
           r3 == 0 && survivor_status == 0 ? "answered" : "not answered", errno_or(r4),
           freed ? "freed" : "still used");
    expect_result("client: ipc_reply to a killed caller", r1, -ESRCH);
    expect_true(r2 >= 0 && (r2 & IPC_REPLY_LOST) && next_ok,
                "client: ipc_reply_recv to a killed caller: expected IPC_REPLY_LOST in x0 and "
                "client 3's request; got result %ld, badge 0x%lx, label %ld",
                r2, m.badge, m.label);
    expect_true(r3 == 0 && survivor_status == 0,
                "client: the next client answered: ipc_reply "
                "%ld, its exit status 0x%x",
                r3, survivor_status);
    expect_result("client: ipc_send on the saved reply capability of a killed caller", r4, -ESRCH);
    expect_true(freed, "client: the saved reply capability's slot freed even so");
    cap_delete(ep);
}

static void scenario_delete(void)
{
    int ep = endpoint_create(), ep2 = endpoint_create(), ntfn = notification_create();
    static const char *const hows[] = {"call", "send", "recv", "notify"};
    static const unsigned states[] = {TASK_STATE_SENDING, TASK_STATE_SENDING, TASK_STATE_RECEIVING,
                                      TASK_STATE_NOTIFY};
    int pids[4];
    for (int i = 0; i < 4; i++) {
        long caps[] = {SLOT_CONSOLE, i < 2 ? ep : i == 2 ? ep2 : ntfn};
        pids[i] = spawn_role("deadpeer", "waiter", hows[i], caps, 2);
        if (pids[i] < 0)
            return;
        char who[40];
        snprintf(who, sizeof(who), "the waiter in %s", hows[i]);
        wait_for_state(pids[i], states[i], 2000, who);
    }
    uint64_t start = now_us();
    long d1 = cap_delete(ep), d2 = cap_delete(ep2), d3 = cap_delete(ntfn);
    int ok = 0;
    for (int i = 0; i < 4; i++) {
        char who[40];
        snprintf(who, sizeof(who), "the waiter in %s", hows[i]);
        ok += reap_ok(pids[i], who);
    }
    uint64_t took = now_us() - start;
    printf("deadpeer: originals deleted under waiters: %d of 4 woke with EIDRM and lost their "
           "copy, within %lu us\n",
           ok, took);
    expect_true(d1 == 0 && d2 == 0 && d3 == 0,
                "delete: cap_delete of the three originals: got "
                "%ld %ld %ld",
                d1, d2, d3);
    expect_true(took < WAKE_LIMIT_US, "delete: the waiters to wake within %d us, took %lu us",
                WAKE_LIMIT_US, took);
}

int main(int argc, char **argv)
{
    test_name = "deadpeer";
    if (argc > 1 && strcmp(argv[1], "server") == 0)
        return server_child();
    if (argc > 2 && strcmp(argv[1], "client") == 0)
        return client_child(atoi(argv[2]));
    if (argc > 2 && strcmp(argv[1], "answered") == 0)
        return answered_child(atoi(argv[2]));
    if (argc > 2 && strcmp(argv[1], "waiter") == 0)
        return waiter_child(argv[2]);
    if (argc > 1 && strcmp(argv[1], "hog") == 0)
        return hog_child();

    struct baseline before, after;
    objects_creatable(); // once first: whatever is allocated once and kept is allocated now
    measure(&before);
    printf("deadpeer: baseline: %lu free frames, %d slots, %d tasks, %ld more objects possible; "
           "kernel counts: %u tasks, %u objects, %u capabilities, %u kmalloc objects\n",
           before.frames, before.slots, before.tasks, before.objects, before.k.tasks,
           before.k.objects, before.k.caps, before.k.kmalloc_objects);
    scenario_server();
    scenario_client();
    scenario_delete();
    measure(&after);
    printf("deadpeer: afterwards: %lu free frames, %d slots, %d tasks, %ld more objects "
           "possible; kernel counts: %u tasks, %u objects, %u capabilities, %u kmalloc objects\n",
           after.frames, after.slots, after.tasks, after.objects, after.k.tasks, after.k.objects,
           after.k.caps, after.k.kmalloc_objects);
    expect_true(after.frames == before.frames, "baseline: free frames %lu before, %lu after",
                before.frames, after.frames);
    expect_true(after.slots == before.slots,
                "baseline: this task's slots in use %d before, %d "
                "after",
                before.slots, after.slots);
    expect_true(after.tasks == before.tasks, "baseline: tasks %d before, %d after", before.tasks,
                after.tasks);
    expect_true(after.objects == before.objects,
                "baseline: objects that can still be created "
                "%ld before, %ld after (a destroyed object never freed?)",
                before.objects, after.objects);
    expect_true(after.k.objects == before.k.objects && after.k.caps == before.k.caps &&
                    after.k.tasks == before.k.tasks &&
                    after.k.kmalloc_objects == before.k.kmalloc_objects,
                "baseline: keel_stats' counts the same before and after: objects %u/%u, "
                "capabilities %u/%u, tasks %u/%u, kmalloc objects %u/%u",
                before.k.objects, after.k.objects, before.k.caps, after.k.caps, before.k.tasks,
                after.k.tasks, before.k.kmalloc_objects, after.k.kmalloc_objects);
    return summary();
}
