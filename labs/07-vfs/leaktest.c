// leaktest.c — lab 7's leak test: `leaktest SEED [CYCLES]`, run as pid 1.
//
// CYCLES (default 1000) cycles of file work, each one of these ways, chosen from SEED:
//   plain    create, write, close, unlink
//   unlinked create, write, unlink while open, read it back, close (the node lives until then)
//   dir      mkdir, create a file in it, unlink, rmdir
//   dup      open, dup and dup3, close all three
//   pipe     pipe2, write, read, close both ends
// then opens until EMFILE (at FD_MAX, counting what was open already), closes them all,
// spawns a child that opens files and a pipe and exits without closing anything, and kills
// KILLS children in the middle of their file calls (at random moments, often while the VFS
// server is working on a request of theirs: an open whose handle only the reply names).  It takes
// the kernel's counts (keel_stats) and the VFS server's (VFS_STATS: open handles, nodes, data
// pages, clients) before and after, and prints both lines: they must be the same.
#include "../05-ipc/ipctest.h"
#include "proto/vfs.h"

#define CHILD_FILES 10
#define KILLS 150
#define BUSY_FILE "leak-busy" // made before the baseline; the busy children only use it

static char data[3 * 4096 + 100]; // up to three pages and a bit: data pages come and go

struct counts {
    struct keel_stats kernel;
    struct ipc_msg vfs; // VFS_STATS' reply: w0 handles, w1 nodes, w2 data pages, w3 clients
};

// Takes both sets of counts; returns 0, or prints a FAIL line and returns -1.
static int take_counts(struct counts *c)
{
    struct ipc_msg ask = message(VFS_STATS, 0, 0, 0, 0);
    if (!expect_result("keel_stats", keel_stats(&c->kernel), 0))
        return -1;
    long r = ipc_call(SLOT_VFS, &ask, &c->vfs);
    if (!expect_result("VFS_STATS through SLOT_VFS", r, 0) ||
        !expect_result("VFS_STATS' reply", c->vfs.label, 0))
        return -1;
    return 0;
}

static void print_counts(const char *when, const struct counts *c)
{
    printf("leaktest: %s: frames %lu, objects %u, caps %u, kmalloc %u, tasks %u; vfs handles "
           "%lu, nodes %lu, pages %lu, clients %lu\n",
           when, c->kernel.free_frames, c->kernel.objects, c->kernel.caps,
           c->kernel.kmalloc_objects, c->kernel.tasks, c->vfs.w[0], c->vfs.w[1], c->vfs.w[2],
           c->vfs.w[3]);
}

// The counts that must come back (irq_to_driver is a measurement, not a count).
static int same_kernel_counts(const struct keel_stats *a, const struct keel_stats *b)
{
    return a->free_frames == b->free_frames && a->objects == b->objects && a->caps == b->caps &&
           a->kmalloc_objects == b->kmalloc_objects && a->tasks == b->tasks;
}

// --- the ways of a cycle; each returns 1 if every call did what it should ------------------

static int write_file(const char *path, long n)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (!expect_true(fd >= 0, "create %s: got %s", path, errno_name(fd)))
        return -1;
    long w = write(fd, data, n);
    if (!expect_result("write", w, n)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int plain(long n)
{
    int fd = write_file("leak-plain", n);
    return fd >= 0 && expect_result("close", close(fd), 0) &&
           expect_result("unlink", unlink("leak-plain"), 0);
}

static int unlinked(long n)
{
    static char back[sizeof(data)];
    int fd = write_file("leak-unlinked", n);
    if (fd < 0)
        return 0;
    close(fd);
    fd = open("leak-unlinked", O_RDONLY, 0);
    int ok = expect_result("unlink while open", unlink("leak-unlinked"), 0) &&
             expect_result("read the unlinked file", read(fd, back, sizeof(back)), n);
    return expect_result("close the unlinked file", close(fd), 0) && ok;
}

static int dir(long n)
{
    if (!expect_result("mkdir", mkdir("leak-dir", 0755), 0))
        return 0;
    int fd = write_file("leak-dir/f", n);
    int ok = fd >= 0 && expect_result("close", close(fd), 0);
    ok = expect_result("unlink in the directory", unlink("leak-dir/f"), 0) && ok;
    return expect_result("rmdir", rmdir("leak-dir"), 0) && ok;
}

static int dups(long n)
{
    int fd = write_file("leak-dup", n);
    if (fd < 0)
        return 0;
    int a = dup(fd), b = dup3(fd, 40, O_CLOEXEC);
    int ok = expect_true(a >= 0, "dup: got %s", errno_name(a)) && expect_result("dup3", b, 40);
    ok = expect_result("close", close(fd), 0) && ok;
    ok = expect_result("close the dup", close(a), 0) && ok;
    ok = expect_result("close the dup3", close(b), 0) && ok;
    return expect_result("unlink", unlink("leak-dup"), 0) && ok;
}

static int pipes(long n)
{
    static char back[sizeof(data)];
    int fds[2];
    if (!expect_result("pipe2", pipe2(fds, 0), 0))
        return 0;
    n = n < PIPE_BUF ? n : PIPE_BUF; // what fits without a reader running
    int ok = expect_result("write to the pipe", write(fds[1], data, n), n) &&
             expect_result("read from the pipe", read(fds[0], back, n), n);
    ok = expect_result("close the write end", close(fds[1]), 0) && ok;
    return expect_result("close the read end", close(fds[0]), 0) && ok;
}

static const struct way {
    const char *name;
    int (*run)(long bytes);
} ways[] = {{"plain", plain}, {"unlinked", unlinked}, {"dir", dir}, {"dup", dups}, {"pipe", pipes}};
#define WAYS (int)(sizeof(ways) / sizeof(ways[0]))

// --- descriptors to the limit ----------------------------------------------------------------

static int is_open(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0;
}

// Opens "." until it fails: the failure must be EMFILE, at FD_MAX descriptors in all.
static void to_the_limit(void)
{
    static int fds[FD_MAX + 1];
    int already = 0, n = 0;
    long r = 0;
    for (int fd = 0; fd < FD_MAX; fd++)
        already += is_open(fd);
    while (n <= FD_MAX && (r = open(".", O_RDONLY | O_DIRECTORY, 0)) >= 0)
        fds[n++] = (int)r;
    expect_result("the open after the last free descriptor", r, -EMFILE);
    expect_true(already + n == FD_MAX,
                "EMFILE at FD_MAX (%d) descriptors: %d were open, %d "
                "more opened",
                FD_MAX, already, n);
    printf("leaktest: opened %d more until EMFILE, %d in all\n", n, already + n);
    while (n > 0)
        expect_result("close", close(fds[--n]), 0);
}

// The child: opens files and a pipe and exits without closing: exit must close them.
static int child(void)
{
    int fds[2];
    for (int i = 0; i < CHILD_FILES; i++) {
        char name[32];
        snprintf(name, sizeof(name), "leak-child-%d", i);
        write_file(name, i * 1000);
        unlink(name); // the node stays while the descriptor is open
    }
    pipe2(fds, 0);
    write(fds[1], "left in the pipe", 16);
    return 0;
}

static int run_child(void)
{
    char *argv[] = {"leaktest", "child", NULL};
    int pid = spawn("leaktest", argv);
    if (!expect_true(pid > 0, "spawn of the child: got %s", errno_name(pid)))
        return 0;
    return reap_ok(pid, "the child that exits with files open");
}

// A busy child: file calls for ever, changing nothing that the counts see (BUSY_FILE keeps
// its size), until the parent kills it, wherever it is.
static int __attribute__((noreturn)) busy_child(void)
{
    static char back[sizeof(data)];
    static char entries[1024];
    for (;;) {
        int fd = open(BUSY_FILE, O_RDWR, 0);
        write(fd, data, sizeof(data));
        lseek(fd, 0, SEEK_SET);
        read(fd, back, sizeof(back));
        int copy = dup(fd);
        close(fd);
        close(copy);
        fd = open(".", O_RDONLY | O_DIRECTORY, 0);
        getdents64(fd, entries, sizeof(entries));
        close(fd);
    }
}

// Kills `kills` busy children, each after a random 0 to 3 ms.  Returns how many of the kills
// came while the child waited for the VFS server's reply (the server had its request).
static int kill_mid_call(int kills)
{
    int mid_call = 0;
    for (int i = 0; i < kills; i++) {
        char *argv[] = {"leaktest", "busy", NULL};
        int pid = spawn("leaktest", argv);
        if (!expect_true(pid > 0, "spawn of a busy child: got %s", errno_name(pid)))
            return mid_call;
        sleep_ms(rng_below(4)); // at 1000 Hz (the grader's hz=1000): up to three ticks
        struct task_info t;
        if (find_task(pid, &t) == 0 && t.state == TASK_STATE_REPLY)
            mid_call++;
        expect_result("kill of a busy child", kill(pid, SIGKILL), 0);
        int status = reap(pid);
        expect_true(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                    "the busy child (pid %d) to end by SIGKILL: status 0x%x", pid, status);
    }
    return mid_call;
}

// The kills that count: if none came while the server had a request, this run did not try
// what it is meant to, and it says so.
static void kills_that_count(void)
{
    int mid_call = kill_mid_call(KILLS);
    printf("leaktest: killed %d busy children, %d while the VFS server had their request\n", KILLS,
           mid_call);
    expect_true(mid_call > 0, "some kill to come while the VFS server had the child's request");
}

static void cycles(uint64_t seed, int count)
{
    int failed[WAYS] = {0}, done[WAYS] = {0};
    rng_seed(seed);
    for (int i = 0; i < count; i++) {
        int way = (int)rng_below(WAYS);
        long bytes = 1 + (long)rng_below(sizeof(data));
        done[way]++;
        failed[way] += !ways[way].run(bytes);
    }
    char line[200];
    size_t at = 0;
    for (int w = 0; w < WAYS; w++)
        at += snprintf(line + at, sizeof(line) - at, "%s%s %d/%d", w ? ", " : "", ways[w].name,
                       failed[w], done[w]);
    printf("leaktest: %d cycles; cycles that failed, by way: %s\n", count, line);
}

int main(int argc, char **argv)
{
    test_name = "leaktest";
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();
    if (argc > 1 && strcmp(argv[1], "busy") == 0)
        return busy_child();
    uint64_t seed = arg_number(argc, argv, 1, 1);
    int count = (int)arg_number(argc, argv, 2, 1000);
    struct counts before, after;
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)mix64(seed ^ i);
    // A warm-up of everything once, before the baseline: the VFS server (and the kernel's
    // tables) may grow their heaps on first use and keep that memory, which is no leak.  The
    // busy children's file comes first: the server's heap then reaches, here already, the
    // most it will ever hold at once.
    close(write_file(BUSY_FILE, sizeof(data)));
    cycles(seed, 2 * WAYS);
    to_the_limit();
    run_child();
    kill_mid_call(3);
    if (take_counts(&before) < 0)
        return summary();
    print_counts("before", &before);
    cycles(seed ^ 0x5eed, count);
    to_the_limit();
    run_child();
    kills_that_count();
    if (take_counts(&after) < 0)
        return summary();
    print_counts("after", &after);
    expect_true(same_kernel_counts(&before.kernel, &after.kernel),
                "the kernel's counts back where they were");
    expect_true(memcmp(before.vfs.w, after.vfs.w, sizeof(before.vfs.w)) == 0,
                "the VFS server's counts back where they were");
    return summary();
}
