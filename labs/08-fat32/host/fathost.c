// fathost.c — Keel's FAT32 (user/servers/vfs/fat32*.c) on the host, over a disk image file:
// a test tool for lab 8, not part of Keel's build.  `make` here builds it with the host's
// gcc; test.sh checks it against mkfs.fat, mtools and fsck.fat.
//
//   ./fathost IMG < commands        one command a line; "%20" in a word is a space
//
// It links FAT32's files with the VFS server's path.c and mount.c (path resolution as the
// server does it), and gives them what the server's other files and the block cache would:
// cache.h over the image (every write goes straight to the file: no cache), the heap (the
// host's calloc) and the clock (the host C library's clock_gettime).  Commands (errors print as "CMD: ENAME"):
//   ls P | cat P | stat P | put HOSTFILE P | get P HOSTFILE | mkdir P | rm P | rmdir P
//   mv P Q | trunc P N | pwrite P OFFSET TEXT | df | sync
//   open P (prints a handle number) | close H | hread H OFFSET N | hwrite H OFFSET TEXT
// The volume is synced (fs_ops.sync) at the end.  Exit status: 0, 1 if a command failed,
// 2 if the volume was not mounted (the reason is printed as the VFS server prints it).
#include "../../../user/servers/vfs/fat32.h"

long long host_open(const char *path, int read_only);
long host_pread(void *buf, size_t n, unsigned long long off);
long host_pwrite(const void *buf, size_t n, unsigned long long off);
long host_flush(void);
void *host_calloc(size_t n);
void host_free(void *p);
long host_time(void);
long host_load(const char *path, void **data);
long host_save(const char *path, const void *data, size_t n);
void host_write_stdout(const void *buf, size_t n);

// --- what the server's other files provide -------------------------------------------------

struct blkdev {
    uint64_t sectors;
    int read_only;
};
static struct blkdev disk;
static unsigned long reads, writes;

long blkdev_open(int slot, struct blkdev **out)
{
    *out = &disk;
    return 0;
}

uint64_t blkdev_sectors(const struct blkdev *d)
{
    return d->sectors;
}

int blkdev_read_only(const struct blkdev *d)
{
    return d->read_only;
}

long cache_read(struct blkdev *d, uint64_t first, uint64_t count, void *buf)
{
    if (count == 0 || first + count > d->sectors)
        return -EINVAL;
    reads += count;
    return host_pread(buf, count * 512, first * 512) == 0 ? 0 : -EIO;
}

long cache_write(struct blkdev *d, uint64_t first, uint64_t count, const void *buf)
{
    if (d->read_only)
        return -EROFS;
    if (count == 0 || first + count > d->sectors)
        return -EINVAL;
    writes += count;
    return host_pwrite(buf, count * 512, first * 512) == 0 ? 0 : -EIO;
}

// A part of one sector, read or written in place (as the cache does).
long cache_read_bytes(struct blkdev *d, uint64_t sector, size_t offset, size_t len, void *buf)
{
    if (offset + len > 512 || sector >= d->sectors)
        return -EINVAL;
    reads++;
    return host_pread(buf, len, sector * 512 + offset) == 0 ? 0 : -EIO;
}

long cache_write_bytes(struct blkdev *d, uint64_t sector, size_t offset, size_t len,
                       const void *buf)
{
    if (d->read_only)
        return -EROFS;
    if (offset + len > 512 || sector >= d->sectors)
        return -EINVAL;
    writes++;
    return host_pwrite(buf, len, sector * 512 + offset) == 0 ? 0 : -EIO;
}

long cache_sync(struct blkdev *d)
{
    return host_flush() == 0 ? 0 : -EIO;
}

void *page_alloc(void)
{
    return host_calloc(PAGE_SIZE);
}

void page_free(void *page)
{
    host_free(page);
}

void *pool_alloc(struct pool *p)
{
    p->in_use++;
    return host_calloc(p->size);
}

void pool_free(struct pool *p, void *obj)
{
    memset(obj, 0xa5, p->size); // as heap.c does: a use after free shows
    host_free(obj);
    p->in_use--;
}

const char *errno_name(long err)
{
    static const char *names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT",       [EIO] = "EIO",
        [EBADF] = "EBADF",   [ENOMEM] = "ENOMEM",       [EBUSY] = "EBUSY",
        [EEXIST] = "EEXIST", [EXDEV] = "EXDEV",         [ENOTDIR] = "ENOTDIR",
        [EISDIR] = "EISDIR", [EINVAL] = "EINVAL",       [EFBIG] = "EFBIG",
        [ENOSPC] = "ENOSPC", [EROFS] = "EROFS",         [ENAMETOOLONG] = "ENAMETOOLONG",
        [ENOSYS] = "ENOSYS", [ENOTEMPTY] = "ENOTEMPTY",
    };
    long e = -err;
    return e > 0 && e < (long)(sizeof(names) / sizeof(names[0])) && names[e] ? names[e] : "E?";
}

// --- the commands -------------------------------------------------------------------------

static struct fs *fat;
#define MAX_HANDLES 16
static struct vnode handles[MAX_HANDLES];

static long resolve(const char *path, struct vnode *out)
{
    return path_resolve(mount_root(), path, strlen(path), out);
}

static long parent_of(const char *path, struct last_name *last)
{
    long err = path_parent(mount_root(), path, strlen(path), last);
    if (err == 0 && last->len == 0)
        err = -EBUSY;
    return err;
}

static long cmd_ls(const char *path)
{
    struct vnode v;
    long err = resolve(path, &v);
    struct dir_entry e;
    for (uint64_t i = 0; err == 0 && v.fs->ops->getdents(v.fs, v.node, i, &e) == 1; i++) {
        struct vnode child;
        struct vfs_stat st = {0};
        long r = path_step(v, e.name, e.len, &child);
        if (r == 0)
            child.fs->ops->stat(child.fs, child.node, &st);
        printf("%s %lu %.*s%s\n", e.type == DT_DIR ? "d" : "-", (unsigned long)st.size, (int)e.len,
               e.name, r == 0 ? "" : " (EIO)");
    }
    return err;
}

static long cmd_stat(const char *path)
{
    struct vnode v;
    struct vfs_stat st;
    long err = resolve(path, &v);
    if (err == 0 && (err = v.fs->ops->stat(v.fs, v.node, &st)) == 0)
        printf("ino %lu mode %o nlink %u size %lu mtime %ld\n", (unsigned long)st.ino, st.mode,
               st.nlink, (unsigned long)st.size, (long)st.mtime);
    return err;
}

// The file at path, made if missing, emptied if `trunc`.
static long open_file(const char *path, bool trunc, struct vnode *out)
{
    struct last_name last;
    long err = parent_of(path, &last);
    if (err < 0)
        return err;
    err = path_step(last.dir, last.name, last.len, out);
    if (err == -ENOENT) {
        void *node;
        err =
            last.dir.fs->ops->create(last.dir.fs, last.dir.node, last.name, last.len, 0644, &node);
        *out = (struct vnode){last.dir.fs, node};
        return err;
    }
    if (err == 0 && vnode_is_dir(*out))
        err = -EISDIR;
    if (err == 0 && trunc)
        err = out->fs->ops->truncate(out->fs, out->node, 0);
    return err;
}

static long write_all(struct vnode v, uint64_t off, const uint8_t *data, size_t n)
{
    for (size_t done = 0; done < n;) {
        size_t chunk = n - done < 65536 ? n - done : 65536;
        long w = v.fs->ops->write(v.fs, v.node, off + done, data + done, chunk);
        if (w <= 0)
            return w < 0 ? w : -EIO;
        done += (size_t)w;
    }
    return 0;
}

static long cmd_put(const char *host, const char *path)
{
    void *data;
    long n = host_load(host, &data);
    if (n < 0)
        return -ENOENT;
    struct vnode v;
    long err = open_file(path, true, &v);
    if (err == 0)
        err = write_all(v, 0, data, (size_t)n);
    host_free(data);
    return err;
}

static long cmd_get(const char *path, const char *host)
{
    struct vnode v;
    struct vfs_stat st;
    long err = resolve(path, &v);
    if (err == 0)
        err = v.fs->ops->stat(v.fs, v.node, &st);
    if (err < 0)
        return err;
    uint8_t *data = host_calloc(st.size + 1);
    for (uint64_t done = 0; done < st.size;) {
        size_t chunk = st.size - done < 65536 ? st.size - done : 65536;
        long r = v.fs->ops->read(v.fs, v.node, done, data + done, chunk);
        if (r <= 0) {
            host_free(data);
            return r < 0 ? r : -EIO;
        }
        done += (uint64_t)r;
    }
    err = host_save(host, data, st.size) == 0 ? 0 : -EIO;
    host_free(data);
    return err;
}

static long cmd_cat(const char *path)
{
    struct vnode v;
    long err = resolve(path, &v);
    static uint8_t buf[65536];
    for (uint64_t off = 0; err == 0;) {
        long r = v.fs->ops->read(v.fs, v.node, off, buf, sizeof(buf));
        if (r <= 0)
            return r;
        host_write_stdout(buf, (size_t)r);
        off += (uint64_t)r;
    }
    return err;
}

static long cmd_name(const char *what, const char *path)
{
    struct last_name last;
    long err = parent_of(path, &last);
    if (err < 0)
        return err;
    struct fs *fs = last.dir.fs;
    if (strcmp(what, "mkdir") == 0)
        return fs->ops->mkdir(fs, last.dir.node, last.name, last.len, 0755);
    if (strcmp(what, "rm") == 0)
        return fs->ops->unlink(fs, last.dir.node, last.name, last.len);
    return fs->ops->rmdir(fs, last.dir.node, last.name, last.len);
}

static long cmd_mv(const char *from, const char *to)
{
    struct last_name a, b;
    long err = parent_of(from, &a);
    if (err == 0)
        err = parent_of(to, &b);
    if (err == 0)
        err = fat->ops->rename(fat, a.dir.node, a.name, a.len, b.dir.node, b.name, b.len);
    return err;
}

static uint64_t number(const char *s)
{
    unsigned long n = 0;
    parse_u64(s, &n);
    return n;
}

static long handle(const char *s, struct vnode **out)
{
    uint64_t h = number(s);
    if (h >= MAX_HANDLES || handles[h].fs == NULL)
        return -EBADF;
    *out = &handles[h];
    return 0;
}

static long cmd_handle(char **w, int n)
{
    struct vnode *v;
    if (strcmp(w[0], "open") == 0 && n == 2) {
        for (int h = 0; h < MAX_HANDLES; h++) {
            if (handles[h].fs == NULL) {
                long err = open_file(w[1], false, &handles[h]);
                if (err < 0) {
                    handles[h].fs = NULL;
                    return err;
                }
                fat->ops->hold(fat, handles[h].node);
                printf("%d\n", h);
                return 0;
            }
        }
        return -EBADF;
    }
    long err = handle(w[1], &v);
    if (err < 0)
        return err;
    if (strcmp(w[0], "close") == 0) {
        fat->ops->release(fat, v->node);
        v->fs = NULL;
        return 0;
    }
    if (strcmp(w[0], "hwrite") == 0 && n == 4)
        return write_all(*v, number(w[2]), (const uint8_t *)w[3], strlen(w[3]));
    if (strcmp(w[0], "hread") == 0 && n == 4) {
        static uint8_t buf[65536];
        uint64_t len = number(w[3]) < sizeof(buf) ? number(w[3]) : sizeof(buf);
        long r = fat->ops->read(fat, v->node, number(w[2]), buf, len);
        if (r < 0)
            return r;
        printf("%.*s\n", (int)r, buf);
        return 0;
    }
    return -EINVAL;
}

// One command line: 0, or -errno.
static long run(char **w, int n)
{
    if (n == 2 && strcmp(w[0], "ls") == 0)
        return cmd_ls(w[1]);
    if (n == 2 && strcmp(w[0], "cat") == 0)
        return cmd_cat(w[1]);
    if (n == 2 && strcmp(w[0], "stat") == 0)
        return cmd_stat(w[1]);
    if (n == 3 && strcmp(w[0], "put") == 0)
        return cmd_put(w[1], w[2]);
    if (n == 3 && strcmp(w[0], "get") == 0)
        return cmd_get(w[1], w[2]);
    if (n == 2 &&
        (strcmp(w[0], "mkdir") == 0 || strcmp(w[0], "rm") == 0 || strcmp(w[0], "rmdir") == 0))
        return cmd_name(w[0], w[1]);
    if (n == 3 && strcmp(w[0], "mv") == 0)
        return cmd_mv(w[1], w[2]);
    if (n == 3 && strcmp(w[0], "trunc") == 0) {
        struct vnode v;
        long err = resolve(w[1], &v);
        return err < 0 ? err : v.fs->ops->truncate(v.fs, v.node, number(w[2]));
    }
    if (n == 4 && strcmp(w[0], "pwrite") == 0) {
        struct vnode v;
        long err = open_file(w[1], false, &v);
        return err < 0 ? err : write_all(v, number(w[2]), (const uint8_t *)w[3], strlen(w[3]));
    }
    if (n == 1 && strcmp(w[0], "df") == 0) {
        struct fat32 *v = (struct fat32 *)fat;
        uint32_t counted;
        fat_count_free(v, &counted);
        printf("free %u counted %u clusters %u\n", v->free_count, counted, v->clusters);
        return v->free_count == counted ? 0 : -EIO;
    }
    if (n == 1 && strcmp(w[0], "sync") == 0)
        return fat->ops->sync(fat, NULL);
    if (n >= 2)
        return cmd_handle(w, n);
    return -EINVAL;
}

// "%XX" in a word is the byte XX (names with spaces, and so on).
static void unescape(char *s)
{
    char *out = s;
    for (; *s; s++) {
        unsigned long byte;
        char hex[3] = {s[1], s[1] ? s[2] : 0, 0};
        if (s[0] == '%' && hex[0] && hex[1] && (hex[2] = 0, 1)) {
            char num[6] = {'0', 'x', hex[0], hex[1], 0};
            if (parse_u64(num, &byte) == 0) {
                *out++ = (char)byte;
                s += 2;
                continue;
            }
        }
        *out++ = *s;
    }
    *out = '\0';
}

int main(int argc, char **argv)
{
    if (argc != 2 && !(argc == 3 && strcmp(argv[2], "ro") == 0)) {
        printf("usage: fathost IMG [ro] < commands\n");
        return 2;
    }
    long long size = host_open(argv[1], argc == 3);
    if (size < 0) {
        printf("fathost: cannot open %s\n", argv[1]);
        return 2;
    }
    disk = (struct blkdev){.sectors = (uint64_t)size / 512, .read_only = argc == 3};
    long err;
    fat = fat32_mount(&disk, 1, &err);
    if (fat == NULL) {
        printf("vfs: /disk: not mounted: %s\n", err == -EINVAL ? fat32_refusal() : errno_name(err));
        return 2;
    }
    mount(fat, (struct vnode){NULL, NULL});
    static char line[8192];
    int status = 0;
    long pos = 0;
    for (;;) {
        char c;
        long r = read(0, &c, 1);
        if (r == 1 && c != '\n' && pos < (long)sizeof(line) - 1) {
            line[pos++] = c;
            continue;
        }
        if (r != 1 && pos == 0)
            break;
        line[pos] = '\0';
        pos = 0;
        char *w[8];
        int n = split_words(line, w, 8);
        for (int i = 0; i < n; i++)
            unescape(w[i]);
        if (n == 0 || w[0][0] == '#')
            continue;
        long e = run(w, n);
        if (e < 0) {
            printf("%s: %s\n", w[0], errno_name(e));
            status = 1;
        }
    }
    err = fat->ops->sync(fat, NULL);
    if (err < 0) {
        printf("sync: %s\n", errno_name(err));
        status = 1;
    }
    return status;
}
