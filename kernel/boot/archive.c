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

void archive_init(void)
{
    const char *where = bootarg_value("archive");
    if (where != NULL) {
        unsigned long pa;
        uint64_t ram_end = boot_info.ram_base + boot_info.ram_size;
        uint64_t kernel_end = page_round_up(virt_to_phys(_end));
        if (parse_u64(where, &pa) != 0 || pa % PAGE_SIZE != 0 || pa < kernel_end || pa >= ram_end) {
            printf("archive: archive=%s must be a page-aligned address in free RAM; ignoring it\n",
                   where);
        } else {
            size_t length = add_archive("the archive at archive=", phys_to_virt(pa), ram_end - pa);
            if (length > 0) {
                frame_reserve(pa, page_round_up(length));
                printf("archive: %lu bytes at 0x%lx (boot argument archive=)\n",
                       (unsigned long)length, pa);
            }
        }
    }
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
