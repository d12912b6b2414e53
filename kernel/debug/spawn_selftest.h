// spawn_selftest.h — test=spawn-enomem: a spawn that runs out of memory leaks nothing
// (kernel/debug/spawn_selftest.c).
#ifndef KEEL_SPAWN_SELFTEST_H
#define KEEL_SPAWN_SELFTEST_H

#include <stdint.h>

void selftest_spawn_enomem(uint32_t nonce);

#endif
