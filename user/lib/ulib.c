// ulib.c — system call wrappers and small helpers for user programs.
#include "ulib.h"

long read(int fd, void *buf, size_t len)
{
    return syscall6(SYS_read, fd, (long)buf, (long)len, 0, 0, 0);
}

long write(int fd, const void *buf, size_t len)
{
    return syscall6(SYS_write, fd, (long)buf, (long)len, 0, 0, 0);
}

void exit(int status)
{
    syscall6(SYS_exit, status, 0, 0, 0, 0, 0);
    for (;;) // the kernel never returns from exit; if it did, do not run on
        ;
}

int getpid(void)
{
    return (int)syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

int getppid(void)
{
    return (int)syscall6(SYS_getppid, 0, 0, 0, 0, 0, 0);
}

int yield(void)
{
    return (int)syscall6(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
}

int sleep_ms(unsigned long ms)
{
    struct timespec t = {(long)(ms / 1000), (long)(ms % 1000) * 1000000L};
    return (int)syscall6(SYS_nanosleep, (long)&t, 0, 0, 0, 0, 0);
}

int spawn(const char *path, char *const argv[])
{
    return (int)syscall6(SYS_spawn, (long)path, (long)argv, 0, 0, 0, 0);
}

int waitpid(int pid, int *status, int options)
{
    return (int)syscall6(SYS_wait4, pid, (long)status, options, 0, 0, 0);
}

int sysinfo(struct sysinfo *info)
{
    return (int)syscall6(SYS_sysinfo, (long)info, 0, 0, 0, 0, 0);
}

int atoi(const char *s)
{
    int sign = 1;
    unsigned long value = 0;
    if (*s == '-') {
        sign = -1;
        s++;
    }
    if (parse_u64(s, &value) != 0)
        return 0;
    return sign * (int)value;
}

const char *errno_name(long err)
{
    static const struct {
        int number;
        const char *name;
    } names[] = {
        {EPERM, "EPERM"},     {ENOENT, "ENOENT"},
        {ESRCH, "ESRCH"},     {EINTR, "EINTR"},
        {EIO, "EIO"},         {E2BIG, "E2BIG"},
        {ENOEXEC, "ENOEXEC"}, {EBADF, "EBADF"},
        {ECHILD, "ECHILD"},   {EAGAIN, "EAGAIN"},
        {ENOMEM, "ENOMEM"},   {EACCES, "EACCES"},
        {EFAULT, "EFAULT"},   {EBUSY, "EBUSY"},
        {EEXIST, "EEXIST"},   {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"},   {EINVAL, "EINVAL"},
        {EMFILE, "EMFILE"},   {ENOSPC, "ENOSPC"},
        {ESPIPE, "ESPIPE"},   {EPIPE, "EPIPE"},
        {ERANGE, "ERANGE"},   {ENAMETOOLONG, "ENAMETOOLONG"},
        {ENOSYS, "ENOSYS"},   {ENOTEMPTY, "ENOTEMPTY"},
        {EIDRM, "EIDRM"},     {EXDEV, "EXDEV"},
        {ENFILE, "ENFILE"},   {EFBIG, "EFBIG"},
        {ENODEV, "ENODEV"},   {EROFS, "EROFS"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].number == -err || names[i].number == err)
            return names[i].name;
    return "E?";
}
