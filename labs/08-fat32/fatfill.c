// fatfill.c — `fatfill DIR`: fills the disk until a write fails, for lab 8's grader.
//
// It writes files DIR/FILL-N.BIN (N = 1, 2, ...) of up to 64 KiB each, bytes pattern(N, i)
// as fatscript's (labs/08-fat32/fatscript.c), until a write fails; then the grader expects:
//     fatfill: full after N bytes in M files: ENOSPC    (a short write first is fine)
//     fatfill: mkdir on the full disk: ENOSPC           (a directory needs a cluster)
//     fatfill: after unlinking FILL-1.BIN: wrote N bytes into AFTER.BIN
//     fatfill: done
// Every file is closed after its last write, so its size on the disk is what was written:
// the grader reads the image back (the sizes, the bytes, fsck.fat -n, FSInfo's free count).
#include "ulib.h"

#define PERIOD 65521
#define FILE_MAX (64 * 1024)
#define PIECE 4000

static char buf[PIECE];

static unsigned char pattern(unsigned long tag, unsigned long i)
{
    uint32_t j = (uint32_t)((i + tag * 977) % PERIOD);
    return (unsigned char)((uint32_t)(j * 2654435761u) >> 13);
}

// Writes up to `max` bytes of pattern(tag, ...) into a new file; returns the bytes written
// and the error that stopped it in *err (0: none).
static long fill(const char *path, unsigned long tag, long max, long *err)
{
    *err = 0;
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) {
        *err = fd;
        return 0;
    }
    long done = 0;
    while (done < max) {
        long n = max - done < PIECE ? max - done : PIECE;
        for (long i = 0; i < n; i++)
            buf[i] = (char)pattern(tag, (unsigned long)(done + i));
        long r = write(fd, buf, (size_t)n);
        if (r <= 0) {
            *err = r < 0 ? r : -EIO;
            break;
        }
        done += r;
    }
    long c = close(fd);
    if (*err == 0 && c < 0)
        *err = c;
    return done;
}

int main(int argc, char **argv)
{
    static char path[PATH_MAX];
    if (argc != 2) {
        printf("usage: fatfill DIR\n");
        return 2;
    }
    long total = 0, err = 0;
    unsigned long files = 0;
    while (err == 0 && files < 100000) {
        snprintf(path, sizeof(path), "%s/FILL-%lu.BIN", argv[1], files + 1);
        total += fill(path, files + 1, FILE_MAX, &err);
        files++;
    }
    printf("fatfill: full after %ld bytes in %lu files: %s\n", total, files,
           err ? errno_name(err) : "no error");
    snprintf(path, sizeof(path), "%s/FULLDIR", argv[1]);
    long r = mkdir(path, 0755);
    printf("fatfill: mkdir on the full disk: %s\n", r < 0 ? errno_name(r) : "0");
    if (r == 0)
        rmdir(path);
    // A rename cannot take a file to another file system (Linux's EXDEV): the ramfs's /tmp.
    snprintf(path, sizeof(path), "%s/FILL-2.BIN", argv[1]);
    r = rename(path, "/tmp/fill-2");
    printf("fatfill: rename to the ramfs: %s\n", r < 0 ? errno_name(r) : "0");
    snprintf(path, sizeof(path), "%s/FILL-1.BIN", argv[1]);
    r = unlink(path);
    if (r < 0) {
        printf("fatfill: unlink FILL-1.BIN: %s\n", errno_name(r));
        return 1;
    }
    snprintf(path, sizeof(path), "%s/AFTER.BIN", argv[1]);
    long wrote = fill(path, 999999, FILE_MAX / 2, &err);
    printf("fatfill: after unlinking FILL-1.BIN: wrote %ld bytes into AFTER.BIN%s%s\n", wrote,
           err ? ": " : "", err ? errno_name(err) : "");
    printf("fatfill: done\n");
    return 0;
}
