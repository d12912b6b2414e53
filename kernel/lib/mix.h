// mix.h — a 64-bit value that looks random for any input (splitmix64's finaliser), for
// self-tests and test programs that make patterns from a nonce: different inputs give
// values that differ in about half their bits.  Not for anything that must be secret.
#ifndef KEEL_MIX_H
#define KEEL_MIX_H

#include <stdint.h>

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9UL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebUL;
    x ^= x >> 31;
    return x;
}

#endif
