// manyclients — `manyclients SEED CLIENTS CALLS`: CLIENTS children call one server (this
// task) CALLS times each, under preemption, and the server tells them apart by badge alone
// (handout 5, "Exercise 3: call and reply").
//
// Each client gets a send capability minted with a badge of its own (from SEED); it never
// learns it from the kernel, it computes it as the server does.  A request carries the
// client's number, its sequence number and a word made from both; the server finds the
// client by the badge the kernel delivered, checks the request is that client's next one
// (none lost, none twice, none from another client's capability), and answers with the badge
// it saw and a word made from the request.  Between calls a client spins for a random while,
// so the timer preempts clients and the server at every point of a call.
#include "ipctest.h"

#define MAX_CLIENTS 16
#define CLIENT_SLOT 1
#define MAX_REPORTS 8

static uint64_t seed;

static unsigned long badge_of(int client)
{
    return (mix64(seed ^ (0xbadeUL << 20) ^ (uint64_t)client) & 0xffffffffffffUL) | 1;
}

static uint64_t token(int client, long call)
{
    return mix64(seed ^ ((uint64_t)client << 40) ^ (uint64_t)call);
}

static int client(int me, long calls)
{
    int wrong = 0;
    rng_seed(seed ^ (uint64_t)me);
    for (long i = 0; i < calls; i++) {
        struct ipc_msg m = message(i, (uint64_t)me, token(me, i), (uint64_t)i, ~token(me, i)),
                       reply;
        long r = ipc_call(CLIENT_SLOT, &m, &reply);
        int bad = r != 0 || reply.label != i || reply.w[0] != badge_of(me) ||
                  reply.w[1] != (token(me, i) ^ badge_of(me)) || reply.w[2] != (uint64_t)me;
        if (bad && wrong++ < 3)
            printf("manyclients: FAIL client %d, call %ld: expected result 0, label %ld, the "
                   "server to have seen badge 0x%lx; got result %ld, label %ld, badge 0x%lx "
                   "seen, client %lu\n",
                   me, i, i, badge_of(me), r, reply.label, reply.w[0], reply.w[2]);
        if (r < 0)
            return 2;
        for (volatile uint64_t n = rng_below(20000); n > 0; n--)
            ; // a random while, so that preemption hits everywhere
    }
    return wrong ? 1 : 0;
}

int main(int argc, char **argv)
{
    test_name = "manyclients";
    seed = arg_number(argc, argv, 1, 1);
    int clients = (int)arg_number(argc, argv, 2, 8);
    long calls = (long)arg_number(argc, argv, 3, 500);
    if (argc > 4 && strcmp(argv[4], "client") == 0)
        return client((int)arg_number(argc, argv, 5, 0), calls);
    if (clients < 1 || clients > MAX_CLIENTS)
        return 1;

    int ep = endpoint_create();
    if (!expect_true(ep >= 0, "endpoint_create: got %s", errno_name(ep)))
        return 1;
    int pids[MAX_CLIENTS];
    long next[MAX_CLIENTS] = {0};
    char number[MAX_CLIENTS][8], argv1[24], argv2[8], argv3[24];
    snprintf(argv1, sizeof(argv1), "%lu", seed);
    snprintf(argv2, sizeof(argv2), "%d", clients);
    snprintf(argv3, sizeof(argv3), "%ld", calls);
    for (int c = 0; c < clients; c++) {
        int badged = cap_mint(ep, RIGHT_SEND, badge_of(c));
        if (!expect_true(badged >= 0, "cap_mint(endpoint, RIGHT_SEND, 0x%lx): got %s", badge_of(c),
                         errno_name(badged)))
            return 1;
        long caps[] = {SLOT_CONSOLE, badged};
        snprintf(number[c], sizeof(number[c]), "%d", c);
        char *client_argv[] = {"manyclients", argv1, argv2, argv3, "client", number[c], NULL};
        pids[c] = spawn_caps("manyclients", client_argv, caps, 2);
        if (!expect_true(pids[c] > 0, "spawn of client %d: %s", c, errno_name(pids[c])))
            return 1;
        // The child has its copy; deleting ours (a copy) must leave the child's working.
        expect_result("cap_delete of the server's copy of a client's badged capability",
                      cap_delete(badged), 0);
    }

    long total = (long)clients * calls, served = 0, wrong = 0;
    struct ipc_msg m, reply = message(0, 0, 0, 0, 0);
    long r = ipc_recv(ep, &m);
    while (r >= 0) {
        int c = -1;
        for (int i = 0; i < clients; i++)
            if (badge_of(i) == m.badge)
                c = i;
        const char *what = NULL;
        if (r != 0)
            what = "result 0";
        else if (c < 0)
            what = "a badge minted for one of the clients";
        else if (m.w[0] != (uint64_t)c)
            what = "the badge of the client that sent it (w0 names the client)";
        else if (m.label != next[c])
            what = m.label < next[c] ? "the client's next call (this one came before: "
                                       "a duplicate)"
                                     : "the client's next call (one was lost)";
        else if (m.w[1] != token(c, m.label) || m.w[2] != (uint64_t)m.label ||
                 m.w[3] != ~token(c, m.label))
            what = "the words the client sent";
        if (what) {
            if (wrong++ < MAX_REPORTS)
                printf("manyclients: FAIL request %ld: expected %s; got result %ld, badge 0x%lx "
                       "(client %d), label %ld, from client %lu (whose next call is %ld)\n",
                       served, what, r, m.badge, c, m.label, m.w[0],
                       m.w[0] < (uint64_t)clients ? next[m.w[0]] : -1L);
        }
        if (c >= 0 && m.label == next[c])
            next[c]++;
        served++;
        reply = message(m.label, m.badge, m.w[1] ^ m.badge, m.w[0], 0);
        if (served == total)
            break;
        r = ipc_reply_recv(ep, &reply, &m);
    }
    if (r < 0)
        expect_true(0, "the server's receive: expected a message, got %s after %ld requests",
                    errno_name(r), served);
    else
        expect_result("the reply to the last call", ipc_reply(&reply), 0);
    int clients_ok = 0;
    for (int c = 0; c < clients; c++) {
        char name[24];
        snprintf(name, sizeof(name), "client %d", c);
        clients_ok += reap_ok(pids[c], name);
    }
    for (int c = 0; c < clients; c++)
        expect_true(next[c] == calls, "client %d: expected %ld calls served in order, got %ld", c,
                    calls, next[c]);
    printf("manyclients: %d clients x %ld calls: %ld served, %ld wrong; %d clients got every "
           "reply right\n",
           clients, calls, served, wrong, clients_ok);
    return checks_failed || wrong ? 1 : 0;
}
