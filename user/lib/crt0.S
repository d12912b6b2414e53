// crt0.S — where every user program starts.  The kernel leaves argc at [sp] and the argv
// pointers above it (Linux's layout, task.c), and also argc in x0 and argv in x1;
// main(argc, argv)'s return value becomes the exit status.  What the kernel handed over is
// kept in crt0_entry (x0, x1, sp) for programs that check it (labs/04-scheduler/args.c).
    .section .text.start, "ax"
    .global _start
_start:
    adrp    x9, crt0_entry
    add     x9, x9, :lo12:crt0_entry
    mov     x10, sp
    stp     x0, x1, [x9]
    str     x10, [x9, #16]
    mov     x29, #0         // the end of the frame-record chain
    mov     x30, #0
    ldr     x0, [sp]        // argc
    add     x1, sp, #8      // argv
    bl      main
    bl      exit            // does not return

    .bss
    .balign 8
    .global crt0_entry
crt0_entry:
    .skip   24
