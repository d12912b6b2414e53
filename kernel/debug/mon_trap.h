// mon_trap.h — monitor commands about exceptions and interrupts (kernel/debug/mon_trap.c).
#ifndef KEEL_MON_TRAP_H
#define KEEL_MON_TRAP_H

void mon_ticks(int argc, char **argv);
void mon_fault(int argc, char **argv);
void mon_busy(int argc, char **argv);
void mon_bench(int argc, char **argv);
void mon_irqs(int argc, char **argv);

#endif
