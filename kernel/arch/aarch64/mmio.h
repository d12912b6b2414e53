// mmio.h — reading and writing device registers.
// `volatile` makes the compiler emit exactly one access of exactly this size, in program
// order; device memory attributes (Device-nGnRE) make the CPU do the same (Arm ARM B2.7.2).
#ifndef KEEL_MMIO_H
#define KEEL_MMIO_H

#include <stdint.h>

static inline uint32_t mmio_read32(uint64_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t value)
{
    *(volatile uint32_t *)addr = value;
}

static inline void mmio_write8(uint64_t addr, uint8_t value)
{
    *(volatile uint8_t *)addr = value;
}

#endif
