// peers.c — the fuzzer's partners in IPC (lab 5): children that are `fuzz peer KIND ...`.
//
// A message call needs someone at the other end, and the fuzzer must never wait for ever, so
// it only sends where a peer of its own receives, and only receives where one of its own
// sends:
//   server       receives on FX_SERVED and answers every call with a function of the message,
//                its badge, the capability it carried and of all it received before (so a
//                lost or doubled message shows in the next reply); passes the capability back
//   fullserver   the same on FX_FULL, with every slot of its table used: a capability sent
//                to it cannot land (EMFILE)
//   send, pass   sends message after message to an inbox (pass: each with a capability)
//   call         calls an inbox, again and again
//   fullcall     the same with its table full: a reply with a capability cannot land
//   doom-ep, doom-nt  creates an endpoint (notification), sends the fuzzer a copy, waits until
//                the fuzzer is blocked on it, and destroys it (-EIDRM); again and again
//   wait         waits in notify_wait on FX_WAITED_NT and sends the fuzzer the word it got,
//                again and again: a signal to a notification somebody waits on
// The server's endpoint has a notification bound to it (FX_SERVED_NT): a signal to it wakes
// the server in its recv (IPC_NOTIFIED), and the word goes into what its replies say.
// A client's messages are drawn from its seed and round, and word 3 of each says how its
// previous round ended (the fold of the reply it got, or 100 + errno), so the fuzzer checks
// every reply it sent as the caller got it.  A client ends when its inbox goes (EIDRM, or
// EBADF once its copy is gone), with the outcome of its last round as its exit status.
// Before the fuzzer relies on a peer's state (waiting in recv, queued in send) it reads it
// with task_describe (await); a client that has taken its turn is awaited back in its queue
// at once, so that no two of one inbox race for their places in it.
#if LAB >= 5
#include "fuzz.h"

#define MAX_PEERS 24
#define AWAIT_TRIES 20000 // sched_yields before a peer that never gets there is a failure
#define DOOM_TRIES 200000 // the same for a doomer waiting for the fuzzer to block
#define HASH_INIT 0x9e3779b97f4a7c15UL
#define ERR_EXIT(e) (100 + (int)(e)) // a round that failed with -e
#define STATUS(code) ((code) << 8)   // wait4's status for an exit with `code`
#define GAVE_UP 3                    // a doomer's round: the fuzzer never blocked on it
#define HELD_LOST_TOLD NHELD         // lost, and ipc_reply has said so (ESRCH)

enum peer_kind {
    PK_SERVER,
    PK_FULL_SERVER,
    PK_SENDER,
    PK_PASSER,
    PK_CALLER,
    PK_FULL_CALLER,
    PK_DOOM_EP,
    PK_DOOM_NT,
    PK_WAITER,
    NKINDS
};
static const char *const kind_names[NKINDS] = {"server",   "fullserver", "send",    "pass", "call",
                                               "fullcall", "doom-ep",    "doom-nt", "wait"};
enum peer_state {
    PS_FREE,
    PS_QUEUED,
    PS_HELD,
    PS_SAVED,
    PS_SERVING,
    PS_DOOMING,
    PS_WAITING,
    PS_SETTLED
};

const char *const held_names[NHELD] = {"none held", "held", "held, its caller's table full",
                                       "held, its caller killed"};

struct peer {
    int pid;
    enum peer_kind kind;
    enum peer_state state;
    enum fixture inbox;         // clients: where they send; servers: what they serve
    int inbox_object;           // ... the object it was given a copy of
    uint64_t seed, round, last; // the next message, and word 3 of it
    uint64_t badge;             // of the capability it sends with
    unsigned pass_rights;
    uint64_t pass_badge; // passers: their copy of FX_NT_PASS
    unsigned seq;        // order of arrival in its inbox
    int doom_object;     // doomers: this round's object, once the fuzzer has a copy
    int waited_object;   // the waiter: the notification it waits on
};
static struct peer peers[MAX_PEERS];
static unsigned next_seq;
static int held = HELD_NONE;
static struct peer *held_peer;
static struct server {
    struct peer *p; // NULL: none alive
    uint64_t hash, count;
} servers[2];

static long helper(enum call_kind kind, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct call c;
    build_helper(&c, kind, a0, a1, a2);
    return make_call(&c);
}

// --- what both sides compute --------------------------------------------------------------

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x100000001b3UL;
    return h ^ (h >> 29);
}

// A client's message of one round: label and words in msg[1..5].
static void client_message(uint64_t seed, uint64_t round, uint64_t last, uint64_t msg[6])
{
    for (int i = 1; i <= 4; i++)
        msg[i] = mix(mix(mix(HASH_INIT, seed), round), (uint64_t)i);
    msg[5] = last;
}

// The server's answer to one message (label and words in msg[1..5], the capability it
// carried described by `cap`, or NULL), and what it remembers.
static void server_answer(uint64_t *hash, uint64_t *count, const uint64_t msg[6], uint64_t badge,
                          const struct cap_info *cap, uint64_t reply[6])
{
    uint64_t h = *hash;
    for (int i = 1; i <= 5; i++)
        h = mix(h, msg[i]);
    h = mix(h, badge);
    if (cap != NULL) {
        h = mix(h, cap->type | (uint64_t)cap->rights << 8 | (uint64_t)cap->original << 16);
        h = mix(h, cap->badge);
    } else {
        h = mix(h, ~0UL);
    }
    *hash = h;
    *count += 1;
    reply[1] = ~msg[1];
    reply[2] = badge;
    reply[3] = h;
    reply[4] = *count;
    reply[5] = msg[2] ^ msg[3] ^ msg[4] ^ msg[5];
}

// The server's record of a notification it received (IPC_NOTIFIED, the word in x6).
static void server_notified(uint64_t *hash, uint64_t *count, uint64_t word)
{
    *hash = mix(mix(*hash, IPC_NOTIFIED), word);
    *count += 1;
}

uint64_t reply_fold(const uint64_t regs[8])
{
    uint64_t h = HASH_INIT;
    for (int i = 1; i <= 7; i++)
        h = mix(h, regs[i]);
    return 1 + h % 97; // 1..97: apart from 0 (a send taken) and 100 + errno
}

// --- the peers' side: `fuzz peer KIND ...` ----------------------------------------------------

static int serve(bool full)
{
    if (full)
        while (cap_mint(1, RIGHT_SEND, 0) >= 0) // fill the table: nothing sent can land
            ;
    uint64_t hash = HASH_INIT, count = 0;
    struct ipc_msg m, r;
    long res = ipc_recv(1, &m);
    for (;;) {
        if (res == -EIDRM || res == -EBADF) // the endpoint destroyed: the end
            return 0;
        if (res == IPC_NOTIFIED) { // the bound notification's word, not a message
            server_notified(&hash, &count, m.badge);
            res = ipc_recv(1, &m);
            continue;
        }
        if (res != 0)
            return res < 0 ? ERR_EXIT(-res) : 99;
        struct cap_info info;
        bool has = m.cap != CAP_NONE;
        if (has && cap_describe((int)m.cap, &info) != 0)
            return 98;
        uint64_t msg[6] = {0, (uint64_t)m.label, m.w[0], m.w[1], m.w[2], m.w[3]}, reply[6];
        server_answer(&hash, &count, msg, m.badge, has ? &info : NULL, reply);
        r.label = (long)reply[1];
        for (int i = 0; i < IPC_WORDS; i++)
            r.w[i] = reply[2 + i];
        r.cap = has ? m.cap : CAP_NONE;
        if ((uint64_t)m.label == SERVER_DROP_LABEL) { // the caller gets EPIPE
            if (has)
                cap_delete((int)m.cap);
            res = ipc_recv(1, &m);
        } else if (!has) {
            res = ipc_reply_recv(1, &r, &m); // after a send there is no reply right: skipped
        } else {
            ipc_reply(&r); // ESRCH after a send; EMFILE if the caller has no room
            cap_delete((int)m.cap);
            res = ipc_recv(1, &m);
        }
    }
}

// The fuzzer blocked on our object (the one cap_describe numbers `object`)?
static bool fuzzer_waits_on(unsigned long index, unsigned object)
{
    struct task_info t;
    return task_describe((int)index, &t) > 0 && t.object == object &&
           (t.state == TASK_STATE_SENDING || t.state == TASK_STATE_RECEIVING ||
            t.state == TASK_STATE_NOTIFY);
}

static int client(enum peer_kind kind, uint64_t seed, unsigned long index)
{
    uint64_t last = 0, msg[6];
    bool caller = kind == PK_CALLER || kind == PK_FULL_CALLER;
    bool doomer = kind == PK_DOOM_EP || kind == PK_DOOM_NT;
    if (kind == PK_FULL_CALLER)
        while (cap_mint(1, RIGHT_SEND, 0) >= 0)
            ;
    for (uint64_t round = 0;; round++) {
        struct ipc_msg m, reply;
        struct cap_info info;
        client_message(seed, round, last, msg);
        m.label = (long)msg[1];
        for (int i = 0; i < IPC_WORDS; i++)
            m.w[i] = msg[2 + i];
        m.cap = kind == PK_PASSER ? 2 : CAP_NONE;
        int object = -1;
        if (doomer) {
            object = kind == PK_DOOM_EP ? endpoint_create() : notification_create();
            if (object < 0 || cap_describe(object, &info) != 0)
                return 96;
            m.cap = object;
        }
        long r = caller ? ipc_call(1, &m, &reply) : ipc_send(1, &m);
        if (r == -EIDRM || r == -EBADF) { // the inbox is gone: the end
            if (object >= 0)
                cap_delete(object);
            return (int)last;
        }
        if (r != 0) {
            last = r < 0 ? (uint64_t)ERR_EXIT(-r) : 99;
        } else if (caller) {
            uint64_t regs[8] = {
                0,          (uint64_t)reply.label, reply.w[0],         reply.w[1], reply.w[2],
                reply.w[3], reply.badge,           (uint64_t)reply.cap};
            last = reply_fold(regs);
            if (reply.cap != CAP_NONE)
                cap_delete((int)reply.cap); // so that the next lands in the same slot
        } else if (doomer) {
            last = GAVE_UP;
            for (int i = 0; i < DOOM_TRIES && last == GAVE_UP; i++) {
                if (fuzzer_waits_on(index, info.object))
                    last = 0;
                else
                    yield();
            }
        } else {
            last = 0;
        }
        if (object >= 0)
            cap_delete(object); // a doomer's object goes: whoever waits on it, EIDRM
    }
}

// The waiter: what each notify_wait returned goes to the fuzzer as word 3 of a message.  It
// ends (0) when its notification or its inbox goes.
static int waiter(uint64_t seed)
{
    uint64_t msg[6];
    for (uint64_t round = 0;; round++) {
        long word = notify_wait(1);
        if (word < 0)
            return word == -EIDRM || word == -EBADF ? 0 : ERR_EXIT(-word);
        client_message(seed, round, (uint64_t)word, msg);
        struct ipc_msg m;
        m.label = (long)msg[1];
        for (int i = 0; i < IPC_WORDS; i++)
            m.w[i] = msg[2 + i];
        m.cap = CAP_NONE;
        long r = ipc_send(2, &m);
        if (r != 0)
            return r == -EIDRM || r == -EBADF ? 0 : ERR_EXIT(-r);
    }
}

int peer_main(int argc, char **argv)
{
    for (int k = 0; k < NKINDS && argc >= 3; k++) {
        if (strcmp(argv[2], kind_names[k]) != 0)
            continue;
        if (k == PK_SERVER || k == PK_FULL_SERVER)
            return serve(k == PK_FULL_SERVER);
        unsigned long seed, index;
        if (argc != 5 || parse_u64(argv[3], &seed) != 0 || parse_u64(argv[4], &index) != 0)
            return 97;
        if (k == PK_WAITER)
            return waiter(seed);
        return client((enum peer_kind)k, seed, index);
    }
    return 95;
}

// --- the fuzzer's side ----------------------------------------------------------------------

void peers_init(void)
{
    memset(peers, 0, sizeof(peers));
}

static struct peer *peer_of(int pid)
{
    for (int i = 0; i < MAX_PEERS; i++)
        if (peers[i].state != PS_FREE && peers[i].pid == pid)
            return &peers[i];
    return NULL;
}

static bool is_server(const struct peer *p)
{
    return p->kind == PK_SERVER || p->kind == PK_FULL_SERVER;
}

static void settle(struct peer *p, int status)
{
    child_settled(p->pid, status);
    p->state = PS_SETTLED;
    for (int i = 0; i < 2; i++)
        if (servers[i].p == p)
            servers[i].p = NULL;
    if (held_peer == p) {
        held_peer = NULL;
        held = HELD_NONE;
    }
}

// A peer in a state it should not be in: killed, and whatever it ends with is not checked.
static void abandon(struct peer *p, const char *why)
{
    char what[160];
    snprintf(what, sizeof(what), "peer %d (%s) %s", p->pid, kind_names[p->kind], why);
    fail_other(what);
    kill(p->pid, SIGKILL);
    settle(p, SIGKILL);
    child_any_status(p->pid);
}

bool is_inbox(int f)
{
    return f >= FX_IN_SEND && f <= FX_IN_WAIT;
}

static unsigned kernel_id_of(int object)
{
    return object >= 0 ? objects[object].kernel_id : 0;
}

// Waits (yielding) until the peer is in `state` (on `object`, unless 0).
static bool await(struct peer *p, unsigned state, unsigned object)
{
    int index = task_index_of(p->pid);
    struct task_info info;
    for (int i = 0; i < AWAIT_TRIES; i++) {
        memset(&info, 0, sizeof(info));
        int r = task_describe(index, &info);
        if (r != p->pid) {
            abandon(p, "is not in the task slot it should have (task_describe)");
            return false;
        }
        if (info.state == state && (object == 0 || info.object == object))
            return true;
        if (info.state == TASK_STATE_ZOMBIE) {
            abandon(p, "ended before it got where it should wait");
            return false;
        }
        yield();
    }
    abandon(p, "never got where it should wait");
    return false;
}

// A client that has taken its turn: back in its inbox's queue (or, if the inbox is gone,
// about to end with the outcome of this round).
static void requeue(struct peer *p, uint64_t outcome)
{
    p->last = outcome;
    p->round++;
    if (p->inbox_object < 0 || !objects[p->inbox_object].live) {
        settle(p, STATUS((int)outcome));
        return;
    }
    p->state = PS_QUEUED;
    p->seq = next_seq++;
    await(p, TASK_STATE_SENDING, kernel_id_of(p->inbox_object));
}

// Frees the entries of peers that were reaped; reaps settled ones if too many children live.
static struct peer *free_peer(void)
{
    for (int i = 0; i < MAX_PEERS; i++)
        if (peers[i].state == PS_SETTLED && !is_child(peers[i].pid))
            peers[i].state = PS_FREE;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < MAX_PEERS; i++)
            if (peers[i].state == PS_FREE)
                return &peers[i];
        for (int i = 0; i < MAX_PEERS; i++) { // wait4 for a settled one: it ends soon
            if (peers[i].state == PS_SETTLED && child_reapable(peers[i].pid)) {
                helper(CALL_WAIT4, (uint64_t)peers[i].pid, 0, 0);
                peers[i].state = PS_FREE;
                break;
            }
        }
    }
    fail_other("FUZZER: more than MAX_PEERS peers alive");
    return NULL;
}

static struct peer *spawn_peer(enum peer_kind kind, enum fixture where)
{
    struct peer *p = free_peer();
    if (p == NULL)
        return NULL;
    long caps[3] = {SLOT_CONSOLE, 0, CAP_NONE};
    int ncaps = 2;
    memset(p, 0, sizeof(*p));
    p->kind = kind;
    p->inbox = where;
    p->doom_object = -1;
    p->waited_object = -1;
    p->seed = random64();
    if (is_server(p)) {
        caps[1] = fixture_slot(where);
    } else if (kind == PK_WAITER) {
        caps[1] = copy_slot(FX_WAITED_NT, RIGHT_RECV, false);
        p->waited_object = table[caps[1]].object;
        caps[2] = copy_slot(where, RIGHT_SEND, true);
        p->badge = table[caps[2]].badge;
        ncaps = 3;
    } else {
        bool grant = kind == PK_PASSER || kind == PK_DOOM_EP || kind == PK_DOOM_NT;
        caps[1] = copy_slot(where, RIGHT_SEND | (grant ? RIGHT_GRANT : 0), true);
        p->badge = table[caps[1]].badge;
        if (kind == PK_PASSER) {
            caps[2] = copy_slot(FX_NT_PASS, RIGHT_SEND | RIGHT_RECV, true);
            p->pass_rights = table[caps[2]].rights;
            p->pass_badge = table[caps[2]].badge;
            ncaps = 3;
        }
    }
    p->inbox_object = table[caps[kind == PK_WAITER ? 2 : 1]].object;
    char seed[24], index[24];
    snprintf(seed, sizeof(seed), "0x%lx", p->seed);
    snprintf(index, sizeof(index), "%d", my_task_index());
    char *argv[] = {"fuzz", "peer", (char *)kind_names[kind], seed, index, NULL};
    if (is_server(p))
        argv[3] = NULL;
    int pid = spawn_caps("fuzz", argv, caps, ncaps);
    if (pid <= 0) {
        char what[96];
        snprintf(what, sizeof(what), "FUZZER: spawning a peer (%s) failed: %s", kind_names[kind],
                 errno_name(pid));
        fail_other(what);
        return NULL;
    }
    peer_child_started(pid);
    p->pid = pid;
    p->state = PS_SERVING;
    return p;
}

void ensure_server(bool full)
{
    struct server *s = &servers[full];
    enum fixture f = full ? FX_FULL : FX_SERVED;
    fixture_slot(f);
    if (s->p == NULL) {
        s->p = spawn_peer(full ? PK_FULL_SERVER : PK_SERVER, f);
        s->hash = HASH_INIT;
        s->count = 0;
    }
    if (s->p != NULL)
        await(s->p, TASK_STATE_RECEIVING, kernel_id_of(fixture_object(f)));
}

bool server_waiting(bool full)
{
    return servers[full].p != NULL;
}

static void describe_passed(const struct slot *passed, struct cap_info *info)
{
    memset(info, 0, sizeof(*info));
    info->type = objects[passed->object].type;
    info->rights = passed->rights;
    info->badge = passed->badge;
    info->original = 0; // what arrives is a copy
}

void server_expect(bool full, const uint64_t in[8], uint64_t badge, bool pass,
                   const struct slot *passed, uint64_t reply[8], bool drop)
{
    (void)drop;
    struct server *s = &servers[full];
    uint64_t hash = s->hash, count = s->count;
    struct cap_info info;
    if (pass)
        describe_passed(passed, &info);
    server_answer(&hash, &count, in, badge, pass ? &info : NULL, reply);
    reply[6] = 0; // a reply has no badge
    reply[7] = (uint64_t)CAP_NONE;
}

// The server's notification (bound to its endpoint) was signalled while it waited in recv.
static void server_took_notification(bool full, uint64_t word)
{
    server_notified(&servers[full].hash, &servers[full].count, word);
}

void server_took(bool full, const uint64_t in[8], uint64_t badge, const struct slot *passed)
{
    struct server *s = &servers[full];
    uint64_t reply[6];
    struct cap_info info;
    if (passed != NULL)
        describe_passed(passed, &info);
    server_answer(&s->hash, &s->count, in, badge, passed != NULL ? &info : NULL, reply);
}

static enum peer_kind client_kind(enum fixture inbox)
{
    switch (inbox) {
    case FX_IN_SEND:
        return PK_SENDER;
    case FX_IN_PASS:
        return PK_PASSER;
    case FX_IN_HOLD_FULL:
        return PK_FULL_CALLER;
    case FX_IN_DOOM:
        return PK_DOOM_EP;
    case FX_IN_DOOM_NT:
        return PK_DOOM_NT;
    case FX_IN_WAIT:
        return PK_WAITER;
    default:
        return PK_CALLER;
    }
}

struct peer *queue_head(enum fixture inbox)
{
    int o = fixture_object_now(inbox);
    struct peer *head = NULL;
    for (int i = 0; i < MAX_PEERS; i++) {
        struct peer *p = &peers[i];
        if (p->state == PS_QUEUED && p->inbox_object == o && (head == NULL || p->seq < head->seq))
            head = p;
    }
    return o >= 0 ? head : NULL;
}

struct peer *queue_after(const struct peer *after)
{
    struct peer *next = NULL;
    for (int i = 0; i < MAX_PEERS; i++) {
        struct peer *p = &peers[i];
        if (p->state == PS_QUEUED && p->inbox_object == after->inbox_object &&
            p->seq > after->seq && (next == NULL || p->seq < next->seq))
            next = p;
    }
    return next;
}

void ensure_queued(enum fixture inbox)
{
    fixture_slot(inbox);
    if (queue_head(inbox) != NULL)
        return;
    struct peer *p = spawn_peer(client_kind(inbox), inbox);
    if (p == NULL)
        return;
    p->state = PS_QUEUED;
    p->seq = next_seq++;
    await(p, TASK_STATE_SENDING, kernel_id_of(p->inbox_object));
}

int queued_peer_pid(void)
{
    ensure_queued(FX_IN_SEND);
    struct peer *p = queue_head(FX_IN_SEND);
    return p != NULL ? p->pid : 0;
}

void peer_message(const struct peer *p, uint64_t out[8])
{
    client_message(p->seed, p->round, p->last, out);
    out[6] = p->badge;
    out[7] = (uint64_t)CAP_NONE;
}

bool peer_passes(const struct peer *p)
{
    return p->kind == PK_PASSER || p->kind == PK_DOOM_EP || p->kind == PK_DOOM_NT;
}

bool peer_is_caller(const struct peer *p)
{
    return p->kind == PK_CALLER || p->kind == PK_FULL_CALLER;
}

// What the peer passes, as it lands: its object, type, rights and badge.
void peer_pass_info(const struct peer *p, int *object, unsigned *type, unsigned *rights,
                    uint64_t *badge)
{
    if (p->kind == PK_PASSER) {
        *object = fixture_object_now(FX_NT_PASS);
        *type = CAP_NOTIFICATION;
        *rights = p->pass_rights;
        *badge = p->pass_badge;
    } else { // a doomer's own object, new each round: its original has every right, no badge
        *object = -1;
        *type = p->kind == PK_DOOM_EP ? CAP_ENDPOINT : CAP_NOTIFICATION;
        *rights = RIGHTS_SRG;
        *badge = 0;
    }
}

int peer_new_doom_object(struct peer *p)
{
    p->doom_object =
        new_object(p->kind == PK_DOOM_EP ? CAP_ENDPOINT : CAP_NOTIFICATION, -1, p->pid);
    return p->doom_object;
}

enum held held_state(void)
{
    return (enum held)held;
}

bool held_lost_told(void)
{
    return held == HELD_LOST_TOLD;
}

int held_peer_pid(void)
{
    return held_peer != NULL ? held_peer->pid : 0;
}

// The fuzzer received `p`'s message.
void peer_taken(struct peer *p, bool as_caller)
{
    if (as_caller) {
        p->state = PS_HELD;
        held_peer = p;
        held = p->kind == PK_FULL_CALLER ? HELD_FULL : HELD_LIVE;
    } else if (p->kind == PK_DOOM_EP || p->kind == PK_DOOM_NT) {
        p->state = PS_DOOMING; // its round ends once it has destroyed its object
    } else if (p->kind == PK_WAITER) {
        p->round++;
        p->state = PS_WAITING; // back to notify_wait
        if (p->waited_object < 0 || !objects[p->waited_object].live)
            settle(p, STATUS(0));
        else
            await(p, TASK_STATE_NOTIFY, kernel_id_of(p->waited_object));
    } else {
        requeue(p, 0);
    }
}

void peer_failed_delivery(struct peer *p, long err)
{
    requeue(p, (uint64_t)ERR_EXIT(-err));
}

void held_dropped(void)
{
    if (held == HELD_LIVE || held == HELD_FULL) {
        struct peer *p = held_peer;
        held_peer = NULL;
        held = HELD_NONE;
        requeue(p, (uint64_t)ERR_EXIT(EPIPE));
    }
}

// A receive (recv, nbrecv) while the caller of our right was killed: the kernel forgets the
// loss (endpoint_recv: "a caller lost before this receive is no later reply's"), so no
// later reply_recv reports IPC_REPLY_LOST for it.
void held_loss_forgotten(void)
{
    if (held == HELD_LOST || held == HELD_LOST_TOLD) {
        held = HELD_NONE;
        held_peer = NULL;
    }
}

// A reply reached (result 0) or failed to reach (EMFILE) a caller.
static void replied(struct peer *p, const uint64_t reply[8], long result, bool passed)
{
    if (result != 0) {
        requeue(p, (uint64_t)ERR_EXIT(-result));
        return;
    }
    uint64_t regs[8];
    for (int i = 1; i <= 5; i++)
        regs[i] = reply[i];
    regs[6] = 0;
    regs[7] = passed ? 2 : (uint64_t)CAP_NONE; // its slots 0 and 1 are taken
    requeue(p, reply_fold(regs));
}

void held_replied(const uint64_t reply[8], long result, bool passed)
{
    struct peer *p = held_peer;
    held_peer = NULL;
    held = HELD_NONE;
    if (p != NULL)
        replied(p, reply, result, passed);
}

void held_saved(int slot)
{
    if (held_peer != NULL) {
        held_peer->state = PS_SAVED;
        objects[table[slot].object].caller = held_peer->pid;
    }
    held_peer = NULL;
    held = HELD_NONE;
}

void held_told(void)
{
    if (held == HELD_LOST)
        held = HELD_LOST_TOLD;
}

void held_lost_reported(void)
{
    held = HELD_NONE;
}

void saved_replied(int pid, const uint64_t reply[8], long result, bool passed)
{
    struct peer *p = peer_of(pid);
    if (p != NULL && p->state == PS_SAVED)
        replied(p, reply, result, passed);
}

void saved_dropped(int pid)
{
    struct peer *p = peer_of(pid);
    if (p != NULL && p->state == PS_SAVED)
        requeue(p, (uint64_t)ERR_EXIT(EPIPE));
}

bool saved_full(int pid)
{
    struct peer *p = peer_of(pid);
    return p != NULL && p->kind == PK_FULL_CALLER;
}

void peer_killed(int pid)
{
    struct peer *p = peer_of(pid);
    if (p == NULL || p->state == PS_SETTLED) {
        child_killed(pid); // a `true`, or a peer that may have ended already
        return;
    }
    switch (p->state) {
    case PS_HELD:
        settle(p, SIGKILL);
        held = HELD_LOST;
        return;
    case PS_SAVED: // the CAP_REPLY stays, with no rights: a send on it gets ESRCH
        for (int i = 0; i < MAX_OBJECTS; i++) {
            if (objects[i].live && objects[i].type == CAP_REPLY && objects[i].caller == pid) {
                objects[i].caller = 0;
                for (int s = 0; s < CAP_SLOTS; s++)
                    if (table[s].object == i)
                        table[s].rights = 0;
            }
        }
        break;
    case PS_DOOMING:
        destroy_object(p->doom_object); // its original goes with it, and our copy
        break;
    default:
        break;
    }
    settle(p, SIGKILL);
}

// An object destroyed: the peers it was the inbox of (or that served it) end.
void peers_object_destroyed(int o)
{
    for (int i = 0; i < MAX_PEERS; i++) {
        struct peer *p = &peers[i];
        if (p->kind == PK_WAITER && (p->waited_object == o || p->inbox_object == o)) {
            if (p->state == PS_QUEUED || (p->state == PS_WAITING && p->waited_object == o))
                settle(p, STATUS(0)); // EIDRM in send or in notify_wait: it ends, 0
            continue;
        }
        if (p->inbox_object != o)
            continue;
        if (is_server(p) && p->state == PS_SERVING)
            settle(p, STATUS(0)); // its recv: EIDRM (or EBADF, between two): exit 0
        else if (p->state == PS_QUEUED)
            settle(p, STATUS((int)p->last)); // EIDRM: it ends with its last round's outcome
    }
}

void doomed_done(int object)
{
    for (int i = 0; i < MAX_PEERS; i++)
        if (peers[i].state == PS_DOOMING && peers[i].doom_object == object) {
            peers[i].doom_object = -1;
            requeue(&peers[i], 0);
        }
}

int peer_state_of(int pid, unsigned *object)
{
    struct peer *p = peer_of(pid);
    *object = 0;
    if (p == NULL)
        return 0;
    switch (p->state) {
    case PS_QUEUED:
        *object = kernel_id_of(p->inbox_object);
        return TASK_STATE_SENDING;
    case PS_WAITING:
        *object = kernel_id_of(p->waited_object);
        return TASK_STATE_NOTIFY;
    case PS_HELD:
    case PS_SAVED: // waiting for its reply: the endpoint its call went through
        *object = kernel_id_of(p->inbox_object);
        return TASK_STATE_REPLY;
    default:
        return 0;
    }
}

void ensure_waiter(void)
{
    int nt = fixture_object(FX_WAITED_NT), inbox = fixture_object(FX_IN_WAIT);
    for (int i = 0; i < MAX_PEERS; i++) {
        struct peer *p = &peers[i];
        if (p->kind == PK_WAITER && p->state == PS_WAITING && p->waited_object == nt &&
            p->inbox_object == inbox)
            return;
    }
    struct peer *p = spawn_peer(PK_WAITER, FX_IN_WAIT);
    if (p == NULL)
        return;
    p->state = PS_WAITING;
    await(p, TASK_STATE_NOTIFY, kernel_id_of(nt));
}

void peers_signalled(int o)
{
    int bound = objects[o].bound;
    if (bound >= 0 && objects[bound].fixture == FX_SERVED && servers[0].p != NULL &&
        servers[0].p->inbox_object == bound) { // ensure_server saw it waiting in recv
        server_took_notification(false, objects[o].word);
        objects[o].word = 0;
        return;
    }
    for (int i = 0; i < MAX_PEERS; i++) {
        struct peer *p = &peers[i];
        if (p->kind != PK_WAITER || p->state != PS_WAITING || p->waited_object != o)
            continue;
        p->last = objects[o].word; // it wakes with the word, and the word is 0 again
        objects[o].word = 0;
        if (p->inbox_object < 0 || !objects[p->inbox_object].live) {
            settle(p, STATUS(0));
            return;
        }
        p->state = PS_QUEUED;
        p->seq = next_seq++;
        if (!await(p, TASK_STATE_SENDING, kernel_id_of(p->inbox_object)))
            return;
        // Nothing is left in the word (it went to the waiter), and the waiter says what it got.
        helper(CALL_NOTIFY_POLL, (uint64_t)fixture_slot(FX_WAITED_NT), 0, 0);
        helper(CALL_IPC_NBRECV, (uint64_t)fixture_slot(FX_IN_WAIT), 0, 0);
        return;
    }
}

static void take_caller(bool full)
{
    enum fixture inbox = full ? FX_IN_HOLD_FULL : FX_IN_HOLD;
    ensure_queued(inbox);
    if (queue_head(inbox) != NULL)
        helper(CALL_IPC_NBRECV, (uint64_t)fixture_slot(inbox), 0, 0);
}

void ensure_held(enum held h)
{
    switch (h) {
    case HELD_NONE:
        if (held == HELD_LIVE || held == HELD_FULL || held == HELD_LOST)
            helper(CALL_IPC_REPLY, random64(), random64(), random64());
        break;
    case HELD_LIVE:
    case HELD_FULL:
        if (held != (int)h)
            take_caller(h == HELD_FULL);
        break;
    default: // HELD_LOST
        if (held == HELD_LOST)
            break;
        if (held != HELD_LIVE && held != HELD_FULL)
            take_caller(false);
        if (held_peer != NULL)
            helper(CALL_KILL, (uint64_t)held_peer->pid, SIGKILL, 0);
    }
}

int ensure_saved_reply(bool full, bool dead)
{
    for (int s = 1; s < CAP_SLOTS; s++) {
        int o = table[s].object;
        if (o < 0 || objects[o].type != CAP_REPLY || table[s].role != ROLE_SCRATCH)
            continue;
        int caller = objects[o].caller;
        if (dead ? caller == 0 : caller > 0 && saved_full(caller) == full)
            return caps_pin(s);
    }
    ensure_held(full ? HELD_FULL : HELD_LIVE);
    int caller = held_peer_pid();
    long s = helper(CALL_IPC_SAVE_REPLY, 0, 0, 0);
    if (s < 0 || s >= CAP_SLOTS) {
        fail_other("FUZZER: could not save a reply right");
        return 0;
    }
    if (dead)
        helper(CALL_KILL, (uint64_t)caller, SIGKILL, 0);
    return caps_pin((int)s);
}

int saved_peer_pid(void)
{
    int s = ensure_saved_reply(false, false);
    return objects[table[s].object].caller;
}

int ensure_doomed(unsigned type)
{
    enum fixture inbox = type == CAP_ENDPOINT ? FX_IN_DOOM : FX_IN_DOOM_NT;
    ensure_queued(inbox);
    struct peer *p = queue_head(inbox);
    if (p == NULL)
        return 0;
    helper(CALL_IPC_NBRECV, (uint64_t)fixture_slot(inbox), 0, 0);
    for (int s = 0; s < CAP_SLOTS; s++)
        if (p->doom_object >= 0 && table[s].object == p->doom_object)
            return caps_pin(s);
    fail_other("FUZZER: no copy of the doomed object arrived");
    return 0;
}

// Before the end: the reply right held is answered.  The servers and the clients end when
// caps_teardown deletes their endpoints (and the reply capabilities their callers wait on).
void peers_teardown(void)
{
    if (held == HELD_LIVE || held == HELD_FULL)
        helper(CALL_IPC_REPLY, random64(), random64(), random64());
}

// After caps_teardown: anything still not settled is a failure (and is killed).  After an
// earlier failure the fuzzer no longer knows where its peers are: all are killed quietly,
// so that reaping them cannot wait for ever.
void peers_check_settled(void)
{
    for (int i = 0; i < MAX_PEERS; i++) {
        struct peer *p = &peers[i];
        if (p->state == PS_FREE || !is_child(p->pid) ||
            (p->state == PS_SETTLED && !caps_degraded()))
            continue;
        if (caps_degraded()) { // after a failure: where each peer is may be wrong
            kill(p->pid, SIGKILL);
            settle(p, SIGKILL);
            child_any_status(p->pid);
        } else {
            abandon(p, "was still waiting at the end");
        }
    }
}

// Objects peers have made that the fuzzer does not know of yet: a doomer queued with the next
// one it will send.
int peers_objects_in_flight(void)
{
    int n = 0;
    for (int i = 0; i < MAX_PEERS; i++)
        n += (peers[i].kind == PK_DOOM_EP || peers[i].kind == PK_DOOM_NT) &&
             peers[i].state == PS_QUEUED;
    return n;
}
#endif
