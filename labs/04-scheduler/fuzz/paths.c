// paths.c — lab 7's calls that name a path (openat, newfstatat, mkdirat, unlinkat, renameat,
// chdir, getcwd): the classes of paths, dirfds and flags, what docs/syscalls.md ("Files") and
// docs/protocols/vfs.md allow each call to return, and the names each combination leaves
// behind, checked and put back.
//
// Everything happens in the fuzzer's own directory D, /tmp/fuzz-SEED (files.c makes it), which
// is the current directory while the fuzzer runs.  Between two combinations D holds exactly an
// empty file `f` and an empty directory `d`: that is the model.  A path class names one thing
// (f, d, D itself, a missing name m, "/", ".", "..", ...), spelled absolute or relative, with
// detours ("./", "d/../", "//"); the oracle predicts from what it names and from the class of
// the dirfd (a relative path starts at D's fd or, for AT_FDCWD, at the cwd, D; a file's or a
// pipe's fd is ENOTDIR, a bad one EBADF; an absolute path ignores the dirfd).  Each
// combination's fds are closed again (files.c), and apply_paths7 checks what the call left
// (f, d, m: present or not, file or directory, the same node after a rename; D's size; the
// cwd) and puts D and the cwd back as they were.  The VFS server's counts (VFS_STATS, through
// SLOT_VFS, which pid 1 has) must be where they started at the end.
#if LAB >= 7
#include "fuzz.h"
#include "proto/vfs.h"

// --- the model ----------------------------------------------------------------------------

// What a path names: the missing name m (ND_NONE), the fuzzer's file f and directory d, D
// itself, /tmp (D's parent) and the root; after a call, a name may hold a new node.
enum node { ND_NONE, ND_F, ND_D, ND_DIRD, ND_TMP, ND_ROOT, ND_NEW_FILE, ND_NEW_DIR, NND };
static uint64_t ino[NND]; // st_ino of each (f's and d's change when they are made again)
static char dir[40];      // D's absolute path
static const char *base;  // its last name, "fuzz-SEED"
static uint64_t dir_size; // D's st_size with f and d in it
static struct ipc_msg vfs_before;
static bool have_vfs_stats;

static const char *abs_path(enum node n)
{
    static char buf[2][64];
    static int turn;
    char *b = buf[turn ^= 1];
    switch (n) {
    case ND_F:
        snprintf(b, 64, "%s/f", dir);
        return b;
    case ND_D:
        snprintf(b, 64, "%s/d", dir);
        return b;
    case ND_DIRD:
        return dir;
    case ND_TMP:
        return "/tmp";
    default:
        return "/";
    }
}

static bool vfs_stats(struct ipc_msg *out)
{
    struct ipc_msg ask;
    memset(&ask, 0, sizeof(ask));
    ask.label = VFS_STATS;
    ask.cap = CAP_NONE;
    return ipc_call(SLOT_VFS, &ask, out) == 0 && out->label == 0;
}

static uint64_t ino_at(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : ~0UL;
}

void paths7_init(const char *d)
{
    snprintf(dir, sizeof(dir), "%s", d);
    base = dir;
    for (const char *q = dir; *q != '\0'; q++)
        if (*q == '/')
            base = q + 1;
    for (int n = ND_F; n <= ND_ROOT; n++)
        ino[n] = ino_at(abs_path((enum node)n));
    struct stat st;
    dir_size = stat(dir, &st) == 0 ? (uint64_t)st.st_size : ~0UL;
    have_vfs_stats = vfs_stats(&vfs_before); // not pid 1: no SLOT_VFS, no check
}

// At the very end, every child reaped (a child holds the cwd it was spawned with, which may be
// an older open of D) and the fuzzer's directory removed (three nodes fewer; the cwd, "/"
// again, is one handle as D was).
void paths7_check_counts(void)
{
    struct ipc_msg after;
    if (!have_vfs_stats)
        return;
    if (!vfs_stats(&after)) {
        fail_other("VFS_STATS through SLOT_VFS failed at the end");
        return;
    }
    static const char *const what[4] = {"open handles", "nodes", "data pages", "clients"};
    for (int i = 0; i < 4; i++) {
        uint64_t want = vfs_before.w[i] - (i == 1 ? 3 : 0);
        if (after.w[i] != want) {
            char buf[200];
            snprintf(buf, sizeof(buf),
                     "the VFS server counts %lu %s at the end, not %lu (VFS_STATS; %lu at the "
                     "start, with the fuzzer's directory, its f and d)",
                     after.w[i], what[i], want, vfs_before.w[i]);
            fail_other(buf);
        }
    }
}

// --- classes ------------------------------------------------------------------------------

enum path_class7 {
    PC_NULL,
    PC_KERNEL,
    PC_UNMAPPED,
    PC_STRADDLE,
    PC_EMPTY,
    PC_NO_NUL,
    PC_LONG_NAME,
    PC_MISSING,
    PC_MISSING_PARENT,
    PC_THROUGH_FILE,
    PC_FILE_SLASH,
    PC_FILE,
    PC_DIR,
    PC_FUZZ_DIR,
    PC_ROOT,
    PC_DOT,
    PC_DOTDOT,
    NPC7
};
static const char *const path_names7[NPC7] = {"NULL",
                                              "kernel",
                                              "unmapped",
                                              "into an unmapped page before its NUL",
                                              "\"\"",
                                              "no NUL in 4096 bytes",
                                              "a 256-byte name in it",
                                              "a missing name m (or m/)",
                                              "in a missing directory (m/x)",
                                              "through the file (f/x)",
                                              "the file, with a trailing / (f/)",
                                              "the fuzzer's file f",
                                              "the fuzzer's directory d (or d/)",
                                              "the fuzzer's own directory",
                                              "/",
                                              ". (or d/.)",
                                              ".. (or d/..)"};
// renameat's paths: the four unreadable ones are one class (drawn among them), the rest as above.
#define NRP (NPC7 - PC_EMPTY + 1)
static const char *const rename_path_names[NRP] = {
    "NULL, kernel, unmapped or into an unmapped page",
    "\"\"",
    "no NUL in 4096 bytes",
    "a 256-byte name in it",
    "a missing name m (or m/)",
    "in a missing directory (m/x)",
    "through the file (f/x)",
    "the file, with a trailing / (f/)",
    "the fuzzer's file f",
    "the fuzzer's directory d (or d/)",
    "the fuzzer's own directory",
    "/",
    ". (or d/.)",
    ".. (or d/..)"};

enum dirfd_class { DF_CWD, DF_DIR, DF_FILE, DF_PIPE, DF_BAD, NDF };
static const char *const dirfd_names[NDF] = {"AT_FDCWD (the cwd, the fuzzer's directory)",
                                             "an fd of the fuzzer's directory", "an fd of its file",
                                             "a pipe's end or the console", "not an open fd"};
enum dirfd_kind { DK_GOOD, DK_NOT_DIR, DK_BAD };
enum rename_dirfds { RD_GOOD, RD_OLD, RD_NEW, NRD };
static const char *const rename_dirfd_names[NRD] = {"both AT_FDCWD or the directory's fd",
                                                    "olddirfd a file's, a pipe's or a bad fd",
                                                    "newdirfd a file's, a pipe's or a bad fd"};

enum open_class {
    OC_RDONLY,
    OC_WRITE,
    OC_CREAT,
    OC_EXCL,
    OC_DIRECTORY,
    OC_UNKNOWN,
    OC_NO_ROOM,
    NOC7
};
static const char *const open_names[NOC7] = {"O_RDONLY",
                                             "O_WRONLY or O_RDWR (O_TRUNC, O_APPEND)",
                                             "O_CREAT",
                                             "O_CREAT | O_EXCL",
                                             "O_DIRECTORY",
                                             "unknown bits (ignored) with good ones",
                                             "good ones, no free fd below the limit"};
#define KNOWN_OPEN (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY | O_CLOEXEC)

enum st_class { ST_GOOD, ST_BAD, NST };
static const char *const st_names[NST] = {"writable", "NULL, kernel, read-only or unmapped"};
enum stat_flags { SF_ZERO, SF_EMPTY_PATH, SF_BAD, NSF };
static const char *const stat_flag_names[NSF] = {"0 or AT_SYMLINK_NOFOLLOW", "AT_EMPTY_PATH",
                                                 "other bits"};
enum unlink_flags { UF_ZERO, UF_REMOVEDIR, UF_BAD, NUF };
static const char *const unlink_flag_names[NUF] = {"0", "AT_REMOVEDIR", "other bits"};
static const char *const mode_names[1] = {"any mode"};

enum cwd_class { CW_DIR, CW_SUB, CW_ROOT, NCW };
static const char *const cwd_names[NCW] = {"the fuzzer's directory", "its d", "/"};
enum cwdbuf_class { CB_GOOD, CB_BAD, CB_STRADDLE, NCB };
static const char *const cwdbuf_names[NCB] = {"writable", "NULL, kernel, read-only or unmapped",
                                              "running into an unmapped page"};
enum cwdsize_class { CS_ZERO, CS_ONE, CS_SHORT, CS_EXACT, CS_MORE, NCS };
static const char *const cwdsize_names[NCS] = {"0", "1", "the length - 1 (no room for the NUL)",
                                               "the length with its NUL", "more"};

const struct call_info calls7p[] = {
    {"openat",
     SYS_openat,
     3,
     {{"dirfd", NDF, dirfd_names}, {"path", NPC7, path_names7}, {"flags", NOC7, open_names}}},
    {"newfstatat",
     SYS_newfstatat,
     4,
     {{"dirfd", NDF, dirfd_names},
      {"path", NPC7, path_names7},
      {"st", NST, st_names},
      {"flags", NSF, stat_flag_names}}},
    {"mkdirat",
     SYS_mkdirat,
     3,
     {{"dirfd", NDF, dirfd_names}, {"path", NPC7, path_names7}, {"mode", 1, mode_names}}},
    {"unlinkat",
     SYS_unlinkat,
     3,
     {{"dirfd", NDF, dirfd_names}, {"path", NPC7, path_names7}, {"flags", NUF, unlink_flag_names}}},
    {"renameat",
     SYS_renameat,
     3,
     {{"old", NRP, rename_path_names},
      {"new", NRP, rename_path_names},
      {"dirfds", NRD, rename_dirfd_names}}},
    {"chdir", SYS_chdir, 1, {{"path", NPC7, path_names7}}},
    {"getcwd",
     SYS_getcwd,
     3,
     {{"cwd", NCW, cwd_names}, {"buf", NCB, cwdbuf_names}, {"size", NCS, cwdsize_names}}},
};
_Static_assert(sizeof(calls7p) / sizeof(calls7p[0]) == CALL_GETCWD - CALL_PRLIMIT64,
               "calls7p covers every path call");

// --- one combination's plan ---------------------------------------------------------------

// What a path argument is, as built: what the oracle needs to know of it.
enum last { L_NAME, L_DOT, L_DOTDOT, L_ROOT };
struct pathspec {
    uint64_t at;    // where it is
    bool readable;  // its first byte can be read (else EFAULT, and nothing else)
    bool relative;  // as built (the oracle reads the first byte again: see path_errors)
    long err;       // what it gives whatever the call (EFAULT, ENAMETOOLONG, ENOENT, ENOTDIR)
    enum node node; // what it names
    enum last last; // how its last name is spelled
    bool slash;     // a trailing '/'
    bool in_d;      // its last name is an entry of D
    bool empty;     // ""
};

static struct {
    struct pathspec p[2];  // renameat: old, new; the others: p[0]
    enum dirfd_kind dk[2]; // of the dirfd each starts from
    int fd[2];             // the dirfd as an fd (AT_FDCWD, or what the class opened)
    bool uses_m, mutates;
    enum node after[3];  // f, d, m after the call, if it succeeds
    enum node cwd_after; // chdir: the cwd after a success
    enum node cwd;       // getcwd: the cwd set for the call
    enum node stat_of;   // openat, newfstatat: the node a success must show
    int stat_fd;         // newfstatat with AT_EMPTY_PATH of a pipe or console: that fd
    size_t cwd_len;      // getcwd: the length with its NUL
} plan;
static char m_name[NAME_MAX + 1];
static char pathbuf[2][3 * 4096] __attribute__((aligned(4096)));

static uint64_t high_garbage7(void)
{
    return random_below(2) ? (1 + random_below((1UL << 32) - 1)) << 32 : 0;
}

static uint64_t good_place7(uint64_t len)
{
    static const enum ptr_class good[] = {PTR_DATA, PTR_STACK, PTR_ACROSS_PAGES};
    return pointer_of_class(good[random_below(3)], len);
}

static uint64_t bad_place7(uint64_t len)
{
    static const enum ptr_class bad[] = {PTR_NULL,     PTR_KERNEL,   PTR_RODATA,       PTR_TEXT,
                                         PTR_UNMAPPED, PTR_USER_TOP, PTR_INTO_UNMAPPED};
    return pointer_of_class(bad[random_below(7)], len);
}

// The dirfd of class `class`, opened if need be (files.c closes it after the call).
static uint64_t dirfd_of_class(int class, int which)
{
    int fd;
    switch (class) {
    case DF_CWD:
        plan.dk[which] = DK_GOOD;
        plan.fd[which] = AT_FDCWD;
        return (uint32_t)AT_FDCWD | high_garbage7();
    case DF_DIR:
        plan.dk[which] = DK_GOOD;
        fd = fd7_open(dir, O_RDONLY | O_DIRECTORY, FK_DIR);
        break;
    case DF_FILE:
        plan.dk[which] = DK_NOT_DIR;
        fd = fd7_open(abs_path(ND_F), random_below(2) ? O_RDONLY : O_RDWR, FK_FILE);
        break;
    case DF_PIPE:
        plan.dk[which] = DK_NOT_DIR;
        fd = random_below(3) == 0 ? (int)random_below(3) : fd7_pipe_end();
        break;
    default:
        plan.dk[which] = DK_BAD;
        switch (random_below(3)) {
        case 0:
            fd = fd7_never_opened();
            break;
        case 1:
            fd = FD_MAX + (int)random_below(1UL << 20);
            break;
        default:
            do
                fd = (int)(0x80000000u | (uint32_t)random64());
            while (fd == AT_FDCWD);
        }
    }
    plan.fd[which] = fd;
    return (uint32_t)fd | high_garbage7();
}

// The name of a missing entry: "m" and up to 254 more letters.
static void new_m_name(void)
{
    size_t len = random_below(4) == 0 ? 1 + random_below(NAME_MAX) : 1 + random_below(8);
    m_name[0] = 'm';
    for (size_t i = 1; i < len; i++)
        m_name[i] = (char)('a' + random_below(26));
    m_name[len] = '\0';
}

// A way to D from where a path starts (D, for a good dirfd), ending in '/'.
static const char *d_prefix(bool relative)
{
    static char b[96];
    int way = (int)random_below(4);
    if (relative) {
        static const char *const ways[3] = {"", "./", "d/../"};
        if (way < 3)
            return ways[way];
        snprintf(b, sizeof(b), "../%s/", base);
        return b;
    }
    switch (way) {
    case 0:
        snprintf(b, sizeof(b), "%s/", dir);
        break;
    case 1:
        snprintf(b, sizeof(b), "//tmp/.//%s//", base);
        break;
    case 2:
        snprintf(b, sizeof(b), "%s/d/../", dir);
        break;
    default:
        snprintf(b, sizeof(b), "/..%s/", dir);
    }
    return b;
}

// Lays out a path of class `class` for argument `which`: its address, and *p.
// renameat of the file onto the directory is EISDIR only when "d" has no trailing slash
// ("d/" makes it ENOTDIR, which the oracle accepts too): the first such combination of a
// run spells it plainly, so that EISDIR is always seen (docs/syscalls.md lists it).
static bool plain_dir_next;
static bool file_onto_dir_made;

static uint64_t path_of_class(int class, int which, struct pathspec *p)
{
    static char s[PATH_MAX + 128];
    memset(p, 0, sizeof(*p));
    p->readable = true;
    p->node = ND_NONE;
    p->in_d = true;
    bool rel = random_below(2);
    const char *pre = d_prefix(rel);
    size_t n;
    switch (class) {
    case PC_NULL:
    case PC_KERNEL:
    case PC_UNMAPPED: {
        static const enum ptr_class unmapped[] = {PTR_UNMAPPED,  PTR_STACK_GUARD,  PTR_USER_TOP,
                                                  PTR_PAGE_ZERO, PTR_NONCANONICAL, PTR_MINUS_ONE};
        p->readable = false;
        p->err = EFAULT;
        return class == PC_NULL     ? 0
               : class == PC_KERNEL ? pointer_of_class(PTR_KERNEL, 1)
                                    : pointer_of_class(unmapped[random_below(6)], 1);
    }
    case PC_STRADDLE: { // the bytes below the stack's top, no NUL among them
        uint64_t room = stack_top_room(), k = 1 + random_below(room < 200 ? room : 200);
        uint64_t at = STACK_TOP - k;
        memset((void *)at, 'a', k);
        if (!rel)
            *(char *)at = '/';
        p->relative = rel;
        p->err = EFAULT;
        return at;
    }
    case PC_EMPTY:
        s[0] = '\0';
        p->relative = p->empty = true;
        p->err = ENOENT;
        break;
    case PC_NO_NUL:
        if (random_below(4) == 0) { // 8 KiB of '.'
            p->relative = true;
            p->err = ENAMETOOLONG;
            return pointer_of_class(PTR_RODATA, PATH_MAX);
        }
        n = PATH_MAX + random_below(64);
        memset(s, 'a', n);
        for (size_t i = 8; i < n; i += 8 + random_below(200))
            s[i] = '/'; // names of legal lengths: only the whole is too long
        s[0] = rel ? 'a' : '/';
        s[n] = '\0';
        p->relative = rel;
        p->err = ENAMETOOLONG;
        break;
    case PC_LONG_NAME:
        n = (size_t)snprintf(s, sizeof(s), "%s", pre);
        memset(s + n, 'a', NAME_MAX + 1);
        snprintf(s + n + NAME_MAX + 1, 4, "%s", random_below(2) ? "/x" : "");
        p->relative = rel;
        p->err = ENAMETOOLONG;
        break;
    case PC_MISSING:
        p->slash = random_below(4) == 0;
        snprintf(s, sizeof(s), "%s%s%s", pre, m_name, p->slash ? "/" : "");
        p->relative = rel;
        plan.uses_m = true;
        break;
    case PC_MISSING_PARENT:
        snprintf(s, sizeof(s), "%s%s/x%s", pre, m_name, random_below(2) ? "/" : "");
        p->relative = rel;
        p->err = ENOENT;
        break;
    case PC_THROUGH_FILE: {
        static const char *const tails[4] = {"f/x", "f/.", "f/..", "f/x/y"};
        snprintf(s, sizeof(s), "%s%s", pre, tails[random_below(4)]);
        p->relative = rel;
        p->err = ENOTDIR;
        break;
    }
    case PC_FILE_SLASH:
    case PC_FILE:
        p->slash = class == PC_FILE_SLASH;
        snprintf(s, sizeof(s), "%sf%s", pre, !p->slash ? "" : random_below(2) ? "/" : "//");
        p->relative = rel;
        p->node = ND_F;
        break;
    case PC_DIR:
        p->slash = !plain_dir_next && random_below(3) == 0;
        plain_dir_next = false;
        snprintf(s, sizeof(s), "%sd%s", pre, p->slash ? "/" : "");
        p->relative = rel;
        p->node = ND_D;
        break;
    case PC_FUZZ_DIR:
        p->slash = random_below(3) == 0;
        if (rel)
            snprintf(s, sizeof(s), "../%s%s", base, p->slash ? "/" : "");
        else
            snprintf(s, sizeof(s), "%s%s", dir, p->slash ? "/" : "");
        p->relative = rel;
        p->node = ND_DIRD;
        p->in_d = false;
        break;
    case PC_ROOT:
        snprintf(s, sizeof(s), "%s", random_below(2) ? "/" : "///");
        p->node = ND_ROOT;
        p->last = L_ROOT;
        p->in_d = false;
        break;
    case PC_DOT:
    case PC_DOTDOT: {
        bool dot = class == PC_DOT;
        p->last = dot ? L_DOT : L_DOTDOT;
        p->in_d = false;
        switch (random_below(4)) {
        case 0:
            snprintf(s, sizeof(s), "%s", dot ? "." : "..");
            p->node = dot ? ND_DIRD : ND_TMP;
            p->relative = true;
            break;
        case 1:
            snprintf(s, sizeof(s), "%s", dot ? "./" : "../");
            p->node = dot ? ND_DIRD : ND_TMP;
            p->relative = p->slash = true;
            break;
        case 2:
            snprintf(s, sizeof(s), "%s", dot ? "d/." : "d/..");
            p->node = dot ? ND_D : ND_DIRD;
            p->relative = true;
            break;
        default:
            snprintf(s, sizeof(s), "%s/%s", dir, dot ? "." : "d/..");
            p->node = ND_DIRD;
        }
        break;
    }
    default:
        break;
    }
    // Somewhere in the buffer: often across its first page boundary.
    n = strlen(s) + 1;
    if (class == PC_NO_NUL)
        n = PATH_MAX + 64;
    uint64_t off =
        random_below(2) ? 4096 - 1 - random_below(n < 4096 ? n : 4096) : random_below(4096);
    char *at = pathbuf[which] + off;
    memcpy(at, s, class == PC_NO_NUL ? strlen(s) + 1 : n);
    return (uint64_t)at;
}

// --- building -----------------------------------------------------------------------------

static uint64_t open_flags(int class)
{
    uint64_t f, acc = random_below(3);
    switch (class) {
    case OC_RDONLY:
        f = O_RDONLY;
        break;
    case OC_WRITE:
        f = (random_below(2) ? O_WRONLY : O_RDWR) | (random_below(2) ? O_TRUNC : 0) |
            (random_below(2) ? O_APPEND : 0);
        break;
    case OC_CREAT:
    case OC_EXCL:
        f = O_CREAT | acc | (class == OC_EXCL ? O_EXCL : 0) |
            (acc != O_RDONLY && random_below(2) ? O_TRUNC : 0);
        break;
    case OC_DIRECTORY:
        f = O_DIRECTORY | (random_below(4) == 0 ? acc : O_RDONLY);
        break;
    default: // OC_UNKNOWN, OC_NO_ROOM: one of the above (never O_CREAT with O_DIRECTORY)
        f = open_flags((int)random_below(OC_UNKNOWN));
        if (class == OC_UNKNOWN) {
            uint32_t bits = (uint32_t)random64() & ~(uint32_t)KNOWN_OPEN;
            bits |= 1u << random_below(32);
            f |= bits & ~(uint32_t)KNOWN_OPEN;
            if ((f & ~(uint64_t)KNOWN_OPEN) == 0)
                f |= O_NONBLOCK;
        }
    }
    return f | (random_below(2) ? O_CLOEXEC : 0);
}

static void set_cwd(enum node n)
{
    long got = chdir(abs_path(n));
    if (got != 0) {
        char what[96];
        snprintf(what, sizeof(what), "chdir to %s (a helper) returned %ld (%s)", abs_path(n), got,
                 errno_name(got));
        fail_other(what);
    }
}

void build_paths7(struct call *c)
{
    int *k = c->classes;
    memset(&plan, 0, sizeof(plan));
    plan.fd[0] = plan.fd[1] = AT_FDCWD;
    new_m_name();
    switch (c->kind) {
    case CALL_OPENAT:
    case CALL_NEWFSTATAT:
    case CALL_MKDIRAT:
    case CALL_UNLINKAT:
        c->arg[0] = dirfd_of_class(k[0], 0);
        c->arg[1] = plan.p[0].at = path_of_class(k[1], 0, &plan.p[0]);
        break;
    case CALL_RENAMEAT:
        for (int j = 0; j < 2; j++) {
            int i = k[2] == RD_OLD ? 1 - j : j; // a bad fd last: no open may take its number
            int cls = k[i] == 0 ? (int)random_below(PC_EMPTY) : k[i] + PC_EMPTY - 1;
            if (i == 1 && cls == PC_DIR && k[0] + PC_EMPTY - 1 == PC_FILE && k[2] == RD_GOOD &&
                !file_onto_dir_made)
                plain_dir_next = file_onto_dir_made = true;
            int dclass = k[2] == RD_GOOD || k[2] != RD_OLD + i
                             ? (int)random_below(2)            // DF_CWD or DF_DIR
                             : DF_FILE + (int)random_below(3); // DF_FILE, DF_PIPE or DF_BAD
            c->arg[2 * i] = dirfd_of_class(dclass, i);
            c->arg[2 * i + 1] = plan.p[i].at = path_of_class(cls, i, &plan.p[i]);
        }
        break;
    case CALL_CHDIR:
        plan.dk[0] = DK_GOOD;
        c->arg[0] = plan.p[0].at = path_of_class(k[0], 0, &plan.p[0]);
        break;
    default: { // getcwd
        plan.cwd = k[0] == CW_DIR ? ND_DIRD : k[0] == CW_SUB ? ND_D : ND_ROOT;
        if (plan.cwd != ND_DIRD)
            set_cwd(plan.cwd);
        plan.cwd_len = strlen(abs_path(plan.cwd)) + 1;
        uint64_t n = plan.cwd_len, size = k[2] == CS_ZERO    ? 0
                                          : k[2] == CS_ONE   ? 1
                                          : k[2] == CS_SHORT ? n - 1
                                          : k[2] == CS_EXACT ? n
                                                             : n + 1 + random_below(64);
        c->arg[0] = k[1] == CB_GOOD  ? good_place7(size > n ? size : n)
                    : k[1] == CB_BAD ? bad_place7(n)
                                     : pointer_of_class(PTR_INTO_UNMAPPED, n);
        fill_where_allowed(c->arg[0], n, 0x7f);
        c->arg[1] = size;
        return;
    }
    }
    switch (c->kind) {
    case CALL_OPENAT:
        c->arg[2] = open_flags(k[2]) | high_garbage7();
        c->arg[3] = random64();
        if (k[2] == OC_NO_ROOM)
            fd7_no_room();
        break;
    case CALL_NEWFSTATAT: {
        c->arg[2] =
            k[2] == ST_GOOD ? good_place7(sizeof(struct stat)) : bad_place7(sizeof(struct stat));
        fill_where_allowed(c->arg[2], sizeof(struct stat), 0xff);
        uint64_t f = random_below(2) ? AT_SYMLINK_NOFOLLOW : 0;
        if (k[3] == SF_EMPTY_PATH)
            f |= AT_EMPTY_PATH;
        if (k[3] == SF_BAD) {
            uint32_t bit;
            do
                bit = 1u << random_below(32);
            while (bit == AT_SYMLINK_NOFOLLOW || bit == AT_EMPTY_PATH);
            f |= bit | ((uint32_t)random64() & (random_below(2) ? AT_EMPTY_PATH : 0));
        }
        c->arg[3] = f | high_garbage7();
        break;
    }
    case CALL_MKDIRAT:
        c->arg[2] = random_below(2) ? 0755 : random64();
        break;
    case CALL_UNLINKAT:
        if (k[2] == UF_BAD) {
            uint32_t bit;
            do
                bit = 1u << random_below(32);
            while (bit == AT_REMOVEDIR);
            c->arg[2] = bit | (random_below(2) ? AT_REMOVEDIR : 0) | high_garbage7();
        } else {
            c->arg[2] = (k[2] == UF_REMOVEDIR ? AT_REMOVEDIR : 0) | high_garbage7();
        }
        break;
    default:
        break;
    }
}

// --- the oracle ---------------------------------------------------------------------------

// The errors of a path and of where it starts, whatever the call.  Whether there were any.
static bool path_errors(int which, struct expected *e)
{
    const struct pathspec *p = &plan.p[which];
    if (!p->readable || !user_may_access(p->at, 1, false)) {
        expect_error(e, EFAULT);
        return true;
    }
    bool any = false, relative = *(const char *)p->at != '/'; // (renameat's two may overlap)
    if (relative && plan.dk[which] != DK_GOOD) {
        expect_error(e, plan.dk[which] == DK_BAD ? EBADF : ENOTDIR);
        any = true;
    }
    if (p->err != 0) {
        expect_error(e, p->err);
        any = true;
    }
    return any;
}

static bool is_dir_node(enum node n)
{
    return n != ND_NONE && n != ND_F;
}

// The names after a success: `from` (f or d) gone, `to` (f, d or m) holds `n`.
static int name_index(enum node n)
{
    return n == ND_F ? 0 : n == ND_D ? 1 : 2;
}

static void predict_open(const struct call *c, struct expected *e)
{
    const struct pathspec *p = &plan.p[0];
    unsigned flags = (unsigned)c->arg[2], acc = flags & O_ACCMODE;
    bool creat = flags & O_CREAT, excl = creat && (flags & O_EXCL);
    plan.mutates = creat;
    if (fd7_lowest_free() < 0)
        expect_error(e, EMFILE);
    e->value = fd7_lowest_free();
    if (path_errors(0, e))
        return;
    if (p->node == ND_NONE) {
        if (!creat)
            expect_error(e, ENOENT);
        else if (p->slash)
            expect_error(e, EISDIR); // "m/" with O_CREAT: no file of that
        plan.after[2] = ND_NEW_FILE;
        plan.stat_of = ND_NEW_FILE;
        return;
    }
    if (excl)
        expect_error(e, EEXIST);
    if (creat && (p->last != L_NAME || p->slash))
        expect_error(e, EISDIR);
    if (is_dir_node(p->node) && (acc != O_RDONLY || creat))
        expect_error(e, EISDIR);
    if (!is_dir_node(p->node) && ((p->slash && !creat) || (flags & O_DIRECTORY)))
        expect_error(e, ENOTDIR);
    plan.stat_of = p->node;
}

static void predict_stat(const struct call *c, struct expected *e)
{
    const struct pathspec *p = &plan.p[0];
    unsigned flags = (unsigned)c->arg[3];
    e->value = 0;
    if ((flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0)
        expect_error(e, EINVAL);
    if (!user_may_access(c->arg[2], sizeof(struct stat), true)) {
        expect_error(e, EFAULT); // "checked first": no path error, no EBADF with it
        return;
    }
    if (p->empty && (flags & AT_EMPTY_PATH)) { // dirfd itself
        int fd = plan.fd[0];
        plan.stat_fd = -1;
        if (plan.dk[0] == DK_BAD)
            expect_error(e, EBADF);
        else if (fd == AT_FDCWD || fd7_kind(fd) == FK_DIR)
            plan.stat_of = ND_DIRD;
        else if (fd7_kind(fd) == FK_FILE)
            plan.stat_of = ND_F;
        else
            plan.stat_fd = fd;
        return;
    }
    if (path_errors(0, e))
        return;
    if (p->node == ND_NONE)
        expect_error(e, ENOENT);
    else if (p->node == ND_F && p->slash)
        expect_error(e, ENOTDIR);
    plan.stat_of = p->node;
    plan.stat_fd = -1;
}

static void predict_unlink(const struct call *c, struct expected *e)
{
    const struct pathspec *p = &plan.p[0];
    unsigned flags = (unsigned)c->arg[2];
    plan.mutates = true;
    if ((flags & ~(unsigned)AT_REMOVEDIR) != 0)
        expect_error(e, EINVAL);
    if (path_errors(0, e))
        return;
    if (flags & AT_REMOVEDIR) {
        if (p->last == L_ROOT)
            expect_error(e, EBUSY);
        else if (p->last == L_DOT)
            expect_error(e, EINVAL);
        else if (p->last == L_DOTDOT)
            expect_error(e, ENOTEMPTY);
        else if (p->node == ND_NONE)
            expect_error(e, ENOENT);
        else if (p->node == ND_F)
            expect_error(e, ENOTDIR);
        else if (p->node == ND_DIRD)
            expect_error(e, ENOTEMPTY); // it holds f and d
        plan.after[1] = ND_NONE;        // d removed
        return;
    }
    if (p->last != L_NAME || is_dir_node(p->node))
        expect_error(e, EISDIR);
    else if (p->node == ND_NONE)
        expect_error(e, ENOENT);
    else if (p->slash)
        expect_error(e, ENOTDIR);
    plan.after[0] = ND_NONE; // f removed
}

static void predict_rename(struct expected *e)
{
    const struct pathspec *o = &plan.p[0], *n = &plan.p[1];
    plan.mutates = true;
    bool errors = path_errors(0, e);
    if (path_errors(1, e) || errors)
        return;
    if (o->last != L_NAME || n->last != L_NAME) {
        expect_error(e, EBUSY); // "/", "." or ".."
        return;
    }
    if (o->node == ND_NONE) {
        expect_error(e, ENOENT);
        return;
    }
    bool dir = is_dir_node(o->node);
    if (!dir && (o->slash || n->slash))
        expect_error(e, ENOTDIR);
    if (o->node == ND_DIRD && n->in_d)
        expect_error(e, EINVAL); // D into itself
    if (n->node != ND_NONE && n->node != o->node) {
        bool target_dir = is_dir_node(n->node);
        if (!dir && target_dir)
            expect_error(e, EISDIR);
        if (dir && !target_dir)
            expect_error(e, ENOTDIR);
        if (dir && n->node == ND_DIRD)
            expect_error(e, ENOTEMPTY);
    }
    if (n->node != o->node) { // (o is f or d here: D can go nowhere but onto itself)
        plan.after[name_index(n->node)] = o->node;
        plan.after[name_index(o->node)] = ND_NONE;
    }
}

void predict_paths7(const struct call *c, struct expected *e)
{
    plan.after[0] = ND_F;
    plan.after[1] = ND_D;
    plan.after[2] = ND_NONE;
    plan.cwd_after = ND_DIRD;
    e->value = 0;
    const struct pathspec *p = &plan.p[0];
    switch (c->kind) {
    case CALL_OPENAT:
        predict_open(c, e);
        break;
    case CALL_NEWFSTATAT:
        predict_stat(c, e);
        break;
    case CALL_MKDIRAT:
        plan.mutates = true;
        if (path_errors(0, e))
            break;
        if (p->node != ND_NONE)
            expect_error(e, EEXIST); // "/", ".", "..", "f/" too
        plan.after[2] = ND_NEW_DIR;
        break;
    case CALL_UNLINKAT:
        predict_unlink(c, e);
        break;
    case CALL_RENAMEAT:
        predict_rename(e);
        break;
    case CALL_CHDIR:
        if (path_errors(0, e))
            break;
        if (p->node == ND_NONE)
            expect_error(e, ENOENT);
        else if (p->node == ND_F)
            expect_error(e, ENOTDIR);
        plan.cwd_after = p->node;
        break;
    default: // getcwd
        if (c->arg[1] < plan.cwd_len)
            expect_error(e, ERANGE);
        if (!user_may_access(c->arg[0], plan.cwd_len, true))
            expect_error(e, EFAULT);
        e->value = (long)plan.cwd_len;
    }
}

static const char *node_name(enum node n)
{
    static const char *const names[NND] = {
        "missing", "the file f", "the directory d", "the fuzzer's directory",
        "/tmp",    "/",          "a new file",      "a new directory"};
    return names[n];
}

// Whether a stat shows node n.
static bool shows(const struct stat *st, enum node n)
{
    if (n == ND_NEW_FILE || n == ND_F)
        return S_ISREG(st->st_mode) && (n == ND_NEW_FILE || st->st_ino == ino[n]);
    return S_ISDIR(st->st_mode) && (n == ND_NEW_DIR || st->st_ino == ino[n]);
}

const char *check_paths7(const struct call *c, long result)
{
    static char what[200];
    struct stat st;
    switch (c->kind) {
    case CALL_OPENAT:
        if (fstat((int)result, &st) != 0 || !shows(&st, plan.stat_of)) {
            snprintf(what, sizeof(what),
                     "openat gave fd %ld, whose fstat shows st_mode 0x%x, st_ino %lu: not %s",
                     result, st.st_mode, st.st_ino, node_name(plan.stat_of));
            return what;
        }
        return NULL;
    case CALL_NEWFSTATAT: {
        const struct stat *got = (const struct stat *)c->arg[2];
        int fd = plan.stat_fd;
        bool ok = fd >= 0 ? got->st_mode == fd7_mode(fd) && got->st_ino == fd7_ino(fd)
                          : shows(got, plan.stat_of);
        if (!ok) {
            snprintf(what, sizeof(what), "newfstatat wrote st_mode 0x%x, st_ino %lu: not %s",
                     got->st_mode, got->st_ino, fd >= 0 ? "the fd's" : node_name(plan.stat_of));
            return what;
        }
        return NULL;
    }
    case CALL_GETCWD: {
        const char *want = abs_path(plan.cwd);
        if (memcmp((const void *)c->arg[0], want, plan.cwd_len) != 0) {
            char got[64];
            size_t n = plan.cwd_len < sizeof(got) ? plan.cwd_len : sizeof(got) - 1;
            memcpy(got, (const void *)c->arg[0], n);
            got[n] = '\0';
            snprintf(what, sizeof(what), "getcwd wrote \"%s\", not \"%s\" and its NUL", got, want);
            return what;
        }
        return NULL;
    }
    default:
        return NULL;
    }
}

// --- after the call -----------------------------------------------------------------------

static const char *entry_name(int i)
{
    return i == 0 ? "f" : i == 1 ? "d" : m_name;
}

static const char *entry_path(int i)
{
    static char b[sizeof(dir) + NAME_MAX + 2];
    snprintf(b, sizeof(b), "%s/%s", dir, entry_name(i));
    return b;
}

static void check_raw(long got, long want, const char *what)
{
    if (got != want) {
        char buf[200];
        snprintf(buf, sizeof(buf), "%s returned %ld (%s), expected %ld", what, got,
                 got < 0 ? errno_name(got) : "not an error", want);
        fail_other(buf);
    }
}

// What the call left in D: f, d and m as the oracle says (after a success; before, if it
// failed).  Then D as it was: m removed, f and d back (renamed back, or made again).
static void check_and_restore_names(const struct call *c, long result)
{
    bool ok = result >= 0 && result != NOT_MADE;
    enum node want[3] = {ok ? plan.after[0] : ND_F, ok ? plan.after[1] : ND_D,
                         ok ? plan.after[2] : ND_NONE};
    enum node have[3];
    for (int i = 0; i < 3; i++) {
        struct stat st;
        long got = stat(entry_path(i), &st);
        have[i] = got != 0                 ? ND_NONE
                  : S_ISDIR(st.st_mode)    ? (st.st_ino == ino[ND_D] ? ND_D : ND_NEW_DIR)
                  : st.st_ino == ino[ND_F] ? ND_F
                                           : ND_NEW_FILE;
        if (got != 0 && got != -ENOENT)
            check_raw(got, -ENOENT, "stat of a name in the fuzzer's directory (a check)");
        bool same = have[i] == want[i] || (got == 0 && shows(&st, want[i]));
        char short_name[24]; // (the printf has no precision: m may be 255 letters)
        strlcpy(short_name, entry_name(i), sizeof(short_name));
        if (!same && (i < 2 || plan.uses_m)) {
            char what[200];
            snprintf(what, sizeof(what), "after %s returned %ld (%s), %s/%s is %s, expected %s",
                     call_name(c->kind), result, result < 0 ? errno_name(result) : "not an error",
                     base, short_name, node_name(have[i]), node_name(want[i]));
            fail_other(what);
        }
    }
    // Put back: a moved f or d comes home; whatever else is in m goes.
    for (int i = 0; i < 2; i++) {
        enum node home = i == 0 ? ND_F : ND_D;
        if (have[i] == home)
            continue;
        if (have[i] != ND_NONE)
            check_raw(i == 0 ? unlink(entry_path(i)) : rmdir(entry_path(i)), 0,
                      "removing what is where f or d was (cleaning up)");
        if (have[2] == home) {
            char from[sizeof(dir) + NAME_MAX + 2];
            snprintf(from, sizeof(from), "%s", entry_path(2));
            check_raw(rename(from, entry_path(i)), 0, "rename back (cleaning up)");
            have[2] = ND_NONE;
        } else if (i == 0) {
            int fd = open(entry_path(0), O_CREAT | O_EXCL | O_WRONLY, 0644);
            check_raw(fd < 0 ? fd : 0, 0, "open making f again (cleaning up)");
            if (fd >= 0)
                close(fd);
            ino[ND_F] = ino_at(entry_path(0));
        } else {
            check_raw(mkdir(entry_path(1), 0755), 0, "mkdir making d again (cleaning up)");
            ino[ND_D] = ino_at(entry_path(1));
        }
    }
    if (have[2] != ND_NONE)
        check_raw(have[2] == ND_NEW_DIR || have[2] == ND_D ? rmdir(entry_path(2))
                                                           : unlink(entry_path(2)),
                  0, "removing m (cleaning up)");
    struct stat st;
    if (stat(dir, &st) != 0 || (uint64_t)st.st_size != dir_size) {
        char what[200];
        snprintf(what, sizeof(what),
                 "after %s returned %ld and the cleaning up, the fuzzer's directory has st_size "
                 "%lu, not %lu (f and d): the call made or removed another name",
                 call_name(c->kind), result, (uint64_t)st.st_size, dir_size);
        fail_other(what);
        dir_size = (uint64_t)st.st_size; // one report
    }
}

// After chdir: the cwd is where the call took it (getcwd says), then D again.
static void check_and_restore_cwd(const struct call *c, long result)
{
    static char buf[PATH_MAX];
    enum node want = c->kind == CALL_CHDIR && result == 0 ? plan.cwd_after
                     : c->kind == CALL_GETCWD             ? plan.cwd
                                                          : ND_DIRD;
    long n = getcwd(buf, sizeof(buf));
    if (n < 0 || strcmp(buf, abs_path(want)) != 0) {
        char what[200];
        snprintf(what, sizeof(what), "after %s returned %ld, getcwd gave %ld \"%s\", not \"%s\"",
                 call_name(c->kind), result, n, n > 0 ? buf : "", abs_path(want));
        fail_other(what);
    }
    if (want != ND_DIRD || n < 0 || strcmp(buf, dir) != 0)
        set_cwd(ND_DIRD);
}

void apply_paths7(const struct call *c, long result)
{
    if (c->kind == CALL_OPENAT && result >= 0 && result < FD_MAX && result != NOT_MADE &&
        fd7_kind((int)result) == FK_NONE) {
        struct stat st;
        bool dir_fd = fstat((int)result, &st) == 0 && S_ISDIR(st.st_mode);
        fd7_opened((int)result, dir_fd ? FK_DIR : FK_FILE, (c->arg[2] & O_CLOEXEC) != 0);
    }
    fd7_cleanup();
    if (plan.mutates)
        check_and_restore_names(c, result);
    if (c->kind == CALL_CHDIR || c->kind == CALL_GETCWD)
        check_and_restore_cwd(c, result);
}

#endif
