// monitor.h — the kernel monitor: a small command line on the serial line (kernel/debug/monitor.c).
#ifndef KEEL_MONITOR_H
#define KEEL_MONITOR_H

#define MONITOR_PROMPT "K> "

// Reads and runs commands forever.
void monitor(void) __attribute__((noreturn));

// One command: `handler(argc, argv)` runs when the first word of a line is `name`.
struct monitor_command {
    const char *name;
    const char *help;
    void (*handler)(int argc, char **argv);
};

// Commands implemented outside monitor.c, one file per subsystem.
void mon_help(int argc, char **argv);
void mon_kerninfo(int argc, char **argv);
void mon_backtrace(int argc, char **argv);
void mon_poweroff(int argc, char **argv);

#endif
