// notify — `notify SEED ROUNDS`: notifications (handout 5, "Exercise 5: notifications").
//
//   or:        three children signal one notification through capabilities with different
//              badges (bits from SEED) and exit; one wait then returns the OR of the three,
//              and a poll afterwards 0 (wait cleared the word);
//   poll:      poll never blocks: 0 with nothing signalled, the badge after a signal, 0 again;
//   blocks:    a wait with nothing signalled blocks (the task is seen in notify_wait) until a
//              child signals;
//   pingpong:  ROUNDS signal/wait exchanges with a child over two notifications, with random
//              spins: a wakeup lost between a signal and a wait hangs here, and the last
//              "round N" line says where;
//   bound:     a notification bound to an endpoint: with a signal pending and a sender
//              queued, recv returns IPC_NOTIFIED and the word first, then the message; a recv
//              blocked on the endpoint wakes for a signal.
#include "ipctest.h"

#define SLOT_A 1
#define SLOT_B 2

static uint64_t seed;
static long rounds; // of the ping-pong

static int signal_child(void)
{
    return notify_signal(SLOT_A) == 0 ? 0 : 1;
}

static int later_child(void)
{
    sleep_ms(20);
    return notify_signal(SLOT_A) == 0 ? 0 : 1;
}

// The other side of the ping-pong: waits on A (badge 1 expected), signals B.
static int pong_child(void)
{
    rng_seed(seed ^ 0x9999);
    for (long i = 0; i < rounds; i++) {
        long w = notify_wait(SLOT_A);
        if (w != 1) {
            printf("notify: FAIL pong: round %ld: notify_wait returned %ld, expected 1\n", i, w);
            return 1;
        }
        for (volatile uint64_t n = rng_below(3000); n > 0; n--)
            ;
        if (notify_signal(SLOT_B) != 0)
            return 1;
    }
    return 0;
}

// Signals the bound notification, then calls the endpoint: slot A the endpoint, B the
// notification.
static int bound_child(void)
{
    if (notify_signal(SLOT_B) != 0)
        return 1;
    struct ipc_msg m = message(0x77, 1, 2, 3, 4), reply;
    long r = ipc_call(SLOT_A, &m, &reply);
    if (r != 0 || reply.label != 0x78) {
        printf("notify: FAIL bound child: call returned %ld, label %ld\n", r, reply.label);
        return 1;
    }
    return 0;
}

static int bound_later_child(void)
{
    sleep_ms(20);
    return notify_signal(SLOT_B) == 0 ? 0 : 1;
}

static int spawn_with(const char *role, int a, int b)
{
    long caps[] = {SLOT_CONSOLE, a, b};
    char seed_text[24], rounds_text[24];
    snprintf(seed_text, sizeof(seed_text), "%lu", seed);
    snprintf(rounds_text, sizeof(rounds_text), "%ld", rounds);
    char *argv[] = {"notify", seed_text, rounds_text, (char *)role, NULL};
    int pid = spawn_caps("notify", argv, caps, b >= 0 ? 3 : 2);
    expect_true(pid > 0, "spawn of the '%s' child: %s", role, errno_name(pid));
    return pid;
}

static void or_of_badges(void)
{
    int n = notification_create();
    unsigned long bits[3], all = 0;
    for (int i = 0; i < 3; i++) {
        do
            bits[i] = 1UL << (rng_below(63));
        while (all & bits[i]);
        if (i == 2) { // one badge of two bits
            unsigned long two;
            do
                two = 1UL << rng_below(63);
            while ((all | bits[i]) & two);
            bits[i] |= two;
        }
        all |= bits[i];
    }
    int pids[3];
    for (int i = 0; i < 3; i++) {
        int c = cap_mint(n, RIGHT_SEND, bits[i]);
        pids[i] = spawn_with("signal", c, -1);
        cap_delete(c);
    }
    for (int i = 0; i < 3; i++)
        reap_ok(pids[i], "a signalling child");
    long w = notify_wait(n), p = notify_poll(n);
    printf("notify: or: badges 0x%lx 0x%lx 0x%lx signalled; wait returned 0x%lx, then poll 0x%lx\n",
           bits[0], bits[1], bits[2], w, p);
    expect_true(w == (long)all && p == 0,
                "or: notify_wait to return 0x%lx (the three badges "
                "OR'ed) and notify_poll then 0 (cleared); got 0x%lx and 0x%lx",
                all, w, p);
    cap_delete(n);
}

static void poll_never_blocks(void)
{
    int n = notification_create();
    unsigned long b = 1UL << (rng_below(62) + 1);
    int c = cap_mint(n, RIGHT_SEND, b);
    long p0 = notify_poll(n);
    notify_signal(c);
    notify_signal(c); // twice: the same bit, still one badge
    long p1 = notify_poll(n), p2 = notify_poll(n);
    printf("notify: poll: nothing -> 0x%lx, after two signals -> 0x%lx, again -> 0x%lx\n", p0, p1,
           p2);
    expect_true(p0 == 0 && p1 == (long)b && p2 == 0,
                "poll: expected 0, 0x%lx, 0; got 0x%lx, "
                "0x%lx, 0x%lx",
                b, p0, p1, p2);
    cap_delete(n);
}

static void wait_blocks(void)
{
    int n = notification_create();
    unsigned long b = 0x4000 | (rng_next() & 0xff00000000UL);
    int c = cap_mint(n, RIGHT_SEND, b);
    int pid = spawn_with("later", c, -1);
    long w = notify_wait(n);
    expect_true(w == (long)b, "blocks: notify_wait to return the badge 0x%lx, got 0x%lx", b, w);
    reap_ok(pid, "the child that signals after 20 ms");
    printf("notify: blocks: wait returned 0x%lx after the child's signal\n", w);
    cap_delete(c);
    cap_delete(n);
}

static void pingpong(void)
{
    int a = notification_create(), b = notification_create();
    int a_signal = cap_mint(a, RIGHT_SEND, 1);
    int b_signal = cap_mint(b, RIGHT_SEND, 2);
    int pid = spawn_with("pong", a, b_signal);
    long i;
    for (i = 0; i < rounds; i++) {
        if (i % 500 == 0)
            printf("notify: pingpong: round %ld\n", i);
        for (volatile uint64_t n = rng_below(3000); n > 0; n--)
            ;
        notify_signal(a_signal);
        long w = notify_wait(b);
        if (!expect_true(w == 2, "pingpong: round %ld: notify_wait to return 2, got %ld", i, w))
            break;
    }
    reap_ok(pid, "the ping-pong partner");
    printf("notify: pingpong: %ld rounds, no wakeup lost\n", i);
    cap_delete(a_signal);
    cap_delete(b_signal);
    cap_delete(a);
    cap_delete(b);
}

static void bound(void)
{
    int ep = endpoint_create(), n = notification_create(), other = notification_create();
    expect_result("bound: notify_bind", notify_bind(n, ep), 0);
    expect_result("bound: notify_bind of another notification to the bound endpoint",
                  notify_bind(other, ep), -EBUSY);
    unsigned long nb = 1UL << (rng_below(40) + 8), eb = 0x51;
    int n_signal = cap_mint(n, RIGHT_SEND, nb), ep_send = cap_mint(ep, RIGHT_SEND, eb);
    int pid = spawn_with("bound", ep_send, n_signal);
    wait_for_state(pid, TASK_STATE_SENDING, 2000, "the child (signalled, then calling)");
    struct ipc_msg m;
    long r1 = ipc_recv(ep, &m);
    unsigned long word = m.badge;
    expect_true(r1 == IPC_NOTIFIED && word == nb,
                "bound: with a signal pending and a caller "
                "queued, recv to return IPC_NOTIFIED (%d) with the word 0x%lx first; got result "
                "%ld, word/badge 0x%lx",
                IPC_NOTIFIED, nb, r1, word);
    long r2 = ipc_recv(ep, &m);
    expect_true(r2 == 0 && m.label == 0x77 && m.badge == eb,
                "bound: the next recv to return the "
                "child's call (label 0x77, badge 0x%lx); got result %ld, label %ld, badge 0x%lx",
                eb, r2, m.label, m.badge);
    long label2 = m.label;
    struct ipc_msg reply = message(0x78, 0, 0, 0, 0);
    ipc_reply(&reply);
    reap_ok(pid, "the bound child");
    expect_result("bound: notify_poll after recv took the word", notify_poll(n), 0);

    pid = spawn_with("bound-later", ep_send, n_signal);
    long r3 = ipc_recv(ep, &m);
    expect_true(r3 == IPC_NOTIFIED && m.badge == nb,
                "bound: a recv blocked on the endpoint to "
                "wake with IPC_NOTIFIED and 0x%lx when the notification is signalled; got result "
                "%ld, word 0x%lx",
                nb, r3, m.badge);
    reap_ok(pid, "the child that signals after 20 ms");
    printf("notify: bound: recv -> %s 0x%lx, then %s label 0x%lx; blocked recv woken by a "
           "signal -> %s\n",
           r1 == IPC_NOTIFIED ? "IPC_NOTIFIED" : "a message", word,
           r2 == 0 ? "a message" : "something else", label2,
           r3 == IPC_NOTIFIED ? "IPC_NOTIFIED" : "something else");
    cap_delete(ep);
    cap_delete(n);
    cap_delete(other);
}

int main(int argc, char **argv)
{
    test_name = "notify";
    seed = arg_number(argc, argv, 1, 3);
    rounds = (long)arg_number(argc, argv, 2, 2000);
    if (argc > 3) {
        const char *role = argv[3];
        if (strcmp(role, "signal") == 0)
            return signal_child();
        if (strcmp(role, "later") == 0)
            return later_child();
        if (strcmp(role, "pong") == 0)
            return pong_child();
        if (strcmp(role, "bound") == 0)
            return bound_child();
        if (strcmp(role, "bound-later") == 0)
            return bound_later_child();
        return 1;
    }
    rng_seed(seed);
    or_of_badges();
    poll_never_blocks();
    wait_blocks();
    pingpong();
    bound();
    return summary();
}
