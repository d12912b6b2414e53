// vfsbench — `vfsbench NONCE`: what files and pipes cost, in instructions (PMU
// INST_RETIRED, counted exactly under QEMU's -icount shift=0), handout 7, "Measuring".
//   read    a 1 MiB ramfs file read sequentially in 64 KiB reads (one VFS_READ message
//           each): open, the reads and close, per KiB.  The file is written before counting.
//   pipe    1 MiB through a pipe from a child (4 KiB writes) to this task (4 KiB reads),
//           per KiB: counted from the first byte read to the last, so both tasks' work, the
//           switches between them and the copies in and out of the kernel's buffer.
//   open    open + close of an existing file, the mean of 1000.
// Every byte read is checked against what was written (a benchmark of a wrong answer is no
// benchmark), after the counting: the bytes land in a 1 MiB buffer, and the pipe's writer
// makes its 1 MiB before the first write, so the figures are the system's work, not the
// benchmark's.  The counter counts every task and the kernel, as the system does the work.
#include "ulib.h"

#define MIB (1024 * 1024)
#define CHUNK (64 * 1024)
#define PIPE_CHUNK 4096
#define OPENS 1000

static char buffer[CHUNK];
static char whole[MIB]; // what was read, checked once the counting is over

static char expected_byte(unsigned long nonce, unsigned long i)
{
    return (char)((i * 131 + nonce) >> 3);
}

static void fill(unsigned long nonce, unsigned long start, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        buffer[i] = expected_byte(nonce, start + i);
}

static int check(unsigned long nonce, unsigned long start, unsigned long n, const char *what)
{
    for (unsigned long i = 0; i < n; i++) {
        if (buffer[i] != expected_byte(nonce, start + i)) {
            printf("vfsbench: FAIL %s: byte %lu is %d, not %d\n", what, start + i, buffer[i],
                   expected_byte(nonce, start + i));
            return -1;
        }
    }
    return 0;
}

static int write_file(const char *path, unsigned long nonce)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return fd;
    for (unsigned long done = 0; done < MIB; done += CHUNK) {
        fill(nonce, done, CHUNK);
        if (write(fd, buffer, CHUNK) != CHUNK)
            return -EIO;
    }
    return close(fd);
}

// Checks `whole` (n bytes) against the pattern, a chunk at a time through `buffer`.
static int check_whole(unsigned long nonce, unsigned long n, const char *what)
{
    for (unsigned long done = 0; done < n; done += CHUNK) {
        unsigned long part = n - done < CHUNK ? n - done : CHUNK;
        memcpy(buffer, whole + done, part);
        if (check(nonce, done, part, what) != 0)
            return -1;
    }
    return 0;
}

static long read_file(const char *path, unsigned long nonce)
{
    uint64_t start = instructions();
    int fd = open(path, O_RDONLY, 0);
    if (fd < 0)
        return fd;
    unsigned long done = 0;
    long n;
    while (done < MIB && (n = read(fd, whole + done, CHUNK)) > 0)
        done += (unsigned long)n;
    n = read(fd, buffer, CHUNK); // the end of the file: 0
    close(fd);
    uint64_t spent = instructions() - start;
    if (check_whole(nonce, done, "read") != 0)
        return -EIO;
    if (n != 0 || done != MIB) {
        printf("vfsbench: FAIL read %lu bytes of %d (last read: %s)\n", done, MIB, errno_name(n));
        return -EIO;
    }
    return (long)(spent / 1024);
}

static long open_close(const char *path)
{
    uint64_t start = instructions();
    for (int i = 0; i < OPENS; i++) {
        int fd = open(path, O_RDONLY, 0);
        if (fd < 0)
            return fd;
        close(fd);
    }
    return (long)((instructions() - start) / OPENS);
}

// The child of the pipe benchmark: 1 MiB, made first, to its fd 1 in PIPE_CHUNK writes.
static int pipe_writer(unsigned long nonce)
{
    for (unsigned long done = 0; done < MIB; done += CHUNK) {
        fill(nonce, done, CHUNK);
        memcpy(whole + done, buffer, CHUNK);
    }
    for (unsigned long done = 0; done < MIB; done += PIPE_CHUNK)
        if (write(1, whole + done, PIPE_CHUNK) != PIPE_CHUNK)
            return 1;
    return 0;
}

static long through_pipe(char *self, unsigned long nonce, char *nonce_text)
{
    int fds[2];
    long err = pipe2(fds, O_CLOEXEC);
    if (err < 0)
        return err;
    int saved = dup3(1, FD_MAX - 1, O_CLOEXEC); // our stdout, kept while the child's is set
    dup2(fds[1], 1);
    char *argv[] = {self, "writer", nonce_text, NULL};
    int pid = spawn(self, argv);
    dup2(saved, 1);
    close(saved);
    close(fds[1]);
    if (pid < 0)
        return pid;
    unsigned long done = 0;
    long n;
    uint64_t start = 0;
    while (done < MIB && (n = read(fds[0], whole + done, PIPE_CHUNK)) > 0) {
        if (done == 0)
            start = instructions();
        done += (unsigned long)n;
    }
    uint64_t spent = instructions() - start;
    if (check_whole(nonce, done, "pipe") != 0)
        return -EIO;
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (done != MIB || status != 0) {
        printf("vfsbench: FAIL %lu bytes through the pipe of %d; writer's status %d\n", done, MIB,
               status);
        return -EIO;
    }
    return (long)(spent / 1024);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: vfsbench NONCE\n");
        return 2;
    }
    unsigned long nonce = (unsigned long)atoi(argc > 2 ? argv[2] : argv[1]);
    if (argc > 2 && strcmp(argv[1], "writer") == 0)
        return pipe_writer(nonce);
    const char *path = "/tmp/vfsbench";
    long err = write_file(path, nonce);
    if (err < 0) {
        printf("vfsbench: FAIL writing %s: %s\n", path, errno_name(err));
        return 1;
    }
    long read_cost = read_file(path, nonce);
    long open_cost = open_close(path);
    long pipe_cost = through_pipe(argv[0], nonce, argv[1]);
    unlink(path);
    if (read_cost < 0 || open_cost < 0 || pipe_cost < 0) {
        printf("vfsbench: FAIL %s %s %s\n", errno_name(read_cost), errno_name(open_cost),
               errno_name(pipe_cost));
        return 1;
    }
    printf("vfsbench: 1 MiB ramfs read %ld instructions per KiB; pipe %ld per KiB; "
           "open+close %ld\n",
           read_cost, pipe_cost, open_cost);
    return 0;
}
