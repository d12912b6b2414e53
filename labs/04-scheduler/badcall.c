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

// Spawns `true` with n arguments and reaps it: 0, or spawn's error.
static long spawn_with_args(int n)
{
    static char *argv[SPAWN_MAX_ARGS + 2];
    argv[0] = "true";
    for (int i = 1; i < n; i++)
        argv[i] = "x";
    argv[n] = NULL;
    int pid = spawn("true", argv), status;
    if (pid < 0)
        return pid;
    waitpid(pid, &status, 0);
    return 0;
}

// Spawns `true` without reaping it (a zombie keeps its slot) until spawn fails; returns
// that error, after reaping them all.
static long spawn_until_no_slot(void)
{
    char *argv[] = {"true", NULL};
    long err = 0;
    for (int i = 0; i < 100 && err >= 0; i++)
        err = spawn("true", argv);
    int status;
    while (waitpid(-1, &status, 0) > 0)
        ;
    return err < 0 ? err : 0;
}

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
    expect("read(0, buffer, 0) (returns at once)", read(0, buffer, 0), 0);

    expect("nanosleep(NULL)", syscall6(SYS_nanosleep, 0, 0, 0, 0, 0, 0), -EFAULT);
    struct timespec bad = {0, 2000000000L};
    expect("nanosleep(tv_nsec = 2e9)", syscall6(SYS_nanosleep, (long)&bad, 0, 0, 0, 0, 0), -EINVAL);
    struct timespec one_second_as_nsec = {0, 1000000000L}, minus_one_nsec = {0, -1},
                    minus_one_sec = {-1, 0};
    expect("nanosleep(tv_nsec = 1e9)",
           syscall6(SYS_nanosleep, (long)&one_second_as_nsec, 0, 0, 0, 0, 0), -EINVAL);
    expect("nanosleep(tv_nsec = -1)", syscall6(SYS_nanosleep, (long)&minus_one_nsec, 0, 0, 0, 0, 0),
           -EINVAL);
    expect("nanosleep(tv_sec = -1)", syscall6(SYS_nanosleep, (long)&minus_one_sec, 0, 0, 0, 0, 0),
           -EINVAL);
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
    expect("waitpid(my own pid)", waitpid(getpid(), &status, 0), -ECHILD);
    expect("waitpid(0) (process groups)", waitpid(0, &status, 0), -EINVAL);
    expect("waitpid(-2) (process groups)", waitpid(-2, &status, 0), -EINVAL);
    expect("wait4(-1, &status, 0, rusage)",
           syscall6(SYS_wait4, -1, (long)&status, 0, (long)buffer, 0, 0), -EINVAL);
    int pid = spawn("true", (char *[]){"true", NULL});
    expect("waitpid(child, kernel address)", waitpid(pid, (int *)kernel, 0), -EFAULT);
    expect("waitpid(child, bad option)", waitpid(pid, &status, 0x100), -EINVAL);
    expect("waitpid(child, &status) after the errors", waitpid(pid, &status, 0), pid);
    expect("... and the child's status", status, 0);

    static char long_path[PROGRAM_NAME_MAX + 1];
    memset(long_path, 'a', PROGRAM_NAME_MAX);
    expect("spawn(a 64-byte path)", spawn(long_path, hello_argv), -ENAMETOOLONG);
    expect("spawn(\"true\", 33 arguments)", spawn_with_args(SPAWN_MAX_ARGS + 1), -E2BIG);
    expect("spawn(\"true\", 32 arguments)", spawn_with_args(SPAWN_MAX_ARGS), 0);
    expect("spawn with every task slot in use", spawn_until_no_slot(), -EAGAIN);

    expect("sysinfo(NULL)", syscall6(SYS_sysinfo, 0, 0, 0, 0, 0, 0), -EFAULT);
    expect("sysinfo(read-only code)", syscall6(SYS_sysinfo, text, 0, 0, 0, 0, 0), -EFAULT);

    printf("badcall: %d of %d checks passed\n", checks - failures, checks);
    return failures;
}
