// fat32.h — FAT32 in the VFS server (lab 8): the on-disk structures, and what the fat32*.c
// files tell each other.  The reference is Microsoft's "FAT32 File System Specification"
// (version 1.03, 2000); "spec §N" below names its sections.
//
//   fat32_bpb.c   the boot sector and BPB read and checked field by field; FSInfo (spec §3, §5)
//   fat32_fat.c   the FAT: cluster chains followed, allocated and freed (spec §4)
//   fat32_dir.c   directory entries: 8.3 and long names, found, made and removed (spec §6, §7)
//   fat32_file.c  a file's bytes: read, written, truncated; sizes and times in its entry
//   fat32_node.c  the live nodes: FAT has no inodes, so nodes are keyed by their entry's place
//   fat32_ops.c   struct fs_ops for FAT32, and fat32_mount
//
// Every cluster number read from the disk is checked before it is used (cluster_ok), every
// chain is followed at most `clusters` steps (a loop is EIO, never a hang), and a sector is
// only asked of the cache once it lies inside the volume: a broken disk gives EIO, the
// server goes on.  Everything written goes into the block cache at once; fs_ops.sync writes
// FSInfo and then cache_sync flushes it all.
#ifndef KEEL_VFS_FAT32_H
#define KEEL_VFS_FAT32_H

#include "vfs.h"
#include "cache.h"

#define FAT_SECTOR 512 // the only BPB_BytsPerSec this FAT32 takes (fat32_bpb.c)

// --- the boot sector (spec §3.1 and §3.3): the BPB, and FAT32's extension of it ----------
struct fat32_bpb {
    uint8_t BS_jmpBoot[3];
    uint8_t BS_OEMName[8];
    uint16_t BPB_BytsPerSec;
    uint8_t BPB_SecPerClus;
    uint16_t BPB_RsvdSecCnt;
    uint8_t BPB_NumFATs;
    uint16_t BPB_RootEntCnt; // 0 on FAT32: the root directory is a cluster chain
    uint16_t BPB_TotSec16;   // 0 on FAT32
    uint8_t BPB_Media;
    uint16_t BPB_FATSz16; // 0 on FAT32
    uint16_t BPB_SecPerTrk;
    uint16_t BPB_NumHeads;
    uint32_t BPB_HiddSec;
    uint32_t BPB_TotSec32;
    uint32_t BPB_FATSz32;
    uint16_t BPB_ExtFlags; // bit 7: mirroring off, bits 0-3 the one active FAT
    uint16_t BPB_FSVer;    // 0:0
    uint32_t BPB_RootClus;
    uint16_t BPB_FSInfo;
    uint16_t BPB_BkBootSec;
    uint8_t BPB_Reserved[12];
    uint8_t BS_DrvNum;
    uint8_t BS_Reserved1;
    uint8_t BS_BootSig;
    uint32_t BS_VolID;
    uint8_t BS_VolLab[11];
    uint8_t BS_FilSysType[8]; // "FAT32   ", informative only (spec §3.3: never to be trusted)
} __attribute__((packed));
_Static_assert(sizeof(struct fat32_bpb) == 90, "the FAT32 BPB is 90 bytes");
_Static_assert(offsetof(struct fat32_bpb, BPB_BytsPerSec) == 11, "spec §3.1");
_Static_assert(offsetof(struct fat32_bpb, BPB_TotSec32) == 32, "spec §3.1");
_Static_assert(offsetof(struct fat32_bpb, BPB_FATSz32) == 36, "spec §3.3");
_Static_assert(offsetof(struct fat32_bpb, BPB_RootClus) == 44, "spec §3.3");
_Static_assert(offsetof(struct fat32_bpb, BPB_FSInfo) == 48, "spec §3.3");
_Static_assert(offsetof(struct fat32_bpb, BS_FilSysType) == 82, "spec §3.3");
#define BOOT_SIGNATURE_OFFSET 510 // bytes 0x55, 0xAA (spec §3.3)

// --- FSInfo (spec §5): a hint of the free clusters, in a reserved sector -------------------
struct fat32_fsinfo {
    uint32_t FSI_LeadSig; // 0x41615252
    uint8_t FSI_Reserved1[480];
    uint32_t FSI_StrucSig;   // 0x61417272
    uint32_t FSI_Free_Count; // free clusters, 0xFFFFFFFF: unknown
    uint32_t FSI_Nxt_Free;   // where to look for a free cluster, 0xFFFFFFFF: unknown
    uint8_t FSI_Reserved2[12];
    uint32_t FSI_TrailSig; // 0xAA550000
} __attribute__((packed));
_Static_assert(sizeof(struct fat32_fsinfo) == FAT_SECTOR, "FSInfo is one sector");
_Static_assert(offsetof(struct fat32_fsinfo, FSI_StrucSig) == 484, "spec §5");
_Static_assert(offsetof(struct fat32_fsinfo, FSI_Free_Count) == 488, "spec §5");
_Static_assert(offsetof(struct fat32_fsinfo, FSI_TrailSig) == 508, "spec §5");
#define FSI_LEAD_SIG 0x41615252u
#define FSI_STRUC_SIG 0x61417272u
#define FSI_TRAIL_SIG 0xAA550000u
#define FSI_UNKNOWN 0xFFFFFFFFu

// --- FAT entries (spec §4): 28 bits; the top 4 are reserved and kept on every write ---------
#define FAT_ENTRY_MASK 0x0FFFFFFFu
#define FAT_FREE 0u
#define FAT_BAD 0x0FFFFFF7u
#define FAT_EOC 0x0FFFFFF8u       // this and above: end of the chain
#define FAT_EOC_WRITE 0x0FFFFFFFu // what we write to end one
#define FAT_FIRST_CLUSTER 2       // clusters 0 and 1 are not data (spec §4)

// --- directory entries (spec §6): 32 bytes each ---------------------------------------------
struct fat_dirent {
    uint8_t DIR_Name[11]; // 8 + 3, space-padded; [0] 0xE5 free, 0x00 free and the last
    uint8_t DIR_Attr;
    uint8_t DIR_NTRes; // Windows NT: 0x08 base in lower case, 0x10 extension in lower case
    uint8_t DIR_CrtTimeTenth;
    uint16_t DIR_CrtTime;
    uint16_t DIR_CrtDate;
    uint16_t DIR_LstAccDate;
    uint16_t DIR_FstClusHI;
    uint16_t DIR_WrtTime;
    uint16_t DIR_WrtDate;
    uint16_t DIR_FstClusLO;
    uint32_t DIR_FileSize;
} __attribute__((packed));
_Static_assert(sizeof(struct fat_dirent) == 32, "spec §6: a directory entry is 32 bytes");
_Static_assert(offsetof(struct fat_dirent, DIR_FstClusHI) == 20, "spec §6");
_Static_assert(offsetof(struct fat_dirent, DIR_WrtTime) == 22, "spec §6");
_Static_assert(offsetof(struct fat_dirent, DIR_FstClusLO) == 26, "spec §6");
_Static_assert(offsetof(struct fat_dirent, DIR_FileSize) == 28, "spec §6");
#define DIRENTS_PER_SECTOR (FAT_SECTOR / sizeof(struct fat_dirent))

#define ATTR_READ_ONLY 0x01
#define ATTR_HIDDEN 0x02
#define ATTR_SYSTEM 0x04
#define ATTR_VOLUME_ID 0x08
#define ATTR_DIRECTORY 0x10
#define ATTR_ARCHIVE 0x20
#define ATTR_LONG_NAME 0x0F      // READ_ONLY | HIDDEN | SYSTEM | VOLUME_ID (spec §7)
#define ATTR_LONG_NAME_MASK 0x3F // the bits that decide whether an entry is a long-name one
#define DIR_FREE 0xE5            // DIR_Name[0] of a deleted entry
#define DIR_KANJI_E5 0x05        // DIR_Name[0] 0x05 stands for a real 0xE5 (spec §6.1)
#define NTRES_LOWER_BASE 0x08
#define NTRES_LOWER_EXT 0x10
#define DIR_MAX_ENTRIES 65536 // a directory holds at most this many (spec §6.1)

// --- long-name entries (spec §7): 13 UTF-16 characters each, before their short entry ---
struct fat_lfn {
    uint8_t LDIR_Ord; // 1.., LAST_LONG_ENTRY (0x40) on the first one stored (the name's end)
    uint16_t LDIR_Name1[5];
    uint8_t LDIR_Attr; // ATTR_LONG_NAME
    uint8_t LDIR_Type; // 0
    uint8_t LDIR_Chksum;
    uint16_t LDIR_Name2[6];
    uint16_t LDIR_FstClusLO; // 0
    uint16_t LDIR_Name3[2];
} __attribute__((packed));
_Static_assert(sizeof(struct fat_lfn) == 32, "spec §7: a long-name entry is 32 bytes");
_Static_assert(offsetof(struct fat_lfn, LDIR_Chksum) == 13, "spec §7");
_Static_assert(offsetof(struct fat_lfn, LDIR_Name2) == 14, "spec §7");
_Static_assert(offsetof(struct fat_lfn, LDIR_Name3) == 28, "spec §7");
#define LFN_LAST 0x40
#define LFN_CHARS 13
#define LFN_MAX_CHARS 255 // a long name has at most 255 UTF-16 characters (spec §7)
#define LFN_MAX_ENTRIES 20

// --- the volume in memory -------------------------------------------------------------------
struct fat_node;

struct fat32 {
    struct fs fs; // first: every fs_ops gets &fs and casts it back
    struct blkdev *d;
    uint32_t sec_per_clus;
    uint32_t bytes_per_clus;
    uint32_t fat_start; // the first sector of FAT 0
    uint32_t fat_size;  // sectors per FAT
    uint32_t num_fats;
    bool mirrored;       // every FAT is written (else only `active_fat`, spec §3.3 ExtFlags)
    uint32_t active_fat; // the FAT read
    uint32_t data_start; // the sector of cluster 2
    uint32_t clusters;   // data clusters: the valid numbers are 2 .. clusters + 1
    uint32_t root_cluster;
    uint32_t total_sectors;
    uint32_t fsinfo_sector; // 0: none
    uint32_t free_count;    // kept exact (counted at mount when FSInfo did not know)
    uint32_t next_free;     // where the next search for a free cluster starts
    bool fsinfo_dirty;
    unsigned long dir_changes; // entries written or removed so far (getdents' resume check)
    // The live nodes (fat32_node.c).
    struct fat_node *nodes;
    unsigned long node_count, tick;
};

// A node: a file or directory that a lookup, a handle or a child holds.  Keyed by the place
// of its short entry (sector and index in it); the root, which has no entry, by sector 0.
struct fat_node {
    struct fat_node *next;   // in the volume's list
    struct fat_node *parent; // the directory its entry is in (held); NULL: the root, removed
    uint32_t sector;         // its short entry's place (0: the root, or removed)
    uint32_t index;
    bool removed; // its entry is gone: unlinked (clusters freed at the last release), rmdir'ed
    bool is_dir;
    uint8_t attr;
    uint32_t first_cluster; // 0: an empty file
    uint32_t size;          // a file's bytes; a directory's: its clusters' bytes
    uint32_t refs;          // opens + child nodes: while > 0 the node stays
    uint32_t opens;         // handles (fs_ops.hold)
    uint64_t ino;
    uint16_t wrt_date, wrt_time;
    unsigned long last_use; // the volume's tick when last looked up (eviction picks the oldest)
    // A cursor into the chain: cluster number `at_cluster` is cluster `at_index` of it, so
    // that reading a file front to back does not follow the chain from the start each time.
    uint32_t at_index, at_cluster;
    char name[NAME_MAX + 1]; // its name in its directory (parent needs it)
};

// A directory entry as read: the short entry, where it is, and its names.
struct fat_found {
    struct fat_dirent de;
    uint32_t sector, index;  // the short entry's place on the disk
    uint32_t first_slot;     // its first entry (a long-name one, or itself) in the directory
    uint32_t slot;           // the short entry's number in the directory
    char name[NAME_MAX + 1]; // the long name if it was whole, else the 8.3 name (UTF-8, NUL)
    size_t len;
    char short_name[13]; // "NAME.EXT" as stored (upper case), NUL-terminated
};

// A directory's entries, one by one (fat32_dir.c).
struct dir_iter {
    uint32_t first;   // the directory's first cluster
    uint32_t cluster; // the cluster holding entry `slot` (0 before the first read)
    uint32_t slot;    // the next entry's number in the directory
    uint32_t steps;   // clusters walked (the loop check)
    uint32_t buf_sector;
    uint8_t buf[FAT_SECTOR];
};

// --- fat32_bpb.c -------------------------------------------------------------------------
// Reads and checks the boot sector and FSInfo of the disk; fills v's geometry.  0, or
// -EINVAL with the reason (naming the field and its value) in `why`; -EIO from the disk.
// Reads only: a refused volume is never written.
long bpb_read(struct blkdev *d, struct fat32 *v, char *why, size_t size);
long fsinfo_write(struct fat32 *v); // FSInfo's free count and hint, if they changed

// --- fat32_fat.c -------------------------------------------------------------------------
bool cluster_ok(const struct fat32 *v, uint32_t c); // a data cluster of this volume
uint64_t cluster_sector(const struct fat32 *v, uint32_t c);
long fat_get(struct fat32 *v, uint32_t c, uint32_t *value);
long fat_set(struct fat32 *v, uint32_t c, uint32_t value);
long fat_next(struct fat32 *v, uint32_t c, uint32_t *next); // *next 0: c ends the chain
// *run: how many clusters from c on (at most max) are c, c + 1, c + 2, ... in the chain.
long fat_run(struct fat32 *v, uint32_t c, uint32_t max, uint32_t *run);
long fat_chain_length(struct fat32 *v, uint32_t first, uint32_t *n);
long fat_last(struct fat32 *v, uint32_t first, uint32_t *last);
long fat_alloc(struct fat32 *v, uint32_t n, uint32_t *first);
long fat_free_chain(struct fat32 *v, uint32_t first);
long fat_cut_after(struct fat32 *v, uint32_t c);
long fat_count_free(struct fat32 *v, uint32_t *n);
long cluster_zero(struct fat32 *v, uint32_t c);

// --- fat32_dir.c -------------------------------------------------------------------------
// A place for a new entry: the slots it takes, its short name, and its long-name entries.
struct dir_slot {
    uint32_t first_slot;    // where its first entry goes
    uint32_t count;         // long-name entries + 1
    uint8_t short_name[11]; // unique in the directory
    uint8_t ntres;          // lower-case flags when the name is a short one in lower case
    uint16_t lfn[LFN_MAX_CHARS];
    uint32_t lfn_len; // UTF-16 characters; 0: no long-name entries
    // In: an entry about to be removed (rename's target), whose short name may be reused.
    uint32_t skip_sector, skip_index; // skip_sector 0: none
};
void dir_iter_start(struct dir_iter *it, uint32_t first);
long dir_next(struct fat32 *v, struct dir_iter *it, struct fat_found *f);
bool found_is_dot(const struct fat_found *f); // "." or ".."
long dir_find(struct fat32 *v, uint32_t dir, const char *name, size_t len, struct fat_found *f);
long dir_prepare(struct fat32 *v, struct fat_node *dir, const char *name, size_t len,
                 struct dir_slot *s);
long dir_write(struct fat32 *v, struct fat_node *dir, struct dir_slot *s,
               const struct fat_dirent *proto, struct fat_found *out);
long dir_remove(struct fat32 *v, uint32_t dir, const struct fat_found *f);
long dir_init(struct fat32 *v, uint32_t c, uint32_t parent);
long dir_set_dotdot(struct fat32 *v, uint32_t c, uint32_t parent);
long dir_is_empty(struct fat32 *v, uint32_t dir); // 1, 0, or -EIO
long entry_read(struct fat32 *v, uint32_t sector, uint32_t index, struct fat_dirent *de);
long entry_write(struct fat32 *v, uint32_t sector, uint32_t index, const struct fat_dirent *de);
uint32_t dirent_cluster(const struct fat_dirent *de);
void dirent_set_cluster(struct fat_dirent *de, uint32_t c);

// --- fat32_file.c ------------------------------------------------------------------------
long file_read(struct fat32 *v, struct fat_node *n, uint64_t off, void *buf, size_t len);
long file_write(struct fat32 *v, struct fat_node *n, uint64_t off, const void *buf, size_t len);
long file_truncate(struct fat32 *v, struct fat_node *n, uint64_t size);
long node_cluster_at(struct fat32 *v, struct fat_node *n, uint32_t index, uint32_t *c);
long node_write_entry(struct fat32 *v, struct fat_node *n); // size, cluster and times
void fat_time_now(uint16_t *date, uint16_t *time);
void dirent_stamp(struct fat_dirent *de); // a new entry's creation, write and access: now
int64_t fat_time_to_unix(uint16_t date, uint16_t time);

// --- fat32_node.c ------------------------------------------------------------------------
struct fat_node *node_root(struct fat32 *v);
long node_get(struct fat32 *v, struct fat_node *parent, const struct fat_found *f,
              struct fat_node **out);
struct fat_node *node_at(struct fat32 *v, uint32_t sector, uint32_t index);
void node_ref(struct fat_node *n);
void node_unref(struct fat32 *v, struct fat_node *n);
void node_set_parent(struct fat32 *v, struct fat_node *n, struct fat_node *parent);
uint64_t node_ino(uint32_t sector, uint32_t index);

// --- fat32_ops.c -------------------------------------------------------------------------
// FAT32 on the disk d as a file system numbered `dev`: its struct fs, or NULL and *err
// (-EINVAL: not a FAT32 volume this code takes, fat32_refusal() says why; -EIO, -EBUSY:
// a volume is mounted already).
struct fs *fat32_mount(struct blkdev *d, uint64_t dev, long *err);
const char *fat32_refusal(void);

#endif
