// input.c — console input: the UART's interrupt fills a ring; readers take from it, or wait.
//
// The ring sits between two speeds: bytes arrive when someone types (or a script sends a
// burst), and leave when a task calls read(0).  When the ring is full, the server stops
// taking bytes from the UART and masks its receive interrupts, and the bytes wait in the
// UART's FIFO, then in the sender (QEMU holds them): input is delayed, never lost.  As soon
// as a reader makes room, the server takes them again (lab 3's flow control, in user space).
//
// A CONSOLE_READ with nothing to read cannot be answered now, and the server must not wait
// for input: other clients need it.  So it saves the caller's reply right as a capability
// (ipc_save_reply) and answers it later, when input arrives; readers are answered in the
// order they came.  A reader that died meanwhile is found when its answer fails (-ESRCH):
// it is dropped and the bytes go to the next one.
#include "console.h"

#define INPUT_SIZE 1024 // a power of two, so that the free-running indices wrap cleanly

static char ring[INPUT_SIZE];
static unsigned long head;     // next byte to read (only ever grows)
static unsigned long tail;     // next byte to write (only ever grows)
static bool throttled;         // the UART's receive interrupts are masked: the ring was full
static unsigned long received; // bytes taken from the UART
static unsigned long dropped;  // bytes the UART lost (an overrun); flow control keeps it 0

// The readers waiting for input, oldest first: a queue of saved reply capabilities.
struct reader {
    long reply_slot; // CAP_REPLY from ipc_save_reply: sending on it answers the read
    unsigned long max;
};
static struct reader readers[CONSOLE_MAX_READERS];
static unsigned long first_reader, nreaders;

static unsigned long ring_used(void)
{
    return tail - head;
}

static bool ring_has_room(void)
{
    return ring_used() < INPUT_SIZE;
}

// Moves bytes from the UART's receive FIFO into the ring, until the FIFO is empty or the
// ring is full.  Then it masks the UART's receive interrupts and leaves the rest in the FIFO.
static void drain_uart(void)
{
    pl011_rx_clear();
    while (!pl011_rx_empty()) {
        if (!ring_has_room()) {
            throttled = true;
            pl011_rx_mask();
            return;
        }
        bool overrun;
        ring[tail % INPUT_SIZE] = (char)pl011_rx_byte(&overrun);
        tail++;
        received++;
        if (overrun)
            dropped++;
    }
}

// Called whenever bytes leave the ring: if the UART was throttled, there is room again.
// Unmasking raises no interrupt for bytes that already wait in the FIFO (the UART raised it
// when they arrived, and we cleared it), so take them now.
static void made_room(void)
{
    if (!throttled || !ring_has_room())
        return;
    throttled = false;
    pl011_rx_unmask();
    drain_uart();
}

// Copies up to max bytes from the front of the ring without taking them; returns how many.
static unsigned long ring_peek(char *out, unsigned long max)
{
    unsigned long n = ring_used() < max ? ring_used() : max;
    for (unsigned long i = 0; i < n; i++)
        out[i] = ring[(head + i) % INPUT_SIZE];
    return n;
}

static void ring_consume(unsigned long n)
{
    head += n;
    made_room();
}

static struct reader *oldest_reader(void)
{
    return &readers[first_reader % CONSOLE_MAX_READERS];
}

static void drop_oldest_reader(void)
{
    first_reader++;
    nreaders--;
}

// Answers waiting readers, oldest first, while there is input.  Each gets what the ring
// holds, up to its max.  The bytes are taken from the ring only once the answer went out:
// if the reader died (the send fails, -ESRCH, and frees the slot), they go to the next.
static void answer_readers(void)
{
    while (nreaders > 0 && ring_used() > 0) {
        struct reader *r = oldest_reader();
        char bytes[CONSOLE_MAX_BYTES];
        unsigned long n = ring_peek(bytes, r->max);
        struct ipc_msg answer = {.label = (long)n, .cap = CAP_NONE};
        console_pack(answer.w, bytes, n);
        long err = ipc_send((int)r->reply_slot, &answer);
        drop_oldest_reader();
        if (err == 0)
            ring_consume(n);
    }
}

// Removes the reader at position i of the queue (0: the oldest), keeping the others' order.
static void remove_reader(unsigned long i)
{
    for (; i + 1 < nreaders; i++)
        readers[(first_reader + i) % CONSOLE_MAX_READERS] =
            readers[(first_reader + i + 1) % CONSOLE_MAX_READERS];
    nreaders--;
}

// Forgets readers whose reply capability is no use any more: its slot no longer holds a
// CAP_REPLY with the right to send (a kernel may empty the slot, or take the right away,
// when the caller dies), or ipc_save_reply has just handed the slot out again (so the entry
// that named it is stale).
static void forget_stale_readers(long new_slot)
{
    for (unsigned long i = 0; i < nreaders;) {
        long slot = readers[(first_reader + i) % CONSOLE_MAX_READERS].reply_slot;
        struct cap_info info;
        if (slot == new_slot || cap_describe((int)slot, &info) != 0 || info.type != CAP_REPLY ||
            !(info.rights & RIGHT_SEND))
            remove_reader(i);
        else
            i++;
    }
}

void input_start(void)
{
    pl011_rx_unmask();
    drain_uart(); // what was typed before we started raised no interrupt we will see
}

void input_interrupt(void)
{
    drain_uart();
    answer_readers();
}

// CONSOLE_READ: label exactly CONSOLE_READ, w0 = max in 1..32.  The caller is always
// queued, even when input waits (the queue is then empty): its reply right is saved first,
// which is also how a plain send is told from a call (a send has no reply right: dropped).
// Returns true only for an error that is answered at once.
bool console_read(const struct ipc_msg *req, struct ipc_msg *reply)
{
    unsigned long max = req->w[0];
    if (req->label != CONSOLE_READ || max < 1 || max > CONSOLE_MAX_BYTES) {
        reply->label = -EINVAL;
        return true;
    }
    if (nreaders == CONSOLE_MAX_READERS)
        forget_stale_readers(CAP_NONE);
    if (nreaders == CONSOLE_MAX_READERS) {
        reply->label = -EBUSY;
        return true;
    }
    long slot = ipc_save_reply();
    if (slot == -ESRCH) // not a call: there is nobody to answer
        return false;
    if (slot < 0) { // no free slot (-EMFILE): the reply right is still held, refuse now
        reply->label = -EBUSY;
        return true;
    }
    forget_stale_readers(slot);
    readers[(first_reader + nreaders) % CONSOLE_MAX_READERS] =
        (struct reader){.reply_slot = slot, .max = max};
    nreaders++;
    answer_readers();
    return false;
}

unsigned long input_received(void)
{
    return received;
}

unsigned long input_dropped(void)
{
    return dropped;
}

unsigned long input_readers_waiting(void)
{
    return nreaders;
}
