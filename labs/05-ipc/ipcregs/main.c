// ipcregs — `ipcregs SEED`: every IPC call gives back every register it does not return a
// result in (handout 5, "Exercise 3: call and reply"; docs/syscalls.md: x0 is the result,
// the receiving calls also return x1..x7, and every other register is as it was).
//
// This task and a partner child fill x0-x30, SP, NZCV and TPIDR_EL0 with patterns from SEED
// (hold.S, as lab 4's regs does), set the call's arguments, make one system call and compare
// everything afterwards: x8-x30, SP, NZCV and TPIDR_EL0 must be as before, x0 the result,
// and for the calls that receive a message x1 the label, x2-x5 the words, x6 the badge (0
// for a call's reply) and x7 the passed slot (CAP_NONE).  The calls that only send leave
// x1-x7 undefined; the other capability calls return only x0 and keep x1-x7.
//
//   main (client)                          partner (server)
//   cap_describe, notify_signal,
//   notify_poll, ipc_nbrecv (EAGAIN)
//   ipc_call            ---------------->  ipc_recv
//                       <----------------  ipc_reply_recv (the reply; waits again)
//   ipc_send            ---------------->  (reply_recv returns the message)
//   ipc_recv            <----------------  ipc_send
//   ipc_call            ---------------->  ipc_recv
//                       <----------------  ipc_reply
// Two rounds: one stores the registers through x9, the other through x11 (the one register
// each round cannot check), and NZCV holds a value and then its complement.  Prints a line
// per event and a FAIL line per register that is wrong, naming whose pattern it holds.
#include "regs.h"
#include "../ipctest.h"

enum role { MAIN, PARTNER };
static const char *const role_names[] = {"main", "partner"};

#define SLOT_SP 31
#define SLOT_NZCV 32
#define SLOT_TPIDR 33
#define EVENTS 8

#define PARTNER_EP 1   // the partner's copy of the endpoint (all rights)
#define PARTNER_SEND 2 // the partner's badged send capability to it

static uint64_t seed;

// The value `role` puts in register `slot` for event `event` of `round`: never 0; SP
// 16-byte aligned.
static uint64_t pattern(enum role role, int round, int event, int slot)
{
    uint64_t v = mix64(seed ^ ((uint64_t)role << 40) ^ ((uint64_t)round << 32) ^
                       ((uint64_t)event << 16) ^ (uint64_t)slot);
    if (slot == SLOT_SP)
        return (v & ~15UL) | 16;
    return v | 1;
}

static uint64_t flags(enum role role, int round)
{
    uint64_t m = seed & 0xf;
    uint64_t f = role == PARTNER ? m ^ 3 : round == 0 ? m : m ^ 0xf;
    return f << 28;
}

// Word j (0: the label, 1-4: the words) of message `id` of `round`; both sides compute it.
static uint64_t msg(int id, int round, int j)
{
    return mix64(seed ^ (0xabcUL << 48) ^ ((uint64_t)id << 24) ^ ((uint64_t)round << 8) ^
                 (uint64_t)j);
}

enum { M_CALL1, M_REPLY1, M_SEND, M_BACK, M_CALL2, M_REPLY2 }; // the messages of a round

static unsigned long badge_main(void)
{
    return (mix64(seed ^ 0x111) & 0xffffffffUL) | 1;
}

static unsigned long badge_partner(void)
{
    return (mix64(seed ^ 0x222) & 0xffffffffUL) | 2;
}

static void slot_name(int slot, char *buf, size_t size)
{
    if (slot == SLOT_SP)
        strlcpy(buf, "sp", size);
    else if (slot == SLOT_TPIDR)
        strlcpy(buf, "tpidr_el0", size);
    else
        snprintf(buf, size, "x%d", slot);
}

// Prints whose value a wrong register holds, if it is one of the patterns or message words.
static void print_whose(uint64_t value)
{
    char name[12];
    for (int role = MAIN; role <= PARTNER; role++)
        for (int round = 0; round < 2; round++)
            for (int event = 0; event < EVENTS; event++)
                for (int slot = 0; slot <= SLOT_TPIDR; slot++)
                    if (slot != SLOT_NZCV && pattern(role, round, event, slot) == value) {
                        slot_name(slot, name, sizeof(name));
                        printf(" (%s's %s of event %d, round %d)", role_names[role], name, event,
                               round);
                        return;
                    }
    for (int round = 0; round < 2; round++)
        for (int id = 0; id <= M_REPLY2; id++)
            for (int j = 0; j < 5; j++)
                if (msg(id, round, j) == value) {
                    printf(" (word %d of message %d of round %d)", j, id, round);
                    return;
                }
}

enum outputs { KEPT, MESSAGE, UNDEFINED }; // what x1..x7 hold after the call

static int lost_total;

static void (*const hold_svc[2])(const struct regs *, struct regs *) = {hold_svc_x9, hold_svc_x11};

// One call: registers from patterns, `nargs` arguments in x0.., the call `number`; then
// x0 must be `result`, x1..x7 as `outputs` says (`out` for a message), the rest as loaded.
static void event(enum role role, int round, int ev, const char *name, long number,
                  const uint64_t *args, int nargs, long result, enum outputs outputs,
                  const uint64_t out[8])
{
    int base = round == 0 ? 9 : 11;
    struct regs want, got;
    for (int i = 0; i < 31; i++)
        want.x[i] = pattern(role, round, ev, i);
    want.sp = pattern(role, round, ev, SLOT_SP);
    want.nzcv = flags(role, round);
    want.tpidr = pattern(role, round, ev, SLOT_TPIDR);
    for (int i = 0; i < nargs; i++)
        want.x[i] = args[i];
    want.x[8] = (uint64_t)number;
    memset(&got, 0, sizeof(got));
    hold_svc[round](&want, &got);

    int lost = 0;
    char reg[12];
    uint64_t expect[34];
    for (int i = 0; i < 31; i++)
        expect[i] = want.x[i];
    expect[0] = (uint64_t)result;
    if (outputs == MESSAGE)
        for (int i = 1; i < 8; i++)
            expect[i] = out[i];
    for (int i = 0; i < 31; i++) {
        if (i == base || (outputs == UNDEFINED && i >= 1 && i <= 7))
            continue;
        if (got.x[i] == expect[i])
            continue;
        lost++;
        slot_name(i, reg, sizeof(reg));
        printf("ipcregs: FAIL %s: %s after %s (round %d): expected 0x%lx%s, got 0x%lx",
               role_names[role], reg, name, round, expect[i],
               i == 0                         ? " (the result)"
               : i <= 7 && outputs == MESSAGE ? " (received)"
                                              : " (kept)",
               got.x[i]);
        print_whose(got.x[i]);
        printf("\n");
    }
    const uint64_t special_want[3] = {want.sp, want.nzcv, want.tpidr};
    const uint64_t special_got[3] = {got.sp, got.nzcv, got.tpidr};
    static const char *const special_names[3] = {"sp", "nzcv", "tpidr_el0"};
    for (int i = 0; i < 3; i++)
        if (special_got[i] != special_want[i]) {
            lost++;
            printf("ipcregs: FAIL %s: %s after %s (round %d): expected 0x%lx, got 0x%lx",
                   role_names[role], special_names[i], name, round, special_want[i],
                   special_got[i]);
            print_whose(special_got[i]);
            printf("\n");
        }
    printf("ipcregs: %s: round %d: %s: %s\n", role_names[role], round, name,
           lost == 0 ? "every register kept" : "registers lost");
    lost_total += lost;
}

// A message call's arguments: slot, label, four words, no capability.
static void message_args(uint64_t args[7], long slot, int id, int round)
{
    args[0] = (uint64_t)slot;
    for (int j = 0; j < 5; j++)
        args[1 + j] = msg(id, round, j);
    args[6] = (uint64_t)CAP_NONE;
}

// What a receive returns in x1..x7: message id's label and words, the badge, no capability.
static void message_out(uint64_t out[8], int id, int round, unsigned long badge)
{
    out[0] = 0;
    for (int j = 0; j < 5; j++)
        out[1 + j] = msg(id, round, j);
    out[6] = badge;
    out[7] = (uint64_t)CAP_NONE;
}

static int partner(void)
{
    uint64_t args[7], out[8];
    for (int round = 0; round < 2; round++) {
        args[0] = PARTNER_EP;
        message_out(out, M_CALL1, round, badge_main());
        event(PARTNER, round, 0, "ipc_recv (a call)", SYS_ipc_recv, args, 1, 0, MESSAGE, out);
        message_args(args, PARTNER_EP, M_REPLY1, round);
        message_out(out, M_SEND, round, badge_main());
        event(PARTNER, round, 1, "ipc_reply_recv", SYS_ipc_reply_recv, args, 7, 0, MESSAGE, out);
        message_args(args, PARTNER_SEND, M_BACK, round);
        event(PARTNER, round, 2, "ipc_send", SYS_ipc_send, args, 7, 0, UNDEFINED, out);
        args[0] = PARTNER_EP;
        message_out(out, M_CALL2, round, badge_main());
        event(PARTNER, round, 3, "ipc_recv (another call)", SYS_ipc_recv, args, 1, 0, MESSAGE, out);
        message_args(args, 0, M_REPLY2, round);
        event(PARTNER, round, 4, "ipc_reply", SYS_ipc_reply, args, 7, 0, UNDEFINED, out);
    }
    struct ipc_msg m, reply = message(0, 0, 0, 0, 0);
    ipc_recv(PARTNER_EP, &m); // the end
    ipc_reply(&reply);
    printf("ipcregs: partner: %d registers lost in 10 events\n", lost_total);
    return lost_total < 255 ? lost_total : 255;
}

int main(int argc, char **argv)
{
    test_name = "ipcregs";
    seed = arg_number(argc, argv, 1, counter_now());
    if (argc > 2 && strcmp(argv[2], "partner") == 0)
        return partner();

    int ep = endpoint_create(), ep3 = endpoint_create(), n = notification_create();
    int ep_main = cap_mint(ep, RIGHT_SEND, badge_main());
    int ep_partner = cap_mint(ep, RIGHT_SEND, badge_partner());
    unsigned long nbadge = (mix64(seed ^ 0x333) & 0xffffffffffUL) | 4;
    int n_signal = cap_mint(n, RIGHT_SEND, nbadge);
    if (!expect_true(ep > 0 && ep3 > 0 && n > 0 && ep_main > 0 && ep_partner > 0 && n_signal > 0,
                     "six capabilities to set up with, got %d %d %d %d %d %d", ep, ep3, n, ep_main,
                     ep_partner, n_signal))
        return 1;
    long caps[] = {SLOT_CONSOLE, ep, ep_partner};
    char seed_text[24];
    snprintf(seed_text, sizeof(seed_text), "%lu", seed);
    int pid = spawn_role("ipcregs", seed_text, "partner", caps, 3);
    if (pid < 0)
        return 1;

    struct cap_info info;
    uint64_t args[7], out[8] = {0};
    for (int round = 0; round < 2; round++) {
        args[0] = (uint64_t)ep;
        args[1] = (uint64_t)&info;
        event(MAIN, round, 0, "cap_describe", SYS_cap_describe, args, 2, 0, KEPT, out);
        args[0] = (uint64_t)n_signal;
        event(MAIN, round, 1, "notify_signal", SYS_notify_signal, args, 1, 0, KEPT, out);
        args[0] = (uint64_t)n;
        event(MAIN, round, 2, "notify_poll", SYS_notify_poll, args, 1, (long)nbadge, KEPT, out);
        args[0] = (uint64_t)ep3;
        event(MAIN, round, 3, "ipc_nbrecv (nobody sends: EAGAIN)", SYS_ipc_nbrecv, args, 1, -EAGAIN,
              UNDEFINED, out);
        message_args(args, ep_main, M_CALL1, round);
        message_out(out, M_REPLY1, round, 0);
        event(MAIN, round, 4, "ipc_call", SYS_ipc_call, args, 7, 0, MESSAGE, out);
        message_args(args, ep_main, M_SEND, round);
        event(MAIN, round, 5, "ipc_send", SYS_ipc_send, args, 7, 0, UNDEFINED, out);
        args[0] = (uint64_t)ep;
        message_out(out, M_BACK, round, badge_partner());
        event(MAIN, round, 6, "ipc_recv", SYS_ipc_recv, args, 1, 0, MESSAGE, out);
        message_args(args, ep_main, M_CALL2, round);
        message_out(out, M_REPLY2, round, 0);
        event(MAIN, round, 7, "ipc_call (answered by ipc_reply)", SYS_ipc_call, args, 7, 0, MESSAGE,
              out);
    }
    struct ipc_msg m = message(0, 0, 0, 0, 0), reply;
    ipc_call(ep_main, &m, &reply);
    int status = reap(pid);
    printf("ipcregs: main: %d registers lost in 16 events\n", lost_total);
    if (status != 0)
        printf("ipcregs: FAIL the partner ended with status 0x%x\n", status);
    if (lost_total == 0 && status == 0)
        printf("ipcregs: every register but the results survived every IPC call, on both sides\n");
    return lost_total == 0 && status == 0 ? 0 : 1;
}
