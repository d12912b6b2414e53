// echo.c — prints its arguments, separated by spaces, and a newline (lab 7).
//
//   $ echo hello world     prints "hello world"
//   $ echo -n text         ... without the newline
//
// The line is built in a buffer and written with one call, so that a short line reaches a
// pipe or a file in one piece, never interleaved with another writer's bytes (PIPE_BUF).
#include "ulib.h"

static char line[PIPE_BUF];
static size_t used;

// Writes out what the buffer holds.  Returns 0, or -errno.
static long flush(void)
{
    size_t done = 0;
    while (done < used) {
        long n = write(1, line + done, used - done);
        if (n <= 0)
            return n < 0 ? n : -EIO;
        done += n;
    }
    used = 0;
    return 0;
}

// Appends `len` bytes to the line, writing out full buffers on the way.  Returns 0 or -errno.
static long append(const char *s, size_t len)
{
    while (len > 0) {
        if (used == sizeof(line)) {
            long err = flush();
            if (err < 0)
                return err;
        }
        size_t room = sizeof(line) - used;
        size_t n = len < room ? len : room;
        memcpy(line + used, s, n);
        used += n;
        s += n;
        len -= n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int first = 1;
    int newline = 1;
    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        newline = 0;
        first = 2;
    }
    long err = 0;
    for (int i = first; i < argc && err == 0; i++) {
        if (i > first)
            err = append(" ", 1);
        if (err == 0)
            err = append(argv[i], strlen(argv[i]));
    }
    if (err == 0 && newline)
        err = append("\n", 1);
    if (err == 0)
        err = flush();
    if (err < 0) {
        fprintf(2, "echo: write error: %s\n", errno_name(err));
        return 1;
    }
    return 0;
}
