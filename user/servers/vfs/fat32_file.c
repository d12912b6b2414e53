// fat32_file.c — a file's bytes in its cluster chain: read, written (overwritten, extended,
// with holes read as zeros), truncated; its size and write time kept in its entry.
//
// The chain is made long enough before any byte is written, and all clusters a write needs
// are allocated at once (fat_alloc takes all or none) before they are linked to the file.  A
// write that does not fit on the disk writes what fits and returns that short count (POSIX);
// only a write of which nothing fits is ENOSPC, with the file as it was.  The bytes between the old end and a write
// that starts past it are written as zeros: a cluster freed by another file still holds
// that file's bytes, which must never show through.  File times come from the RTC
// (clock_gettime(CLOCK_REALTIME)); if it cannot be read they are 1980-01-01, FAT's earliest
// date.
#include "fat32.h"

#define FAT_MAX_FILE 0xFFFFFFFFull // DIR_FileSize is 32 bits (spec §6.2)

// --- times (spec §6.3: dates count from 1980, times in 2-second steps) --------------------

// Seconds since 1970 from the PL031, or 0 if the clock cannot be read.
static int64_t clock_now(void)
{
    struct timespec ts;
    return clock_gettime(CLOCK_REALTIME, &ts) == 0 ? ts.tv_sec : 0;
}

// Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms, for years
// from 1970 on).
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = y / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = z / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

// Now as a FAT date and time (UTC: FAT has no time zone), clamped to 1980..2107.
void fat_time_now(uint16_t *date, uint16_t *time)
{
    int64_t t = clock_now();
    int64_t y;
    unsigned m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    if (y < 1980) {
        *date = (0 << 9) | (1 << 5) | 1;
        *time = 0;
        return;
    }
    if (y > 2107)
        y = 2107;
    unsigned s = (unsigned)(t % 86400);
    *date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
    *time = (uint16_t)((s / 3600) << 11 | (s / 60 % 60) << 5 | (s % 60) / 2);
}

void dirent_stamp(struct fat_dirent *de)
{
    uint16_t date, time;
    fat_time_now(&date, &time);
    de->DIR_CrtDate = de->DIR_WrtDate = de->DIR_LstAccDate = date;
    de->DIR_CrtTime = de->DIR_WrtTime = time;
    de->DIR_CrtTimeTenth = 0;
}

// A FAT date and time as seconds since 1970 (0 for a date that is none: month or day 0).
int64_t fat_time_to_unix(uint16_t date, uint16_t time)
{
    unsigned m = (date >> 5) & 15, d = date & 31;
    if (m == 0 || m > 12 || d == 0)
        return 0;
    int64_t days = days_from_civil(1980 + (date >> 9), m, d);
    return days * 86400 + (time >> 11) * 3600 + ((time >> 5) & 63) * 60 + (time & 31) * 2;
}

// --- the chain --------------------------------------------------------------------------

// Cluster number `index` (0 = the first) of n's chain: 0 and *c, or -EIO (the chain is
// shorter, or broken).  Starts from the node's cursor when it is not past `index`.
long node_cluster_at(struct fat32 *v, struct fat_node *n, uint32_t index, uint32_t *c)
{
    uint32_t at = 0, cluster = n->first_cluster;
    if (n->at_cluster != 0 && n->at_index <= index) {
        at = n->at_index;
        cluster = n->at_cluster;
    }
    if (!cluster_ok(v, cluster) || index >= v->clusters)
        return -EIO;
    while (at < index) {
        long err = fat_next(v, cluster, &cluster);
        if (err < 0)
            return err;
        if (cluster == 0)
            return -EIO;
        at++;
    }
    n->at_index = index;
    n->at_cluster = cluster;
    *c = cluster;
    return 0;
}

// The run of clusters from number `index` of n's chain on that follow each other on the
// disk (fat_run), at most `max` of them (max >= 1): the first in *c, how many in *run.
// Their sectors are consecutive too: one cache request moves them all.  The node's cursor
// is left on the run's last cluster.  0 or -EIO.
static long node_run_at(struct fat32 *v, struct fat_node *n, uint32_t index, uint32_t max,
                        uint32_t *c, uint32_t *run)
{
    long err = node_cluster_at(v, n, index, c);
    if (err == 0)
        err = fat_run(v, *c, max, run);
    if (err < 0)
        return err;
    n->at_index = index + *run - 1;
    n->at_cluster = *c + *run - 1;
    return 0;
}

static uint32_t clusters_for(const struct fat32 *v, uint64_t bytes)
{
    return (uint32_t)((bytes + v->bytes_per_clus - 1) / v->bytes_per_clus);
}

// Makes n's chain hold `bytes` (more than it holds now): the missing clusters allocated
// together, then linked to the chain's end (or made the chain of an empty file).  0,
// -ENOSPC (nothing changed), -EIO.
static long chain_grow(struct fat32 *v, struct fat_node *n, uint64_t bytes)
{
    uint32_t have = clusters_for(v, n->size), need = clusters_for(v, bytes), last = 0, first;
    if (need <= have)
        return 0;
    long err = 0;
    if (have > 0) {
        // LAB 8: Your code here.
        // The chain's last cluster (node_cluster_at(have - 1)) must end the chain: if more
        // follows it (a size smaller than its chain, left by a crash), cut it there first
        // (fat_cut_after), so that the file's chain is exactly its size.
        // BEGIN SOLUTION LAB 8
        uint32_t next;
        err = node_cluster_at(v, n, have - 1, &last);
        if (err == 0)
            err = fat_next(v, last, &next);
        if (err == 0 && next != 0)
            err = fat_cut_after(v, last);
        // STUB
        //| return -ENOSYS;
        // END SOLUTION
    }
    if (err == 0)
        err = fat_alloc(v, need - have, &first);
    if (err < 0)
        return err;
    // LAB 8: Your code here.
    // Link the new chain: after `last`, or as the file's first cluster (an empty file).
    // If linking fails, give the new chain back (fat_free_chain).
    // BEGIN SOLUTION LAB 8
    if (have == 0) {
        n->first_cluster = first;
        n->at_cluster = 0;
    } else if ((err = fat_set(v, last, first)) < 0) {
        fat_free_chain(v, first);
    }
    return err;
    // STUB
    //| (void)last;
    //| (void)first;
    //| return -ENOSYS;
    // END SOLUTION
}

// Makes n's chain, which holds `from` bytes, hold only `bytes`: the clusters past them freed.
static long chain_shrink(struct fat32 *v, struct fat_node *n, uint64_t from, uint64_t bytes)
{
    uint32_t keep = clusters_for(v, bytes), c;
    if (keep >= clusters_for(v, from) || n->first_cluster == 0)
        return 0;
    n->at_cluster = 0; // the cursor may point into what goes
    if (keep == 0) {
        long err = fat_free_chain(v, n->first_cluster);
        n->first_cluster = 0;
        return err;
    }
    long err = node_cluster_at(v, n, keep - 1, &c);
    return err < 0 ? err : fat_cut_after(v, c);
}

// --- bytes ------------------------------------------------------------------------------

// Copies len bytes at `off` of n's chain (which holds them) to buf (write false) or from
// buf to it (write true; buf NULL: zeros).  Whole sectors go straight between buf and the
// cache, a run of consecutive clusters in one request; a part of a sector is read or
// patched in place.  0 or -errno.
static long transfer(struct fat32 *v, struct fat_node *n, uint64_t off, uint8_t *buf, size_t len,
                     bool write)
{
    static const uint8_t zeros[FAT_SECTOR];
    for (size_t done = 0; done < len;) {
        uint64_t at = off + done;
        uint32_t in = (uint32_t)(at % v->bytes_per_clus), in_sector = in % FAT_SECTOR, c, run;
        size_t chunk = FAT_SECTOR - in_sector < len - done ? FAT_SECTOR - in_sector : len - done;
        uint8_t *p = buf == NULL ? NULL : buf + done;
        bool whole = chunk == FAT_SECTOR && p != NULL;
        // Whole sectors: the run of clusters that the rest of the request reaches into.  A
        // part of a sector: its one cluster (the cursor must not pass what comes next).
        uint64_t reach = (in + (len - done) + v->bytes_per_clus - 1) / v->bytes_per_clus;
        long err = node_run_at(v, n, (uint32_t)(at / v->bytes_per_clus),
                               whole ? (uint32_t)reach : 1, &c, &run);
        if (err < 0)
            return err;
        uint64_t sector = cluster_sector(v, c) + in / FAT_SECTOR;
        if (whole) {
            // Whole sectors: as many in a row as the run and the request hold.
            uint64_t count = ((uint64_t)run * v->bytes_per_clus - in) / FAT_SECTOR;
            if (count > (len - done) / FAT_SECTOR)
                count = (len - done) / FAT_SECTOR;
            err = write ? cache_write(v->d, sector, count, p) : cache_read(v->d, sector, count, p);
            chunk = count * FAT_SECTOR;
        } else if (chunk == FAT_SECTOR) {
            err = cache_write(v->d, sector, 1, zeros);
        } else if (write) {
            err = cache_write_bytes(v->d, sector, in_sector, chunk, p != NULL ? p : zeros);
        } else {
            err = cache_read_bytes(v->d, sector, in_sector, chunk, p);
        }
        if (err < 0)
            return err;
        done += chunk;
    }
    return 0;
}

// Writes n's first cluster, size, attributes and write time into its entry (nothing for
// the root, which has none, or for a removed node).  0 or -errno.
long node_write_entry(struct fat32 *v, struct fat_node *n)
{
    if (n->sector == 0 || n->removed)
        return 0;
    struct fat_dirent de;
    long err = entry_read(v, n->sector, n->index, &de);
    if (err < 0)
        return err;
    dirent_set_cluster(&de, n->first_cluster);
    de.DIR_FileSize = n->is_dir ? 0 : n->size; // a directory's is always 0 (spec §6.2)
    de.DIR_Attr = n->attr;
    de.DIR_WrtDate = n->wrt_date;
    de.DIR_WrtTime = n->wrt_time;
    de.DIR_LstAccDate = n->wrt_date;
    return entry_write(v, n->sector, n->index, &de);
}

// The file changed: its write time is now, its archive bit set (spec §6.1), its entry out.
static long touched(struct fat32 *v, struct fat_node *n)
{
    fat_time_now(&n->wrt_date, &n->wrt_time);
    n->attr |= ATTR_ARCHIVE;
    return node_write_entry(v, n);
}

// Up to len bytes at `off` into buf: the number read (0 at or past the end), or -EIO.
long file_read(struct fat32 *v, struct fat_node *n, uint64_t off, void *buf, size_t len)
{
    if (off >= n->size)
        return 0;
    if (len > n->size - off)
        len = (size_t)(n->size - off);
    long err = transfer(v, n, off, buf, len, false);
    return err < 0 ? err : (long)len;
}

// Writes len bytes at `off`: the number written, fewer if the disk holds only those (a
// short write), or -EFBIG (at or past 4 GiB - 1), -ENOSPC (not a byte fits: the file as it
// was), -EIO.
long file_write(struct fat32 *v, struct fat_node *n, uint64_t off, const void *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (off >= FAT_MAX_FILE)
        return -EFBIG;
    if (len > FAT_MAX_FILE - off)
        len = (size_t)(FAT_MAX_FILE - off);
    uint64_t end = off + len;
    uint32_t old_size = n->size;
    long err = chain_grow(v, n, end);
    if (err == -ENOSPC) {
        // What fits: the chain's clusters and every free one (the count is exact again
        // after a failed fat_alloc).  Hole bytes before `off` need their clusters too.
        uint64_t room = (uint64_t)(clusters_for(v, n->size) + v->free_count) * v->bytes_per_clus;
        if (room > off && room < end) {
            end = room;
            len = (size_t)(end - off);
            err = chain_grow(v, n, end);
        }
    }
    if (err < 0)
        return err;
    if (off > n->size)
        err = transfer(v, n, n->size, NULL, off - n->size, true); // the hole: zeros
    if (err == 0)
        err = transfer(v, n, off, (uint8_t *)buf, len, true);
    if (err < 0) {
        chain_shrink(v, n, end, old_size); // give back what was taken for this write
        node_write_entry(v, n);
        return err;
    }
    if (end > n->size)
        n->size = (uint32_t)end;
    err = touched(v, n);
    return err < 0 ? err : (long)len;
}

// Sets the file's size: shorter frees the clusters past it; longer fills with zeros.
long file_truncate(struct fat32 *v, struct fat_node *n, uint64_t size)
{
    if (size > FAT_MAX_FILE)
        return -EFBIG;
    if (size == n->size)
        return 0;
    long err;
    if (size < n->size) {
        err = chain_shrink(v, n, n->size, size);
        n->size = (uint32_t)size;
    } else {
        uint32_t old_size = n->size;
        err = chain_grow(v, n, size);
        if (err == 0)
            err = transfer(v, n, n->size, NULL, size - n->size, true);
        if (err < 0) {
            chain_shrink(v, n, size, old_size);
            node_write_entry(v, n);
            return err;
        }
        n->size = (uint32_t)size;
    }
    long err2 = touched(v, n);
    return err < 0 ? err : err2;
}
