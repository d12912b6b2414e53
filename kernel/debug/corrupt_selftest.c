// corrupt_selftest.c — `test=corrupt`: a memory bug on purpose, to hunt by running a replay
// backwards (handouts/debugging.md).  Given code: nothing to write here, only to read.
//
// record_reading() appends to a small logbook and checks for room only *after* storing, so
// the fifth reading lands one slot past the end of readings[], on the pointer `total_at`.
// Nothing goes wrong at that moment.  The damage shows later and elsewhere: report() writes
// the sum through the pointer and the kernel faults in report(), which did nothing wrong.
// The fault report names the victim; only the history names the culprit.
#include <stdint.h>
#include "debug/printf.h"
#include "debug/selftest.h"

#define NREADINGS 4

struct logbook {
    uint64_t readings[NREADINGS];
    uint64_t *total_at; // where report() puts the sum: right after the readings
    unsigned count;
};

static uint64_t total;
struct logbook selftest_logbook = {.total_at = &total}; // global: GDB and nm can name it

// Appends one reading.  The bug: the store comes before the check, so when the book is
// full it writes readings[NREADINGS], which is total_at.
static void record_reading(struct logbook *book, uint64_t value)
{
    book->readings[book->count] = value;
    if (book->count < NREADINGS)
        book->count++;
}

// Adds up the readings and stores the sum where total_at points.
static void report(struct logbook *book)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < book->count; i++)
        sum += book->readings[i];
    *book->total_at = sum;
    printf("corrupt-selftest: total %lu\n", (unsigned long)total);
}

// Five readings into a book with room for four, then the report.  The readings derive from
// the nonce, so the address the fault names does too: (nonce << 4) + 4.
void selftest_corrupt(uint32_t nonce)
{
    printf("corrupt-selftest %u: recording %d readings into a book of %d\n", nonce, NREADINGS + 1,
           NREADINGS);
    for (unsigned i = 0; i <= NREADINGS; i++)
        record_reading(&selftest_logbook, ((uint64_t)nonce << 4) + i);
    report(&selftest_logbook);
}
