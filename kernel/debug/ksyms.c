// ksyms.c — looking up addresses in the kernel's own symbol table (given code).
//
// tools/mksyms.py writes the table from `nm -n kernel.elf` at build time (see the Makefile):
// every function's start address, in increasing order, and its name.  Entries with a NULL
// name mark the end of a code section, so addresses past the last function are not blamed
// on it.
#include <stddef.h>
#include "debug/ksyms.h"
#include "lib/string.h"

struct ksym {
    uint64_t address;
    const char *name;
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];

// The last entry whose address is <= addr, or NULL if none.
static const struct ksym *ksyms_find(uint64_t addr)
{
    size_t low = 0, high = ksyms_count; // the answer's index is in [low - 1, high)
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (ksyms_table[middle].address <= addr)
            low = middle + 1;
        else
            high = middle;
    }
    return low == 0 ? NULL : &ksyms_table[low - 1];
}

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
    const struct ksym *sym = ksyms_find(addr);
    if (sym == NULL || sym->name == NULL)
        return NULL;
    *offset = addr - sym->address;
    return sym->name;
}
