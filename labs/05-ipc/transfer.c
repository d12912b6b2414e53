// transfer — `transfer SEED`: capabilities passed with messages (handout 5, "Exercise 4:
// passing capabilities").
//
// This task (the parent) and a child share endpoint A (the child's slot 1, a copy from
// spawn).  Then, in order:
//   1. the parent calls A passing a send+grant copy of another endpoint B, badged from SEED;
//      the child finds it in its lowest free slot (2), describes it, and answers with what it
//      saw: same object, same rights, same badge, a copy.  The parent still holds its own.
//   2. the child calls through the passed capability; the parent receives on B with the
//      badge, and replies passing a badged notification (a reply needs no grant right);
//   3. the child signals through that notification; the parent's wait sees the badge;
//   4. the child mints a copy of the passed capability without grant and tries to pass a
//      capability through it: EPERM;
//   5. the child calls A once more; the parent saves the reply right as a CAP_REPLY slot
//      (which cannot be minted), answers through it, and the slot is gone.
// The parent prints "transfer: FAIL ..." for what it sees wrong, the child what it does.
#include "ipctest.h"

#define A_CHILD 1 // the child's copy of A

static uint64_t seed;

static unsigned long badge_b(void)
{
    return (mix64(seed ^ 0xb) & 0xffffffffffUL) | 0x100;
}

static unsigned long badge_n(void)
{
    return 1UL << (seed % 60 + 2);
}

static int child(void)
{
    test_name = "transfer: child";
    struct cap_info info;
    struct ipc_msg m, reply;
    // The copy spawn made of A: every right of the original, not original itself.
    cap_describe(A_CHILD, &info);
    expect_true(info.type == CAP_ENDPOINT &&
                    info.rights == (RIGHT_SEND | RIGHT_RECV | RIGHT_GRANT) && info.original == 0 &&
                    info.badge == 0,
                "the copy of A that spawn put in slot 1: expected an endpoint with send, receive "
                "and grant, badge 0, a copy; got type %u, rights %u, badge 0x%lx, original %u",
                info.type, info.rights, info.badge, info.original);

    // 1.
    long r = ipc_recv(A_CHILD, &m);
    expect_true(r == 0 && m.label == 1 && m.cap == 2,
                "step 1: expected a message with label 1 and a capability in slot 2 (the lowest "
                "free one); got result %ld, label %ld, cap %ld",
                r, m.label, m.cap);
    int passed = (int)m.cap;
    memset(&info, 0, sizeof(info));
    cap_describe(passed, &info);
    reply = message(passed, info.type, info.rights, info.badge,
                    info.object | (unsigned long)info.original << 32);
    expect_result("step 1: ipc_reply", ipc_reply(&reply), 0);

    // 2.
    m = message(2, seed, ~seed, 0, 0);
    r = ipc_call(passed, &m, &reply);
    expect_true(r == 0 && reply.label == 3 && reply.w[0] == seed + 1 && reply.cap == 3,
                "step 2: a call through the passed capability: expected label 3, w0 0x%lx and a "
                "notification in slot 3; got result %ld, label %ld, w0 0x%lx, cap %ld",
                seed + 1, r, reply.label, reply.w[0], reply.cap);
    int ntfn = (int)reply.cap;
    memset(&info, 0, sizeof(info));
    cap_describe(ntfn, &info);
    expect_true(info.type == CAP_NOTIFICATION && info.rights == RIGHT_SEND &&
                    info.badge == badge_n() && info.original == 0,
                "step 2: the capability passed with the reply: expected a notification, send "
                "only, badge 0x%lx, a copy; got type %u, rights %u, badge 0x%lx, original %u",
                badge_n(), info.type, info.rights, info.badge, info.original);

    // 3.
    expect_result("step 3: notify_signal through the passed notification", notify_signal(ntfn), 0);

    // 4.
    int no_grant = cap_mint(passed, RIGHT_SEND, 0);
    m = message(4, 0, 0, 0, 0);
    m.cap = ntfn;
    expect_result("step 4: ipc_call passing a capability through a copy without grant",
                  ipc_call(no_grant, &m, &reply), -EPERM);
    expect_result("step 4: cap_delete of that copy", cap_delete(no_grant), 0);

    // 5.
    m = message(5, 0, 0, 0, 0);
    r = ipc_call(A_CHILD, &m, &reply);
    expect_true(r == 0 && reply.label == 6 && reply.cap == CAP_NONE,
                "step 5: the answer through the saved reply capability: expected label 6 and no "
                "capability; got result %ld, label %ld, cap %ld",
                r, reply.label, reply.cap);
    return checks_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    seed = arg_number(argc, argv, 1, 7);
    if (argc > 2 && strcmp(argv[2], "child") == 0)
        return child();
    test_name = "transfer";
    struct cap_info info, b_info;
    struct ipc_msg m, reply;

    int a = endpoint_create(), b = endpoint_create(), n = notification_create();
    if (!expect_true(a > 0 && b > 0 && n > 0, "three objects: got slots %d %d %d", a, b, n))
        return 1;
    long caps[] = {SLOT_CONSOLE, a};
    char seed_text[24];
    snprintf(seed_text, sizeof(seed_text), "%lu", seed);
    int pid = spawn_role("transfer", seed_text, "child", caps, 2);
    if (pid < 0)
        return 1;

    // 1.
    int pass_b = cap_mint(b, RIGHT_SEND | RIGHT_GRANT, badge_b());
    cap_describe(pass_b, &b_info);
    m = message(1, 0, 0, 0, 0);
    m.cap = pass_b;
    long r = ipc_call(a, &m, &reply);
    unsigned long object = reply.w[3] & 0xffffffff, original = reply.w[3] >> 32;
    expect_true(r == 0 && reply.label == 2,
                "step 1: expected the child to find the capability "
                "in slot 2; got result %ld, slot %ld",
                r, reply.label);
    expect_true(reply.w[0] == CAP_ENDPOINT && reply.w[1] == (RIGHT_SEND | RIGHT_GRANT) &&
                    reply.w[2] == badge_b() && object == b_info.object && original == 0,
                "step 1: the passed capability in the child: expected an endpoint (type %u), "
                "rights %u, badge 0x%lx, object %u, a copy; got type %lu, rights %lu, badge "
                "0x%lx, object %lu, original %lu",
                CAP_ENDPOINT, RIGHT_SEND | RIGHT_GRANT, badge_b(), b_info.object, reply.w[0],
                reply.w[1], reply.w[2], object, original);
    memset(&info, 0, sizeof(info));
    cap_describe(pass_b, &info);
    expect_true(info.type == CAP_ENDPOINT && info.badge == badge_b() &&
                    info.rights == b_info.rights,
                "step 1: the sender to keep its capability (a message passes a copy); its slot "
                "%d has type %u, badge 0x%lx",
                pass_b, info.type, info.badge);

    // 2.
    r = ipc_recv(b, &m);
    expect_true(r == 0 && m.label == 2 && m.badge == badge_b() && m.w[0] == seed &&
                    m.w[1] == ~seed && m.cap == CAP_NONE,
                "step 2: the child's call through the passed capability: expected label 2, badge "
                "0x%lx, w0 0x%lx, no capability; got result %ld, label %ld, badge 0x%lx, w0 "
                "0x%lx, cap %ld",
                badge_b(), seed, r, m.label, m.badge, m.w[0], m.cap);
    int pass_n = cap_mint(n, RIGHT_SEND, badge_n());
    reply = message(3, seed + 1, 0, 0, 0);
    reply.cap = pass_n;
    expect_result("step 2: ipc_reply passing a notification (no grant needed)", ipc_reply(&reply),
                  0);

    // 3.
    expect_result("step 3: notify_wait for the child's signal", notify_wait(n), (long)badge_n());

    // 5.
    r = ipc_recv(a, &m);
    expect_true(r == 0 && m.label == 5,
                "step 5: expected the child's call with label 5; got "
                "result %ld, label %ld",
                r, m.label);
    long saved = ipc_save_reply();
    expect_true(saved > 0, "step 5: ipc_save_reply: expected a slot, got %ld", saved);
    memset(&info, 0, sizeof(info));
    cap_describe((int)saved, &info);
    expect_true(info.type == CAP_REPLY,
                "step 5: the saved reply right to describe as CAP_REPLY "
                "(%u), got type %u",
                CAP_REPLY, info.type);
    expect_result("step 5: cap_mint of a reply capability", cap_mint((int)saved, 0, 0), -EINVAL);
    expect_result("step 5: a second ipc_save_reply (the right is in the slot now)",
                  ipc_save_reply(), -ESRCH);
    reply = message(6, 0, 0, 0, 0);
    expect_result("step 5: ipc_send on the reply capability", ipc_send((int)saved, &reply), 0);
    expect_true(slot_is_empty((int)saved),
                "step 5: the reply capability to be used up: its slot "
                "%ld empty after the answer",
                saved);
    expect_result("step 5: ipc_send on it again", ipc_send((int)saved, &reply), -EBADF);

    reap_ok(pid, "the child");
    if (checks_failed == 0)
        printf("transfer: a passed endpoint and a passed notification work in the receiver; "
               "copies keep rights and badge; grant is needed to pass; a saved reply answers "
               "once\n");
    return summary();
}
