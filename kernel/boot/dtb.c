// dtb.c — reading the flattened device tree that QEMU leaves at the start of RAM (given code).
//
// The format is in the Devicetree Specification v0.4, chapter 5: a header, then a "structure
// block" of tokens (BEGIN_NODE name, PROP len nameoff value, END_NODE, ..., END), then a
// "strings block" holding property names.  All numbers are big-endian.  Keel reads only what
// it needs: the size of RAM (/memory/reg), the command line (/chosen/bootargs) and where
// QEMU put an -initrd (/chosen/linux,initrd-start and -end).
#include <stdbool.h>
#include "boot/dtb.h"
#include "debug/printf.h"
#include "lib/string.h"
#include "mm/memlayout.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_MAX_SIZE (2u << 20) // QEMU's blob is at most 1 MiB; reserve 2 (board.h)

struct boot_info boot_info;

struct fdt_header {
    uint32_t magic;
    uint32_t totalsize;
    uint32_t off_dt_struct;
    uint32_t off_dt_strings;
    uint32_t off_mem_rsvmap;
    uint32_t version;
    uint32_t last_comp_version;
    uint32_t boot_cpuid_phys;
    uint32_t size_dt_strings;
    uint32_t size_dt_struct;
};

// The walk's state: where we are in the structure block, and which node we are in.
struct fdt_walk {
    const uint8_t *blob;
    uint32_t pos, struct_end;
    uint32_t strings, strings_size;
    int depth;
    const char *node_at_depth_2;        // e.g. "memory@40000000" or "chosen"
    uint32_t address_cells, size_cells; // of the root node, for /memory/reg
    struct boot_info *info;             // what we found
};

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

// Reads `cells` big-endian 32-bit cells as one number.
static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t value = 0;
    for (uint32_t i = 0; i < cells; i++)
        value = (value << 32) | be32(p + 4 * i);
    return value;
}

static uint32_t next_u32(struct fdt_walk *w)
{
    if (w->pos + 4 > w->struct_end)
        panic("dtb_parse: structure block ends in the middle of a token at offset %u", w->pos);
    uint32_t value = be32(w->blob + w->pos);
    w->pos += 4;
    return value;
}

// A NUL-terminated string at `offset` that must end before `limit`.
static const char *string_at(struct fdt_walk *w, uint32_t offset, uint32_t limit)
{
    const char *s = (const char *)w->blob + offset;
    if (offset >= limit || strnlen(s, limit - offset) == limit - offset)
        panic("dtb_parse: unterminated string at offset %u", offset);
    return s;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void take_property(struct fdt_walk *w, const char *name, const uint8_t *value, uint32_t len)
{
    struct boot_info *info = w->info;
    if (w->depth == 1 && strcmp(name, "#address-cells") == 0 && len == 4)
        w->address_cells = be32(value);
    else if (w->depth == 1 && strcmp(name, "#size-cells") == 0 && len == 4)
        w->size_cells = be32(value);
    if (w->depth != 2)
        return;
    const char *node = w->node_at_depth_2;
    // A base or a size of more than two cells would not fit in 64 bits (and cell counts near
    // 2^31 would make 4 * (a + s) wrap around and pass the length check).
    if (starts_with(node, "memory") && strcmp(name, "reg") == 0 && info->ram_size == 0 &&
        w->address_cells <= 2 && w->size_cells <= 2 &&
        len >= 4 * (w->address_cells + w->size_cells)) {
        info->ram_base = read_cells(value, w->address_cells);
        info->ram_size = read_cells(value + 4 * w->address_cells, w->size_cells);
    } else if (strcmp(node, "chosen") == 0) {
        if (strcmp(name, "bootargs") == 0 && len > 0 && value[len - 1] == '\0')
            info->bootargs = (const char *)value;
        else if (strcmp(name, "linux,initrd-start") == 0 && (len == 4 || len == 8))
            info->initrd_start = read_cells(value, len / 4);
        else if (strcmp(name, "linux,initrd-end") == 0 && (len == 4 || len == 8))
            info->initrd_end = read_cells(value, len / 4);
    }
}

static void walk_structure(struct fdt_walk *w)
{
    for (;;) {
        uint32_t token = next_u32(w);
        if (token == FDT_BEGIN_NODE) {
            const char *name = string_at(w, w->pos, w->struct_end);
            w->depth++;
            if (w->depth == 2)
                w->node_at_depth_2 = name;
            w->pos += (strlen(name) + 1 + 3) & ~3u; // the name is padded to 4 bytes
        } else if (token == FDT_END_NODE) {
            if (--w->depth < 0)
                panic("dtb_parse: END_NODE without BEGIN_NODE at offset %u", w->pos - 4);
        } else if (token == FDT_PROP) {
            uint32_t len = next_u32(w);
            uint32_t name_offset = next_u32(w);
            if (len > w->struct_end - w->pos || name_offset >= w->strings_size)
                panic("dtb_parse: property at offset %u runs out of the blob", w->pos - 12);
            const char *name = string_at(w, w->strings + name_offset, w->strings + w->strings_size);
            take_property(w, name, w->blob + w->pos, len);
            w->pos += (len + 3) & ~3u;
        } else if (token == FDT_END) {
            return;
        } else if (token != FDT_NOP) {
            panic("dtb_parse: unknown token 0x%x at offset %u", token, w->pos - 4);
        }
    }
}

void dtb_parse(uint64_t pa, struct boot_info *info)
{
    const uint8_t *blob = phys_to_virt(pa);
    const struct fdt_header *h = (const struct fdt_header *)blob;
    if (be32((const uint8_t *)&h->magic) != FDT_MAGIC)
        panic("dtb_parse: no device tree at %p (magic 0x%x, expected 0x%x); was the kernel "
              "loaded over it?",
              (void *)pa, be32((const uint8_t *)&h->magic), FDT_MAGIC);
    uint32_t size = be32((const uint8_t *)&h->totalsize);
    uint32_t off_struct = be32((const uint8_t *)&h->off_dt_struct);
    uint32_t size_struct = be32((const uint8_t *)&h->size_dt_struct);
    uint32_t off_strings = be32((const uint8_t *)&h->off_dt_strings);
    uint32_t size_strings = be32((const uint8_t *)&h->size_dt_strings);
    if (size > FDT_MAX_SIZE || off_struct > size || size_struct > size - off_struct ||
        off_strings > size || size_strings > size - off_strings)
        panic("dtb_parse: device tree header is inconsistent (totalsize %u)", size);

    memset(info, 0, sizeof(*info));
    info->bootargs = "";
    info->dtb_size = size;
    struct fdt_walk walk = {
        .blob = blob,
        .pos = off_struct,
        .struct_end = off_struct + size_struct,
        .strings = off_strings,
        .strings_size = size_strings,
        .address_cells = 2, // the defaults when the root does not say (spec 2.3.5)
        .size_cells = 1,
        .info = info,
    };
    walk_structure(&walk);
    if (info->ram_size == 0)
        panic("dtb_parse: the device tree has no /memory node");
}
