// uaccess_selftest.c — test=uaccess: uaccess_ok looks at every page a user buffer touches,
// not just its ends (given code).
//
// User programs are laid out without holes (code, constants, variables, then nothing until
// the stack), so no system call from a program can hand the kernel a buffer whose first and
// last pages are fine and a page in between is not.  This test builds such address spaces
// itself and asks uaccess_ok directly, with the idle task (which runs the monitor) lent the
// table for the occasion: three pages in a row whose middle one is missing, read-only, or
// the kernel's, and a buffer that starts in the first and ends in the third.
#include <stdbool.h>
#include <stddef.h>
#include "debug/printf.h"
#include "debug/uaccess_selftest.h"
#include "mm/frame.h"
#include "mm/uaccess.h"
#include "mm/uvm.h"
#include "task/task.h"

#define TEST_VA 0x10000000UL // nothing else uses it: the table is the test's own

// What sits in the middle of the three pages.
struct middle {
    const char *what;
    bool mapped;
    uint64_t attrs;
    bool readable, writable; // what uaccess_ok must say about the whole buffer
};

static const struct middle middles[] = {
    {"an unmapped page", false, 0, false, false},
    {"a read-only page", true, PTE_USER_RO, true, false},
    {"a kernel-only page", true, PTE_KERNEL_DATA, false, false},
    {"a writable page", true, PTE_USER_RW, true, true},
};

// Maps three pages at TEST_VA, the middle one as `m` says; returns the table (NULL if out
// of memory).
static pte_t *three_pages(const struct middle *m)
{
    pte_t *root = uvm_create();
    if (root == NULL || uvm_alloc(root, TEST_VA, PAGE_SIZE, PTE_USER_RW) != 0 ||
        uvm_alloc(root, TEST_VA + 2 * PAGE_SIZE, PAGE_SIZE, PTE_USER_RW) != 0 ||
        (m->mapped && uvm_alloc(root, TEST_VA + PAGE_SIZE, PAGE_SIZE, m->attrs) != 0))
        return NULL;
    return root;
}

static int check(uint32_t nonce, const char *what, bool write, bool want, bool got)
{
    if (got == want)
        return 0;
    printf("uaccess-selftest %u: FAIL a %s of a buffer from the first page to the third, with "
           "%s between: uaccess_ok said %s, expected %s\n",
           nonce, write ? "write" : "read", what, got ? "yes" : "no", want ? "yes" : "no");
    return 1;
}

void selftest_uaccess(uint32_t nonce)
{
    struct task *self = task_current();
    int wrong = 0, cases = 0;
    // Where the buffer starts in the first page and ends in the third varies with the nonce.
    uint64_t start = TEST_VA + 8 * (nonce % 500);
    uint64_t len = 3 * PAGE_SIZE - (start - TEST_VA) - 8 * (nonce / 500 % 500);
    for (size_t i = 0; i < sizeof(middles) / sizeof(middles[0]); i++) {
        pte_t *root = three_pages(&middles[i]);
        if (root == NULL) {
            printf("uaccess-selftest %u: out of memory\n", nonce);
            return;
        }
        self->pagetable = root;
        wrong += check(nonce, middles[i].what, false, middles[i].readable,
                       uaccess_ok(start, len, false));
        wrong +=
            check(nonce, middles[i].what, true, middles[i].writable, uaccess_ok(start, len, true));
        cases += 2;
        self->pagetable = NULL;
        uvm_destroy(root, 0);
    }
    printf("uaccess-selftest %u: %d of %d buffers across three pages judged right\n", nonce,
           cases - wrong, cases);
}
