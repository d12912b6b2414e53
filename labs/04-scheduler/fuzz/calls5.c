// calls5.c — the capability and IPC calls (lab 5) and the classes their arguments are drawn
// from: slots of every kind (out of range, empty, each object type, with and without each
// right, badged or not, in each state that matters: a partner waiting or not, a word set or
// not, bound or not), rights masks with bits outside RIGHTS_ALL, badges with bit 63, pids,
// signals, messages with a capability to pass (or a bad one), pointers (memory.c's classes).
//
// The fuzzer must stay safe, so some things are never drawn: slot 0 (its console) is never
// deleted and never used for a message; a kill is only ever aimed at a child of its own (or at
// pids that are 0, negative, 1 or nobody's); a call that would block is only made where a
// peer (peers.c) will answer it or end it.  None is left out by a rule: each class list below
// leaves out what would block.  The fuzzer holds no IRQ line and no device memory (only the
// console server is given those), so irq_bind, irq_ack and devmem_map get every other kind of
// slot; their rights and their other arguments are labs/05-ipc's to test.
//
// A class is made true just before the call (build_call5): the state first (a reply right
// saved, a doomed copy received, a reply right held: these receive, which drops a held reply
// right, so they come first), then the rest, then the table filled if the class says so, and
// only then the values (a free slot is drawn from the table as it is at last).
#if LAB >= 5
#include "fuzz.h"

#define PAGE 4096UL

// --- slot classes ---------------------------------------------------------------------------

enum sc {
    SC_MINUS_ONE,
    SC_64,
    SC_HUGE,
    SC_NEGATIVE,
    SC_TRUNCATED,
    SC_EMPTY,
    SC_CONSOLE,
    SC_EP,
    SC_EP_BADGED,
    SC_EP_FULL_TABLE,
    SC_SERVED,
    SC_SERVED_BADGED,
    SC_SERVED_NO_SEND,
    SC_FULL_SERVED,
    SC_SENDER,
    SC_SENDER_FULL_TABLE,
    SC_CALLER,
    SC_PASSER,
    SC_PASSER_FULL_TABLE,
    SC_NO_RECV,
    SC_BOUND_BITS,
    SC_BOUND_QUIET,
    SC_EP_UNBOUND,
    SC_EP_UNBOUND_NO_RECV,
    SC_DOOMED_EP,
    SC_DOOMED_NT,
    SC_NT,
    SC_NT_BADGED,
    SC_NT_BADGED_NO_SEND,
    SC_NT_BITS,
    SC_NT_QUIET,
    SC_NT_NO_RECV_BITS,
    SC_NT_BOUND_BADGED,
    SC_NT_SERVED,
    SC_NT_WAITED,
    SC_NT_BOUND_BITS,
    SC_NT_BOUND,
    SC_NT_UNBOUND,
    SC_NT_UNBOUND_NO_RECV,
    SC_REPLY,
    SC_REPLY_FULL,
    SC_REPLY_DEAD,
    SC_SCRATCH_EP,
    SC_SCRATCH_NT,
    SC_COPY,
    NSC
};

static const char *const sc_names[NSC] = {
    [SC_MINUS_ONE] = "-1",
    [SC_64] = "64",
    [SC_HUGE] = "65 and up",
    [SC_NEGATIVE] = "below -1",
    [SC_TRUNCATED] = "a slot in use + k * 2^32",
    [SC_EMPTY] = "empty",
    [SC_CONSOLE] = "0, the console (send, no recv)",
    [SC_EP] = "endpoint original nobody else holds",
    [SC_EP_BADGED] = "endpoint copy, badged, all rights",
    [SC_EP_FULL_TABLE] = "endpoint original, and no slot free",
    [SC_SERVED] = "served endpoint's original",
    [SC_SERVED_BADGED] = "served endpoint copy, badged, send only",
    [SC_SERVED_NO_SEND] = "served endpoint copy without send",
    [SC_FULL_SERVED] = "endpoint whose server has no free slot",
    [SC_SENDER] = "endpoint with a sender waiting",
    [SC_SENDER_FULL_TABLE] = "endpoint with a sender waiting, and no slot free",
    [SC_CALLER] = "endpoint with a caller waiting",
    [SC_PASSER] = "endpoint with a sender of a capability waiting",
    [SC_PASSER_FULL_TABLE] = "endpoint with a sender of a capability waiting, no slot free",
    [SC_NO_RECV] = "endpoint copy without recv, a sender waiting",
    [SC_BOUND_BITS] = "endpoint bound to a notification with bits",
    [SC_BOUND_QUIET] = "endpoint bound to a notification without bits",
    [SC_EP_UNBOUND] = "unbound endpoint",
    [SC_EP_UNBOUND_NO_RECV] = "unbound endpoint copy without recv",
    [SC_DOOMED_EP] = "endpoint copy its owner destroys once we wait",
    [SC_DOOMED_NT] = "notification copy its owner destroys once we wait",
    [SC_NT] = "notification original (no badge)",
    [SC_NT_BADGED] = "notification copy, badged",
    [SC_NT_BADGED_NO_SEND] = "notification copy, badged, without send",
    [SC_NT_BITS] = "notification with bits",
    [SC_NT_QUIET] = "notification without bits",
    [SC_NT_NO_RECV_BITS] = "notification copy without recv, bits set",
    [SC_NT_BOUND_BADGED] = "bound notification copy, badged",
    [SC_NT_SERVED] = "copy, badged, of a notification bound to an endpoint a server waits on",
    [SC_NT_WAITED] = "copy, badged, of a notification a peer waits on",
    [SC_NT_BOUND_BITS] = "bound notification with bits",
    [SC_NT_BOUND] = "bound notification's original",
    [SC_NT_UNBOUND] = "unbound notification",
    [SC_NT_UNBOUND_NO_RECV] = "unbound notification copy without recv",
    [SC_REPLY] = "reply capability",
    [SC_REPLY_FULL] = "reply capability of a caller with no free slot",
    [SC_REPLY_DEAD] = "reply capability of a killed caller",
    [SC_SCRATCH_EP] = "scratch endpoint original",
    [SC_SCRATCH_NT] = "scratch notification original",
    [SC_COPY] = "a copy",
};

static bool sc_needs_full(int sc)
{
    return sc == SC_EP_FULL_TABLE || sc == SC_SENDER_FULL_TABLE || sc == SC_PASSER_FULL_TABLE;
}

// What must be true first (lower first): a saved reply, a doomed copy, then anything else.
static int sc_priority(int sc)
{
    return sc == SC_REPLY || sc == SC_REPLY_FULL || sc == SC_REPLY_DEAD ? 0
           : sc == SC_DOOMED_EP || sc == SC_DOOMED_NT                   ? 1
                                                                        : 3;
}

// Makes the class true and returns its slot; -1 for the classes that are only values.
static int sc_ensure(int sc)
{
    switch (sc) {
    case SC_CONSOLE:
        return SLOT_CONSOLE;
    case SC_EP:
    case SC_EP_FULL_TABLE:
        return fixture_slot(FX_EP);
    case SC_EP_BADGED:
        return copy_slot(FX_EP, RIGHTS_SRG, true);
    case SC_SERVED:
        ensure_server(false);
        return fixture_slot(FX_SERVED);
    case SC_SERVED_BADGED:
        ensure_server(false);
        return copy_slot(FX_SERVED, RIGHT_SEND, true);
    case SC_SERVED_NO_SEND:
        ensure_server(false);
        return copy_slot(FX_SERVED, RIGHT_RECV | RIGHT_GRANT, false);
    case SC_FULL_SERVED:
        ensure_server(true);
        return fixture_slot(FX_FULL);
    case SC_SENDER:
    case SC_SENDER_FULL_TABLE:
        ensure_queued(FX_IN_SEND);
        return fixture_slot(FX_IN_SEND);
    case SC_CALLER:
        ensure_queued(FX_IN_CALL);
        return fixture_slot(FX_IN_CALL);
    case SC_PASSER:
    case SC_PASSER_FULL_TABLE:
        ensure_queued(FX_IN_PASS);
        return fixture_slot(FX_IN_PASS);
    case SC_NO_RECV:
        ensure_queued(FX_IN_SEND);
        return copy_slot(FX_IN_SEND, RIGHT_SEND | RIGHT_GRANT, false);
    case SC_BOUND_BITS:
    case SC_BOUND_QUIET:
        set_word(FX_BOUND_NT, sc == SC_BOUND_BITS);
        return fixture_slot(FX_BOUND_EP);
    case SC_EP_UNBOUND:
        return scratch_original(CAP_ENDPOINT, true);
    case SC_EP_UNBOUND_NO_RECV:
        return scratch_copy_of(scratch_original(CAP_ENDPOINT, true), RIGHT_SEND);
    case SC_DOOMED_EP:
        return ensure_doomed(CAP_ENDPOINT);
    case SC_DOOMED_NT:
        return ensure_doomed(CAP_NOTIFICATION);
    case SC_NT:
        return fixture_slot(FX_NT);
    case SC_NT_BADGED:
        return copy_slot(FX_NT, RIGHT_SEND | RIGHT_RECV, true);
    case SC_NT_BADGED_NO_SEND:
        return copy_slot(FX_NT, RIGHT_RECV, true);
    case SC_NT_BITS:
    case SC_NT_QUIET:
        set_word(FX_NT, sc == SC_NT_BITS);
        return fixture_slot(FX_NT);
    case SC_NT_NO_RECV_BITS:
        set_word(FX_NT, true);
        return copy_slot(FX_NT, RIGHT_SEND, true);
    case SC_NT_BOUND_BADGED:
        return copy_slot(FX_BOUND_NT, RIGHT_SEND, true);
    case SC_NT_SERVED:
        ensure_server(false);
        return copy_slot(FX_SERVED_NT, RIGHT_SEND, true);
    case SC_NT_WAITED:
        ensure_waiter();
        return copy_slot(FX_WAITED_NT, RIGHT_SEND, true);
    case SC_NT_BOUND_BITS:
        set_word(FX_BOUND_NT, true);
        return fixture_slot(FX_BOUND_NT);
    case SC_NT_BOUND:
        return fixture_slot(FX_BOUND_NT);
    case SC_NT_UNBOUND:
        return scratch_original(CAP_NOTIFICATION, true);
    case SC_NT_UNBOUND_NO_RECV:
        return scratch_copy_of(scratch_original(CAP_NOTIFICATION, true), RIGHT_SEND);
    case SC_REPLY:
        return ensure_saved_reply(false, false);
    case SC_REPLY_FULL:
        return ensure_saved_reply(true, false);
    case SC_REPLY_DEAD:
        return ensure_saved_reply(false, true);
    case SC_SCRATCH_EP:
        return scratch_original(CAP_ENDPOINT, false);
    case SC_SCRATCH_NT:
        return scratch_original(CAP_NOTIFICATION, false);
    case SC_COPY:
        return scratch_copy();
    case SC_TRUNCATED:
        if (any_used_slot_but_console() < 0)
            fixture_slot(FX_EP);
        return -1;
    default:
        return -1;
    }
}

// The register value for a class, once every class of the call is true.
static uint64_t sc_value(int sc, int ensured)
{
    switch (sc) {
    case SC_MINUS_ONE:
        return (uint64_t)-1L;
    case SC_64:
        return CAP_SLOTS;
    case SC_HUGE:
        return random_below(2) ? CAP_SLOTS + 1 + random_below(1UL << 32)
                               : (1UL << 32) + random_below(1UL << 62);
    case SC_NEGATIVE:
        return (uint64_t)(-2 - (int64_t)random_below(1UL << 62));
    case SC_TRUNCATED:
        return ((1 + random_below((1UL << 31) - 1)) << 32) | (uint64_t)any_used_slot_but_console();
    case SC_EMPTY:
        return (uint64_t)random_free_slot();
    default:
        return (uint64_t)ensured;
    }
}

// --- pass classes (x6 of the message calls) -------------------------------------------------

enum pc {
    PC_NONE,
    PC_64,
    PC_HUGE,
    PC_NEGATIVE,
    PC_TRUNCATED,
    PC_EMPTY,
    PC_NT,
    PC_EP,
    PC_REPLY,
    NPC
};
static const char *const pc_names[NPC] = {"CAP_NONE",
                                          "64",
                                          "65 and up",
                                          "below -1",
                                          "a slot in use + k * 2^32",
                                          "empty",
                                          "a badged notification copy",
                                          "an endpoint original",
                                          "a reply capability"};
static const int pc_as_sc[NPC] = {SC_MINUS_ONE, SC_64,        SC_HUGE, SC_NEGATIVE, SC_TRUNCATED,
                                  SC_EMPTY,     SC_NT_BADGED, SC_EP,   SC_REPLY};

// --- the calls' dimensions ------------------------------------------------------------------

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

// A list of slot classes and the names of its members, for one dimension.
struct sclist {
    const int *classes;
    int n;
    const char **names;
};
#define SCLIST(name, ...)                                                                          \
    static const int name##_classes[] = {__VA_ARGS__};                                             \
    static const char *name##_names[N(name##_classes)];                                            \
    static const struct sclist name = {name##_classes, N(name##_classes), name##_names}

#define BAD5 SC_MINUS_ONE, SC_64, SC_HUGE, SC_NEGATIVE, SC_TRUNCATED
SCLIST(mint_slots, BAD5, SC_EMPTY, SC_CONSOLE, SC_EP, SC_EP_BADGED, SC_SERVED_NO_SEND, SC_NT,
       SC_NT_BADGED, SC_REPLY, SC_EP_FULL_TABLE);
SCLIST(delete_slots, BAD5, SC_EMPTY, SC_SCRATCH_EP, SC_SCRATCH_NT, SC_COPY, SC_SERVED, SC_SENDER,
       SC_NT_BOUND, SC_REPLY, SC_REPLY_DEAD);
SCLIST(describe_slots, BAD5, SC_EMPTY, SC_CONSOLE, SC_EP, SC_SERVED_BADGED, SC_NT_BADGED, SC_REPLY,
       SC_REPLY_DEAD);
SCLIST(recv_slots, BAD5, SC_EMPTY, SC_SENDER, SC_SENDER_FULL_TABLE, SC_CALLER, SC_PASSER,
       SC_NO_RECV, SC_BOUND_BITS, SC_DOOMED_EP, SC_NT, SC_REPLY);
SCLIST(nbrecv_slots, BAD5, SC_EMPTY, SC_EP, SC_SENDER, SC_SENDER_FULL_TABLE, SC_CALLER, SC_PASSER,
       SC_PASSER_FULL_TABLE, SC_NO_RECV, SC_BOUND_BITS, SC_BOUND_QUIET, SC_SERVED_NO_SEND, SC_NT,
       SC_REPLY);
SCLIST(signal_slots, BAD5, SC_EMPTY, SC_NT, SC_NT_BADGED, SC_NT_BADGED_NO_SEND, SC_NT_BOUND_BADGED,
       SC_NT_SERVED, SC_NT_WAITED, SC_EP, SC_REPLY);
SCLIST(wait_slots, BAD5, SC_EMPTY, SC_NT_BITS, SC_NT_NO_RECV_BITS, SC_NT_BOUND_BITS, SC_DOOMED_NT,
       SC_EP, SC_REPLY);
SCLIST(poll_slots, BAD5, SC_EMPTY, SC_NT_BITS, SC_NT_QUIET, SC_NT_NO_RECV_BITS, SC_NT_BOUND_BITS,
       SC_EP, SC_REPLY);
SCLIST(bind_nt_slots, SC_MINUS_ONE, SC_64, SC_EMPTY, SC_NT_UNBOUND, SC_NT_UNBOUND_NO_RECV,
       SC_NT_BOUND, SC_EP);
SCLIST(bind_ep_slots, SC_MINUS_ONE, SC_HUGE, SC_EMPTY, SC_EP_UNBOUND, SC_EP_UNBOUND_NO_RECV,
       SC_BOUND_QUIET, SC_NT);
SCLIST(irq_slots, BAD5, SC_EMPTY, SC_EP, SC_NT, SC_REPLY);
SCLIST(irq_nt_slots, SC_EMPTY, SC_NT_BADGED, SC_EP);

// Messages: a slot class, a pass class, and whether the table is full (a passed capability
// coming back cannot land) or the label asks the server not to reply (call: EPIPE).
struct pair {
    int sc, pc;
    bool full, drop;
};
struct pairlist {
    const struct pair *pairs;
    int n;
    const char **names;
};
#define PAIRS(name, ...)                                                                           \
    static const struct pair name##_pairs[] = {__VA_ARGS__};                                       \
    static const char *name##_names[N(name##_pairs)];                                              \
    static const struct pairlist name = {name##_pairs, N(name##_pairs), name##_names}

// Every slot class alone (nothing passed), then the pass classes through the served endpoint,
// then a few where both matter.  An endpoint nobody receives on is only in nbsend's list, and
// (where it gives EAGAIN; a pass checked only after the rendezvous shows there too).
#define P(sc, pc)                                                                                  \
    {                                                                                              \
        sc, pc, false, false                                                                       \
    }
#define PFULL(sc, pc)                                                                              \
    {                                                                                              \
        sc, pc, true, false                                                                        \
    }
#define PDROP(sc, pc)                                                                              \
    {                                                                                              \
        sc, pc, false, true                                                                        \
    }
#define SEND_COMMON                                                                                \
    P(SC_MINUS_ONE, PC_NONE), P(SC_64, PC_NONE), P(SC_HUGE, PC_NONE), P(SC_NEGATIVE, PC_NONE),     \
        P(SC_TRUNCATED, PC_NONE), P(SC_EMPTY, PC_NONE), P(SC_SERVED, PC_NONE),                     \
        P(SC_SERVED_BADGED, PC_NONE), P(SC_SERVED_NO_SEND, PC_NONE), P(SC_FULL_SERVED, PC_NONE),   \
        P(SC_NT, PC_NONE), P(SC_REPLY, PC_NONE), P(SC_REPLY_FULL, PC_NONE),                        \
        P(SC_REPLY_DEAD, PC_NONE), P(SC_SERVED, PC_64), P(SC_SERVED, PC_HUGE),                     \
        P(SC_SERVED, PC_NEGATIVE), P(SC_SERVED, PC_TRUNCATED), P(SC_SERVED, PC_EMPTY),             \
        P(SC_SERVED, PC_NT), P(SC_SERVED, PC_EP), P(SC_SERVED, PC_REPLY),                          \
        P(SC_SERVED_BADGED, PC_NT), P(SC_SERVED_BADGED, PC_EMPTY), P(SC_FULL_SERVED, PC_NT),       \
        P(SC_REPLY, PC_NT), P(SC_REPLY, PC_EMPTY), P(SC_REPLY, PC_REPLY), P(SC_REPLY_FULL, PC_NT), \
        P(SC_SERVED_NO_SEND, PC_EMPTY)
PAIRS(send_pairs, SEND_COMMON, P(SC_DOOMED_EP, PC_NONE));
PAIRS(call_pairs, SEND_COMMON, P(SC_DOOMED_EP, PC_NONE), PFULL(SC_SERVED, PC_NT),
      PFULL(SC_SERVED, PC_NONE), PDROP(SC_SERVED, PC_NONE));
PAIRS(nbsend_pairs, SEND_COMMON, P(SC_EP, PC_NONE), P(SC_EP, PC_EMPTY));
PAIRS(rr_pairs, P(SC_MINUS_ONE, PC_NONE), P(SC_64, PC_NONE), P(SC_NEGATIVE, PC_NONE),
      P(SC_EMPTY, PC_NONE), P(SC_SENDER, PC_NONE), P(SC_CALLER, PC_NONE), P(SC_PASSER, PC_NONE),
      P(SC_NO_RECV, PC_NONE), P(SC_BOUND_BITS, PC_NONE), P(SC_DOOMED_EP, PC_NONE),
      P(SC_NT, PC_NONE), P(SC_REPLY, PC_NONE), P(SC_SENDER, PC_EMPTY), P(SC_SENDER, PC_64),
      P(SC_SENDER, PC_REPLY), P(SC_SENDER, PC_NT));

// ipc_reply: what it holds and what it passes.  Every pass class with no right held and with
// one held; a few where the caller has no free slot, or was killed (each of those takes a
// caller's life).
struct held_pass {
    int held, pc;
};
static const struct held_pass reply_cases[] = {
    {HELD_NONE, PC_NONE},     {HELD_NONE, PC_64},    {HELD_NONE, PC_NEGATIVE},
    {HELD_NONE, PC_EMPTY},    {HELD_NONE, PC_NT},    {HELD_NONE, PC_EP},
    {HELD_NONE, PC_REPLY},    {HELD_LIVE, PC_NONE},  {HELD_LIVE, PC_64},
    {HELD_LIVE, PC_NEGATIVE}, {HELD_LIVE, PC_EMPTY}, {HELD_LIVE, PC_NT},
    {HELD_LIVE, PC_EP},       {HELD_LIVE, PC_REPLY}, {HELD_FULL, PC_NONE},
    {HELD_FULL, PC_NT},       {HELD_FULL, PC_EMPTY}, {HELD_FULL, PC_REPLY},
    {HELD_LOST, PC_NONE},     {HELD_LOST, PC_NT},    {HELD_LOST, PC_EMPTY}};
static const char *reply_case_names[N(reply_cases)];

// ipc_reply_recv: the same for the reply half, and a message case for the receive half.
struct held_pair {
    int held, pair; // an index into rr_pairs
};
static const struct held_pair rr_cases[] = {
    {HELD_NONE, 0},  {HELD_NONE, 1},  {HELD_NONE, 2},  {HELD_NONE, 3},  {HELD_NONE, 4},
    {HELD_NONE, 5},  {HELD_NONE, 6},  {HELD_NONE, 7},  {HELD_NONE, 8},  {HELD_NONE, 9},
    {HELD_NONE, 10}, {HELD_NONE, 11}, {HELD_NONE, 12}, {HELD_NONE, 13}, {HELD_NONE, 14},
    {HELD_NONE, 15}, {HELD_LIVE, 0},  {HELD_LIVE, 1},  {HELD_LIVE, 2},  {HELD_LIVE, 3},
    {HELD_LIVE, 4},  {HELD_LIVE, 5},  {HELD_LIVE, 6},  {HELD_LIVE, 7},  {HELD_LIVE, 8},
    {HELD_LIVE, 9},  {HELD_LIVE, 10}, {HELD_LIVE, 11}, {HELD_LIVE, 12}, {HELD_LIVE, 13},
    {HELD_LIVE, 14}, {HELD_LIVE, 15}, {HELD_FULL, 4},  {HELD_FULL, 15}, {HELD_FULL, 5},
    {HELD_FULL, 1},  {HELD_LOST, 4},  {HELD_LOST, 8},  {HELD_LOST, 5},  {HELD_LOST, 3},
    {HELD_LOST, 12}};
static const char *rr_case_names[N(rr_cases)];

static const char *const held2_names[] = {"none held", "held"};

// kill
enum kill_pid {
    KP_TRUE,
    KP_QUEUED,
    KP_HELD,
    KP_SAVED,
    KP_REAPED,
    KP_UNUSED,
    KP_ZERO,
    KP_NEGATIVE,
    KP_ONE,
    KP_TRUNCATED,
    NKP
};
static const char *const kill_pid_names[NKP] = {"a child (true)",
                                                "a child waiting in send",
                                                "a child whose reply right we hold",
                                                "a child whose reply we saved",
                                                "a reaped child's pid",
                                                "nobody's",
                                                "0",
                                                "negative",
                                                "1",
                                                "a child in the low 32 bits"};
enum kill_sig { KS_ZERO, KS_KILL, KS_BAD, KS_KILL_HIGH, NKS };
static const char *const kill_sig_names[NKS] = {"0", "SIGKILL", "neither 0 nor 9",
                                                "SIGKILL in the low 32 bits"};

static const char *const table_names[] = {"a slot free", "no slot free"};

enum mint_rights { MR_ZERO, MR_SAME, MR_FEWER, MR_MORE, MR_OUTSIDE, MR_HIGH, NMR };
static const char *const mint_rights_names[NMR] = {"0",
                                                   "the source's",
                                                   "fewer",
                                                   "one more than the source's",
                                                   "a bit outside RIGHTS_ALL",
                                                   "a subset + a bit above 31"};
enum mint_badge { MB_ZERO, MB_NEW, MB_TOP, NMB };
static const char *const mint_badge_names[NMB] = {"0", "new (1 .. 2^63 - 1)", "bit 63 set"};

enum save_state { SR_NONE, SR_HELD, SR_HELD_FULL_TABLE, SR_LOST, NSR };
static const char *const save_names[NSR] = {"none held", "held", "held, and no slot free",
                                            "held, its caller killed"};

enum va_class { VA_FREE, VA_UNALIGNED, VA_TEXT, VA_ZERO, NVA };
static const char *const va_names[NVA] = {"a free page", "not page-aligned", "our code", "0"};

enum task_index {
    TI_IDLE,
    TI_SELF,
    TI_CHILD,
    TI_OTHER,
    TI_UNUSED,
    TI_ABOVE,
    TI_NEGATIVE,
    TI_TRUNCATED,
    NTI
};
static const char *const task_index_names[NTI] = {"0 (idle)",       "ours",           "a child's",
                                                  "another task's", "unused",         "64 and up",
                                                  "negative",       "ours + k * 2^32"};

enum spawn_path5 { SP_TRUE, SP_MISSING, NSP };
static const char *const spawn_path_names[NSP] = {"\"true\"", "a missing name"};
enum cap_list {
    CL_NULL,
    CL_GOOD,
    CL_WITH_NONE,
    CL_ZERO_BAD_POINTER,
    CL_EMPTY_SLOT,
    CL_BAD_SLOT,
    CL_REPLY,
    CL_COUNT_9,
    CL_COUNT_NEGATIVE,
    CL_COUNT_HIGH,
    CL_UNREADABLE,
    CL_INTO_UNMAPPED,
    CL_RODATA,
    NCL
};
static const char *const cap_list_names[NCL] = {
    "NULL (ncaps garbage)",      "1 to 8 slots in use",   "slots and CAP_NONE",
    "ncaps 0, a bad pointer",    "naming an empty slot",  "naming 64, 65 and up, or below -1",
    "naming a reply capability", "ncaps 9 .. 2^31 - 1",   "ncaps a negative int",
    "ncaps 1 .. 8 + k * 2^32",   "an unreadable pointer", "running off the stack top",
    "read-only memory"};

#define K(kind) [CALL_##kind - CALL_SPAWN - 1]
#define DIM_SC(what, list)                                                                         \
    {                                                                                              \
        what, N(list##_classes), list##_names                                                      \
    }
#define DIM_PAIRS(what, list)                                                                      \
    {                                                                                              \
        what, N(list##_pairs), list##_names                                                        \
    }
#define DIM(what, names)                                                                           \
    {                                                                                              \
        what, N(names), names                                                                      \
    }

const struct call_info calls5[] = {
    K(KILL) = {"kill", SYS_kill, 2, {DIM("pid", kill_pid_names), DIM("sig", kill_sig_names)}},
    K(ENDPOINT_CREATE) = {"endpoint_create", SYS_endpoint_create, 1, {DIM("table", table_names)}},
    K(NOTIFICATION_CREATE) = {"notification_create",
                              SYS_notification_create,
                              1,
                              {DIM("table", table_names)}},
    K(CAP_MINT) = {"cap_mint",
                   SYS_cap_mint,
                   3,
                   {DIM_SC("slot", mint_slots), DIM("rights", mint_rights_names),
                    DIM("badge", mint_badge_names)}},
    K(CAP_DELETE) = {"cap_delete", SYS_cap_delete, 1, {DIM_SC("slot", delete_slots)}},
    K(CAP_DESCRIBE) = {"cap_describe",
                       SYS_cap_describe,
                       2,
                       {DIM_SC("slot", describe_slots), DIM("info", ptr_class_names)}},
    K(IPC_SEND) = {"ipc_send", SYS_ipc_send, 1, {DIM_PAIRS("message", send_pairs)}},
    K(IPC_RECV) = {"ipc_recv",
                   SYS_ipc_recv,
                   2,
                   {DIM_SC("slot", recv_slots), DIM("reply right", held2_names)}},
    K(IPC_CALL) = {"ipc_call", SYS_ipc_call, 1, {DIM_PAIRS("message", call_pairs)}},
    K(IPC_REPLY) = {"ipc_reply",
                    SYS_ipc_reply,
                    1,
                    {{"reply right and pass", N(reply_cases), reply_case_names}}},
    K(IPC_REPLY_RECV) = {"ipc_reply_recv",
                         SYS_ipc_reply_recv,
                         1,
                         {{"reply right and message", N(rr_cases), rr_case_names}}},
    K(IPC_NBSEND) = {"ipc_nbsend", SYS_ipc_nbsend, 1, {DIM_PAIRS("message", nbsend_pairs)}},
    K(IPC_NBRECV) = {"ipc_nbrecv",
                     SYS_ipc_nbrecv,
                     2,
                     {DIM_SC("slot", nbrecv_slots), DIM("reply right", held2_names)}},
    K(IPC_SAVE_REPLY) = {"ipc_save_reply", SYS_ipc_save_reply, 1, {DIM("reply right", save_names)}},
    K(NOTIFY_SIGNAL) = {"notify_signal", SYS_notify_signal, 1, {DIM_SC("slot", signal_slots)}},
    K(NOTIFY_WAIT) = {"notify_wait", SYS_notify_wait, 1, {DIM_SC("slot", wait_slots)}},
    K(NOTIFY_POLL) = {"notify_poll", SYS_notify_poll, 1, {DIM_SC("slot", poll_slots)}},
    K(NOTIFY_BIND) = {"notify_bind",
                      SYS_notify_bind,
                      2,
                      {DIM_SC("notification", bind_nt_slots), DIM_SC("endpoint", bind_ep_slots)}},
    K(IRQ_BIND) = {"irq_bind",
                   SYS_irq_bind,
                   2,
                   {DIM_SC("irq", irq_slots), DIM_SC("notification", irq_nt_slots)}},
    K(IRQ_ACK) = {"irq_ack", SYS_irq_ack, 1, {DIM_SC("irq", irq_slots)}},
    K(DEVMEM_MAP) = {"devmem_map",
                     SYS_devmem_map,
                     2,
                     {DIM_SC("slot", irq_slots), DIM("va", va_names)}},
    K(TASK_DESCRIBE) = {"task_describe",
                        SYS_task_describe,
                        2,
                        {DIM("index", task_index_names), DIM("info", ptr_class_names)}},
    K(KEEL_STATS) = {"keel_stats", SYS_keel_stats, 1, {DIM("stats", ptr_class_names)}},
    K(SPAWN_CAPS) = {"spawn_caps",
                     SYS_spawn,
                     2,
                     {DIM("path", spawn_path_names), DIM("caps", cap_list_names)}},
};
_Static_assert(N(calls5) == CALL_UNKNOWN - CALL_SPAWN - 1, "calls5 covers every lab-5 kind");

static void name_sclist(const struct sclist *l)
{
    for (int i = 0; i < l->n; i++)
        l->names[i] = sc_names[l->classes[i]];
}

static void name_pairs(const struct pairlist *l)
{
    static char text[160][112];
    static int used;
    for (int i = 0; i < l->n && used < 160; i++) {
        const struct pair *p = &l->pairs[i];
        snprintf(text[used], sizeof(text[used]), "%s, pass %s%s%s", sc_names[p->sc],
                 pc_names[p->pc], p->full ? ", no slot free" : "",
                 p->drop ? ", a label that asks for no reply" : "");
        l->names[i] = text[used++];
    }
}

void calls5_init(void)
{
    const struct sclist *lists[] = {&mint_slots,    &delete_slots,  &describe_slots, &recv_slots,
                                    &nbrecv_slots,  &signal_slots,  &wait_slots,     &poll_slots,
                                    &bind_nt_slots, &bind_ep_slots, &irq_slots,      &irq_nt_slots};
    for (int i = 0; i < N(lists); i++)
        name_sclist(lists[i]);
    name_pairs(&send_pairs);
    name_pairs(&call_pairs);
    name_pairs(&nbsend_pairs);
    name_pairs(&rr_pairs);
    static char text[N(reply_cases) + N(rr_cases)][144];
    int used = 0;
    for (int i = 0; i < N(reply_cases); i++, used++) {
        snprintf(text[used], sizeof(text[used]), "%s, pass %s", held_names[reply_cases[i].held],
                 pc_names[reply_cases[i].pc]);
        reply_case_names[i] = text[used];
    }
    for (int i = 0; i < N(rr_cases); i++, used++) {
        snprintf(text[used], sizeof(text[used]), "%s; %s", held_names[rr_cases[i].held],
                 rr_pairs_names[rr_cases[i].pair]);
        rr_case_names[i] = text[used];
    }
}

// --- which combinations are special -----------------------------------------------------------

static const struct call_info *info5(enum call_kind kind)
{
    return &calls5[kind - CALL_SPAWN - 1];
}

static void decode5(enum call_kind kind, int combination, int k[MAX_DIMS])
{
    for (int d = 0; d < info5(kind)->ndims; d++) {
        k[d] = combination % info5(kind)->dims[d].nclasses;
        combination /= info5(kind)->dims[d].nclasses;
    }
}

bool combination_left_out5(enum call_kind kind, int combination)
{
    (void)kind, (void)combination; // the class lists leave out what would block
    return false;
}

static const struct pairlist *pairs_of(enum call_kind kind)
{
    switch (kind) {
    case CALL_IPC_SEND:
        return &send_pairs;
    case CALL_IPC_CALL:
        return &call_pairs;
    case CALL_IPC_NBSEND:
        return &nbsend_pairs;
    case CALL_IPC_REPLY_RECV:
        return &rr_pairs;
    default:
        return NULL;
    }
}

bool combination_needs_full_table(enum call_kind kind, int combination)
{
    if (kind <= CALL_SPAWN || kind >= CALL_UNKNOWN)
        return false;
    int k[MAX_DIMS];
    decode5(kind, combination, k);
    switch (kind) {
    case CALL_ENDPOINT_CREATE:
    case CALL_NOTIFICATION_CREATE:
        return k[0] == 1;
    case CALL_CAP_MINT:
        return sc_needs_full(mint_slots_classes[k[0]]);
    case CALL_IPC_RECV:
        return sc_needs_full(recv_slots_classes[k[0]]);
    case CALL_IPC_NBRECV:
        return sc_needs_full(nbrecv_slots_classes[k[0]]);
    case CALL_IPC_SAVE_REPLY:
        return k[0] == SR_HELD_FULL_TABLE;
    case CALL_IPC_SEND:
    case CALL_IPC_CALL:
    case CALL_IPC_NBSEND:
        return pairs_of(kind)->pairs[k[0]].full;
    default:
        return false;
    }
}

// --- building the calls -----------------------------------------------------------------------

// The slot and pass classes of a call, made true in priority order.
struct want {
    int sc;   // a slot class, or -1
    int slot; // what sc_ensure gave
    uint64_t *value;
};

static void ensure_all(struct want *w, int n, int held_priority_state)
{
    for (int prio = 0; prio <= 3; prio++) {
        if (prio == 2 && held_priority_state >= 0)
            ensure_held((enum held)held_priority_state);
        for (int i = 0; i < n; i++)
            if (w[i].sc >= 0 && sc_priority(w[i].sc) == prio)
                w[i].slot = sc_ensure(w[i].sc);
    }
}

static void values_of(struct want *w, int n)
{
    for (int i = 0; i < n; i++)
        if (w[i].sc >= 0)
            *w[i].value = sc_value(w[i].sc, w[i].slot);
}

static void message_words(struct call *c)
{
    for (int i = 1; i <= 5; i++)
        c->arg[i] = random64();
}

static void build_pair(struct call *c, const struct pair *p, int held)
{
    struct want w[2] = {{p->sc, -1, &c->arg[0]}, {pc_as_sc[p->pc], -1, &c->x6}};
    ensure_all(w, 2, held);
    if (p->full)
        fill_table();
    c->sets_x6 = true;
    values_of(w, 2);
    message_words(c);
    if (p->drop)
        c->arg[1] = SERVER_DROP_LABEL;
}

static uint64_t rights_value(int class, const struct slot *src)
{
    unsigned have = src != NULL ? src->rights : (unsigned)random_below(RIGHTS_ALL + 1);
    unsigned missing = RIGHTS_ALL & ~have, bit;
    switch (class) {
    case MR_ZERO:
        return 0;
    case MR_SAME:
        return have;
    case MR_FEWER:
        if (have == 0)
            return 0;
        do
            bit = 1u << random_below(5);
        while (!(have & bit));
        return have & ~bit;
    case MR_MORE:
        if (missing == 0)
            return have;
        do
            bit = 1u << random_below(5);
        while (!(missing & bit));
        return have | bit;
    case MR_OUTSIDE:
        return have | (1UL << (5 + random_below(27)));
    default:
        return (have & random64()) | (1UL << (32 + random_below(32)));
    }
}

static uint64_t badge_value(int class)
{
    switch (class) {
    case MB_ZERO:
        return 0;
    case MB_NEW:
        return 1 + random_below((1UL << 63) - 1);
    default:
        return (1UL << 63) | random64();
    }
}

static int spawn_true(void)
{
    struct call c;
    build_spawn_true(&c);
    long pid = make_call(&c);
    return pid > 0 ? (int)pid : 0;
}

int ensure_true_child_pid(void)
{
    int pid = some_true();
    return pid != 0 ? pid : spawn_true();
}

static int ensure_any_child_pid(void)
{
    int pid = any_child();
    return pid != 0 ? pid : spawn_true();
}

static uint64_t pid_value(int class)
{
    switch (class) {
    case KP_TRUE:
        return (uint64_t)ensure_true_child_pid();
    case KP_QUEUED:
        return (uint64_t)queued_peer_pid();
    case KP_HELD:
        ensure_held(HELD_LIVE);
        return (uint64_t)held_peer_pid();
    case KP_SAVED:
        return (uint64_t)saved_peer_pid();
    case KP_REAPED:
        return (uint64_t)last_reaped_pid();
    case KP_UNUSED:
        return 1000000 + random_below(1 << 30);
    case KP_ZERO:
        return random64() << 32; // 0 in the low 32 bits
    case KP_NEGATIVE:
        return (uint64_t)(int64_t)(-1 - (long)random_below((1UL << 31) - 1));
    case KP_ONE:
        return 1;
    default:
        return ((1 + random_below((1UL << 31) - 1)) << 32) | (uint64_t)ensure_true_child_pid();
    }
}

static uint64_t sig_value(int class)
{
    uint64_t v;
    switch (class) {
    case KS_ZERO:
        return 0;
    case KS_KILL:
        return SIGKILL;
    case KS_BAD:
        do
            v = random_below(2) ? 1 + random_below(64) : random64();
        while ((uint32_t)v == 0 || (uint32_t)v == SIGKILL);
        return v;
    default:
        return ((1 + random_below((1UL << 32) - 1)) << 32) | SIGKILL;
    }
}

static uint64_t task_index_value(int class)
{
    int i;
    switch (class) {
    case TI_IDLE:
        return 0;
    case TI_SELF:
        return (uint64_t)my_task_index();
    case TI_CHILD:
        i = task_index_of(ensure_any_child_pid());
        return i < 0 ? 0 : (uint64_t)i;
    case TI_OTHER:
        i = task_index_used_other();
        return i < 0 ? 0 : (uint64_t)i;
    case TI_UNUSED:
        i = task_index_free();
        return i < 0 ? 0 : (uint64_t)i;
    case TI_ABOVE:
        return 64 + random_below(1UL << 31);
    case TI_NEGATIVE:
        return (uint64_t)(-1 - (int64_t)random_below(1UL << 62));
    default:
        return ((1 + random_below((1UL << 31) - 1)) << 32) | (uint64_t)my_task_index();
    }
}

static uint64_t va_value(int class)
{
    uint64_t free = 0x20000000UL + PAGE * random_below(1 << 20);
    switch (class) {
    case VA_FREE:
        return free;
    case VA_UNALIGNED:
        return free + 1 + random_below(PAGE - 1);
    case VA_TEXT:
        return pointer_of_class(PTR_TEXT, 1) & ~(PAGE - 1);
    default:
        return 0;
    }
}

// spawn_caps's list: slots of ours that may be given (not a reply capability).
static long giveable_slot(void)
{
    for (int tries = 0; tries < 64; tries++) {
        int s = (int)random_below(CAP_SLOTS);
        if (table[s].object >= 0 && objects[table[s].object].type != CAP_REPLY)
            return s;
    }
    return SLOT_CONSOLE;
}

static long cap_list[2 * 8];
static const long ro_caps[8] = {SLOT_CONSOLE, CAP_NONE,     SLOT_CONSOLE, CAP_NONE,
                                SLOT_CONSOLE, SLOT_CONSOLE, CAP_NONE,     SLOT_CONSOLE};

static void build_cap_list(struct call *c, int class)
{
    uint64_t n = 1 + random_below(8);
    int reply = class == CL_REPLY ? ensure_saved_reply(false, false) : -1;
    for (int i = 0; i < 8; i++)
        cap_list[i] = giveable_slot();
    c->arg[2] = (uint64_t)cap_list;
    c->arg[3] = n;
    int odd = (int)random_below(n); // the entry that is wrong
    switch (class) {
    case CL_NULL:
        c->arg[2] = 0;
        c->arg[3] = random64();
        break;
    case CL_WITH_NONE:
        n = 2 + random_below(7);
        c->arg[3] = n;
        for (uint64_t i = 0; i < n; i++)
            if (random_below(2))
                cap_list[i] = CAP_NONE;
        cap_list[random_below(n)] = CAP_NONE;
        break;
    case CL_ZERO_BAD_POINTER:
        c->arg[2] = pointer_of_class(random_below(2) ? PTR_KERNEL : PTR_UNMAPPED, 8);
        c->arg[3] = 0;
        break;
    case CL_EMPTY_SLOT:
        cap_list[odd] = random_free_slot();
        break;
    case CL_BAD_SLOT:
        cap_list[odd] = (long)sc_value(SC_64 + (int)random_below(3), -1); // 64, huge, below -1
        break;
    case CL_REPLY:
        cap_list[odd] = reply;
        break;
    case CL_COUNT_9:
        c->arg[3] = 9 + random_below((1UL << 31) - 9);
        break;
    case CL_COUNT_NEGATIVE:
        c->arg[3] = (uint64_t)(int64_t)(-1 - (long)random_below((1UL << 31) - 1));
        break;
    case CL_COUNT_HIGH:
        c->arg[3] = ((1 + random_below((1UL << 31) - 1)) << 32) | n;
        break;
    case CL_UNREADABLE:
        c->arg[2] = pointer_of_class(random_below(2) ? PTR_KERNEL : PTR_UNMAPPED, 8 * n);
        break;
    case CL_INTO_UNMAPPED: { // k entries fit below the top of the stack, n > k
        uint64_t room = stack_top_room() / 8, k = 1 + random_below(room < 7 ? room : 7);
        long *at = (long *)(STACK_TOP - 8 * k);
        for (uint64_t i = 0; i < k; i++)
            at[i] = SLOT_CONSOLE;
        c->arg[2] = (uint64_t)at;
        c->arg[3] = k + 1 + random_below(8 - k);
        break;
    }
    case CL_RODATA:
        c->arg[2] = (uint64_t)ro_caps;
        break;
    default: // CL_GOOD
        break;
    }
}

void build_call5(struct call *c)
{
    int *k = c->classes;
    struct want w[2];
    switch (c->kind) {
    case CALL_KILL:
        c->arg[0] = pid_value(k[0]);
        c->arg[1] = sig_value(k[1]);
        break;
    case CALL_ENDPOINT_CREATE:
    case CALL_NOTIFICATION_CREATE:
        if (k[0] == 1)
            fill_table();
        break;
    case CALL_CAP_MINT: {
        w[0] = (struct want){mint_slots_classes[k[0]], -1, &c->arg[0]};
        ensure_all(w, 1, -1);
        if (sc_needs_full(w[0].sc))
            fill_table();
        values_of(w, 1);
        const struct slot *src =
            c->arg[0] < CAP_SLOTS && table[c->arg[0]].object >= 0 ? &table[c->arg[0]] : NULL;
        c->arg[1] = rights_value(k[1], src);
        c->arg[2] = badge_value(k[2]);
        break;
    }
    case CALL_CAP_DELETE:
        w[0] = (struct want){delete_slots_classes[k[0]], -1, &c->arg[0]};
        ensure_all(w, 1, -1);
        values_of(w, 1);
        break;
    case CALL_CAP_DESCRIBE:
        w[0] = (struct want){describe_slots_classes[k[0]], -1, &c->arg[0]};
        ensure_all(w, 1, -1);
        values_of(w, 1);
        c->arg[1] = pointer_of_class(k[1], sizeof(struct cap_info));
        fill_where_allowed(c->arg[1], sizeof(struct cap_info), 0xff);
        break;
    case CALL_IPC_SEND:
    case CALL_IPC_CALL:
    case CALL_IPC_NBSEND:
        build_pair(c, &pairs_of(c->kind)->pairs[k[0]], -1);
        break;
    case CALL_IPC_REPLY_RECV:
        build_pair(c, &rr_pairs.pairs[rr_cases[k[0]].pair], rr_cases[k[0]].held);
        break;
    case CALL_IPC_RECV:
    case CALL_IPC_NBRECV:
        w[0] = (struct want){
            (c->kind == CALL_IPC_RECV ? recv_slots_classes : nbrecv_slots_classes)[k[0]], -1,
            &c->arg[0]};
        ensure_all(w, 1, k[1] == 1 ? HELD_LIVE : HELD_NONE);
        if (sc_needs_full(w[0].sc))
            fill_table();
        values_of(w, 1);
        break;
    case CALL_IPC_REPLY:
        w[0] = (struct want){pc_as_sc[reply_cases[k[0]].pc], -1, &c->x6};
        ensure_all(w, 1, reply_cases[k[0]].held);
        c->sets_x6 = true;
        values_of(w, 1);
        message_words(c);
        break;
    case CALL_IPC_SAVE_REPLY:
        ensure_held(k[0] == SR_NONE ? HELD_NONE : k[0] == SR_LOST ? HELD_LOST : HELD_LIVE);
        if (k[0] == SR_HELD_FULL_TABLE)
            fill_table();
        break;
    case CALL_NOTIFY_SIGNAL:
    case CALL_NOTIFY_WAIT:
    case CALL_NOTIFY_POLL:
        w[0] = (struct want){(c->kind == CALL_NOTIFY_SIGNAL ? signal_slots_classes
                              : c->kind == CALL_NOTIFY_WAIT ? wait_slots_classes
                                                            : poll_slots_classes)[k[0]],
                             -1, &c->arg[0]};
        ensure_all(w, 1, -1);
        values_of(w, 1);
        break;
    case CALL_NOTIFY_BIND:
    case CALL_IRQ_BIND:
        w[0] = (struct want){
            (c->kind == CALL_NOTIFY_BIND ? bind_nt_slots_classes : irq_slots_classes)[k[0]], -1,
            &c->arg[0]};
        w[1] = (struct want){
            (c->kind == CALL_NOTIFY_BIND ? bind_ep_slots_classes : irq_nt_slots_classes)[k[1]], -1,
            &c->arg[1]};
        ensure_all(w, 2, -1);
        values_of(w, 2);
        break;
    case CALL_IRQ_ACK:
    case CALL_DEVMEM_MAP:
        w[0] = (struct want){irq_slots_classes[k[0]], -1, &c->arg[0]};
        ensure_all(w, 1, -1);
        values_of(w, 1);
        if (c->kind == CALL_DEVMEM_MAP)
            c->arg[1] = va_value(k[1]);
        break;
    case CALL_TASK_DESCRIBE:
        c->arg[0] = task_index_value(k[0]);
        c->arg[1] = pointer_of_class(k[1], sizeof(struct task_info));
        fill_where_allowed(c->arg[1], sizeof(struct task_info), 0xff);
        break;
    case CALL_KEEL_STATS:
        c->arg[0] = pointer_of_class(k[0], sizeof(struct keel_stats));
        fill_where_allowed(c->arg[0], sizeof(struct keel_stats), 0xff);
        break;
    case CALL_SPAWN_CAPS:
        c->arg[0] = spawn_path(k[0] == SP_TRUE ? PATH_TRUE_DATA : PATH_MISSING);
        c->arg[1] = spawn_argv(ARGV_ONE);
        build_cap_list(c, k[1]);
        break;
    default:
        break;
    }
}
#endif
