// main.c — the block server (lab 8): a disk of 512-byte sectors for the VFS server.
//
// The kernel starts it before the VFS server, with its endpoint in BLK_SLOT_ENDPOINT and
// the disk (a region over the image QEMU loaded into RAM) in BLK_SLOT_DISK.  It maps the
// disk and serves for ever: one recv, then reply_recv, which answers a request and waits
// for the next in one system call.  Every request is answered; nothing a client sends can
// stop the server.  docs/protocols/blk.md describes the protocol.
//
// A client is whoever sends with one badge (the VFS server, with the capability the kernel
// gave it).  Data moves through the client's buffer: a region that BLK_ATTACH makes, that
// the server keeps the original of and maps, and that the reply passes a copy of.
#include "blk.h"

struct client {
    bool used;
    unsigned long badge;
    uint8_t *buf; // the buffer, mapped read-write
    size_t size;  // its bytes (at most BLK_BUFFER_MAX)
    int region;   // the slot of the server's original capability to it
};

static struct client clients[BLK_MAX_CLIENTS];

static struct client *client_of(unsigned long badge)
{
    for (int i = 0; i < BLK_MAX_CLIENTS; i++)
        if (clients[i].used && clients[i].badge == badge)
            return &clients[i];
    return NULL;
}

static struct client *free_client(void)
{
    for (int i = 0; i < BLK_MAX_CLIENTS; i++)
        if (!clients[i].used)
            return &clients[i];
    return NULL;
}

// A capability the last reply carried, deleted when the next request comes (by then the
// reply, and the copy it took along, has been delivered).
static int passed_in_last_reply = CAP_NONE;

// BLK_ATTACH, w0 = pages: a buffer of that many pages for the client with this badge.  As
// the VFS server does, the server makes the region and keeps the original, so no client can
// revoke a buffer while the server copies into it; the reply carries a copy (map-read,
// map-write).  Its size in bytes, or -EINVAL (pages 0 or more than BLK_BUFFER_MAX /
// PAGE_SIZE), -EEXIST (that badge is attached), -EBUSY (BLK_MAX_CLIENTS are), or the error
// of making or mapping the region.
static long attach(unsigned long badge, unsigned long pages, struct ipc_msg *reply)
{
    struct client *c = free_client();
    if (pages == 0 || pages > BLK_BUFFER_MAX / PAGE_SIZE)
        return -EINVAL;
    if (client_of(badge) != NULL)
        return -EEXIST;
    if (c == NULL)
        return -EBUSY;
    int region = region_create(pages);
    if (region < 0)
        return region;
    long va = region_map(region, 0, REGION_MAP_WRITE);
    int copy = va < 0 ? (int)va : cap_mint(region, RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0);
    if (copy < 0) {
        if (va >= 0)
            region_unmap((unsigned long)va);
        cap_delete(region);
        return copy;
    }
    *c = (struct client){.used = true,
                         .badge = badge,
                         .buf = (uint8_t *)va,
                         .size = pages * PAGE_SIZE,
                         .region = region};
    reply->cap = copy;
    passed_in_last_reply = copy;
    return (long)c->size;
}

// A handler fills in the reply (its label is the result).  `c` is NULL for a client with
// no buffer yet: only the handlers that need none accept that.
typedef void (*handler_fn)(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply);

// BLK_INFO -> 0; w0 sectors, w1 BLK_SECTOR_SIZE, w2 1 if read-only.
static void blk_info(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    reply->label = 0;
    reply->w[0] = disk_sectors();
    reply->w[1] = BLK_SECTOR_SIZE;
    reply->w[2] = disk_read_only();
}

// The range of a BLK_READ or BLK_WRITE: 0 if w0 first, w1 count name whole sectors of the
// disk that fit in c's buffer, else -EINVAL (no buffer, count 0 or too big, past the end).
static long check_range(const struct client *c, const struct ipc_msg *req)
{
    uint64_t first = req->w[0], count = req->w[1];
    if (c == NULL || count == 0 || count > c->size / BLK_SECTOR_SIZE)
        return -EINVAL;
    if (first >= disk_sectors() || count > disk_sectors() - first)
        return -EINVAL;
    return 0;
}

// BLK_READ: w0 first sector, w1 count -> count; the sectors at the buffer's offset 0.
static void blk_read(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    long err = check_range(c, req);
    if (err == 0)
        disk_read(req->w[0], req->w[1], c->buf);
    reply->label = err < 0 ? err : (long)req->w[1];
}

// BLK_WRITE: w0 first sector, w1 count -> count, taken from the buffer's offset 0; -EROFS
// on a read-only disk.
static void blk_write(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    long err = check_range(c, req);
    if (err == 0 && disk_read_only())
        err = -EROFS;
    if (err == 0)
        disk_write(req->w[0], req->w[1], c->buf);
    reply->label = err < 0 ? err : (long)req->w[1];
}

// BLK_FLUSH -> 0 once what was written is in the host's image file (or there is none).
static void blk_flush(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    reply->label = disk_flush();
}

// BLK_STATS -> 0; w0 sectors read, w1 written, w2 flushes, w3 bytes written back.
static void blk_stats(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    struct disk_stats s;
    disk_stats(&s);
    reply->label = 0;
    reply->w[0] = s.sectors_read;
    reply->w[1] = s.sectors_written;
    reply->w[2] = s.flushes;
    reply->w[3] = s.bytes_written_back;
}

// The dispatch table (BLK_ATTACH is handled apart: its reply carries a capability).
static const handler_fn handlers[] = {
    [BLK_INFO] = blk_info,   [BLK_READ] = blk_read,   [BLK_WRITE] = blk_write,
    [BLK_FLUSH] = blk_flush, [BLK_STATS] = blk_stats,
};
#define NHANDLERS (sizeof(handlers) / sizeof(handlers[0]))

// One request.  Nothing in it is trusted: bits above the label's low byte, and a passed
// capability (deleted at once, so that no client can fill the server's slots) get -EINVAL;
// an unknown request -ENOSYS.  The reply starts all zero, so no word of an earlier reply
// leaks out.
static void handle_request(const struct ipc_msg *req, struct ipc_msg *reply)
{
    *reply = (struct ipc_msg){.cap = CAP_NONE};
    if (passed_in_last_reply != CAP_NONE) {
        cap_delete(passed_in_last_reply);
        passed_in_last_reply = CAP_NONE;
    }
    unsigned int request = blk_request(req->label);
    bool has_cap = req->cap != CAP_NONE;
    if (has_cap)
        cap_delete((int)req->cap);
    if ((unsigned long)req->label != request || has_cap)
        reply->label = -EINVAL;
    else if (request == BLK_ATTACH)
        reply->label = attach(req->badge, req->w[0], reply);
    else if (request >= NHANDLERS || handlers[request] == NULL)
        reply->label = -ENOSYS;
    else
        handlers[request](client_of(req->badge), req, reply);
}

// Serves requests for ever.  A failed receive means the endpoint is gone: nobody can reach
// the server any more, so it ends.
static int serve(void)
{
    struct ipc_msg req, reply;
    long r = ipc_recv(BLK_SLOT_ENDPOINT, &req);
    for (;;) {
        if (r < 0) {
            printf("blk: receive failed: %s; the block server stops\n", errno_name(r));
            return 1;
        }
        if (r & IPC_NOTIFIED) { // no notification is bound: nothing to answer
            r = ipc_recv(BLK_SLOT_ENDPOINT, &req);
            continue;
        }
        handle_request(&req, &reply);
        r = ipc_reply_recv(BLK_SLOT_ENDPOINT, &reply, &req);
    }
}

int main(int argc, char **argv)
{
    long err = disk_map();
    if (err < 0) {
        printf("blk: cannot map the disk (slot %d: %s); the block server stops\n", BLK_SLOT_DISK,
               errno_name(err));
        return 2;
    }
    printf("blk: RAM disk of %lu sectors (%lu KiB)%s\n", (unsigned long)disk_sectors(),
           (unsigned long)(disk_sectors() / 2), disk_read_only() ? ", read-only" : "");
    return serve();
}
