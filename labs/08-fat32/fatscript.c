// fatscript.c — `fatscript SCRIPT`: runs a script of file operations, for lab 8's grader.
//
// grade/test_lab08_fat32.py makes the script from the nonce, puts it on the disk image with
// mtools, and boots Keel with `fatscript /disk/SCRIPT.TXT` as pid 1.  One operation a line,
// its fields separated by '|' (a character FAT forbids in names, so names may hold spaces):
//     create|PATH|SIZE|TAG       open O_CREAT|O_WRONLY|O_TRUNC, write SIZE bytes
//     append|PATH|SIZE|TAG       open O_WRONLY|O_APPEND, write SIZE bytes
//     write|PATH|OFFSET|SIZE|TAG open O_WRONLY, lseek to OFFSET, write SIZE bytes
//     trunc|PATH|SIZE|TAG        open O_WRONLY|O_TRUNC, write SIZE bytes (0: just empty it)
//     rename|FROM|TO   unlink|PATH   mkdir|PATH   rmdir|PATH
//     verify|PATH                read the whole file: its size and CRC-32
// The bytes written are pattern(TAG, i) for i = 0 .. SIZE-1 (below; the grader's model makes
// the same), in writes of a size that depends on TAG, so most do not end on a sector.  Each
// operation prints "fatscript: N OP: RESULT", RESULT being 0 or the errno of the call that
// failed ("N verify: SIZE CRC" for verify), then the block cache's counts over the script
// ("fatscript: cache: H hits, M misses, W writebacks", all 0 under Linux, which has no
// /proc/blockcache) and "fatscript: done N operations".  When the
// program ends (pid 1), the kernel syncs the file systems and powers off: the grader reads
// the image back with mtools and fsck.fat and compares it with its model.
#include "blockcache.h"
#include "ulib.h"

#define SCRIPT_MAX (96 * 1024)
#define PERIOD 65521 // the pattern repeats after this many bytes (a prime: no sector aligns)
#define MAX_FIELDS 6

static char script[SCRIPT_MAX + 1];
static char buf[8192];
static uint32_t crc_table[256];

static unsigned char pattern(unsigned long tag, unsigned long i)
{
    uint32_t j = (uint32_t)((i + tag * 977) % PERIOD);
    return (unsigned char)((uint32_t)(j * 2654435761u) >> 13);
}

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static long number(const char *s)
{
    return atoi(s);
}

// Writes `size` bytes of pattern(tag, ...) at fd's offset: 0 or the first error.
static long write_pattern(int fd, long size, unsigned long tag)
{
    long piece = (long)(tag % 7 + 1) * 700; // 700 .. 4900 bytes a write
    for (long done = 0; done < size;) {
        long n = size - done < piece ? size - done : piece;
        for (long i = 0; i < n; i++)
            buf[i] = (char)pattern(tag, (unsigned long)(done + i));
        long r = write(fd, buf, (size_t)n);
        if (r < 0)
            return r;
        if (r != n)
            return -EIO; // a short write to a file the script keeps small
        done += n;
    }
    return 0;
}

static long open_and_write(const char *path, int flags, long offset, long size, unsigned long tag)
{
    int fd = open(path, flags, 0644);
    if (fd < 0)
        return fd;
    long r = 0;
    if (offset > 0)
        r = lseek(fd, offset, SEEK_SET);
    if (r >= 0)
        r = write_pattern(fd, size, tag);
    long c = close(fd); // the close may report the write-back's error
    return r < 0 ? r : c;
}

static void verify(long n, const char *path)
{
    int fd = open(path, O_RDONLY, 0);
    if (fd < 0) {
        printf("fatscript: %ld verify: %s\n", n, errno_name(fd));
        return;
    }
    uint32_t crc = 0xffffffffu;
    long total = 0, r;
    while ((r = read(fd, buf, sizeof(buf))) > 0) {
        for (long i = 0; i < r; i++)
            crc = crc_table[(crc ^ (unsigned char)buf[i]) & 0xff] ^ (crc >> 8);
        total += r;
    }
    close(fd);
    if (r < 0)
        printf("fatscript: %ld verify: %s\n", n, errno_name(r));
    else
        printf("fatscript: %ld verify: %ld %08x\n", n, total, (unsigned)(crc ^ 0xffffffffu));
}

// Runs one line (its fields split in place); prints its result.
static void run(long n, char **f, int count)
{
    const char *op = f[0];
    long r;
    if (strcmp(op, "create") == 0 && count == 4)
        r = open_and_write(f[1], O_CREAT | O_WRONLY | O_TRUNC, 0, number(f[2]), number(f[3]));
    else if (strcmp(op, "append") == 0 && count == 4)
        r = open_and_write(f[1], O_WRONLY | O_APPEND, 0, number(f[2]), number(f[3]));
    else if (strcmp(op, "write") == 0 && count == 5)
        r = open_and_write(f[1], O_WRONLY, number(f[2]), number(f[3]), number(f[4]));
    else if (strcmp(op, "trunc") == 0 && count == 4)
        r = open_and_write(f[1], O_WRONLY | O_TRUNC, 0, number(f[2]), number(f[3]));
    else if (strcmp(op, "rename") == 0 && count == 3)
        r = rename(f[1], f[2]);
    else if (strcmp(op, "unlink") == 0 && count == 2)
        r = unlink(f[1]);
    else if (strcmp(op, "mkdir") == 0 && count == 2)
        r = mkdir(f[1], 0755);
    else if (strcmp(op, "rmdir") == 0 && count == 2)
        r = rmdir(f[1]);
    else if (strcmp(op, "verify") == 0 && count == 2) {
        verify(n, f[1]);
        return;
    } else {
        printf("fatscript: %ld %s: bad line\n", n, op);
        return;
    }
    printf("fatscript: %ld %s: %s\n", n, op, r < 0 ? errno_name(r) : "0");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: fatscript SCRIPT\n");
        return 2;
    }
    crc_init();
    int fd = open(argv[1], O_RDONLY, 0);
    if (fd < 0) {
        printf("fatscript: cannot open %s: %s\n", argv[1], errno_name(fd));
        return 1;
    }
    long size = 0, r;
    while (size < SCRIPT_MAX && (r = read(fd, script + size, SCRIPT_MAX - size)) > 0)
        size += r;
    close(fd);
    script[size] = '\0';
    struct cache_counts before, after;
    read_cache_counts(&before);
    long n = 0;
    for (char *line = script; *line;) {
        char *end = strchr(line, '\n');
        if (end != NULL)
            *end = '\0';
        char *f[MAX_FIELDS];
        int count = 0;
        for (char *p = line; count < MAX_FIELDS;) {
            f[count++] = p;
            char *bar = strchr(p, '|');
            if (bar == NULL)
                break;
            *bar = '\0';
            p = bar + 1;
        }
        if (line[0] != '\0')
            run(++n, f, count);
        if (end == NULL)
            break;
        line = end + 1;
    }
    read_cache_counts(&after);
    printf("fatscript: cache: %lu hits, %lu misses, %lu writebacks\n", after.hits - before.hits,
           after.misses - before.misses, after.writebacks - before.writebacks);
    printf("fatscript: done %ld operations\n", n);
    return 0;
}
