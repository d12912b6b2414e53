// blk.h — what the block server's files tell each other (user/servers/blk/).
//
//   main.c   starts the server, receives requests, dispatches them by label, the clients
//   disk.c   the disk: the mapped image, its sectors, and what was written since the flush
//
// docs/protocols/blk.md describes the protocol; user/include/proto/blk.h holds its numbers.
#ifndef KEEL_BLK_SERVER_H
#define KEEL_BLK_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ulib.h"
#include "proto/blk.h"

#define PAGE_SIZE 4096UL

// --- disk.c -------------------------------------------------------------------------------
long disk_map(void); // maps BLK_SLOT_DISK: 0 or -errno
uint64_t disk_sectors(void);
bool disk_read_only(void);
// Copies sectors between the disk and `buf`; the caller has checked the range.
void disk_read(uint64_t first, uint64_t count, void *buf);
void disk_write(uint64_t first, uint64_t count, const void *buf);
long disk_flush(void); // what was written since the last flush, to the host: 0 or -errno

struct disk_stats {
    uint64_t sectors_read, sectors_written, flushes, bytes_written_back;
};
void disk_stats(struct disk_stats *out);

#endif
