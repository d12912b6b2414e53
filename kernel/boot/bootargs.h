// bootargs.h — the kernel command line: QEMU's -append, in /chosen/bootargs.
//
// Words separated by spaces, each `key=value` or a bare flag; everything after a lone `--`
// is the command to run instead of the default first program (lab 4):
//     nonce=1234 test=printf hz=250 -- hello one two
#ifndef KEEL_BOOTARGS_H
#define KEEL_BOOTARGS_H

#include <stdbool.h>
#include <stdint.h>

#define BOOTARGS_MAX 1024
#define BOOTARGS_MAX_WORDS 64

// Splits the command line into words.  Call once, before the other functions.
void bootargs_init(const char *cmdline);
// The value of `key=value`, or NULL if the key is absent.
const char *bootarg_value(const char *key);
// Whether the bare word `flag` (or `flag=...`) appears.
bool bootarg_flag(const char *flag);
// The value of `key` as a number (decimal or 0x hex) from min to max, or `fallback` if the
// key is absent.  A value that is not such a number gets a message naming the argument, the
// value and the fallback used instead.
uint64_t bootarg_number(const char *key, uint64_t fallback, uint64_t min, uint64_t max);
// The words after `--`: *argc of them in argv (NULL-terminated), or *argc == 0 if none.
char **bootargs_command(int *argc);

#endif
