// vfsproto — `vfsproto SEED [N]`: the VFS server's semantics through Linux's calls, and its
// protocol spoken directly (pid 1's slot SLOT_VFS), garbage included.
//
// First the file calls (which the kernel turns into requests with BADGE_KERNEL): open with
// O_CREAT/O_EXCL/O_TRUNC/O_APPEND, holes, unlink while open, getdents, rename and rmdir's
// errors, chdir and getcwd.  Then as a client of its own: attach a region, N requests with
// random labels, words and handles (the kernel's handles too), lengths past the buffer, a
// capability where none belongs, a second attach, a detach; every one must be answered with
// an error, and the kernel's requests must still work after.  Then 1000 create, write,
// unlink cycles: the server's data pages and the kernel's free frames come back.  Must run
// as pid 1 (BOOTARGS='-- vfsproto SEED').  Last line: "vfsproto: ok" if every check passed.
#include "../05-ipc/ipctest.h"
#include "proto/vfs.h"

static char buf[8192];

static long vcall(long label, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
                  struct ipc_msg *reply)
{
    struct ipc_msg m = message(label, w0, w1, w2, w3), r;
    long err = ipc_call(SLOT_VFS, &m, &r);
    if (reply != NULL)
        *reply = r;
    return err < 0 ? err : r.label;
}

static void write_file(const char *path, const char *text, int flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
    expect_true(fd >= 0, "open %s: got %d", path, fd);
    expect_result("write", write(fd, text, strlen(text)), (long)strlen(text));
    close(fd);
}

static void check_contents(const char *path, const char *want, size_t n)
{
    int fd = open(path, O_RDONLY, 0);
    long got = read(fd, buf, sizeof(buf));
    expect_true(got == (long)n && memcmp(buf, want, n) == 0, "%s: expected %lu bytes, got %ld",
                path, (unsigned long)n, got);
    close(fd);
}

static void test_files(void)
{
    struct stat st;
    expect_result("stat /etc/motd", stat("/etc/motd", &st), 0);
    expect_result("stat /bin/sh", stat("/bin/sh", &st), 0);
    expect_true(S_ISREG(st.st_mode) && st.st_size > 0, "/bin/sh: a file with bytes");
    expect_result("stat /tmp", stat("/tmp", &st), 0);
    expect_true(S_ISDIR(st.st_mode) && st.st_nlink == 2, "/tmp: a directory, nlink 2 (%u)",
                st.st_nlink);
    expect_result("mkdir /tmp/d", mkdir("/tmp/d", 0755), 0);
    expect_result("mkdir again", mkdir("/tmp/d", 0755), -EEXIST);
    expect_result("stat /tmp", stat("/tmp/", &st), 0);
    expect_true(st.st_nlink == 3 && st.st_size == 32, "/tmp: nlink 3, size 32 (%u, %ld)",
                st.st_nlink, st.st_size);
    write_file("/tmp/d/f", "hello", 0);
    expect_result("O_EXCL", open("/tmp/d/f", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST);
    write_file("/tmp/d/f", "abc", O_APPEND);
    check_contents("/tmp/d/f", "helloabc", 8);
    write_file("/tmp/d/f", "xy", O_TRUNC);
    check_contents("/tmp/d/f", "xy", 2);
    expect_result("ENOTDIR", open("/tmp/d/f/x", O_RDONLY, 0), -ENOTDIR);
    expect_result("trailing slash", open("/tmp/d/f/", O_RDONLY, 0), -ENOTDIR);
    expect_result("O_DIRECTORY", open("/tmp/d/f", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
    expect_result("EISDIR", open("/tmp/d", O_WRONLY, 0), -EISDIR);
    expect_result("ENOENT", open("/tmp/nope", O_RDONLY, 0), -ENOENT);
    expect_result(".. at /", stat("/../../tmp/./d//f", &st), 0);
    // A hole: a write past the end leaves zeros.
    int fd = open("/tmp/d/f", O_RDWR, 0);
    expect_result("lseek", lseek(fd, 10000, SEEK_SET), 10000);
    expect_result("write past the end", write(fd, "Z", 1), 1);
    expect_result("lseek 0", lseek(fd, 0, SEEK_SET), 0);
    expect_result("read it all", read(fd, buf, sizeof(buf)), 8192);
    expect_true(buf[0] == 'x' && buf[2] == 0 && buf[8191] == 0, "the hole reads as zeros");
    expect_result("read the rest", read(fd, buf, sizeof(buf)), 10001 - 8192);
    expect_result("read at the end", read(fd, buf, sizeof(buf)), 0);
    expect_result("negative seek", lseek(fd, -1, SEEK_SET), -EINVAL);
    expect_result("SEEK_END", lseek(fd, -1, SEEK_END), 10000);
    // Unlinked while open: still readable.
    expect_result("unlink open file", unlink("/tmp/d/f"), 0);
    expect_result("gone", stat("/tmp/d/f", &st), -ENOENT);
    expect_result("read after unlink", read(fd, buf, 1), 1);
    expect_true(buf[0] == 'Z', "the unlinked file's last byte");
    close(fd);
    expect_result("rmdir of a file", (write_file("/tmp/d/g", "g", 0), rmdir("/tmp/d/g")), -ENOTDIR);
    expect_result("rmdir non-empty", rmdir("/tmp/d"), -ENOTEMPTY);
    expect_result("unlink a dir", unlink("/tmp/d"), -EISDIR);
    expect_result("rmdir .", rmdir("/tmp/d/."), -EINVAL);
    expect_result("rmdir /", rmdir("/"), -EBUSY);
    expect_result("mkdir e", mkdir("/tmp/e", 0755), 0);
    expect_result("dir into itself", rename("/tmp/d", "/tmp/d/sub"), -EINVAL);
    expect_result("file onto dir", rename("/tmp/d/g", "/tmp/e"), -EISDIR);
    expect_result("dir onto file", rename("/tmp/e", "/tmp/d/g"), -ENOTDIR);
    expect_result("dir onto non-empty", rename("/tmp/e", "/tmp/d"), -ENOTEMPTY);
    write_file("/tmp/e/h", "hh", 0);
    expect_result("file over file", rename("/tmp/e/h", "/tmp/d/g"), 0);
    check_contents("/tmp/d/g", "hh", 2);
    // getdents: ".", "..", then the entries.
    fd = open("/tmp/d", O_RDONLY | O_DIRECTORY, 0);
    long n = getdents64(fd, buf, sizeof(buf));
    int names = 0;
    for (long pos = 0; pos < n;) {
        struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + pos);
        expect_true(d->d_reclen % 8 == 0, "d_reclen %u: a multiple of 8", d->d_reclen);
        names += strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0 ||
                 (strcmp(d->d_name, "g") == 0 && d->d_type == DT_REG);
        pos += d->d_reclen;
    }
    expect_true(names == 3, "getdents of /tmp/d: ., .. and g (%d of them)", names);
    expect_result("getdents at the end", getdents64(fd, buf, sizeof(buf)), 0);
    expect_result("rewind", lseek(fd, 0, SEEK_SET), 0);
    expect_result("too small", getdents64(fd, buf, 8), -EINVAL);
    close(fd);
    expect_result("chdir", chdir("/tmp/d"), 0);
    expect_result("getcwd", getcwd(buf, sizeof(buf)), 7);
    expect_true(strcmp(buf, "/tmp/d") == 0, "getcwd: /tmp/d, got %s", buf);
    check_contents("g", "hh", 2);
    check_contents("../d/./g", "hh", 2);
    expect_result("chdir /", chdir("/"), 0);
    char longname[300];
    memset(longname, 'a', sizeof(longname));
    longname[0] = '/', longname[299] = 0;
    expect_result("long name", open(longname, O_RDONLY, 0), -ENAMETOOLONG);
}

// Garbage on the protocol itself: every call answered, with an error, and the server up.
static void test_protocol(uint64_t seed, long count)
{
    struct ipc_msg r;
    expect_result("unattached read", vcall(VFS_READ, 0, 16, 0, 0, NULL), -EINVAL);
    struct ipc_msg m = message(VFS_ATTACH, 0, 0, 0, 0);
    expect_result("attach of 0 pages", ipc_call(SLOT_VFS, &m, &r) < 0 ? -1 : r.label, -EINVAL);
    m = message(VFS_ATTACH, 17, 0, 0, 0);
    expect_result("attach of 17 pages", ipc_call(SLOT_VFS, &m, &r) < 0 ? -1 : r.label, -EINVAL);
    int stray = endpoint_create();
    m = message(VFS_ATTACH, 2, 0, 0, 0);
    m.cap = stray;
    expect_result("attach with a capability", ipc_call(SLOT_VFS, &m, &r) < 0 ? -1 : r.label,
                  -EINVAL);
    m = message(VFS_ATTACH, 2, 0, 0, 0);
    expect_result("attach", ipc_call(SLOT_VFS, &m, &r) < 0 ? -1 : r.label, 8192);
    int region = (int)r.cap;
    long va = region >= 0 ? region_map(region, 0, REGION_MAP_WRITE) : -EBADF;
    expect_true(va > 0, "region_map of the buffer the server passed (slot %d): %ld", region, va);
    if (va <= 0)
        return;
    char *mine = (char *)va;
    expect_result("revoke of the server's buffer", region_revoke(region), -EPERM);
    m = message(VFS_ATTACH, 2, 0, 0, 0);
    expect_result("second attach", ipc_call(SLOT_VFS, &m, &r) < 0 ? -1 : r.label, -EEXIST);
    memcpy(mine, "/etc/motd", 9);
    long h = vcall(VFS_OPEN, VFS_ROOT, O_RDONLY, 0, 9, NULL);
    expect_true(h >= 0, "open /etc/motd on my own buffer: %ld", h);
    expect_result("read past my buffer", vcall(VFS_READ, (uint64_t)h, 8193, 0, 0, NULL), -EINVAL);
    expect_true(vcall(VFS_READ, (uint64_t)h, 8192, 0, 0, NULL) > 0, "read motd");
    expect_result("path past my buffer", vcall(VFS_OPEN, VFS_ROOT, 0, 0, 9000, NULL), -EINVAL);
    expect_result("label bits", vcall(VFS_STATS | 0x100, 0, 0, 0, 0, NULL), -EINVAL);
    expect_result("unknown", vcall(200, 0, 0, 0, 0, NULL), -ENOSYS);
    int fd = open("/etc/motd", O_RDONLY, 0); // the kernel's handle: some small number
    for (uint64_t k = 0; k < 8; k++)
        if (k != (uint64_t)h)
            expect_result("another client's handle", vcall(VFS_READ, k, 16, 0, 0, NULL), -EBADF);
    close(fd);
    m = message(VFS_STATS, 0, 0, 0, 0);
    m.cap = stray;
    expect_result("a capability with STATS", ipc_call(SLOT_VFS, &m, &r) < 0 ? -1 : r.label,
                  -EINVAL);
    rng_seed(seed);
    for (long i = 0; i < count; i++) {
        uint64_t w[4];
        for (int j = 0; j < 4; j++)
            w[j] = rng_below(4) == 0 ? rng_next() : rng_below(10000);
        long label = (long)rng_below(20);
        if (label == VFS_DETACH || label == VFS_ATTACH)
            label = VFS_CLOSE; // not now: the test still needs its buffer
        if (rng_below(8) == 0)
            label |= (long)rng_next() << 8;
        for (int j = 0; j < 64; j++)
            mine[j] = (char)rng_next();
        long got = vcall(label, w[0], w[1], w[2], w[3], NULL);
        if (got >= 0 && vfs_request(label) == VFS_OPEN)
            vcall(VFS_CLOSE, (uint64_t)got, 0, 0, 0, NULL);
    }
    vcall(VFS_CLOSE, (uint64_t)h, 0, 0, 0, NULL);
    expect_result("detach", vcall(VFS_DETACH, 0, 0, 0, 0, NULL), 0);
    expect_result("after detach", vcall(VFS_READ, 0, 1, 0, 0, NULL), -EINVAL);
    expect_result("stats", vcall(VFS_STATS, 0, 0, 0, 0, &r), 0);
    expect_true(r.w[3] == 1, "one client left (the kernel), got %lu", r.w[3]);
    struct stat st;
    expect_result("the kernel's requests still work", stat("/etc/motd", &st), 0);
    region_unmap((unsigned long)va);
    cap_delete(region);
    cap_delete(stray);
}

static void cycle(int i)
{
    int fd = open("/tmp/leak", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(fd, buf, 5000 + (size_t)i % 3000);
    close(fd);
    unlink("/tmp/leak");
}

static void test_leaks(void)
{
    struct ipc_msg before, after;
    for (int i = 0; i < 50; i++)
        cycle(i);
    unsigned long frames = free_frames();
    vcall(VFS_STATS, 0, 0, 0, 0, &before);
    for (int i = 0; i < 1000; i++)
        cycle(i);
    vcall(VFS_STATS, 0, 0, 0, 0, &after);
    expect_true(
        after.w[2] == before.w[2] && after.w[1] == before.w[1] && after.w[0] == before.w[0],
        "stats after 1000 cycles: handles %lu -> %lu, nodes %lu -> %lu, data pages %lu -> %lu",
        before.w[0], after.w[0], before.w[1], after.w[1], before.w[2], after.w[2]);
    expect_true(free_frames() == frames, "free frames: %lu before, %lu after", frames,
                free_frames());
}

int main(int argc, char **argv)
{
    test_name = "vfsproto";
    test_files();
    test_protocol(arg_number(argc, argv, 1, 1), (long)arg_number(argc, argv, 2, 3000));
    test_leaks();
    int status = summary();
    if (status == 0)
        printf("vfsproto: ok\n");
    return status;
}
