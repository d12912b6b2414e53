// fault.c — `fault KIND`: does one forbidden thing from EL0.  The kernel must kill this task
// with a one-line report, and nothing else.
#include "ulib.h"

static unsigned long scratch[2];
static unsigned int landing[4]; // data: never executable

// Recurses `depth` times, 512 bytes of stack each; the stack's guard page stops it first.
static int recurse(int depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    if (depth == 0)
        return pad[0];
    return recurse(depth - 1) + pad[0];
}

static void kind_null(void)
{
    printf("fault: reading address 0x0\n");
    __asm__ volatile("mov x0, #0\n ldr x0, [x0]" ::: "x0", "memory");
}

static void kind_kernel(void)
{
    unsigned long kernel = 0xffffff8040200000UL;
    printf("fault: reading kernel address 0x%lx\n", kernel);
    __asm__ volatile("ldr x0, [%0]" ::"r"(kernel) : "x0", "memory");
}

static void kind_write_text(void)
{
    printf("fault: writing to my own code at %p\n", (void *)kind_write_text);
    __asm__ volatile("str wzr, [%0]" ::"r"(kind_write_text) : "memory");
}

static void kind_exec_data(void)
{
    printf("fault: jumping into data at %p\n", (void *)landing);
    __asm__ volatile("blr %0" ::"r"(landing) : "x30", "memory");
}

static void kind_undef(void)
{
    printf("fault: executing udf #0\n");
    __asm__ volatile("udf #0");
}

static void kind_unaligned(void)
{
    printf("fault: exclusive load from %p\n", (void *)((char *)scratch + 1));
    __asm__ volatile("ldxr x0, [%0]" ::"r"((char *)scratch + 1) : "x0", "memory");
}

static void kind_brk(void)
{
    printf("fault: executing brk #0x1\n");
    __asm__ volatile("brk #1");
}

static void kind_sysreg(void)
{
    printf("fault: reading TTBR1_EL1 from EL0\n");
    __asm__ volatile("mrs x0, ttbr1_el1" ::: "x0");
}

static void kind_fp(void)
{
    printf("fault: using a floating-point register\n");
    __asm__ volatile("fmov d0, xzr");
}

static void kind_stack(void)
{
    printf("fault: recursing until the stack runs into its guard\n");
    recurse(1 << 20);
}

struct kind {
    const char *name;
    void (*run)(void);
};

static const struct kind kinds[] = {
    {"null", kind_null},
    {"kernel", kind_kernel},
    {"write-text", kind_write_text},
    {"exec-data", kind_exec_data},
    {"undef", kind_undef},
    {"unaligned", kind_unaligned},
    {"brk", kind_brk},
    {"sysreg", kind_sysreg},
    {"fp", kind_fp},
    {"stack", kind_stack},
};

int main(int argc, char **argv)
{
    for (size_t i = 0; argc == 2 && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(argv[1], kinds[i].name) == 0) {
            kinds[i].run();
            printf("fault: still alive after %s: the kernel did not stop me\n", argv[1]);
            return 1;
        }
    }
    printf("usage: fault KIND; kinds:");
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        printf(" %s", kinds[i].name);
    printf("\n");
    return 2;
}
