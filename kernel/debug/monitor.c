// monitor.c — the kernel monitor: a tiny command line for exploring the machine.
//
// Reads a line, splits it into words, and runs the command named by the first word.  Later
// labs add commands (mem, pt, ticks, fault, ...) to the table below; their code lives with
// the subsystem they explore.
#include <stddef.h>
#include <stdint.h>
#include "debug/backtrace.h"
#include "debug/monitor.h"
#include "debug/printf.h"
#include "dev/console.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "platform/virt/power.h"
#if LAB >= 2
#include "debug/mon_vm.h"
#endif
#if LAB >= 3
#include "debug/mon_trap.h"
#endif

#define LINE_MAX 128
#define MAX_ARGS 16

static const struct monitor_command commands[] = {
    {"help", "list the commands", mon_help},
    {"kerninfo", "where the kernel's sections are and how big", mon_kerninfo},
    {"backtrace", "print the call stack; 'backtrace N' from N nested calls deep", mon_backtrace},
    {"poweroff", "power the machine off (QEMU exits)", mon_poweroff},
#if LAB >= 2
    {"mem", "count total and free physical frames", mon_mem},
    {"pt", "dump the kernel's page table; 'pt ADDR' translates one address", mon_pt},
#endif
#if LAB >= 3
    {"ticks", "timer ticks so far; 'ticks wait N' waits N ticks and times them", mon_ticks},
    {"fault", "cause a fault on purpose; 'fault' alone lists the kinds", mon_fault},
    {"busy", "'busy MS': spin with interrupts on for MS ms, then count input that arrived",
     mon_busy},
    {"bench", "count the instructions of an interrupt (needs -icount shift=0)", mon_bench},
    {"irqs", "how many interrupts of each kind were taken", mon_irqs},
#endif
};

extern void kmain(void);

// The address of _start, the ELF entry point.  It is linked at its physical address, too far
// from the upper half for the PC-relative addressing C uses, so load the full 64-bit value
// from a literal pool instead (`ldr Xn, =symbol`).
static void *entry_point(void)
{
    void *address;
    __asm__("ldr %0, =_start" : "=r"(address));
    return address;
}

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

void mon_help(int argc, char **argv)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        printf("%-10s %s\n", commands[i].name, commands[i].help);
}

// One line per section: name, virtual start and end (exclusive) and size.  The grader checks
// the numbers against the ELF file, so keep exactly this format:
//   "  text    ffffff8040201000 - ffffff8040206000  (20 KiB)"
static void print_section(const char *name, const void *start, const void *end)
{
    uint64_t size = (uint64_t)end - (uint64_t)start;
    printf("  %-7s %016lx - %016lx  (%lu KiB)\n", name, (uint64_t)start, (uint64_t)end,
           size / 1024);
}

void mon_kerninfo(int argc, char **argv)
{
    // LAB 1: Your code here.
    // Print "Kernel sections:" and a line per section with print_section(): text, rodata,
    // data, bss and ksyms (the symbols in memlayout.h mark where each starts and ends).
    // Then the whole image, physical start to end, and where _start and kmain are:
    //   "Kernel image: physical 0x40200000 - 0x4021a000 (104 KiB)"
    //   "Entry: _start at 0x40200000 (physical), kmain at 0xffffff80402010c0"
    // BEGIN SOLUTION LAB 1
    printf("Kernel sections:\n");
    print_section("text", _text_start, _text_end);
    print_section("rodata", _rodata_start, _rodata_end);
    print_section("data", _data_start, _data_end);
    print_section("bss", _bss_start, _bss_end);
    print_section("ksyms", _ksyms_start, _ksyms_end);
    uint64_t image_start = virt_to_phys(_kernel_start);
    uint64_t image_end = virt_to_phys(_end);
    printf("Kernel image: physical 0x%lx - 0x%lx (%lu KiB)\n", image_start, image_end,
           (image_end - image_start) / 1024);
    printf("Entry: _start at %p (physical), kmain at %p\n", entry_point(), (void *)kmain);
    // STUB
    //| (void)print_section, (void)entry_point;
    // END SOLUTION
}

// Calls itself `depth` times, then prints a backtrace, so that several frames of the same
// function appear.  The `+ depth` after the call keeps the compiler from turning the
// recursion into a loop.
__attribute__((noinline)) static int backtrace_nested(int depth)
{
    if (depth <= 0) {
        backtrace();
        return 0;
    }
    return backtrace_nested(depth - 1) + depth;
}

void mon_backtrace(int argc, char **argv)
{
    // LAB 1: Your code here.
    // Without an argument, print a backtrace of this function.  With one (a number N from 0
    // to 32; anything else gets "usage: backtrace [N], N from 0 to 32"), call
    // backtrace_nested(N) instead.
    // BEGIN SOLUTION LAB 1
    unsigned long depth = 0;
    if (argc > 2 || (argc == 2 && (parse_u64(argv[1], &depth) != 0 || depth > 32))) {
        printf("usage: backtrace [N], N from 0 to 32\n");
        return;
    }
    if (argc == 2)
        backtrace_nested((int)depth);
    else
        backtrace();
    // STUB
    //| (void)backtrace_nested;
    // END SOLUTION
}

void mon_poweroff(int argc, char **argv)
{
    printf("Powering off.\n");
    power_off();
}

static void monitor_runcmd(char *line)
{
    char *argv[MAX_ARGS + 1];
    int argc = split_words(line, argv, MAX_ARGS);
    if (argc == 0)
        return;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(argv[0], commands[i].name) == 0) {
            commands[i].handler(argc, argv);
            return;
        }
    }
    printf("unknown command '%s'; 'help' lists the commands\n", argv[0]);
}

void monitor(void)
{
    char line[LINE_MAX];
    printf("Welcome to the Keel monitor. Type 'help' for a list of commands.\n");
    for (;;) {
        console_readline(MONITOR_PROMPT, line, sizeof(line));
        monitor_runcmd(line);
    }
}
