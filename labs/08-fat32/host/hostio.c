// hostio.c — the host side of fathost (labs/08-fat32/host/): the disk image file, memory and
// the clock, from the host's C library.  It is apart from fathost.c because Keel's headers
// (which FAT32's files and fathost.c include) declare open, read and stat as Keel has them.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int fd = -1;

// Opens the image; its size in bytes, or -1.
long long host_open(const char *path, int read_only)
{
    fd = open(path, read_only ? O_RDONLY : O_RDWR);
    if (fd < 0)
        return -1;
    return lseek(fd, 0, SEEK_END);
}

long host_pread(void *buf, size_t n, unsigned long long off)
{
    return pread(fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

long host_pwrite(const void *buf, size_t n, unsigned long long off)
{
    return pwrite(fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

long host_flush(void)
{
    return fsync(fd);
}

void *host_calloc(size_t n)
{
    return calloc(1, n);
}

void host_free(void *p)
{
    free(p);
}

long host_time(void)
{
    return (long)time(NULL);
}

// A whole host file in memory: its size (*data to free with host_free), or -1.
long host_load(const char *path, void **data)
{
    int f = open(path, O_RDONLY);
    if (f < 0)
        return -1;
    off_t size = lseek(f, 0, SEEK_END);
    *data = malloc(size > 0 ? (size_t)size : 1);
    long ok = pread(f, *data, (size_t)size, 0) == size ? (long)size : -1;
    close(f);
    return ok;
}

long host_save(const char *path, const void *data, size_t n)
{
    int f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (f < 0)
        return -1;
    long ok = write(f, data, n) == (ssize_t)n ? 0 : -1;
    close(f);
    return ok;
}

// Bytes to standard output, after what printf has buffered.
void host_write_stdout(const void *buf, size_t n)
{
    fflush(stdout);
    fwrite(buf, 1, n, stdout);
}
