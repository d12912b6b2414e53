// faultstorm.c — `faultstorm SEED ROUNDS`: every kind of exception a program at EL0 can
// cause, ROUNDS times over, each in a child of its own, up to 8 at once, in an order drawn
// from SEED.  The kernel must kill each child with the signal docs/syscalls.md gives for its
// fault (wait4 tells), and nothing else: the children that only execute hints (WFI, WFE)
// must run on and exit 0.  Afterwards the free frames (sysinfo) must be back where they were.
// `faultstorm kind NAME` is the child.  Exits with the number of children that ended wrongly.
//
// From lab 5 on each child faults holding capabilities and IPC state: an endpoint and a
// notification of its own, a badged copy of the parent's endpoint; and once a round the
// child of the first kind has taken a call from the parent, whose ipc_call must then return
// EPIPE (a server that dies by a fault before replying).  A fault ends a task through the
// same door as exit and kill, so all of it must go: the kernel's counts (keel_stats: objects,
// capabilities, kmalloc's allocations) must be back where they were too.
#include "ulib.h"

#define IN_FLIGHT 8
#define MAX_REPORTED 5

static unsigned long scratch[2];
static unsigned int landing[4]; // data: never executable

// Each kind does one thing that must end in an exception from EL0.  Written in assembly where
// the exact instruction matters.  Not here: SVC with a bad number (no fault, just ENOSYS: the
// fuzzer tries those); an SP alignment fault (Keel sets SCTLR_EL1.SA0, but QEMU 7.2 does not
// model it: a load through a misaligned SP just works there); the debug exceptions (software
// step, breakpoints, watchpoints), which only a debugger at EL1 can arm; SError.

static void null_read(void)
{
    __asm__ volatile("mov x0, #0\n ldr x0, [x0]" ::: "x0", "memory");
}

static void unmapped_write(void)
{
    __asm__ volatile("str xzr, [%0]" ::"r"(0x10000000UL) : "memory");
}

static void code_write(void)
{
    __asm__ volatile("str wzr, [%0]" ::"r"(code_write) : "memory");
}

static void kernel_read(void)
{
    __asm__ volatile("ldr x0, [%0]" ::"r"(0xffffff8040200000UL) : "x0", "memory");
}

static void noncanonical_read(void) // bits 63..39 neither all 0 nor all 1: no table at all
{
    __asm__ volatile("ldr x0, [%0]" ::"r"(0x0001000000400000UL) : "x0", "memory");
}

static int recurse(int depth) // 512 bytes of stack each time, until the guard
{
    volatile char pad[512];
    pad[0] = (char)depth;
    return depth == 0 ? pad[0] : recurse(depth - 1) + pad[0];
}

static void stack_overflow(void)
{
    recurse(1 << 20);
}

static void data_execute(void)
{
    __asm__ volatile("blr %0" ::"r"(landing) : "x30", "memory");
}

static void unmapped_execute(void)
{
    __asm__ volatile("blr %0" ::"r"(0x10000000UL) : "x30", "memory");
}

static void kernel_execute(void)
{
    __asm__ volatile("blr %0" ::"r"(0xffffff8040202000UL) : "x30", "memory");
}

static void exclusive_unaligned(void) // exclusives must be aligned even with SCTLR_EL1.A = 0
{
    __asm__ volatile("ldxr x0, [%0]" ::"r"((char *)scratch + 1) : "x0", "memory");
}

static void pc_unaligned(void) // a branch to an address that is not a multiple of 4
{
    __asm__ volatile("br %0" ::"r"((char *)pc_unaligned + 2) : "memory");
}

static void undefined(void)
{
    __asm__ volatile("udf #0");
}

static void el1_register(void) // an EL1 register is undefined at EL0
{
    __asm__ volatile("mrs x0, ttbr1_el1" ::: "x0");
}

static void masking_interrupts(void) // DAIF at EL0 traps while SCTLR_EL1.UMA is 0
{
    __asm__ volatile("msr daifset, #2");
}

static void zeroing_by_dc_zva(void) // DC ZVA at EL0 traps while SCTLR_EL1.DZE is 0
{
    __asm__ volatile("dc zva, %0" ::"r"(scratch) : "memory");
}

static void floating_point(void) // CPACR_EL1.FPEN = 0: the kernel saves no FP registers
{
    __asm__ volatile("fmov d0, xzr");
}

static void breakpoint(void)
{
    __asm__ volatile("brk #0x2a");
}

static void hvc_power_off(void) // HVC is undefined at EL0: this must not power off QEMU
{
    __asm__ volatile("mov x0, %0\n hvc #0" ::"r"(0x84000008UL) : "x0");
}

static void smc_call(void) // SMC is undefined at EL0
{
    __asm__ volatile("smc #0");
}

static void semihosting_exit(void) // QEMU's semihosting serves EL1, never EL0
{
    static const uint64_t block[2] = {0x20026, 0};
    __asm__ volatile("mov w0, #0x18\n mov x1, %0\n hlt #0xf000" ::"r"(block) : "x0", "x1");
}

static void eret_from_el0(void) // ERET is undefined at EL0
{
    __asm__ volatile("eret");
}

static void wait_for_interrupt(void) // a hint: Keel takes it as a yield
{
    for (int i = 0; i < 3; i++)
        __asm__ volatile("wfi");
}

static void wait_for_event(void) // the same
{
    for (int i = 0; i < 3; i++)
        __asm__ volatile("wfe");
}

struct kind {
    const char *name;
    void (*run)(void);
    int signal; // 0: must survive and exit 0
};

static const struct kind kinds[] = {
    {"null-read", null_read, SIGSEGV},
    {"unmapped-write", unmapped_write, SIGSEGV},
    {"code-write", code_write, SIGSEGV},
    {"kernel-read", kernel_read, SIGSEGV},
    {"noncanonical-read", noncanonical_read, SIGSEGV},
    {"stack-overflow", stack_overflow, SIGSEGV},
    {"data-execute", data_execute, SIGSEGV},
    {"unmapped-execute", unmapped_execute, SIGSEGV},
    {"kernel-execute", kernel_execute, SIGSEGV},
    {"exclusive-unaligned", exclusive_unaligned, SIGBUS},
    {"pc-unaligned", pc_unaligned, SIGBUS},
    {"undefined", undefined, SIGILL},
    {"el1-register", el1_register, SIGILL},
    {"masking-interrupts", masking_interrupts, SIGILL},
    {"dc-zva", zeroing_by_dc_zva, SIGILL},
    {"floating-point", floating_point, SIGILL},
    {"brk", breakpoint, SIGTRAP},
    {"hvc", hvc_power_off, SIGILL},
    {"smc", smc_call, SIGILL},
    {"semihosting", semihosting_exit, SIGILL},
    {"eret", eret_from_el0, SIGILL},
    {"wfi", wait_for_interrupt, 0},
    {"wfe", wait_for_event, 0},
};
#define NKINDS (int)(sizeof(kinds) / sizeof(kinds[0]))

static uint64_t random_state;

static uint64_t random64(void) // xorshift64*, as in fuzz/main.c
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * 0x2545F4914F6CDD1DUL;
}

#if LAB >= 5
#define CALLED_KIND 0 // the kind whose child takes the parent's call before it faults
#define STORM_LABEL 0x73746f726dUL

// Lab 5: what the child holds when it faults (slot 1: a copy of the parent's endpoint).
static void hold_capabilities(int kind)
{
    endpoint_create();
    notification_create();
    cap_mint(1, RIGHT_SEND, 1 + (unsigned long)kind);
    if (kind == CALLED_KIND) {
        struct ipc_msg m;
        ipc_recv(1, &m); // the parent's call: its reply right is ours now
    }
}
#endif

static int child(const char *name)
{
    for (int i = 0; i < NKINDS; i++) {
        if (strcmp(name, kinds[i].name) == 0) {
#if LAB >= 5
            hold_capabilities(i);
#endif
            kinds[i].run();
            return kinds[i].signal == 0 ? 0 : 99; // 99: it should not have survived
        }
    }
    return 98;
}

static unsigned long free_frames(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? info.freeram : 0;
}

static int wrong, children, calls_broken;
#if LAB >= 5
static int endpoint = -1; // the parent's: each child gets a copy in slot 1

static int keel_stats_now(struct keel_stats *s)
{
    return (int)syscall6(SYS_keel_stats, (long)s, 0, 0, 0, 0, 0);
}
#endif
static struct {
    int pid, kind;
} in_flight[IN_FLIGHT];

// Waits for any child and checks how it ended; frees its slot in in_flight.
static void reap_one(void)
{
    int status = 0, pid = waitpid(-1, &status, 0);
    for (int i = 0; i < IN_FLIGHT; i++) {
        if (in_flight[i].pid != pid || pid <= 0)
            continue;
        const struct kind *k = &kinds[in_flight[i].kind];
        int ok =
            k->signal == 0 ? status == 0 : WIFSIGNALED(status) && WTERMSIG(status) == k->signal;
        if (!ok && ++wrong <= MAX_REPORTED)
            printf("faultstorm: FAIL %s (pid %d): %s %d, expected %s %d\n", k->name, pid,
                   WIFSIGNALED(status) ? "killed by signal" : "exited with status",
                   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
                   k->signal ? "killed by signal" : "exited with status", k->signal);
        in_flight[i].pid = 0;
        return;
    }
    if (++wrong <= MAX_REPORTED)
        printf("faultstorm: FAIL wait4 returned %d (%s), not a child in flight\n", pid,
               pid < 0 ? errno_name(pid) : "unknown pid");
}

static void start(int kind)
{
    int slot = 0;
    while (in_flight[slot].pid != 0)
        if (++slot == IN_FLIGHT) {
            reap_one();
            slot = 0;
        }
    char *argv[] = {"faultstorm", "kind", (char *)kinds[kind].name, NULL};
#if LAB >= 5
    long caps[2] = {SLOT_CONSOLE, endpoint};
    int pid = spawn_caps("faultstorm", argv, caps, 2);
#else
    int pid = spawn("faultstorm", argv);
#endif
    if (pid < 0) {
        if (++wrong <= MAX_REPORTED)
            printf("faultstorm: FAIL spawn for %s: %s\n", kinds[kind].name, errno_name(pid));
        return;
    }
    in_flight[slot].pid = pid;
    in_flight[slot].kind = kind;
    children++;
#if LAB >= 5
    if (kind == CALLED_KIND) { // it takes this call and then faults: EPIPE, never a hang
        struct ipc_msg m = {.label = (long)STORM_LABEL, .cap = CAP_NONE}, reply;
        long r = ipc_call(endpoint, &m, &reply);
        if (r != -EPIPE && ++calls_broken <= MAX_REPORTED)
            printf("faultstorm: FAIL ipc_call to %s (pid %d), which faults holding the call, "
                   "returned %ld (%s), expected EPIPE\n",
                   kinds[kind].name, pid, r, r < 0 ? errno_name(r) : "not an error");
    }
#endif
}

int main(int argc, char **argv)
{
    unsigned long seed, rounds;
    if (argc == 3 && strcmp(argv[1], "kind") == 0)
        return child(argv[2]);
    if (argc != 3 || parse_u64(argv[1], &seed) != 0 || parse_u64(argv[2], &rounds) != 0) {
        printf("usage: faultstorm SEED ROUNDS\n");
        return 2;
    }
    random_state = seed * 0x9E3779B97F4A7C15UL + 1;
#if LAB >= 5
    endpoint = endpoint_create();
    struct keel_stats stats_before, stats_after;
#endif
    start(NKINDS - 1); // one child first: whatever is allocated once for good, is now
    reap_one();
    children = 0;
    unsigned long before = free_frames();
#if LAB >= 5
    keel_stats_now(&stats_before);
#endif
    int order[NKINDS];
    for (unsigned long r = 0; r < rounds; r++) {
        for (int i = 0; i < NKINDS; i++)
            order[i] = i;
        for (int i = NKINDS - 1; i > 0; i--) { // every kind once a round, in a random order
            int j = (int)(random64() % (uint64_t)(i + 1)), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < NKINDS; i++)
            start(order[i]);
    }
    for (int i = 0; i < IN_FLIGHT; i++) // reap_one takes whichever child ends first
        while (in_flight[i].pid != 0)
            reap_one();
    unsigned long after = free_frames();
    char counts[200] = "";
    int counts_back = 1;
#if LAB >= 5
    keel_stats_now(&stats_after);
    snprintf(counts, sizeof(counts),
             "; calls to a faulting server: %lu, %d not EPIPE; objects before %u, after %u; "
             "caps before %u, after %u; kmalloc objects before %u, after %u",
             rounds, calls_broken, stats_before.objects, stats_after.objects, stats_before.caps,
             stats_after.caps, stats_before.kmalloc_objects, stats_after.kmalloc_objects);
    counts_back = stats_before.objects == stats_after.objects &&
                  stats_before.caps == stats_after.caps &&
                  stats_before.kmalloc_objects == stats_after.kmalloc_objects;
    cap_delete(endpoint);
#endif
    printf("faultstorm: %d children of %d kinds in %lu rounds, %d ended wrongly; free frames "
           "before %lu, after %lu%s\n",
           children, NKINDS, rounds, wrong, before, after, counts);
    return wrong + calls_broken + (before != after) + !counts_back;
}
