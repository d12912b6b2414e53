// fatbench — `fatbench NONCE`: what FAT32 costs, in instructions (PMU INST_RETIRED, exact
// under QEMU's -icount shift=0), handout 8, "Measuring".
//   read   /disk/BENCH.BIN, 4 MiB that the grader put on the image (bytes pattern(NONCE, i),
//          as fatscript's), read sequentially in 64 KiB reads: open, reads, close, per KiB
//   raw    the same 4 MiB read from a block server of its own (user/servers/blk/, spawned
//          over a region holding those bytes, as labs/08-fat32/blkproto.c does) in 64 KiB
//          BLK_READs, each copied out of the buffer: the disk's cost below FAT32 and the cache
//   ramfs  the same 4 MiB read from a ramfs file (/tmp), the VFS's own cost without a disk
//   write  4 MiB written to /disk/OUT.BIN in 64 KiB writes, then fsync and close, per KiB
// and the block cache's counts (/proc/blockcache) over the read and over the write.  The
// bytes read are checked once the counting is over; OUT.BIN's are checked by the grader.
#include "blockcache.h"
#include "proto/blk.h"
#include "ulib.h"

#define MIB (1024 * 1024)
#define SIZE (4 * MIB)
#define CHUNK (64 * 1024)
#define PERIOD 65521

static char whole[SIZE];

static unsigned char pattern(unsigned long tag, unsigned long i)
{
    uint32_t j = (uint32_t)((i + tag * 977) % PERIOD);
    return (unsigned char)((uint32_t)(j * 2654435761u) >> 13);
}

// Reads `path` whole into `whole`, counted: instructions per KiB, or -errno.
static long timed_read(const char *path)
{
    uint64_t start = instructions();
    int fd = open(path, O_RDONLY, 0);
    if (fd < 0)
        return fd;
    long got = 0, r;
    while (got < SIZE && (r = read(fd, whole + got, CHUNK)) > 0)
        got += r;
    close(fd);
    uint64_t spent = instructions() - start;
    if (got != SIZE)
        return -EIO;
    return (long)(spent / (SIZE / 1024));
}

static int check(unsigned long nonce, const char *what)
{
    for (unsigned long i = 0; i < SIZE; i++)
        if ((unsigned char)whole[i] != pattern(nonce, i)) {
            printf("fatbench: FAIL %s: byte %lu is %u, not %u\n", what, i, (unsigned char)whole[i],
                   pattern(nonce, i));
            return -1;
        }
    return 0;
}

// The raw figure: a block server over a region of `whole`'s bytes, read in 64 KiB requests
// (each copied out, as the VFS copies what it reads): instructions per KiB, or -errno.
static long raw_read(unsigned long nonce)
{
    int disk = region_create(SIZE / 4096);
    long va = disk < 0 ? disk : region_map(disk, 0, REGION_MAP_WRITE);
    if (va < 0)
        return va;
    memcpy((void *)va, whole, SIZE);
    int ep = endpoint_create();
    long caps[] = {SLOT_CONSOLE, ep, disk};
    char *args[] = {"blk", "bench", NULL};
    int pid = ep < 0 ? ep : spawn_caps("blk", args, caps, 3);
    if (pid < 0)
        return pid;
    struct ipc_msg m = {.label = BLK_ATTACH, .w = {BLK_BUFFER_MAX / 4096}, .cap = CAP_NONE}, r;
    long err = ipc_call(ep, &m, &r);
    long buf = err < 0 ? err : r.label < 0 ? r.label : region_map((int)r.cap, 0, 0);
    long cost = buf;
    if (buf > 0) {
        memset(whole, 0, SIZE);
        uint64_t start = instructions();
        unsigned long per = BLK_BUFFER_MAX / BLK_SECTOR_SIZE;
        for (unsigned long s = 0; s < SIZE / BLK_SECTOR_SIZE && cost >= 0; s += per) {
            struct ipc_msg q = {.label = BLK_READ, .w = {s, per}, .cap = CAP_NONE};
            err = ipc_call(ep, &q, &r);
            if (err < 0 || r.label != (long)per)
                cost = err < 0 ? err : -EIO;
            else
                memcpy(whole + s * BLK_SECTOR_SIZE, (void *)buf, BLK_BUFFER_MAX);
        }
        if (cost >= 0)
            cost = (long)((instructions() - start) / (SIZE / 1024));
    }
    kill(pid, 9);
    waitpid(pid, NULL, 0);
    cap_delete(ep);
    if (cost >= 0 && check(nonce, "the raw read") != 0)
        cost = -EIO;
    return cost;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: fatbench NONCE\n");
        return 2;
    }
    unsigned long nonce = (unsigned long)atoi(argv[1]);
    struct cache_counts c0, c1, c2;
    read_cache_counts(&c0);
    long read_cost = timed_read("/disk/BENCH.BIN");
    read_cache_counts(&c1);
    if (read_cost < 0) {
        printf("fatbench: FAIL read /disk/BENCH.BIN: %s\n", errno_name(read_cost));
        return 1;
    }
    if (check(nonce, "/disk/BENCH.BIN") != 0)
        return 1;
    long raw_cost = raw_read(nonce);
    if (raw_cost < 0) {
        printf("fatbench: FAIL the raw read from a block server of its own: %s\n",
               errno_name(raw_cost));
        return 1;
    }
    // The ramfs's figure: the same bytes, from a file written first (not counted).
    int fd = open("/tmp/bench", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    for (long at = 0; fd >= 0 && at < SIZE; at += CHUNK)
        write(fd, whole + at, CHUNK);
    close(fd);
    memset(whole, 0, SIZE);
    long ramfs_cost = timed_read("/tmp/bench");
    if (ramfs_cost < 0 || check(nonce, "/tmp/bench") != 0) {
        printf("fatbench: FAIL read /tmp/bench: %s\n", errno_name(ramfs_cost));
        return 1;
    }
    unlink("/tmp/bench");
    // The write: what was read, back out to a new file, fsync included.
    uint64_t start = instructions();
    fd = open("/disk/OUT.BIN", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    long wrote = 0;
    for (long at = 0; fd >= 0 && at < SIZE; at += CHUNK) {
        long r = write(fd, whole + at, CHUNK);
        if (r != CHUNK)
            break;
        wrote += r;
    }
    long synced = fsync(fd);
    close(fd);
    uint64_t write_cost = (instructions() - start) / (SIZE / 1024);
    read_cache_counts(&c2);
    if (fd < 0 || wrote != SIZE || synced < 0) {
        printf("fatbench: FAIL write /disk/OUT.BIN: %ld of %d bytes, fsync %s\n", wrote, SIZE,
               errno_name(synced));
        return 1;
    }
    printf("fatbench: read 4 MiB from FAT32: %ld instructions per KiB\n", read_cost);
    printf("fatbench: read 4 MiB raw from a block server: %ld instructions per KiB\n", raw_cost);
    printf("fatbench: read 4 MiB from the ramfs: %ld instructions per KiB\n", ramfs_cost);
    printf("fatbench: write 4 MiB to FAT32 and fsync: %lu instructions per KiB\n", write_cost);
    printf("fatbench: cache over the read: %lu hits, %lu misses; over the write: %lu hits, "
           "%lu misses, %lu writebacks\n",
           c1.hits - c0.hits, c1.misses - c0.misses, c2.hits - c1.hits, c2.misses - c1.misses,
           c2.writebacks - c1.writebacks);
    printf("fatbench: done\n");
    return 0;
}
