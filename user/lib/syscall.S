// syscall.S — the one way into the kernel: `svc #0` with the call's number in x8 and its
// arguments in x0-x5; the result comes back in x0 (docs/syscalls.md).
//
// long syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5);
    .text
    .global syscall6
syscall6:
    mov     x8, x0
    mov     x0, x1
    mov     x1, x2
    mov     x2, x3
    mov     x3, x4
    mov     x4, x5
    mov     x5, x6
    svc     #0
    ret
