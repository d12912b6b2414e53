// ksyms.h — the kernel's own symbol table, embedded at build time (tools/mksyms.py).
#ifndef KEEL_KSYMS_H
#define KEEL_KSYMS_H

#include <stdint.h>

// Finds the function that contains `addr`.  Returns its name and stores addr minus the
// function's start in *offset; returns NULL if `addr` is outside the kernel's code.
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);

#endif
