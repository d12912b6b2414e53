// seed.c — the ramfs's first files, from the boot archive (given code).
//
// The kernel hands the server its boot archive(s) as one read-only region (slot
// VFS_SLOT_ARCHIVE): cpio "newc" archives back to back, each ending in TRAILER!!!, each
// starting 4-byte aligned.  A member named NAME (no '/') is a program if its bytes start
// with ELF's magic, and goes to /bin/NAME; any other such member to /etc/NAME (/etc/motd);
// a member named DIR/.../NAME goes to /DIR/.../NAME, its directories made as needed.  A
// name seen before is skipped: the first archive wins.
//
// Seeded files are not copied: they point at the archive's bytes, which stay mapped for the
// server's life anyway (the region cannot be freed while the kernel's copy lives), and are
// copied into pages of their own only when first changed.  Forty programs of 60 KiB would
// otherwise cost 2.4 MiB twice.
#include "vfs.h"

#define HEADER_SIZE 110
#define FIELD_MODE 1 // the fields after the magic, 8 hex digits each
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11

struct member {
    const char *name; // NUL-terminated, in the archive
    uint32_t mode;
    const uint8_t *data;
    size_t size;
};

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

// Field `index` of the header at h, or -1 if it is not 8 hex digits.
static long field(const uint8_t *h, int index)
{
    long value = 0;
    for (int i = 0; i < 8; i++) {
        char c = (char)h[6 + 8 * index + i];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

// The member at `pos` of the archive (every length checked against what is left).  The
// offset of the next one, or 0 if there is no valid header at pos.
static size_t member_at(const uint8_t *a, size_t size, size_t pos, struct member *m)
{
    if (size - pos < HEADER_SIZE || memcmp(a + pos, "070701", 6) != 0)
        return 0;
    long mode = field(a + pos, FIELD_MODE);
    long filesize = field(a + pos, FIELD_FILESIZE), namesize = field(a + pos, FIELD_NAMESIZE);
    if (mode < 0 || filesize < 0 || namesize <= 0)
        return 0;
    size_t name_end = align4(HEADER_SIZE + (size_t)namesize);
    if (name_end > size - pos || (size_t)filesize > size - pos - name_end)
        return 0;
    const char *name = (const char *)a + pos + HEADER_SIZE;
    if (strnlen(name, (size_t)namesize) != (size_t)namesize - 1)
        return 0;
    *m = (struct member){name, (uint32_t)mode, a + pos + name_end, (size_t)filesize};
    size_t next = pos + name_end + align4((size_t)filesize);
    return next < size ? next : size;
}

// The directory `name` (len bytes) in `dir`, made if missing.  0 and *out, or -errno.
static long subdir(struct fs *fs, void *dir, const char *name, size_t len, void **out)
{
    long err = fs->ops->lookup(fs, dir, name, len, out);
    if (err == -ENOENT && (err = fs->ops->mkdir(fs, dir, name, len, 0755)) == 0)
        err = fs->ops->lookup(fs, dir, name, len, out);
    if (err == 0 && !vnode_is_dir((struct vnode){fs, *out}))
        err = -ENOTDIR;
    return err;
}

// Puts one member into the tree.  1 for a new file, 0 for one skipped (a directory, a name
// already there), -errno.
static long place(struct fs *fs, const struct member *m)
{
    const char *path = m->name;
    while (path[0] == '/' || (path[0] == '.' && path[1] == '/'))
        path += path[0] == '/' ? 1 : 2;
    if (path[0] == '\0' || strcmp(path, ".") == 0)
        return 0;
    void *dir = fs->root;
    long err = 0;
    if (strchr(path, '/') == NULL) {
        bool program = m->size >= 4 && memcmp(m->data,
                                              "\x7f"
                                              "ELF",
                                              4) == 0;
        err = subdir(fs, dir, program ? "bin" : "etc", 3, &dir);
    }
    // Every name but the last is a directory.
    const char *slash;
    while (err == 0 && (slash = strchr(path, '/')) != NULL) {
        if (slash > path)
            err = subdir(fs, dir, path, (size_t)(slash - path), &dir);
        path = slash + 1;
    }
    size_t len = strlen(path);
    if (err == 0 && (len == 0 || len > NAME_MAX))
        return 0;
    if (err == 0 && S_ISDIR(m->mode)) {
        void *ignored;
        return subdir(fs, dir, path, len, &ignored) < 0 ? -ENOTDIR : 0;
    }
    if (err == 0) {
        // Programs are executable, data is not (mkcpio.py stores 0755 for all).
        bool program = m->size >= 4 && memcmp(m->data,
                                              "\x7f"
                                              "ELF",
                                              4) == 0;
        uint32_t perm = program ? 0755 : 0644;
        err = ramfs_create_seeded(fs, dir, path, len, perm, m->data, m->size);
    }
    return err == 0 ? 1 : err == -EEXIST ? 0 : err;
}

// Maps the archive and seeds `fs` from it, and makes /tmp.  The number of files, or -errno
// (the tree then holds what was made before the error).
long seed_from_archive(struct fs *fs)
{
    size_t size;
    long va = region_map_sized(VFS_SLOT_ARCHIVE, 0, &size);
    if (va < 0)
        return va;
    const uint8_t *a = (const uint8_t *)va;
    long files = 0, err = fs->ops->mkdir(fs, fs->root, "tmp", 3, 01777);
    if (err < 0)
        return err;
    size_t pos = 0, next;
    struct member m;
    while (pos < size && (next = member_at(a, size, pos, &m)) != 0) {
        pos = next;
        if (strcmp(m.name, "TRAILER!!!") == 0) {
            pos = align4(pos); // the next archive, if any, follows at once
            continue;
        }
        long placed = place(fs, &m);
        if (placed < 0)
            return placed;
        files += placed;
    }
    return files;
}
