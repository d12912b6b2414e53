// uaccess_selftest.h — test=uaccess: uaccess_ok checks every page a buffer touches
// (kernel/debug/uaccess_selftest.c).
#ifndef KEEL_UACCESS_SELFTEST_H
#define KEEL_UACCESS_SELFTEST_H

#include <stdint.h>

void selftest_uaccess(uint32_t nonce);

#endif
