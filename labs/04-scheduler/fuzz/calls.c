// calls.c — the calls the fuzzer makes, the classes each argument is drawn from, and how one
// call's arguments are built (and what they point at laid out in memory).
//
// Every call of docs/syscalls.md is fuzzed but exit and exit_group (the fuzzer must live to
// tell).  A call's argument classes multiply into combinations; main.c makes every one in
// each pass.  A few combinations are left out by rule, because whatever values are drawn the
// call would not return soon or would flood the console (combination_left_out):
//   read from fd 0 into a good buffer of 1 to 8192 bytes   waits for typing
//   write of 4095 bytes or more from a good buffer to 1/2   floods the console
//   write from the code, or from across rodata's end        prints binary
//   nanosleep of centuries with a good or NULL rem          never returns
// The same calls with a bad pointer or a bad descriptor are made, which is what matters:
// they must fail at once.  spawn starts nothing but `true` (which exits at once); wait4 only
// ever waits for those.  From lab 5 on, the capability and IPC calls are fuzzed too: their
// classes are in calls5.c.
#include "fuzz.h"

#define NSEC 1000000000L

// --- classes that are not pointers or lengths -------------------------------------------

enum fd_class { FD_ZERO, FD_STD, FD_BAD, FD_TRUNCATED, NFD };
static const char *const fd_names[NFD] = {"0", "1 or 2", "bad", "0/1/2 in the low 32 bits"};

// nanosleep's req: a bad or read-only place (its content is whatever is there), or one of the
// writable places with a timespec of some kind in it.
enum req_content {
    TS_ZERO,
    TS_SHORT,
    TS_NSEC_TOO_BIG,
    TS_NSEC_NEGATIVE,
    TS_SEC_NEGATIVE,
    TS_CENTURIES,
    NTS
};
static const char *const ts_names[NTS] = {"{0, 0}",      "a few ns",   "tv_nsec >= 10^9",
                                          "tv_nsec < 0", "tv_sec < 0", "centuries"};
static const enum ptr_class req_fixed[] = {
    PTR_NULL,     PTR_PAGE_ZERO,   PTR_MINUS_ONE, PTR_KERNEL, PTR_NONCANONICAL, PTR_USER_TOP,
    PTR_UNMAPPED, PTR_STACK_GUARD, PTR_TEXT,      PTR_RODATA, PTR_RO_THEN_RW,   PTR_INTO_UNMAPPED};
static const enum ptr_class req_filled[] = {PTR_DATA, PTR_STACK, PTR_ACROSS_PAGES};
#define NREQ_FIXED (int)(sizeof(req_fixed) / sizeof(req_fixed[0]))
#define NREQ (NREQ_FIXED + 3 * NTS)
static const char *req_names[NREQ]; // filled in by calls_init

enum pid_class { PID_ANY, PID_CHILD, PID_NOT_CHILD, PID_ZERO, PID_BELOW, PID_TRUNCATED, NPID };
static const char *const pid_names[NPID] = {"-1", "a live child", "not a child",
                                            "0",  "below -1",     "-1/child in the low 32 bits"};
enum options_class { OPT_ZERO, OPT_WNOHANG, OPT_BAD, OPT_TRUNCATED, NOPT };
static const char *const options_names[NOPT] = {"0", "WNOHANG", "bad bits",
                                                "0/WNOHANG in the low 32 bits"};
enum rusage_class { RUSAGE_NULL, RUSAGE_SET, NRUSAGE };
static const char *const rusage_names[NRUSAGE] = {"NULL", "not NULL"};

enum number_class {
    NUM_HOLE,
    NUM_ABOVE,
    NUM_NEGATIVE,
    NUM_HIGH_BITS,
    NUM_TOP_BIT,
    NUM_RANDOM,
    NNUM
};
static const char *const number_names[NNUM] = {
    "a hole in the table", "above the table", "negative",
    "a call + k * 2^32",   "a call + 2^63",   "random 64 bits"};

static const char *const garbage_names[1] = {"garbage in x0-x5"};

// --- the calls ----------------------------------------------------------------------------

static const struct call_info calls[NCALLS] = {
    [CALL_READ] = {"read",
                   SYS_read,
                   3,
                   {{"fd", NFD, fd_names},
                    {"buf", NPTR, ptr_class_names},
                    {"len", NLEN, len_class_names}}},
    [CALL_WRITE] = {"write",
                    SYS_write,
                    3,
                    {{"fd", NFD, fd_names},
                     {"buf", NPTR, ptr_class_names},
                     {"len", NLEN, len_class_names}}},
    [CALL_NANOSLEEP] = {"nanosleep",
                        SYS_nanosleep,
                        2,
                        {{"req", NREQ, req_names}, {"rem", NPTR, ptr_class_names}}},
    [CALL_SCHED_YIELD] = {"sched_yield", SYS_sched_yield, 1, {{"args", 1, garbage_names}}},
    [CALL_GETPID] = {"getpid", SYS_getpid, 1, {{"args", 1, garbage_names}}},
    [CALL_GETPPID] = {"getppid", SYS_getppid, 1, {{"args", 1, garbage_names}}},
    [CALL_SYSINFO] = {"sysinfo", SYS_sysinfo, 1, {{"info", NPTR, ptr_class_names}}},
    [CALL_WAIT4] = {"wait4",
                    SYS_wait4,
                    4,
                    {{"pid", NPID, pid_names},
                     {"status", NPTR, ptr_class_names},
                     {"options", NOPT, options_names},
                     {"rusage", NRUSAGE, rusage_names}}},
    [CALL_SPAWN] = {"spawn",
                    SYS_spawn,
                    2,
                    {{"path", NPATH, path_names}, {"argv", NARGV, argv_names}}},
    [CALL_UNKNOWN] = {"no call", 0, 1, {{"x8", NNUM, number_names}}},
};

static const struct call_info *info(enum call_kind kind)
{
#if LAB >= 8
    if (kind > CALL_GETCWD)
        return &calls8[kind - CALL_GETCWD - 1];
#endif
#if LAB >= 7
    if (kind > CALL_PRLIMIT64)
        return &calls7p[kind - CALL_PRLIMIT64 - 1];
    if (kind > CALL_REGION_REVOKE)
        return &calls7[kind - CALL_REGION_REVOKE - 1];
#endif
#if LAB >= 6
    if (kind > CALL_UNKNOWN)
        return &calls6[kind - CALL_UNKNOWN - 1];
#endif
#if LAB >= 5
    if (kind > CALL_SPAWN && kind < CALL_UNKNOWN)
        return &calls5[kind - CALL_SPAWN - 1];
#endif
    return &calls[kind];
}

const char *call_name(enum call_kind kind)
{
    return info(kind)->name;
}

int combinations(enum call_kind kind)
{
    int n = 1;
    for (int d = 0; d < info(kind)->ndims; d++)
        n *= info(kind)->dims[d].nclasses;
    return n;
}

// Combination number -> one class per dimension (the first dimension varies fastest).
static void decode(enum call_kind kind, int combination, int classes[MAX_DIMS])
{
    for (int d = 0; d < info(kind)->ndims; d++) {
        classes[d] = combination % info(kind)->dims[d].nclasses;
        combination /= info(kind)->dims[d].nclasses;
    }
}

static bool fd_may_be(int fd_class, int fd)
{
    return fd_class == FD_TRUNCATED || (fd == 0 ? fd_class == FD_ZERO : fd_class == FD_STD);
}

static bool good_buffer(int ptr_class)
{
    return ptr_class == PTR_DATA || ptr_class == PTR_STACK || ptr_class == PTR_ACROSS_PAGES;
}

bool combination_left_out(enum call_kind kind, int combination)
{
    int k[MAX_DIMS];
    decode(kind, combination, k);
    bool fits = k[2] >= LEN_ONE && k[2] <= LEN_TWO_PAGES; // fits every "inside" buffer
    switch (kind) {
    case CALL_READ: // would wait for typing
        return fd_may_be(k[0], 0) && good_buffer(k[1]) && fits;
    case CALL_WRITE: { // would print kilobytes, or code
        bool readable =
            good_buffer(k[1]) || k[1] == PTR_RODATA || k[1] == PTR_TEXT || k[1] == PTR_RO_THEN_RW;
        bool binary = k[1] == PTR_TEXT || k[1] == PTR_RO_THEN_RW;
        return fd_may_be(k[0], 1) && readable && fits &&
               (k[2] == LEN_PAGE || k[2] == LEN_TWO_PAGES || binary);
    }
    case CALL_NANOSLEEP: // would sleep for centuries
        return k[0] >= NREQ_FIXED && (k[0] - NREQ_FIXED) % NTS == TS_CENTURIES &&
               (k[1] == PTR_NULL || good_buffer(k[1]));
    default:
#if LAB >= 8
        if (kind > CALL_GETCWD)
            return combination_left_out8(kind, combination);
#endif
#if LAB >= 5
        return combination_left_out5(kind, combination);
#else
        return false;
#endif
    }
}

bool combination_needs_child(enum call_kind kind, int combination)
{
    int k[MAX_DIMS];
    decode(kind, combination, k);
    return kind == CALL_WAIT4 && (k[0] == PID_CHILD || k[0] == PID_TRUNCATED);
}

// --- building arguments -------------------------------------------------------------------

static uint64_t fd_value(int class)
{
    switch (class) {
    case FD_ZERO:
        return 0;
    case FD_STD:
        return 1 + random_below(2);
    case FD_BAD: // 3 .. 2^31 - 1, or a negative int (with or without the upper bits set)
        return random_below(2) ? 3 + random_below((1UL << 31) - 3)
                               : (uint64_t)(int64_t)(int32_t)(0x80000000u | random64());
    default:
        return (random64() << 32) | random_below(3);
    }
}

static void build_read_write(struct call *c, bool write)
{
    uint64_t len = length_of_class(c->classes[2]);
    c->arg[0] = fd_value(c->classes[0]);
    c->arg[1] = pointer_of_class(c->classes[1], len);
    c->arg[2] = len;
    if (write && len <= 64)
        fill_where_allowed(c->arg[1], len, '.'); // what is printed if the write succeeds
}

static struct timespec make_timespec(int content)
{
    struct timespec t = {0, 0};
    switch (content) {
    case TS_SHORT:
        t.tv_nsec = 1 + (long)random_below(1000);
        break;
    case TS_NSEC_TOO_BIG:
        t.tv_nsec = NSEC + (long)random_below(1UL << 62);
        break;
    case TS_NSEC_NEGATIVE:
        t.tv_nsec = -1 - (long)random_below(1UL << 62);
        break;
    case TS_SEC_NEGATIVE:
        t.tv_sec = -1 - (long)random_below(1UL << 62);
        break;
    case TS_CENTURIES: // from 2^34 s (544 years) up: where tv_sec * 10^9 overflows
        t.tv_sec = (long)((1UL << 34) + random_below((1UL << 63) - (1UL << 34)));
        t.tv_nsec = (long)random_below(NSEC);
        break;
    default:
        break;
    }
    return t;
}

// req is laid out after rem is filled: the two may overlap (both across the same two pages),
// and what the call reads must be the timespec of req's class whatever the values drawn.
static void build_nanosleep(struct call *c)
{
    int req = c->classes[0];
    struct timespec t;
    bool filled = req >= NREQ_FIXED;
    if (!filled) {
        c->arg[0] = pointer_of_class(req_fixed[req], sizeof(struct timespec));
    } else {
        c->arg[0] = pointer_of_class(req_filled[(req - NREQ_FIXED) / NTS], sizeof(struct timespec));
        t = make_timespec((req - NREQ_FIXED) % NTS);
    }
    c->arg[1] = c->classes[1] == PTR_NULL ? 0 : pointer_of_class(c->classes[1], 16);
    fill_where_allowed(c->arg[1], sizeof(struct timespec),
                       0xff); // success must overwrite it with zeros
    if (filled)
        memcpy((void *)c->arg[0], &t, sizeof(t));
}

static void build_sysinfo(struct call *c)
{
    c->arg[0] = pointer_of_class(c->classes[0], sizeof(struct sysinfo));
    fill_where_allowed(c->arg[0], sizeof(struct sysinfo), 0xff); // success must fill in every field
}

static void build_wait4(struct call *c)
{
    int child = some_child();
    switch (c->classes[0]) {
    case PID_ANY:
        c->arg[0] = (uint64_t)-1L;
        break;
    case PID_CHILD:
        c->arg[0] = (uint64_t)child;
        break;
    case PID_NOT_CHILD: // one's own pid, or one no task will have for a long time
        c->arg[0] = random_below(2) ? (uint64_t)getpid() : 1000000 + random_below(1 << 30);
        break;
    case PID_ZERO:
        c->arg[0] = 0;
        break;
    case PID_BELOW:
        c->arg[0] = (uint64_t)(int64_t)(-2 - (long)random_below((1UL << 31) - 1));
        break;
    default:
        c->arg[0] = (random64() << 32) | (random_below(2) ? 0xffffffffUL : (uint32_t)child);
    }
    c->arg[1] = c->classes[1] == PTR_NULL ? 0 : pointer_of_class(c->classes[1], sizeof(int));
    fill_where_allowed(c->arg[1], sizeof(int), 0x7f); // success must store the child's status, 0
    switch (c->classes[2]) {
    case OPT_ZERO:
        c->arg[2] = 0;
        break;
    case OPT_WNOHANG:
        c->arg[2] = WNOHANG;
        break;
    case OPT_BAD: // some bit other than WNOHANG's
        c->arg[2] = (uint32_t)(random64() | (2UL << random_below(31)));
        break;
    default:
        c->arg[2] = (random64() << 32) | random_below(2);
    }
    c->arg[3] = c->classes[3] == RUSAGE_NULL ? 0 : (random64() | 1);
}

// The numbers that are calls in this lab's kernel (docs/syscalls.md): a later lab that adds
// calls adds their numbers here (under #if LAB >= N), or the fuzzer calls them "no call" and
// expects ENOSYS.  exit and exit_group are calls too; the fuzzer never makes them.
static const uint64_t numbers_in_use[] = {
    SYS_read,
    SYS_write,
    SYS_exit,
    SYS_exit_group,
    SYS_nanosleep,
    SYS_sched_yield,
    SYS_getpid,
    SYS_getppid,
    SYS_sysinfo,
    SYS_wait4,
    SYS_spawn,
#if LAB >= 5
    SYS_kill,
    SYS_endpoint_create,
    SYS_notification_create,
    SYS_cap_mint,
    SYS_cap_delete,
    SYS_cap_describe,
    SYS_ipc_send,
    SYS_ipc_recv,
    SYS_ipc_call,
    SYS_ipc_reply,
    SYS_ipc_reply_recv,
    SYS_ipc_nbsend,
    SYS_ipc_nbrecv,
    SYS_ipc_save_reply,
    SYS_notify_signal,
    SYS_notify_wait,
    SYS_notify_poll,
    SYS_notify_bind,
    SYS_irq_bind,
    SYS_irq_ack,
    SYS_devmem_map,
    SYS_task_describe,
    SYS_keel_stats,
#endif
#if LAB >= 6
    SYS_region_create,
    SYS_region_map,
    SYS_region_unmap,
    SYS_region_revoke,
#endif
#if LAB >= 7
    SYS_getcwd,
    SYS_dup,
    SYS_dup3,
    SYS_mkdirat,
    SYS_unlinkat,
    SYS_renameat,
    SYS_chdir,
    SYS_openat,
    SYS_close,
    SYS_pipe2,
    SYS_getdents64,
    SYS_lseek,
    SYS_newfstatat,
    SYS_fstat,
    SYS_fsync,
    SYS_prlimit64,
#endif
#if LAB >= 8
    SYS_sync,
    SYS_clock_gettime,
    SYS_reboot,
    SYS_disk_writeback,
#endif
};
#define NUMBERS_IN_USE (sizeof(numbers_in_use) / sizeof(numbers_in_use[0]))

static bool in_use(uint64_t n)
{
    for (size_t i = 0; i < NUMBERS_IN_USE; i++)
        if (numbers_in_use[i] == n)
            return true;
    return false;
}

static bool is_exit(uint64_t n)
{
    return n == SYS_exit || n == SYS_exit_group;
}

static uint64_t number_value(int class)
{
    uint64_t call, n;
    do // a call but exit: what a kernel that ignores the upper bits would run
        call = numbers_in_use[random_below(NUMBERS_IN_USE)];
    while (is_exit(call));
    switch (class) {
    case NUM_HOLE:
        do
            n = random_below(SYSCALL_TABLE_SIZE);
        while (in_use(n));
        return n;
    case NUM_ABOVE:
        return SYSCALL_TABLE_SIZE + random_below((1UL << 32) - SYSCALL_TABLE_SIZE);
    case NUM_NEGATIVE:
        return (uint64_t) - (int64_t)(1 + random_below(1UL << 31));
    case NUM_HIGH_BITS:
        return call + ((1 + random_below((1UL << 32) - 1)) << 32);
    case NUM_TOP_BIT:
        return call | (1UL << 63);
    default: // anything at all, but nothing whose low 32 bits say exit (see the top)
        do
            n = random64() | (1UL << 32);
        while (is_exit((uint32_t)n));
        return n;
    }
}

void build_call(enum call_kind kind, int combination, struct call *c)
{
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->combination = combination;
    c->number = info(kind)->number;
    decode(kind, combination, c->classes);
    for (int i = 0; i < MAX_ARGS; i++)
        c->arg[i] = random64(); // what a call ignores is garbage
    switch (kind) {
    case CALL_READ:
    case CALL_WRITE:
        build_read_write(c, kind == CALL_WRITE);
        break;
    case CALL_NANOSLEEP:
        build_nanosleep(c);
        break;
    case CALL_SYSINFO:
        build_sysinfo(c);
        break;
    case CALL_WAIT4:
        build_wait4(c);
        break;
    case CALL_SPAWN:
        c->arg[0] = spawn_path(c->classes[0]);
        c->arg[1] = spawn_argv(c->classes[1]);
#if LAB >= 5
        c->arg[2] = 0; // caps NULL: the child gets a copy of slot 0 (ncaps, x3, is ignored)
#endif
        break;
    case CALL_UNKNOWN:
        c->number = number_value(c->classes[0]);
        break;
    default:
#if LAB >= 8
        if (kind > CALL_GETCWD) {
            build_call8(c);
            break;
        }
#endif
#if LAB >= 7
        if (kind > CALL_REGION_REVOKE) {
            build_call7(c);
            break;
        }
#endif
#if LAB >= 6
        if (kind > CALL_UNKNOWN) {
            build_call6(c);
            break;
        }
#endif
#if LAB >= 5
        build_call5(c);
#endif
        break;
    }
}

void build_classes(struct call *c)
{
    c->number = info(c->kind)->number;
    decode(c->kind, c->combination, c->classes);
}

void build_helper(struct call *c, enum call_kind kind, uint64_t a0, uint64_t a1, uint64_t a2)
{
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->combination = -1;
    c->number = info(kind)->number;
    for (int i = 0; i < MAX_ARGS; i++)
        c->arg[i] = random64();
    c->arg[0] = a0;
    c->arg[1] = a1;
    c->arg[2] = a2;
    c->sets_x6 = true;
    c->x6 = (uint64_t)-1L; // CAP_NONE: a message helper passes nothing
}

void describe_call(const struct call *c, char *buf, size_t size)
{
    const struct call_info *call = info(c->kind);
    int n = snprintf(buf, size, "%s (x8 = 0x%lx", call->name, c->number);
    if (c->combination < 0)
        n += snprintf(buf + n, size - (size_t)n, "; a helper call, to set a state up");
    for (int d = 0; d < call->ndims && c->combination >= 0 && n > 0 && (size_t)n < size; d++)
        n += snprintf(buf + n, size - (size_t)n, "; %s: %s", call->dims[d].what,
                      call->dims[d].names[c->classes[d]]);
    for (int i = 0; i < MAX_ARGS && n > 0 && (size_t)n < size; i++)
        n += snprintf(buf + n, size - (size_t)n, "%s0x%lx", i == 0 ? ") x0-x5 = " : " ", c->arg[i]);
    if (c->sets_x6 && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, ", x6 = 0x%lx", c->x6);
}

// Names nanosleep's req classes: the fixed places, then place x content.
void calls_init(void)
{
    static char names[3 * NTS][48];
    for (int i = 0; i < NREQ_FIXED; i++)
        req_names[i] = ptr_class_names[req_fixed[i]];
    for (int i = 0; i < 3 * NTS; i++) {
        snprintf(names[i], sizeof(names[i]), "%s in %s", ts_names[i % NTS],
                 ptr_class_names[req_filled[i / NTS]]);
        req_names[NREQ_FIXED + i] = names[i];
    }
}

void build_spawn_true(struct call *c)
{
    build_call(CALL_SPAWN, PATH_TRUE_DATA + NPATH * ARGV_ONE, c);
}

void build_wait_any(struct call *c)
{
    build_call(CALL_WAIT4, PID_ANY + NPID * (PTR_NULL + NPTR * (OPT_ZERO + NOPT * RUSAGE_NULL)), c);
}
