// regs — every register a task owns must survive interrupts, system calls and task switches
// (docs/syscalls.md: a system call changes x0 and nothing else; an interrupt, nothing).
//
// `regs [SEED [SPIN_MS]]` starts a partner, `regs SEED SPIN_MS+30 partner`, that does the
// same with values of its own, so that a switch away and back swaps two full register
// files.  Then, in two rounds, it puts patterns made from SEED in x0-x30, SP, NZCV and
// TPIDR_EL0 (hold.S) and
//   1. yields: sched_yield switches to the partner, and the partner's yield or the timer
//      switches back;
//   2. makes a null system call, getppid;
//   3. spins for SPIN_MS ms of CNTVCT_EL0 (default 100) while the timer interrupts it and
//      the scheduler switches to the partner and back: with 10 ms time slices, a spin of
//      20 ms or more is preempted at least once and runs for at least 10 ms itself;
// and compares every register after each.  The spin uses two registers itself and the record
// one: x9 and x10 in round 0, x11 and x12 in round 1, so every register is checked after every
// kind of event in one round or the other, whatever SEED.  NZCV holds a value in round 0 and
// its complement in round 1, so each flag is checked both set and clear.  The partner spins
// 30 ms (three slices) longer, so that it is there to switch to until this task's last spin
// has been preempted.
//
// A new task starts with TPIDR_EL0 = 0 (as on Linux): the partner checks that first; this
// task set its own TPIDR_EL0 before starting it.
//
// Prints a line per event and a FAIL line per lost register; exits with the number lost.
#include "regs.h"
#include "mix.h"
#include "ulib.h"

enum role { MAIN, PARTNER };
static const char *const role_names[] = {"main", "partner"};

#define SLOT_SP 31
#define SLOT_NZCV 32 // not a pattern: flags() gives it
#define SLOT_TPIDR 33

static uint64_t seed;

// The value `role` puts in register `slot` (0-30: x0-x30, SLOT_SP, SLOT_TPIDR) in `round`:
// never 0, and SP 16-byte aligned, as the architecture wants it whenever it is used.
static uint64_t pattern(enum role role, int round, int slot)
{
    uint64_t v = mix64(seed ^ ((uint64_t)role << 40) ^ ((uint64_t)round << 32) ^ (uint64_t)slot);
    if (slot == SLOT_SP)
        return (v & ~15UL) | 16;
    return v | 1;
}

// NZCV (bits 31..28): main has m in round 0 and ~m in round 1; the partner m ^ 3, which
// differs from both in two flags, so a swap of the two tasks' flags always shows.
static uint64_t flags(enum role role, int round)
{
    uint64_t m = seed & 0xf;
    uint64_t f = role == PARTNER ? m ^ 3 : round == 0 ? m : m ^ 0xf;
    return f << 28;
}

static void fill(struct regs *r, enum role role, int round)
{
    for (int i = 0; i < 31; i++)
        r->x[i] = pattern(role, round, i);
    r->sp = pattern(role, round, SLOT_SP);
    r->nzcv = flags(role, round);
    r->tpidr = pattern(role, round, SLOT_TPIDR);
}

static uint64_t counter(void)
{
    uint64_t n;
    __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(n)::"memory");
    return n;
}

static uint64_t counter_frequency(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
}

static uint64_t read_tpidr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
    return v;
}

static void write_tpidr(uint64_t v)
{
    __asm__ volatile("msr tpidr_el0, %0" ::"r"(v));
}

static void slot_name(int slot, char *buf, size_t size)
{
    if (slot == SLOT_SP)
        strlcpy(buf, "sp", size);
    else if (slot == SLOT_TPIDR)
        strlcpy(buf, "tpidr_el0", size);
    else
        snprintf(buf, size, "x%d", slot);
}

// Prints whose value a lost register holds instead, if it is one of the patterns.
static void print_whose(uint64_t value)
{
    char name[12];
    for (int role = MAIN; role <= PARTNER; role++)
        for (int round = 0; round < 2; round++)
            for (int slot = 0; slot <= SLOT_TPIDR; slot++)
                if (slot != SLOT_NZCV && pattern(role, round, slot) == value) {
                    slot_name(slot, name, sizeof(name));
                    printf(" (%s's %s of round %d)", role_names[role], name, round);
                    return;
                }
}

static int check(enum role role, int round, const char *event, const char *name, uint64_t want,
                 uint64_t got)
{
    if (got == want)
        return 0;
    printf("regs: FAIL %s: %s after %s (round %d): expected 0x%lx, got 0x%lx", role_names[role],
           name, event, round, want, got);
    print_whose(got);
    printf("\n");
    return 1;
}

// Compares every register but x[skip1] and x[skip2]; returns how many differ.
static int compare(enum role role, int round, const char *event, const struct regs *want,
                   const struct regs *got, int skip1, int skip2)
{
    char name[12];
    int lost = 0;
    for (int i = 0; i < 31; i++) {
        if (i == skip1 || i == skip2)
            continue;
        slot_name(i, name, sizeof(name));
        lost += check(role, round, event, name, want->x[i], got->x[i]);
    }
    lost += check(role, round, event, "sp", want->sp, got->sp);
    lost += check(role, round, event, "nzcv", want->nzcv, got->nzcv);
    lost += check(role, round, event, "tpidr_el0", want->tpidr, got->tpidr);
    printf("regs: %s: round %d: %s: %s\n", role_names[role], round, event,
           lost == 0 ? "every register kept" : "registers lost");
    return lost;
}

static void (*const hold_svc[2])(const struct regs *, struct regs *) = {hold_svc_x9, hold_svc_x11};
static void (*const hold_spin[2])(const struct regs *, struct regs *) = {hold_spin_x9,
                                                                         hold_spin_x11};

// One round of the three events; returns the number of registers lost.
static int run_round(enum role role, int round, unsigned long spin_ms)
{
    int base = round == 0 ? 9 : 11; // the register hold.S stores through (and the deadline)
    struct regs want, got;
    int lost = 0;

    fill(&want, role, round);
    want.x[8] = SYS_sched_yield;
    hold_svc[round](&want, &got);
    want.x[0] = 0; // sched_yield's result
    lost += compare(role, round, "sched_yield", &want, &got, base, base);

    fill(&want, role, round);
    want.x[8] = SYS_getppid;
    hold_svc[round](&want, &got);
    want.x[0] = (uint64_t)getppid();
    lost += compare(role, round, "getppid", &want, &got, base, base);

    char event[40];
    snprintf(event, sizeof(event), "spinning %lu ms", spin_ms);
    fill(&want, role, round);
    want.x[base] = counter() + spin_ms * counter_frequency() / 1000;
    hold_spin[round](&want, &got);
    lost += compare(role, round, event, &want, &got, base, base + 1);
    return lost;
}

int main(int argc, char **argv)
{
    uint64_t tpidr_at_entry = read_tpidr();
    unsigned long spin_ms = 100;
    seed = counter();
    if ((argc > 1 && parse_u64(argv[1], &seed) != 0) ||
        (argc > 2 && parse_u64(argv[2], &spin_ms) != 0)) {
        printf("usage: regs [SEED [SPIN_MS]]\n");
        return 1;
    }
    enum role role = argc > 3 && strcmp(argv[3], "partner") == 0 ? PARTNER : MAIN;
    int lost = 0, partner = 0;
    if (role == PARTNER) {
        lost += check(role, 0, "starting", "tpidr_el0", 0, tpidr_at_entry);
        printf("regs: partner: tpidr_el0 at entry 0x%lx\n", tpidr_at_entry);
    } else {
        char seed_text[24], spin_text[24];
        snprintf(seed_text, sizeof(seed_text), "%lu", seed);
        snprintf(spin_text, sizeof(spin_text), "%lu", spin_ms + 30);
        char *partner_argv[] = {"regs", seed_text, spin_text, "partner", NULL};
        write_tpidr(pattern(MAIN, 1, SLOT_TPIDR)); // a new task must not inherit this
        partner = spawn("regs", partner_argv);
        if (partner < 0) {
            printf("regs: FAIL cannot start the partner: %s\n", errno_name(partner));
            return 1;
        }
    }
    for (int round = 0; round < 2; round++)
        lost += run_round(role, round, spin_ms);
    printf("regs: %s: %d registers lost in 6 events\n", role_names[role], lost);
    if (role == PARTNER)
        return lost;
    int status = -1;
    if (waitpid(partner, &status, 0) != partner || status != 0) {
        printf("regs: FAIL the partner ended with status 0x%x\n", status);
        lost++;
    }
    if (lost == 0)
        printf("regs: all registers survived interrupts, system calls and task switches\n");
    return lost < 255 ? lost : 255;
}
