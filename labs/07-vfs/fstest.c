// fstest.c — lab 7's file-system test, judged against Linux: `fstest NONCE`.
//
// It makes a directory fst-NONCE in its current directory, works inside it (files, seeking,
// directories, listings, stat, dup, rename, unlink, names too long, bad descriptors, pipes,
// the descriptor limit), removes everything it made and prints "fstest: done".  Every check
// prints one line, "what: result": a count, a result ("0"), an errno ("ENOENT"), bytes read
// ("\"abc\\0\""), a file's type.  It prints nothing that differs between two correct file
// systems: no descriptor numbers, inode numbers, times, sizes of directories, or the order of
// a listing (names are sorted).  So the same program run as a Linux process
// (`qemu-aarch64 fstest.elf NONCE`, in an empty directory) prints exactly what Keel must
// print: grade/test_lab07_vfs.py runs both and compares them line by line.
// `fstest NONCE DIR` does the same in DIR (lab 8 runs it in /disk, on FAT32).
#include "mix.h"
#include "ulib.h"

static uint64_t seed;            // from the nonce: names and contents depend on it
static char start_dir[PATH_MAX]; // getcwd at the start, stripped from later getcwds
static char dir_name[64];        // fst-NONCE
static char big[20000], big_back[20000];
static char long_path[PATH_MAX + 200]; // a path longer than PATH_MAX

// --- printing results --------------------------------------------------------------------

// An errno as its name; one errno.h has no name for as E<number>, so it still differs.
static const char *errno_text(long r)
{
    static char unknown[16];
    const char *name = errno_name(r);
    if (strcmp(name, "E?") != 0)
        return name;
    snprintf(unknown, sizeof(unknown), "E%ld", -r);
    return unknown;
}

static int is_error(long r)
{
    return r < 0 && r > -4096;
}

// "check: 5" or "check: ENOENT".
static void result(const char *check, long r)
{
    if (is_error(r))
        printf("%s: %s\n", check, errno_text(r));
    else
        printf("%s: %ld\n", check, r);
}

// For calls that return a new descriptor: its number differs between systems (qemu-user
// holds descriptors of its own), so only "fd" is printed.
static void result_fd(const char *check, long r)
{
    if (is_error(r))
        printf("%s: %s\n", check, errno_text(r));
    else
        printf("%s: fd\n", check);
}

// Bytes as a C string literal: NULs as \0, other unprintable bytes as \xNN.
static void quote(char *out, size_t size, const char *bytes, long n)
{
    size_t at = 0;
    out[at++] = '"';
    for (long i = 0; i < n && at + 6 < size; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c == 0)
            at += snprintf(out + at, size - at, "\\0");
        else if (c == '"' || c == '\\')
            at += snprintf(out + at, size - at, "\\%c", c);
        else if (c < ' ' || c >= 0x7f)
            at += snprintf(out + at, size - at, "\\x%02x", c);
        else
            out[at++] = (char)c;
    }
    out[at++] = '"';
    out[at] = '\0';
}

// "check: \"bytes\"" for a read that returned r bytes into buf, or its errno.
static void result_bytes(const char *check, long r, const char *buf)
{
    char text[256];
    if (is_error(r)) {
        result(check, r);
        return;
    }
    quote(text, sizeof(text), buf, r);
    printf("%s: %s\n", check, text);
}

// Reads up to n bytes at fd's offset and prints them.
static void read_and_show(const char *check, int fd, long n)
{
    char buf[128];
    long r = read(fd, buf, n < (long)sizeof(buf) ? n : (long)sizeof(buf));
    result_bytes(check, r, buf);
}

// A file's type, and for a regular file its size and link count: what is the same on every
// Linux file system and on Keel's ramfs.
static void describe(char *out, size_t size, const struct stat *st)
{
    if (S_ISREG(st->st_mode))
        snprintf(out, size, "file, size %ld, nlink %u", (long)st->st_size, st->st_nlink);
    else if (S_ISDIR(st->st_mode))
        snprintf(out, size, "directory");
    else if (S_ISFIFO(st->st_mode))
        snprintf(out, size, "pipe");
    else
        snprintf(out, size, "type 0%o", st->st_mode & S_IFMT);
}

static void result_stat(const char *check, long r, const struct stat *st)
{
    char text[80];
    if (is_error(r)) {
        result(check, r);
        return;
    }
    describe(text, sizeof(text), st);
    printf("%s: %s\n", check, text);
}

static void show_stat(const char *check, const char *path)
{
    struct stat st;
    result_stat(check, stat(path, &st), &st);
}

static void show_fstat(const char *check, int fd)
{
    struct stat st;
    result_stat(check, fstat(fd, &st), &st);
}

// --- names and contents from the nonce -------------------------------------------------------

static uint64_t hash_text(const char *s)
{
    uint64_t h = 0xcbf29ce484222325UL; // FNV-1a
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3UL;
    return h;
}

// n letters that depend on the nonce and on `tag`.
static void letters(char *out, int n, uint64_t tag)
{
    for (int i = 0; i < n; i++)
        out[i] = (char)('a' + mix64(seed ^ (tag << 32) ^ (uint64_t)i) % 26);
}

// A file name: TAG-xxxxx, where xxxxx depends on the nonce.  The same tag always gives the
// same name, at the same address (a table of up to MAX_NAMES tags).
#define MAX_NAMES 32
static const char *name(const char *tag)
{
    static char tags[MAX_NAMES][16], names[MAX_NAMES][32];
    int i = 0;
    while (i < MAX_NAMES && tags[i][0] && strcmp(tags[i], tag) != 0)
        i++;
    if (i == MAX_NAMES)
        return "too-many-names";
    if (!tags[i][0]) {
        strlcpy(tags[i], tag, sizeof(tags[i]));
        int n = snprintf(names[i], sizeof(names[i]), "%s-", tag);
        letters(names[i] + n, 5, hash_text(tag));
        names[i][n + 5] = '\0';
    }
    return names[i];
}

// A path made with printf's format.  Up to 8 paths live at once.
static const char *path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *path(const char *fmt, ...)
{
    static char paths[8][320];
    static int next;
    char *out = paths[next++ % 8];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, sizeof(paths[0]), fmt, ap);
    va_end(ap);
    return out;
}

// Creates (or truncates) `file` holding n letters made from `tag`; returns write's result.
static long make_file(const char *file, int n, uint64_t tag)
{
    char text[128];
    letters(text, n, tag);
    int fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return fd;
    long r = write(fd, text, n);
    close(fd);
    return r;
}

// --- the checks, one group per function --------------------------------------------------

// Where the test starts: getcwd is printed relative to the directory it started in.
static void start(void)
{
    long n = getcwd(start_dir, sizeof(start_dir));
    if (n < 0)
        start_dir[0] = '\0';
    if (strcmp(start_dir, "/") == 0)
        start_dir[0] = '\0'; // so that "/fst-N" stays "/fst-N"
    result("mkdir test directory", mkdir(dir_name, 0755));
    result("mkdir test directory again", mkdir(dir_name, 0755));
    result("chdir test directory", chdir(dir_name));
}

static void show_cwd(const char *check)
{
    char buf[PATH_MAX];
    long n = getcwd(buf, sizeof(buf));
    size_t skip = strlen(start_dir);
    if (is_error(n))
        result(check, n);
    else if (strncmp(buf, start_dir, skip) != 0)
        printf("%s: outside the start directory\n", check);
    else
        printf("%s: \"%s\" (length %ld)\n", check, buf + skip, n - (long)skip);
}

// Create, write, read back, end of file.
static void files(void)
{
    const char *f = name("file");
    char text[40];
    letters(text, 40, 1);
    int fd = open(f, O_CREAT | O_WRONLY, 0644);
    result_fd("create", fd);
    result("write 40", write(fd, text, 40));
    result("write 0", write(fd, text, 0));
    show_fstat("fstat after write", fd);
    result("read on write-only fd", read(fd, text, 1));
    result("close", close(fd));
    result("close again", close(fd));

    fd = open(f, O_RDONLY, 0);
    result_fd("open to read", fd);
    read_and_show("read 10", fd, 10);
    read_and_show("read 100 (30 left)", fd, 100);
    read_and_show("read at end", fd, 10);
    result("read 0", read(fd, text, 0));
    result("write on read-only fd", write(fd, "x", 1));
    close(fd);
    result_fd("open with O_CLOEXEC", fd = open(f, O_RDONLY | O_CLOEXEC, 0));
    close(fd);
    show_stat("stat file", f);
}

// lseek's three origins, its errors, and a write past the end (a hole reads as zeros).
static void seeking(void)
{
    const char *f = name("file");
    int fd = open(f, O_RDWR, 0);
    result_fd("open read-write", fd);
    result("seek set 10", lseek(fd, 10, SEEK_SET));
    read_and_show("read after seek 10", fd, 5);
    result("seek cur -3", lseek(fd, -3, SEEK_CUR));
    read_and_show("read after seek cur -3", fd, 4);
    result("seek cur 0", lseek(fd, 0, SEEK_CUR));
    result("seek end 0", lseek(fd, 0, SEEK_END));
    result("seek end -4", lseek(fd, -4, SEEK_END));
    read_and_show("read after seek end -4", fd, 10);
    result("seek set -1", lseek(fd, -1, SEEK_SET));
    result("seek cur -1000", lseek(fd, -1000, SEEK_CUR));
    result("offset after bad seeks", lseek(fd, 0, SEEK_CUR));
    result("seek bad whence", lseek(fd, 0, 99));
    result("seek set 50 (past the end)", lseek(fd, 50, SEEK_SET));
    read_and_show("read past the end", fd, 10);
    result("write at 50", write(fd, "Z", 1));
    show_fstat("fstat after hole", fd);
    result("seek set 36", lseek(fd, 36, SEEK_SET));
    read_and_show("read across the hole", fd, 100);
    close(fd);
}

// O_APPEND, O_TRUNC, O_EXCL and O_CREAT on a file that exists.
static void open_flags(void)
{
    const char *f = name("file");
    int fd = open(f, O_WRONLY | O_APPEND, 0);
    result_fd("open append", fd);
    result("append: seek set 0", lseek(fd, 0, SEEK_SET));
    result("append: write 2", write(fd, "+-", 2));
    result("append: offset after write", lseek(fd, 0, SEEK_CUR));
    close(fd);
    fd = open(f, O_RDONLY, 0);
    lseek(fd, 48, SEEK_SET);
    read_and_show("append: the file's tail", fd, 10);
    close(fd);

    result_fd("create existing with O_EXCL", open(f, O_CREAT | O_EXCL | O_WRONLY, 0644));
    result_fd("create existing without O_EXCL", fd = open(f, O_CREAT | O_WRONLY, 0644));
    show_fstat("fstat: O_CREAT kept the contents", fd);
    close(fd);
    result_fd("open with O_TRUNC", fd = open(f, O_WRONLY | O_TRUNC, 0));
    show_fstat("fstat after O_TRUNC", fd);
    result("write after O_TRUNC", write(fd, "new", 3));
    close(fd);
    show_stat("stat after O_TRUNC and write", f);

    const char *g = name("excl");
    result_fd("create new with O_EXCL", fd = open(g, O_CREAT | O_EXCL | O_RDWR, 0644));
    close(fd);
    result("unlink it", unlink(g));
}

// Directories: mkdir, nested, and paths with ".", "..", repeated and trailing slashes.
static void directories(void)
{
    const char *d = name("dir"), *f = name("file"), *m = name("missing");
    result("mkdir", mkdir(d, 0755));
    result("mkdir existing", mkdir(d, 0755));
    result("mkdir existing file", mkdir(f, 0755));
    result("mkdir nested", mkdir(path("%s/sub", d), 0755));
    result("mkdir in a missing directory", mkdir(path("%s/x/y", m), 0755));
    result("mkdir under a file", mkdir(path("%s/x", f), 0755));
    result("mkdir empty path", mkdir("", 0755));
    result("mkdir with trailing slash", mkdir(path("%s-2/", d), 0755));
    show_stat("stat dir", d);
    show_stat("stat ./dir/../dir//sub/", path("./%s/../%s//sub/", d, d));
    show_stat("stat dir/sub/.", path("%s/sub/.", d));
    show_stat("stat dir/sub/..", path("%s/sub/..", d));
    show_stat("stat file via dir/..", path("%s/../%s", d, f));
    show_stat("stat file with trailing slash", path("%s/", f));
    show_stat("stat missing", m);
    show_stat("stat in missing directory", path("%s/x", m));
    show_stat("stat under a file", path("%s/x", f));
    show_stat("stat .", ".");
    show_stat("stat empty path", "");
    result("create in subdirectory", make_file(path("%s//sub/./%s", d, f), 7, 2));
    show_stat("stat it by another path", path("%s/sub/../sub/%s", d, f));
}

// open's rules for directories, and what a directory descriptor can and cannot do.
static void opening_directories(void)
{
    const char *d = name("dir"), *f = name("file"), *m = name("missing");
    char buf[64];
    int fd = open(d, O_RDONLY | O_DIRECTORY, 0);
    result_fd("open dir O_DIRECTORY", fd);
    show_fstat("fstat dir", fd);
    result("read dir", read(fd, buf, sizeof(buf)));
    result("write dir", write(fd, "x", 1));
    close(fd);
    result_fd("open dir without O_DIRECTORY", fd = open(d, O_RDONLY, 0));
    close(fd);
    result_fd("open file O_DIRECTORY", open(f, O_RDONLY | O_DIRECTORY, 0));
    result_fd("open dir write-only", open(d, O_WRONLY, 0));
    result_fd("open dir read-write", open(d, O_RDWR, 0));
    result_fd("open dir O_CREAT", open(d, O_RDONLY | O_CREAT, 0644));
    result_fd("open missing", open(m, O_RDONLY, 0));
    result_fd("open in missing directory", open(path("%s/x", m), O_RDONLY, 0));
    result_fd("create in missing directory", open(path("%s/x", m), O_CREAT | O_WRONLY, 0644));
    result_fd("open under a file", open(path("%s/x", f), O_RDONLY, 0));
    result_fd("create under a file", open(path("%s/x", f), O_CREAT | O_WRONLY, 0644));
    result_fd("open file with trailing slash", open(path("%s/", f), O_RDONLY, 0));
    result_fd("create with trailing slash", open(path("%s/", m), O_CREAT | O_WRONLY, 0644));
    result_fd("open empty path", open("", O_RDONLY, 0));
    result("chdir to a file", chdir(f));
    result("chdir to missing", chdir(m));
}

// The *at calls relative to a directory descriptor instead of the current directory.
static void at_calls(void)
{
    const char *d = name("dir"), *f = name("file");
    struct stat st;
    int dfd = open(d, O_RDONLY | O_DIRECTORY, 0);
    int fd = openat(dfd, "at-file", O_CREAT | O_WRONLY, 0644);
    result_fd("openat dirfd create", fd);
    result("write it", write(fd, "at", 2));
    close(fd);
    show_stat("stat it from the current directory", path("%s/at-file", d));
    result("mkdirat dirfd", mkdirat(dfd, "at-dir", 0755));
    result_stat("fstatat dirfd", fstatat(dfd, "at-dir", &st, 0), &st);
    result_stat("fstatat AT_SYMLINK_NOFOLLOW", fstatat(dfd, "at-file", &st, AT_SYMLINK_NOFOLLOW),
                &st);
    result_stat("fstatat empty path AT_EMPTY_PATH", fstatat(dfd, "", &st, AT_EMPTY_PATH), &st);
    result_stat("fstatat empty path", fstatat(dfd, "", &st, 0), &st);
    result("renameat dirfd to cwd", renameat(dfd, "at-file", AT_FDCWD, "at-moved"));
    result("renameat cwd to dirfd", renameat(AT_FDCWD, "at-moved", dfd, "at-file"));
    result("unlinkat dirfd", unlinkat(dfd, "at-file", 0));
    result("unlinkat dirfd AT_REMOVEDIR", unlinkat(dfd, "at-dir", AT_REMOVEDIR));
    fd = open(f, O_RDONLY, 0);
    result_fd("openat with a file as dirfd", openat(fd, "x", O_RDONLY, 0));
    result_fd("openat with a closed dirfd", openat(1000, "x", O_RDONLY, 0));
    close(fd);
    close(dfd);
}

// --- listings ------------------------------------------------------------------------------

#define MAX_ENTRIES 32
struct entry {
    char name[64];
    int type;
};
static struct entry entries[MAX_ENTRIES];

static const char *type_name(int type)
{
    switch (type) {
    case DT_DIR:
        return "dir";
    case DT_REG:
        return "file";
    case DT_FIFO:
        return "pipe";
    case DT_UNKNOWN:
        return "unknown";
    default:
        return "other";
    }
}

static void sort_entries(int n)
{
    for (int i = 1; i < n; i++) // insertion sort: a listing is short
        for (int j = i; j > 0 && strcmp(entries[j - 1].name, entries[j].name) > 0; j--) {
            struct entry e = entries[j];
            entries[j] = entries[j - 1];
            entries[j - 1] = e;
        }
}

// Reads a whole directory with getdents64 into `entries`, `chunk` bytes at a time (a small
// chunk makes the file system continue a listing where the last call stopped).  Returns the
// number of entries, or -errno.
static int read_listing(int fd, size_t chunk)
{
    static char buf[1024];
    int n = 0;
    for (;;) {
        long got = getdents64(fd, buf, chunk);
        if (got <= 0)
            return got < 0 ? (int)got : n;
        for (long at = 0; at < got;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
            if (n < MAX_ENTRIES) {
                strlcpy(entries[n].name, d->d_name, sizeof(entries[n].name));
                entries[n++].type = d->d_type;
            }
            at += d->d_reclen;
        }
    }
}

// "check: . dir, .. dir, a file, b dir" (sorted), or the errno.
static void show_listing(const char *check, int fd, size_t chunk)
{
    static char line[2048];
    int n = read_listing(fd, chunk);
    if (n < 0) {
        result(check, n);
        return;
    }
    sort_entries(n);
    size_t at = 0;
    line[0] = '\0';
    for (int i = 0; i < n; i++)
        at += snprintf(line + at, sizeof(line) - at, "%s%s %s", i ? ", " : "", entries[i].name,
                       type_name(entries[i].type));
    printf("%s: %d entries%s%s\n", check, n, n ? ": " : "", line);
}

static void listings(void)
{
    const char *d = name("list");
    char buf[8];
    mkdir(d, 0755);
    for (int i = 0; i < 6; i++)
        make_file(path("%s/%s-%d", d, name("entry"), 5 - i), i, 10 + i);
    mkdir(path("%s/subdir", d), 0755);
    int fd = open(d, O_RDONLY | O_DIRECTORY, 0);
    show_listing("listing", fd, 1024);
    show_listing("listing at its end", fd, 1024);
    result("rewind the directory", lseek(fd, 0, SEEK_SET));
    show_listing("listing in 64-byte calls", fd, 64);
    lseek(fd, 0, SEEK_SET);
    result("getdents64 into 8 bytes", getdents64(fd, buf, sizeof(buf)));
    close(fd);
    unlink(path("%s/%s-%d", d, name("entry"), 2));
    fd = open(d, O_RDONLY | O_DIRECTORY, 0);
    show_listing("listing after an unlink", fd, 1024);
    close(fd);
    fd = open(path("%s/subdir", d), O_RDONLY | O_DIRECTORY, 0);
    show_listing("listing of an empty directory", fd, 1024);
    close(fd);
    fd = open(path("%s/%s-%d", d, name("entry"), 0), O_RDONLY, 0);
    show_listing("getdents64 of a file", fd, 1024);
    close(fd);
}

// dup and dup3 share one open file: one offset.
static void duplicates(void)
{
    const char *f = name("dupfile");
    make_file(f, 40, 3);
    int fd = open(f, O_RDWR, 0);
    int copy = dup(fd);
    result_fd("dup", copy);
    read_and_show("read 4 from the original", fd, 4);
    read_and_show("read 4 from the dup", copy, 4);
    result("seek the dup to 30", lseek(copy, 30, SEEK_SET));
    result("offset of the original", lseek(fd, 0, SEEK_CUR));
    result("dup3 to 40", dup3(fd, 40, 0));
    read_and_show("read 4 from fd 40", 40, 4);
    result("dup3 to 41 O_CLOEXEC", dup3(fd, 41, O_CLOEXEC));
    result("dup3 onto itself", dup3(fd, fd, 0));
    result("dup3 bad flags", dup3(fd, 42, 1));
    result("dup3 of a closed fd", dup3(1000, 42, 0));
    result("dup3 onto an open fd", dup3(copy, 40, 0));
    result("close the original", close(fd));
    read_and_show("read from the dup after close", copy, 4);
    read_and_show("read from fd 40 (a dup of the dup)", 40, 4);
    result("dup of a closed fd", dup(fd));
    close(copy);
    close(40);
    close(41);
}

// renameat in a directory, across directories, over an existing file, and its errors.
static void renames(void)
{
    const char *a = name("ren-a"), *b = name("ren-b"), *c = name("ren-c"), *d = name("dir");
    char buf[32];
    make_file(a, 10, 4);
    make_file(c, 20, 5);
    result("rename in a directory", rename(a, b));
    show_stat("stat the old name", a);
    show_stat("stat the new name", b);
    result("rename into a subdirectory", rename(b, path("%s/sub/%s", d, b)));
    show_stat("stat it there", path("%s/sub/%s", d, b));
    int old = open(c, O_RDONLY, 0);
    result("rename over an existing file", rename(path("%s/sub/%s", d, b), c));
    int fd = open(c, O_RDONLY, 0);
    result_bytes("read the replaced name", read(fd, buf, sizeof(buf)), buf);
    close(fd);
    result_bytes("read the replaced file, still open", read(old, buf, sizeof(buf)), buf);
    show_fstat("fstat the replaced file", old);
    close(old);
    result("rename onto itself", rename(c, c));
    result("rename missing", rename(a, b));
    result("rename into a missing directory", rename(c, path("%s/x", name("missing"))));
    result("rename a file over a directory", rename(c, d));
    result("rename a directory over a file", rename(d, c));
    result("rename a directory over a non-empty one", rename(path("%s-2", d), d));
    mkdir(path("%s/sub/empty", d), 0755);
    result("rename a directory over an empty one",
           rename(path("%s-2", d), path("%s/sub/empty", d)));
    result("rename a directory into itself", rename(d, path("%s/sub/inside", d)));
    result("rename a directory back", rename(path("%s/sub/empty", d), path("%s-2", d)));
    show_stat("stat the moved directory", path("%s-2", d));
    unlink(c);
}

// unlinkat of files and directories, and what Linux refuses.
static void unlinks(void)
{
    const char *f = name("unl"), *d = name("dir");
    char buf[16];
    make_file(f, 12, 6);
    int fd = open(f, O_RDONLY, 0);
    result("unlink an open file", unlink(f));
    show_stat("stat it", f);
    read_and_show("read the unlinked file", fd, 12);
    show_fstat("fstat the unlinked file", fd);
    close(fd);
    result("unlink again", unlink(f));
    result("unlink a directory", unlink(d));
    result("unlink with trailing slash", unlink(path("%s/sub/%s/", d, name("file"))));
    result("rmdir a file", rmdir(path("%s/sub/%s", d, name("file"))));
    result("rmdir non-empty", rmdir(d));
    result("rmdir .", rmdir("."));
    result("rmdir ..", rmdir(".."));
    result("rmdir dir/.", rmdir(path("%s/.", d)));
    result("rmdir missing", rmdir(name("missing")));
    result("unlinkat bad flags", unlinkat(AT_FDCWD, d, 1));
    result("rmdir with trailing slash", rmdir(path("%s-2/", d)));
    fd = open(d, O_RDONLY | O_DIRECTORY, 0);
    result("read of a directory fd", read(fd, buf, sizeof(buf)));
    close(fd);
}

// A name of 255 bytes is fine, 256 is too long; so is a path of PATH_MAX bytes or more.
static void long_names(void)
{
    char longest[NAME_MAX + 2];
    memset(longest, 'n', NAME_MAX + 1);
    longest[NAME_MAX] = '\0';
    int fd = open(longest, O_CREAT | O_WRONLY, 0644);
    result_fd("create a 255-byte name", fd);
    close(fd);
    show_stat("stat it", longest);
    result("unlink it", unlink(longest));
    longest[NAME_MAX] = 'n';
    longest[NAME_MAX + 1] = '\0';
    result_fd("create a 256-byte name", open(longest, O_CREAT | O_WRONLY, 0644));
    show_stat("stat a 256-byte name", longest);
    result("mkdir a 256-byte name", mkdir(longest, 0755));
    size_t n = 0;
    while (n + 2 <= PATH_MAX + 100) { // "./" again and again: every step is a real directory
        long_path[n++] = '.';
        long_path[n++] = '/';
    }
    long_path[n] = '\0';
    result_fd("open a path over 4096 bytes", open(long_path, O_RDONLY, 0));
    show_stat("stat a path over 4096 bytes", long_path);
    result("chdir a path over 4096 bytes", chdir(long_path));
    long_path[PATH_MAX - 2] = '\0';                // 4094 bytes: "./././.../."
    show_stat("stat a 4094-byte path", long_path); // (fine: shorter than PATH_MAX)
}

// Descriptors that are not open.
static void bad_descriptors(void)
{
    char buf[8];
    struct stat st;
    int fd = open(name("file"), O_RDONLY, 0);
    close(fd); // now fd is a number known to be free
    result("read closed fd", read(fd, buf, 1));
    result("write closed fd", write(fd, buf, 1));
    result("lseek closed fd", lseek(fd, 0, SEEK_SET));
    result("fstat closed fd", fstat(fd, &st));
    result("getdents64 closed fd", getdents64(fd, buf, sizeof(buf)));
    result("fsync closed fd", fsync(fd));
    result("close closed fd", close(fd));
    result("close -1", close(-1));
    result("read fd 1000", read(1000, buf, 1));
    result("fstat -5", fstat(-5, &st));
}

// A pipe within one task: its data, its type, and the calls it refuses.
static void pipes(void)
{
    int fds[2];
    char buf[16];
    int other[2];
    result("pipe2 O_CLOEXEC", pipe2(other, O_CLOEXEC));
    close(other[0]);
    close(other[1]);
    result("pipe2 bad flags", pipe2(other, O_WRONLY));
    result("pipe2", pipe2(fds, 0));
    result("write to the pipe", write(fds[1], "hello", 5));
    show_fstat("fstat the pipe", fds[0]);
    read_and_show("read the pipe", fds[0], 16);
    result("lseek on a pipe", lseek(fds[0], 0, SEEK_CUR));
    result("read the write end", read(fds[1], buf, 1));
    result("write the read end", write(fds[0], "x", 1));
    result("fsync a pipe", fsync(fds[1]));
    result("close the write end", close(fds[1]));
    result("read after the writer closed", read(fds[0], buf, sizeof(buf)));
    close(fds[0]);
}

// --- the descriptor limit ------------------------------------------------------------------

#define LOW_LIMIT 16

// Opens until open fails; returns how many opened and leaves their numbers in fds.
static int open_until_error(int *fds, int max, long *error)
{
    int n = 0;
    *error = 0;
    while (n < max) {
        int fd = open(".", O_RDONLY | O_DIRECTORY, 0);
        if (fd < 0) {
            *error = fd;
            break;
        }
        fds[n++] = fd;
    }
    return n;
}

// With RLIMIT_NOFILE lowered to 16, opens fail with EMFILE.  How many opened is not printed:
// qemu-user's own descriptors count against the limit as well, on Linux.
static void descriptor_limit(void)
{
    struct rlimit64 old, low;
    static int fds[FD_MAX + 1];
    long error;
    result("prlimit64 get", prlimit64(0, RLIMIT_NOFILE, NULL, &old));
    low.rlim_cur = LOW_LIMIT;
    low.rlim_max = old.rlim_max;
    result("prlimit64 set 16", prlimit64(0, RLIMIT_NOFILE, &low, NULL));
    int n = open_until_error(fds, FD_MAX + 1, &error);
    result("open until it fails", error);
    printf("opened fewer than 16: %s\n", n < LOW_LIMIT ? "yes" : "no");
    result("dup at the limit", dup(0));
    result("pipe2 at the limit", pipe2((int[2]){0, 0}, 0));
    close(fds[--n]);
    result("dup3 to 20 (over the limit)", dup3(0, LOW_LIMIT + 4, 0));
    int fd = open(".", O_RDONLY, 0);
    result_fd("open after a close", fd);
    close(fd);
    while (n > 0)
        close(fds[--n]);
    result("prlimit64 restore", prlimit64(0, RLIMIT_NOFILE, &old, NULL));
    result_fd("open after closing all", fd = open(".", O_RDONLY, 0));
    close(fd);
}

// A file of 20000 bytes (several pages), written and read in pieces that cross page
// boundaries, then overwritten across one.
static void big_file(void)
{
    const char *f = name("big");
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(mix64(seed ^ i) & 0xff);
    int fd = open(f, O_CREAT | O_RDWR | O_TRUNC, 0644);
    long wrote = 0;
    for (size_t at = 0; at < sizeof(big); at += 3000)
        wrote += write(fd, big + at, sizeof(big) - at < 3000 ? sizeof(big) - at : 3000);
    result("big: bytes written", wrote);
    show_fstat("big: fstat", fd);
    lseek(fd, 4090, SEEK_SET);
    result("big: write across a page boundary", write(fd, "0123456789ABCDEFGHIJ", 20));
    memcpy(big + 4090, "0123456789ABCDEFGHIJ", 20);
    lseek(fd, 0, SEEK_SET);
    long got = 0, r;
    while ((r = read(fd, big_back + got, 4096)) > 0)
        got += r;
    result("big: bytes read back", got);
    printf("big: same bytes: %s\n", memcmp(big, big_back, sizeof(big)) == 0 ? "yes" : "no");
    lseek(fd, 4086, SEEK_SET);
    read_and_show("big: read across the boundary", fd, 8);
    result("big: fsync", fsync(fd));
    close(fd);
    result("big: unlink", unlink(f));
}

// getcwd and chdir with relative paths.
static void working_directory(void)
{
    const char *d = name("dir");
    char small[2];
    show_cwd("getcwd");
    result("chdir dir//sub/", chdir(path("%s//sub/", d)));
    show_cwd("getcwd after chdir");
    show_stat("stat a file by a relative path", name("file"));
    result("chdir ../..", chdir("../.."));
    show_cwd("getcwd after ../..");
    result("chdir ./dir/./sub/..", chdir(path("./%s/./sub/..", d)));
    show_cwd("getcwd after ./dir/./sub/..");
    result("chdir ..", chdir(".."));
    result("chdir .", chdir("."));
    show_cwd("getcwd after .");
    result("getcwd into 2 bytes", getcwd(small, sizeof(small)));
    // ".." at the root is the root (POSIX): above / there is nothing to go to.
    struct stat root, above;
    long a = stat("/", &root), b = stat("/../..", &above);
    printf("stat /../..: %s\n",
           a == 0 && b == 0 && root.st_ino == above.st_ino && root.st_dev == above.st_dev
               ? "the root itself"
               : "not the root");
    char top[8], here[PATH_MAX];
    getcwd(here, sizeof(here));
    result("chdir /..", chdir("/.."));
    long n = getcwd(top, sizeof(top));
    printf("getcwd after chdir /..: %s\n", n == 2 && strcmp(top, "/") == 0 ? "\"/\"" : "not /");
    result("chdir back to the test directory", chdir(here));
}

// Removes what is left, then the test directory itself.
static void clean_up(void)
{
    const char *d = name("dir"), *l = name("list");
    result("clean: unlink file", unlink(name("file")));
    result("clean: unlink dupfile", unlink(name("dupfile")));
    result("clean: unlink sub/file", unlink(path("%s/sub/%s", d, name("file"))));
    result("clean: rmdir dir/sub", rmdir(path("%s/sub", d)));
    result("clean: rmdir dir", rmdir(d));
    for (int i = 0; i < 6; i++)
        if (i != 3) // entry 2 (i = 3) was unlinked by listings()
            unlink(path("%s/%s-%d", l, name("entry"), 5 - i));
    result("clean: rmdir list/subdir", rmdir(path("%s/subdir", l)));
    result("clean: rmdir list", rmdir(l));
    int fd = open(".", O_RDONLY | O_DIRECTORY, 0);
    show_listing("clean: what is left", fd, 1024);
    close(fd);
    result("clean: chdir ..", chdir(".."));
    result("clean: rmdir test directory", rmdir(dir_name));
    show_stat("clean: stat test directory", dir_name);
}

static void test_directory(void)
{
    start();
    show_cwd("getcwd in the test directory");
}

// The groups in the order they run: each relies on what the ones before it left.
static const struct group {
    const char *name;
    void (*run)(void);
} groups[] = {
    {"test directory", test_directory},
    {"files", files},
    {"seeking", seeking},
    {"open flags", open_flags},
    {"directories", directories},
    {"opening directories", opening_directories},
    {"at calls", at_calls},
    {"listings", listings},
    {"dup", duplicates},
    {"rename", renames},
    {"unlink", unlinks},
    {"long names", long_names},
    {"bad descriptors", bad_descriptors},
    {"pipes", pipes},
    {"descriptor limit", descriptor_limit},
    {"big file", big_file},
    {"working directory", working_directory},
    {"clean up", clean_up},
};

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        printf("usage: fstest NONCE [DIR]\n");
        return 2;
    }
    long moved = argc == 3 ? chdir(argv[2]) : 0;
    if (moved < 0) {
        printf("fstest: chdir %s: %s\n", argv[2], errno_text(moved));
        return 1;
    }
    seed = hash_text(argv[1]);
    snprintf(dir_name, sizeof(dir_name), "fst-%s", argv[1]);
    printf("fstest: nonce %s\n", argv[1]);
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        printf("== %s\n", groups[i].name); // the grader names a handout section per group
        groups[i].run();
    }
    printf("fstest: done\n");
    return 0;
}
