// backtrace.c — printing the call stack by walking AArch64 frame records.
//
// The AAPCS64 (Arm's procedure call standard, section 6.2.3 "The Frame Pointer") has every
// function that keeps a frame pointer push a 16-byte frame record {caller's x29, x30} and
// point x29 at it.  x30 (the link register) holds the return address, one instruction after
// the call (`bl`).  So x29 leads to a chain of records, one per active call, that ends at the
// record of kmain, whose "previous x29" is the 0 that start.S put in x29 before the call:
//
//      x29 ──► ┌──────────────┐      ┌──────────────┐      ┌──────────────────────┐
//              │ previous x29 ├─────►│ previous x29 ├─────►│ 0: the end           │
//              │ return addr  │      │ return addr  │      │ into start_high      │
//              └──────────────┘      └──────────────┘      └──────────────────────┘
//                (our caller)         (its caller)          (kmain's record)
#include <stdbool.h>
#include "debug/backtrace.h"
#include "debug/ksyms.h"
#include "debug/printf.h"
#include "mm/memlayout.h"
#if LAB >= 4
#include "task/kstack.h"
#endif

// Whether a 16-byte frame record at `fp` lies wholly inside a kernel stack: reading anything
// else could fault, or print garbage.
static bool frame_record_readable(uint64_t fp)
{
    if (fp % 8 != 0)
        return false;
    if (fp >= (uint64_t)boot_stack_bottom && fp + 16 <= (uint64_t)boot_stack_top)
        return true;
#if LAB >= 4
    if (task_kstack_contains(fp, 16))
        return true;
#endif
    return false;
}

// Prints one line: frame number, address, function+offset.  Exactly this format:
//   "  #1  0xffffff8040201a34  monitor_runcmd+0x5c"   ('?' if the address is not in a function)
static void print_frame(int number, uint64_t pc)
{
    uint64_t offset;
    const char *name = ksyms_lookup(pc, &offset);
    if (name != NULL)
        printf("  #%d  0x%016lx  %s+0x%lx\n", number, pc, name, offset);
    else
        printf("  #%d  0x%016lx  ?\n", number, pc);
}

void backtrace_from(uint64_t pc, uint64_t fp)
{
    printf("Backtrace:\n");
    print_frame(0, pc);
    // LAB 1: Your code here.
    // Follow the chain from `fp` until the frame pointer is 0 (kmain's record holds the 0
    // that start.S put in x29).  For each record: stop if it is not readable (say so), read
    // the return address (a 0 there would also mean "no caller": stop), print the frame of
    // the call instruction, 4 bytes before the return address, then move to the previous
    // record.  Print at most BACKTRACE_MAX_FRAMES frames.
    // BEGIN SOLUTION LAB 1
    for (int number = 1; fp != 0 && number < BACKTRACE_MAX_FRAMES; number++) {
        if (!frame_record_readable(fp)) {
            printf("  (frame pointer 0x%lx is not on a kernel stack: stopping)\n", fp);
            return;
        }
        const uint64_t *record = (const uint64_t *)fp;
        uint64_t return_address = record[1];
        if (return_address == 0)
            return;
        // The return address is the instruction after the `bl`; the call itself is what
        // belongs to the caller (the `bl` may be the last instruction of a function).
        print_frame(number, return_address - 4);
        fp = record[0];
    }
    // STUB
    //| (void)fp;
    //| (void)frame_record_readable;
    // END SOLUTION
}

void backtrace(void)
{
    // Start at our caller: its pc is where it called us, its frame record the one below ours.
    const uint64_t *own_record = __builtin_frame_address(0);
    uint64_t caller_pc = own_record[1] - 4;
    backtrace_from(caller_pc, own_record[0]);
}
