// elf.c — loading an ELF64 executable into a fresh user address space.
//
// The file comes from an archive that anyone may have built: every offset, size and
// address in it is checked before it is used, and anything Keel cannot load safely is
// refused with -ENOEXEC and a line saying why.  Keel's own programs are linked by
// user/user.ld with each segment on its own pages, so each can have its own permissions.
//
//    file:  ┌────────┬──────┬────────────────┬──────────────┐
//           │ header │ phdrs│ segment 1 bytes│segment 2 bytes│
//           └────────┴──────┴────────────────┴──────────────┘
//                              │ p_offset, p_filesz
//                              ▼
//   memory: ... │ R-X pages: segment 1 │ ... │ RW- pages: segment 2 + zeros to p_memsz │
#include <stdbool.h>
#include "debug/printf.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/memlayout.h"
#include "mm/uvm.h"
#include "task/elf.h"
#include "uapi/errno.h"

// Refuses the file with a reason (the kernel log says why; the caller gets -ENOEXEC).
static int refuse(const char *why)
{
    printf("elf: not loaded: %s\n", why);
    return -ENOEXEC;
}

static int check_header(const struct elf64_header *h, size_t size)
{
    if (size < sizeof(*h))
        return refuse("file shorter than an ELF header");
    if (memcmp(h->ident, ELF_MAGIC, 4) != 0)
        return refuse("no ELF magic");
    if (h->ident[4] != ELFCLASS64 || h->ident[5] != ELFDATA2LSB || h->ident[6] != EV_CURRENT)
        return refuse("not a 64-bit little-endian ELF file");
    if (h->type != ET_EXEC)
        return refuse("not an executable (ET_EXEC)");
    if (h->machine != EM_AARCH64)
        return refuse("not for AArch64");
    if (h->phentsize != sizeof(struct elf64_phdr) || h->phnum == 0 || h->phnum > ELF_MAX_PHDRS)
        return refuse("unexpected program header size or count");
    if (h->phoff > size || (uint64_t)h->phnum * h->phentsize > size - h->phoff)
        return refuse("program headers run past the end of the file");
    return 0;
}

// The page range [*start, *end) a segment occupies; false if it is not inside the part of
// the user half a program may use (below the stack and its guard), or overflows.
static bool segment_pages(const struct elf64_phdr *ph, uint64_t *start, uint64_t *end)
{
    uint64_t limit = USER_STACK_BOTTOM - USER_STACK_GUARD;
    if (!uvm_range_ok(ph->vaddr, ph->memsz) || ph->vaddr + ph->memsz > limit)
        return false;
    *start = page_round_down(ph->vaddr);
    *end = page_round_up(ph->vaddr + ph->memsz);
    return true;
}

// Checks one PT_LOAD segment: 0, or -ENOEXEC with the reason.  `loaded` holds the page
// ranges of the segments before it (pairs of start, end), n of them.
static int check_segment(const struct elf64_phdr *ph, size_t size, const uint64_t loaded[][2],
                         int n)
{
    // LAB 4: Your code here.
    // Refuse (with refuse("...")) a segment whose bytes are not all in the file (mind
    // overflow: compare filesz with size - offset), whose filesz exceeds its memsz, whose
    // pages are outside the allowed range (segment_pages), that is both
    // writable and executable (W^X), or whose pages overlap an earlier segment's.
    // BEGIN SOLUTION LAB 4
    uint64_t start, end;
    if (ph->offset > size || ph->filesz > size - ph->offset)
        return refuse("segment bytes run past the end of the file");
    if (ph->filesz > ph->memsz)
        return refuse("segment has more bytes in the file than in memory");
    if (!segment_pages(ph, &start, &end))
        return refuse("segment outside the user part of the address space");
    if ((ph->flags & PF_W) && (ph->flags & PF_X))
        return refuse("segment both writable and executable");
    for (int i = 0; i < n; i++)
        if (start < loaded[i][1] && loaded[i][0] < end)
            return refuse("segments share a page");
    return 0;
    // STUB
    //| (void)ph, (void)size, (void)loaded, (void)n, (void)segment_pages;
    //| return refuse("lab 4: check_segment is not written yet");
    // END SOLUTION
}

// The page attributes a segment's p_flags ask for.
static uint64_t segment_attrs(uint32_t flags)
{
    if (flags & PF_X)
        return PTE_USER_RX;
    if (flags & PF_W)
        return PTE_USER_RW;
    return PTE_USER_RO;
}

// Checks every PT_LOAD segment, and that the entry point is in an executable one, before
// anything is allocated: a file is refused (or loaded) as a whole.  Returns 0 and fills
// loaded[0..*n) with the segments' page ranges, or -ENOEXEC with the reason.
static int check_segments(const struct elf64_header *h, const struct elf64_phdr *phdrs, size_t size,
                          uint64_t loaded[][2], int *n)
{
    bool entry_ok = false;
    *n = 0;
    // LAB 4: Your code here.
    // For each PT_LOAD program header with a p_memsz (an empty one takes no memory: skip
    // it): check_segment against the segments before it, then record its page range
    // (segment_pages) in loaded[*n] and count it.  Note whether the entry point is inside
    // an executable segment (entry_ok): if no segment holds it, the code below refuses the
    // file.
    // BEGIN SOLUTION LAB 4
    for (int i = 0; i < h->phnum; i++) {
        const struct elf64_phdr *ph = &phdrs[i];
        if (ph->type != PT_LOAD || ph->memsz == 0)
            continue;
        int err = check_segment(ph, size, (const uint64_t(*)[2])loaded, *n);
        if (err != 0)
            return err;
        segment_pages(ph, &loaded[*n][0], &loaded[*n][1]);
        (*n)++;
        if ((ph->flags & PF_X) && h->entry >= ph->vaddr && h->entry - ph->vaddr < ph->memsz)
            entry_ok = true;
    }
    // STUB
    //| (void)h, (void)phdrs, (void)size, (void)loaded, (void)check_segment;
    //| return refuse("lab 4: check_segments is not written yet");
    // END SOLUTION
    if (!entry_ok)
        return refuse("the entry point is not in an executable segment");
    return 0;
}

// The frames the segments need (their pages; the page tables come on top).
static uint64_t segment_frames(const uint64_t loaded[][2], int n)
{
    uint64_t frames = 0;
    for (int i = 0; i < n; i++)
        frames += (loaded[i][1] - loaded[i][0]) / PAGE_SIZE;
    return frames;
}

int elf_load(pte_t *root, const uint8_t *image, size_t size, uint64_t *entry)
{
    const struct elf64_header *h = (const struct elf64_header *)image;
    int err = check_header(h, size);
    if (err != 0)
        return err;
    const struct elf64_phdr *phdrs = (const struct elf64_phdr *)(image + h->phoff);
    uint64_t loaded[ELF_MAX_PHDRS][2];
    int nloaded;
    if ((err = check_segments(h, phdrs, size, loaded, &nloaded)) != 0)
        return err;
    // A file that asks for more memory than is free fails now, not after taking (and
    // zeroing) every free frame first.
    if (segment_frames((const uint64_t(*)[2])loaded, nloaded) > frame_count_free())
        return -ENOMEM;
    // LAB 4: Your code here.
    // Load each segment that check_segments accepted (PT_LOAD with a p_memsz): map its pages
    // (segment_pages gives the range) with uvm_alloc and segment_attrs, then copy its
    // p_filesz bytes from the file to p_vaddr with uvm_copy_in (the rest is already zero).
    // BEGIN SOLUTION LAB 4
    for (int i = 0; i < h->phnum; i++) {
        const struct elf64_phdr *ph = &phdrs[i];
        if (ph->type != PT_LOAD || ph->memsz == 0)
            continue;
        uint64_t start, end;
        segment_pages(ph, &start, &end);
        if (uvm_alloc(root, start, end - start, segment_attrs(ph->flags)) != 0)
            return -ENOMEM;
        uvm_copy_in(root, ph->vaddr, image + ph->offset, ph->filesz);
    }
    // STUB
    //| (void)root, (void)segment_attrs;
    //| return refuse("lab 4: elf_load is not written yet");
    // END SOLUTION
    *entry = h->entry;
    return 0;
}
