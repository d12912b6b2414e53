// pipetest.c — lab 7's pipe test: `pipetest SCENARIO [SEED]`, run as pid 1.
//
//   mib SEED   a child writes 1 MiB made from SEED into a pipe (its fd 1), in writes of
//              random sizes; the parent reads it in reads of random sizes; both print the
//              checksum of what they saw (the grader computes it from SEED too)
//   eof        read returns 0 only once every write end is closed: the parent's, and the
//              copy a child inherited through spawn
//   epipe      a write with no reader left is EPIPE, also for a writer blocked on a full pipe
//              when the last reader goes.  Keel has no signals: on Linux the same write
//              would raise SIGPIPE and kill the writer, so this scenario is Keel's own
//   inherit    what spawn passes on: every fd but the O_CLOEXEC ones (a file, dup3 copies
//              with and without O_CLOEXEC, a pipe2 with O_CLOEXEC and one without), at the
//              same numbers, sharing the open file (the child's read moves the parent's
//              offset), and the current directory; the child's copies close when it exits
//   full SEED  two writers fill the pipe with PIPE_BUF-byte writes and block; the reader sees
//              both blocked, drains the pipe, and every block arrives whole (writes of at
//              most PIPE_BUF bytes are atomic), in each writer's order
//
// The children are this program again (spawn of "pipetest ROLE ..."), since spawn, unlike
// Linux's fork, starts a program afresh; they inherit the parent's descriptors except those
// marked O_CLOEXEC.  Spawn is Keel's call, so this test does not run on Linux.  Lines:
// "pipetest: FAIL what: expected X, got Y", facts the grader checks, and a summary.
#include "../05-ipc/ipctest.h"

#define MIB (1024 * 1024)
#define PATTERN_TAG 7        // the 1 MiB's words: mix64(seed ^ (7 << 48) ^ i)
#define K 0x100000001b3UL    // checksum: s = s * K + word, over the words in order
#define SAVED_STDOUT 50      // where the console's fd 1 waits while a child is spawned
#define BLOCKS_PER_WRITER 32 // `full`: more than any pipe holds, so the writers must block
#define WAIT_MS 5000         // how long to wait for a task to block before giving up

static char buf[16384];

static uint64_t pattern_word(uint64_t seed, uint64_t i)
{
    return mix64(seed ^ ((uint64_t)PATTERN_TAG << 48) ^ i);
}

// Spawns `argv` with `fd` as the child's fd 1 (its other descriptors are ours, except those
// with O_CLOEXEC).  Our own fd 1 (the console) is parked meanwhile at SAVED_STDOUT, marked
// O_CLOEXEC so that the child does not get a copy of it.  Returns the pid or -errno.
static int spawn_with_stdout(int fd, char **argv)
{
    // Without both dup3s the child would write to the console: never spawn it then.
    if (!expect_result("dup3 of fd 1 to park it", dup3(1, SAVED_STDOUT, O_CLOEXEC), SAVED_STDOUT))
        return -EBADF;
    if (!expect_result("dup3 of the pipe to fd 1", dup3(fd, 1, 0), 1)) {
        close(SAVED_STDOUT);
        return -EBADF;
    }
    int pid = spawn(argv[0], argv);
    dup3(SAVED_STDOUT, 1, 0);
    close(SAVED_STDOUT);
    expect_true(pid > 0, "spawn of 'pipetest %s': expected a pid, got %s", argv[1],
                errno_name(pid));
    return pid;
}

// Is a task blocked on something other than the console (where printf may hold it)?  A task
// waiting in a pipe is neither running, nor runnable, nor calling the console server.
static int blocked_in_pipe(int pid)
{
    struct task_info t;
    if (find_task(pid, &t) != 0)
        return 0;
    return t.state != TASK_STATE_RUNNABLE && t.state != TASK_STATE_RUNNING &&
           t.state != TASK_STATE_ZOMBIE && t.state != TASK_STATE_SENDING &&
           t.state != TASK_STATE_REPLY;
}

// Yields until every task in pids[] is blocked in a pipe, for at most WAIT_MS; returns 1 if
// they got there, else prints a FAIL line naming `what`.
static int wait_until_blocked(const int *pids, int n, const char *what)
{
    uint64_t end = counter_now() + WAIT_MS * (counter_hz() / 1000);
    for (;;) {
        int blocked = 0;
        for (int i = 0; i < n; i++)
            blocked += blocked_in_pipe(pids[i]);
        if (blocked == n)
            return 1;
        if (counter_now() >= end)
            return expect_true(0, "%s within %d ms", what, WAIT_MS);
        yield();
    }
}

// --- mib: 1 MiB through a pipe -------------------------------------------------------------

// Byte `at` of the 1 MiB: the words' bytes in little-endian order.
static char pattern_byte(uint64_t seed, long at)
{
    return (char)(pattern_word(seed, (uint64_t)at / 8) >> (8 * (at % 8)));
}

// The child: writes the 1 MiB to fd 1 in writes of random sizes, then says on fd 2 (the
// console) how much it wrote and the checksum of it.
static int mib_writer(uint64_t seed)
{
    uint64_t sum = 0;
    for (uint64_t i = 0; i < MIB / 8; i++)
        sum = sum * K + pattern_word(seed, i);
    rng_seed(seed ^ 0x1111);
    long sent = 0;
    while (sent < MIB) {
        long n = 1 + (long)rng_below(sizeof(buf));
        if (n > MIB - sent)
            n = MIB - sent;
        for (long i = 0; i < n; i++)
            buf[i] = pattern_byte(seed, sent + i);
        long r = write(1, buf, n);
        if (r != n) { // a blocking write to a pipe with a reader writes everything
            fprintf(2, "pipetest: FAIL writer: write of %ld bytes at %ld: got %ld (%s)\n", n, sent,
                    r, r < 0 ? errno_name(r) : "short");
            return 1;
        }
        sent += r;
    }
    fprintf(2, "pipetest: writer: %ld bytes, checksum 0x%lx\n", sent, sum);
    return 0;
}

// The parent: reads until end of file in reads of random sizes, checksumming words as they
// complete (a read may end in the middle of one).
static void mib(uint64_t seed)
{
    int fds[2];
    if (!expect_result("pipe2 O_CLOEXEC", pipe2(fds, O_CLOEXEC), 0))
        return;
    char seed_text[24];
    snprintf(seed_text, sizeof(seed_text), "%lu", seed);
    char *argv[] = {"pipetest", "mib-writer", seed_text, NULL};
    int pid = spawn_with_stdout(fds[1], argv);
    close(fds[1]); // now only the child holds a write end: its exit is our end of file
    rng_seed(seed ^ 0x2222);
    uint64_t sum = 0, word = 0;
    long total = 0;
    for (;;) {
        long n = read(fds[0], buf, 1 + rng_below(sizeof(buf)));
        if (n <= 0) {
            expect_result("read at the end", n, 0);
            break;
        }
        for (long i = 0; i < n; i++, total++) {
            word |= (uint64_t)(unsigned char)buf[i] << (8 * (total % 8));
            if (total % 8 == 7) {
                sum = sum * K + word;
                word = 0;
            }
        }
    }
    close(fds[0]);
    printf("pipetest: reader: %ld bytes, checksum 0x%lx\n", total, sum);
    expect_result("bytes read", total, MIB);
    if (pid > 0)
        reap_ok(pid, "the writer");
}

// --- eof ------------------------------------------------------------------------------------

// The child of `eof`: holds the pipe's write end (inherited) until the parent is blocked
// reading, then exits without writing: its exit closes the last write end, and only that
// can wake the parent (with end of file).
static int eof_child(int parent, int write_end, int read_end)
{
    close(read_end);
    (void)write_end;
    int pids[] = {parent};
    return wait_until_blocked(pids, 1,
                              "the parent blocked in read while the child holds a "
                              "write end")
               ? 0
               : 1;
}

static void eof(void)
{
    int fds[2];
    char small[16];
    if (!expect_result("pipe2", pipe2(fds, 0), 0))
        return;
    expect_result("write 3 bytes", write(fds[1], "abc", 3), 3);
    expect_result("close the only write end", close(fds[1]), 0);
    expect_result("read what was left before the end", read(fds[0], small, sizeof(small)), 3);
    expect_result("read at the end", read(fds[0], small, sizeof(small)), 0);
    expect_result("read at the end again", read(fds[0], small, sizeof(small)), 0);
    close(fds[0]);

    if (!expect_result("pipe2", pipe2(fds, 0), 0))
        return;
    char parent[16], w[16], r[16];
    snprintf(parent, sizeof(parent), "%d", getpid());
    snprintf(w, sizeof(w), "%d", fds[1]);
    snprintf(r, sizeof(r), "%d", fds[0]);
    char *argv[] = {"pipetest", "eof-child", parent, w, r, NULL};
    int pid = spawn("pipetest", argv);
    expect_true(pid > 0, "spawn of the eof child: got %s", errno_name(pid));
    close(fds[1]); // the child's inherited copy is now the only write end
    // Blocks until the child's exit closes the last write end: that close must wake it.
    expect_result("read while the child holds the last write end, until it exits (end of "
                  "file; a close that wakes no reader hangs here)",
                  read(fds[0], small, sizeof(small)), 0);
    close(fds[0]);
    if (pid > 0)
        reap_ok(pid, "the eof child");
    if (checks_failed == 0)
        printf("pipetest: eof: end of file came after the last writer closed\n");
}

// --- epipe ----------------------------------------------------------------------------------

// The child of `epipe`: holds the read end (inherited) until the parent is blocked writing
// into the full pipe, then exits without reading.
static int epipe_child(int parent)
{
    int pids[] = {parent};
    return wait_until_blocked(pids, 1, "the parent blocked writing into the full pipe") ? 0 : 1;
}

static void epipe(void)
{
    int fds[2];
    if (!expect_result("pipe2", pipe2(fds, 0), 0))
        return;
    expect_result("close the only read end", close(fds[0]), 0);
    expect_result("write with no reader", write(fds[1], "x", 1), -EPIPE);
    expect_result("write with no reader again", write(fds[1], "x", 1), -EPIPE);
    close(fds[1]);

    if (!expect_result("pipe2", pipe2(fds, 0), 0))
        return;
    char parent[16];
    snprintf(parent, sizeof(parent), "%d", getpid());
    char *argv[] = {"pipetest", "epipe-child", parent, NULL};
    int pid = spawn("pipetest", argv);
    expect_true(pid > 0, "spawn of the epipe child: got %s", errno_name(pid));
    close(fds[0]); // the child's copy is now the only read end
    expect_result("write while the child holds the read end", write(fds[1], "x", 1), 1);
    memset(buf, 'e', PIPE_BUF);
    long r;
    int writes = 0;
    while ((r = write(fds[1], buf, PIPE_BUF)) == PIPE_BUF && writes < 1000)
        writes++; // fills the pipe; the write that blocks returns when the child has gone
    expect_result("the write blocked on a full pipe when the last reader exited", r, -EPIPE);
    close(fds[1]);
    if (pid > 0)
        reap_ok(pid, "the epipe child");
    if (checks_failed == 0)
        printf("pipetest: epipe: a write with no reader is EPIPE (Linux would raise SIGPIPE)\n");
}

// --- inherit --------------------------------------------------------------------------------

enum {
    FD_FILE,
    FD_FILE_CLOEXEC,
    FD_DUP_CLOEXEC,
    FD_DUP,
    FD_CPIPE_READ,
    FD_CPIPE_WRITE,
    FD_PIPE_READ,
    FD_PIPE_WRITE,
    NFDS
};
static const char *const fd_roles[NFDS] = {"a file",
                                           "the file opened with O_CLOEXEC",
                                           "a dup3 with O_CLOEXEC",
                                           "a dup3 without",
                                           "a pipe2(O_CLOEXEC)'s read end",
                                           "its write end",
                                           "a pipe2(0)'s read end",
                                           "its write end"};

static int passed_on(int role)
{
    return role == FD_FILE || role == FD_DUP || role == FD_PIPE_READ || role == FD_PIPE_WRITE;
}

// The child of `inherit`: finds exactly the fds it should, reads 3 bytes of the shared file,
// says "ok" into the plain pipe, and checks its current directory.
static int inherit_child(char **fd_args)
{
    int fds[NFDS];
    for (int i = 0; i < NFDS; i++)
        fds[i] = atoi(fd_args[i]);
    struct stat st;
    for (int i = 0; i < NFDS; i++) {
        long r = fstat(fds[i], &st);
        if (passed_on(i))
            expect_true(r == 0, "child: fd %d (%s) passed on: fstat got %s", fds[i], fd_roles[i],
                        errno_name(r));
        else
            expect_true(r == -EBADF,
                        "child: fd %d (%s) not passed on (O_CLOEXEC): fstat "
                        "expected EBADF, got %s",
                        fds[i], fd_roles[i], r == 0 ? "0: the child has it" : errno_name(r));
    }
    char got[4] = {0};
    expect_result("child: read 3 bytes of the shared file", read(fds[FD_FILE], got, 3), 3);
    expect_true(memcmp(got, "012", 3) == 0, "child: the file's first bytes: got \"%s\"", got);
    expect_result("child: write into the plain pipe", write(fds[FD_PIPE_WRITE], "ok", 2), 2);
    char cwd[64];
    long n = getcwd(cwd, sizeof(cwd));
    expect_true(n == 5 && strcmp(cwd, "/tmp") == 0,
                "child: the current directory passed on: expected \"/tmp\", got %s",
                n > 0 ? cwd : errno_name(n));
    return checks_failed == 0 ? 0 : 1;
}

static void inherit(void)
{
    int fds[NFDS], pipe_a[2], pipe_b[2];
    char path[32];
    snprintf(path, sizeof(path), "/tmp/inherit-%d", getpid());
    fds[FD_FILE] = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    expect_result("write the file", write(fds[FD_FILE], "0123456789", 10), 10);
    expect_result("seek to 0", lseek(fds[FD_FILE], 0, SEEK_SET), 0);
    fds[FD_FILE_CLOEXEC] = open(path, O_RDONLY | O_CLOEXEC, 0);
    fds[FD_DUP_CLOEXEC] = dup3(fds[FD_FILE], 40, O_CLOEXEC);
    fds[FD_DUP] = dup3(fds[FD_FILE], 41, 0);
    expect_result("pipe2 O_CLOEXEC", pipe2(pipe_a, O_CLOEXEC), 0);
    expect_result("pipe2", pipe2(pipe_b, 0), 0);
    fds[FD_CPIPE_READ] = pipe_a[0], fds[FD_CPIPE_WRITE] = pipe_a[1];
    fds[FD_PIPE_READ] = pipe_b[0], fds[FD_PIPE_WRITE] = pipe_b[1];
    expect_result("chdir /tmp", chdir("/tmp"), 0);
    char args[NFDS][12];
    char *argv[NFDS + 3] = {"pipetest", "inherit-child"};
    for (int i = 0; i < NFDS; i++) {
        snprintf(args[i], sizeof(args[i]), "%d", fds[i]);
        argv[2 + i] = args[i];
    }
    argv[NFDS + 2] = NULL;
    int pid = spawn("pipetest", argv);
    expect_true(pid > 0, "spawn of the inherit child: got %s", errno_name(pid));
    if (pid > 0)
        reap_ok(pid, "the inherit child (its FAIL lines say what it found)");
    expect_result("the offset the child's read moved (one open file, shared)",
                  lseek(fds[FD_FILE], 0, SEEK_CUR), 3);
    close(fds[FD_PIPE_WRITE]); // the child's copy closed when it exited: no writer is left
    char got[8] = {0};
    expect_result("read the child's \"ok\"", read(fds[FD_PIPE_READ], got, sizeof(got)), 2);
    expect_result("then end of file: the child's copy of the write end closed when it ended",
                  read(fds[FD_PIPE_READ], got, sizeof(got)), 0);
    for (int i = 0; i < NFDS; i++)
        if (i != FD_PIPE_WRITE)
            close(fds[i]);
    unlink(path);
    chdir("/");
    if (checks_failed == 0)
        printf("pipetest: inherit: the child got every fd but the O_CLOEXEC ones, sharing "
               "their files, and the current directory\n");
}

// --- full -----------------------------------------------------------------------------------

// Block `seq` of writer `id`: its id and number, then words made from the seed.
static void make_block(uint64_t *words, uint64_t seed, uint64_t id, uint64_t seq)
{
    words[0] = id;
    words[1] = seq;
    for (int i = 2; i < PIPE_BUF / 8; i++)
        words[i] = mix64(seed ^ (id << 40) ^ (seq << 20) ^ (uint64_t)i);
}

// A writer of `full`: BLOCKS_PER_WRITER writes of exactly PIPE_BUF bytes to fd 1.
static int full_writer(uint64_t seed, uint64_t id)
{
    static uint64_t block[PIPE_BUF / 8];
    for (uint64_t seq = 0; seq < BLOCKS_PER_WRITER; seq++) {
        make_block(block, seed, id, seq);
        long r = write(1, block, PIPE_BUF);
        if (r != PIPE_BUF) {
            fprintf(2, "pipetest: FAIL writer %lu: block %lu: expected %d, got %ld\n", id, seq,
                    PIPE_BUF, r);
            return 1;
        }
    }
    fprintf(2, "pipetest: writer %lu: %d blocks written\n", id, BLOCKS_PER_WRITER);
    return 0;
}

// Reads exactly PIPE_BUF bytes in reads of random sizes, yielding after each, so that the
// writers run while the pipe has a little room: a writer that put in a piece of a block as
// room appeared would be found out, since the other writer's bytes would land in the middle
// of the block.  Returns 0 at end of file.
static long read_block(int fd, char *out)
{
    long got = 0;
    while (got < PIPE_BUF) {
        long want = 1 + (long)rng_below(1500);
        if (want > PIPE_BUF - got)
            want = PIPE_BUF - got;
        long n = read(fd, out + got, want);
        if (n <= 0)
            return got ? got : n;
        got += n;
        yield();
    }
    return got;
}

// Checks one block read from the stream: whole, from one writer, the next of its blocks.
static int check_block(const uint64_t *words, uint64_t seed, uint64_t *next_seq)
{
    static uint64_t want[PIPE_BUF / 8];
    uint64_t id = words[0], seq = words[1];
    if (id != 1 && id != 2)
        return expect_true(0,
                           "a block to start with a writer's id (1 or 2), got 0x%lx: a "
                           "write of PIPE_BUF bytes was split or mixed with another",
                           id);
    if (!expect_true(seq == next_seq[id], "writer %lu's block %lu next, got its block %lu", id,
                     next_seq[id], seq))
        return 0;
    make_block(want, seed, id, seq);
    next_seq[id]++;
    return expect_true(memcmp(words, want, PIPE_BUF) == 0,
                       "writer %lu's block %lu whole: its bytes differ (a PIPE_BUF-byte write "
                       "was interleaved with another, or bytes were lost)",
                       id, seq);
}

static void full(uint64_t seed)
{
    static uint64_t block[PIPE_BUF / 8];
    int fds[2], pids[2];
    if (!expect_result("pipe2 O_CLOEXEC", pipe2(fds, O_CLOEXEC), 0))
        return;
    char seed_text[24];
    snprintf(seed_text, sizeof(seed_text), "%lu", seed);
    char *argv1[] = {"pipetest", "full-writer", seed_text, "1", NULL};
    char *argv2[] = {"pipetest", "full-writer", seed_text, "2", NULL};
    pids[0] = spawn_with_stdout(fds[1], argv1);
    pids[1] = spawn_with_stdout(fds[1], argv2);
    close(fds[1]);
    if (wait_until_blocked(pids, 2, "both writers blocked on the full pipe"))
        printf("pipetest: full: both writers blocked; draining\n");
    rng_seed(seed ^ 0x3333);
    uint64_t next_seq[3] = {0, 0, 0};
    int blocks = 0, good = 0;
    long n;
    while ((n = read_block(fds[0], (char *)block)) == PIPE_BUF) {
        blocks++;
        good += check_block(block, seed, next_seq);
    }
    expect_result("read at the end", n, 0);
    close(fds[0]);
    printf("pipetest: full: %d blocks read, %d whole and in order\n", blocks, good);
    expect_true(blocks == 2 * BLOCKS_PER_WRITER, "%d blocks, got %d", 2 * BLOCKS_PER_WRITER,
                blocks);
    for (int i = 0; i < 2; i++)
        if (pids[i] > 0)
            reap_ok(pids[i], "a writer");
}

int main(int argc, char **argv)
{
    test_name = "pipetest";
    const char *role = argc > 1 ? argv[1] : "";
    uint64_t seed = arg_number(argc, argv, 2, 1);
    if (strcmp(role, "mib-writer") == 0)
        return mib_writer(seed);
    if (strcmp(role, "eof-child") == 0 && argc == 5)
        return eof_child(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if (strcmp(role, "epipe-child") == 0)
        return epipe_child((int)seed);
    if (strcmp(role, "inherit-child") == 0 && argc == 2 + NFDS)
        return inherit_child(argv + 2);
    if (strcmp(role, "full-writer") == 0)
        return full_writer(seed, arg_number(argc, argv, 3, 1));
    if (strcmp(role, "mib") == 0)
        mib(seed);
    else if (strcmp(role, "eof") == 0)
        eof();
    else if (strcmp(role, "epipe") == 0)
        epipe();
    else if (strcmp(role, "full") == 0)
        full(seed);
    else if (strcmp(role, "inherit") == 0)
        inherit();
    else {
        printf("usage: pipetest mib SEED | eof | epipe | full SEED | inherit\n");
        return 2;
    }
    return summary();
}
