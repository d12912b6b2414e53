// oracle5.c — what docs/syscalls.md ("Capabilities and IPC") says each lab-5 call returns,
// worked out from its arguments and from the fuzzer's table (caps.c) and peers (peers.c); and
// what the call changed, as its result says (apply5), so that the next prediction starts
// from the truth.
//
// The rules, from the reference (kernel/ipc/ is never consulted): a slot is the whole 64-bit
// register, and must be 0..63 and in use (EBADF), hold the type the call needs (EINVAL) with
// the rights it needs (EPERM); int arguments (kill's pid and sig, spawn's ncaps) are the low
// 32 bits; when several errors apply, any of them may come.  A call that fails has no effect
// and changes no register but x0; a receive that succeeds fills x1..x7 with exactly what the
// sender sent (or the notification's word), and a call's reply with exactly what the server
// answered.
#if LAB >= 5
#include "fuzz.h"

static int my_pid;
static unsigned long total_frames;
static struct task_info others[64]; // what task_describe said at the start

// What predict5 found, for check_what_it_wrote5 and apply5 (they come right after it, for
// the same call, with the tables unchanged in between).
static struct plan {
    bool lookup_ok;         // the slot (and pass) checks pass: the call does something
    const struct slot *via; // the slot it names, if in use
    int via_slot;
    const struct slot *passed; // the capability it passes (a copy travels)
    struct slot passed_copy;   // ... as it was before the call
    // A slot the call fills: its number, and what it must hold.
    int new_slot;
    int new_object; // an object index, or -1: a new object of new_type
    unsigned new_type, new_rights;
    uint64_t new_badge;
    bool new_original;
    unsigned learned_id; // check_what_it_wrote5: the kernel's number for a new object
    // Messages.
    int server;        // -1, or 0 (the server) / 1 (the full server) the message reaches
    bool delivered;    // it reaches the server
    uint64_t msg[8];   // x1..x5 sent
    uint64_t badge;    // of the capability it goes through
    struct peer *from; // a receive: the peer whose message it takes
    struct peer *emfile[8];
    int nemfile;      // passers woken with EMFILE first (no free slot)
    bool notified;    // a receive: the bound notification's word instead
    int notification; // its object
    bool drops_held;  // recv with a reply right held: its caller gets EPIPE
    bool reply_half;  // reply_recv: the held (or lost) right is used
    bool doomed;      // the doomed object goes: EIDRM
    int doomed_object;
} plan;

void oracle5_init(void)
{
    struct sysinfo info;
    my_pid = getpid();
    total_frames = sysinfo(&info) == 0 ? info.totalram : 0;
    for (int i = 0; i < 64; i++)
        if (task_at(i) != 0)
            task_describe(i, &others[i]);
}

// --- the common checks ------------------------------------------------------------------------

static const struct slot *slot_of(uint64_t s)
{
    return s < CAP_SLOTS && table[s].object >= 0 ? &table[s] : NULL;
}

static unsigned type_of(const struct slot *t)
{
    return objects[t->object].type;
}

// cap_lookup's rules: the slot's errors, or the slot.
static const struct slot *lookup(struct expected *e, uint64_t s, unsigned type, unsigned rights)
{
    const struct slot *t = slot_of(s);
    if (t == NULL) {
        expect_error(e, EBADF);
        return NULL;
    }
    bool has_rights = (t->rights & rights) == rights;
    if (type_of(t) != type) {
        expect_error(e, EINVAL);
        if (!has_rights)
            expect_error(e, EPERM); // it lacks the right too: either may be said
        return NULL;
    }
    if (!has_rights) {
        expect_error(e, EPERM);
        return NULL;
    }
    return t;
}

// x6 of a message: CAP_NONE, or a slot whose capability travels.  Through an endpoint
// (`via`) that needs RIGHT_GRANT; a reply needs none.
static const struct slot *check_pass(struct expected *e, uint64_t pass, const struct slot *via,
                                     bool reply)
{
    if ((int64_t)pass == CAP_NONE)
        return NULL;
    if (!reply && via != NULL && !(via->rights & RIGHT_GRANT))
        expect_error(e, EPERM);
    const struct slot *t = slot_of(pass);
    if (t == NULL) {
        expect_error(e, EBADF);
        return NULL;
    }
    if (type_of(t) == CAP_REPLY) {
        expect_error(e, EINVAL);
        return NULL;
    }
    return t;
}

static void expect_new_slot(struct expected *e, int object, unsigned type, unsigned rights,
                            uint64_t badge, bool original)
{
    plan.new_slot = lowest_free_slot();
    plan.new_object = object;
    plan.new_type = type;
    plan.new_rights = rights;
    plan.new_badge = badge;
    plan.new_original = original;
    e->value = plan.new_slot;
}

static void expect_message(struct expected *e, long result, const uint64_t regs[8])
{
    e->value = result;
    e->out_known = 0xfe; // x1..x7
    for (int r = 1; r <= 7; r++)
        e->out[r] = regs[r];
}

// --- the calls --------------------------------------------------------------------------------

static void predict_kill(const struct call *c, struct expected *e)
{
    int pid = (int)c->arg[0], sig = (int)c->arg[1]; // ints: the low 32 bits
    if (sig != 0 && sig != SIGKILL)
        expect_error(e, EINVAL);
    if (pid <= 0)
        expect_error(e, EINVAL);
    else if (task_index_of(pid) < 0 && pid != my_pid)
        expect_error(e, ESRCH);
    else if (pid == 1 && sig == SIGKILL)
        expect_error(e, EPERM);
    e->value = 0;
    if (e->nerrors == 0 && sig == SIGKILL && !is_child(pid))
        e->verdict = UNSAFE; // only ever our own children
}

static void predict_create(const struct call *c, struct expected *e)
{
    if (lowest_free_slot() < 0) {
        expect_error(e, EMFILE);
        return;
    }
    expect_new_slot(e, -1, c->kind == CALL_ENDPOINT_CREATE ? CAP_ENDPOINT : CAP_NOTIFICATION,
                    RIGHTS_SRG, 0, true);
}

static void predict_mint(const struct call *c, struct expected *e)
{
    const struct slot *src = slot_of(c->arg[0]);
    uint64_t rights = c->arg[1], badge = c->arg[2];
    if (src == NULL)
        expect_error(e, EBADF);
    if ((rights & ~(uint64_t)RIGHTS_ALL) != 0 || (badge >> 63) != 0)
        expect_error(e, EINVAL);
    if (src != NULL) {
        unsigned type = type_of(src);
        if (type == CAP_REPLY)
            expect_error(e, EINVAL); // one-shot: no copies
        if ((rights & ~(uint64_t)src->rights) != 0)
            expect_error(e, EPERM); // never more rights than the source
        if (badge != 0 && type != CAP_ENDPOINT && type != CAP_NOTIFICATION)
            expect_error(e, EINVAL);
        else if (badge != 0 && src->badge != 0)
            expect_error(e, EPERM); // never a new badge over an old one
    }
    if (lowest_free_slot() < 0)
        expect_error(e, EMFILE);
    if (e->nerrors == 0)
        expect_new_slot(e, src->object, type_of(src), (unsigned)rights,
                        badge != 0 ? badge : src->badge, false);
}

static void predict_delete(const struct call *c, struct expected *e)
{
    const struct slot *t = slot_of(c->arg[0]);
    if (t == NULL)
        expect_error(e, EBADF);
    else if (t->role == ROLE_INHERITED)
        e->verdict = UNSAFE; // the console: never
    e->value = 0;
}

static void predict_describe(const struct call *c, struct expected *e)
{
    if (c->arg[0] >= CAP_SLOTS)
        expect_error(e, EBADF);
    if (!user_may_access(c->arg[1], sizeof(struct cap_info), true))
        expect_error(e, EFAULT);
    e->value = 0;
}

// Who receives on endpoint object `o`: 0 the server, 1 the full server, -1 nobody of ours.
static int server_of(int o)
{
    int f = objects[o].fixture;
    return f == FX_SERVED ? 0 : f == FX_FULL ? 1 : -1;
}

static void predict_send(const struct call *c, struct expected *e, bool call, bool block)
{
    const struct slot *t = slot_of(c->arg[0]);
    for (int i = 1; i <= 5; i++)
        plan.msg[i] = c->arg[i];
    e->value = 0;
    if (!call && block && t != NULL && type_of(t) == CAP_REPLY) { // answers a saved call
        plan.passed = check_pass(e, c->x6, NULL, true);
        if (e->nerrors > 0)
            return;
        plan.lookup_ok = true;
        int caller = objects[t->object].caller;
        if (caller == 0)
            expect_error(e, ESRCH);
        else if (plan.passed != NULL && saved_full(caller))
            expect_error(e, EMFILE);
        return;
    }
    plan.via = lookup(e, c->arg[0], CAP_ENDPOINT, RIGHT_SEND);
    plan.passed = check_pass(e, c->x6, plan.via, false);
    if (e->nerrors > 0)
        return;
    plan.lookup_ok = true;
    plan.badge = plan.via->badge;
    int o = plan.via->object;
    plan.server = server_of(o);
    if (objects[o].owner_peer > 0) { // a doomed endpoint: nobody receives; it goes
        if (block) {
            plan.doomed = true;
            plan.doomed_object = o;
            expect_error(e, EIDRM);
        } else {
            expect_error(e, EAGAIN);
        }
        return;
    }
    if (plan.server < 0 || !server_waiting(plan.server == 1) || (caps_degraded() && block)) {
        if (block)
            e->verdict = WOULD_BLOCK;
        else
            expect_error(e, EAGAIN);
        return;
    }
    if (plan.passed != NULL && plan.server == 1) {
        expect_error(e, EMFILE); // the full server has no slot for it: not delivered
        return;
    }
    plan.delivered = true;
    if (!call)
        return;
    if (plan.msg[1] == SERVER_DROP_LABEL) {
        expect_error(e, EPIPE); // the server receives again without replying
        return;
    }
    if (plan.passed != NULL && lowest_free_slot() < 0) {
        expect_error(e, EMFILE); // the capability comes back with the reply: no room
        return;
    }
    uint64_t reply[8];
    server_expect(plan.server == 1, plan.msg, plan.badge, plan.passed != NULL, plan.passed, reply,
                  false);
    if (plan.passed != NULL) {
        expect_new_slot(e, plan.passed->object, type_of(plan.passed), plan.passed->rights,
                        plan.passed->badge, false);
        reply[7] = (uint64_t)plan.new_slot;
    }
    expect_message(e, 0, reply);
}

// The receive half: what `o` holds for us now.
static void predict_receive(struct expected *e, int o, bool block, long flags, bool either_lost)
{
    uint64_t regs[8] = {0};
    int bound = objects[o].bound;
    if (bound >= 0 && objects[bound].word != 0) {
        plan.notified = true;
        plan.notification = bound;
        regs[6] = objects[bound].word;
        regs[7] = (uint64_t)CAP_NONE;
        expect_message(e, IPC_NOTIFIED | flags, regs);
    } else {
        int f = objects[o].fixture;
        struct peer *p = is_inbox(f) ? queue_head((enum fixture)f) : NULL;
        while (p != NULL && peer_passes(p) && lowest_free_slot() < 0) {
            if (plan.nemfile < 8)
                plan.emfile[plan.nemfile++] = p; // it gets EMFILE; the receive goes on
            p = queue_after(p);
        }
        if (p == NULL) {
            if (objects[o].owner_peer > 0 && block) {
                plan.doomed = true;
                plan.doomed_object = o;
                expect_error(e, EIDRM);
            } else if (block) {
                e->verdict = WOULD_BLOCK;
            } else {
                expect_error(e, EAGAIN);
            }
            return;
        }
        plan.from = p;
        peer_message(p, regs);
        if (peer_passes(p)) {
            int object;
            unsigned type, rights;
            uint64_t badge;
            peer_pass_info(p, &object, &type, &rights, &badge);
            expect_new_slot(e, object, type, rights, badge, false);
            regs[7] = (uint64_t)plan.new_slot;
        }
        expect_message(e, flags, regs);
    }
    if (either_lost) { // lost, and told so by ipc_reply: reply_recv may say so again or not
        e->value_alt = e->value ^ IPC_REPLY_LOST;
        e->has_alt = true;
    }
}

static void predict_recv(const struct call *c, struct expected *e, bool block)
{
    plan.via = lookup(e, c->arg[0], CAP_ENDPOINT, RIGHT_RECV);
    if (plan.via == NULL)
        return;
    plan.lookup_ok = true;
    enum held h = held_state();
    plan.drops_held = h == HELD_LIVE || h == HELD_FULL;
    if (caps_degraded() && block) {
        e->verdict = WOULD_BLOCK;
        return;
    }
    predict_receive(e, plan.via->object, block, 0, false);
}

static void predict_reply(const struct call *c, struct expected *e)
{
    plan.passed = check_pass(e, c->x6, NULL, true);
    if (e->nerrors > 0)
        return;
    plan.lookup_ok = true;
    for (int i = 1; i <= 5; i++)
        plan.msg[i] = c->arg[i];
    enum held h = held_state();
    if (h == HELD_LIVE)
        e->value = 0;
    else if (h == HELD_FULL && plan.passed != NULL)
        expect_error(e, EMFILE); // the right is used up all the same
    else if (h == HELD_FULL)
        e->value = 0;
    else
        expect_error(e, ESRCH);
}

static void predict_reply_recv(const struct call *c, struct expected *e)
{
    plan.via = lookup(e, c->arg[0], CAP_ENDPOINT, RIGHT_RECV);
    plan.passed = check_pass(e, c->x6, NULL, true);
    if (e->nerrors > 0)
        return;
    plan.lookup_ok = true;
    plan.reply_half = true;
    for (int i = 1; i <= 5; i++)
        plan.msg[i] = c->arg[i];
    enum held h = held_state();
    long flags = h == HELD_LOST ? IPC_REPLY_LOST : 0;
    if (caps_degraded()) {
        e->verdict = WOULD_BLOCK;
        return;
    }
    predict_receive(e, plan.via->object, true, flags, held_lost_told());
}

static void predict_save_reply(struct expected *e)
{
    enum held h = held_state();
    bool held = h == HELD_LIVE || h == HELD_FULL;
    if (!held)
        expect_error(e, ESRCH);
    if (lowest_free_slot() < 0)
        expect_error(e, EMFILE);
    if (e->nerrors == 0)
        expect_new_slot(e, -1, CAP_REPLY, RIGHT_SEND, 0, true);
}

static void predict_notify(const struct call *c, struct expected *e)
{
    bool signal = c->kind == CALL_NOTIFY_SIGNAL;
    plan.via = lookup(e, c->arg[0], CAP_NOTIFICATION, signal ? RIGHT_SEND : RIGHT_RECV);
    if (plan.via == NULL)
        return;
    int o = plan.via->object;
    plan.lookup_ok = true;
    if (signal) {
        if (plan.via->badge == 0)
            expect_error(e, EINVAL); // it would OR in nothing
        e->value = 0;
        return;
    }
    e->value = (long)objects[o].word;
    if (c->kind == CALL_NOTIFY_WAIT && caps_degraded()) {
        e->verdict = WOULD_BLOCK; // the word may not be what we think any more
    } else if (c->kind == CALL_NOTIFY_WAIT && objects[o].word == 0) {
        if (objects[o].owner_peer > 0 && !caps_degraded()) {
            plan.doomed = true;
            plan.doomed_object = o;
            expect_error(e, EIDRM);
        } else {
            e->verdict = WOULD_BLOCK;
        }
    }
}

static void predict_bind(const struct call *c, struct expected *e)
{
    const struct slot *n = lookup(e, c->arg[0], CAP_NOTIFICATION, RIGHT_RECV);
    const struct slot *p = lookup(e, c->arg[1], CAP_ENDPOINT, RIGHT_RECV);
    if (n != NULL && p != NULL && (objects[n->object].bound >= 0 || objects[p->object].bound >= 0))
        expect_error(e, EBUSY);
    plan.lookup_ok = n != NULL && p != NULL;
    e->value = 0;
}

// The fuzzer has no IRQ line and no device memory: the lookups always fail.  Should one
// succeed, nothing is bound, acked or mapped here.
static void predict_irq_devmem(const struct call *c, struct expected *e)
{
    const struct slot *t;
    if (c->kind == CALL_DEVMEM_MAP) {
        t = lookup(e, c->arg[0], CAP_DEVMEM, RIGHT_MAP_READ);
    } else {
        t = lookup(e, c->arg[0], CAP_IRQ, RIGHT_RECV);
        if (c->kind == CALL_IRQ_BIND) {
            const struct slot *n = lookup(e, c->arg[1], CAP_NOTIFICATION, RIGHT_SEND);
            if (n != NULL && n->badge == 0)
                expect_error(e, EINVAL);
        }
    }
    if (t != NULL)
        e->verdict = UNSAFE;
    e->value = 0;
}

static void predict_task_describe(const struct call *c, struct expected *e)
{
    int64_t index = (int64_t)c->arg[0];
    if (index < 0 || index >= 64) {
        expect_error(e, EINVAL);
    } else if (index == 0 || task_at((int)index) == 0) {
        expect_error(e, ESRCH);
    }
    if (!user_may_access(c->arg[1], sizeof(struct task_info), true))
        expect_error(e, EFAULT);
    e->value = index >= 0 && index < 64 ? task_at((int)index) : 0;
}

static void predict_keel_stats(const struct call *c, struct expected *e)
{
    if (!user_may_access(c->arg[0], sizeof(struct keel_stats), true))
        expect_error(e, EFAULT);
    e->value = 0;
}

// spawn_caps's list (spawn's path and argv are oracle.c's): ncaps is an int, compared as an
// unsigned number with SPAWN_MAX_CAPS.
static void predict_cap_list(const struct call *c, struct expected *e)
{
    uint64_t list = c->arg[2];
    uint32_t n = (uint32_t)c->arg[3];
    if (list == 0)
        return; // the child gets a copy of our slot 0
    if (n > SPAWN_MAX_CAPS) {
        expect_error(e, EINVAL);
        return;
    }
    if (!user_may_access(list, 8UL * n, false)) {
        expect_error(e, EFAULT);
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        int64_t s;
        memcpy(&s, (const void *)(list + 8 * i), sizeof(s));
        if (s == CAP_NONE)
            continue;
        const struct slot *t = slot_of((uint64_t)s);
        if (t == NULL)
            expect_error(e, EBADF);
        else if (type_of(t) == CAP_REPLY)
            expect_error(e, EINVAL);
    }
}

void predict5(const struct call *c, struct expected *e)
{
    memset(&plan, 0, sizeof(plan));
    plan.new_slot = -1;
    plan.server = -1;
    switch (c->kind) {
    case CALL_KILL:
        predict_kill(c, e);
        break;
    case CALL_ENDPOINT_CREATE:
    case CALL_NOTIFICATION_CREATE:
        predict_create(c, e);
        break;
    case CALL_CAP_MINT:
        predict_mint(c, e);
        break;
    case CALL_CAP_DELETE:
        predict_delete(c, e);
        break;
    case CALL_CAP_DESCRIBE:
        predict_describe(c, e);
        break;
    case CALL_IPC_SEND:
    case CALL_IPC_CALL:
    case CALL_IPC_NBSEND:
        predict_send(c, e, c->kind == CALL_IPC_CALL, c->kind != CALL_IPC_NBSEND);
        break;
    case CALL_IPC_RECV:
    case CALL_IPC_NBRECV:
        predict_recv(c, e, c->kind == CALL_IPC_RECV);
        break;
    case CALL_IPC_REPLY:
        predict_reply(c, e);
        break;
    case CALL_IPC_REPLY_RECV:
        predict_reply_recv(c, e);
        break;
    case CALL_IPC_SAVE_REPLY:
        predict_save_reply(e);
        break;
    case CALL_NOTIFY_SIGNAL:
    case CALL_NOTIFY_WAIT:
    case CALL_NOTIFY_POLL:
        predict_notify(c, e);
        break;
    case CALL_NOTIFY_BIND:
        predict_bind(c, e);
        break;
    case CALL_IRQ_BIND:
    case CALL_IRQ_ACK:
    case CALL_DEVMEM_MAP:
        predict_irq_devmem(c, e);
        break;
    case CALL_TASK_DESCRIBE:
        predict_task_describe(c, e);
        break;
    case CALL_KEEL_STATS:
        predict_keel_stats(c, e);
        break;
    case CALL_SPAWN_CAPS:
        predict_cap_list(c, e);
        break;
    default:
        break;
    }
}

// --- what it wrote ------------------------------------------------------------------------------

static char what[256];

static const char *check_new_slot(int s)
{
    struct cap_info info;
    memset(&info, 0xa5, sizeof(info));
    if (s < 0 || s >= CAP_SLOTS || cap_describe(s, &info) != 0) {
        snprintf(what, sizeof(what), "cap_describe of the new slot %d failed", s);
        return what;
    }
    unsigned id = plan.new_object >= 0 ? objects[plan.new_object].kernel_id : 0;
    if (info.type != plan.new_type || info.rights != plan.new_rights ||
        info.badge != plan.new_badge || info.original != (unsigned)plan.new_original ||
        (id != 0 && info.object != id)) {
        snprintf(what, sizeof(what),
                 "slot %d then holds {type %u, rights 0x%x, badge 0x%lx, object %u, original "
                 "%u}, expected {type %u, rights 0x%x, badge 0x%lx, object %u, original %d}",
                 s, info.type, info.rights, info.badge, info.object, info.original, plan.new_type,
                 plan.new_rights, plan.new_badge, id, plan.new_original);
        return what;
    }
    if (plan.new_object < 0 || id == 0) { // a new object: a number no live object has
        for (int i = 0; i < MAX_OBJECTS; i++) {
            if (objects[i].live && objects[i].kernel_id == info.object && i != plan.new_object) {
                snprintf(what, sizeof(what),
                         "slot %d then holds object number %u, which another live object has", s,
                         info.object);
                return what;
            }
        }
        plan.learned_id = info.object;
    }
    return NULL;
}

static const char *check_cap_info(uint64_t s, const struct cap_info *info)
{
    const struct slot *t = slot_of(s);
    const struct object *o = t != NULL ? &objects[t->object] : NULL;
    bool ok = o == NULL ? info->type == 0 && info->rights == 0 && info->badge == 0 &&
                              info->object == 0 && info->original == 0
                        : info->type == o->type && info->rights == t->rights &&
                              info->badge == t->badge && info->original == (unsigned)t->original &&
                              (o->kernel_id == 0 || info->object == o->kernel_id);
    if (ok)
        return NULL;
    snprintf(what, sizeof(what),
             "cap_describe wrote {type %u, rights 0x%x, badge 0x%lx, object %u, original %u}, "
             "expected {type %u, rights 0x%x, badge 0x%lx, object %u, original %d}",
             info->type, info->rights, info->badge, info->object, info->original, o ? o->type : 0,
             t ? t->rights : 0, t ? t->badge : 0, o ? o->kernel_id : 0, t ? t->original : 0);
    return what;
}

static const char *check_task_info(int index, const struct task_info *info)
{
    int pid = task_at(index);
    char name[17];
    memcpy(name, info->name, 16);
    name[16] = '\0';
    const char *want_name = pid == my_pid ? "fuzz" : is_child(pid) ? NULL : others[index].name;
    unsigned object, state = (unsigned)peer_state_of(pid, &object);
    if (pid == my_pid) {
        state = TASK_STATE_RUNNING;
        object = 0;
    }
    int parent = pid == my_pid ? getppid() : is_child(pid) ? my_pid : others[index].parent;
    bool name_ok = want_name != NULL ? strncmp(name, want_name, 16) == 0
                                     : strcmp(name, "true") == 0 || strcmp(name, "fuzz") == 0;
    if (info->pid != pid || info->parent != parent || !name_ok ||
        (state != 0 && (info->state != state || info->object != object)) ||
        (pid == my_pid && info->caps != (unsigned)used_slot_count())) {
        snprintf(what, sizeof(what),
                 "task_describe(%d) wrote {pid %d, parent %d, state %u, object %u, caps %u, "
                 "name \"%s\"}, expected {pid %d, parent %d, state %u, object %u, caps %d}",
                 index, info->pid, info->parent, info->state, info->object, info->caps, name, pid,
                 parent, state, object, pid == my_pid ? used_slot_count() : -1);
        return what;
    }
    return NULL;
}

static const char *check_stats(const struct keel_stats *s)
{
    int tasks = 0;
    for (int i = 1; i < 64; i++)
        tasks += task_at(i) != 0;
    unsigned objects_now =
        caps_baseline()->objects + (unsigned)(live_object_count() + peers_objects_in_flight());
    if (s->tasks != (unsigned)tasks || s->objects != objects_now ||
        s->caps < (unsigned)used_slot_count() || s->kmalloc_objects < s->objects ||
        s->free_frames == 0 || s->free_frames > total_frames) {
        snprintf(what, sizeof(what),
                 "keel_stats wrote {free_frames %lu, tasks %u, objects %u, caps %u, kmalloc %u}, "
                 "expected tasks %d, objects %u, caps >= %d, kmalloc >= objects, frames <= %lu",
                 s->free_frames, s->tasks, s->objects, s->caps, s->kmalloc_objects, tasks,
                 objects_now, used_slot_count(), total_frames);
        return what;
    }
    return NULL;
}

const char *check_what_it_wrote5(const struct call *c, long result, const struct regs *out)
{
    if (c->kind <= CALL_SPAWN || c->kind >= CALL_UNKNOWN)
        return NULL; // lab 4's: oracle.c's
    if (plan.new_slot >= 0 && result >= 0) {
        bool receives = c->kind == CALL_IPC_CALL || c->kind == CALL_IPC_RECV ||
                        c->kind == CALL_IPC_NBRECV || c->kind == CALL_IPC_REPLY_RECV;
        return check_new_slot(receives ? (int)out->x[7] : (int)result);
    }
    switch (c->kind) {
    case CALL_CAP_DESCRIBE:
        return check_cap_info(c->arg[0], (const struct cap_info *)c->arg[1]);
    case CALL_TASK_DESCRIBE:
        return check_task_info((int)c->arg[0], (const struct task_info *)c->arg[1]);
    case CALL_KEEL_STATS:
        return check_stats((const struct keel_stats *)c->arg[0]);
    default:
        return NULL;
    }
}

// --- what it changed ----------------------------------------------------------------------------

static void apply_new_slot(int s)
{
    if (s < 0 || s >= CAP_SLOTS)
        return;
    int o = plan.new_object;
    if (o < 0) {
        o = new_object(plan.new_type, -1, 0);
        objects[o].kernel_id = plan.learned_id;
    } else if (objects[o].kernel_id == 0) {
        objects[o].kernel_id = plan.learned_id;
    }
    put_slot(s, o, plan.new_rights, plan.new_badge, plan.new_original, ROLE_SCRATCH);
}

static void apply_receive(const struct call *c, long result, const struct regs *out)
{
    for (int i = 0; i < plan.nemfile; i++)
        peer_failed_delivery(plan.emfile[i], -EMFILE);
    if (plan.doomed && result == -EIDRM) {
        destroy_object(plan.doomed_object);
        doomed_done(plan.doomed_object);
        return;
    }
    if (result < 0)
        return;
    if (plan.notified) {
        objects[plan.notification].word = 0;
        return;
    }
    if (plan.from == NULL)
        return;
    if (peer_passes(plan.from)) {
        if (plan.new_object < 0) { // a doomer's own object: ours to know from now on
            plan.new_object = peer_new_doom_object(plan.from);
            objects[plan.new_object].kernel_id = plan.learned_id;
        }
        apply_new_slot((int)out->x[7]);
    }
    peer_taken(plan.from, peer_is_caller(plan.from));
    (void)c;
}

static void apply_send(const struct call *c, long result, const struct regs *out)
{
    const struct slot *t = slot_of(c->arg[0]);
    if (c->kind == CALL_IPC_SEND && t != NULL && type_of(t) == CAP_REPLY) {
        if (result != 0 && result != -ESRCH && result != -EMFILE)
            return;
        int o = t->object, caller = objects[o].caller;
        objects[o].caller = 0; // answered: its deletion says nothing to anyone
        destroy_object(o);
        if (caller != 0)
            saved_replied(caller, plan.msg, result, plan.passed != NULL);
        return;
    }
    if (plan.doomed && result == -EIDRM) {
        destroy_object(plan.doomed_object);
        doomed_done(plan.doomed_object);
        return;
    }
    bool delivered =
        plan.delivered &&
        (result == 0 || (c->kind == CALL_IPC_CALL && (result == -EPIPE || result == -EMFILE)));
    if (!delivered)
        return;
    server_took(plan.server == 1, plan.msg, plan.badge, plan.passed);
    if (c->kind == CALL_IPC_CALL && result == 0 && plan.passed != NULL)
        apply_new_slot((int)out->x[7]);
}

void apply5(const struct call *c, const struct expected *e, long result, const struct regs *out)
{
    if (c->kind <= CALL_SPAWN || c->kind >= CALL_UNKNOWN)
        return;
    switch (c->kind) {
    case CALL_KILL:
        if (result == 0 && (int)c->arg[1] == SIGKILL && is_child((int)c->arg[0]))
            peer_killed((int)c->arg[0]);
        break;
    case CALL_ENDPOINT_CREATE:
    case CALL_NOTIFICATION_CREATE:
    case CALL_CAP_MINT:
        if (result >= 0 && plan.new_slot >= 0)
            apply_new_slot((int)result);
        break;
    case CALL_CAP_DELETE:
        if (result == 0) {
            const struct slot *t = slot_of(c->arg[0]);
            if (t != NULL && t->original)
                destroy_object(t->object);
            else
                empty_slot((int)c->arg[0]);
        }
        break;
    case CALL_IPC_SEND:
    case CALL_IPC_CALL:
    case CALL_IPC_NBSEND:
        if (plan.lookup_ok)
            apply_send(c, result, out);
        break;
    case CALL_IPC_RECV:
    case CALL_IPC_NBRECV:
        if (!plan.lookup_ok)
            break;
        if (plan.drops_held)
            held_dropped();
        else
            held_loss_forgotten();
        apply_receive(c, result, out);
        break;
    case CALL_IPC_REPLY:
        if (!plan.lookup_ok)
            break;
        if (held_state() == HELD_LIVE || held_state() == HELD_FULL)
            held_replied(plan.msg, result == -EMFILE ? -EMFILE : 0, plan.passed != NULL);
        else if (result == -ESRCH)
            held_told();
        break;
    case CALL_IPC_REPLY_RECV:
        if (!plan.lookup_ok)
            break;
        if (held_state() == HELD_LIVE || held_state() == HELD_FULL) {
            bool fits = !(held_state() == HELD_FULL && plan.passed != NULL);
            held_replied(plan.msg, fits ? 0 : -EMFILE, plan.passed != NULL);
        } else {
            held_lost_reported(); // a lost right is told once, here
        }
        apply_receive(c, result, out);
        break;
    case CALL_IPC_SAVE_REPLY:
        if (result >= 0 && plan.new_slot >= 0) {
            apply_new_slot((int)result);
            held_saved((int)result);
        }
        break;
    case CALL_NOTIFY_SIGNAL:
        if (result == 0 && plan.via != NULL) {
            objects[plan.via->object].word |= plan.via->badge;
            peers_signalled(plan.via->object); // last: it may make helper calls
        }
        break;
    case CALL_NOTIFY_WAIT:
    case CALL_NOTIFY_POLL:
        if (plan.doomed && result == -EIDRM) {
            destroy_object(plan.doomed_object);
            doomed_done(plan.doomed_object);
        } else if (result >= 0 && plan.via != NULL) {
            objects[plan.via->object].word = 0;
        }
        break;
    case CALL_NOTIFY_BIND:
        if (result == 0 && plan.lookup_ok) {
            int n = table[c->arg[0]].object, p = table[c->arg[1]].object;
            objects[n].bound = p;
            objects[p].bound = n;
        }
        break;
    default:
        break;
    }
    if (!result_allowed(e, result))
        caps_reconcile(); // it did not do what the table says: take the kernel's word
}
#endif
