// fat32_fat.c — the File Allocation Table (spec §4): one 32-bit entry per cluster, naming
// the next cluster of its chain, or free (0), bad (0x0FFFFFF7), or the chain's end
// (0x0FFFFFF8 and above).
//
// The FAT is on the disk, and a disk can say anything: every value read is checked before
// it is used as a cluster number, and every walk along a chain stops after `clusters` steps
// (a chain cannot be longer than the volume unless it loops).  Both copies of the FAT are
// written (unless BPB_ExtFlags turned mirroring off); only the high 4 bits of an entry,
// which are reserved, are kept as they were.  The free count and the next-free hint that
// FSInfo keeps are updated with every allocation and every free.
#include "fat32.h"

bool cluster_ok(const struct fat32 *v, uint32_t c)
{
    return c >= FAT_FIRST_CLUSTER && c <= v->clusters + 1;
}

// The first sector of data cluster c (c must be cluster_ok).
uint64_t cluster_sector(const struct fat32 *v, uint32_t c)
{
    return v->data_start + (uint64_t)(c - FAT_FIRST_CLUSTER) * v->sec_per_clus;
}

// The sector of FAT copy `copy` that holds c's entry, and the entry's byte in it.
static uint64_t entry_sector(const struct fat32 *v, uint32_t copy, uint32_t c, uint32_t *byte)
{
    *byte = (c * 4) % FAT_SECTOR;
    return v->fat_start + (uint64_t)copy * v->fat_size + (c * 4) / FAT_SECTOR;
}

// c's FAT entry (28 bits) in *value.  0, or -EIO (c is no cluster of this volume, or the
// disk failed).
long fat_get(struct fat32 *v, uint32_t c, uint32_t *value)
{
    if (!cluster_ok(v, c))
        return -EIO;
    uint32_t byte, raw;
    uint64_t sector = entry_sector(v, v->active_fat, c, &byte);
    long err = cache_read_bytes(v->d, sector, byte, sizeof(raw), &raw);
    if (err < 0)
        return err;
    *value = raw & FAT_ENTRY_MASK;
    return 0;
}

// Sets c's entry to `value` in every FAT copy that is written, the reserved top bits kept.
long fat_set(struct fat32 *v, uint32_t c, uint32_t value)
{
    if (!cluster_ok(v, c))
        return -EIO;
    for (uint32_t copy = 0; copy < v->num_fats; copy++) {
        if (!v->mirrored && copy != v->active_fat)
            continue;
        uint32_t byte, raw;
        uint64_t sector = entry_sector(v, copy, c, &byte);
        long err = cache_read_bytes(v->d, sector, byte, sizeof(raw), &raw);
        if (err < 0)
            return err;
        raw = (raw & ~FAT_ENTRY_MASK) | (value & FAT_ENTRY_MASK);
        if ((err = cache_write_bytes(v->d, sector, byte, sizeof(raw), &raw)) < 0)
            return err;
    }
    return 0;
}

// The cluster after c in its chain: 0 and *next (0 when c ends the chain), or -EIO when the
// entry is no link at all (free, bad, reserved, or past the volume: the chain is broken).
long fat_next(struct fat32 *v, uint32_t c, uint32_t *next)
{
    // LAB 8: Your code here.
    // fat_get, then: FAT_EOC or above ends the chain (*next = 0); a cluster_ok value is the
    // next cluster; anything else (0 free, 1, FAT_BAD, past the volume) is -EIO.
    // BEGIN SOLUTION LAB 8
    uint32_t value;
    long err = fat_get(v, c, &value);
    if (err < 0)
        return err;
    if (value >= FAT_EOC) {
        *next = 0;
        return 0;
    }
    if (!cluster_ok(v, value))
        return -EIO;
    *next = value;
    return 0;
    // STUB
    //| return -ENOSYS;
    // END SOLUTION
}

// The run of clusters from c on that follow each other on the disk (c's entry says c + 1,
// c + 1's says c + 2, ...), at most `max` (>= 1) of them: how many in *run (>= 1).  The FAT
// is read a sector's entries at a time: a file written in one go is one long run, and its
// read should not pay a cache lookup per cluster.  0, or -EIO (c is no cluster).
long fat_run(struct fat32 *v, uint32_t c, uint32_t max, uint32_t *run)
{
    if (!cluster_ok(v, c))
        return -EIO;
    *run = 1;
    // LAB 8: Your code here (optional, for speed).  While *run < max: read the entries from
    // the run's last cluster's on to the end of its FAT sector (no more than the run needs)
    // in one cache_read_bytes, and count those that say "the cluster after me" (last + 1,
    // cluster_ok).  Leaving *run at 1 is right too, only slow: a read then asks the FAT
    // for every cluster (fat_next).
    // BEGIN SOLUTION LAB 8
    uint32_t entries[FAT_SECTOR / 4];
    while (*run < max) {
        uint32_t last = c + *run - 1, byte; // the run's last cluster so far
        uint64_t sector = entry_sector(v, v->active_fat, last, &byte);
        uint32_t n = (FAT_SECTOR - byte) / 4; // entries from last's to the sector's end
        if (n > max - *run)
            n = max - *run;
        long err = cache_read_bytes(v->d, sector, byte, n * 4, entries);
        if (err < 0)
            return err;
        for (uint32_t i = 0; i < n; i++, last++) {
            if ((entries[i] & FAT_ENTRY_MASK) != last + 1 || !cluster_ok(v, last + 1))
                return 0;
            (*run)++;
        }
    }
    // END SOLUTION
    return 0;
}

// The number of clusters of the chain that starts at `first` (0 for first == 0, an empty
// file).  0, or -EIO if the chain is broken or loops.
long fat_chain_length(struct fat32 *v, uint32_t first, uint32_t *n)
{
    *n = 0;
    // LAB 8: Your code here.
    // Follow the chain with fat_next, counting.  A chain with more clusters than the volume
    // has must loop: stop with -EIO there, so that a bad disk cannot hang the server.
    // BEGIN SOLUTION LAB 8
    for (uint32_t c = first; c != 0;) {
        if (++*n > v->clusters)
            return -EIO;
        long err = fat_next(v, c, &c);
        if (err < 0)
            return err;
    }
    return 0;
    // STUB
    //| return -ENOSYS;
    // END SOLUTION
}

// The last cluster of the chain at `first` (first != 0).  0 and *last, or -EIO.
long fat_last(struct fat32 *v, uint32_t first, uint32_t *last)
{
    uint32_t c = first, steps = 0;
    for (;;) {
        uint32_t next = 0;
        if (++steps > v->clusters)
            return -EIO;
        long err = fat_next(v, c, &next);
        if (err < 0)
            return err;
        if (next == 0)
            break;
        c = next;
    }
    *last = c;
    return 0;
}

// Finds the free cluster at or after `from` (wrapping around the volume once).  0 and *c,
// or -ENOSPC.
static long find_free(struct fat32 *v, uint32_t from, uint32_t *c)
{
    if (!cluster_ok(v, from))
        from = FAT_FIRST_CLUSTER;
    uint32_t at = from;
    for (uint32_t i = 0; i < v->clusters; i++) {
        uint32_t value;
        long err = fat_get(v, at, &value);
        if (err < 0)
            return err;
        if (value == FAT_FREE) {
            *c = at;
            return 0;
        }
        at = at == v->clusters + 1 ? FAT_FIRST_CLUSTER : at + 1;
    }
    return -ENOSPC;
}

// A new chain of n clusters (n >= 1), ended with an end mark: 0 and *first, or -ENOSPC
// (fewer than n free: nothing is changed), -EIO (what was taken is given back first, as far
// as the disk lets us).  The search starts at FSInfo's hint (spec §5), which is left just
// after the last cluster taken; the free count goes down by n.
long fat_alloc(struct fat32 *v, uint32_t n, uint32_t *first)
{
    // LAB 8: Your code here.
    // Refuse at once (-ENOSPC) if v->free_count < n: the count is exact (fat32_bpb.c counts
    // it at mount), so nothing gets half-allocated.  Then take n free
    // clusters one by one (find_free from v->next_free), each marked as the chain's end
    // first and then linked from the one before it, so that the chain is whole at every
    // step.  Keep free_count, next_free and fsinfo_dirty right.
    // BEGIN SOLUTION LAB 8
    if (n == 0 || v->free_count < n)
        return -ENOSPC;
    uint32_t prev = 0, c = 0;
    *first = 0;
    for (uint32_t i = 0; i < n; i++) {
        long err = find_free(v, v->next_free, &c);
        if (err == 0)
            err = fat_set(v, c, FAT_EOC_WRITE);
        if (err == 0 && prev != 0)
            err = fat_set(v, prev, c);
        if (err < 0) {
            if (*first != 0)
                fat_free_chain(v, *first);
            *first = 0;
            if (err == -ENOSPC) // the count was wrong after all: count again
                fat_count_free(v, &v->free_count);
            return err;
        }
        if (prev == 0)
            *first = c;
        prev = c;
        v->free_count--;
        v->next_free = c == v->clusters + 1 ? FAT_FIRST_CLUSTER : c + 1;
        v->fsinfo_dirty = true;
    }
    return 0;
    // STUB
    //| (void)find_free;
    //| return -ENOSPC;
    // END SOLUTION
}

// Frees the whole chain at `first` (0: nothing), entry by entry.  0, or -EIO where the
// chain broke (what came before is freed).
long fat_free_chain(struct fat32 *v, uint32_t first)
{
    uint32_t c = first, steps = 0;
    while (c != 0) {
        uint32_t next = 0;
        if (++steps > v->clusters)
            return -EIO;
        long err = fat_next(v, c, &next);
        if (err == 0)
            err = fat_set(v, c, FAT_FREE);
        if (err < 0)
            return err;
        v->free_count++;
        v->fsinfo_dirty = true;
        c = next;
    }
    return 0;
}

// Makes c the end of its chain and frees what followed it.  0 or -EIO.
long fat_cut_after(struct fat32 *v, uint32_t c)
{
    uint32_t next = 0;
    long err = fat_next(v, c, &next);
    if (err == 0 && next != 0)
        err = fat_set(v, c, FAT_EOC_WRITE);
    if (err == 0 && next != 0)
        err = fat_free_chain(v, next);
    return err;
}

// Counts the free entries of the whole FAT, a sector at a time (mount, when FSInfo's count
// is unknown or impossible).  0 and *n, or -EIO.
long fat_count_free(struct fat32 *v, uint32_t *n)
{
    uint32_t entries_per_sector = FAT_SECTOR / 4, last = v->clusters + 1;
    uint8_t s[FAT_SECTOR];
    *n = 0;
    for (uint32_t sec = 0; sec * entries_per_sector <= last; sec++) {
        long err =
            cache_read(v->d, v->fat_start + (uint64_t)v->active_fat * v->fat_size + sec, 1, s);
        if (err < 0)
            return err;
        for (uint32_t i = 0; i < entries_per_sector; i++) {
            uint32_t c = sec * entries_per_sector + i, raw;
            memcpy(&raw, s + i * 4, 4);
            if (cluster_ok(v, c) && (raw & FAT_ENTRY_MASK) == FAT_FREE)
                (*n)++;
        }
    }
    return 0;
}

// Fills cluster c with zeros (a new directory's, so that its unused entries read as the
// end of the directory).  0 or -errno.
long cluster_zero(struct fat32 *v, uint32_t c)
{
    static const uint8_t zeros[FAT_SECTOR];
    if (!cluster_ok(v, c))
        return -EIO;
    for (uint32_t i = 0; i < v->sec_per_clus; i++) {
        long err = cache_write(v->d, cluster_sector(v, c) + i, 1, zeros);
        if (err < 0)
            return err;
    }
    return 0;
}
