// main.c — the VFS server (lab 7): the files of every task, in a ramfs mounted on /.
//
// The kernel starts it as pid 3, after the console, with its endpoint, the kernel's buffer
// and the boot archive in slots 1..3 (proto/vfs.h).  It attaches the kernel's buffer as
// the first client, seeds the ramfs from the archive, and then serves for ever: one recv,
// then reply_recv, which answers a request and waits for the next in one system call.
// Every request is answered; nothing a client sends can stop the server.
// docs/protocols/vfs.md describes the protocol.
//
// A client is whoever sends with one badge: the kernel (BADGE_KERNEL, on behalf of every
// task's file calls), pid 1 (badge 0, on slot SLOT_VFS), or a program pid 1 gave a badged
// copy.  Each gets a buffer with VFS_ATTACH, a region the server makes and shares with it,
// which carries paths and data; the kernel's is the one it made at boot.
#include "vfs.h"
#if LAB >= 8
#include "cache.h"
#include "fat32.h"
#endif

static struct client clients[VFS_MAX_CLIENTS];

unsigned long clients_attached(void)
{
    unsigned long n = 0;
    for (int i = 0; i < VFS_MAX_CLIENTS; i++)
        n += clients[i].used;
    return n;
}

static struct client *client_of(unsigned long badge)
{
    for (int i = 0; i < VFS_MAX_CLIENTS; i++)
        if (clients[i].used && clients[i].badge == badge)
            return &clients[i];
    return NULL;
}

static struct client *free_client(void)
{
    for (int i = 0; i < VFS_MAX_CLIENTS; i++)
        if (!clients[i].used)
            return &clients[i];
    return NULL;
}

// The kernel's buffer, which the kernel made and put in VFS_SLOT_BUFFER: the server only
// maps it (the kernel never takes it back).  Its size, or -errno.
static long attach_kernel(void)
{
    size_t size;
    long va = region_map_sized(VFS_SLOT_BUFFER, REGION_MAP_WRITE, &size);
    if (va < 0)
        return va;
    struct client *c = free_client();
    *c = (struct client){.used = true,
                         .badge = BADGE_KERNEL,
                         .buf = (uint8_t *)va,
                         .size = size < VFS_BUFFER_MAX ? size : VFS_BUFFER_MAX,
                         .region = CAP_NONE};
    cap_delete(VFS_SLOT_BUFFER); // the mapping keeps the region
    return (long)c->size;
}

// A capability the last reply carried, deleted when the next request comes (by then the
// reply, and the copy it took along, has been delivered).
static int passed_in_last_reply = CAP_NONE;

// VFS_ATTACH, w0 = pages: a buffer of that many pages for the client with this badge.  The
// server makes the region itself and keeps the original, so no client can revoke a buffer
// the server is using (lab 6's region_revoke needs the original); the reply carries a copy
// (map-read, map-write) for the client to map.  Its size in bytes, or -EEXIST (that badge
// is attached already), -EBUSY (VFS_MAX_CLIENTS are), -EINVAL (pages 0 or more than
// VFS_BUFFER_MAX / PAGE_SIZE), or the error of making or mapping the region.
static long attach(unsigned long badge, unsigned long pages, struct ipc_msg *reply)
{
    struct client *c = free_client();
    if (pages == 0 || pages > VFS_BUFFER_MAX / PAGE_SIZE)
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

// VFS_DETACH: the client's handles closed, its buffer unmapped and let go (the region's
// frames are freed once the client has unmapped and deleted its copy too), its entry free.
static void vfs_detach(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    handles_close_all(c);
    region_unmap((unsigned long)c->buf);
    if (c->region != CAP_NONE)
        cap_delete(c->region);
    *c = (struct client){.used = false};
    reply->label = 0;
}

// VFS_STATS -> 0; w0 open handles, w1 nodes, w2 data pages, w3 clients attached.
static void vfs_stats(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    reply->label = 0;
    reply->w[0] = handles_open();
    reply->w[1] = ramfs_nodes();
    reply->w[2] = ramfs_data_pages();
    reply->w[3] = clients_attached();
}

#if LAB >= 8
// VFS_SYNC -> 0 once every mounted file system has written its changes back and flushed
// its disk (sync(2); the kernel sends it before it powers off), or the first error.
static void vfs_sync(struct client *c, const struct ipc_msg *req, struct ipc_msg *reply)
{
    reply->label = mount_sync_all();
}
#endif

// The dispatch table: a request's handler by its number (VFS_ATTACH is handled apart: it
// is the one request that brings a capability and needs no buffer yet).
static const handler_fn handlers[] = {
    [VFS_OPEN] = vfs_open,         [VFS_CLOSE] = vfs_close,     [VFS_READ] = vfs_read,
    [VFS_WRITE] = vfs_write,       [VFS_SEEK] = vfs_seek,       [VFS_STAT] = vfs_stat,
    [VFS_GETDENTS] = vfs_getdents, [VFS_MKDIR] = vfs_mkdir,     [VFS_UNLINK] = vfs_unlink,
    [VFS_RENAME] = vfs_rename,     [VFS_GETPATH] = vfs_getpath, [VFS_FSYNC] = vfs_fsync,
    [VFS_STATS] = vfs_stats,       [VFS_DETACH] = vfs_detach,
#if LAB >= 8
    [VFS_SYNC] = vfs_sync,
#endif
};
#define NHANDLERS (sizeof(handlers) / sizeof(handlers[0]))

// One request.  Nothing in it is trusted: bits above the label's low byte, and a capability
// (no request takes one: it is deleted at once, so that no client can fill the server's
// slots) get -EINVAL, and so does any request but VFS_ATTACH and VFS_STATS from a client
// with no buffer; an unknown request -ENOSYS.  The reply starts all zero, so no word of an
// earlier reply leaks out.
static void handle_request(const struct ipc_msg *req, struct ipc_msg *reply)
{
    *reply = (struct ipc_msg){.cap = CAP_NONE};
    if (passed_in_last_reply != CAP_NONE) {
        cap_delete(passed_in_last_reply);
        passed_in_last_reply = CAP_NONE;
    }
    unsigned int request = vfs_request(req->label);
    bool has_cap = req->cap != CAP_NONE;
    if (has_cap)
        cap_delete((int)req->cap);
    struct client *c = client_of(req->badge);
    if ((unsigned long)req->label != request || has_cap)
        reply->label = -EINVAL;
    else if (request == VFS_ATTACH)
        reply->label = attach(req->badge, req->w[0], reply);
    else if (request >= NHANDLERS || handlers[request] == NULL)
        reply->label = -ENOSYS;
    else if (c == NULL && request != VFS_STATS)
        reply->label = -EINVAL;
    else
        handlers[request](c, req, reply);
}

// Serves requests for ever.  A failed receive means the endpoint is gone: nobody can reach
// the server any more, so it ends.
static int serve(void)
{
    struct ipc_msg req, reply;
    long r = ipc_recv(VFS_SLOT_ENDPOINT, &req);
    for (;;) {
        if (r < 0) {
            printf("vfs: receive failed: %s; the VFS server stops\n", errno_name(r));
            return 1;
        }
        if (r & IPC_NOTIFIED) { // no notification is bound: nothing to answer
            r = ipc_recv(VFS_SLOT_ENDPOINT, &req);
            continue;
        }
        handle_request(&req, &reply);
        r = ipc_reply_recv(VFS_SLOT_ENDPOINT, &reply, &req);
    }
}

#if LAB >= 8
// The device numbers (vfs_stat.dev) of lab 8's file systems; the root ramfs is 0.
#define DEV_PROC 1
#define DEV_DISK 2

// Lab 8: FAT32 on the block server's disk, on /disk, a directory made in the ramfs for it.
// No block server (slot VFS_SLOT_BLK empty): nothing is mounted, and there is no /disk.  A
// volume FAT32 refuses (fat32_refusal says which field): /disk stays an empty ramfs
// directory, and the disk is never written.  One line says which of these happened.
static void mount_disk(struct fs *root)
{
    struct blkdev *d;
    long err = blkdev_open(VFS_SLOT_BLK, &d);
    if (err == -EBADF) {
        printf("vfs: no disk: nothing mounted on /disk\n");
        return;
    }
    void *point = NULL;
    if (err == 0)
        err = root->ops->mkdir(root, root->root, "disk", 4, 0755);
    if (err == 0)
        err = root->ops->lookup(root, root->root, "disk", 4, &point);
    if (err < 0) {
        printf("vfs: /disk: not mounted: %s\n", errno_name(err));
        return;
    }
    struct fs *fat = fat32_mount(d, DEV_DISK, &err);
    if (fat == NULL) {
        printf("vfs: /disk: not mounted: %s\n", err == -EINVAL ? fat32_refusal() : errno_name(err));
        return;
    }
    err = mount(fat, (struct vnode){root, point});
    if (err < 0) {
        printf("vfs: /disk: not mounted: %s\n", errno_name(err));
        return;
    }
    struct fat32 *v = (struct fat32 *)fat;
    printf("vfs: FAT32 on /disk: %u clusters of %u bytes, %u free%s\n", v->clusters,
           v->bytes_per_clus, v->free_count, blkdev_read_only(d) ? " (read-only)" : "");
}

// Lab 8's file systems: procfs on /proc, and FAT32 on /disk.  Failures are told and the
// server serves on without them.
static void start_disk(struct fs *root)
{
    long err = procfs_mount(root, DEV_PROC);
    if (err < 0)
        printf("vfs: cannot mount /proc: %s\n", errno_name(err));
    mount_disk(root);
}
#endif

int main(int argc, char **argv)
{
    long err = attach_kernel();
    if (err < 0) {
        printf("vfs: cannot map the kernel's buffer (slot %d: %s); the VFS server stops\n",
               VFS_SLOT_BUFFER, errno_name(err));
        return 2;
    }
    struct fs *root = ramfs_new(0);
    if (root == NULL || mount(root, (struct vnode){NULL, NULL}) != 0) {
        printf("vfs: out of memory for the root file system; the VFS server stops\n");
        return 3;
    }
    long files = seed_from_archive(root);
    if (files < 0)
        printf("vfs: ramfs on /: seeding from the boot archive failed: %s\n", errno_name(files));
    else
        printf("vfs: ramfs on /: %ld files from the boot archive\n", files);
#if LAB >= 8
    start_disk(root);
#endif
    return serve();
}
