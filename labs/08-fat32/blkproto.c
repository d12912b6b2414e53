// blkproto — `blkproto SEED [N]`: the block server's protocol spoken directly, garbage
// included, against a block server of its own.
//
// It makes a region (the "disk", filled with a pattern) and an endpoint, and spawns `blk`
// with them in BLK_SLOT_ENDPOINT and BLK_SLOT_DISK, as the kernel does with the boot disk.
// Then: BLK_INFO, BLK_ATTACH and its errors, reads and writes checked against the region
// (which it maps too), every range error, bits above the label's byte, unknown requests, a
// capability where none belongs, BLK_FLUSH and BLK_STATS; N random requests; and a second
// server over a read-only copy of the region, where a write is EROFS.  Last line:
// "blkproto: ok" if every check passed.
#include "../05-ipc/ipctest.h"
#include "proto/blk.h"

#define DISK_PAGES 64 // 256 KiB: 512 sectors
#define DISK_SECTORS (DISK_PAGES * 4096 / BLK_SECTOR_SIZE)

static int ep;

static long bcall(long label, uint64_t w0, uint64_t w1, struct ipc_msg *reply)
{
    struct ipc_msg m = message(label, w0, w1, 0, 0), r = {0};
    long err = ipc_call(ep, &m, &r);
    if (reply != NULL)
        *reply = r;
    return err < 0 ? err : r.label;
}

static uint8_t pattern(uint64_t byte)
{
    return (uint8_t)(byte * 7 + (byte >> 9));
}

// Spawns a block server over the region in `disk`; its pid (ep is its endpoint).
static int start_server(int disk)
{
    ep = endpoint_create();
    long caps[] = {SLOT_CONSOLE, ep, disk};
    return spawn_role("blk", "test", NULL, caps, 3);
}

static void stop_server(int pid)
{
    kill(pid, SIGKILL);
    reap(pid);
    cap_delete(ep);
}

static void test_protocol(uint8_t *disk, uint64_t n_random)
{
    struct ipc_msg r;
    expect_result("BLK_INFO", bcall(BLK_INFO, 0, 0, &r), 0);
    expect_true(r.w[0] == DISK_SECTORS && r.w[1] == BLK_SECTOR_SIZE && r.w[2] == 0,
                "BLK_INFO: expected %d sectors of 512 bytes, writable; got %lu, %lu, %lu",
                DISK_SECTORS, r.w[0], r.w[1], r.w[2]);
    expect_result("BLK_READ before BLK_ATTACH", bcall(BLK_READ, 0, 1, NULL), -EINVAL);
    expect_result("BLK_ATTACH 0 pages", bcall(BLK_ATTACH, 0, 0, NULL), -EINVAL);
    expect_result("BLK_ATTACH 17 pages", bcall(BLK_ATTACH, 17, 0, NULL), -EINVAL);
    expect_result("BLK_ATTACH 16 pages", bcall(BLK_ATTACH, 16, 0, &r), BLK_BUFFER_MAX);
    if (!expect_true(r.cap != CAP_NONE, "BLK_ATTACH's reply carries a capability"))
        return;
    int bufcap = (int)r.cap;
    long va = region_map(bufcap, 0, REGION_MAP_WRITE);
    if (!expect_true(va > 0, "region_map of the buffer: got %ld", va))
        return;
    uint8_t *buf = (uint8_t *)va;
    expect_result("BLK_ATTACH again", bcall(BLK_ATTACH, 16, 0, &r), -EEXIST);
    expect_true(r.cap == CAP_NONE, "a refused BLK_ATTACH carries no capability");

    expect_result("BLK_READ 0, 128", bcall(BLK_READ, 0, 128, NULL), 128);
    expect_true(memcmp(buf, disk, 128 * BLK_SECTOR_SIZE) == 0, "BLK_READ: the disk's bytes");
    expect_result("BLK_READ the last sector", bcall(BLK_READ, DISK_SECTORS - 1, 1, NULL), 1);
    expect_true(memcmp(buf, disk + (DISK_SECTORS - 1) * BLK_SECTOR_SIZE, BLK_SECTOR_SIZE) == 0,
                "BLK_READ of the last sector: its bytes");
    for (int i = 0; i < 3 * BLK_SECTOR_SIZE; i++)
        buf[i] = (uint8_t)(i ^ 0x5a);
    expect_result("BLK_WRITE 10, 3", bcall(BLK_WRITE, 10, 3, NULL), 3);
    expect_true(memcmp(buf, disk + 10 * BLK_SECTOR_SIZE, 3 * BLK_SECTOR_SIZE) == 0,
                "BLK_WRITE: the bytes on the disk");
    expect_true(disk[9 * BLK_SECTOR_SIZE + 511] == pattern(9 * BLK_SECTOR_SIZE + 511) &&
                    disk[13 * BLK_SECTOR_SIZE] == pattern(13 * BLK_SECTOR_SIZE),
                "BLK_WRITE 10, 3: sectors 9 and 13 untouched");

    static const struct {
        uint64_t first, count;
    } bad[] = {{0, 0},    {0, 129},      {DISK_SECTORS, 1}, {DISK_SECTORS - 1, 2},
               {~0UL, 1}, {~0UL - 1, 3}, {1, ~0UL}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "BLK_READ %lu, %lu", bad[i].first, bad[i].count);
        expect_result(what, bcall(BLK_READ, bad[i].first, bad[i].count, NULL), -EINVAL);
        snprintf(what, sizeof(what), "BLK_WRITE %lu, %lu", bad[i].first, bad[i].count);
        expect_result(what, bcall(BLK_WRITE, bad[i].first, bad[i].count, NULL), -EINVAL);
    }
    expect_result("BLK_READ with bits above the label's byte", bcall(BLK_READ | 0x100, 0, 1, NULL),
                  -EINVAL);
    expect_result("request 0", bcall(0, 0, 0, NULL), -ENOSYS);
    expect_result("request 7", bcall(7, 0, 0, NULL), -ENOSYS);
    expect_result("request 255", bcall(255, 0, 0, NULL), -ENOSYS);

    // A capability where none belongs: refused, and deleted (else 100 of them would fill
    // the server's table, and the next BLK_ATTACH of another client would fail).
    for (int i = 0; i < 100; i++) {
        int copy = cap_mint(ep, RIGHT_SEND, 0);
        struct ipc_msg m = message(BLK_INFO, 0, 0, 0, 0), rr;
        m.cap = copy;
        long err = ipc_call(ep, &m, &rr);
        if (!expect_result("BLK_INFO carrying a capability", err < 0 ? err : rr.label, -EINVAL))
            break;
        cap_delete(copy);
    }

    // The kernel writes back only the boot disk's region: for this one disk_writeback says
    // EINVAL, and the server passes that on (a flush that did not happen is no success).
    expect_result("BLK_FLUSH of a disk that is not the boot disk", bcall(BLK_FLUSH, 0, 0, NULL),
                  -EINVAL);
    expect_result("BLK_STATS", bcall(BLK_STATS, 0, 0, &r), 0);
    expect_true(r.w[0] == 129 && r.w[1] == 3 && r.w[2] == 1 && r.w[3] == 0,
                "BLK_STATS: expected 129 read, 3 written, 1 flush, 0 bytes written back; got "
                "%lu, %lu, %lu, %lu",
                r.w[0], r.w[1], r.w[2], r.w[3]);

    // Garbage: every request answered, and the server still works after.
    for (uint64_t i = 0; i < n_random; i++) {
        long label = (long)(rng_next() & (rng_below(4) ? 0xff : ~0UL));
        if (blk_request(label) == BLK_FLUSH)
            continue; // would count in the stats below
        uint64_t w0 = rng_below(3) ? rng_below(DISK_SECTORS + 2) : rng_next();
        uint64_t w1 = rng_below(3) ? rng_below(130) : rng_next();
        long got = bcall(label, w0, w1, &r);
        if (r.cap != CAP_NONE)
            cap_delete((int)r.cap);
        if (!expect_true(got != -EIDRM && got != -EPIPE, "request %lx: the server died (%ld)",
                         (unsigned long)label, got))
            break;
    }
    expect_result("BLK_INFO after the garbage", bcall(BLK_INFO, 0, 0, &r), 0);
    expect_true(r.w[0] == DISK_SECTORS, "BLK_INFO after the garbage: %d sectors", DISK_SECTORS);
    region_unmap((unsigned long)va);
    cap_delete(bufcap);
}

static void test_read_only(int disk_slot)
{
    int ro = cap_mint(disk_slot, RIGHT_MAP_READ, 0);
    int pid = start_server(ro);
    if (pid < 0)
        return;
    struct ipc_msg r;
    expect_result("BLK_INFO (read-only)", bcall(BLK_INFO, 0, 0, &r), 0);
    expect_true(r.w[2] == 1, "BLK_INFO of a read-only disk: w2 1, got %lu", r.w[2]);
    expect_result("BLK_ATTACH (read-only)", bcall(BLK_ATTACH, 1, 0, &r), 4096);
    if (r.cap != CAP_NONE)
        cap_delete((int)r.cap);
    expect_result("BLK_READ (read-only)", bcall(BLK_READ, 0, 8, NULL), 8);
    expect_result("BLK_WRITE (read-only)", bcall(BLK_WRITE, 0, 1, NULL), -EROFS);
    stop_server(pid);
    cap_delete(ro);
}

int main(int argc, char **argv)
{
    test_name = "blkproto";
    rng_seed(arg_number(argc, argv, 1, 1));
    uint64_t n_random = arg_number(argc, argv, 2, 2000);
    int disk_slot = region_create(DISK_PAGES);
    long va = disk_slot < 0 ? disk_slot : region_map(disk_slot, 0, REGION_MAP_WRITE);
    if (!expect_true(va > 0, "a region for the disk: %ld", va))
        return 1;
    uint8_t *disk = (uint8_t *)va;
    for (uint64_t i = 0; i < DISK_PAGES * 4096UL; i++)
        disk[i] = pattern(i);
    int pid = start_server(disk_slot);
    if (pid >= 0) {
        test_protocol(disk, n_random);
        stop_server(pid);
    }
    test_read_only(disk_slot);
    if (checks_failed == 0)
        printf("blkproto: ok (%d checks)\n", checks_made);
    else
        printf("blkproto: %d of %d checks failed\n", checks_failed, checks_made);
    return checks_failed != 0;
}
