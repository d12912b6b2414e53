// spawn_args.c — spawn's arguments for the fuzzer: paths and argument vectors at and past
// each of spawn's limits (docs/syscalls.md: a path of at most 63 bytes, at most 32 arguments
// and 4096 bytes of strings), and bad in every way a pointer can be.  Only `true` is ever
// named among the programs that exist (and `motd`, which is no program).
#include "fuzz.h"

const char *const path_names[NPATH] = {"\"true\"",
                                       "\"true\" on the stack",
                                       "\"true\" across two pages",
                                       "\"motd\"",
                                       "a missing name",
                                       "63 bytes",
                                       "64 bytes or more",
                                       "off the stack top",
                                       "NULL",
                                       "kernel",
                                       "unmapped",
                                       "-1",
                                       "non-canonical",
                                       "code bytes",
                                       "8 KiB of '.'"};

const char *const argv_names[NARGV] = {"NULL",
                                       "kernel",
                                       "unmapped",
                                       "-1",
                                       "code words",
                                       "8 KiB of '.'",
                                       "{\"true\"}",
                                       "{} (argc 0)",
                                       "32 strings",
                                       "33 strings",
                                       "4096 bytes",
                                       "4097 bytes",
                                       "a bad pointer",
                                       "a string off the stack top",
                                       "an array off the stack top",
                                       "an array across two pages"};

static char arg_array[2 * 4096] __attribute__((aligned(4096))); // argv arrays
static char arg_strings[2 * 4096];                              // the strings they point at

// A string of `len` characters `c` (and its NUL) in arg_strings, from *used on.
static uint64_t put_string(size_t *used, size_t len, char c)
{
    char *s = arg_strings + *used;
    memset(s, c, len);
    s[len] = '\0';
    *used += len + 1;
    return (uint64_t)s;
}

// An array of n pointers at `where`, then (if `terminated`) NULL.
static uint64_t put_array(uint64_t where, const uint64_t *pointers, int n, bool terminated)
{
    uint64_t *array = (uint64_t *)where;
    for (int i = 0; i < n; i++)
        array[i] = pointers[i];
    if (terminated)
        array[n] = 0;
    return where;
}

// Strings of lengths adding up, NULs included, to exactly `total` bytes, in n strings.
static int strings_totalling(uint64_t *pointers, int n, size_t total)
{
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        size_t share = (total - used) / (size_t)(n - i); // with its NUL
        pointers[i] = put_string(&used, share - 1, (char)('a' + i % 26));
    }
    return n;
}

static uint64_t bad_pointer(void)
{
    static const enum ptr_class bad[] = {PTR_PAGE_ZERO,    PTR_KERNEL,      PTR_UNMAPPED,
                                         PTR_NONCANONICAL, PTR_STACK_GUARD, PTR_MINUS_ONE};
    return pointer_of_class(bad[random_below(sizeof(bad) / sizeof(bad[0]))], 8);
}

uint64_t spawn_argv(int class)
{
    uint64_t pointers[40], array = (uint64_t)arg_array + 8 * random_below(64);
    uint64_t top = STACK_TOP, room = stack_top_room();
    size_t used = 0;
    int n = 0;
    switch (class) {
    case ARGV_NULL:
        return 0;
    case ARGV_KERNEL:
        return pointer_of_class(PTR_KERNEL, 8);
    case ARGV_UNMAPPED:
        return pointer_of_class(PTR_UNMAPPED, 8);
    case ARGV_MINUS_ONE:
        return ~0UL;
    case ARGV_TEXT:
        return pointer_of_class(PTR_TEXT, 8 * 34) & ~7UL;
    case ARGV_RODATA:
        return pointer_of_class(PTR_RODATA, 8 * 34);
    case ARGV_ONE:
        pointers[n++] = put_string(&used, 4, 't');
        memcpy((void *)pointers[0], "true", 4);
        return put_array(array, pointers, n, true);
    case ARGV_EMPTY:
        return put_array(array, pointers, 0, true);
    case ARGV_32:
    case ARGV_33:
        for (; n < (class == ARGV_32 ? SPAWN_MAX_ARGS : SPAWN_MAX_ARGS + 1); n++)
            pointers[n] = put_string(&used, 1 + random_below(16), 'x');
        return put_array(array, pointers, n, true);
    case ARGV_4096_BYTES:
    case ARGV_4097_BYTES:
        n = strings_totalling(pointers, 1 + (int)random_below(SPAWN_MAX_ARGS),
                              SPAWN_MAX_ARG_BYTES + (class == ARGV_4097_BYTES));
        return put_array(array, pointers, n, true);
    case ARGV_BAD_STRING:
        for (; n < 1 + (int)random_below(5); n++)
            pointers[n] = put_string(&used, 1 + random_below(16), 'y');
        pointers[n++] = bad_pointer();
        return put_array(array, pointers, n, true);
    case ARGV_STRING_INTO_UNMAPPED: // its last string runs into the unmapped page
        pointers[n++] = put_string(&used, 4, 'z');
        pointers[n] = top - 1 - random_below(room - 1);
        fill_where_allowed(pointers[n], top - pointers[n], 'z');
        return put_array(array, pointers, n + 1, true);
    case ARGV_ARRAY_INTO_UNMAPPED: // good pointers up to the top, and no NULL before it
        for (; n < (int)(room / 8) && n < 8; n++)
            pointers[n] = put_string(&used, 3, 'w');
        return put_array(top - 8 * (uint64_t)n, pointers, n, false);
    default: // ARGV_ACROSS_PAGES: a good array that straddles arg_array's two pages
        for (; n < 2 + (int)random_below(8); n++)
            pointers[n] = put_string(&used, 1 + random_below(16), 'v');
        return put_array((uint64_t)arg_array + 4096 - 8 * (1 + random_below((uint64_t)n)), pointers,
                         n, true);
    }
}

// A NUL-terminated path at a place of class `where` for len bytes.
static uint64_t put_path(enum ptr_class where, const char *name)
{
    size_t len = strlen(name) + 1;
    uint64_t p = pointer_of_class(where, len);
    memcpy((void *)p, name, len);
    return p;
}

uint64_t spawn_path(int class)
{
    char name[256];
    uint64_t p;
    switch (class) {
    case PATH_TRUE_DATA:
        return put_path(PTR_DATA, "true");
    case PATH_TRUE_STACK:
        return put_path(PTR_STACK, "true");
    case PATH_TRUE_ACROSS:
        return put_path(PTR_ACROSS_PAGES, "true");
    case PATH_MOTD:
        return put_path(PTR_DATA, "motd");
    case PATH_MISSING:
        snprintf(name, sizeof(name), "no-such-program-%lx", random64());
        return put_path(PTR_DATA, name);
    case PATH_63_BYTES:
    case PATH_LONG: {
        size_t len = class == PATH_63_BYTES ? PROGRAM_NAME_MAX - 1
                                            : PROGRAM_NAME_MAX + random_below(sizeof(name) - 64);
        memset(name, 'p', len);
        name[len] = '\0';
        return put_path(PTR_DATA, name);
    }
    case PATH_INTO_UNMAPPED:
        p = pointer_of_class(PTR_INTO_UNMAPPED, PROGRAM_NAME_MAX);
        fill_where_allowed(p, PROGRAM_NAME_MAX, 'u');
        return p;
    case PATH_NULL:
        return 0;
    case PATH_KERNEL:
        return pointer_of_class(PTR_KERNEL, 1);
    case PATH_UNMAPPED:
        return pointer_of_class(PTR_UNMAPPED, 1);
    case PATH_MINUS_ONE:
        return ~0UL;
    case PATH_NONCANONICAL:
        return pointer_of_class(PTR_NONCANONICAL, 1);
    case PATH_TEXT:
        return pointer_of_class(PTR_TEXT, PROGRAM_NAME_MAX);
    default:
        return pointer_of_class(PTR_RODATA, PROGRAM_NAME_MAX);
    }
}
