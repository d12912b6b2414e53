// elf.h — loading ELF64 executables into user address spaces (kernel/task/elf.c).
// Format: the System V ABI, "ELF-64 Object File Format" v1.5, and the AArch64 ELF ABI.
#ifndef KEEL_ELF_H
#define KEEL_ELF_H

#include <stddef.h>
#include <stdint.h>
#include "arch/aarch64/pagetable.h"

#define ELF_MAGIC "\177ELF"
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_AARCH64 183
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ELF_MAX_PHDRS 16

struct elf64_header {
    uint8_t ident[16]; // magic, class, data, version, ...
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t phoff; // where the program headers start in the file
    uint64_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
};

struct elf64_phdr {
    uint32_t type;
    uint32_t flags;  // PF_R | PF_W | PF_X
    uint64_t offset; // where the segment's bytes start in the file
    uint64_t vaddr;  // where they go in memory
    uint64_t paddr;
    uint64_t filesz; // bytes in the file ...
    uint64_t memsz;  // ... and in memory: the rest (up to memsz) is zero (.bss)
    uint64_t align;
};

// Loads the executable image[0..size) into the (empty) address space `root`: every
// PT_LOAD segment at its address, with its permissions.  Returns 0 and sets *entry, or
// -ENOEXEC if the file is not a valid AArch64 executable that Keel can load safely, or
// -ENOMEM.  On failure the caller destroys the address space.
int elf_load(pte_t *root, const uint8_t *image, size_t size, uint64_t *entry);

#endif
