// vfs_client.c — the kernel as the VFS server's client, on behalf of the task that makes a
// file system call (given code; the protocol is user/include/proto/vfs.h).
//
// The files live in a user-space server; the fds live here.  A task's openat becomes one
// call to the server (the path copied into the buffer the two share), and its read of
// 64 KiB one more, the bytes coming back through the same buffer:
//
//   task: read(5, buf, 65536) ──► kernel: fd 5 -> file VFS, handle 7
//                                 call VFS_READ(7, 65536) ──► server: reads handle 7's node
//                                                                at its offset into the
//                                 copy buffer -> buf      ◄──  buffer; replies 65536
//
// There is one buffer, so one task's request is in progress at a time (`user`); others
// wait their turn.  The kernel's capability to the server is in the idle task's table, so
// that if the server dies the capability goes (cap.c removes every copy) and later calls
// fail with EIO instead of waiting for ever.
#include <stdbool.h>
#include <stddef.h>
#include "boot/archive.h"
#include "debug/printf.h"
#include "fd/vfs_client.h"
#include "ipc/cap.h"
#include "ipc/endpoint.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "shm/region.h"
#include "shm/shared_buffer.h"
#include "task/task.h"
#include "uapi/errno.h"
#include "uapi/fs.h"

#define KERNEL_SLOT_VFS 0 // in the idle task's table: the kernel's send capability

static struct shared_buffer buffer; // shared with the server, VFS_BUFFER_MAX bytes
static struct task *server;         // the VFS server (its own calls must not come here)
static struct task *user;           // the task whose request is in progress, or NULL
static const char user_queue;       // channel: tasks waiting for their turn
static char path[PATH_MAX];         // the path being copied in, under the turn

// --- starting the server ----------------------------------------------------------------

static void put_cap(struct task *t, long slot, struct kobject *o, unsigned rights, bool original)
{
    t->caps.slot[slot] = (struct cap){.object = o, .rights = (uint8_t)rights, .original = original};
    t->caps.used++;
    cap_referenced(o);
}

// A read-only region holding the boot archives one after the other, for the server's ramfs.
static long archive_region(struct shared_buffer *copy)
{
    size_t total = 0;
    for (int i = 0; i < archive_count(); i++) {
        const uint8_t *data;
        size_t size;
        archive_get(i, &data, &size);
        total += (size + 3) & ~3UL; // each cpio member starts 4-byte aligned
    }
    long err = shared_buffer_create(copy, (total + PAGE_SIZE - 1) / PAGE_SIZE);
    if (err != 0)
        return err;
    size_t offset = 0;
    for (int i = 0; i < archive_count(); i++) {
        const uint8_t *data;
        size_t size;
        archive_get(i, &data, &size);
        shared_buffer_from_kernel(copy, offset, data, size);
        offset += (size + 3) & ~3UL;
    }
    return 0;
}

long vfs_client_start(struct task *vfs, struct task *first)
{
    struct endpoint *ep = endpoint_create();
    struct shared_buffer archive;
    if (ep == NULL || shared_buffer_create(&buffer, VFS_BUFFER_MAX / PAGE_SIZE) != 0 ||
        archive_region(&archive) != 0)
        return -ENOMEM;
    server = vfs;
    put_cap(vfs, VFS_SLOT_ENDPOINT, &ep->obj, RIGHT_SEND | RIGHT_RECV | RIGHT_GRANT, true);
    put_cap(vfs, VFS_SLOT_BUFFER, &buffer.region->obj, RIGHT_MAP_READ | RIGHT_MAP_WRITE, false);
    put_cap(vfs, VFS_SLOT_ARCHIVE, &archive.region->obj, RIGHT_MAP_READ, false);
    region_put(archive.region); // the server's capability keeps it; its exit frees it
    put_cap(&tasks[0], KERNEL_SLOT_VFS, &ep->obj, RIGHT_SEND, false);
    put_cap(first, SLOT_VFS, &ep->obj, RIGHT_SEND | RIGHT_GRANT, false);
    struct cap *console = &first->caps.slot[SLOT_CONSOLE];
    if (console->object != NULL)
        put_cap(vfs, SLOT_CONSOLE, console->object, RIGHT_SEND, false);
    return 0;
}

// --- one request at a time ------------------------------------------------------------

// A server that does not work loses every file operation; the kernel says so once.
static void report_unreachable(long err)
{
    static bool reported;
    if (reported)
        return;
    reported = true;
    printf("keel: pid %d (%s): the VFS server did not answer (error %ld); file calls fail "
           "with EIO\n",
           current->pid, current->name, err);
}

// One call to the server with current->ipc.msg's words: the reply's label (a result or
// -errno), or -EIO (no server) or -EINTR (killed before the call).  A close on the way out
// of a killed task is still made (`even_if_killed`), or the server would keep the handle.
// A kill during the call lets it finish (finish_if_killed): an open's reply may name a
// handle that must then be closed, and the buffer is the server's until it answers.
static long vfs_call(uint64_t label, bool even_if_killed)
{
    if (current->killed && !even_if_killed)
        return -EINTR;
    struct cap *c = &tasks[0].caps.slot[KERNEL_SLOT_VFS];
    if (c->object == NULL) {
        report_unreachable(-EIDRM);
        return -EIO;
    }
    struct ipc_message *m = &current->ipc.msg;
    m->label = label;
    m->badge = BADGE_KERNEL;
    m->has_cap = false;
    current->ipc.resumable = false; // the kernel finishes the system call itself
    current->ipc.finish_if_killed = true;
    long err = endpoint_send((struct endpoint *)c->object, true, true);
    current->ipc.finish_if_killed = false;
    if (err < 0) { // a kill cannot end the call (finish_if_killed): the server is gone
        report_unreachable(err);
        return -EIO;
    }
    return (long)m->label;
}

static void set_words(uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
    uint64_t *w = current->ipc.msg.word;
    w[0] = w0, w[1] = w1, w[2] = w2, w[3] = w3;
}

// Waits for this task's turn at the buffer.  false: killed while waiting (and not closing).
static bool take_turn(bool even_if_killed)
{
    while (user != NULL && user != current) {
        if (current->killed && !even_if_killed)
            return false;
        task_sleep_on(&user_queue);
    }
    user = current;
    return true;
}

static void end_turn(void)
{
    user = NULL;
    task_wakeup(&user_queue);
}

// Copies a user's path into the buffer at `offset`: its length, or -EFAULT, -ENAMETOOLONG
// (PATH_MAX bytes with no NUL), -ENOENT (empty, as Linux says).
static long path_in(uint64_t user_path, uint64_t offset)
{
    long n = copy_string_from_user(path, user_path, sizeof(path));
    if (n < 0)
        return n;
    if (n == 0)
        return -ENOENT;
    shared_buffer_from_kernel(&buffer, offset, path, (size_t)n);
    return n;
}

// Starts a request: the turn taken.  0, or -EIO (no server was ever started: the boot
// archive had none), -EDEADLK (the server itself: it would call itself and wait for ever),
// -EINTR.
static long begin(bool even_if_killed)
{
    if (server == NULL) {
        report_unreachable(-ENOENT);
        return -EIO;
    }
    if (current == server)
        return -EDEADLK;
    return take_turn(even_if_killed) ? 0 : -EINTR;
}

// Starts a request that carries one path: the turn taken, the path in the buffer.  Its
// length, or -errno (and no turn held).
static long begin_with_path(uint64_t user_path)
{
    long err = begin(false);
    if (err < 0)
        return err;
    long n = path_in(user_path, 0);
    if (n < 0)
        end_turn();
    return n;
}

// A request of words only, in one turn: its result.
static long words_request(uint64_t label, uint64_t w0, uint64_t w1, uint64_t w2,
                          bool even_if_killed)
{
    long err = begin(even_if_killed);
    if (err < 0)
        return err;
    set_words(w0, w1, w2, 0);
    err = vfs_call(label, even_if_killed);
    end_turn();
    return err;
}

// A request that names one path (mkdir, unlink): w0 = dir, w1 = `arg`, w2 = the path's
// length, the path at offset 0 of the buffer.
static long path_request(uint64_t label, uint64_t dir, uint64_t user_path, uint64_t arg)
{
    long n = begin_with_path(user_path);
    if (n < 0)
        return n;
    set_words(dir, arg, (uint64_t)n, 0);
    long err = vfs_call(label, false);
    end_turn();
    return err;
}

// --- the calls --------------------------------------------------------------------------

long vfs_open(uint64_t dir, uint64_t user_path, unsigned flags, unsigned perm, uint32_t *mode)
{
    long n = begin_with_path(user_path);
    if (n < 0)
        return n;
    set_words(dir, flags, perm, (uint64_t)n);
    long handle = vfs_call(VFS_OPEN, false);
    *mode = (uint32_t)current->ipc.msg.word[0];
    end_turn();
    return handle;
}

long vfs_close(uint64_t handle)
{
    return words_request(VFS_CLOSE, handle, 0, 0, true);
}

long vfs_read(uint64_t handle, uint64_t buf, size_t len)
{
    if (!uaccess_ok(buf, len, true))
        return -EFAULT;
    long err = begin(false);
    if (err < 0)
        return err;
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < buffer.size ? len - done : buffer.size;
        set_words(handle, n, 0, 0);
        long got = vfs_call(VFS_READ, false);
        if (got > (long)n)
            got = -EIO; // a server that breaks the protocol
        if (got > 0 && shared_buffer_to_user(&buffer, 0, buf + done, (size_t)got) != 0)
            got = -EFAULT;
        if (got <= 0) {
            err = got;
            break;
        }
        done += (size_t)got;
        if ((size_t)got < n)
            break; // the end of the file
    }
    end_turn();
    return done > 0 ? (long)done : err;
}

long vfs_write(uint64_t handle, uint64_t buf, size_t len)
{
    if (!uaccess_ok(buf, len, false))
        return -EFAULT;
    long err = begin(false);
    if (err < 0)
        return err;
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < buffer.size ? len - done : buffer.size;
        long put = shared_buffer_from_user(&buffer, 0, buf + done, n);
        if (put == 0) {
            set_words(handle, n, 0, 0);
            put = vfs_call(VFS_WRITE, false);
            if (put > (long)n || put == 0)
                put = -EIO;
        }
        if (put < 0) {
            err = put;
            break;
        }
        done += (size_t)put;
    }
    end_turn();
    return done > 0 ? (long)done : err;
}

long vfs_seek(uint64_t handle, int64_t offset, int whence)
{
    return words_request(VFS_SEEK, handle, (uint64_t)offset, (uint64_t)whence, false);
}

long vfs_stat(uint64_t dir, uint64_t user_path, struct vfs_stat *st)
{
    long n = user_path != 0 ? begin_with_path(user_path) : begin(false);
    if (n < 0)
        return n;
    set_words(dir, (uint64_t)n, 0, 0);
    long err = vfs_call(VFS_STAT, false);
    if (err == 0)
        shared_buffer_to_kernel(&buffer, 0, st, sizeof(*st));
    end_turn();
    return err;
}

long vfs_stat_to_user(const struct vfs_stat *vs, uint64_t user_stat)
{
    struct stat st;
    memset(&st, 0, sizeof(st));
    st.st_dev = vs->dev;
    st.st_ino = vs->ino;
    st.st_mode = vs->mode;
    st.st_nlink = vs->nlink;
    st.st_size = (int64_t)vs->size;
    st.st_blksize = PAGE_SIZE;
    st.st_blocks = (int64_t)((vs->size + 511) / 512);
    st.st_atime_sec = st.st_mtime_sec = st.st_ctime_sec = vs->mtime;
    return copy_to_user(user_stat, &st, sizeof(st));
}

long vfs_stat_root(uint64_t user_stat)
{
    // A path of "/" from the root, without the user's memory: the server's answer for "."
    long err = begin(false);
    if (err < 0)
        return err;
    shared_buffer_from_kernel(&buffer, 0, "/", 1);
    set_words(VFS_ROOT, 1, 0, 0);
    struct vfs_stat vs;
    err = vfs_call(VFS_STAT, false);
    if (err == 0)
        shared_buffer_to_kernel(&buffer, 0, &vs, sizeof(vs));
    end_turn();
    return err < 0 ? err : vfs_stat_to_user(&vs, user_stat);
}

long vfs_getdents(uint64_t handle, uint64_t buf, size_t len)
{
    if (!uaccess_ok(buf, len, true))
        return -EFAULT;
    long err = begin(false);
    if (err < 0)
        return err;
    size_t n = len < buffer.size ? len : buffer.size;
    set_words(handle, n, 0, 0);
    long got = vfs_call(VFS_GETDENTS, false);
    if (got > (long)n)
        got = -EIO;
    if (got > 0 && shared_buffer_to_user(&buffer, 0, buf, (size_t)got) != 0)
        got = -EFAULT;
    end_turn();
    return got;
}

long vfs_mkdir(uint64_t dir, uint64_t user_path, unsigned perm)
{
    return path_request(VFS_MKDIR, dir, user_path, perm);
}

long vfs_unlink(uint64_t dir, uint64_t user_path, unsigned flags)
{
    return path_request(VFS_UNLINK, dir, user_path, flags);
}

long vfs_rename(uint64_t old_dir, uint64_t old_path, uint64_t new_dir, uint64_t new_path)
{
    long old_len = begin_with_path(old_path);
    if (old_len < 0)
        return old_len;
    long new_len = path_in(new_path, (uint64_t)old_len);
    long err = new_len;
    if (new_len >= 0) {
        set_words(old_dir, new_dir, (uint64_t)old_len, (uint64_t)new_len);
        err = vfs_call(VFS_RENAME, false);
    }
    end_turn();
    return err;
}

long vfs_getpath(uint64_t handle, uint64_t buf, size_t size)
{
    if (handle == VFS_ROOT) {
        if (size < 2)
            return -ERANGE;
        return copy_to_user(buf, "/", 2) != 0 ? -EFAULT : 2;
    }
    long err = begin(false);
    if (err < 0)
        return err;
    set_words(handle, 0, 0, 0);
    long n = vfs_call(VFS_GETPATH, false);
    if (n >= PATH_MAX)
        n = -EIO;
    if (n > 0 && (size_t)n + 1 > size)
        n = -ERANGE;
    if (n > 0) {
        shared_buffer_to_kernel(&buffer, 0, path, (size_t)n);
        path[n] = '\0';
        n = copy_to_user(buf, path, (size_t)n + 1) != 0 ? -EFAULT : n + 1;
    }
    end_turn();
    return n == 0 ? -EIO : n;
}

#if LAB >= 8
long vfs_sync(void)
{
    long err = words_request(VFS_SYNC, 0, 0, 0, true);
    if (err < 0 && err != -EIO) // EIO: no server, said already
        printf("keel: writing the file systems back failed: error %ld\n", err);
    return err;
}
#endif

long vfs_fsync(uint64_t handle)
{
    return words_request(VFS_FSYNC, handle, 0, 0, false);
}
