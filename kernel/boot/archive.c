// archive.c — finding programs in the boot archives (given code).
#include <stdbool.h>
#include "boot/archive.h"
#include "boot/bootargs.h"
#include "boot/cpio.h"
#include "boot/dtb.h"
#include "debug/printf.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/memlayout.h"
#include "uapi/errno.h"

extern const uint8_t initrd_start[], initrd_end[];

struct archive {
    const uint8_t *data;
    size_t size;
};

static struct archive archives[2]; // [0]: from archive=, if any; [1]: built in
static int narchives;

// Checks an archive and adds it to the list; returns its length (0 if malformed).
static size_t add_archive(const char *what, const uint8_t *data, size_t max)
{
    const char *error = NULL;
    size_t offset = 0;
    long length = cpio_walk(data, max, NULL, NULL, &error, &offset);
    if (length <= 0) {
        printf("archive: %s is not a valid cpio archive: %s (at offset %lu); ignoring it\n", what,
               error, (unsigned long)offset);
        return 0;
    }
    archives[narchives++] = (struct archive){data, (size_t)length};
    return (size_t)length;
}

// The archive that boot argument archive=ADDRESS says QEMU's loader put in RAM, if any.  It
// is read before the kernel has vectors or its own page table: every byte it touches must be
// RAM that the boot page table maps, or the kernel hangs without a word.  So the address must
// lie in the free RAM that Keel uses (from the end of the kernel to frame_ram_end(): with
// more than 4 GiB, the rest is neither managed nor mapped), and the walk may not run past it.
static void add_boot_argument_archive(void)
{
    const char *where = bootarg_value("archive");
    if (where == NULL)
        return;
    unsigned long pa;
    uint64_t free_start = page_round_up(virt_to_phys(_end)), free_end = frame_ram_end();
    if (parse_u64(where, &pa) != 0 || pa % PAGE_SIZE != 0) {
        printf("archive: archive=%s is not a page-aligned address; ignoring it\n", where);
        return;
    }
    if (pa < free_start || pa >= free_end) {
        printf("archive: archive=%s is outside the free RAM Keel uses (0x%lx to 0x%lx); "
               "ignoring it\n",
               where, free_start, free_end);
        return;
    }
    size_t length = add_archive("the archive at archive=", phys_to_virt(pa), free_end - pa);
    if (length > 0) {
        frame_reserve(pa, page_round_up(length));
        printf("archive: %lu bytes at 0x%lx (boot argument archive=)\n", (unsigned long)length, pa);
    }
}

void archive_init(void)
{
    add_boot_argument_archive();
    if (add_archive("the built-in archive", initrd_start, initrd_end - initrd_start) == 0)
        panic("archive_init: the archive built into the kernel is malformed (a build bug)");
}

struct search {
    const char *name;
    const struct cpio_file *found;
    struct cpio_file file;
};

static int match_name(const struct cpio_file *file, void *arg)
{
    struct search *s = arg;
    if (strcmp(file->name, s->name) != 0)
        return 0;
    s->file = *file;
    s->found = &s->file;
    return 1;
}

int archive_find(const char *name, const uint8_t **data, size_t *size)
{
    struct search s = {name, NULL, {0}};
    for (int i = 0; i < narchives && s.found == NULL; i++)
        cpio_walk(archives[i].data, archives[i].size, match_name, &s, NULL, NULL);
    if (s.found == NULL)
        return -ENOENT;
    *data = s.found->data;
    *size = s.found->size;
    return 0;
}

static int print_name(const struct cpio_file *file, void *arg)
{
    printf(" %s", file->name);
    return 0;
}

void archive_list(void)
{
    printf("archive:");
    for (int i = 0; i < narchives; i++)
        cpio_walk(archives[i].data, archives[i].size, print_name, NULL, NULL, NULL);
    printf("\n");
}

int archive_count(void)
{
    return narchives;
}

void archive_get(int i, const uint8_t **data, size_t *size)
{
    *data = archives[i].data;
    *size = archives[i].size;
}
