// rights — `rights SEED`: every capability call refuses what it must, with the errno
// docs/syscalls.md documents (handout 5, exercises 1, 2 and 4; the errors are those of
// notes "Errors common to every capability call"):
//   EBADF   a slot outside 0..63 (-1, 64, huge and random ones) or an empty slot;
//   EINVAL  the wrong type of object for the call, rights bits that do not exist, minting a
//           reply capability, signalling with badge 0;
//   EPERM   a missing right (send, receive, grant), a mint that widens the rights, a re-badge
//           of a badged capability;
//   EMFILE  a full table (and a receiver whose table is full: the sender's error);
//   ESRCH, EAGAIN, EBUSY, EFAULT where the reference says.
// Each check that fails prints "rights: FAIL what: expected E, got R"; each group of checks
// prints "rights: ok GROUP" when all of it passed; the last line counts the checks.
#include "ipctest.h"

#define RECEIVER_SLOT 1
#define VA_SOMEWHERE 0x10000000UL // page-aligned, in the user half, unused by the program

static int group_failures;

// Starts a group: "rights: ok NAME" is printed by end_group if no check of it failed.
static const char *group_name;
static void begin_group(const char *name)
{
    group_name = name;
    group_failures = checks_failed;
}

static void end_group(void)
{
    if (checks_failed == group_failures)
        printf("rights: ok %s\n", group_name);
}

static void expect(const char *what, long got, long want)
{
    char line[160];
    snprintf(line, sizeof(line), "%s: %s", group_name, what);
    expect_result(line, got, want);
}

// Every call that takes a slot, on slot `s`: all must give `err` (EBADF for a slot that is
// not a capability), but cap_describe, which describes an empty slot in range as CAP_EMPTY.
// `other_*` are a good notification and endpoint for the calls that take two slots.
static void every_call_on(int s, long err, int other_ntfn, int other_ep)
{
    struct ipc_msg m = message(1, 2, 3, 4, 5), out;
    struct cap_info info;
    char what[80];
#define ON(call, expr)                                                                             \
    do {                                                                                           \
        snprintf(what, sizeof(what), "%s on slot %d", call, s);                                    \
        expect(what, (expr), err);                                                                 \
    } while (0)
    if (s >= 0 && s < CAP_SLOTS) {
        snprintf(what, sizeof(what), "cap_describe of empty slot %d", s);
        expect(what, cap_describe(s, &info) == 0 ? (long)info.type : -1L, CAP_EMPTY);
    } else {
        ON("cap_describe", cap_describe(s, &info));
    }
    ON("cap_mint", cap_mint(s, RIGHT_SEND, 0));
    ON("cap_delete", cap_delete(s));
    ON("ipc_send", ipc_send(s, &m));
    ON("ipc_nbsend", ipc_nbsend(s, &m));
    ON("ipc_call", ipc_call(s, &m, &out));
    ON("ipc_recv", ipc_recv(s, &out));
    ON("ipc_nbrecv", ipc_nbrecv(s, &out));
    ON("ipc_reply_recv", ipc_reply_recv(s, &m, &out));
    ON("notify_signal", notify_signal(s));
    ON("notify_wait", notify_wait(s));
    ON("notify_poll", notify_poll(s));
    ON("notify_bind (as the notification)", notify_bind(s, other_ep));
    ON("notify_bind (as the endpoint)", notify_bind(other_ntfn, s));
    ON("irq_bind (as the IRQ)", irq_bind(s, other_ntfn));
    ON("irq_ack", irq_ack(s));
    ON("devmem_map", devmem_map(s, VA_SOMEWHERE));
#undef ON
}

static void check_describe(const char *what, int slot, unsigned type, unsigned rights,
                           unsigned long badge, int original)
{
    struct cap_info info;
    memset(&info, 0x5a, sizeof(info));
    long r = cap_describe(slot, &info);
    expect_true(r == 0 && info.type == type && info.rights == rights && info.badge == badge &&
                    (original < 0 || info.original == (unsigned)original),
                "%s: %s: expected type %u, rights %u, badge 0x%lx%s; got result %s, type %u, "
                "rights %u, badge 0x%lx, original %u",
                group_name, what, type, rights, badge,
                original < 0 ? ""
                : original   ? ", original"
                             : ", a copy",
                errno_name(r), info.type, info.rights, info.badge, info.original);
}

static unsigned object_of(int slot)
{
    struct cap_info info = {0};
    cap_describe(slot, &info);
    return info.object;
}

// A child that waits in recv: `rights receiver` takes one message and exits 0 if it was the
// label-0 message with no capability (anything delivered before it is an error).  `rights
// full-receiver` first fills its table.
static int receiver(int fill)
{
    int filled = 0;
    if (fill)
        while (notification_create() >= 0)
            filled++;
    struct ipc_msg m;
    long r = ipc_recv(RECEIVER_SLOT, &m);
    if (r != 0 || m.label != 0 || m.cap != CAP_NONE) {
        printf("rights: FAIL receiver%s: expected only the label-0 message with no capability, "
               "got result %ld, label %ld, cap %ld\n",
               fill ? " with a full table" : "", r, m.label, m.cap);
        return 1;
    }
    return 0;
}

static void transfers(int ep, int ntfn, int full)
{
    // The receiver holds a copy of ep (all rights); we send through copies with fewer.
    int no_grant = cap_mint(ep, RIGHT_SEND, 0);
    int grant = cap_mint(ep, RIGHT_SEND | RIGHT_GRANT, 0);
    long caps[] = {SLOT_CONSOLE, ep};
    int pid = spawn_role("rights", full ? "full-receiver" : "receiver", NULL, caps, 2);
    if (pid < 0)
        return;
    wait_for_state(pid, TASK_STATE_RECEIVING, 2000, "the receiver");
    struct ipc_msg m = message(7, 1, 2, 3, 4);
    if (!full) {
        m.cap = ntfn;
        expect("ipc_send passing a capability through a capability without grant",
               ipc_send(no_grant, &m), -EPERM);
        expect("ipc_nbsend passing a capability without grant", ipc_nbsend(no_grant, &m), -EPERM);
        m.cap = empty_slot(1);
        expect("ipc_send passing an empty slot (with grant)", ipc_send(grant, &m), -EBADF);
        m.cap = 64;
        expect("ipc_send passing slot 64 (with grant)", ipc_send(grant, &m), -EBADF);
        m.cap = -2;
        expect("ipc_send passing slot -2 (with grant)", ipc_send(grant, &m), -EBADF);
    } else {
        m.cap = ntfn;
        expect("ipc_send passing a capability to a receiver whose table is full",
               ipc_send(grant, &m), -EMFILE);
        expect("the same message again (nothing was delivered)", ipc_send(grant, &m), -EMFILE);
    }
    struct task_info t;
    expect_true(find_task(pid, &t) == 0 && t.state == TASK_STATE_RECEIVING,
                "%s: the receiver still waiting after the refused sends: it is %s", group_name,
                state_name(t.state));
    m = message(0, 0, 0, 0, 0);
    expect("ipc_send of the label-0 message the receiver waits for", ipc_send(no_grant, &m), 0);
    reap_ok(pid, full ? "the receiver with a full table" : "the receiver");
    cap_delete(no_grant);
    cap_delete(grant);
}

int main(int argc, char **argv)
{
    test_name = "rights";
    if (argc > 1 && strcmp(argv[1], "receiver") == 0)
        return receiver(0);
    if (argc > 1 && strcmp(argv[1], "full-receiver") == 0)
        return receiver(1);
    uint64_t seed = arg_number(argc, argv, 1, 1);
    rng_seed(seed);
    struct ipc_msg m = message(1, 2, 3, 4, 5), out;
    struct cap_info info;
    int slots_at_start = slots_used();
    // What pid 1 starts with (slot 0, its console; from lab 7 also SLOT_VFS) is not ours to
    // delete at the end.
    int inherited[CAP_SLOTS];
    for (int s = 0; s < CAP_SLOTS; s++)
        inherited[s] = !slot_is_empty(s);

    begin_group("creating an endpoint and a notification");
    int ep = endpoint_create();
    int ntfn = notification_create();
    expect_true(ep > 0 && ntfn > 0 && ep != ntfn,
                "endpoint_create and notification_create: "
                "expected two new slots, got %d and %d",
                ep, ntfn);
    if (ep < 0 || ntfn < 0)
        return summary();
    check_describe("the new endpoint", ep, CAP_ENDPOINT, RIGHT_SEND | RIGHT_RECV | RIGHT_GRANT, 0,
                   1);
    check_describe("the new notification", ntfn, CAP_NOTIFICATION,
                   RIGHT_SEND | RIGHT_RECV | RIGHT_GRANT, 0, 1);
    expect_true(object_of(ep) != 0 && object_of(ep) != object_of(ntfn),
                "%s: two objects with different numbers, got %u and %u", group_name, object_of(ep),
                object_of(ntfn));
    int ep2 = endpoint_create(), ntfn2 = notification_create();
    end_group();

    begin_group("slots outside 0..63 are EBADF");
    int bad[12] = {-1, 64, 65, 1000, 0x7fffffff, (int)0x80000000, -64, -2};
    for (int i = 8; i < 12; i++)
        bad[i] = i % 2 ? (int)(64 + rng_below(0x7fffffc0)) : -(int)(2 + rng_below(0x7ffffffd));
    for (int i = 0; i < 12; i++)
        every_call_on(bad[i], -EBADF, ntfn, ep);
    end_group();

    begin_group("empty slots are EBADF");
    for (int i = 0; i < 3; i++) {
        int s;
        do
            s = (int)rng_below(CAP_SLOTS);
        while (!slot_is_empty(s));
        every_call_on(s, -EBADF, ntfn, ep);
    }
    end_group();

    begin_group("describing a slot");
    int empty = empty_slot(1);
    memset(&info, 0x5a, sizeof(info));
    expect("cap_describe of an empty slot", cap_describe(empty, &info), 0);
    expect_true(info.type == CAP_EMPTY && info.rights == 0 && info.badge == 0 && info.object == 0 &&
                    info.original == 0,
                "%s: an empty slot to describe as type 0 and all zeros, got type %u, rights %u, "
                "badge 0x%lx, object %u, original %u",
                group_name, info.type, info.rights, info.badge, info.object, info.original);
    expect("cap_describe into NULL", cap_describe(ep, NULL), -EFAULT);
    expect("cap_describe into a kernel address",
           cap_describe(ep, (struct cap_info *)0xffffff8040200000UL), -EFAULT);
    expect("cap_describe into read-only memory", cap_describe(ep, (struct cap_info *)main),
           -EFAULT);
    cap_describe(SLOT_CONSOLE, &info);
    expect_true(info.type == CAP_ENDPOINT && (info.rights & RIGHT_SEND) &&
                    !(info.rights & RIGHT_RECV) && info.badge == 0 && info.original == 0,
                "%s: slot 0 (pid 1's) to be an unbadged copy of a send capability to the "
                "console, without receive; got type %u, rights %u, badge 0x%lx, original %u",
                group_name, info.type, info.rights, info.badge, info.original);
    end_group();

    begin_group("calls on the wrong type of object are EINVAL");
    expect("ipc_send on a notification", ipc_send(ntfn, &m), -EINVAL);
    expect("ipc_nbsend on a notification", ipc_nbsend(ntfn, &m), -EINVAL);
    expect("ipc_call on a notification", ipc_call(ntfn, &m, &out), -EINVAL);
    expect("ipc_recv on a notification", ipc_recv(ntfn, &out), -EINVAL);
    expect("ipc_nbrecv on a notification", ipc_nbrecv(ntfn, &out), -EINVAL);
    expect("ipc_reply_recv on a notification", ipc_reply_recv(ntfn, &m, &out), -EINVAL);
    expect("notify_signal on an endpoint", notify_signal(ep), -EINVAL);
    expect("notify_wait on an endpoint", notify_wait(ep), -EINVAL);
    expect("notify_poll on an endpoint", notify_poll(ep), -EINVAL);
    expect("notify_bind(endpoint, notification): swapped", notify_bind(ep, ntfn), -EINVAL);
    expect("notify_bind(notification, notification)", notify_bind(ntfn, ntfn2), -EINVAL);
    expect("irq_bind of an endpoint as the IRQ", irq_bind(ep, ntfn), -EINVAL);
    expect("irq_bind of a notification as the IRQ", irq_bind(ntfn, ntfn2), -EINVAL);
    expect("irq_ack of an endpoint", irq_ack(ep), -EINVAL);
    expect("irq_ack of a notification", irq_ack(ntfn), -EINVAL);
    expect("devmem_map of an endpoint", devmem_map(ep, VA_SOMEWHERE), -EINVAL);
    expect("devmem_map of a notification", devmem_map(ntfn, VA_SOMEWHERE), -EINVAL);
    end_group();

    begin_group("a missing right is EPERM");
    int ep_recv = cap_mint(ep, RIGHT_RECV, 0), ep_send = cap_mint(ep, RIGHT_SEND, 0);
    int nt_recv = cap_mint(ntfn, RIGHT_RECV, 0), nt_send = cap_mint(ntfn, RIGHT_SEND, 0x10);
    expect_true(ep_recv > 0 && ep_send > 0 && nt_recv > 0 && nt_send > 0,
                "%s: four mints to work, got %d %d %d %d", group_name, ep_recv, ep_send, nt_recv,
                nt_send);
    expect("ipc_send without the send right", ipc_send(ep_recv, &m), -EPERM);
    expect("ipc_nbsend without the send right", ipc_nbsend(ep_recv, &m), -EPERM);
    expect("ipc_call without the send right", ipc_call(ep_recv, &m, &out), -EPERM);
    expect("ipc_recv without the receive right", ipc_recv(ep_send, &out), -EPERM);
    expect("ipc_nbrecv without the receive right", ipc_nbrecv(ep_send, &out), -EPERM);
    expect("ipc_reply_recv without the receive right", ipc_reply_recv(ep_send, &m, &out), -EPERM);
    expect("ipc_recv on slot 0, the console's endpoint (send only)", ipc_nbrecv(SLOT_CONSOLE, &out),
           -EPERM);
    expect("notify_signal without the send right", notify_signal(nt_recv), -EPERM);
    expect("notify_wait without the receive right", notify_wait(nt_send), -EPERM);
    expect("notify_poll without the receive right", notify_poll(nt_send), -EPERM);
    expect("notify_bind of a notification without receive", notify_bind(nt_send, ep), -EPERM);
    expect("notify_bind to an endpoint without receive", notify_bind(ntfn, ep_send), -EPERM);
    end_group();

    begin_group("mint copies, never widens");
    check_describe("cap_mint(endpoint, RIGHT_SEND, 0)", ep_send, CAP_ENDPOINT, RIGHT_SEND, 0, 0);
    expect_true(object_of(ep_send) == object_of(ep),
                "%s: a minted copy to name the same "
                "object as its source, got %u and %u",
                group_name, object_of(ep_send), object_of(ep));
    expect("mint of send-only with send+receive", cap_mint(ep_send, RIGHT_SEND | RIGHT_RECV, 0),
           -EPERM);
    expect("mint of send-only with send+grant", cap_mint(ep_send, RIGHT_SEND | RIGHT_GRANT, 0),
           -EPERM);
    expect("mint of receive-only with send", cap_mint(ep_recv, RIGHT_SEND, 0), -EPERM);
    expect("mint of an endpoint with the map rights", cap_mint(ep, RIGHT_SEND | RIGHT_MAP_READ, 0),
           -EPERM);
    expect("mint with a rights bit that does not exist", cap_mint(ep, RIGHTS_ALL + 1, 0), -EINVAL);
    expect("mint with rights 1 << 31", cap_mint(ep, 1u << 31, 0), -EINVAL);
    int copy = cap_mint(ep_send, RIGHT_SEND, 0);
    check_describe("a mint of a mint", copy, CAP_ENDPOINT, RIGHT_SEND, 0, 0);
    expect("cap_delete of the copy", cap_delete(copy), 0);
    expect_true(slot_is_empty(copy), "%s: the deleted copy's slot to be empty", group_name);
    check_describe("the source after its copy was deleted", ep_send, CAP_ENDPOINT, RIGHT_SEND, 0,
                   0);
    expect("cap_delete of that slot again", cap_delete(copy), -EBADF);
    end_group();

    begin_group("a badge is set once");
    unsigned long b1 = (rng_next() | 1) & 0x7fffffffffffffffUL, b2 = b1 ^ 0x100;
    int badged = cap_mint(ep, RIGHT_SEND | RIGHT_GRANT, b1);
    check_describe("cap_mint(endpoint, send+grant, b1)", badged, CAP_ENDPOINT,
                   RIGHT_SEND | RIGHT_GRANT, b1, 0);
    expect("re-badging a badged endpoint capability", cap_mint(badged, RIGHT_SEND, b2), -EPERM);
    int same = cap_mint(badged, RIGHT_SEND, 0);
    check_describe("a mint of it with badge 0 (keeps b1)", same, CAP_ENDPOINT, RIGHT_SEND, b1, 0);
    expect("re-badging that one", cap_mint(same, RIGHT_SEND, b2), -EPERM);
    expect("re-badging a badged notification capability", cap_mint(nt_send, RIGHT_SEND, b2),
           -EPERM);
    int console_badged = cap_mint(SLOT_CONSOLE, RIGHT_SEND, b2);
    check_describe("a badged copy of the unbadged console capability", console_badged, CAP_ENDPOINT,
                   RIGHT_SEND, b2, 0);
    expect("re-badging the badged console capability", cap_mint(console_badged, RIGHT_SEND, b1),
           -EPERM);
    cap_delete(same);
    cap_delete(console_badged);
    end_group();

    begin_group("notification rules");
    expect("notify_signal with badge 0", notify_signal(ntfn), -EINVAL);
    expect("notify_poll with nothing signalled", notify_poll(ntfn), 0);
    expect("notify_signal with badge 0x10", notify_signal(nt_send), 0);
    expect("notify_poll after it", notify_poll(nt_recv), 0x10);
    expect("notify_poll again (cleared)", notify_poll(ntfn), 0);
    expect("notify_bind(notification, endpoint)", notify_bind(ntfn2, ep2), 0);
    expect("notify_bind of a bound notification", notify_bind(ntfn2, ep), -EBUSY);
    expect("notify_bind to a bound endpoint", notify_bind(ntfn, ep2), -EBUSY);
    end_group();

    begin_group("no partner, no reply right");
    expect("ipc_nbsend with no receiver waiting", ipc_nbsend(ep, &m), -EAGAIN);
    expect("ipc_nbrecv with no sender waiting", ipc_nbrecv(ep, &out), -EAGAIN);
    expect("ipc_reply with no reply right", ipc_reply(&m), -ESRCH);
    expect("ipc_save_reply with no reply right", ipc_save_reply(), -ESRCH);
    end_group();

    begin_group("passing a capability");
    transfers(ep, ntfn, 0);
    transfers(ep, ntfn, 1);
    end_group();

    begin_group("tasks: kill, task_describe, spawn with capabilities");
    struct task_info t;
    expect("kill(1, SIGKILL): pid 1", kill(1, SIGKILL), -EPERM);
    expect("kill(1, 0): does pid 1 exist", kill(1, 0), 0);
    expect("kill of a pid that does not exist", kill(4000 + (int)rng_below(1000), 0), -ESRCH);
    long receiver_caps[] = {SLOT_CONSOLE, ep};
    int child = spawn_role("rights", "receiver", NULL, receiver_caps, 2);
    if (child > 0) {
        wait_for_state(child, TASK_STATE_RECEIVING, 2000, "the receiver");
        expect("kill with signal 15 (only 0 and SIGKILL exist)", kill(child, 15), -EINVAL);
        expect("kill with signal 0: does the child exist", kill(child, 0), 0);
        struct ipc_msg stop = message(0, 0, 0, 0, 0);
        expect("ipc_send of the label-0 message the receiver waits for", ipc_send(ep, &stop), 0);
        reap_ok(child, "the receiver (not killed by signal 15)");
    }
    expect("task_describe(64)", task_describe(64, &t), -EINVAL);
    expect("task_describe(-1)", task_describe(-1, &t), -EINVAL);
    int self = -1, unused = -1;
    for (int i = 0; i < 64; i++) {
        long r = task_describe(i, &t);
        if (r == getpid() && self < 0 && strcmp(t.name, "rights") == 0 && t.pid == getpid() &&
            t.state == TASK_STATE_RUNNING)
            self = i;
        if (r == -ESRCH && unused < 0)
            unused = i;
    }
    expect_true(self >= 0,
                "%s: task_describe to find this task (pid %d) named 'rights', "
                "running",
                group_name, getpid());
    if (self >= 0)
        expect("task_describe into NULL", task_describe(self, NULL), -EFAULT);
    if (unused >= 0)
        expect("task_describe of an unused task slot", task_describe(unused, &t), -ESRCH);
    char *true_argv[] = {"true", NULL};
    long nine[9] = {0,        CAP_NONE, CAP_NONE, CAP_NONE, CAP_NONE,
                    CAP_NONE, CAP_NONE, CAP_NONE, CAP_NONE};
    expect("spawn with 9 capabilities", spawn_caps("true", true_argv, nine, 9), -EINVAL);
    long empty_caps[] = {0, empty_slot(1)};
    expect("spawn naming an empty slot", spawn_caps("true", true_argv, empty_caps, 2), -EBADF);
    long bad_caps[] = {0, 99};
    expect("spawn naming slot 99", spawn_caps("true", true_argv, bad_caps, 2), -EBADF);
    expect("spawn with capabilities from a bad pointer",
           spawn_caps("true", true_argv, (const long *)0x10, 2), -EFAULT);
    end_group();

    begin_group("a full table is EMFILE");
    int made = 0, last = 0, free_slots = CAP_SLOTS - slots_used();
    while ((last = notification_create()) >= 0)
        made++;
    expect_true(made == free_slots,
                "%s: notification_create to fill each of the %d free slots, "
                "got %d",
                group_name, free_slots, made);
    expect("notification_create with no free slot", last, -EMFILE);
    expect("endpoint_create with no free slot", endpoint_create(), -EMFILE);
    expect("cap_mint with no free slot", cap_mint(ep, RIGHT_SEND, 0), -EMFILE);
    end_group();

    begin_group("deleting gives every slot back");
    int deleted = 0;
    for (int s = 1; s < CAP_SLOTS; s++)
        if (!inherited[s] && !slot_is_empty(s) && cap_delete(s) == 0)
            deleted++;
    expect_true(slots_used() == slots_at_start,
                "%s: %d slots used after deleting everything, "
                "as at the start; got %d",
                group_name, slots_at_start, slots_used());
    expect_true(deleted > 0 && endpoint_create() > 0, "%s: endpoint_create to work again",
                group_name);
    end_group();
    return summary();
}
