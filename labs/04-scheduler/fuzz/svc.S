// svc.S — one system call with every register under watch (the fuzzer's; fuzz.h).
//
// long fuzz_svc(const struct regs *in, struct regs *out, uint64_t *sp_before);
//
// docs/syscalls.md promises that a call changes x0 and nothing else: not x1-x30 (x8, the
// number, included), not SP, not the condition flags, not TPIDR_EL0.  So this loads every one of them from
// *in (the caller fills them with patterns), makes the call, and stores what came back into
// *out.  After the svc no register can be trusted, so nothing is kept in one: the results
// are stored relative to SP into a frame on the stack, then copied out.
//
// struct regs (fuzz.h): x0..x30 at 8 * n, then sp at 248, nzcv at 256 and tpidr_el0 at 264:
// 34 words.

#define REGS_SP 248
#define REGS_NZCV 256
#define REGS_TPIDR 264
#define REGS_WORDS 34
#define AREA 272        // the struct, a multiple of 16: SP stays 16-byte aligned

    .text
    .global fuzz_svc
fuzz_svc:
    // The AAPCS64 says a function preserves x19-x29 and returns through x30: save them,
    // and the two pointers needed after the call.
    stp     x29, x30, [sp, #-16]!
    mov     x29, sp
    stp     x19, x20, [sp, #-16]!
    stp     x21, x22, [sp, #-16]!
    stp     x23, x24, [sp, #-16]!
    stp     x25, x26, [sp, #-16]!
    stp     x27, x28, [sp, #-16]!
    stp     x1, x2, [sp, #-16]!         // out, sp_before: at [sp, #AREA] once the area exists
    sub     sp, sp, #AREA
    mov     x9, sp
    str     x9, [x2]                    // *sp_before: SP as the kernel sees it

    // Load everything from *in, the base register (x30) last of all.
    ldr     x9, [x0, #REGS_TPIDR]
    msr     tpidr_el0, x9
    ldr     x9, [x0, #REGS_NZCV]
    msr     nzcv, x9
    mov     x30, x0
    ldp     x0, x1, [x30, #8 * 0]
    ldp     x2, x3, [x30, #8 * 2]
    ldp     x4, x5, [x30, #8 * 4]
    ldp     x6, x7, [x30, #8 * 6]
    ldp     x8, x9, [x30, #8 * 8]
    ldp     x10, x11, [x30, #8 * 10]
    ldp     x12, x13, [x30, #8 * 12]
    ldp     x14, x15, [x30, #8 * 14]
    ldp     x16, x17, [x30, #8 * 16]
    ldp     x18, x19, [x30, #8 * 18]
    ldp     x20, x21, [x30, #8 * 20]
    ldp     x22, x23, [x30, #8 * 22]
    ldp     x24, x25, [x30, #8 * 24]
    ldp     x26, x27, [x30, #8 * 26]
    ldp     x28, x29, [x30, #8 * 28]
    ldr     x30, [x30, #8 * 30]

    svc     #0

    // Store everything as it came back.  No instruction here sets the flags, so NZCV is
    // still the kernel's answer when it is read.
    stp     x0, x1, [sp, #8 * 0]
    stp     x2, x3, [sp, #8 * 2]
    stp     x4, x5, [sp, #8 * 4]
    stp     x6, x7, [sp, #8 * 6]
    stp     x8, x9, [sp, #8 * 8]
    stp     x10, x11, [sp, #8 * 10]
    stp     x12, x13, [sp, #8 * 12]
    stp     x14, x15, [sp, #8 * 14]
    stp     x16, x17, [sp, #8 * 16]
    stp     x18, x19, [sp, #8 * 18]
    stp     x20, x21, [sp, #8 * 20]
    stp     x22, x23, [sp, #8 * 22]
    stp     x24, x25, [sp, #8 * 24]
    stp     x26, x27, [sp, #8 * 26]
    stp     x28, x29, [sp, #8 * 28]
    str     x30, [sp, #8 * 30]
    mov     x0, sp
    str     x0, [sp, #REGS_SP]
    mrs     x0, nzcv
    str     x0, [sp, #REGS_NZCV]
    mrs     x0, tpidr_el0
    str     x0, [sp, #REGS_TPIDR]

    // Copy the area to *out.
    ldr     x1, [sp, #AREA]
    mov     x2, #0
1:  ldr     x3, [sp, x2, lsl #3]
    str     x3, [x1, x2, lsl #3]
    add     x2, x2, #1
    cmp     x2, #REGS_WORDS
    b.lo    1b

    ldr     x0, [sp, #8 * 0]            // the result
    add     sp, sp, #AREA
    ldp     x1, x2, [sp], #16
    ldp     x27, x28, [sp], #16
    ldp     x25, x26, [sp], #16
    ldp     x23, x24, [sp], #16
    ldp     x21, x22, [sp], #16
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret
