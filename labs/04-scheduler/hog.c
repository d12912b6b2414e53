// hog.c — a program too big for any memory Keel manages: its .bss is 4 GiB less 1 MiB, and
// Keel manages at most FRAME_MAX_RAM (4 GiB) of RAM, its own image included, while mapping
// this much also takes 8 MiB of page tables.  So a spawn of it must fail with -ENOMEM and
// leave every frame free that was (elf_load compares the pages its segments need with the
// free frames before it allocates any).  zeroes.c tries it.  (Any bigger and crt0's adrp,
// which reaches 4 GiB, could not find its variables after the array.)
#include "ulib.h"

static char huge[(4UL << 30) - (1UL << 20)];

int main(int argc, char **argv)
{
    huge[0] = 1; // if it ever ran
    return 0;
}
