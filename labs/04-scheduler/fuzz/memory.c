// memory.c — the fuzzer's own address space: where each class of pointer points, and which
// ranges EL0 may read or write, from the rules of docs/syscalls.md.
//
// What is mapped is known without asking the kernel: user/user.ld lays out the code (R-X),
// the constants (R--) and the variables (RW-) on pages of their own, one after the other,
// and the stack is 64 KiB of RW- ending one page below 2^39 (kernel/mm/uvm.h, handout 4's
// "Exercise 2").  Nothing else is mapped.
//
//   0x40_0000  text ── rodata ── data+bss      one readable run, its last part writable
//   ...        (nothing)
//   2^39 - 132 KiB .. 2^39 - 68 KiB            the stack's guard: nothing
//   2^39 - 68 KiB .. 2^39 - 4 KiB              the stack: readable and writable
//   2^39 - 4 KiB .. 2^39                       nothing; the user half ends at 2^39
#include "fuzz.h"

#define PAGE 4096UL
#define USER_MIN 0x1000UL
#define USER_TOP (1UL << 39)
#define STACK_SIZE (64 * 1024UL)
#define STACK_GUARD (64 * 1024UL)
#define KERNEL_IMAGE 0xffffff8040200000UL
#define AREA (2 * PAGE) // the size of each buffer a pointer class points into

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[],
    __data_end[];

const char *const ptr_class_names[NPTR] = {
    "NULL",     "page 0",           "-1",
    "kernel",   "non-canonical",    "user top",
    "unmapped", "stack guard",      "text",
    "rodata",   "rodata into data", "data",
    "stack",    "across two pages", "off the stack top",
};

const char *const len_class_names[NLEN] = {
    "0", "1", "small", "a page", "two pages", "large", "huge", "top bit",
};

// The read-only buffer: 8 KiB of '.', so that a write from it prints something harmless.
static const char ro_area[AREA] __attribute__((aligned(PAGE))) = {[0 ... AREA - 1] = '.'};
static char rw_area[AREA] __attribute__((aligned(PAGE)));
static char *stack_area;

// The two runs of mapped memory: [readable_start, image_end) with its writable tail from
// writable_start, and the stack.
static uint64_t readable_start, writable_start, image_end;

static uint64_t round_up(uint64_t x)
{
    return (x + PAGE - 1) & ~(PAGE - 1);
}

void memory_init(char *stack_buffer)
{
    stack_area = stack_buffer;
    readable_start = (uint64_t)__text_start;
    writable_start = (uint64_t)__data_start;
    image_end = round_up((uint64_t)__data_end);
    // user.ld puts each segment on the page after the one before: one readable run.
    if (round_up((uint64_t)__text_end) != (uint64_t)__rodata_start ||
        round_up((uint64_t)__rodata_end) != writable_start)
        printf("fuzz: FUZZER BUG: the segments are not adjacent (user/user.ld changed?)\n");
}

uint64_t stack_top_room(void)
{
    return STACK_TOP - crt0_entry[2]; // what crt0 was handed: argc, argv, the strings
}

// A place for `len` bytes in the buffer [start, start + size): inside it if they fit.
static uint64_t place(uint64_t start, uint64_t size, uint64_t len)
{
    return start + random_below(len <= size ? size - len + 1 : size);
}

uint64_t pointer_of_class(enum ptr_class class, uint64_t len)
{
    uint64_t room = stack_top_room(), k;
    switch (class) {
    case PTR_NULL:
        return 0;
    case PTR_PAGE_ZERO:
        return 1 + random_below(USER_MIN - 1);
    case PTR_MINUS_ONE:
        return ~0UL;
    case PTR_KERNEL:
        return KERNEL_IMAGE + random_below(1 << 20);
    case PTR_NONCANONICAL:
        return (random64() & (USER_TOP - 1)) | ((1 + random_below((1UL << 25) - 2)) << 39);
    case PTR_USER_TOP:
        return STACK_TOP + random_below(PAGE + 64);
    case PTR_UNMAPPED:
        return image_end + (1 << 20) + random_below(1UL << 36);
    case PTR_STACK_GUARD:
        return STACK_TOP - STACK_SIZE - STACK_GUARD + random_below(STACK_GUARD);
    case PTR_TEXT:
        return place(readable_start, round_up((uint64_t)__text_end) - readable_start, len);
    case PTR_RODATA:
        return place((uint64_t)ro_area, AREA, len);
    case PTR_RO_THEN_RW: // from the last read-only page into the first writable one
        return writable_start - 1 - random_below(len > 1 && len <= PAGE ? len - 1 : 1);
    case PTR_DATA:
        return place((uint64_t)rw_area, AREA, len);
    case PTR_STACK:
        return place((uint64_t)stack_area, STACK_AREA, len);
    case PTR_ACROSS_PAGES:
        k = 1 + random_below(len > 1 && len <= PAGE ? len - 1 : 1);
        return (uint64_t)rw_area + PAGE - (len <= AREA && len > PAGE ? len - PAGE : k);
    case PTR_INTO_UNMAPPED: // the last k bytes below the top, k < len: the rest is past it
        if (len <= 1)
            return STACK_TOP;
        k = 1 + random_below((len < room ? len : room) - 1);
        return STACK_TOP - k;
    default:
        return 0;
    }
}

uint64_t length_of_class(enum len_class class)
{
    switch (class) {
    case LEN_ONE:
        return 1;
    case LEN_SMALL:
        return 2 + random_below(63);
    case LEN_PAGE:
        return PAGE - 1 + random_below(3);
    case LEN_TWO_PAGES:
        return AREA;
    case LEN_LARGE:
        return (256 << 10) + random_below(768 << 10);
    case LEN_HUGE:
        return USER_TOP + random_below((1UL << 62) - USER_TOP);
    case LEN_TOP:
        return (1UL << 63) | random64();
    default:
        return 0;
    }
}

bool ptr_class_writable(enum ptr_class class)
{
    return class == PTR_DATA || class == PTR_STACK || class == PTR_ACROSS_PAGES ||
           class == PTR_INTO_UNMAPPED;
}

// The end of the run of accessible memory that holds `p` (0 if none).
static uint64_t run_end(uint64_t p, bool write)
{
    uint64_t image_start = write ? writable_start : readable_start;
    if (p >= image_start && p < image_end)
        return image_end;
    if (p >= STACK_TOP - STACK_SIZE && p < STACK_TOP)
        return STACK_TOP;
    return 0;
}

bool user_may_access(uint64_t p, uint64_t len, bool write)
{
    if (len == 0)
        return true;
    if (p < USER_MIN || p > USER_TOP || len > USER_TOP - p)
        return false; // outside the user half, or wrapping around
    uint64_t end = run_end(p, write);
    return end != 0 && len <= end - p;
}

uint64_t readable_bytes(uint64_t p, uint64_t max)
{
    uint64_t end = run_end(p, false);
    if (end == 0)
        return 0;
    return end - p < max ? end - p : max;
}

void fill_where_allowed(uint64_t p, uint64_t len, int byte)
{
    if (user_may_access(p, len, true))
        memset((void *)p, byte, len);
    else if (p < STACK_TOP && p >= STACK_TOP - stack_top_room()) // the part below the top
        memset((void *)p, byte, STACK_TOP - p);
}
