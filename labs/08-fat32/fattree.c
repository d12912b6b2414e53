// fattree.c — `fattree DIR`: every directory and file under DIR, for lab 8's grader.
//
// It walks DIR with getdents64 (names sorted in each directory) and prints one line per
// entry, which grade/test_lab08_fat32.py compares with what the host's mtools see in the
// same image:
//     D PATH                        a directory
//     F PATH SIZE CRC               a file: st_size, and the CRC-32 of its bytes (zlib's)
//     F PATH SIZE error ENAME       a file that could not be read whole: ENAME is the errno,
//                                   "short" (fewer than st_size bytes) or "long" (more)
//     E PATH ENAME                  a directory that could not be opened or listed
// then, for each file, a stat by the same path with the last name's letters in the other
// case (FAT's names are case-insensitive) must find a file of the same size; and last
//     fattree: N files, M directories, E errors, C of N case-swapped lookups found
//     fattree: done
// A damaged disk must not make it loop: it descends at most MAX_DEPTH directories and
// lists at most MAX_ENTRIES entries per directory (a loop of directories is an error).
// Paths are printed relative to DIR ("/" is DIR itself), so the host's list compares as is.
#include "ulib.h"

#define MAX_DEPTH 24
#define MAX_ENTRIES 512
#define POOL_SIZE (256 * 1024) // the names of the directories being walked
#define CHUNK 16384

static char pool[POOL_SIZE];
static size_t pool_used;
static char buf[CHUNK];
static char dents[4096];
static unsigned long files, dirs, errors, swapped_found;
static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc_add(uint32_t crc, const char *p, long n)
{
    for (long i = 0; i < n; i++)
        crc = crc_table[(crc ^ (unsigned char)p[i]) & 0xff] ^ (crc >> 8);
    return crc;
}

static const char *errno_text(long r)
{
    static char unknown[16];
    const char *name = errno_name(r);
    if (strcmp(name, "E?") != 0)
        return name;
    snprintf(unknown, sizeof(unknown), "E%ld", -r);
    return unknown;
}

// `shown` is the path relative to the top ("" for the top itself).
static void file(const char *path, const char *shown, long size)
{
    files++;
    int fd = open(path, O_RDONLY, 0);
    if (fd < 0) {
        errors++;
        printf("F %s %ld error %s\n", shown, size, errno_text(fd));
        return;
    }
    uint32_t crc = 0xffffffffu;
    long total = 0, r;
    while ((r = read(fd, buf, sizeof(buf))) > 0) {
        crc = crc_add(crc, buf, r);
        total += r;
        if (total > size)
            break;
    }
    close(fd);
    if (r < 0 || total != size) {
        errors++;
        printf("F %s %ld error %s\n", shown, size,
               r < 0          ? errno_text(r)
               : total < size ? "short"
                              : "long");
        return;
    }
    printf("F %s %ld %08x\n", shown, size, (unsigned)(crc ^ 0xffffffffu));
}

// Looks the file up again with the case of its last name's letters swapped.
static void swapped_lookup(char *path, long size)
{
    char *last = path;
    for (char *c = path; *c; c++)
        if (*c == '/')
            last = c;
    for (char *c = last + 1; *c; c++)
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
            *c ^= 0x20;
    struct stat st;
    long r = stat(path, &st);
    if (r == 0 && S_ISREG(st.st_mode) && st.st_size == size)
        swapped_found++;
    else if (r < 0)
        printf("case-swapped %s: %s\n", path, errno_text(r));
    else
        printf("case-swapped %s: size %ld, not %ld\n", path, (long)st.st_size, size);
    for (char *c = last + 1; *c; c++)
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
            *c ^= 0x20;
}

static void sort(char **names, int n)
{
    for (int i = 1; i < n; i++) // insertion sort: directories are short
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
}

// Walks directory `path` (PATH_MAX bytes of room), whose shown name starts at path + top.
static void walk(char *path, size_t top, int depth)
{
    const char *shown = path[top] ? path + top : "/";
    printf("D %s\n", shown);
    dirs++;
    if (depth >= MAX_DEPTH) {
        errors++;
        printf("E %s too deep (a loop of directories?)\n", shown);
        return;
    }
    int fd = open(path, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0) {
        errors++;
        printf("E %s %s\n", shown, errno_text(fd));
        return;
    }
    size_t mark = pool_used;
    char **names = (char **)(pool + ((pool_used + 7) & ~7UL));
    pool_used = (size_t)((char *)(names + MAX_ENTRIES) - pool);
    int n = 0;
    long got;
    while ((got = getdents64(fd, dents, sizeof(dents))) > 0 && n < MAX_ENTRIES) {
        for (long at = 0; at < got && n < MAX_ENTRIES;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + at);
            at += d->d_reclen;
            size_t len = strlen(d->d_name);
            if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
                continue;
            if (pool_used + len + 1 > POOL_SIZE) {
                got = -ENOMEM;
                break;
            }
            names[n] = pool + pool_used;
            memcpy(names[n++], d->d_name, len + 1);
            pool_used += len + 1;
        }
        if (got < 0)
            break;
    }
    close(fd);
    if (got < 0 || n == MAX_ENTRIES) {
        errors++;
        printf("E %s %s\n", shown, got < 0 ? errno_text(got) : "too many entries");
    }
    sort(names, n);
    size_t end = strlen(path);
    for (int i = 0; i < n; i++) {
        if (end + 1 + strlen(names[i]) + 1 > PATH_MAX) {
            errors++;
            printf("E %s/%s path too long\n", shown, names[i]);
            continue;
        }
        path[end] = '/';
        strlcpy(path + end + 1, names[i], PATH_MAX - end - 1);
        struct stat st;
        long r = stat(path, &st);
        if (r < 0) {
            errors++;
            printf("E %s %s\n", path + top, errno_text(r));
        } else if (S_ISDIR(st.st_mode)) {
            walk(path, top, depth + 1);
        } else {
            file(path, path + top, (long)st.st_size);
            swapped_lookup(path, (long)st.st_size);
        }
        path[end] = '\0';
    }
    pool_used = mark;
}

int main(int argc, char **argv)
{
    static char path[PATH_MAX];
    if (argc != 2) {
        printf("usage: fattree DIR\n");
        return 2;
    }
    crc_init();
    strlcpy(path, argv[1], sizeof(path));
    size_t top = strlen(path);
    while (top > 1 && path[top - 1] == '/')
        path[--top] = '\0';
    walk(path, top, 0);
    printf("fattree: %lu files, %lu directories, %lu errors, %lu of %lu case-swapped lookups "
           "found\n",
           files, dirs, errors, swapped_found, files);
    printf("fattree: done\n");
    return 0;
}
