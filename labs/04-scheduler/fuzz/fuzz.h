// fuzz.h — the system call fuzzer's parts (labs/04-scheduler/fuzz/): what one call is, the
// classes its arguments are drawn from, and what docs/syscalls.md says it must return.
//
//   main.c    the loop: every combination of argument classes, in a seeded order, each
//             call checked against the oracle and for preserved registers; the summary
//   calls.c   the calls and their argument classes; building one call's arguments
//   spawn_args.c  spawn's paths and argument vectors
//   memory.c  this program's own address space: where each pointer class points, and
//             which ranges EL0 may read or write
//   children.c    the children spawn started, for wait4's oracle and the final count
//   oracle.c  the results docs/syscalls.md allows for a call's arguments
//   svc.S     the system call itself, with every other register loaded and compared
// From lab 5 on (LAB >= 5), the capability and IPC calls too:
//   calls5.c  their argument classes (slots of every kind, rights, badges, pids, messages)
//   caps.c    the capability table as it must be: what each slot holds, the objects the
//             fuzzer keeps to fuzz on (its fixtures), and getting a slot of each class
//   peers.c   the fuzzer's partners in IPC: children that serve, send, call and destroy
//             (`fuzz peer ...` is such a child), and what each must end with
//   oracle5.c the results docs/syscalls.md allows for them, and what they change
// From lab 6 on (LAB >= 6), the shared memory calls too:
//   regions.c their argument classes, their oracle, and the regions each combination makes
//             and deletes again
// From lab 7 on (LAB >= 7), the file calls too:
//   files.c   the calls on fds: the fd table as it must be, their classes and oracle, and
//             the pipes each combination opens and closes again
//   paths.c   the calls that name a path: the fuzzer's directory as it must be, the classes
//             of paths and dirfds, their oracle, and the names each combination makes and
//             removes again
// From lab 8 on (LAB >= 8), the disk, clock and power calls too:
//   calls8.c  sync, clock_gettime, reboot (only ever wrong: a right one powers off) and
//             disk_writeback (the slot errors: the fuzzer holds no disk): their classes,
//             their oracle, and the time clock_gettime writes
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include "ulib.h"

// --- svc.S ------------------------------------------------------------------------------

// Every register a system call must preserve (docs/syscalls.md, "Preserved").
struct regs {
    uint64_t x[31];
    uint64_t sp;
    uint64_t nzcv;      // the condition flags, bits 31..28
    uint64_t tpidr_el0; // the thread pointer, which EL0 may set as it likes
};

// Loads x0-x30 and NZCV from *in, makes the call (svc #0; in->x[8] is the number), and
// stores x0-x30, SP and NZCV as they came back into *out, and SP as it was into *sp_before.
// Returns out->x[0], the result.
long fuzz_svc(const struct regs *in, struct regs *out, uint64_t *sp_before);

// --- memory.c ---------------------------------------------------------------------------

// The top of the stack: the page above it is unmapped, and 2^39 ends the user half.
#define STACK_TOP ((1UL << 39) - 4096)

// Where a pointer argument points.  Each class has a fixed meaning for EL0's access, whatever
// the random value drawn in it (memory.c says how).
enum ptr_class {
    PTR_NULL,          // 0
    PTR_PAGE_ZERO,     // 1 .. 0xfff: below USER_MIN
    PTR_MINUS_ONE,     // 0xffff_ffff_ffff_ffff
    PTR_KERNEL,        // inside the kernel image
    PTR_NONCANONICAL,  // bits 63..39 neither all zeros nor all ones
    PTR_USER_TOP,      // at or just below 2^39: the unmapped page above the stack, and beyond
    PTR_UNMAPPED,      // a user page nothing is mapped at
    PTR_STACK_GUARD,   // the guard below the stack
    PTR_TEXT,          // this program's code: EL0 may read it, not write it
    PTR_RODATA,        // a read-only buffer (8 KiB of '.')
    PTR_RO_THEN_RW,    // from the end of the read-only pages into the writable ones
    PTR_DATA,          // a writable buffer (8 KiB, two pages)
    PTR_STACK,         // a writable buffer on this program's stack
    PTR_ACROSS_PAGES,  // across the boundary of the writable buffer's two pages
    PTR_INTO_UNMAPPED, // running off the top of the stack into the unmapped page above
    NPTR
};

// How long a buffer is.  Every length of a class either fits each "inside" pointer class
// (TEXT .. ACROSS_PAGES) or runs out of all of them, whatever is drawn.
enum len_class {
    LEN_ZERO,      // 0
    LEN_ONE,       // 1
    LEN_SMALL,     // 2 .. 64
    LEN_PAGE,      // 4095 .. 4097
    LEN_TWO_PAGES, // 8192
    LEN_LARGE,     // 256 KiB .. 1 MiB: more than this program and its stack
    LEN_HUGE,      // 2^39 .. 2^62: more than the whole user half
    LEN_TOP,       // 2^63 .. 2^64 - 1
    NLEN
};

extern const char *const ptr_class_names[NPTR];
extern const char *const len_class_names[NLEN];

// Sets up the buffers; `stack_area` is a buffer of STACK_AREA bytes on main's stack.
#define STACK_AREA 8192
void memory_init(char *stack_area);
// A pointer of class `class` for an access of `len` bytes (len bounds where it may go).
uint64_t pointer_of_class(enum ptr_class class, uint64_t len);
uint64_t length_of_class(enum len_class class);
// Whether EL0 may read (or, with `write`, write) every byte of [p, p + len): the rules of
// docs/syscalls.md applied to this program's segments (user/user.ld) and stack (uvm.h).
// len 0 is always allowed.
bool user_may_access(uint64_t p, uint64_t len, bool write);
// How many bytes from `p` on are readable, up to `max`.
uint64_t readable_bytes(uint64_t p, uint64_t max);
// Fills [p, p + len) with `byte` where the fuzzer may write (its writable buffers, and the
// dead room at the top of the stack), so that a call finds something known there.
void fill_where_allowed(uint64_t p, uint64_t len, int byte);
// Whether `class` points somewhere the fuzzer may fill (to lay out a timespec or a string).
bool ptr_class_writable(enum ptr_class class);
// The room at the top of the stack that belongs to nobody any more (the first argument
// strings, read at start): PTR_INTO_UNMAPPED points into it.
uint64_t stack_top_room(void);

// --- oracle.c ---------------------------------------------------------------------------

enum verdict {
    RUN,         // make the call and check it
    WOULD_BLOCK, // would wait for console input, or sleep for ever: not made
    WOULD_FLOOD, // would print more than 64 bytes, or bytes that are not text: not made
    UNSAFE,      // would start a program other than `true`: not made
};

// What a call may return: any of `errors` if there are some (when several problems apply,
// docs/syscalls.md allows any of them); else the success described by `success`.
struct expected {
    enum verdict verdict;
    long errors[6];
    int nerrors;
    enum {
        SUCCESS_VALUE,       // exactly `value`
        SUCCESS_NEW_PID,     // spawn: a pid > 0 never seen before
        SUCCESS_REAPED,      // wait4: the pid of a child it may reap (`wait_pid`: -1 = any)
        SUCCESS_REAPED_OR_0, // wait4 with WNOHANG: the same, or 0
    } success;
    long value;
    long value_alt; // with has_alt: this success value is allowed too
    bool has_alt;
    int wait_pid;
    // A call that receives (lab 5's message calls) changes x1..x7 on success: to these values
    // where bit r of out_known is set; every other register must come back unchanged.
    unsigned out_known;
    uint64_t out[8];
};

void expect_error(struct expected *e, long error);

// --- calls.c ----------------------------------------------------------------------------

enum call_kind {
    CALL_READ,
    CALL_WRITE,
    CALL_NANOSLEEP,
    CALL_SCHED_YIELD,
    CALL_GETPID,
    CALL_GETPPID,
    CALL_SYSINFO,
    CALL_WAIT4,
    CALL_SPAWN,
#if LAB >= 5
    CALL_KILL,
    CALL_ENDPOINT_CREATE,
    CALL_NOTIFICATION_CREATE,
    CALL_CAP_MINT,
    CALL_CAP_DELETE,
    CALL_CAP_DESCRIBE,
    CALL_IPC_SEND,
    CALL_IPC_RECV,
    CALL_IPC_CALL,
    CALL_IPC_REPLY,
    CALL_IPC_REPLY_RECV,
    CALL_IPC_NBSEND,
    CALL_IPC_NBRECV,
    CALL_IPC_SAVE_REPLY,
    CALL_NOTIFY_SIGNAL,
    CALL_NOTIFY_WAIT,
    CALL_NOTIFY_POLL,
    CALL_NOTIFY_BIND,
    CALL_IRQ_BIND,
    CALL_IRQ_ACK,
    CALL_DEVMEM_MAP,
    CALL_TASK_DESCRIBE,
    CALL_KEEL_STATS,
    CALL_SPAWN_CAPS, // spawn with a list of capabilities (x2, x3)
#endif
    CALL_UNKNOWN, // a number that is no call: anything in x8
#if LAB >= 6
    CALL_REGION_CREATE, // lab 6's calls come after it: lab 5's ranges stop at CALL_UNKNOWN
    CALL_REGION_MAP,
    CALL_REGION_UNMAP,
    CALL_REGION_REVOKE,
#endif
#if LAB >= 7
    CALL_CLOSE, // lab 7's calls come after lab 6's
    CALL_DUP,
    CALL_DUP3,
    CALL_PIPE2,
    CALL_LSEEK,
    CALL_FSTAT,
    CALL_FSYNC,
    CALL_GETDENTS64,
    CALL_PRLIMIT64,
    CALL_OPENAT, // the path calls (paths.c) come after the fd calls
    CALL_NEWFSTATAT,
    CALL_MKDIRAT,
    CALL_UNLINKAT,
    CALL_RENAMEAT,
    CALL_CHDIR,
    CALL_GETCWD,
#endif
#if LAB >= 8
    CALL_SYNC, // lab 8's calls come after lab 7's path calls
    CALL_CLOCK_GETTIME,
    CALL_REBOOT,
    CALL_DISK_WRITEBACK,
#endif
    NCALLS
};

#define MAX_ARGS 6
#define MAX_DIMS 4

// One system call to make: its number, its arguments, and which class each came from.
// combination -1: a helper call (main.c and caps.c make them to set a state up), with no
// classes; checked like every other.
struct call {
    enum call_kind kind;
    int combination;
    uint64_t number;        // x8
    uint64_t arg[MAX_ARGS]; // x0 .. x5
    int classes[MAX_DIMS];  // the class drawn for each of the call's dimensions
    bool sets_x6;           // the message calls' x6 (a slot to pass): `x6`, not garbage
    uint64_t x6;
};

// The classes of one argument (or of a few taken together), and what each is called.
struct dimension {
    const char *what;
    int nclasses;
    const char *const *names;
};

struct call_info {
    const char *name;
    uint64_t number; // 0 for CALL_UNKNOWN: drawn per call
    int ndims;
    struct dimension dims[MAX_DIMS];
};

void calls_init(void);
const char *call_name(enum call_kind kind);
// The number of class combinations of a call, and whether a rule leaves one out because it
// would block or flood whatever values were drawn (calls.c says which and why).
int combinations(enum call_kind kind);
bool combination_left_out(enum call_kind kind, int combination);
// Whether the combination needs a live child (wait4 for a particular child).
bool combination_needs_child(enum call_kind kind, int combination);
// Builds the call for combination `combination` of `kind`, with fresh random values, and
// lays out in memory what its pointers point at.
void build_call(enum call_kind kind, int combination, struct call *c);
// The helper calls main.c makes when a combination needs them: spawn("true", {"true"}), and
// wait4(-1, NULL, 0, NULL).  Checked like every other call.
void build_spawn_true(struct call *c);
void build_wait_any(struct call *c);
// Describes the call (classes and values) for a failure report.
void describe_call(const struct call *c, char *buf, size_t size);
// Only the number and classes of c->kind's combination c->combination (to name it).
void build_classes(struct call *c);
// A helper call: `number` with these arguments (the rest garbage), not one of the combinations.
void build_helper(struct call *c, enum call_kind kind, uint64_t a0, uint64_t a1, uint64_t a2);
// Makes a call and checks it (main.c): what the combinations and the helpers go through.
// Returns its result, or NOT_MADE if the oracle said not to make it.
#define NOT_MADE (-0x7fffffffffffffffL - 1)
long make_call(const struct call *c);

// --- spawn_args.c -----------------------------------------------------------------------

enum path_class {
    PATH_TRUE_DATA,
    PATH_TRUE_STACK,
    PATH_TRUE_ACROSS,
    PATH_MOTD,
    PATH_MISSING,
    PATH_63_BYTES,
    PATH_LONG,
    PATH_INTO_UNMAPPED,
    PATH_NULL,
    PATH_KERNEL,
    PATH_UNMAPPED,
    PATH_MINUS_ONE,
    PATH_NONCANONICAL,
    PATH_TEXT,
    PATH_RODATA,
    NPATH
};
enum argv_class {
    ARGV_NULL,
    ARGV_KERNEL,
    ARGV_UNMAPPED,
    ARGV_MINUS_ONE,
    ARGV_TEXT,
    ARGV_RODATA,
    ARGV_ONE,
    ARGV_EMPTY,
    ARGV_32,
    ARGV_33,
    ARGV_4096_BYTES,
    ARGV_4097_BYTES,
    ARGV_BAD_STRING,
    ARGV_STRING_INTO_UNMAPPED,
    ARGV_ARRAY_INTO_UNMAPPED,
    ARGV_ACROSS_PAGES,
    NARGV
};
extern const char *const path_names[NPATH];
extern const char *const argv_names[NARGV];
// A path, or an argument vector, of the class (laid out in memory as it says).
uint64_t spawn_path(int class);
uint64_t spawn_argv(int class);

// --- children.c -------------------------------------------------------------------------

#define MAX_CHILDREN 12 // alive at once: far from the 63 task slots (no EAGAIN)

int live_children(void);
bool is_child(int pid);
int some_child(void);        // a random live child's pid that wait4 may reap, or 0
int newest_pid(void);        // the last pid a spawn returned (pids only grow)
void child_started(int pid); // a `true`: it exits 0 at once
void child_reaped(int pid);
// Children wait4 may reap: they have ended, or will without anyone's help (`true`s; lab 5's
// peers once their end is settled).  Only those are waited for without WNOHANG.
int reapable_children(void);
bool child_reapable(int pid);
int live_trues(void); // the `true`s among them (at most MAX_CHILDREN)
// Whether wait4 may report `status` for `pid` (a `true` exits 0; a killed one may end with
// SIGKILL instead; a peer ends as peers.c settled it).
bool child_status_allowed(int pid, int status);
int last_reaped_pid(void); // 0 if none yet
// Reaps every child left; returns the number of problems found (a pid nobody spawned, a
// child that did not exit 0, one missing), printing each.
int reap_all_children(int *started, int *reaped);

// --- oracle.c ---------------------------------------------------------------------------

// Fills *e from the call's arguments and what they point at.
void predict(const struct call *c, struct expected *e);
bool result_allowed(const struct expected *e, long result);
void describe_expected(const struct expected *e, char *buf, size_t size);
// After a call that succeeded: checks what it wrote (sysinfo's fields, nanosleep's rem,
// wait4's status).  Returns NULL, or what is wrong.
const char *check_what_it_wrote(const struct call *c, long result);
// The pids the fuzzer itself has, for getpid and getppid.
void oracle_init(int pid, int ppid);

// --- random numbers (main.c) ------------------------------------------------------------

uint64_t random64(void);
uint64_t random_below(uint64_t n);
// A failure found outside a call (a peer that ended wrongly, the end counts): printed like
// a call's, counted in the summary.
void fail_other(const char *what);

#if LAB >= 5
// --- lab 5: capabilities and IPC ----------------------------------------------------------

// children.c: the peers among the children, and the kernel's task table as it must be
// (task_describe numbers tasks by their slot in it; a spawn takes the lowest free slot).
void peer_child_started(int pid);
void child_settled(int pid, int status); // a peer's end is decided: wait4 will see `status`
void child_killed(int pid);              // SIGKILL sent: it may end with that instead
void task_table_init(void);              // reads it with task_describe, before any spawn
int task_at(int index);                  // the pid in slot `index`, or 0
int task_index_of(int pid);              // -1 if none
int task_index_used_other(void);         // a slot of a task that is neither us nor a child
int task_index_free(void);               // an unused slot in 1..63 (-1 if none)
int my_task_index(void);

#define RIGHTS_SRG (RIGHT_SEND | RIGHT_RECV | RIGHT_GRANT) // what a new object's original has
void child_any_status(int pid); // after a failure: whatever it ends with is not checked
void reap_ended_quietly(void);  // after a failure: reap what has ended, unchecked
void kill_all_children(void);   // after a failure, at the end: so that all can be reaped

// calls5.c
extern const struct call_info calls5[];
void calls5_init(void);
int combinations5(enum call_kind kind);
bool combination_left_out5(enum call_kind kind, int combination);
bool combination_needs_full_table(enum call_kind kind, int combination);
void build_call5(struct call *c);

// caps.c: the fuzzer's own capability table, as it must be.
#define NFIXTURES 17
enum fixture {
    FX_EP,      // an endpoint nobody else holds: sends and receives on it find nobody
    FX_SERVED,  // the endpoint the server peer receives on
    FX_FULL,    // the endpoint the full server (no free slot) receives on
    FX_IN_SEND, // inboxes: peers send (or call) the fuzzer through these
    FX_IN_CALL,
    FX_IN_PASS,
    FX_IN_HOLD,      // callers whose reply rights the fuzzer takes to hold or save
    FX_IN_HOLD_FULL, // the same, callers with no free slot
    FX_IN_DOOM,      // peers hand the fuzzer copies of endpoints they will destroy
    FX_IN_DOOM_NT,   // ... and of notifications
    FX_IN_WAIT,      // the waiter peer tells the fuzzer what its notify_wait returned
    FX_BOUND_EP,     // an endpoint with a notification bound to it
    FX_BOUND_NT,     // that notification
    FX_NT,           // a notification
    FX_NT_PASS,      // the notification pass peers send copies of
    FX_SERVED_NT,    // a notification bound to FX_SERVED: a signal wakes the server in its recv
    FX_WAITED_NT,    // the notification the waiter peer waits on
};
enum role { ROLE_FREE, ROLE_INHERITED, ROLE_FIXTURE, ROLE_COPY, ROLE_FILLER, ROLE_SCRATCH };
#define MAX_OBJECTS 200
struct object {
    bool live;
    unsigned type;      // CAP_*
    unsigned kernel_id; // cap_info.object, once seen; 0 before
    int fixture;        // FX_*, or -1
    int owner_peer;     // an object a peer created (and will destroy): its pid; else 0
    uint64_t word;      // a notification's bits, signalled and not yet taken
    int bound;          // the object bound to it (notification <-> endpoint), or -1
    int caller;         // a CAP_REPLY: the pid of the caller it answers (0: it died)
};
struct slot {
    int object; // -1: empty
    unsigned rights;
    uint64_t badge;
    bool original;
    enum role role;
};
extern struct slot table[CAP_SLOTS];
extern struct object objects[MAX_OBJECTS];

void caps_init(void); // reads what the fuzzer was given (slot 0, perhaps more)
int free_slot_count(void);
int lowest_free_slot(void); // -1: full
int used_slot_count(void);
int live_object_count(void); // objects created by the fuzzer or its peers, alive
// Where a slot class points now, made so if need be (calls5.c's classes use these).
int fixture_slot(enum fixture f); // the original of a fixture (created if need be)
int fixture_object(enum fixture f);
int fixture_object_now(enum fixture f); // -1 if it does not exist now (nothing is made)
// A copy of fixture `f`'s object with exactly `rights` and (if `badged`) a non-zero badge.
int copy_slot(enum fixture f, unsigned rights, bool badged);
int scratch_original(unsigned type, bool unbound);  // a scratch endpoint or notification
int scratch_copy(void);                             // a copy nobody relies on
int scratch_copy_of(int original, unsigned rights); // a copy of that slot's object
int caps_pin(int slot); // the call being built names it: room-making leaves it alone
void caps_unpin_all(void);
const struct keel_stats *caps_baseline(void);
int any_used_slot_but_console(void);
int random_free_slot(void);
void make_room(void);  // deletes fillers and scratch slots until there is room to work
void fill_table(void); // mints fillers until no slot is free
void set_word(enum fixture f, bool bits); // makes the notification's word non-zero, or 0
// What a call did to the table (oracle5.c).
int new_object(unsigned type, int fixture, int owner_peer);
void put_slot(int slot, int object, unsigned rights, uint64_t badge, bool original, enum role role);
void empty_slot(int slot);
void destroy_object(int object); // every slot naming it empties; the peers it affects settle
void learn_slot(int slot);       // cap_describe: its kernel id; a failure if it differs
void caps_reconcile(void);       // after a failure: the table as the kernel has it
void caps_teardown(void);        // deletes everything the fuzzer made (helper calls)
void caps_stats_baseline(void);
bool caps_stats_check(char *what, size_t size); // keel_stats back at the baseline?
void caps_stats_summary(char *buf, size_t size);
bool caps_degraded(void); // after a failure: make no call that could block
void caps_degrade(void);

// peers.c: the fuzzer's partners in IPC.
enum held { HELD_NONE, HELD_LIVE, HELD_FULL, HELD_LOST, NHELD };
extern const char *const held_names[NHELD];
void held_loss_forgotten(void);
struct peer;
int peer_main(int argc, char **argv); // `fuzz peer KIND ...`
void peers_init(void);
// Makes sure of a state; each may spawn peers and make helper calls.
void ensure_server(bool full);                // a server waiting in recv on FX_SERVED (FX_FULL)
void ensure_queued(enum fixture inbox);       // a peer waiting in send or call on the inbox
void ensure_held(enum held h);                // the reply right the fuzzer holds
int ensure_saved_reply(bool full, bool dead); // a CAP_REPLY slot; its caller as asked
int ensure_doomed(unsigned type); // a copy of a peer's object it destroys once we wait on it
int ensure_true_child_pid(void);  // a live `true`'s pid (spawned if need be; calls5.c)
int queued_peer_pid(void);        // a peer queued on FX_IN_SEND
int held_peer_pid(void);          // the caller whose reply right we hold, or 0
int saved_peer_pid(void);         // a caller whose reply we saved
enum held held_state(void);
bool held_lost_told(void); // lost, and ipc_reply said ESRCH since
bool server_waiting(bool full);
// Receives: the head of an inbox's queue, and the next after one (NULL: none).
struct peer *queue_head(enum fixture inbox);
struct peer *queue_after(const struct peer *after);
void peer_message(const struct peer *p, uint64_t out[8]); // x1..x7 as the fuzzer gets them
bool peer_passes(const struct peer *p);
bool peer_is_caller(const struct peer *p);
void peer_pass_info(const struct peer *p, int *object, unsigned *type, unsigned *rights,
                    uint64_t *badge); // object -1: a doomer's, not known yet
int peer_new_doom_object(struct peer *p);
bool saved_full(int pid);                     // the caller of a saved reply has no free slot
int peer_state_of(int pid, unsigned *object); // TASK_STATE_* it must be in, or 0: any
// What happened to peers (oracle5.c), each settling or moving one on.
void peer_taken(struct peer *p, bool as_caller);
void peer_failed_delivery(struct peer *p, long err);
void held_dropped(void); // a recv while holding: the caller gets EPIPE
void held_replied(const uint64_t reply[8], long result, bool passed);
void held_saved(int slot);
void held_told(void);
void held_lost_reported(void);
void saved_replied(int pid, const uint64_t reply[8], long result, bool passed);
void saved_dropped(int pid);             // its CAP_REPLY deleted: EPIPE
void peer_killed(int pid);               // SIGKILL
void peers_object_destroyed(int object); // an inbox or a served endpoint: its peers end
void ensure_waiter(void);                // a peer waiting in notify_wait on FX_WAITED_NT
// A signal went to a notification: the peer it wakes, if any, gets the word (peers.c says
// who, and checks what they did with it).
void peers_signalled(int object);
bool is_inbox(int fixture);
void doomed_done(int object);
// The server's answer to a message (both sides compute it).
void server_expect(bool full, const uint64_t in[8], uint64_t badge, bool pass,
                   const struct slot *passed, uint64_t reply[8], bool drop);
void server_took(bool full, const uint64_t in[8], uint64_t badge, const struct slot *passed);
void peers_teardown(void);                     // every peer let go, so that all can be reaped
void peers_check_settled(void);                // after caps_teardown: none still waiting
int peers_objects_in_flight(void);             // made by peers, not known to the fuzzer yet
uint64_t reply_fold(const uint64_t regs[8]);   // what a caller's exit status says of its reply
#define SERVER_DROP_LABEL 0x6e6f2d7265706c79UL // "no-reply": the server receives again

// children.c (lab 5)
int some_true(void); // a live `true`, or 0
int any_child(void); // any live child, or 0

// oracle5.c
void predict5(const struct call *c, struct expected *e);
void apply5(const struct call *c, const struct expected *e, long result, const struct regs *out);
const char *check_what_it_wrote5(const struct call *c, long result, const struct regs *out);
void oracle5_init(void);
#endif

#if LAB >= 6
// --- lab 6: shared memory (regions.c) -----------------------------------------------------
extern const struct call_info calls6[];
void regions6_init(void); // before the baseline: the page tables regions are mapped with
void build_call6(struct call *c);
void predict6(const struct call *c, struct expected *e);
void apply6(const struct call *c, long result); // and deletes what the combination made
#endif

#if LAB >= 7
// --- lab 7: files (files.c) ---------------------------------------------------------------
extern const struct call_info calls7[];
void calls7_init(void);
// Reads the fd table and the limit as the fuzzer starts with them, and makes its directory,
// /tmp/fuzz-SEED, with an empty file in it; teardown removes them.
void files7_init(uint64_t seed);
void files7_teardown(void);
void files7_check_counts(void); // after every child is reaped: the VFS server's counts
void build_call7(struct call *c);
void predict7(const struct call *c, struct expected *e);
const char *check_what_it_wrote7(const struct call *c, long result);
// What the call changed in the fd table; then everything the combination opened is closed
// (also after a call not made: result NOT_MADE).
void apply7(const struct call *c, long result);

// files.c's fd table, for paths.c: what each fd is, opening and closing through the model.
enum fkind { FK_NONE, FK_CON_IN, FK_CON_OUT, FK_PIPE_R, FK_PIPE_W, FK_FILE, FK_DIR };
int fd7_lowest_free(void);                                  // -1: none below the limit
int fd7_open(const char *path, int flags, enum fkind kind); // a helper open, checked
int fd7_pipe_end(void);                                     // a new pipe's end (either)
int fd7_never_opened(void);
void fd7_no_room(void); // the soft limit lowered: no free fd below it
void fd7_opened(int fd, enum fkind kind, bool cloexec); // a call opened fd
enum fkind fd7_kind(int fd);
uint32_t fd7_mode(int fd); // fstat's st_mode and st_ino of an open fd, as the model has them
uint64_t fd7_ino(int fd);
void fd7_cleanup(void); // the fd table back to 0, 1, 2 and the full limit

// paths.c
extern const struct call_info calls7p[];
void paths7_init(const char *dir); // the fuzzer's directory made, and the cwd: its nodes
void paths7_check_counts(void);    // at the end: the VFS server's counts back where they were?
void build_paths7(struct call *c);
void predict_paths7(const struct call *c, struct expected *e);
const char *check_paths7(const struct call *c, long result);
void apply_paths7(const struct call *c, long result); // checks and restores the directory
#endif

#if LAB >= 8
// --- lab 8: the disk, the clock and power (calls8.c) --------------------------------------
extern const struct call_info calls8[];
bool combination_left_out8(enum call_kind kind, int combination); // reboot's power-offs
void build_call8(struct call *c);
void predict8(const struct call *c, struct expected *e);
// clock_gettime's time, or (when it failed) its tp untouched: NULL, or what is wrong.
const char *check_what_it_wrote8(const struct call *c, long result);
void apply8(const struct call *c, long result); // deletes the regions the combination made
#endif

#endif
