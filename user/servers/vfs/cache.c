// cache.c — the block cache (lab 8): sectors of the disk kept in the VFS server's memory.
//
// FAT32 reads and writes sectors through here (cache.h); a miss goes to the block server
// (blkdev.c), as few requests as possible: a run of missing sectors is one BLK_READ of up
// to the buffer's 64 KiB, and a read that follows on from sectors already held reads ahead
// to fill the buffer, so a file read in clusters still costs one request per 64 KiB.  A
// long run of misses (STREAM_SECTORS or more that the caller asked for) is a stream, read
// once: it is copied from the block server's buffer straight to the caller's, and not kept
// (keeping it would cost a second copy, and push out the sectors that are used again: the
// FAT's, the directories'); a long write of sectors not held goes straight to the disk the
// same way.  A FAT entry or a directory entry is read and written in place
// (cache_read_bytes, cache_write_bytes), not by copying its whole sector out and back.
// Writes stay in the cache, dirty, until cache_sync, or until eviction needs their place.
//
// The budget is fixed: CACHE_SECTORS sectors (512 KiB), taken from the heap at the first
// use.  Each sector has an entry: on a hash chain (found by disk and sector number), and on
// a list in order of use, most recent first; the victim is the least recently used.  A
// dirty victim is written back with the dirty sectors next to it on the disk, in one
// BLK_WRITE.  If the heap cannot give the budget, the cache reads and writes through.
#include "vfs.h"
#include "cache.h"

#define CACHE_SECTORS 1024 // 512 KiB
#define SECTORS_PER_PAGE (PAGE_SIZE / BLK_SECTOR_SIZE)
#define HASH_BITS 11
#define HASH_BUCKETS (1 << HASH_BITS)
#define RUN_MAX (BLK_BUFFER_MAX / BLK_SECTOR_SIZE) // sectors in one request
#define STREAM_SECTORS 32                          // 16 KiB: a read this long is not kept
#define NIL (-1)

static struct cache_stats stats;

static long check_range(const struct blkdev *d, uint64_t first, uint64_t count)
{
    uint64_t sectors = blkdev_sectors(d);
    return first > sectors || count > sectors - first ? -EINVAL : 0;
}

// No cache: `count` sectors from `first` on read straight into buf, a buffer at a time.
static long read_through(struct blkdev *d, uint64_t first, uint64_t count, void *buf)
{
    uint8_t *out = buf;
    uint64_t max = blkdev_buffer_sectors(d);
    while (count > 0) {
        uint64_t n = count < max ? count : max;
        long err = blkdev_read(d, first, n);
        if (err < 0)
            return err;
        memcpy(out, blkdev_buffer(d), n * BLK_SECTOR_SIZE);
        stats.misses += n;
        first += n;
        count -= n;
        out += n * BLK_SECTOR_SIZE;
    }
    return 0;
}

// No cache: the sectors written to the disk at once.
static long write_through(struct blkdev *d, uint64_t first, uint64_t count, const void *buf)
{
    const uint8_t *in = buf;
    uint64_t max = blkdev_buffer_sectors(d);
    while (count > 0) {
        uint64_t n = count < max ? count : max;
        memcpy(blkdev_buffer(d), in, n * BLK_SECTOR_SIZE);
        long err = blkdev_write(d, first, n);
        if (err < 0)
            return err;
        stats.writebacks += n;
        first += n;
        count -= n;
        in += n * BLK_SECTOR_SIZE;
    }
    return 0;
}

// One sector held in the cache.  Entries are named by their index in entries[] (NIL: none),
// which keeps the links small and a broken one easy to spot in GDB.
struct entry {
    struct blkdev *dev; // NULL: free
    uint64_t sector;
    bool dirty;         // written since it was read or written back
    int32_t hash_next;  // the next entry on the same hash chain
    int32_t prev, next; // the use list (most recent first); `next` links the free list
    uint8_t *data;      // BLK_SECTOR_SIZE bytes in one of the budget's pages
};

// LAB 8: Your code here: the cache's entries and their lookup, insertion and eviction
// (hint: a hash table of chains and a least-recently-used list, both through struct entry).
// BEGIN SOLUTION LAB 8
static struct entry entries[CACHE_SECTORS];
static int32_t buckets[HASH_BUCKETS];
static int32_t lru_head, lru_tail; // most and least recently used
static int32_t free_list;
static uint32_t nfree, capacity; // free entries, and entries with a page behind them
static bool started;
static int32_t order[CACHE_SECTORS]; // cache_sync's dirty entries, by sector

// Takes the budget from the heap at the first use (the VFS server starts before anyone
// knows whether there is a disk).  A heap that runs short leaves fewer entries.
static void start(void)
{
    if (started)
        return;
    started = true;
    lru_head = lru_tail = free_list = NIL;
    for (int b = 0; b < HASH_BUCKETS; b++)
        buckets[b] = NIL;
    uint8_t *page = NULL;
    for (int32_t i = 0; i < CACHE_SECTORS; i++) {
        if (i % SECTORS_PER_PAGE == 0 && (page = page_alloc()) == NULL)
            break;
        entries[i] = (struct entry){.data = page + (i % SECTORS_PER_PAGE) * BLK_SECTOR_SIZE,
                                    .next = free_list};
        free_list = i;
        nfree++;
        capacity++;
    }
}

// Fibonacci hashing: consecutive sectors land in different buckets.
static uint32_t hash(const struct blkdev *d, uint64_t sector)
{
    uint64_t key = sector ^ ((uint64_t)(uintptr_t)d << 40);
    return (uint32_t)((key * 0x9e3779b97f4a7c15ULL) >> (64 - HASH_BITS));
}

// The entry of sector `sector` of d, or NIL.
static int32_t lookup(const struct blkdev *d, uint64_t sector)
{
    for (int32_t i = buckets[hash(d, sector)]; i != NIL; i = entries[i].hash_next)
        if (entries[i].dev == d && entries[i].sector == sector)
            return i;
    return NIL;
}

static bool is_dirty(const struct blkdev *d, uint64_t sector)
{
    int32_t i = lookup(d, sector);
    return i != NIL && entries[i].dirty;
}

static void lru_unlink(int32_t i)
{
    struct entry *e = &entries[i];
    if (e->prev != NIL)
        entries[e->prev].next = e->next;
    else
        lru_head = e->next;
    if (e->next != NIL)
        entries[e->next].prev = e->prev;
    else
        lru_tail = e->prev;
}

static void lru_push(int32_t i)
{
    entries[i].prev = NIL;
    entries[i].next = lru_head;
    if (lru_head != NIL)
        entries[lru_head].prev = i;
    else
        lru_tail = i;
    lru_head = i;
}

// Entry i was used: it goes to the front of the use list.
static void touch(int32_t i)
{
    if (lru_head != i) {
        lru_unlink(i);
        lru_push(i);
    }
}

// Entry i was written: it is dirty until written back.
static void make_dirty(int32_t i)
{
    if (!entries[i].dirty) {
        entries[i].dirty = true;
        stats.dirty++;
    }
}

// A free entry for sector `sector` of d, clean, its data not yet filled in.  There must be
// a free entry (reserve made one).
static int32_t insert(struct blkdev *d, uint64_t sector)
{
    int32_t i = free_list;
    struct entry *e = &entries[i];
    free_list = e->next;
    nfree--;
    uint32_t b = hash(d, sector);
    e->dev = d;
    e->sector = sector;
    e->dirty = false;
    e->hash_next = buckets[b];
    buckets[b] = i;
    lru_push(i);
    stats.resident++;
    return i;
}

// Entry i (clean) leaves the cache: off its chain and the use list, onto the free list.
static void forget(int32_t i)
{
    struct entry *e = &entries[i];
    int32_t *link = &buckets[hash(e->dev, e->sector)];
    while (*link != i)
        link = &entries[*link].hash_next;
    *link = e->hash_next;
    lru_unlink(i);
    e->dev = NULL;
    e->next = free_list;
    free_list = i;
    nfree++;
    stats.resident--;
}
// END SOLUTION

// LAB 8: Your code here: write-back (a run of dirty sectors, consecutive on the disk, in
// one BLK_WRITE) and eviction (the least recently used entry; a dirty one is written back
// first).
// BEGIN SOLUTION LAB 8
// Writes the n dirty entries run[0..n) of d, consecutive sectors, back in one request, and
// marks them clean.  0, or the disk's error (they stay dirty).
static long write_run(struct blkdev *d, const int32_t *run, uint64_t n)
{
    uint8_t *buf = blkdev_buffer(d);
    for (uint64_t k = 0; k < n; k++)
        memcpy(buf + k * BLK_SECTOR_SIZE, entries[run[k]].data, BLK_SECTOR_SIZE);
    long err = blkdev_write(d, entries[run[0]].sector, n);
    if (err < 0)
        return err;
    for (uint64_t k = 0; k < n; k++)
        entries[run[k]].dirty = false;
    stats.writebacks += n;
    stats.dirty -= n;
    return 0;
}

// Frees the least recently used entry.  A dirty one is written back first, together with
// the dirty sectors around it (up to a buffer's worth): a file written in order is then
// written back a buffer at a time, not a sector at a time.  0, or the disk's error.
static long evict_one(void)
{
    int32_t victim = lru_tail;
    struct entry *e = &entries[victim];
    if (e->dirty) {
        static int32_t run[RUN_MAX];
        struct blkdev *d = e->dev;
        uint64_t max = blkdev_buffer_sectors(d), lo = e->sector, n = 1;
        while (lo > 0 && n < max && is_dirty(d, lo - 1)) {
            lo--;
            n++;
        }
        while (n < max && lo + n < blkdev_sectors(d) && is_dirty(d, lo + n))
            n++;
        for (uint64_t k = 0; k < n; k++)
            run[k] = lookup(d, lo + k);
        long err = write_run(d, run, n);
        if (err < 0)
            return err;
    }
    forget(victim);
    return 0;
}

// Makes at least n entries free (n at most `capacity`).  0, or the error of a write-back.
static long reserve(uint64_t n)
{
    while (nfree < n) {
        long err = evict_one();
        if (err < 0)
            return err;
    }
    return 0;
}

// Sorts entry indices by sector (Shell's sort: short, and fast enough for 1024).
static void sort_by_sector(int32_t *a, uint32_t n)
{
    for (uint32_t gap = n / 2; gap > 0; gap /= 2) {
        for (uint32_t i = gap; i < n; i++) {
            int32_t x = a[i];
            uint32_t j = i;
            for (; j >= gap && entries[a[j - gap]].sector > entries[x].sector; j -= gap)
                a[j] = a[j - gap];
            a[j] = x;
        }
    }
}
// END SOLUTION

// Reads `count` sectors from `first` on into buf: hits copied from the cache, each run of
// misses one BLK_READ (at most a buffer's worth); a short run's sectors are kept, a long
// one's (a stream) go straight to buf.  0 or -errno.
long cache_read(struct blkdev *d, uint64_t first, uint64_t count, void *buf)
{
    long err = check_range(d, first, count);
    if (err < 0 || count == 0)
        return err;
    // LAB 8: Your code here.
    // BEGIN SOLUTION LAB 8
    start();
    uint64_t max = blkdev_buffer_sectors(d), end = blkdev_sectors(d);
    if (capacity < max)
        return read_through(d, first, count, buf);
    uint8_t *out = buf;
    for (uint64_t i = 0; i < count;) {
        int32_t e = lookup(d, first + i);
        if (e != NIL) {
            memcpy(out + i * BLK_SECTOR_SIZE, entries[e].data, BLK_SECTOR_SIZE);
            touch(e);
            stats.hits++;
            i++;
            continue;
        }
        // A run of misses (of the sectors asked for, up to a buffer's worth).
        uint64_t s = first + i, wanted = count - i, n = 1;
        while (n < wanted && n < max && lookup(d, s + n) == NIL)
            n++;
        if (n >= STREAM_SECTORS) {
            // A stream: from the block server's buffer straight to buf, not kept.
            err = blkdev_read(d, s, n);
            if (err < 0)
                return err;
            memcpy(out + i * BLK_SECTOR_SIZE, blkdev_buffer(d), n * BLK_SECTOR_SIZE);
            stats.misses += n;
            i += n;
            continue;
        }
        // A short run, kept.  When it goes on to the end of the request and the sector
        // before it is held, the reader is going forward through the disk: read ahead, a
        // whole buffer (up to a sector the cache holds).
        if (n == wanted && s > 0 && lookup(d, s - 1) != NIL)
            while (n < max && s + n < end && lookup(d, s + n) == NIL)
                n++;
        err = reserve(n); // before the read: a write-back uses the same buffer
        if (err == 0)
            err = blkdev_read(d, s, n);
        if (err < 0)
            return err;
        const uint8_t *in = blkdev_buffer(d);
        for (uint64_t k = 0; k < n; k++) {
            memcpy(entries[insert(d, s + k)].data, in + k * BLK_SECTOR_SIZE, BLK_SECTOR_SIZE);
            if (k < wanted)
                memcpy(out + (i + k) * BLK_SECTOR_SIZE, in + k * BLK_SECTOR_SIZE, BLK_SECTOR_SIZE);
        }
        stats.misses += n;
        i += n < wanted ? n : wanted;
    }
    return 0;
    // STUB
    //| return read_through(d, first, count, buf);
    // END SOLUTION
}

// Writes `count` sectors into the cache, dirty until cache_sync (or eviction); a long run
// of them that the cache does not hold (a stream) straight to the disk.  0 or -errno.
long cache_write(struct blkdev *d, uint64_t first, uint64_t count, const void *buf)
{
    if (blkdev_read_only(d))
        return -EROFS;
    long err = check_range(d, first, count);
    if (err < 0 || count == 0)
        return err;
    // LAB 8: Your code here.
    // BEGIN SOLUTION LAB 8
    start();
    if (capacity < blkdev_buffer_sectors(d))
        return write_through(d, first, count, buf);
    const uint8_t *in = buf;
    uint64_t max = blkdev_buffer_sectors(d);
    for (uint64_t i = 0; i < count;) {
        // A long run of sectors that are not held (a file written in one go) is a stream:
        // straight to the disk, a buffer at a time, as a long read comes straight from it.
        uint64_t n = 0;
        while (n < count - i && n < max && lookup(d, first + i + n) == NIL)
            n++;
        if (n >= STREAM_SECTORS) {
            err = write_through(d, first + i, n, in + i * BLK_SECTOR_SIZE);
            if (err < 0)
                return err;
            i += n;
            continue;
        }
        // Otherwise the next sectors (the short run, or the one held) are kept, dirty.
        for (uint64_t end = i + (n > 0 ? n : 1); i < end; i++) {
            int32_t e = lookup(d, first + i);
            if (e == NIL) {
                err = reserve(1);
                if (err < 0)
                    return err;
                e = insert(d, first + i);
            } else {
                touch(e);
            }
            memcpy(entries[e].data, in + i * BLK_SECTOR_SIZE, BLK_SECTOR_SIZE);
            make_dirty(e);
        }
    }
    return 0;
    // STUB
    //| return write_through(d, first, count, buf);
    // END SOLUTION
}

static long check_part(size_t offset, size_t len)
{
    return offset > BLK_SECTOR_SIZE || len > BLK_SECTOR_SIZE - offset ? -EINVAL : 0;
}

// Reads the len bytes at `offset` of sector `sector` into buf.  0 or -errno.
long cache_read_bytes(struct blkdev *d, uint64_t sector, size_t offset, size_t len, void *buf)
{
    long err = check_part(offset, len);
    if (err < 0)
        return err;
    // LAB 8: Your code here (optional, for speed): a held sector's bytes copied straight
    // from its entry, which becomes the most recently used.
    // BEGIN SOLUTION LAB 8
    start();
    int32_t e = lookup(d, sector);
    if (e != NIL) {
        memcpy(buf, entries[e].data + offset, len);
        touch(e);
        stats.hits++;
        return 0;
    }
    // END SOLUTION
    // Not held: the whole sector through cache_read (which keeps it), its part copied out.
    uint8_t s[BLK_SECTOR_SIZE];
    err = cache_read(d, sector, 1, s);
    if (err == 0)
        memcpy(buf, s + offset, len);
    return err;
}

// Writes len bytes from buf at `offset` of sector `sector`, the rest of it kept.  0 or
// -errno.
long cache_write_bytes(struct blkdev *d, uint64_t sector, size_t offset, size_t len,
                       const void *buf)
{
    if (blkdev_read_only(d))
        return -EROFS;
    long err = check_part(offset, len);
    if (err < 0)
        return err;
    // LAB 8: Your code here (optional, for speed): a held sector patched in its entry,
    // which becomes dirty and the most recently used.
    // BEGIN SOLUTION LAB 8
    start();
    int32_t e = lookup(d, sector);
    if (e != NIL) {
        memcpy(entries[e].data + offset, buf, len);
        make_dirty(e);
        touch(e);
        return 0;
    }
    // END SOLUTION
    // Not held: the whole sector read, patched and written through cache_read and cache_write.
    uint8_t s[BLK_SECTOR_SIZE];
    err = cache_read(d, sector, 1, s);
    if (err == 0) {
        memcpy(s + offset, buf, len);
        err = cache_write(d, sector, 1, s);
    }
    return err;
}

// Writes every dirty sector of d back, in order on the disk, each run of consecutive ones in
// one BLK_WRITE; then BLK_FLUSH.  0, or the first error (the rest is still tried).
long cache_sync(struct blkdev *d)
{
    long first_err = 0;
    // LAB 8: Your code here.
    // BEGIN SOLUTION LAB 8
    start();
    uint32_t n = 0;
    for (uint32_t i = 0; i < capacity; i++)
        if (entries[i].dev == d && entries[i].dirty)
            order[n++] = (int32_t)i;
    sort_by_sector(order, n);
    uint64_t max = blkdev_buffer_sectors(d);
    for (uint32_t k = 0; k < n;) {
        uint32_t len = 1;
        while (k + len < n && len < max &&
               entries[order[k + len]].sector == entries[order[k]].sector + len)
            len++;
        long err = write_run(d, &order[k], len);
        if (err < 0 && first_err == 0)
            first_err = err;
        k += len;
    }
    // END SOLUTION
    long err = blkdev_flush(d);
    return first_err < 0 ? first_err : err;
}

// Forgets every clean sector of d (dirty ones stay: they are not on the disk yet).
void cache_drop(struct blkdev *d)
{
    // LAB 8: Your code here.
    // BEGIN SOLUTION LAB 8
    for (uint32_t i = 0; i < capacity; i++)
        if (entries[i].dev == d && !entries[i].dirty)
            forget((int32_t)i);
    // STUB
    //| (void)d;
    // END SOLUTION
}

void cache_stats(struct cache_stats *out)
{
    *out = stats;
}
