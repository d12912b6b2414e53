// oracle.c — what docs/syscalls.md says a call must return, worked out from its arguments
// and from what they point at (read here from this program's own memory, where EL0 may).
//
// The rules, as the reference states them: an int argument is the low 32 bits of its
// register; a pointer must be user memory that allows the access for the whole range
// (memory.c), NULL included in "must"; when several errors apply, the call may return any of
// them.  The kernel's code is never consulted: a rule here comes from the reference or from
// the layout of this program, and where they disagree with the kernel, the kernel is wrong.
#include "fuzz.h"

#define NSEC 1000000000L

static int my_pid, my_ppid;

void oracle_init(int pid, int ppid)
{
    my_pid = pid;
    my_ppid = ppid;
}

void expect_error(struct expected *e, long error)
{
    for (int i = 0; i < e->nerrors; i++)
        if (e->errors[i] == -error)
            return;
    if (e->nerrors < (int)(sizeof(e->errors) / sizeof(e->errors[0])))
        e->errors[e->nerrors++] = -error;
}

static bool can_read(uint64_t p, uint64_t len)
{
    return user_may_access(p, len, false);
}

static bool can_write(uint64_t p, uint64_t len)
{
    return user_may_access(p, len, true);
}

static void predict_read(const struct call *c, struct expected *e)
{
    int fd = (int)c->arg[0];
    uint64_t buf = c->arg[1], len = c->arg[2];
    if (fd != 0)
        expect_error(e, EBADF);
    if (!can_write(buf, len))
        expect_error(e, EFAULT);
    e->value = 0;
    if (e->nerrors == 0 && len > 0)
        e->verdict = WOULD_BLOCK; // at least one byte: waits for typing
}

static bool printable(uint64_t p, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++) {
        char ch = ((const char *)p)[i];
        if (ch < ' ' || ch > '~')
            return false;
    }
    return true;
}

static void predict_write(const struct call *c, struct expected *e)
{
    int fd = (int)c->arg[0];
    uint64_t buf = c->arg[1], len = c->arg[2];
    if (fd != 1 && fd != 2)
        expect_error(e, EBADF);
    if (!can_read(buf, len))
        expect_error(e, EFAULT);
    e->value = (long)len;
    if (e->nerrors == 0 && (len > 64 || !printable(buf, len)))
        e->verdict = WOULD_FLOOD;
}

static void predict_nanosleep(const struct call *c, struct expected *e)
{
    uint64_t req = c->arg[0], rem = c->arg[1];
    struct timespec t = {0, 0};
    if (!can_read(req, sizeof(t)))
        expect_error(e, EFAULT);
    else
        memcpy(&t, (const void *)req, sizeof(t));
    if (rem != 0 && !can_write(rem, sizeof(t)))
        expect_error(e, EFAULT);
    if (can_read(req, sizeof(t)) && (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= NSEC))
        expect_error(e, EINVAL);
    e->value = 0;
    if (e->nerrors == 0 && t.tv_sec > 0)
        e->verdict = WOULD_BLOCK; // a second or more: not worth the wait (centuries: never)
}

static void predict_sysinfo(const struct call *c, struct expected *e)
{
    if (!can_write(c->arg[0], sizeof(struct sysinfo)))
        expect_error(e, EFAULT);
    e->value = 0;
}

static void predict_wait4(const struct call *c, struct expected *e)
{
    int pid = (int)c->arg[0], options = (int)c->arg[2];
    uint64_t status = c->arg[1], rusage = c->arg[3];
    bool pid_ok = pid == -1 || pid > 0;
    if (rusage != 0 || (options & ~WNOHANG) != 0 || !pid_ok)
        expect_error(e, EINVAL);
    if (status != 0 && !can_write(status, sizeof(int)))
        expect_error(e, EFAULT);
    if (pid_ok && (pid == -1 ? live_children() == 0 : !is_child(pid)))
        expect_error(e, ECHILD);
    e->success = (options & WNOHANG) ? SUCCESS_REAPED_OR_0 : SUCCESS_REAPED;
    e->wait_pid = pid;
    // Lab 5's peers end only when told: waiting for one that has not been would wait for ever.
    if (e->nerrors == 0 && !(options & WNOHANG) &&
        (pid == -1 ? reapable_children() == 0 : !child_reapable(pid)))
        e->verdict = WOULD_BLOCK;
#if LAB >= 5
    if (e->nerrors == 0 && !(options & WNOHANG) && caps_degraded())
        e->verdict = WOULD_BLOCK; // after a failure the peers may not be where we think
#endif
}

// The programs of the boot archive that the fuzzer must never start (only `true` runs).
static const char *const other_programs[] = {
    "init",       "sh",    "hello",   "args",       "exitcode", "yielder",
    "interleave", "spin",  "starve",  "fault",      "badcall",  "spawnloop",
    "execbad",    "bench", "bigargs", "sleepcheck", "fuzz",     "faultstorm",
};

// spawn's path: the name, or the error.  Up to PROGRAM_NAME_MAX bytes are read; the NUL must
// be among them ("ENAMETOOLONG: path of 64 bytes or more"), all readable up to it.
static void predict_path(uint64_t path, struct expected *e)
{
    uint64_t n = readable_bytes(path, PROGRAM_NAME_MAX);
    const char *name = (const char *)path;
    size_t len = 0;
    while (len < n && name[len] != '\0')
        len++;
    if (len == n) {
        expect_error(e, n < PROGRAM_NAME_MAX ? EFAULT : ENAMETOOLONG);
        return;
    }
    if (strcmp(name, "motd") == 0) {
        expect_error(e, ENOEXEC); // a text file
        return;
    }
    for (size_t i = 0; i < sizeof(other_programs) / sizeof(other_programs[0]); i++)
        if (strcmp(name, other_programs[i]) == 0)
            e->verdict = UNSAFE;
    if (strcmp(name, "true") != 0)
        expect_error(e, ENOENT);
}

// spawn's argv: a readable array of at most SPAWN_MAX_ARGS pointers and a NULL, each to a
// readable string; at most SPAWN_MAX_ARG_BYTES of strings, NULs included.
static void predict_argv(uint64_t argv, struct expected *e)
{
    size_t total = 0;
    for (uint64_t argc = 0;; argc++) {
        uint64_t entry = argv + 8 * argc, pointer;
        if (entry < argv || !can_read(entry, 8)) {
            expect_error(e, EFAULT);
            return;
        }
        memcpy(&pointer, (const void *)entry, 8);
        if (pointer == 0)
            return;
        if (argc == SPAWN_MAX_ARGS) {
            expect_error(e, E2BIG);
            return;
        }
        uint64_t budget = SPAWN_MAX_ARG_BYTES - total;
        uint64_t n = readable_bytes(pointer, budget), len = 0;
        while (len < n && ((const char *)pointer)[len] != '\0')
            len++;
        if (len == n) { // no NUL within what may be read: unreadable, or too much
            expect_error(e, n < budget ? EFAULT : E2BIG);
            return;
        }
        total += len + 1;
    }
}

static void predict_spawn(const struct call *c, struct expected *e)
{
    predict_path(c->arg[0], e);
    predict_argv(c->arg[1], e);
    e->success = SUCCESS_NEW_PID;
}

void predict(const struct call *c, struct expected *e)
{
    memset(e, 0, sizeof(*e));
    e->verdict = RUN;
    e->success = SUCCESS_VALUE;
    switch (c->kind) {
    case CALL_READ:
        predict_read(c, e);
        break;
    case CALL_WRITE:
        predict_write(c, e);
        break;
    case CALL_NANOSLEEP:
        predict_nanosleep(c, e);
        break;
    case CALL_SCHED_YIELD:
        e->value = 0;
        break;
    case CALL_GETPID:
        e->value = my_pid;
        break;
    case CALL_GETPPID:
        e->value = my_ppid;
        break;
    case CALL_SYSINFO:
        predict_sysinfo(c, e);
        break;
    case CALL_WAIT4:
        predict_wait4(c, e);
        break;
    case CALL_SPAWN:
        predict_spawn(c, e);
        break;
    case CALL_UNKNOWN:
        expect_error(e, ENOSYS); // any number that is not a call
        break;
    default:
#if LAB >= 8
        if (c->kind > CALL_GETCWD) {
            predict8(c, e);
            break;
        }
#endif
#if LAB >= 7
        if (c->kind > CALL_REGION_REVOKE) {
            predict7(c, e);
            break;
        }
#endif
#if LAB >= 6
        if (c->kind > CALL_UNKNOWN) {
            predict6(c, e);
            break;
        }
#endif
#if LAB >= 5
        if (c->kind == CALL_SPAWN_CAPS)
            predict_spawn(c, e); // and its capabilities:
        predict5(c, e);
#endif
        break;
    }
}

static bool may_reap(const struct expected *e, long pid)
{
    return pid > 0 && child_reapable((int)pid) && (e->wait_pid == -1 || pid == e->wait_pid);
}

bool result_allowed(const struct expected *e, long result)
{
    if (e->nerrors > 0) {
        for (int i = 0; i < e->nerrors; i++)
            if (result == e->errors[i])
                return true;
        return false;
    }
    switch (e->success) {
    case SUCCESS_NEW_PID:
        return result > newest_pid();
    case SUCCESS_REAPED:
        return may_reap(e, result);
    case SUCCESS_REAPED_OR_0:
        return result == 0 || may_reap(e, result);
    default:
        return result == e->value || (e->has_alt && result == e->value_alt);
    }
}

void describe_expected(const struct expected *e, char *buf, size_t size)
{
    int n = 0;
    if (e->nerrors > 0) {
        for (int i = 0; i < e->nerrors && n >= 0 && (size_t)n < size; i++)
            n += snprintf(buf + n, size - (size_t)n, "%s%s", i > 0 ? " or " : "",
                          errno_name(e->errors[i]));
        return;
    }
    switch (e->success) {
    case SUCCESS_NEW_PID:
        snprintf(buf, size, "a new pid (above %d)", newest_pid());
        break;
    case SUCCESS_REAPED:
    case SUCCESS_REAPED_OR_0:
        snprintf(buf, size, "%sthe pid of %s (%d alive)",
                 e->success == SUCCESS_REAPED_OR_0 ? "0 or " : "",
                 e->wait_pid == -1 ? "any child" : "that child", live_children());
        break;
    default:
        snprintf(buf, size, "%ld", e->value);
    }
}

static bool all_zero(const void *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (((const uint8_t *)p)[i] != 0)
            return false;
    return true;
}

// sysinfo: totalram, freeram in frames of mem_unit 4096, procs counted, the rest 0.
static const char *check_sysinfo(const struct sysinfo *info)
{
    if (info->mem_unit != 4096)
        return "sysinfo's mem_unit is not 4096";
    if (info->totalram == 0 || info->freeram > info->totalram)
        return "sysinfo's totalram is 0 or below freeram";
    if (info->procs < 1 || info->procs > 63)
        return "sysinfo's procs is not 1 to 63";
    if (info->uptime < 0 || !all_zero(info->loads, sizeof(info->loads)) || info->sharedram ||
        info->bufferram || info->totalswap || info->freeswap || info->pad || info->totalhigh ||
        info->freehigh || !all_zero(info->reserved, sizeof(info->reserved)))
        return "a field of sysinfo that must be 0 is not";
    return NULL;
}

const char *check_what_it_wrote(const struct call *c, long result)
{
    if (c->kind == CALL_SYSINFO && result == 0)
        return check_sysinfo((const struct sysinfo *)c->arg[0]);
    if (c->kind == CALL_NANOSLEEP && result == 0 && c->arg[1] != 0 &&
        !all_zero((const void *)c->arg[1], sizeof(struct timespec)))
        return "nanosleep succeeded but did not write zeros to rem";
    if (c->kind == CALL_WAIT4 && result > 0 && c->arg[1] != 0 &&
        !child_status_allowed((int)result, *(const int *)c->arg[1])) {
        static char what[128];
        snprintf(what, sizeof(what),
                 "wait4 reaped pid %ld with status 0x%x, not what it ended with", result,
                 *(const int *)c->arg[1]);
        return what;
    }
    return NULL;
}
