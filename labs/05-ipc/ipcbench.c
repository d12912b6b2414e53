// ipcbench — instruction counts of IPC (PMU INST_RETIRED; boot with QEMU's -icount shift=0,
// where the counter counts retired instructions exactly), handout 5, "Measuring":
//   call+reply_recv round trip: a 4-word call to a server that answers with reply_recv,
//       back in the client: both system calls, both switches, and the server's four
//       instructions between them (the best of RUNS).  Both sides make the system call
//       from a few lines of inline assembly, so the count is the kernel's, as seL4's
//       published figures are; the same round trip through the C library's wrappers
//       (ipc_call, ipc_reply_recv: their frames and the copies to and from struct ipc_msg)
//       is printed too;
//   signal to wait: half a round trip of two tasks that signal each other's notification
//       and wait on their own (each half: a signal, a wait that returns, a switch);
//   console output: instructions per byte of a 256-byte write(1), which the kernel turns
//       into 8 calls on the console server.
#include "ipctest.h"

#define RUNS 200
#define SERVER_SLOT 1
#define PONG_WAIT 1
#define PONG_SIGNAL 2

static uint64_t overhead;

static int server(void)
{
    struct ipc_msg m;
    long r = ipc_recv(SERVER_SLOT, &m);
    while (r >= 0 && m.label != 0)
        r = ipc_reply_recv(SERVER_SLOT, &m, &m); // echo
    ipc_reply(&m);
    return 0;
}

// The server of the lean round trip: receive, then reply_recv with the message it got (the
// words are still in x1..x5, so the reply echoes them) until a message with label 0.
static int lean_server(void)
{
    register long x0 __asm__("x0") = SERVER_SLOT;
    register long x1 __asm__("x1");
    register long x8 __asm__("x8") = SYS_ipc_recv;
    __asm__ volatile("svc #0\n"
                     "mov x8, %[reply_recv]\n"
                     "cbz x1, 2f\n"
                     "1: mov x0, %[slot]\n"
                     "mov x6, #-1\n" // no capability to pass
                     "svc #0\n"
                     "cbnz x1, 1b\n"
                     "2:\n"
                     : "+r"(x0), "=r"(x1), "+r"(x8)
                     : [reply_recv] "i"(SYS_ipc_reply_recv), [slot] "i"(SERVER_SLOT)
                     : "x2", "x3", "x4", "x5", "x6", "x7", "memory");
    struct ipc_msg reply = message(0, 0, 0, 0, 0);
    ipc_reply(&reply);
    return 0;
}

// One lean call on slot `ep` with label 1 and four words: the instructions from just before
// the svc to just after it returns (the counter's own isb and mrs included, as in
// `overhead`).
static uint64_t lean_call_once(int ep)
{
    register long x0 __asm__("x0") = ep;
    register long x1 __asm__("x1") = 1;
    register long x2 __asm__("x2") = 0x1111;
    register long x3 __asm__("x3") = 0x2222;
    register long x4 __asm__("x4") = 0x3333;
    register long x5 __asm__("x5") = 0x4444;
    register long x6 __asm__("x6") = CAP_NONE;
    register long x8 __asm__("x8") = SYS_ipc_call;
    uint64_t start, end;
    __asm__ volatile("isb\n mrs %[start], pmevcntr0_el0\n"
                     "svc #0\n"
                     "isb\n mrs %[end], pmevcntr0_el0\n"
                     : [start] "=&r"(start), [end] "=r"(end), "+r"(x0), "+r"(x1), "+r"(x2),
                       "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6)
                     : "r"(x8)
                     : "x7", "memory");
    return end - start;
}

static uint64_t lean_overhead(void)
{
    uint64_t start, end;
    __asm__ volatile("isb\n mrs %[start], pmevcntr0_el0\n"
                     "isb\n mrs %[end], pmevcntr0_el0\n"
                     : [start] "=&r"(start), [end] "=r"(end)::"memory");
    return end - start;
}

// The reader of the key that times the UART's interrupt: it only waits in read(0) (for a
// key, or a key and Enter together).
static int reader(void)
{
    char keys[16];
    return read(0, keys, sizeof(keys)) >= 1 ? 0 : 1;
}

// Whether task `pid` is still on its way to its read: not yet waiting for the console's
// reply, and not already done (input typed earlier, an Enter after the last key, ends its
// read at once).
static int not_yet_reading(int pid)
{
    for (int i = 0; i < 64; i++) {
        struct task_info info;
        if (task_describe(i, &info) == pid)
            return info.state != TASK_STATE_REPLY && info.state != TASK_STATE_ZOMBIE;
    }
    return 0;
}

// IRQ to driver: the kernel times it (keel_stats) from its handler of the UART's interrupt
// to the console server's recv.  The key must arrive while every task waits, or whatever
// runs when it comes is timed too: so a child waits in read(0), the prompt is printed only
// once it does, and this task waits for the child.  (A timer tick that happens to come in
// between is timed too: the best of KEYS keys is the figure.)
#define KEYS 3
static uint64_t one_key(void)
{
    long caps[] = {SLOT_CONSOLE};
    int pid = spawn_role("ipcbench", "reader", NULL, caps, 1);
    if (pid < 0)
        return 0;
    while (not_yet_reading(pid))
        yield();
    printf("ipcbench: type a key to time the UART's interrupt\n");
    reap(pid);
    struct keel_stats stats;
    return keel_stats(&stats) == 0 ? stats.irq_to_driver : 0;
}

static uint64_t irq_to_driver(void)
{
    uint64_t best = ~0UL;
    for (int i = 0; i < KEYS; i++) {
        uint64_t n = one_key();
        best = n < best ? n : best;
    }
    return best;
}

static int pong(void)
{
    for (;;) {
        if (notify_wait(PONG_WAIT) < 0)
            return 0;
        notify_signal(PONG_SIGNAL);
    }
}

static uint64_t round_trip(int ep)
{
    struct ipc_msg m = message(1, 0x1111, 0x2222, 0x3333, 0x4444), reply;
    uint64_t best = ~0UL;
    for (int i = 0; i < RUNS; i++) {
        uint64_t start = instructions();
        ipc_call(ep, &m, &reply);
        uint64_t n = instructions() - start;
        best = n < best ? n : best;
    }
    return best - overhead;
}

static uint64_t lean_round_trip(void)
{
    int ep = endpoint_create();
    long caps[] = {SLOT_CONSOLE, ep};
    int pid = spawn_role("ipcbench", "lean-server", NULL, caps, 2);
    if (ep < 0 || pid < 0)
        return 0;
    uint64_t best = ~0UL, base = lean_overhead();
    for (int i = 0; i < RUNS; i++) {
        uint64_t n = lean_call_once(ep);
        best = n < best ? n : best;
    }
    struct ipc_msg stop = message(0, 0, 0, 0, 0), reply;
    ipc_call(ep, &stop, &reply);
    reap(pid);
    cap_delete(ep);
    return best - base;
}

static uint64_t signal_to_wait(void)
{
    int a = notification_create(), b = notification_create();
    int a_signal = cap_mint(a, RIGHT_SEND, 1), b_signal = cap_mint(b, RIGHT_SEND, 2);
    long caps[] = {SLOT_CONSOLE, a, b_signal};
    int pid = spawn_role("ipcbench", "pong", NULL, caps, 3);
    if (pid < 0)
        return 0;
    uint64_t best = ~0UL;
    for (int i = 0; i < RUNS; i++) {
        uint64_t start = instructions();
        notify_signal(a_signal);
        notify_wait(b);
        uint64_t n = instructions() - start;
        best = n < best ? n : best;
    }
    kill(pid, SIGKILL);
    reap(pid);
    cap_delete(a_signal);
    cap_delete(b_signal);
    cap_delete(a);
    cap_delete(b);
    return (best - overhead) / 2;
}

static uint64_t console_per_byte(void)
{
    char line[256];
    memset(line, '.', sizeof(line));
    memcpy(line, "ipcbench: 256 bytes ", 20);
    line[255] = '\n';
    uint64_t best = ~0UL;
    for (int i = 0; i < 4; i++) {
        uint64_t start = instructions();
        write(1, line, sizeof(line));
        uint64_t n = instructions() - start;
        best = n < best ? n : best;
    }
    return (best - overhead) / sizeof(line);
}

int main(int argc, char **argv)
{
    test_name = "ipcbench";
    if (argc > 1 && strcmp(argv[1], "server") == 0)
        return server();
    if (argc > 1 && strcmp(argv[1], "reader") == 0)
        return reader();
    if (argc > 1 && strcmp(argv[1], "pong") == 0)
        return pong();
    if (argc > 1 && strcmp(argv[1], "lean-server") == 0)
        return lean_server();
    uint64_t t0 = instructions(), t1 = instructions();
    overhead = t1 - t0;
    if (overhead == 0) {
        printf("ipcbench: the PMU counts nothing; boot with QEMUEXTRA='-icount shift=0'\n");
        return 1;
    }
    int ep = endpoint_create();
    long caps[] = {SLOT_CONSOLE, ep};
    int pid = spawn_role("ipcbench", "server", NULL, caps, 2);
    if (ep < 0 || pid < 0)
        return 1;
    uint64_t call = round_trip(ep);
    struct ipc_msg stop = message(0, 0, 0, 0, 0), reply;
    ipc_call(ep, &stop, &reply);
    reap(pid);
    cap_delete(ep);
    uint64_t lean = lean_round_trip();
    uint64_t notify = signal_to_wait();
    uint64_t per_byte = console_per_byte();
    printf("ipcbench: call+reply_recv round trip: %lu instructions\n", lean);
    printf("ipcbench: the same through ipc_call and ipc_reply_recv (user/lib/ipc.c): %lu "
           "instructions\n",
           call);
    printf("ipcbench: signal to wait: %lu instructions\n", notify);
    printf("ipcbench: console output: %lu instructions per byte\n", per_byte);
    printf("ipcbench: IRQ to driver: %lu instructions\n", irq_to_driver());
    return 0;
}
