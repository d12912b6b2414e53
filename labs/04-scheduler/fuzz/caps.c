// caps.c — the fuzzer's capability table as it must be (lab 5): what each of its 64 slots
// holds, the kernel objects behind them, and the objects it keeps to fuzz on.
//
// The oracle predicts every capability call from this table alone (which slot is free, what
// type and rights a slot has, what a notification's word is), and every call that changes the
// kernel's table changes this one the same way (oracle5.c's apply5).  Each change is then
// read back with cap_describe (learn_slot), so a kernel whose table drifts from the rules is
// caught at the next step, not a thousand calls later.
//
// Roles of the slots:
//   inherited  what the fuzzer was started with (slot 0, its console): never deleted, never
//              used for a message (its output goes through it)
//   fixture    the originals of the objects calls are fuzzed on (enum fixture, fuzz.h); a
//              fuzzed delete may destroy one, and it is made again when next needed
//   copy       minted copies of fixtures with particular rights or a badge, kept for reuse
//   filler     copies of the console that fill the table when a call must find it full
//   scratch    what fuzzed calls made (created, minted, received): deleted when room is
//              needed (make_room), and at the end
// Every change goes through a checked helper call (make_call), never a bare wrapper.
#if LAB >= 5
#include "fuzz.h"

#define ROOM_LOW 16  // make_room acts when fewer slots than this are free
#define ROOM_GOAL 32 // ... and frees slots until this many are

struct slot table[CAP_SLOTS];
struct object objects[MAX_OBJECTS];
static int fixture_objects[NFIXTURES];
static bool degraded;
static struct keel_stats baseline;

static const unsigned fixture_types[NFIXTURES] = {
    [FX_EP] = CAP_ENDPOINT,
    [FX_SERVED] = CAP_ENDPOINT,
    [FX_FULL] = CAP_ENDPOINT,
    [FX_IN_SEND] = CAP_ENDPOINT,
    [FX_IN_CALL] = CAP_ENDPOINT,
    [FX_IN_PASS] = CAP_ENDPOINT,
    [FX_IN_HOLD] = CAP_ENDPOINT,
    [FX_IN_HOLD_FULL] = CAP_ENDPOINT,
    [FX_IN_DOOM] = CAP_ENDPOINT,
    [FX_IN_DOOM_NT] = CAP_ENDPOINT,
    [FX_BOUND_EP] = CAP_ENDPOINT,
    [FX_BOUND_NT] = CAP_NOTIFICATION,
    [FX_NT] = CAP_NOTIFICATION,
    [FX_NT_PASS] = CAP_NOTIFICATION,
    [FX_IN_WAIT] = CAP_ENDPOINT,
    [FX_SERVED_NT] = CAP_NOTIFICATION,
    [FX_WAITED_NT] = CAP_NOTIFICATION,
};

static const char *const type_names[] = {"empty",    "endpoint",      "notification",
                                         "IRQ line", "device memory", "reply"};

bool caps_degraded(void)
{
    return degraded;
}

void caps_degrade(void)
{
    degraded = true;
}

static long helper(enum call_kind kind, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct call c;
    build_helper(&c, kind, a0, a1, a2);
    return make_call(&c);
}

// --- the table ----------------------------------------------------------------------------

int new_object(unsigned type, int fixture, int owner_peer)
{
    for (int i = 0; i < MAX_OBJECTS; i++) {
        if (objects[i].live)
            continue;
        objects[i].live = true;
        objects[i].kernel_id = 0;
        objects[i].type = type;
        objects[i].fixture = fixture;
        objects[i].owner_peer = owner_peer;
        objects[i].word = 0;
        objects[i].bound = -1;
        objects[i].caller = 0;
        return i;
    }
    fail_other("FUZZER BUG: more than MAX_OBJECTS objects in one run");
    return 0;
}

void put_slot(int s, int object, unsigned rights, uint64_t badge, bool original, enum role role)
{
    if (s < 0 || s >= CAP_SLOTS)
        return;
    table[s].object = object;
    table[s].rights = rights;
    table[s].badge = badge;
    table[s].original = original;
    table[s].role = role;
}

void empty_slot(int s)
{
    if (s < 0 || s >= CAP_SLOTS)
        return;
    table[s].object = -1;
    table[s].rights = 0;
    table[s].badge = 0;
    table[s].original = false;
    table[s].role = ROLE_FREE;
}

int free_slot_count(void)
{
    int n = 0;
    for (int s = 0; s < CAP_SLOTS; s++)
        n += table[s].object < 0;
    return n;
}

int used_slot_count(void)
{
    return CAP_SLOTS - free_slot_count();
}

int lowest_free_slot(void)
{
    for (int s = 0; s < CAP_SLOTS; s++)
        if (table[s].object < 0)
            return s;
    return -1;
}

int random_free_slot(void)
{
    int n = free_slot_count();
    if (n == 0)
        return -1;
    int pick = (int)random_below((uint64_t)n);
    for (int s = 0; s < CAP_SLOTS; s++)
        if (table[s].object < 0 && pick-- == 0)
            return s;
    return -1;
}

int any_used_slot_but_console(void)
{
    int n = 0, s;
    for (s = 1; s < CAP_SLOTS; s++)
        n += table[s].object >= 0 && table[s].role != ROLE_INHERITED;
    if (n == 0)
        return -1;
    int pick = (int)random_below((uint64_t)n);
    for (s = 1; s < CAP_SLOTS; s++)
        if (table[s].object >= 0 && table[s].role != ROLE_INHERITED && pick-- == 0)
            return s;
    return -1;
}

int live_object_count(void)
{
    int n = 0;
    for (int i = 0; i < MAX_OBJECTS; i++)
        n += objects[i].live && objects[i].owner_peer >= 0; // not the inherited ones
    return n;
}

// Objects destroyed: every slot naming it empties, its partner is unbound, and whoever it
// affects (peers.c) learns of it.
void destroy_object(int o)
{
    if (o < 0 || !objects[o].live)
        return;
    objects[o].live = false;
    for (int s = 0; s < CAP_SLOTS; s++)
        if (table[s].object == o)
            empty_slot(s);
    if (objects[o].bound >= 0) {
        objects[objects[o].bound].bound = -1;
        objects[o].bound = -1;
    }
    if (objects[o].type == CAP_REPLY && objects[o].caller > 0)
        saved_dropped(objects[o].caller);
    int f = objects[o].fixture;
    if (f >= 0 && fixture_objects[f] == o)
        fixture_objects[f] = -1;
    peers_object_destroyed(o);
}

// Reads slot `s` back and compares it with what the table says; learns the kernel's number
// for the object the first time.  A difference is a failure (the kernel did not do what the
// result said), and the table is then taken from the kernel.
void learn_slot(int s)
{
    struct cap_info info;
    char what[256];
    memset(&info, 0xa5, sizeof(info));
    if (cap_describe(s, &info) != 0) {
        snprintf(what, sizeof(what), "cap_describe(%d) failed", s);
        fail_other(what);
        return;
    }
    const struct slot *t = &table[s];
    const struct object *o = t->object >= 0 ? &objects[t->object] : NULL;
    unsigned type = o != NULL ? o->type : CAP_EMPTY;
    bool same =
        info.type == type &&
        (o == NULL ? info.rights == 0 && info.badge == 0 && info.object == 0 && info.original == 0
                   : info.rights == t->rights && info.badge == t->badge &&
                         info.original == (unsigned)t->original &&
                         (o->kernel_id == 0 || info.object == o->kernel_id));
    if (same && o != NULL && o->kernel_id == 0) {
        for (int i = 0; i < MAX_OBJECTS; i++) {
            if (objects[i].live && objects[i].kernel_id == info.object && &objects[i] != o) {
                snprintf(what, sizeof(what),
                         "slot %d: a new %s has object number %u, which a live %s has too", s,
                         type_names[type], info.object, type_names[objects[i].type]);
                fail_other(what);
                caps_reconcile();
                return;
            }
        }
        objects[t->object].kernel_id = info.object;
    }
    if (!same) {
        snprintf(what, sizeof(what),
                 "slot %d holds {type %u, rights 0x%x, badge 0x%lx, object %u, original %u}, "
                 "expected {%s, rights 0x%x, badge 0x%lx, object %u, original %d}",
                 s, info.type, info.rights, info.badge, info.object, info.original,
                 type_names[type], o ? t->rights : 0, o ? t->badge : 0, o ? o->kernel_id : 0,
                 o ? t->original : 0);
        fail_other(what);
        caps_reconcile();
    }
}

// After a failure: the table as the kernel has it, objects matched by their numbers.
void caps_reconcile(void)
{
    struct cap_info info;
    for (int s = 0; s < CAP_SLOTS; s++) {
        if (cap_describe(s, &info) != 0)
            continue;
        if (info.type == CAP_EMPTY) {
            empty_slot(s);
            continue;
        }
        int o = table[s].object;
        if (o < 0 || !objects[o].live || objects[o].kernel_id != info.object) {
            o = -1;
            for (int i = 0; i < MAX_OBJECTS; i++)
                if (objects[i].live && objects[i].kernel_id == info.object)
                    o = i;
            if (o < 0) {
                o = new_object(info.type, -1, 0);
                objects[o].kernel_id = info.object;
            }
        }
        enum role role = table[s].role == ROLE_FREE ? ROLE_SCRATCH : table[s].role;
        put_slot(s, o, info.rights, info.badge, info.original != 0, role);
    }
}

void caps_init(void)
{
    for (int i = 0; i < NFIXTURES; i++)
        fixture_objects[i] = -1;
    for (int s = 0; s < CAP_SLOTS; s++)
        empty_slot(s);
    struct cap_info info;
    for (int s = 0; s < CAP_SLOTS; s++) {
        if (cap_describe(s, &info) != 0 || info.type == CAP_EMPTY)
            continue;
        int o = -1;
        for (int i = 0; i < MAX_OBJECTS; i++)
            if (objects[i].type != 0 && objects[i].kernel_id == info.object)
                o = i;
        if (o < 0) {
            o = new_object(info.type, -1, -1); // -1: not ours
            objects[o].kernel_id = info.object;
        }
        put_slot(s, o, info.rights, info.badge, info.original != 0, ROLE_INHERITED);
    }
    if (table[SLOT_CONSOLE].object < 0)
        printf("fuzz: FUZZER BUG: no console in slot 0\n");
}

// --- getting a slot of a kind ---------------------------------------------------------------

static bool pinned(int s);

// A free slot for what is about to be made: a filler goes first, then scratch.
static void need_slot(void)
{
    if (free_slot_count() > 0)
        return;
    for (int pass = 0; pass < 2; pass++)
        for (int s = CAP_SLOTS - 1; s > 0; s--)
            if (table[s].role == (pass == 0 ? ROLE_FILLER : ROLE_SCRATCH) && !pinned(s)) {
                helper(CALL_CAP_DELETE, (uint64_t)s, 0, 0);
                return;
            }
}

// The slots the call being built names: make_room and need_slot leave them alone.
static int pins[8], npins;

static bool pinned(int s)
{
    for (int i = 0; i < npins; i++)
        if (pins[i] == s)
            return true;
    return false;
}

static int pin(int s)
{
    if (npins < 8 && s >= 0)
        pins[npins++] = s;
    return s;
}

int caps_pin(int s)
{
    return pin(s);
}

void caps_unpin_all(void)
{
    npins = 0;
}

int fixture_object_now(enum fixture f)
{
    return fixture_objects[f];
}

int fixture_object(enum fixture f)
{
    fixture_slot(f);
    return fixture_objects[f];
}

static int original_slot_of(int o)
{
    for (int s = 0; s < CAP_SLOTS; s++)
        if (table[s].object == o && table[s].original)
            return s;
    return -1;
}

static int create(unsigned type, enum role role, int fixture)
{
    need_slot();
    long s =
        helper(type == CAP_ENDPOINT ? CALL_ENDPOINT_CREATE : CALL_NOTIFICATION_CREATE, 0, 0, 0);
    if (s < 0 || s >= CAP_SLOTS || table[s].object < 0) {
        fail_other("FUZZER: could not create an object to fuzz on");
        return -1;
    }
    table[s].role = role;
    objects[table[s].object].fixture = fixture;
    return (int)s;
}

static int plain_fixture_slot(enum fixture f)
{
    int o = fixture_objects[f];
    int s = o >= 0 && objects[o].live ? original_slot_of(o) : -1;
    if (s >= 0)
        return pin(s);
    s = create(fixture_types[f], ROLE_FIXTURE, f);
    if (s < 0)
        return 0;
    fixture_objects[f] = table[s].object;
    return pin(s);
}

// FX_BOUND_NT is bound to FX_BOUND_EP, FX_SERVED_NT to FX_SERVED: both made, and bound,
// whichever was destroyed.
int fixture_slot(enum fixture f)
{
    enum fixture fe, fn;
    if (f == FX_BOUND_EP || f == FX_BOUND_NT)
        fe = FX_BOUND_EP, fn = FX_BOUND_NT;
    else if (f == FX_SERVED || f == FX_SERVED_NT)
        fe = FX_SERVED, fn = FX_SERVED_NT;
    else
        return plain_fixture_slot(f);
    int ep = plain_fixture_slot(fe), nt = plain_fixture_slot(fn);
    int e = table[ep].object, n = table[nt].object;
    if ((objects[e].bound != n || objects[n].bound != e) &&
        helper(CALL_NOTIFY_BIND, (uint64_t)nt, (uint64_t)ep, 0) != 0)
        fail_other("FUZZER: could not bind a notification to its endpoint");
    return f == fe ? ep : nt;
}

static uint64_t new_badge(void)
{
    return 1 + random_below((1UL << 63) - 1);
}

int copy_slot(enum fixture f, unsigned rights, bool badged)
{
    int src = fixture_slot(f), o = table[src].object;
    for (int s = 0; s < CAP_SLOTS; s++)
        if (table[s].object == o && table[s].role == ROLE_COPY && table[s].rights == rights &&
            (table[s].badge != 0) == badged)
            return pin(s);
    need_slot();
    long s = helper(CALL_CAP_MINT, (uint64_t)src, rights, badged ? new_badge() : 0);
    if (s < 0 || s >= CAP_SLOTS || table[s].object != o) {
        fail_other("FUZZER: could not mint a copy to fuzz with");
        return src;
    }
    table[s].role = ROLE_COPY;
    return pin((int)s);
}

int scratch_original(unsigned type, bool unbound)
{
    for (int s = 0; s < CAP_SLOTS; s++) {
        int o = table[s].object;
        if (o >= 0 && table[s].role == ROLE_SCRATCH && table[s].original &&
            objects[o].type == type && objects[o].owner_peer == 0 &&
            (!unbound || objects[o].bound < 0) && table[s].rights == RIGHTS_SRG)
            return pin(s);
    }
    int s = create(type, ROLE_SCRATCH, -1);
    return pin(s < 0 ? 0 : s);
}

// A copy of `original`'s object with `rights` (no badge), in scratch.
int scratch_copy_of(int original, unsigned rights)
{
    int o = table[original].object;
    for (int s = 0; s < CAP_SLOTS; s++)
        if (table[s].object == o && !table[s].original && table[s].role == ROLE_SCRATCH &&
            table[s].rights == rights && table[s].badge == 0)
            return pin(s);
    need_slot();
    long s = helper(CALL_CAP_MINT, (uint64_t)original, rights, 0);
    if (s < 0 || s >= CAP_SLOTS)
        return original;
    return pin((int)s);
}

int scratch_copy(void)
{
    for (int s = 0; s < CAP_SLOTS; s++) {
        int o = table[s].object;
        if (o >= 0 && table[s].role == ROLE_SCRATCH && !table[s].original &&
            objects[o].type != CAP_REPLY && !pinned(s))
            return pin(s);
    }
    return scratch_copy_of(fixture_slot(FX_EP), RIGHT_SEND);
}

void set_word(enum fixture f, bool bits)
{
    int o = fixture_object(f);
    if (bits && objects[o].word == 0)
        helper(CALL_NOTIFY_SIGNAL, (uint64_t)copy_slot(f, RIGHT_SEND, true), 0, 0);
    else if (!bits && objects[o].word != 0)
        helper(CALL_NOTIFY_POLL, (uint64_t)fixture_slot(f), 0, 0);
}

// Deletes fillers, then scratch (copies before originals, so that an original's copies do
// not go with it unseen), until ROOM_GOAL slots are free.
void make_room(void)
{
    caps_unpin_all();
    if (free_slot_count() >= ROOM_LOW)
        return;
    for (int pass = 0; pass < 3 && free_slot_count() < ROOM_GOAL; pass++) {
        for (int s = CAP_SLOTS - 1; s > 0 && free_slot_count() < ROOM_GOAL; s--) {
            int o = table[s].object;
            if (o < 0)
                continue;
            bool take = pass == 0   ? table[s].role == ROLE_FILLER
                        : pass == 1 ? table[s].role == ROLE_SCRATCH && !table[s].original
                                    : table[s].role == ROLE_SCRATCH;
            if (take)
                helper(CALL_CAP_DELETE, (uint64_t)s, 0, 0);
        }
    }
}

void fill_table(void)
{
    unsigned rights = table[SLOT_CONSOLE].rights & RIGHT_SEND;
    for (int guard = 0; free_slot_count() > 0 && guard < CAP_SLOTS; guard++) {
        long s = helper(CALL_CAP_MINT, SLOT_CONSOLE, rights, 0);
        if (s < 0 || s >= CAP_SLOTS)
            break;
        table[s].role = ROLE_FILLER;
    }
}

// --- the end --------------------------------------------------------------------------------

void caps_teardown(void)
{
    caps_unpin_all();
    // Copies first: an original takes its copies along, and a slot the table thinks holds
    // one would then be deleted twice.
    for (int pass = 0; pass < 2; pass++)
        for (int s = 1; s < CAP_SLOTS; s++)
            if (table[s].object >= 0 && table[s].role != ROLE_INHERITED &&
                table[s].original == (pass == 1))
                helper(CALL_CAP_DELETE, (uint64_t)s, 0, 0);
}

static int keel_stats_now(struct keel_stats *s)
{
    return (int)syscall6(SYS_keel_stats, (long)s, 0, 0, 0, 0, 0);
}

void caps_stats_baseline(void)
{
    keel_stats_now(&baseline);
}

bool caps_stats_check(char *buf, size_t size)
{
    struct keel_stats now;
    memset(&now, 0, sizeof(now));
    keel_stats_now(&now);
    snprintf(buf, size,
             "; objects %u before, %u after; caps %u before, %u after; kmalloc objects %u "
             "before, %u after",
             baseline.objects, now.objects, baseline.caps, now.caps, baseline.kmalloc_objects,
             now.kmalloc_objects);
    return now.objects == baseline.objects && now.caps == baseline.caps &&
           now.kmalloc_objects == baseline.kmalloc_objects && now.tasks == baseline.tasks;
}

const struct keel_stats *caps_baseline(void)
{
    return &baseline;
}
#endif
