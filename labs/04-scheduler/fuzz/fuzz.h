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
    int wait_pid;
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
    CALL_UNKNOWN, // a number that is no call: anything in x8
    NCALLS
};

#define MAX_ARGS 6
#define MAX_DIMS 4

// One system call to make: its number, its arguments, and which class each came from.
struct call {
    enum call_kind kind;
    int combination;
    uint64_t number;        // x8
    uint64_t arg[MAX_ARGS]; // x0 .. x5
    int classes[MAX_DIMS];  // the class drawn for each of the call's dimensions
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
int some_child(void); // a random live child's pid, or 0
int newest_pid(void); // the last pid a spawn returned (pids only grow)
void child_started(int pid);
void child_reaped(int pid);
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

#endif
