// switch_selftest.c — test=context-switch: both sides of context_switch get back their
// callee-saved registers x19-x29, their SP and their TPIDR_EL0 (given code; the assembly is
// in switch_hold.S).
//
// schedule() calls context_switch like any function, so C code on either side keeps its
// variables in x19-x29 across it, and a switch that loses one of them breaks some caller of
// schedule() somewhere, now and then, depending on how the compiler used the registers.
// This test does not depend on the compiler: the caller (this code, on the boot stack) and a
// partner (on a stack of its own) each put patterns from the nonce in x19-x29 and TPIDR_EL0
// and switch to the other; each checks its own registers when it is switched back to.  Two
// rounds trip: the partner's first run starts fresh at switch_partner (the path of a new
// task), its second resumes inside its own call of context_switch.  No task and no
// scheduler is involved, and interrupts are masked.
#include "debug/printf.h"
#include "debug/switch_selftest.h"
#include "dev/irq.h"
#include "lib/mix.h"
#include "lib/string.h"

struct context switch_main_context, switch_partner_context;
struct callee_regs switch_partner_want, switch_partner_got;

static uint8_t partner_stack[4096] __attribute__((aligned(16)));
static uint32_t test_nonce;

// Patterns for side `side` (0 the caller, 1 the partner) in round `round`.
static void fill(struct callee_regs *r, int side, int round)
{
    uint64_t base = ((uint64_t)test_nonce << 8) ^ ((uint64_t)side << 6) ^ ((uint64_t)round << 5);
    for (int i = 0; i < 10; i++)
        r->x19_to_x28[i] = mix64(base ^ (uint64_t)i) | 1;
    r->x29 = mix64(base ^ 10) | 1;
    r->tpidr_el0 = mix64(base ^ 11) | 1;
}

static int check(const char *who, int round, const char *name, uint64_t want, uint64_t got)
{
    if (got == want)
        return 0;
    printf("context-switch-selftest %u: FAIL %s of the %s after a switch away and back (round "
           "%d): expected 0x%lx, got 0x%lx\n",
           test_nonce, name, who, round, want, got);
    return 1;
}

static int compare(const char *who, int round, const struct callee_regs *want,
                   const struct callee_regs *got)
{
    char name[8];
    int lost = 0;
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof(name), "x%d", 19 + i);
        lost += check(who, round, name, want->x19_to_x28[i], got->x19_to_x28[i]);
    }
    lost += check(who, round, "x29", want->x29, got->x29);
    lost += check(who, round, "tpidr_el0", want->tpidr_el0, got->tpidr_el0);
    lost += check(who, round, "sp", got->sp_before, got->sp);
    return lost;
}

void selftest_context_switch(uint32_t nonce)
{
    test_nonce = nonce;
    memset(&switch_main_context, 0, sizeof(switch_main_context));
    memset(&switch_partner_context, 0, sizeof(switch_partner_context));
    // As spawn.c starts a new task: context_switch "returns" into switch_partner.
    switch_partner_context.x30 = (uint64_t)switch_partner;
    switch_partner_context.sp = (uint64_t)(partner_stack + sizeof(partner_stack));
    uint64_t flags = irq_save();
    struct callee_regs partner_want[2];
    int lost = 0;
    for (int round = 0; round < 2; round++) {
        struct callee_regs want, got;
        fill(&want, 0, round);
        fill(&partner_want[round], 1, round);
        switch_partner_want = partner_want[round];
        switch_and_record(&want, &got);
        lost += compare("caller", round, &want, &got);
    }
    // What the partner recorded when round 1 switched back to it: its round 0 registers, and
    // its SP, which must still be the top of its stack.
    switch_partner_got.sp_before = (uint64_t)(partner_stack + sizeof(partner_stack));
    lost += compare("partner", 0, &partner_want[0], &switch_partner_got);
    irq_restore(flags);
    printf("context-switch-selftest %u: %s\n", nonce,
           lost == 0 ? "both sides kept x19-x29, sp and tpidr_el0" : "registers lost");
}
