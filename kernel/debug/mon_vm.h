// mon_vm.h — monitor commands about memory (kernel/debug/mon_vm.c).
#ifndef KEEL_MON_VM_H
#define KEEL_MON_VM_H

void mon_mem(int argc, char **argv);
void mon_pt(int argc, char **argv);

#endif
