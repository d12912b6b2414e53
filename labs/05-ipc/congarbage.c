// congarbage — `congarbage SEED N`: the console server survives N garbage messages from a
// client and still serves (handout 5, "Exercise 7: the console server";
// docs/protocols/console.md, "Anything else").
//
// Through its slot 0 it sends, in an order drawn from SEED: calls with random labels whose
// request byte is no request (-ENOSYS), CONSOLE_WRITE with lengths over 32 and huge ones,
// CONSOLE_READ and CONSOLE_STATS with wrong labels or a wrong max (-EINVAL), calls that pass
// a capability (-EINVAL, and the server must delete it: 200 of them would fill its table),
// plain sends and non-blocking sends of anything, and random words everywhere.  Every reply
// must be what the protocol says.  Then a CONSOLE_STATS and an ordinary line of output
// must still work.
#include "ipctest.h"
#include "proto/console.h"

#define MAX_REPORTS 10

static int wrong;

// Whether a label's request byte names one of the requests a task may make.
static int is_request(unsigned int request)
{
    return request >= CONSOLE_WRITE && request <= CONSOLE_STATS;
}

static void check_reply(const char *kind, long label, long r, const struct ipc_msg *reply,
                        long want)
{
    if (r == 0 && reply->label == want)
        return;
    if (wrong++ < MAX_REPORTS)
        printf("congarbage: FAIL %s (label 0x%lx): expected the reply label %ld, got result "
               "%ld, label %ld\n",
               kind, label, want, r, r == 0 ? reply->label : 0);
}

static unsigned long random_length_over_32(void)
{
    switch (rng_below(3)) {
    case 0:
        return 33 + rng_below(224);
    case 1:
        return 33 + rng_below(1UL << 40);
    default:
        return (rng_next() >> 8) | (1UL << 55); // every bit above the low byte: huge
    }
}

int main(int argc, char **argv)
{
    test_name = "congarbage";
    uint64_t seed = arg_number(argc, argv, 1, 1);
    long n = (long)arg_number(argc, argv, 2, 2000);
    rng_seed(seed);
    long counts[8] = {0}, passed_through = 0, refused_pass = 0;
    for (long i = 0; i < n; i++) {
        struct ipc_msg m = message(0, rng_next(), rng_next(), rng_next(), rng_next()), reply;
        int kind = (int)rng_below(8);
        long r;
        counts[kind]++;
        switch (kind) {
        case 0: // no request: a random label whose low byte is not 1, 2 or 3
            do
                m.label = (long)rng_next();
            while (is_request(console_request(m.label)));
            r = ipc_call(SLOT_CONSOLE, &m, &reply);
#if LAB >= 6
            // The kernel's own request (lab 6) is refused to a task, whatever else it says.
            if (console_request(m.label) == CONSOLE_WRITE_SHARED) {
                check_reply("the kernel's CONSOLE_WRITE_SHARED sent by a task", m.label, r, &reply,
                            -EPERM);
                break;
            }
#endif
            check_reply("a label that is no request", m.label, r, &reply, -ENOSYS);
            break;
        case 1: // a write longer than a message holds
            m.label = console_label(CONSOLE_WRITE, random_length_over_32());
            r = ipc_call(SLOT_CONSOLE, &m, &reply);
            check_reply("CONSOLE_WRITE of more than 32 bytes", m.label, r, &reply, -EINVAL);
            break;
        case 2: // a read with a bad max
            m.label = CONSOLE_READ;
            m.w[0] = rng_below(2) ? 0 : 33 + rng_below(1UL << 62);
            r = ipc_call(SLOT_CONSOLE, &m, &reply);
            check_reply("CONSOLE_READ with max outside 1..32", m.label, r, &reply, -EINVAL);
            break;
        case 3: // read or stats with bits above the request byte
            m.label = console_label(rng_below(2) ? CONSOLE_READ : CONSOLE_STATS,
                                    1 + rng_below(1UL << 50));
            m.w[0] = 1 + rng_below(32);
            r = ipc_call(SLOT_CONSOLE, &m, &reply);
            check_reply("CONSOLE_READ or CONSOLE_STATS with a label that is not exactly its "
                        "request",
                        m.label, r, &reply, -EINVAL);
            break;
        case 4: { // a call that passes a capability (needs grant on slot 0)
            int c = rng_below(2) ? notification_create() : endpoint_create();
            m.label = (long)rng_next();
            m.cap = c;
            r = ipc_call(SLOT_CONSOLE, &m, &reply);
            if (r == -EPERM) {
                refused_pass++; // slot 0 has no grant right: the kernel refuses, fine
            } else {
                passed_through++;
                if (r == -EMFILE && wrong++ < MAX_REPORTS)
                    printf("congarbage: FAIL a call passing a capability: -EMFILE after %ld "
                           "passed: the server's table is full; it must delete what clients "
                           "pass it\n",
                           passed_through);
                else
                    check_reply("a call passing a capability", m.label, r, &reply, -EINVAL);
            }
            cap_delete(c);
            break;
        }
        case 5: // a plain send: no caller to answer (not a read: a read sent is dropped)
            do
                m.label = (long)rng_next();
            while (console_request(m.label) == CONSOLE_WRITE && console_length(m.label) <= 32);
            r = ipc_send(SLOT_CONSOLE, &m);
            if (r != 0 && wrong++ < MAX_REPORTS)
                printf("congarbage: FAIL a plain send (label 0x%lx): expected 0, got %ld\n",
                       m.label, r);
            break;
        case 6: // a non-blocking send: taken at once if the server waits, else EAGAIN
            m.label = (long)rng_next() | 0xff;
            r = ipc_nbsend(SLOT_CONSOLE, &m);
            if (r != 0 && r != -EAGAIN && wrong++ < MAX_REPORTS)
                printf("congarbage: FAIL ipc_nbsend: expected 0 or -EAGAIN, got %ld\n", r);
            break;
        default: // a good CONSOLE_STATS among the garbage, and a write of nothing
            m.label = rng_below(2) ? CONSOLE_STATS : console_label(CONSOLE_WRITE, 0);
            r = ipc_call(SLOT_CONSOLE, &m, &reply);
            check_reply(m.label == CONSOLE_STATS ? "CONSOLE_STATS with random words"
                                                 : "CONSOLE_WRITE of 0 bytes",
                        m.label, r, &reply, 0);
            if (m.label == CONSOLE_STATS && r == 0 && reply.w[1] != 0 && wrong++ < MAX_REPORTS)
                printf("congarbage: FAIL CONSOLE_STATS: %lu bytes dropped\n", reply.w[1]);
        }
    }
    struct ipc_msg m = message(CONSOLE_STATS, 0, 0, 0, 0), reply;
    long r = ipc_call(SLOT_CONSOLE, &m, &reply);
    printf("congarbage: %ld garbage messages (%ld no request, %ld long writes, %ld bad reads, "
           "%ld inexact labels, %ld passing a capability (%ld refused by the kernel: no grant), "
           "%ld plain sends, %ld non-blocking, %ld good), %d wrong replies\n",
           n, counts[0], counts[1], counts[2], counts[3], counts[4], refused_pass, counts[5],
           counts[6], counts[7], wrong);
    printf("congarbage: the console server still serves: CONSOLE_STATS -> %ld, %lu bytes "
           "written so far\n",
           r == 0 ? reply.label : r, reply.w[2]);
    return wrong == 0 && r == 0 && reply.label == 0 ? 0 : 1;
}
