// cpio.h — reading archives in the cpio "newc" format (kernel/boot/cpio.c).
//
// Each file: a 110-byte ASCII header (magic "070701", then 13 fields of 8 hex digits),
// the name (namesize bytes with its NUL), padding to 4 bytes, the data (filesize bytes),
// padding to 4 bytes.  The archive ends with a file named "TRAILER!!!".  (The format is
// documented in the cpio(5) manual page and in Linux's Documentation/driver-api/
// early-userspace/buffer-format.rst.)
#ifndef KEEL_CPIO_H
#define KEEL_CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio_file {
    const char *name;
    const uint8_t *data;
    size_t size;
};

// Visits the files of archive[0..size) in order: calls visit(file, arg) for each (visit
// may be NULL).  Returns the archive's length up to the end of its trailer; 0 if visit
// returned nonzero to stop early; -1 if the archive is malformed (*error, if not NULL,
// then says how, and *error_offset where).
long cpio_walk(const uint8_t *archive, size_t size, int (*visit)(const struct cpio_file *, void *),
               void *arg, const char **error, size_t *error_offset);

#endif
