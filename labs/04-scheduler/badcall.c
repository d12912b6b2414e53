// badcall.c — feeds the kernel bad system calls: unknown numbers, bad pointers, bad
// arguments.  Each must fail with the documented error (docs/syscalls.md), and nothing may
// crash.  Prints one line per check; exits with the number of failed checks.
#include "ulib.h"

static int failures, checks;

static void expect(const char *what, long got, long want)
{
    checks++;
    if (got == want) {
        if (want < 0)
            printf("badcall: ok   %-44s -> %s\n", what, errno_name(want));
        else
            printf("badcall: ok   %-44s -> %ld\n", what, want);
        return;
    }
    failures++;
    printf("badcall: FAIL %-44s -> %ld (%s), expected %ld (%s)\n", what, got,
           got < 0 ? errno_name(got) : "not an error", want, errno_name(want));
}

static const char message[] = "a read-only string in .rodata";
static char buffer[64];

int main(int argc, char **argv)
{
    long kernel = (long)0xffffff8040200000UL;   // the kernel's first page
    long unmapped = 0x10000000L;                // nothing is mapped there
    long text = (long)main;                     // code: readable, not writable
    long page_end = ((long)buffer | 0xfff) + 1; // past the end of .data/.bss
    int status;

    expect("syscall 9999", syscall6(9999, 0, 0, 0, 0, 0, 0), -ENOSYS);
    expect("syscall -1", syscall6(-1, 0, 0, 0, 0, 0, 0), -ENOSYS);
    expect("syscall 400 (no such call in Keel)", syscall6(400, 0, 0, 0, 0, 0, 0), -ENOSYS);
    expect("syscall 499 (inside the table, unused)", syscall6(499, 0, 0, 0, 0, 0, 0), -ENOSYS);

    expect("write(1, NULL, 5)", write(1, NULL, 5), -EFAULT);
    expect("write(1, kernel address, 5)", write(1, (void *)kernel, 5), -EFAULT);
    expect("write(1, unmapped address, 5)", write(1, (void *)unmapped, 5), -EFAULT);
    expect("write(1, buffer running off its pages, 8192)", write(1, (void *)(page_end - 8), 8192),
           -EFAULT);
    expect("write(1, buffer, huge length)", write(1, buffer, (size_t)-1), -EFAULT);
    expect("write(7, buffer, 1)", write(7, buffer, 1), -EBADF);
    expect("write(1, buffer, 0)", write(1, buffer, 0), 0);

    expect("read(0, NULL, 5)", read(0, NULL, 5), -EFAULT);
    expect("read(0, kernel address, 5)", read(0, (void *)kernel, 5), -EFAULT);
    expect("read(0, read-only code, 5)", read(0, (void *)text, 5), -EFAULT);
    expect("read(0, read-only string, 5)", read(0, (void *)message, 5), -EFAULT);
    expect("read(3, buffer, 5)", read(3, buffer, 5), -EBADF);

    expect("nanosleep(NULL)", syscall6(SYS_nanosleep, 0, 0, 0, 0, 0, 0), -EFAULT);
    struct timespec bad = {0, 2000000000L};
    expect("nanosleep(tv_nsec = 2e9)", syscall6(SYS_nanosleep, (long)&bad, 0, 0, 0, 0, 0), -EINVAL);
    struct timespec short_sleep = {0, 1000000L};
    expect("nanosleep(1 ms, rem = kernel address)",
           syscall6(SYS_nanosleep, (long)&short_sleep, kernel, 0, 0, 0, 0), -EFAULT);

    char *hello_argv[] = {"hello", NULL};
    char *kernel_argv[] = {"hello", (char *)kernel, NULL};
    expect("spawn(NULL, argv)", spawn(NULL, hello_argv), -EFAULT);
    expect("spawn(kernel address, argv)", spawn((char *)kernel, hello_argv), -EFAULT);
    expect("spawn(\"no-such-program\", argv)", spawn("no-such-program", hello_argv), -ENOENT);
    expect("spawn(\"motd\") (a text file)", spawn("motd", hello_argv), -ENOEXEC);
    expect("spawn(\"hello\", NULL argv)", spawn("hello", NULL), -EFAULT);
    expect("spawn(\"hello\", argv with a kernel pointer)", spawn("hello", kernel_argv), -EFAULT);
    expect("spawn(\"hello\", argv at an unmapped address)", spawn("hello", (char **)unmapped),
           -EFAULT);

    expect("waitpid(12345)", waitpid(12345, &status, 0), -ECHILD);
    expect("waitpid(-1) with no children", waitpid(-1, &status, 0), -ECHILD);
    int pid = spawn("true", (char *[]){"true", NULL});
    expect("waitpid(child, kernel address)", waitpid(pid, (int *)kernel, 0), -EFAULT);
    expect("waitpid(child, bad option)", waitpid(pid, &status, 0x100), -EINVAL);
    expect("waitpid(child, &status) after the errors", waitpid(pid, &status, 0), pid);
    expect("... and the child's status", status, 0);

    expect("sysinfo(NULL)", syscall6(SYS_sysinfo, 0, 0, 0, 0, 0, 0), -EFAULT);
    expect("sysinfo(read-only code)", syscall6(SYS_sysinfo, text, 0, 0, 0, 0, 0), -EFAULT);

    printf("badcall: %d of %d checks passed\n", checks - failures, checks);
    return failures;
}
