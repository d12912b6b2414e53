// printf.c — the kernel's printf, panic and halt.
#include <stdbool.h>
#include "boot/bootargs.h"
#include "debug/backtrace.h"
#include "debug/printf.h"
#include "dev/console.h"
#include "platform/virt/power.h"

static void console_putch(int ch, void *arg)
{
    (void)arg;
    console_putc(ch);
}

void vprintf(const char *fmt, va_list ap)
{
    vprintfmt(console_putch, NULL, fmt, ap);
}

void printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

void halt(void)
{
    // Under the grader (boot argument `semihosting`), end QEMU at once with a status that
    // says "halted", so a test fails in a moment instead of waiting for its timeout.
    if (bootarg_flag("semihosting"))
        power_exit(HALT_EXIT_STATUS);
    // Mask every interrupt (D, A, I, F in DAIF) so nothing runs on this CPU again; wfi then
    // sleeps instead of spinning, which keeps QEMU's host CPU idle.
    __asm__ volatile("msr daifset, #0xf");
    for (;;)
        __asm__ volatile("wfi");
}

void panic(const char *fmt, ...)
{
    // A panic while panicking (say, a fault inside backtrace) would recurse: stop instead.
    static bool panicking;
    __asm__ volatile("msr daifset, #0xf");
    if (panicking)
        halt();
    panicking = true;

    // LAB 1: Your code here.
    // Print "panic: ", the formatted message and a newline, then a backtrace of the caller,
    // then "Keel halted." (the CPU stops in halt() below).
    // BEGIN SOLUTION LAB 1
    va_list ap;
    va_start(ap, fmt);
    printf("\npanic: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    backtrace();
    printf("Keel halted.\n");
    // STUB
    //| (void)fmt;
    // END SOLUTION
    halt();
}
