// files.c — lab 7's calls on file descriptors (close, dup, dup3, pipe2, lseek, fstat, fsync,
// getdents64, prlimit64): the fd table as it must be, the classes of fds, limits and flags,
// what docs/syscalls.md ("Files") allows each call to return, and the pipes and dups each
// combination needs (made just before it, closed just after).
//
// As regions.c does with regions, every fd the fuzzer opens lives for one combination only:
// build_call7 makes what the classes name (a pipe, a dup of one end, an end closed again, a
// lowered limit), the call is made, and apply7 puts the table back as it was at the start
// (0, 1 and 2 the console, nothing else open, the soft limit at the hard one), checking each
// answer, and checks that every fd the combination touched is closed again.  So children
// (lab 5's peers, the `true`s) never inherit a pipe's end, no read or write can find a pipe
// to block on, and keel_stats's kmalloc count (open files, pipes) and the free frames (a
// pipe's buffer) come back.  The model (`fdt`) says what each fd is; the oracle predicts from
// it alone, and fstat reads it back (st_mode: console or pipe; st_ino: the same file after
// dup).  The hard limit can only go down: a class lowers it by one at most four times a run.
#if LAB >= 7
#include "fuzz.h"

// --- the fd table as it must be -----------------------------------------------------------

struct fdm {
    enum fkind kind;
    bool cloexec;
    uint64_t ino; // fstat's st_ino when it was opened: a dup must show the same
};
static struct fdm fdt[FD_MAX];
static unsigned soft = FD_MAX, hard = FD_MAX; // RLIMIT_NOFILE
static uint64_t touched;                      // fds this combination opened: closed at the end
static int saved_console[3] = {-1, -1, -1};   // copies of 0..2 while a call may close them
// The fuzzer's own directory, /tmp/fuzz-SEED, with an empty file `f` and an empty directory
// `d` in it: made at the start, removed at the end; the current directory in between (paths.c
// puts back whatever a combination changed).  Without a VFS server (EIO) the file classes are
// never-opened fds.
static char dir_path[40], file_path[48], sub_path[48], first_cwd[PATH_MAX];
static bool have_dir;
static uint32_t file_mode, dir_mode; // fstat's st_mode of each, read once
#define DIR_ENTRIES 4                // ".", "..", "f" and "d": lseek's SEEK_END on the directory
#define DIRENT_BYTES 24              // each record: 19 bytes and a name of 1 or 2, rounded to 8
static struct {
    struct rlimit64 new_limit; // what prlimit64's new held when the call was made
    bool has_new;
    int want[2]; // pipe2: the fds it must return
} plan;

static bool is_open(int fd)
{
    return fd >= 0 && fd < FD_MAX && fdt[fd].kind != FK_NONE;
}

// The lowest fd >= from that is not open and below the soft limit, or -1.
static int lowest_free(int from)
{
    for (int fd = from; fd < (int)soft; fd++)
        if (fdt[fd].kind == FK_NONE)
            return fd;
    return -1;
}

static void check_raw7(long got, long want, const char *what)
{
    if (got != want) {
        char buf[160];
        snprintf(buf, sizeof(buf), "%s returned %ld (%s), expected %ld", what, got,
                 got < 0 ? errno_name(got) : "not an error", want);
        fail_other(buf);
    }
}

static uint64_t ino_of(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? st.st_ino : ~0UL;
}

// The helpers: each checks the kernel's answer against the model, then follows the kernel.
static void open_at(int fd, enum fkind kind, bool cloexec)
{
    if (fd < 0 || fd >= FD_MAX)
        return;
    fdt[fd] = (struct fdm){kind, cloexec, ino_of(fd)};
    touched |= 1UL << fd;
}

static void make_pipe(bool cloexec, int *r, int *w)
{
    int want_r = lowest_free(0), want_w = want_r < 0 ? -1 : lowest_free(want_r + 1);
    int p[2] = {-1, -1};
    long got = pipe2(p, cloexec ? O_CLOEXEC : 0);
    check_raw7(got, want_w < 0 ? -EMFILE : 0, "pipe2 (a helper)");
    if (got == 0 && (p[0] != want_r || p[1] != want_w)) {
        char what[96];
        snprintf(what, sizeof(what), "pipe2 (a helper) gave fds %d and %d, not %d and %d", p[0],
                 p[1], want_r, want_w);
        fail_other(what);
    }
    if (got != 0)
        p[0] = p[1] = -1;
    open_at(p[0], FK_PIPE_R, cloexec);
    open_at(p[1], FK_PIPE_W, cloexec);
    *r = p[0];
    *w = p[1];
}

static int dup_raw(int fd)
{
    int want = lowest_free(0), got = dup(fd);
    check_raw7(got, want < 0 ? -EMFILE : want, "dup (a helper)");
    if (got >= 0 && got < FD_MAX) {
        open_at(got, fdt[fd].kind, false);
        fdt[got].ino = fdt[fd].ino;
    }
    return got;
}

static void close_raw(int fd, const char *what)
{
    if (fd < 0)
        return;
    check_raw7(close(fd), is_open(fd) ? 0 : -EBADF, what);
    if (fd < FD_MAX)
        fdt[fd].kind = FK_NONE;
}

static int open_raw(const char *path, int flags, enum fkind kind)
{
    int want = lowest_free(0), got = open(path, flags, 0);
    check_raw7(got, want < 0 ? -EMFILE : want, "open (a helper)");
    open_at(got, kind, (flags & O_CLOEXEC) != 0);
    return got;
}

static void set_soft(unsigned limit)
{
    struct rlimit64 l = {limit, hard};
    check_raw7(prlimit64(0, RLIMIT_NOFILE, &l, NULL), 0, "prlimit64 (a helper)");
    soft = limit;
}

// A call that may close one of 0..2 (close, dup3) keeps a copy to put back.
static void save_console(int fd)
{
    if (fd >= 0 && fd <= 2 && saved_console[fd] < 0)
        saved_console[fd] = dup_raw(fd);
}

static void restore_console(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        int copy = saved_console[fd];
        saved_console[fd] = -1;
        if (copy < 0)
            continue;
        long got = dup3(copy, fd, 0);
        fdt[fd] = fdt[copy];
        close_raw(copy, "close of a console copy (cleaning up)");
        check_raw7(got, fd, "dup3 putting a console fd back (cleaning up)");
    }
}

// Back to the start: 0..2 the console, nothing else open, soft = hard; every fd touched
// must be closed (fstat: EBADF).
static void cleanup7(void)
{
    restore_console();
    for (int fd = 3; fd < FD_MAX; fd++)
        if (fdt[fd].kind != FK_NONE)
            close_raw(fd, "close (cleaning up)");
    if (soft != hard)
        set_soft(hard);
    for (int fd = 3; fd < FD_MAX; fd++) {
        struct stat st;
        if ((touched >> fd) & 1) {
            char what[64];
            snprintf(what, sizeof(what), "fstat of fd %d, closed (cleaning up)", fd);
            check_raw7(fstat(fd, &st), -EBADF, what);
        }
    }
    touched = 0;
}

void files7_init(uint64_t seed)
{
    snprintf(dir_path, sizeof(dir_path), "/tmp/fuzz-%lu", seed);
    snprintf(file_path, sizeof(file_path), "%s/f", dir_path);
    snprintf(sub_path, sizeof(sub_path), "%s/d", dir_path);
    long made = mkdir(dir_path, 0755);
    if (made != 0 && made != -EIO)
        check_raw7(made, 0, "mkdir of the fuzzer's directory");
    have_dir = made == 0;
    if (have_dir) {
        int fd = open(file_path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        check_raw7(fd, 3, "open of a new file in the fuzzer's directory");
        struct stat st;
        if (fd >= 0) {
            file_mode = fstat(fd, &st) == 0 ? st.st_mode : 0;
            close(fd);
        }
        dir_mode = stat(dir_path, &st) == 0 ? st.st_mode : 0;
        check_raw7(mkdir(sub_path, 0755), 0, "mkdir of a directory in the fuzzer's directory");
        long n = getcwd(first_cwd, sizeof(first_cwd));
        check_raw7(n > 0 ? 0 : n, 0, "getcwd at the start");
        check_raw7(chdir(dir_path), 0, "chdir to the fuzzer's directory");
        have_dir = fd >= 0 && S_ISREG(file_mode) && S_ISDIR(dir_mode) && n > 0;
    }
    struct rlimit64 now;
    check_raw7(prlimit64(0, RLIMIT_NOFILE, NULL, &now), 0, "prlimit64 reading the limit");
    if (now.rlim_cur != FD_MAX || now.rlim_max != FD_MAX)
        fail_other("the fd limit at the start is not FD_MAX (soft and hard)");
    for (int fd = 0; fd < FD_MAX; fd++) {
        struct stat st;
        long got = fstat(fd, &st);
        if (fd <= 2 && (got != 0 || st.st_mode != (S_IFCHR | 0620)))
            fail_other("fds 0, 1 and 2 are not the console at the start (S_IFCHR | 0620)");
        else if (fd > 2 && got != -EBADF)
            fail_other("an fd above 2 is open at the start (run the fuzzer with only 0, 1, 2)");
        if (fd <= 2)
            fdt[fd] = (struct fdm){fd == 0 ? FK_CON_IN : FK_CON_OUT, false, st.st_ino};
    }
    if (have_dir)
        paths7_init(dir_path);
}

void files7_teardown(void)
{
    if (!have_dir)
        return;
    check_raw7(chdir(first_cwd), 0, "chdir back to where the fuzzer started (cleaning up)");
    check_raw7(rmdir(sub_path), 0, "rmdir of the fuzzer's subdirectory (cleaning up)");
    check_raw7(unlink(file_path), 0, "unlink of the fuzzer's file (cleaning up)");
    check_raw7(rmdir(dir_path), 0, "rmdir of the fuzzer's directory (cleaning up)");
}

void files7_check_counts(void)
{
    if (have_dir)
        paths7_check_counts();
}

// --- classes ------------------------------------------------------------------------------

enum fd_class7 {
    FC_STDIN,
    FC_STDOUT,
    FC_PIPE_R,
    FC_PIPE_W,
    FC_DUP,
    FC_CLOSED,
    FC_NEVER,
    FC_NEGATIVE,
    FC_FD_MAX,
    FC_HIGH_BITS,
    FC_ABOVE_LIMIT,
    FC_FILE,
    FC_DIR,
    NFC
};
static const char *const fd_names7[NFC] = {"0 (console, read)",
                                           "1 or 2 (console, write)",
                                           "a pipe's read end",
                                           "a pipe's write end",
                                           "a dup of a write end (the original closed)",
                                           "a pipe's end, closed",
                                           "never opened",
                                           "negative",
                                           "FD_MAX and up",
                                           "a pipe's end + k * 2^32",
                                           "an open fd at the (lowered) limit",
                                           "a file (empty, O_RDWR)",
                                           "a directory (O_DIRECTORY)"};

enum room_class { ROOM, ROOM_NONE, ROOM_ONE, NROOM };
static const char *const room_names[NROOM] = {"free fds", "no free fd below the limit",
                                              "one free fd below the limit"};

enum newfd_class { NF_SAME, NF_FREE, NF_OPEN, NF_LAST, NF_LIMIT, NF_FD_MAX, NF_NEG, NF_HIGH, NNF };
static const char *const newfd_names[NNF] = {
    "fd itself (+ garbage above)", "free",          "another pipe's end", "the limit - 1",
    "the limit (lowered)",         "FD_MAX and up", "negative",           "free + k * 2^32"};

enum oflags_class { OF_ZERO, OF_CLOEXEC, OF_BAD, OF_HIGH, NOF };
static const char *const oflags_names[NOF] = {"0", "O_CLOEXEC", "other bits",
                                              "0 or O_CLOEXEC + k * 2^32"};

enum whence_class { WH_SET, WH_CUR, WH_END, WH_BAD, NWH };
static const char *const whence_names[NWH] = {"SEEK_SET", "SEEK_CUR", "SEEK_END", "other"};
enum offset_class { OFF_ZERO, OFF_ANY, NOFF };
static const char *const offset_names[NOFF] = {"0", "any"};

static const enum ptr_class dents_ptrs[] = {PTR_NULL, PTR_KERNEL,       PTR_RODATA,
                                            PTR_DATA, PTR_ACROSS_PAGES, PTR_INTO_UNMAPPED};
#define NDP (int)(sizeof(dents_ptrs) / sizeof(dents_ptrs[0]))
static const char *dents_ptr_names[NDP];
enum dlen_class { DL_ZERO, DL_SMALL, DL_PAGE, DL_HUGE, NDL };
static const char *const dlen_names[NDL] = {"0", "1 .. 23 (less than a record)", "a page",
                                            "2^39 and up"};

enum pid_class7 { PC_ZERO, PC_SELF, PC_OTHER, PC_HIGH, NPC };
static const char *const pid_names7[NPC] = {"0", "own pid", "another pid", "0 or own + k * 2^32"};
enum res_class { RC_NOFILE, RC_OTHER, RC_HIGH, NRC };
static const char *const res_names[NRC] = {"RLIMIT_NOFILE", "another", "RLIMIT_NOFILE + k * 2^32"};
enum new_class {
    NW_NULL,
    NW_BAD,
    NW_RODATA,
    NW_CUR_ABOVE,
    NW_LOWER_SOFT,
    NW_SAME,
    NW_RAISE,
    NW_LOWER_HARD,
    NNW
};
static const char *const new_names[NNW] = {
    "NULL",         "unreadable",      "rodata ('.'s: huge)", "cur > max",
    "a lower soft", "the same limits", "max above the hard",  "the hard lowered by 1"};
enum old_class { OC_NULL, OC_GOOD, OC_READ_ONLY, OC_BAD, NOC };
static const char *const old_names[NOC] = {"NULL", "writable", "read-only", "unmapped or kernel"};

const struct call_info calls7[] = {
    {"close", SYS_close, 1, {{"fd", NFC, fd_names7}}},
    {"dup", SYS_dup, 2, {{"fd", NFC, fd_names7}, {"room", 2, room_names}}},
    {"dup3",
     SYS_dup3,
     3,
     {{"fd", NFC, fd_names7}, {"newfd", NNF, newfd_names}, {"flags", NOF, oflags_names}}},
    {"pipe2",
     SYS_pipe2,
     3,
     {{"fds", NPTR, ptr_class_names}, {"flags", NOF, oflags_names}, {"room", NROOM, room_names}}},
    {"lseek",
     SYS_lseek,
     3,
     {{"fd", NFC, fd_names7}, {"offset", NOFF, offset_names}, {"whence", NWH, whence_names}}},
    {"fstat", SYS_fstat, 2, {{"fd", NFC, fd_names7}, {"st", NPTR, ptr_class_names}}},
    {"fsync", SYS_fsync, 1, {{"fd", NFC, fd_names7}}},
    {"getdents64",
     SYS_getdents64,
     3,
     {{"fd", NFC, fd_names7}, {"buf", NDP, dents_ptr_names}, {"len", NDL, dlen_names}}},
    {"prlimit64",
     SYS_prlimit64,
     4,
     {{"pid", NPC, pid_names7},
      {"resource", NRC, res_names},
      {"new", NNW, new_names},
      {"old", NOC, old_names}}},
};
_Static_assert(sizeof(calls7) / sizeof(calls7[0]) == CALL_PRLIMIT64 - CALL_REGION_REVOKE,
               "calls7 covers every lab-7 fd call (paths.c has the path calls)");

void calls7_init(void)
{
    for (int i = 0; i < NDP; i++)
        dents_ptr_names[i] = ptr_class_names[dents_ptrs[i]];
}

// --- building -----------------------------------------------------------------------------

static uint64_t high_garbage(void)
{
    return (1 + random_below((1UL << 32) - 1)) << 32;
}

static uint64_t negative_fd(void)
{
    uint32_t low = random_below(4) == 0 ? (uint32_t)AT_FDCWD : 0x80000000u | (uint32_t)random64();
    if (random_below(2))
        low = 0xffffffffu; // -1
    return random_below(2) ? (uint64_t)(int64_t)(int32_t)low : (random64() << 32) | low;
}

static uint64_t fd_max_and_up(void)
{
    switch (random_below(4)) {
    case 0:
    case 1:
        return FD_MAX;
    case 2:
        return FD_MAX + 1 + random_below(64);
    default:
        return FD_MAX + random_below((1UL << 31) - FD_MAX);
    }
}

// A random fd in 3 .. FD_MAX - 1 that is not open.
static int never_opened(void)
{
    for (;;) {
        int fd = 3 + (int)random_below(FD_MAX - 3);
        if (!is_open(fd))
            return fd;
    }
}

// The fd argument of class `class`, made so (pipes opened, ends closed, the limit lowered).
static uint64_t fd_of_class(int class, bool may_close)
{
    int r, w, d;
    switch (class) {
    case FC_STDIN:
        if (may_close)
            save_console(0);
        return 0;
    case FC_STDOUT: {
        int fd = 1 + (int)random_below(2);
        if (may_close)
            save_console(fd);
        return (uint64_t)fd;
    }
    case FC_PIPE_R:
    case FC_PIPE_W:
        make_pipe(random_below(2), &r, &w);
        return (uint64_t)(int64_t)(class == FC_PIPE_R ? r : w);
    case FC_DUP:
        make_pipe(false, &r, &w);
        d = w < 0 ? -1 : dup_raw(w);
        close_raw(w, "close of a pipe's write end (a helper)");
        return (uint64_t)(int64_t)d;
    case FC_CLOSED:
        make_pipe(false, &r, &w);
        close_raw(random_below(2) ? r : w, "close of a pipe's end (a helper)");
        return (uint64_t)(int64_t)(fdt[r < 0 ? 0 : r].kind == FK_NONE ? r : w);
    case FC_NEVER:
        return (uint64_t)never_opened();
    case FC_NEGATIVE:
        return negative_fd();
    case FC_FD_MAX: // a close-on-exec pipe first: the word after the table is not 0
        make_pipe(true, &r, &w);
        return fd_max_and_up();
    case FC_HIGH_BITS:
        make_pipe(false, &r, &w);
        return (uint32_t)(random_below(2) ? r : w) | high_garbage();
    case FC_FILE:
        if (!have_dir)
            return (uint64_t)never_opened();
        return (uint64_t)(int64_t)open_raw(file_path, O_RDWR | (random_below(2) ? O_CLOEXEC : 0),
                                           FK_FILE);
    case FC_DIR:
        if (!have_dir)
            return (uint64_t)never_opened();
        return (uint64_t)(int64_t)open_raw(dir_path, O_RDONLY | O_DIRECTORY, FK_DIR);
    default: // FC_ABOVE_LIMIT: the write end, at the soft limit (lowered after it opened)
        make_pipe(false, &r, &w);
        if (w > 0)
            set_soft((unsigned)w);
        return (uint64_t)(int64_t)w;
    }
}

static uint64_t oflags_of_class(int class)
{
    switch (class) {
    case OF_ZERO:
        return 0;
    case OF_CLOEXEC:
        return O_CLOEXEC;
    case OF_BAD: { // some bit that is not O_CLOEXEC (O_NONBLOCK among them), and others
        uint32_t bit;
        do
            bit = random_below(4) == 0 ? O_NONBLOCK : 1u << random_below(32);
        while (bit == O_CLOEXEC);
        return bit | (random_below(2) ? O_CLOEXEC : 0) |
               (random_below(2) ? (uint32_t)random64() : 0);
    }
    default:
        return (random_below(2) ? O_CLOEXEC : 0) | high_garbage();
    }
}

// The soft limit lowered so that exactly `n` fds below it are free (the fd table as it is).
static void leave_free(int n)
{
    int fd = 0;
    for (int seen = 0; fd < (int)soft; fd++)
        if (fdt[fd].kind == FK_NONE && seen++ == n)
            break;
    if (fd < (int)soft)
        set_soft((unsigned)fd);
}

static uint64_t newfd_of_class(int class, uint64_t fd)
{
    int r, w, f;
    switch (class) {
    case NF_SAME:
        return random_below(2) ? fd : (uint32_t)fd | high_garbage();
    case NF_FREE:
    case NF_HIGH:
        f = -1;
        for (int tries = 0; tries < 8 && f < 0; tries++) {
            int x = 3 + (int)random_below(soft > 3 ? soft - 3 : 1);
            if (x < (int)soft && !is_open(x))
                f = x;
        }
        if (f < 0)
            f = lowest_free(0) >= 0 ? lowest_free(0) : (int)soft; // none below: EBADF
        touched |= f < FD_MAX ? 1UL << f : 0;
        return class == NF_FREE ? (uint64_t)f : (uint32_t)f | high_garbage();
    case NF_OPEN:
        make_pipe(false, &r, &w);
        return (uint64_t)(int64_t)r;
    case NF_LAST:
        touched |= 1UL << (soft - 1);
        return soft - 1;
    case NF_LIMIT:
        if (soft == hard) {
            int low = lowest_free(0) < 0 ? 3 : lowest_free(0) + 1;
            set_soft((unsigned)low + (unsigned)random_below(hard - (unsigned)low));
        }
        return soft;
    case NF_FD_MAX:
        return fd_max_and_up();
    default:
        return negative_fd();
    }
}

// Where new and old point, and what new holds.
static uint64_t good_place(uint64_t len)
{
    static const enum ptr_class good[] = {PTR_DATA, PTR_STACK, PTR_ACROSS_PAGES};
    return pointer_of_class(good[random_below(3)], len);
}

static uint64_t bad_place(uint64_t len)
{
    static const enum ptr_class bad[] = {PTR_KERNEL, PTR_UNMAPPED, PTR_INTO_UNMAPPED,
                                         PTR_NONCANONICAL};
    return pointer_of_class(bad[random_below(4)], len);
}

static void build_prlimit(struct call *c)
{
    int *k = c->classes;
    int self = getpid();
    switch (k[0]) {
    case PC_ZERO:
        c->arg[0] = 0;
        break;
    case PC_SELF:
        c->arg[0] = (uint64_t)self;
        break;
    case PC_OTHER: {
        int pid;
        do
            pid = random_below(4) == 0 ? -1 : 1 + (int)random_below(1UL << 31);
        while (pid == self || pid == 0);
        c->arg[0] = (uint64_t)(int64_t)pid;
        break;
    }
    default:
        c->arg[0] = (random_below(2) ? (uint32_t)self : 0) | high_garbage();
    }
    switch (k[1]) {
    case RC_NOFILE:
        c->arg[1] = RLIMIT_NOFILE;
        break;
    case RC_OTHER: {
        uint32_t r;
        do
            r = random_below(2) ? (uint32_t)random_below(16) : (uint32_t)random64();
        while (r == RLIMIT_NOFILE);
        c->arg[1] = r;
        break;
    }
    default:
        c->arg[1] = RLIMIT_NOFILE | high_garbage();
    }
    switch (k[3]) { // old first: new may overlap it, and the kernel reads new before writing
    case OC_NULL:
        c->arg[3] = 0;
        break;
    case OC_GOOD:
        c->arg[3] = good_place(sizeof(struct rlimit64));
        fill_where_allowed(c->arg[3], sizeof(struct rlimit64), 0xff);
        break;
    case OC_READ_ONLY:
        c->arg[3] = pointer_of_class(random_below(2) ? PTR_RODATA : PTR_TEXT, 16);
        break;
    default:
        c->arg[3] = bad_place(sizeof(struct rlimit64));
    }
    struct rlimit64 l = {hard, hard};
    switch (k[2]) {
    case NW_NULL:
        c->arg[2] = 0;
        return;
    case NW_BAD:
        c->arg[2] = bad_place(sizeof(l));
        return;
    case NW_RODATA:
        c->arg[2] = pointer_of_class(PTR_RODATA, sizeof(l));
        return;
    case NW_CUR_ABOVE:
        l.rlim_max = hard - random_below(2);
        l.rlim_cur = l.rlim_max + 1 + random_below(random_below(2) ? 8 : ~0UL - l.rlim_max - 1);
        break;
    case NW_LOWER_SOFT:
        l.rlim_cur = random_below(hard);
        break;
    case NW_SAME:
        l.rlim_cur = soft;
        break;
    case NW_RAISE:
        l.rlim_max = random_below(2) ? hard + 1 + random_below(8) : ~0UL - random_below(2);
        l.rlim_cur = random_below(2) ? hard : l.rlim_max;
        break;
    default: // the hard limit lowered for good: by one, and only while it is FD_MAX - 3 or more
        l.rlim_max = l.rlim_cur = hard > FD_MAX - 4 ? hard - 1 : hard;
    }
    c->arg[2] = good_place(sizeof(l));
    memcpy((void *)c->arg[2], &l, sizeof(l));
}

void build_call7(struct call *c)
{
    int *k = c->classes;
    touched = 0;
    if (c->kind > CALL_PRLIMIT64) {
        build_paths7(c);
        return;
    }
    switch (c->kind) {
    case CALL_CLOSE:
    case CALL_LSEEK:
    case CALL_FSTAT:
    case CALL_FSYNC:
    case CALL_GETDENTS64:
        c->arg[0] = fd_of_class(k[0], c->kind == CALL_CLOSE);
        break;
    case CALL_DUP:
        c->arg[0] = fd_of_class(k[0], false);
        if (k[1] == ROOM_NONE)
            leave_free(0);
        break;
    case CALL_DUP3:
        c->arg[0] = fd_of_class(k[0], false);
        c->arg[1] = newfd_of_class(k[1], c->arg[0]);
        save_console((int)c->arg[1]); // NF_SAME of a console fd (EINVAL, unless it is wrong)
        c->arg[2] = oflags_of_class(k[2]);
        break;
    case CALL_PIPE2:
        c->arg[0] = pointer_of_class(k[0], 2 * sizeof(int));
        fill_where_allowed(c->arg[0], 2 * sizeof(int), 0xff);
        c->arg[1] = oflags_of_class(k[1]);
        if (k[2] != ROOM)
            leave_free(k[2] == ROOM_NONE ? 0 : 1);
        break;
    default:
        build_prlimit(c);
    }
    switch (c->kind) {
    case CALL_LSEEK:
        c->arg[1] = k[1] == OFF_ZERO ? 0 : random64();
        c->arg[2] = k[2] == WH_SET   ? SEEK_SET
                    : k[2] == WH_CUR ? SEEK_CUR
                    : k[2] == WH_END ? SEEK_END
                                     : 3 + random_below(1UL << 31) - (random_below(2) << 31);
        break;
    case CALL_FSTAT:
        c->arg[1] = pointer_of_class(k[1], sizeof(struct stat));
        fill_where_allowed(c->arg[1], sizeof(struct stat), 0xff);
        break;
    case CALL_GETDENTS64: {
        uint64_t len = k[2] == DL_ZERO    ? 0
                       : k[2] == DL_SMALL ? 1 + random_below(23)
                       : k[2] == DL_PAGE  ? 4096
                                          : (1UL << 39) + random_below(1UL << 62);
        c->arg[1] = pointer_of_class(dents_ptrs[k[1]], len);
        c->arg[2] = len;
        break;
    }
    default:
        break;
    }
}

// --- the oracle ---------------------------------------------------------------------------

static int free_count(void)
{
    int n = 0;
    for (int fd = 0; fd < (int)soft; fd++)
        n += fdt[fd].kind == FK_NONE;
    return n;
}

static void open_or_ebadf(int fd, struct expected *e)
{
    if (!is_open(fd))
        expect_error(e, EBADF);
}

static void predict_prlimit(const struct call *c, struct expected *e)
{
    int pid = (int)c->arg[0];
    uint64_t new_limit = c->arg[2], old = c->arg[3];
    if (pid != 0 && pid != getpid())
        expect_error(e, ESRCH);
    if ((unsigned)c->arg[1] != RLIMIT_NOFILE)
        expect_error(e, EINVAL);
    plan.has_new = new_limit != 0;
    if (new_limit != 0 && !user_may_access(new_limit, sizeof(struct rlimit64), false)) {
        expect_error(e, EFAULT);
        plan.has_new = false;
    }
    if (old != 0 && !user_may_access(old, sizeof(struct rlimit64), true))
        expect_error(e, EFAULT);
    if (plan.has_new) {
        memcpy(&plan.new_limit, (const void *)new_limit, sizeof(plan.new_limit));
        if (plan.new_limit.rlim_cur > plan.new_limit.rlim_max)
            expect_error(e, EINVAL);
        if (plan.new_limit.rlim_max > hard)
            expect_error(e, EPERM);
    }
    e->value = 0;
}

void predict7(const struct call *c, struct expected *e)
{
    int fd = (int)c->arg[0];
    switch (c->kind) {
    case CALL_OPENAT:
    case CALL_NEWFSTATAT:
    case CALL_MKDIRAT:
    case CALL_UNLINKAT:
    case CALL_RENAMEAT:
    case CALL_CHDIR:
    case CALL_GETCWD:
        predict_paths7(c, e);
        break;
    case CALL_CLOSE:
        open_or_ebadf(fd, e);
        e->value = 0;
        break;
    case CALL_DUP:
        open_or_ebadf(fd, e);
        if (lowest_free(0) < 0)
            expect_error(e, EMFILE);
        e->value = lowest_free(0);
        break;
    case CALL_DUP3: {
        int newfd = (int)c->arg[1];
        if (((unsigned)c->arg[2] & ~(unsigned)O_CLOEXEC) != 0 || fd == newfd)
            expect_error(e, EINVAL);
        if (newfd < 0 || newfd >= (int)soft)
            expect_error(e, EBADF);
        open_or_ebadf(fd, e);
        e->value = newfd;
        break;
    }
    case CALL_PIPE2:
        if (((unsigned)c->arg[1] & ~(unsigned)O_CLOEXEC) != 0)
            expect_error(e, EINVAL);
        if (!user_may_access(c->arg[0], 2 * sizeof(int), true))
            expect_error(e, EFAULT);
        if (free_count() < 2)
            expect_error(e, EMFILE);
        plan.want[0] = lowest_free(0);
        plan.want[1] = plan.want[0] < 0 ? -1 : lowest_free(plan.want[0] + 1);
        e->value = 0;
        break;
    case CALL_LSEEK: {
        int whence = (int)c->arg[2];
        bool file = is_open(fd) && (fdt[fd].kind == FK_FILE || fdt[fd].kind == FK_DIR);
        open_or_ebadf(fd, e);
        if (is_open(fd) && !file)
            expect_error(e, ESPIPE); // the console and pipes have no offset
        if (whence < SEEK_SET || whence > SEEK_END) {
            expect_error(e, EINVAL);
        } else if (file) { // opened just now: at 0; the file is empty, the directory has 3
            int64_t base = whence != SEEK_END ? 0 : fdt[fd].kind == FK_DIR ? DIR_ENTRIES : 0;
            int64_t offset = (int64_t)c->arg[1];
            if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
                expect_error(e, EINVAL); // a negative result
            e->value = base + offset;
        }
        break;
    }
    case CALL_FSTAT:
        open_or_ebadf(fd, e);
        if (!user_may_access(c->arg[1], sizeof(struct stat), true))
            expect_error(e, EFAULT);
        e->value = 0;
        break;
    case CALL_FSYNC:
        open_or_ebadf(fd, e);
        if (is_open(fd) && fdt[fd].kind != FK_FILE && fdt[fd].kind != FK_DIR)
            expect_error(e, EINVAL); // Linux: fsync of a pipe or a terminal
        e->value = 0;
        break;
    case CALL_GETDENTS64: {
        uint64_t len = c->arg[2];
        open_or_ebadf(fd, e);
        if (is_open(fd) && fdt[fd].kind != FK_DIR)
            expect_error(e, ENOTDIR);
        if (!user_may_access(c->arg[1], len, true))
            expect_error(e, EFAULT);
        if (is_open(fd) && fdt[fd].kind == FK_DIR && len < DIRENT_BYTES)
            expect_error(e, EINVAL); // not even "." fits
        e->value = (long)(len < DIR_ENTRIES * DIRENT_BYTES ? len / DIRENT_BYTES * DIRENT_BYTES
                                                           : DIR_ENTRIES * DIRENT_BYTES);
        break;
    }
    default:
        predict_prlimit(c, e);
    }
}

static uint32_t mode_of(enum fkind kind)
{
    if (kind == FK_FILE || kind == FK_DIR)
        return kind == FK_FILE ? file_mode : dir_mode;
    return kind == FK_CON_IN || kind == FK_CON_OUT ? S_IFCHR | 0620 : S_IFIFO | 0600;
}

static const char *kind_name(enum fkind kind)
{
    static const char *const names[] = {"not open",    "the console", "the console", "a read end",
                                        "a write end", "a file",      "a directory"};
    return names[kind];
}

const char *check_what_it_wrote7(const struct call *c, long result)
{
    static char what[160];
    if (c->kind <= CALL_REGION_REVOKE || c->kind > CALL_GETCWD || c->combination < 0 || result < 0)
        return NULL;
    if (c->kind > CALL_PRLIMIT64)
        return check_paths7(c, result);
    switch (c->kind) {
    case CALL_PIPE2: {
        const int *p = (const int *)c->arg[0];
        if (p[0] != plan.want[0] || p[1] != plan.want[1]) {
            snprintf(what, sizeof(what),
                     "pipe2 wrote fds %d and %d, not the lowest free, %d and %d", p[0], p[1],
                     plan.want[0], plan.want[1]);
            return what;
        }
        return NULL;
    }
    case CALL_FSTAT: {
        const struct stat *st = (const struct stat *)c->arg[1];
        int fd = (int)c->arg[0];
        if (st->st_mode != mode_of(fdt[fd].kind) || st->st_ino != fdt[fd].ino) {
            snprintf(what, sizeof(what),
                     "fstat of fd %d (%s) gave st_mode 0x%x, st_ino %lu: "
                     "expected 0x%x, %lu",
                     fd, kind_name(fdt[fd].kind), st->st_mode, st->st_ino, mode_of(fdt[fd].kind),
                     fdt[fd].ino);
            return what;
        }
        return NULL;
    }
    case CALL_PRLIMIT64: {
        const struct rlimit64 *old = (const struct rlimit64 *)c->arg[3];
        if (old != NULL && (old->rlim_cur != soft || old->rlim_max != hard)) {
            snprintf(what, sizeof(what), "prlimit64 wrote old = {%lu, %lu}, not {%u, %u}",
                     old->rlim_cur, old->rlim_max, soft, hard);
            return what;
        }
        return NULL;
    }
    default:
        return NULL;
    }
}

// After dup or dup3: the new fd names the same file (fstat: the same st_mode and st_ino).
static void check_same_file(int newfd, int fd)
{
    struct stat st;
    long got = fstat(newfd, &st);
    if (got != 0 || st.st_mode != mode_of(fdt[fd].kind) || st.st_ino != fdt[fd].ino) {
        char what[160];
        snprintf(what, sizeof(what),
                 "after the call fstat of fd %d gave %ld, st_mode 0x%x, st_ino %lu: not the file "
                 "of fd %d (0x%x, %lu)",
                 newfd, got, got == 0 ? st.st_mode : 0, got == 0 ? st.st_ino : 0, fd,
                 mode_of(fdt[fd].kind), fdt[fd].ino);
        fail_other(what);
    }
}

// The ends pipe2 made are a pipe, its read end first: a byte written to fds[1] comes out
// of fds[0].
static void check_new_pipe(int r, int w)
{
    char out = 'k', in = 0;
    long wrote = write(w, &out, 1);
    check_raw7(wrote, 1, "write of a byte to the new pipe's write end");
    if (wrote == 1) {
        check_raw7(read(r, &in, 1), 1, "read of that byte from its read end");
        if (in != out)
            fail_other("the byte read from the new pipe is not the one written");
    }
}

// After a call: fd `fd` is what the model says (fstat: EBADF if not open, else the mode and
// st_ino of its file).  So a failed call that opened something anyway (a pipe2 that made the
// pipe, then found `fds` bad) or a dup3 that closed newfd before failing is found.
static void check_fd_state(const struct call *c, long result, int fd)
{
    if (fd < 0 || fd >= FD_MAX)
        return;
    struct stat st;
    long got = fstat(fd, &st);
    bool open = is_open(fd);
    if (open ? got == 0 && st.st_mode == mode_of(fdt[fd].kind) && st.st_ino == fdt[fd].ino
             : got == -EBADF)
        return;
    char what[200];
    snprintf(what, sizeof(what),
             "after %s returned %ld (%s), fstat of fd %d gave %ld (%s), st_mode 0x%x: expected %s",
             call_name(c->kind), result, result < 0 ? errno_name(result) : "not an error", fd, got,
             got < 0 ? errno_name(got) : "open", got == 0 ? st.st_mode : 0,
             open ? kind_name(fdt[fd].kind) : "EBADF (not open)");
    fail_other(what);
    if (!open && got == 0)
        close(fd); // the kernel's leak, reported: the table as the model has it again
}

void apply7(const struct call *c, long result)
{
    if (c->kind <= CALL_REGION_REVOKE || c->kind > CALL_GETCWD || c->combination < 0)
        return;
    if (c->kind > CALL_PRLIMIT64) {
        apply_paths7(c, result); // and then cleanup7, through fd7_cleanup
        return;
    }
    int fd = (int)c->arg[0], check_dup = -1;
    const int *p = NULL;
    if (result >= 0 && result != NOT_MADE) { // the table as the call left it
        switch (c->kind) {
        case CALL_CLOSE:
            if (is_open(fd))
                fdt[fd].kind = FK_NONE;
            break;
        case CALL_DUP:
        case CALL_DUP3:
            if (result < FD_MAX && is_open(fd)) {
                fdt[result] = fdt[fd];
                fdt[result].cloexec = c->kind == CALL_DUP3 && (c->arg[2] & O_CLOEXEC);
                touched |= 1UL << result;
                check_dup = (int)result;
            }
            break;
        case CALL_PIPE2:
            if (!user_may_access(c->arg[0], 2 * sizeof(int), true))
                break; // a success it should not have had: reported already
            p = (const int *)c->arg[0];
            if (p[0] >= 0 && p[0] < FD_MAX && p[1] >= 0 && p[1] < FD_MAX && p[0] != p[1]) {
                open_at(p[0], FK_PIPE_R, (c->arg[1] & O_CLOEXEC) != 0);
                open_at(p[1], FK_PIPE_W, (c->arg[1] & O_CLOEXEC) != 0);
            } else {
                p = NULL;
            }
            break;
        case CALL_PRLIMIT64:
            if (plan.has_new) { // (a limit above FD_MAX was wrongly taken: reported already)
                hard =
                    (unsigned)(plan.new_limit.rlim_max < FD_MAX ? plan.new_limit.rlim_max : FD_MAX);
                soft = (unsigned)(plan.new_limit.rlim_cur < hard ? plan.new_limit.rlim_cur : hard);
            }
            break;
        default:
            break;
        }
    }
    restore_console(); // before any check: a failure report must reach the console
    if (result != NOT_MADE) {
        int first = lowest_free(0);
        check_fd_state(c, result, first); // what a failed dup or pipe2 must have left free
        check_fd_state(c, result, first < 0 ? -1 : lowest_free(first + 1));
        check_fd_state(c, result, fd);
        if (c->kind == CALL_DUP3)
            check_fd_state(c, result, (int)c->arg[1]);
    }
    if (check_dup >= 0)
        check_same_file(check_dup, fd);
    if (p != NULL)
        check_new_pipe(p[0], p[1]);
    cleanup7();
}
// --- for paths.c: the fd table as the path calls see and change it ---------------------------

int fd7_lowest_free(void)
{
    return lowest_free(0);
}

int fd7_open(const char *path, int flags, enum fkind kind)
{
    return open_raw(path, flags, kind);
}

int fd7_pipe_end(void)
{
    int r, w;
    make_pipe(random_below(2), &r, &w);
    return random_below(2) ? r : w;
}

int fd7_never_opened(void)
{
    return never_opened();
}

void fd7_no_room(void)
{
    leave_free(0);
}

void fd7_opened(int fd, enum fkind kind, bool cloexec)
{
    open_at(fd, kind, cloexec);
}

enum fkind fd7_kind(int fd)
{
    return fd >= 0 && fd < FD_MAX ? fdt[fd].kind : FK_NONE;
}

uint32_t fd7_mode(int fd)
{
    return mode_of(fd7_kind(fd));
}

uint64_t fd7_ino(int fd)
{
    return is_open(fd) ? fdt[fd].ino : ~0UL;
}

void fd7_cleanup(void)
{
    restore_console();
    cleanup7();
}

#endif
