// console_client.c — the kernel as the console server's client, on behalf of the task that
// calls read or write (given code).
//
// From lab 5 the kernel no longer drives the UART for user programs: a user-space server
// does.  Programs do not change: read(0, ...) and write(1, ...) are still Linux calls, and
// the kernel turns them into calls on the task's own console capability (slot 0), exactly
// as if the task had called the server itself.  A task whose slot 0 is empty has no
// console: EBADF, as with a closed fd.
//
// Each message carries 32 bytes, so a long write is several calls.  A writer holds the
// console until its whole write is out, so that the lines of two tasks never mix, as they
// did not when the kernel wrote them itself (lab 6 moves the bytes through shared memory).
// Only writes to the console server are held: a task's slot 0 may name any endpoint.
#include <stdbool.h>
#include "debug/printf.h"
#include "dev/console_client.h"
#include "ipc/endpoint.h"
#include "mm/uaccess.h"
#include "task/task.h"
#include "uapi/errno.h"
#if LAB >= 6
#include "shm/shared_buffer.h"
#endif

static struct task *writer;     // the task whose write is in progress, or NULL
static const char writer_queue; // channel: tasks waiting for the writer to finish
static uint32_t server_id;      // the console server's endpoint (boot_servers.c)

void console_client_set_server(uint32_t id)
{
    server_id = id;
}

// Whether the task's console is the console server: only then is a write held (a server of
// the task's own choosing may never answer, and must not stop everybody else's output).
static bool to_console_server(void)
{
    const struct kobject *o = current->caps.slot[SLOT_CONSOLE].object;
    return o != NULL && o->id == server_id;
}

// Packs bytes into the message words as the protocol says: byte i in bits 8*(i%8) of
// word i/8 (little-endian, as a memcpy on AArch64 would).
static void pack(const unsigned char *bytes, size_t n, uint64_t word[IPC_WORDS])
{
    for (int i = 0; i < IPC_WORDS; i++)
        word[i] = 0;
    for (size_t i = 0; i < n; i++)
        word[i / 8] |= (uint64_t)bytes[i] << (8 * (i % 8));
}

static void unpack(const uint64_t word[IPC_WORDS], unsigned char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bytes[i] = (unsigned char)(word[i / 8] >> (8 * (i % 8)));
}

// A console that does not work loses every line a program prints, including the ones that
// would say why: so the kernel says it once, itself, on the serial line.
static void report_unreachable(const char *what, long err)
{
    static bool reported;
    if (reported)
        return;
    reported = true;
    printf("keel: pid %d (%s): %s returned %ld%s; its output is lost\n", current->pid,
           current->name, what, err, err == -ENOSYS ? " (lab 5's IPC is not written yet?)" : "");
}

// One call to the console server with current->ipc.msg's words (and capability, if
// has_cap): the reply's label (a count or -errno), or -EBADF / -EIO / -EINTR.
static long console_call(uint64_t label)
{
    // A kill ends the wait the task is in; one that came while it was runnable, between two
    // messages of one write, must keep it from waiting again (perhaps for ever).
    if (current->killed)
        return -EINTR;
    struct cap *c;
    long err = cap_lookup(current, SLOT_CONSOLE, CAP_ENDPOINT, RIGHT_SEND, &c);
    if (err != 0) {
        if (err != -EBADF)
            report_unreachable("cap_lookup of its console (slot 0)", err);
        return -EBADF;
    }
    struct ipc_message *m = &current->ipc.msg;
    m->label = label;
    m->badge = c->badge | BADGE_KERNEL; // the server can tell the kernel's requests
    current->ipc.resumable = false;     // the rest of this write is the kernel's to do
    err = endpoint_send((struct endpoint *)c->object, true, true);
    if (err == -EINTR)
        return err;
    if (err == -ENOSYS)
        report_unreachable("a call to the console server", err);
    if (err < 0)
        return -EIO; // the server died, or its endpoint is gone
    return (long)current->ipc.msg.label;
}

static bool take_console(void)
{
    while (writer != NULL && writer != current) {
        if (current->killed)
            return false;
        task_sleep_on(&writer_queue);
    }
    writer = current;
    return true;
}

static void release_console(void)
{
    writer = NULL;
    task_wakeup(&writer_queue);
}

#if LAB >= 6
// From lab 6 a write goes through a region the kernel shares with the console server
// (kernel/shm/shared_buffer.c): the bytes are copied into it, and one message per 64 KiB
// says how many to print.  boot_servers.c creates the buffer and gives the server a
// read-only capability to it before the server starts.
#define CONSOLE_WRITE_SHARED 5

static struct shared_buffer buffer;
// A writer was killed while the server may have been printing its request: the server may
// still be reading the buffer, though the writer let go of the console (see write_shared).
static bool buffer_maybe_read;

long console_client_create_buffer(struct cap *for_server)
{
    long err = shared_buffer_create(&buffer, CONSOLE_BUFFER_PAGES);
    if (err == 0)
        *for_server = shared_buffer_cap(&buffer, RIGHT_MAP_READ);
    return err;
}

static long write_shared(uint64_t buf, size_t len)
{
    size_t done = 0;
    long result = 0;
    if (buffer_maybe_read) {
        // The server serves one request at a time: once it has answered an empty write of
        // ours, it is done with the dead writer's, and the buffer is ours to fill.
        current->ipc.msg.word[0] = 0;
        current->ipc.msg.has_cap = false;
        if (console_call(CONSOLE_WRITE_SHARED) == -EINTR)
            return -EINTR;
        buffer_maybe_read = false;
    }
    while (done < len) {
        size_t n = len - done < buffer.size ? len - done : buffer.size;
        if (shared_buffer_from_user(&buffer, 0, buf + done, n) != 0) {
            result = -EFAULT;
            break;
        }
        current->ipc.msg.word[0] = n;
        current->ipc.msg.has_cap = false;
        long written = console_call(CONSOLE_WRITE_SHARED);
        if (written == -EINTR)
            buffer_maybe_read = true;
        if (written > (long)n)
            written = -EIO; // a server that breaks the protocol
        if (written <= 0) {
            result = written < 0 ? written : -EIO;
            break;
        }
        done += (size_t)written;
    }
    return done > 0 ? (long)done : result;
}
#endif

long console_client_write(uint64_t buf, size_t len)
{
    if (!uaccess_ok(buf, len, false))
        return -EFAULT;
    bool hold = to_console_server();
    if (hold && !take_console())
        return -EINTR;
#if LAB >= 6
    if (hold) {
        long shared = write_shared(buf, len);
        release_console();
        return shared;
    }
#endif
    size_t done = 0;
    long result = 0;
    while (done < len) {
        unsigned char chunk[CONSOLE_BYTES_PER_MESSAGE];
        size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        if (copy_from_user(chunk, buf + done, n) != 0) {
            result = -EFAULT; // device memory (uaccess.c)
            break;
        }
        pack(chunk, n, current->ipc.msg.word);
        current->ipc.msg.has_cap = false;
        result = console_call(CONSOLE_WRITE | (n << 8));
        if (result > (long)n)
            result = -EIO; // a server that breaks the protocol (as read checks too)
        if (result <= 0)
            break;
        done += (size_t)result;
    }
    if (hold)
        release_console();
    return done > 0 ? (long)done : result;
}

long console_client_read(uint64_t buf, size_t len)
{
    if (len == 0)
        return 0;
    if (!uaccess_ok(buf, len, true))
        return -EFAULT;
    size_t max = len < CONSOLE_BYTES_PER_MESSAGE ? len : CONSOLE_BYTES_PER_MESSAGE;
    current->ipc.msg.word[0] = max;
    for (int i = 1; i < IPC_WORDS; i++)
        current->ipc.msg.word[i] = 0;
    current->ipc.msg.has_cap = false;
    long n = console_call(CONSOLE_READ);
    if (n <= 0)
        return n;
    if ((size_t)n > max)
        return -EIO; // a server that breaks the protocol
    unsigned char bytes[CONSOLE_BYTES_PER_MESSAGE];
    unpack(current->ipc.msg.word, bytes, (size_t)n);
    return copy_to_user(buf, bytes, (size_t)n) != 0 ? -EFAULT : n;
}
