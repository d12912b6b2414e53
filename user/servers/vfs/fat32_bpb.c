// fat32_bpb.c — the boot sector, its BPB (spec §3) and FSInfo (spec §5): read, checked field
// by field, and the volume's geometry worked out from them.
//
// A volume is taken only if every field makes sense for FAT32 on this disk; otherwise the
// mount is refused with the field and its value named (main.c prints it), and nothing is
// ever written to the disk.  Everything later code trusts (where the FATs and the data
// start, how many clusters there are) is computed here once.
#include "fat32.h"

// Little-endian fields of a sector, read by bytes: the struct is packed, and the sector
// buffer has no particular alignment.
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool is_power_of_two(uint32_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

// Checks the BPB's fields one by one (spec §3.1, §3.3) against a disk of `disk` sectors and
// fills in v.  0, or -EINVAL and the reason in `why`.
static long bpb_check(const struct fat32_bpb *b, const uint8_t *sector, uint64_t disk,
                      struct fat32 *v, char *why, size_t size)
{
    // LAB 8: Your code here.
    // Check, in this order, each refusal naming the field and its value, e.g.
    //   "BPB_BytsPerSec is 1024 (only 512 supported)":
    //   the signature 0x55 0xAA at byte 510; BPB_BytsPerSec 512; BPB_SecPerClus a power of
    //   two; BPB_RsvdSecCnt not 0; BPB_NumFATs 1 or 2; BPB_RootEntCnt, BPB_TotSec16 and
    //   BPB_FATSz16 all 0 (FAT32's marks); BPB_FATSz32 not 0; BPB_TotSec32 no more than the
    //   disk; the FATs inside the volume; the cluster count (spec §3.5) at least 65525 (else
    //   it is FAT12 or FAT16) and the FAT big enough for it; BPB_RootClus a data cluster.
    // Then fill in v: sec_per_clus, bytes_per_clus, fat_start, fat_size, num_fats,
    // mirrored and active_fat (BPB_ExtFlags), data_start, clusters, root_cluster,
    // total_sectors, fsinfo_sector.
    // BEGIN SOLUTION LAB 8
    if (sector[BOOT_SIGNATURE_OFFSET] != 0x55 || sector[BOOT_SIGNATURE_OFFSET + 1] != 0xAA) {
        snprintf(why, size, "the boot signature is 0x%02x%02x (expected 0x55AA)",
                 sector[BOOT_SIGNATURE_OFFSET], sector[BOOT_SIGNATURE_OFFSET + 1]);
        return -EINVAL;
    }
    if (b->BPB_BytsPerSec != FAT_SECTOR) {
        snprintf(why, size, "BPB_BytsPerSec is %u (only 512 supported)", b->BPB_BytsPerSec);
        return -EINVAL;
    }
    if (!is_power_of_two(b->BPB_SecPerClus)) {
        snprintf(why, size, "BPB_SecPerClus is %u (not a power of two)", b->BPB_SecPerClus);
        return -EINVAL;
    }
    if (b->BPB_RsvdSecCnt == 0) {
        snprintf(why, size, "BPB_RsvdSecCnt is 0 (the boot sector itself is reserved)");
        return -EINVAL;
    }
    if (b->BPB_NumFATs != 1 && b->BPB_NumFATs != 2) {
        snprintf(why, size, "BPB_NumFATs is %u (1 or 2 supported)", b->BPB_NumFATs);
        return -EINVAL;
    }
    if (b->BPB_RootEntCnt != 0 || b->BPB_TotSec16 != 0 || b->BPB_FATSz16 != 0) {
        snprintf(why, size,
                 "BPB_RootEntCnt %u, BPB_TotSec16 %u, BPB_FATSz16 %u (all 0 on FAT32: "
                 "this is FAT12 or FAT16)",
                 b->BPB_RootEntCnt, b->BPB_TotSec16, b->BPB_FATSz16);
        return -EINVAL;
    }
    if (b->BPB_FATSz32 == 0) {
        snprintf(why, size, "BPB_FATSz32 is 0");
        return -EINVAL;
    }
    if (b->BPB_TotSec32 > disk) {
        snprintf(why, size, "BPB_TotSec32 is %u (the disk has %lu sectors)", b->BPB_TotSec32,
                 (unsigned long)disk);
        return -EINVAL;
    }
    uint64_t meta = b->BPB_RsvdSecCnt + (uint64_t)b->BPB_NumFATs * b->BPB_FATSz32;
    if (meta >= b->BPB_TotSec32) {
        snprintf(why, size, "BPB_FATSz32 is %u (the FATs pass the volume's %u sectors)",
                 b->BPB_FATSz32, b->BPB_TotSec32);
        return -EINVAL;
    }
    uint64_t clusters = (b->BPB_TotSec32 - meta) / b->BPB_SecPerClus; // spec §3.5
    if (clusters < 65525) {
        snprintf(why, size, "the cluster count is %lu (below 65525: FAT12 or FAT16, not FAT32)",
                 (unsigned long)clusters);
        return -EINVAL;
    }
    if (clusters > FAT_BAD - FAT_FIRST_CLUSTER) {
        snprintf(why, size, "the cluster count is %lu (FAT32 has at most %u)",
                 (unsigned long)clusters, FAT_BAD - FAT_FIRST_CLUSTER);
        return -EINVAL;
    }
    if ((uint64_t)b->BPB_FATSz32 * (FAT_SECTOR / 4) < clusters + FAT_FIRST_CLUSTER) {
        snprintf(why, size, "BPB_FATSz32 is %u (too small for %lu clusters)", b->BPB_FATSz32,
                 (unsigned long)clusters);
        return -EINVAL;
    }
    if (b->BPB_RootClus < FAT_FIRST_CLUSTER || b->BPB_RootClus > clusters + 1) {
        snprintf(why, size, "BPB_RootClus is %u (not a data cluster)", b->BPB_RootClus);
        return -EINVAL;
    }
    v->sec_per_clus = b->BPB_SecPerClus;
    v->bytes_per_clus = b->BPB_SecPerClus * FAT_SECTOR;
    v->fat_start = b->BPB_RsvdSecCnt;
    v->fat_size = b->BPB_FATSz32;
    v->num_fats = b->BPB_NumFATs;
    v->mirrored = (b->BPB_ExtFlags & 0x80) == 0;
    v->active_fat = v->mirrored ? 0 : (b->BPB_ExtFlags & 0x0F);
    v->data_start = (uint32_t)meta;
    v->clusters = (uint32_t)clusters;
    v->root_cluster = b->BPB_RootClus;
    v->total_sectors = b->BPB_TotSec32;
    v->fsinfo_sector = b->BPB_FSInfo;
    return 0;
    // STUB
    //| (void)is_power_of_two;
    //| snprintf(why, size, "reading the BPB is not written yet (fat32_bpb.c: bpb_check)");
    //| return -EINVAL;
    // END SOLUTION
}

// Checks FSInfo's three signatures (spec §5) and takes its next-free hint when it is a
// cluster.  The free count is counted from the FAT whatever FSInfo says: the spec calls it
// a hint that may be wrong (or FSI_UNKNOWN), and fat_alloc's all-or-nothing promise needs
// it exact; FSInfo is corrected at the next sync if it differed.  0, -EINVAL with the
// reason, or -EIO.
static long fsinfo_read(struct fat32 *v, char *why, size_t size)
{
    if (v->active_fat >= v->num_fats) {
        snprintf(why, size, "BPB_ExtFlags names FAT %u (there are %u)", v->active_fat, v->num_fats);
        return -EINVAL;
    }
    if (v->fsinfo_sector == 0 || v->fsinfo_sector >= v->fat_start) {
        snprintf(why, size, "BPB_FSInfo is %u (not a reserved sector after the boot sector)",
                 v->fsinfo_sector);
        return -EINVAL;
    }
    uint8_t s[FAT_SECTOR];
    long err = cache_read(v->d, v->fsinfo_sector, 1, s);
    if (err < 0)
        return err;
    uint32_t lead = le32(s), struc = le32(s + 484), trail = le32(s + 508);
    if (lead != FSI_LEAD_SIG || struc != FSI_STRUC_SIG || trail != FSI_TRAIL_SIG) {
        snprintf(why, size,
                 "FSInfo (sector %u) signatures are 0x%08x 0x%08x 0x%08x (expected 0x%08x "
                 "0x%08x 0x%08x)",
                 v->fsinfo_sector, lead, struc, trail, FSI_LEAD_SIG, FSI_STRUC_SIG, FSI_TRAIL_SIG);
        return -EINVAL;
    }
    uint32_t free = le32(s + 488), next = le32(s + 492);
    v->next_free = cluster_ok(v, next) ? next : FAT_FIRST_CLUSTER;
    err = fat_count_free(v, &v->free_count);
    v->fsinfo_dirty = err == 0 && (free != v->free_count || next != v->next_free);
    return err;
}

long bpb_read(struct blkdev *d, struct fat32 *v, char *why, size_t size)
{
    uint8_t sector[FAT_SECTOR];
    uint64_t disk = blkdev_sectors(d);
    if (disk == 0) {
        snprintf(why, size, "the disk is empty");
        return -EINVAL;
    }
    long err = cache_read(d, 0, 1, sector);
    if (err < 0) {
        snprintf(why, size, "reading the boot sector failed: %s", errno_name(err));
        return err;
    }
    struct fat32_bpb b;
    memcpy(&b, sector, sizeof(b));
    v->d = d;
    err = bpb_check(&b, sector, disk, v, why, size);
    if (err == 0)
        err = fsinfo_read(v, why, size);
    if (err == -EIO)
        snprintf(why, size, "reading FSInfo or the FAT failed: EIO");
    return err;
}

// Writes FSInfo's free count and next-free hint back if they changed since the last time:
// read, patched, written, so that the reserved bytes stay as they were.  0 or -errno.
long fsinfo_write(struct fat32 *v)
{
    if (!v->fsinfo_dirty)
        return 0;
    uint8_t s[FAT_SECTOR];
    long err = cache_read(v->d, v->fsinfo_sector, 1, s);
    if (err < 0)
        return err;
    struct fat32_fsinfo fsi;
    memcpy(&fsi, s, sizeof(fsi));
    fsi.FSI_Free_Count = v->free_count;
    fsi.FSI_Nxt_Free = v->next_free;
    err = cache_write(v->d, v->fsinfo_sector, 1, &fsi);
    if (err == 0)
        v->fsinfo_dirty = false;
    return err;
}
