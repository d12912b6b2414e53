// crt0.S — where every user program starts.  The kernel leaves argc at [sp] and the argv
// pointers above it (Linux's layout, task.c); main(argc, argv)'s return value becomes the
// exit status.
    .section .text.start, "ax"
    .global _start
_start:
    mov     x29, #0         // the end of the frame-record chain
    mov     x30, #0
    ldr     x0, [sp]        // argc
    add     x1, sp, #8      // argv
    bl      main
    bl      exit            // does not return
