// pingpong — `pingpong NONCE ROUNDS`: ROUNDS call/reply_recv round trips between this task
// and a server child over one endpoint (handout 5, "Exercise 3: call and reply").
//
// Round i's request has label i + 1 and four words made from NONCE and i; the server checks
// every request (its label is the next one: none lost, none repeated; its words; badge 0, no
// capability) and answers with label ~label and words that depend on all four words of the
// request, which the client checks.  A message whose words were not all copied, that went to
// the wrong task or came back twice shows in the first round it happens.  Label 0 ends it.
//
// About one round in four (drawn from NONCE), the server answers with ipc_reply, yields, and
// only then receives: the client's next call finds no server waiting and queues, and the
// server's recv takes it from the queue.  So both ways through the kernel are used: the fast
// path (kernel/ipc/fastpath.c: call to a waiting server, reply_recv to a waiting caller) and
// the general one (endpoint.c, reply.c), which must give the same results.
#include "ipctest.h"

#define SERVER_SLOT 1 // the server child's copy of the endpoint
#define MAX_REPORTS 5

static uint64_t nonce;

static uint64_t request_word(uint64_t round, int j)
{
    return mix64(nonce ^ (round << 8) ^ (uint64_t)j);
}

// The answer to words w: each word of it depends on two of w's, and on the nonce.
static void answer(const unsigned long w[4], unsigned long out[4])
{
    for (int j = 0; j < 4; j++)
        out[j] = (w[j] ^ nonce) + w[(j + 1) % 4] * 3 + (uint64_t)j;
}

static int server(void)
{
    struct ipc_msg m, reply = message(0, 0, 0, 0, 0);
    long expected = 1, wrong = 0;
    long r = ipc_recv(SERVER_SLOT, &m);
    for (;;) {
        int bad =
            r != 0 || m.badge != 0 || m.cap != CAP_NONE || (m.label != expected && m.label != 0);
        for (int j = 0; m.label != 0 && j < 4; j++)
            bad |= m.w[j] != request_word(m.label - 1, j);
        if (bad && wrong++ < MAX_REPORTS)
            printf("pingpong: FAIL server: request %ld: got result %ld, label %ld, badge %lu, "
                   "cap %ld, words %lx %lx %lx %lx\n",
                   expected, r, m.label, m.badge, m.cap, m.w[0], m.w[1], m.w[2], m.w[3]);
        if (r < 0)
            return 2; // recv itself fails: it would fail for ever
        if (m.label == 0)
            break;
        expected = m.label + 1;
        reply.label = ~m.label;
        answer(m.w, reply.w);
        if ((mix64(nonce ^ (uint64_t)m.label ^ 0x51) & 3) == 0) {
            long sent = ipc_reply(&reply); // the general path, and the caller queues next
            yield();
            if (sent != 0 && wrong++ < MAX_REPORTS)
                printf("pingpong: FAIL server: ipc_reply to request %ld returned %ld\n", m.label,
                       sent);
            r = ipc_recv(SERVER_SLOT, &m);
        } else {
            r = ipc_reply_recv(SERVER_SLOT, &reply, &m);
        }
    }
    reply.label = wrong;
    ipc_reply(&reply);
    printf("pingpong: server: %ld requests, %ld wrong\n", expected - 1, wrong);
    return wrong ? 1 : 0;
}

int main(int argc, char **argv)
{
    test_name = "pingpong";
    nonce = arg_number(argc, argv, 1, 12345);
    long rounds = (long)arg_number(argc, argv, 2, 10000);
    if (argc > 3 && strcmp(argv[3], "server") == 0)
        return server();

    int ep = endpoint_create();
    if (!expect_true(ep >= 0, "endpoint_create: expected a slot, got %s", errno_name(ep)))
        return 1;
    long caps[] = {SLOT_CONSOLE, ep};
    char nonce_text[24], rounds_text[24];
    snprintf(nonce_text, sizeof(nonce_text), "%lu", nonce);
    snprintf(rounds_text, sizeof(rounds_text), "%ld", rounds);
    char *server_argv[] = {"pingpong", nonce_text, rounds_text, "server", NULL};
    int pid = spawn_caps("pingpong", server_argv, caps, 2);
    if (!expect_true(pid > 0, "spawn of the server: %s", errno_name(pid)))
        return 1;

    long wrong = 0, done = 0;
    struct ipc_msg m, reply;
    for (long i = 0; i < rounds; i++) {
        m = message(i + 1, request_word(i, 0), request_word(i, 1), request_word(i, 2),
                    request_word(i, 3));
        memset(&reply, 0x5a, sizeof(reply));
        long r = ipc_call(ep, &m, &reply);
        unsigned long want[4];
        answer(m.w, want);
        int bad = r != 0 || reply.label != ~m.label || reply.cap != CAP_NONE;
        for (int j = 0; j < 4; j++)
            bad |= reply.w[j] != want[j];
        if (bad && wrong++ < MAX_REPORTS)
            printf("pingpong: FAIL round %ld: expected result 0, label %ld, words %lx %lx %lx "
                   "%lx, no capability; got result %ld, label %ld, words %lx %lx %lx %lx, "
                   "cap %ld\n",
                   i + 1, ~m.label, want[0], want[1], want[2], want[3], r, reply.label, reply.w[0],
                   reply.w[1], reply.w[2], reply.w[3], reply.cap);
        if (r < 0)
            break;
        done++;
    }
    m = message(0, 0, 0, 0, 0);
    long r = ipc_call(ep, &m, &reply);
    expect_true(r == 0 && reply.label == 0,
                "the server's answer to the last message: expected "
                "0 wrong requests, got result %ld, label %ld",
                r, reply.label);
    reap_ok(pid, "the server");
    printf("pingpong: %ld round trips, %ld wrong replies\n", done, wrong);
    return wrong || checks_failed ? 1 : 0;
}
