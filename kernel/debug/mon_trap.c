// mon_trap.c — monitor commands about exceptions and interrupts (given code):
// ticks, fault, busy, bench and irqs.
#include <stddef.h>
#include <stdint.h>
#include "arch/aarch64/pmu.h"
#include "arch/aarch64/timer.h"
#include "debug/mon_trap.h"
#include "debug/printf.h"
#include "dev/console_input.h"
#include "dev/irq.h"
#include "lib/string.h"
#include "platform/virt/board.h"
#include "platform/virt/gic.h"

// --- ticks -------------------------------------------------------------------------------

// `ticks`: the count so far.  `ticks wait N`: sleep through N ticks and say how long that
// took by the counter, so anyone can check the rate against the configured one.
void mon_ticks(int argc, char **argv)
{
    unsigned long n;
    if (argc == 1) {
        printf("ticks: %lu at %u Hz\n", timer_ticks(), timer_hz());
        return;
    }
    if (argc != 3 || strcmp(argv[1], "wait") != 0 || parse_u64(argv[2], &n) != 0 || n == 0 ||
        n > 10000) {
        printf("usage: ticks [wait N], N from 1 to 10000\n");
        return;
    }
    // Start on a tick boundary, so the span is exactly n tick intervals.
    uint64_t first = timer_ticks();
    while (timer_ticks() == first)
        __asm__ volatile("wfi");
    uint64_t start_tick = timer_ticks(), start = timer_counter();
    while (timer_ticks() < start_tick + n)
        __asm__ volatile("wfi");
    uint64_t cycles = timer_counter() - start;
    // A late interrupt may count more than one tick at once: report what really elapsed.
    printf("ticks: %lu ticks took %lu counter cycles at %lu Hz (configured %u Hz)\n",
           timer_ticks() - start_tick, cycles, timer_frequency(), timer_hz());
}

// --- fault -------------------------------------------------------------------------------
// Each kind does one wrong thing on purpose, so you can see its report.  They are written
// in assembly so that the faulting instruction is exactly the one named.

static uint64_t fault_scratch[2]; // target of the misaligned access
static uint32_t fault_landing[4]; // data that the exec-data kind jumps into

__attribute__((noinline)) static void fault_null(void)
{
    __asm__ volatile("mov x0, #0\n ldr x0, [x0]" ::: "x0", "memory");
}

__attribute__((noinline)) static void fault_write_text(void)
{
    __asm__ volatile("str wzr, [%0]" ::"r"(fault_write_text) : "memory");
}

__attribute__((noinline)) static void fault_exec_data(void)
{
    __asm__ volatile("blr %0" ::"r"(fault_landing) : "x30", "memory");
}

__attribute__((noinline)) static void fault_undefined(void)
{
    __asm__ volatile("udf #0");
}

__attribute__((noinline)) static void fault_unaligned(void)
{
    // Exclusive loads must be aligned (Arm ARM B2.5.2): an odd address is an alignment
    // fault even on Normal memory, where ordinary loads may be unaligned.
    __asm__ volatile("ldxr x0, [%0]" ::"r"((char *)fault_scratch + 1) : "x0", "memory");
}

__attribute__((noinline)) static void fault_brk(void)
{
    __asm__ volatile("brk #0x4b");
}

struct fault_kind {
    const char *name;
    const char *what;
    void (*run)(void);
};

static const struct fault_kind fault_kinds[] = {
    {"null", "read address 0", fault_null},
    {"write-text", "write to the kernel's own code", fault_write_text},
    {"exec-data", "jump into data (never executable)", fault_exec_data},
    {"undef", "an undefined instruction (udf #0)", fault_undefined},
    {"unaligned", "a misaligned exclusive load (ldxr)", fault_unaligned},
    {"brk", "a breakpoint instruction (brk #0x4b): reported, then resumed", fault_brk},
};

void mon_fault(int argc, char **argv)
{
    for (size_t i = 0; argc == 2 && i < sizeof(fault_kinds) / sizeof(fault_kinds[0]); i++) {
        if (strcmp(argv[1], fault_kinds[i].name) == 0) {
            printf("fault: %s\n", fault_kinds[i].what);
            fault_kinds[i].run();
            printf("fault: back from %s\n", fault_kinds[i].name);
            return;
        }
    }
    printf("usage: fault KIND, where KIND is one of:\n");
    for (size_t i = 0; i < sizeof(fault_kinds) / sizeof(fault_kinds[0]); i++)
        printf("  %-11s %s\n", fault_kinds[i].name, fault_kinds[i].what);
}

// --- busy --------------------------------------------------------------------------------

// `busy MS`: keep the CPU busy, with interrupts on but never reading the UART, until a
// whole line has been typed (or MS milliseconds have passed); then say how many characters
// the UART interrupt stored meanwhile.  They stay in the buffer for the monitor to read
// next: type a command while Keel is busy and it runs afterwards.
void mon_busy(int argc, char **argv)
{
    unsigned long ms;
    if (argc != 2 || parse_u64(argv[1], &ms) != 0 || ms > 10000) {
        printf("usage: busy MS, MS up to 10000\n");
        return;
    }
    // Count from before the announcement: input typed as soon as it appears must count.
    uint64_t before = console_input_received();
    uint64_t start = timer_counter();
    printf("busy: spinning for up to %lu ms, or until a line is typed\n", ms);
    // Keep time by the tick count, a variable in memory: reading CNTVCT_EL0 in a tight loop
    // makes QEMU take its global lock on every read, which can starve the thread that
    // delivers serial input to the UART, the very thing this command is waiting for.
    uint64_t end_tick = timer_ticks() + (ms * timer_hz() + 999) / 1000;
    uint64_t end = start + ms * timer_frequency() / 1000;
    for (uint64_t spins = 1; timer_ticks() < end_tick; spins++) {
        char last = console_input_last();
        if (console_input_received() != before && (last == '\r' || last == '\n'))
            break;
        // Now and then, the counter itself: in case the timer does not tick (lab 3,
        // Exercise 4 not done yet).
        if (spins % 65536 == 0 && timer_counter() >= end)
            break;
    }
    printf("busy: done after %lu ms; %lu characters arrived meanwhile\n",
           (timer_counter() - start) * 1000 / timer_frequency(), console_input_received() - before);
}

// --- bench -------------------------------------------------------------------------------

static volatile uint64_t sgi_seen;

static void null_handler(unsigned intid)
{
    sgi_seen++;
}

// Instructions from raising a software-generated interrupt at ourselves to being back, with
// a handler that does nothing: the cost of the interrupt path (entry, dispatch, exit), less
// the cost of the measurement itself.
void mon_bench(int argc, char **argv)
{
    enum { SGI = 1, RUNS = 8 };
    irq_register(SGI, null_handler);
    pmu_start_instructions();
    uint64_t flags = irq_save();
    uint64_t t0 = pmu_instructions();
    uint64_t t1 = pmu_instructions();
    uint64_t overhead = t1 - t0;
    uint64_t best = ~0UL, seen_before = sgi_seen;
    for (int i = 0; i < RUNS; i++) {
        gic_send_sgi_self(SGI);
        __asm__ volatile("dsb sy\n isb" ::: "memory"); // the GIC has it before we unmask
        uint64_t start = pmu_instructions();
        irq_enable(); // the interrupt is taken right here
        irq_disable();
        uint64_t count = pmu_instructions() - start;
        if (count < best)
            best = count;
    }
    irq_restore(flags);
    if (sgi_seen - seen_before != RUNS) {
        printf("bench: the interrupt was taken %lu times out of %d\n", sgi_seen - seen_before,
               RUNS);
        return;
    }
    if (overhead == 0 && best == 0) {
        printf("bench: the PMU counted nothing: boot with QEMUEXTRA='-icount shift=0'\n");
        return;
    }
    printf("bench: interrupt entry + dispatch + exit: %lu instructions (PMU INST_RETIRED, "
           "best of %d, measurement overhead %lu subtracted)\n",
           best - overhead - 2, RUNS, overhead);
}

// --- irqs --------------------------------------------------------------------------------

void mon_irqs(int argc, char **argv)
{
    printf("interrupts taken: timer (INTID %d) %lu, UART (INTID %d) %lu; spurious %lu\n",
           IRQ_VTIMER, irq_count(IRQ_VTIMER), IRQ_UART0, irq_count(IRQ_UART0),
           irq_spurious_count());
    printf("console input: %lu characters received, %lu dropped\n", console_input_received(),
           console_input_dropped());
}
