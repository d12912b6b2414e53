// blockcache.h — the block cache's counts, for lab 8's test programs (fatbench, fatscript).
//
// The VFS server shows them in /proc/blockcache (user/servers/vfs/procfs.c), one "NAME N"
// line each; a program reads them before and after what it measures and prints the
// differences.
#ifndef BLOCKCACHE_H
#define BLOCKCACHE_H

#include "ulib.h"

struct cache_counts {
    unsigned long hits, misses, writebacks;
};

// Reads the counts; all 0 if /proc/blockcache is missing (under Linux, for example).
static inline void read_cache_counts(struct cache_counts *c)
{
    static char text[512];
    c->hits = c->misses = c->writebacks = 0;
    int fd = open("/proc/blockcache", O_RDONLY, 0);
    if (fd < 0)
        return;
    long n = read(fd, text, sizeof(text) - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        unsigned long v = 0;
        char *space = strchr(line, ' ');
        if (space && parse_u64(space + 1, &v) == 0) {
            *space = '\0';
            if (strcmp(line, "hits") == 0)
                c->hits = v;
            else if (strcmp(line, "misses") == 0)
                c->misses = v;
            else if (strcmp(line, "writebacks") == 0)
                c->writebacks = v;
        }
        line = end ? end + 1 : NULL;
    }
}

#endif
