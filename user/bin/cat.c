// cat.c — copies files (or standard input) to standard output (lab 7).
//
//   $ cat FILE...          each file in turn; "-" or no name at all: standard input
//
// It moves data in 64 KiB reads and writes: large transfers are what lab 7's data path
// (the kernel's fd table forwarding to the VFS server) is built to make cheap.
#include "ulib.h"

#define BUFFER_SIZE (64 * 1024)

static char buffer[BUFFER_SIZE];

// Writes all `len` bytes to `fd`, however many calls that takes (a pipe may take fewer
// bytes than asked).  Returns 0, or -errno.
static long write_all(int fd, const char *data, long len)
{
    while (len > 0) {
        long n = write(fd, data, len);
        if (n < 0)
            return n;
        if (n == 0)
            return -EIO; // a write that makes no progress would loop for ever
        data += n;
        len -= n;
    }
    return 0;
}

// Copies `fd` to standard output until end of file.  Returns 0, or -errno of the read or
// write that failed; *write_failed tells which.
static long copy_to_stdout(int fd, int *write_failed)
{
    for (;;) {
        long n = read(fd, buffer, sizeof(buffer));
        if (n <= 0)
            return n;
        long err = write_all(1, buffer, n);
        if (err < 0) {
            *write_failed = 1;
            return err;
        }
    }
}

// Copies one file ("-": standard input).  Returns 0, or 1 after saying what went wrong.
static int cat_one(const char *name)
{
    int is_stdin = strcmp(name, "-") == 0;
    int fd = is_stdin ? 0 : open(name, O_RDONLY, 0);
    if (fd < 0) {
        fprintf(2, "cat: %s: %s\n", name, errno_name(fd));
        return 1;
    }
    int write_failed = 0;
    long err = copy_to_stdout(fd, &write_failed);
    if (!is_stdin)
        close(fd);
    if (err < 0) {
        fprintf(2, "cat: %s: %s\n", write_failed ? "write error" : name, errno_name(err));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cat_one("-");
    int status = 0;
    for (int i = 1; i < argc; i++)
        status |= cat_one(argv[i]);
    return status;
}
