// calls8.c — lab 8's calls (sync, clock_gettime, reboot, disk_writeback): their argument
// classes, what docs/syscalls.md ("Disks, the clock and power") allows each to return, what
// clock_gettime must write (and, failing, must not), and the regions a disk_writeback
// combination needs (made just before it, deleted just after, as regions.c does).
//
// reboot is made only with a wrong magic number or a wrong command, so that it must fail
// with EINVAL: a right one powers the machine off and ends the run.  Its classes are built so
// that no combination can produce magic1 0xfee1dead, magic2 672274793 and cmd 0x4321fedc
// together (the kernel reads the low 32 bits of each): combination_left_out8 leaves out every
// combination whose three classes are all "right" (with or without upper bits), the "wrong"
// classes draw until the low 32 bits differ from the right value, and build_call8 and the
// oracle both refuse a power-off should one ever come out anyway.
//
// disk_writeback needs the disk's region, which only the block server holds: the fuzzer (pid
// 1) gets only the slot errors (EBADF, EINVAL, EPERM), on slots of every kind, regions of its
// own among them.  ENODEV and EIO (no diskfile=, the host refused) need the disk's slot.
#if LAB >= 8
#include "fuzz.h"

#define NSEC 1000000000L
#define PAGE 4096UL
#define YEAR_2020 1577836800L // 2020-01-01 00:00:00 UTC: QEMU starts the PL031 at the host's time
#define YEAR_2100 4102444800L // 2100-01-01: a kernel that returns counter ticks is far beyond

static const char *const garbage8_names[1] = {"garbage in x0-x5"};

// --- clock_gettime --------------------------------------------------------------------------

enum clock_class { CK_REALTIME, CK_MONOTONIC, CK_HIGH_BITS, CK_LINUX, CK_NEGATIVE, CK_LARGE, NCK };
static const char *const clock_names[NCK] = {
    "CLOCK_REALTIME (0)",   "CLOCK_MONOTONIC (1)",
    "0 or 1 + k * 2^32",    "2 .. 11, Linux's other clocks",
    "negative (as an int)", "12 .. 2^31 - 1"};

// --- reboot ---------------------------------------------------------------------------------

enum magic1_class { M1_RIGHT, M1_HIGH, M1_WRONG, NM1 };
static const char *const magic1_names[NM1] = {"0xfee1dead", "0xfee1dead + k * 2^32", "wrong"};
enum magic2_class { M2_RIGHT, M2_HIGH, M2_LINUX, M2_WRONG, NM2 };
static const char *const magic2_names[NM2] = {"672274793", "672274793 + k * 2^32",
                                              "Linux's other magic2s", "wrong"};
enum cmd_class { CMD_POWER_OFF, CMD_HIGH, CMD_LINUX, CMD_WRONG, NCMD };
static const char *const cmd_names[NCMD] = {"POWER_OFF (0x4321fedc)", "POWER_OFF + k * 2^32",
                                            "Linux's other commands", "wrong"};
// Linux accepts these as magic2 too (dates); Keel refuses them (docs/syscalls.md: "other magic
// numbers").
static const uint32_t linux_magic2[] = {85072278, 369367448, 537993216};
// Linux's other commands: restart, halt, Ctrl-Alt-Del on and off, restart2, kexec, suspend.
static const uint32_t linux_cmds[] = {0x01234567, 0xcdef0123, 0x89abcdef, 0x00000000,
                                      0xa1b2c3d4, 0x45584543, 0xd000fce2};
#define N(a) (sizeof(a) / sizeof((a)[0]))

// --- disk_writeback -------------------------------------------------------------------------

enum dslot_class {
    DS_MINUS_ONE,
    DS_64,
    DS_NEGATIVE,
    DS_TRUNCATED,
    DS_EMPTY,
    DS_CONSOLE,
    DS_ENDPOINT,
    DS_REGION,
    DS_REGION_RO,
    NDS
};
static const char *const dslot_names[NDS] = {"-1",
                                             "64 and up",
                                             "below -1",
                                             "a region's slot + k * 2^32",
                                             "empty",
                                             "0, the console (an endpoint)",
                                             "an endpoint original",
                                             "a region of its own (map-write), not the disk",
                                             "a copy of it without map-write"};
enum range_class { RG_ZERO, RG_INSIDE, RG_PAST, RG_WRAPS, NRG };
static const char *const range_names[NRG] = {"offset 0, len 0", "inside the region",
                                             "past the region's end", "offset + len wraps"};

const struct call_info calls8[] = {
    {"sync", SYS_sync, 1, {{"args", 1, garbage8_names}}},
    {"clock_gettime",
     SYS_clock_gettime,
     2,
     {{"clock", NCK, clock_names}, {"tp", NPTR, ptr_class_names}}},
    {"reboot",
     SYS_reboot,
     3,
     {{"magic1", NM1, magic1_names}, {"magic2", NM2, magic2_names}, {"cmd", NCMD, cmd_names}}},
    {"disk_writeback",
     SYS_disk_writeback,
     2,
     {{"slot", NDS, dslot_names}, {"offset, len", NRG, range_names}}},
};
_Static_assert(sizeof(calls8) / sizeof(calls8[0]) == NCALLS - CALL_GETCWD - 1,
               "calls8 covers every lab-8 kind");

// What the current combination made or saw, for the checks after the call.
static struct {
    uint64_t tp;       // clock_gettime: where it was asked to write
    uint64_t readable; // how many of tp's 16 bytes the fuzzer could read before the call
    uint8_t before[16];
    int region, copy; // disk_writeback: slots of the region and its copy, -1 if none
    uint64_t pages;
} plan = {0, 0, {0}, -1, -1, 0};
static bool have_monotonic; // the last CLOCK_MONOTONIC a call returned
static struct timespec last_monotonic;

static void check_raw8(long got, long want, const char *what)
{
    if (got != want) {
        char buf[160];
        snprintf(buf, sizeof(buf), "%s returned %ld (%s), expected %ld", what, got,
                 got < 0 ? errno_name(got) : "not an error", want);
        fail_other(buf);
    }
}

bool combination_left_out8(enum call_kind kind, int combination)
{
    if (kind != CALL_REBOOT)
        return false;
    int m1 = combination % NM1, m2 = combination / NM1 % NM2, cmd = combination / NM1 / NM2;
    return m1 <= M1_HIGH && m2 <= M2_HIGH && cmd <= CMD_HIGH; // a power-off: see the top
}

static uint64_t upper_bits(void)
{
    return (1 + random_below((1UL << 32) - 1)) << 32;
}

// 32 random bits that are not `right` (with or without upper bits above them).
static uint64_t wrong_value(uint32_t right)
{
    uint32_t v;
    do
        v = random_below(4) == 0 ? 0 : (uint32_t)random64();
    while (v == right);
    return random_below(2) ? v : v | upper_bits();
}

static bool is_power_off(const struct call *c)
{
    return (uint32_t)c->arg[0] == LINUX_REBOOT_MAGIC1 &&
           (uint32_t)c->arg[1] == LINUX_REBOOT_MAGIC2 &&
           (uint32_t)c->arg[2] == LINUX_REBOOT_CMD_POWER_OFF;
}

static void build_reboot(struct call *c)
{
    int *k = c->classes;
    c->arg[0] = k[0] == M1_RIGHT  ? LINUX_REBOOT_MAGIC1
                : k[0] == M1_HIGH ? LINUX_REBOOT_MAGIC1 | upper_bits()
                                  : wrong_value(LINUX_REBOOT_MAGIC1);
    c->arg[1] = k[1] == M2_RIGHT   ? LINUX_REBOOT_MAGIC2
                : k[1] == M2_HIGH  ? LINUX_REBOOT_MAGIC2 | upper_bits()
                : k[1] == M2_LINUX ? linux_magic2[random_below(N(linux_magic2))]
                                   : wrong_value(LINUX_REBOOT_MAGIC2);
    c->arg[2] = k[2] == CMD_POWER_OFF ? LINUX_REBOOT_CMD_POWER_OFF
                : k[2] == CMD_HIGH    ? LINUX_REBOOT_CMD_POWER_OFF | upper_bits()
                : k[2] == CMD_LINUX   ? linux_cmds[random_below(N(linux_cmds))]
                                      : wrong_value(LINUX_REBOOT_CMD_POWER_OFF);
    if (is_power_off(c)) { // cannot happen (see the top); if it does, it is this file's bug
        fail_other("calls8.c built a reboot that powers off; made wrong instead");
        c->arg[0] ^= 1;
    }
}

static void build_clock_gettime(struct call *c)
{
    int *k = c->classes;
    switch (k[0]) {
    case CK_REALTIME:
        c->arg[0] = CLOCK_REALTIME;
        break;
    case CK_MONOTONIC:
        c->arg[0] = CLOCK_MONOTONIC;
        break;
    case CK_HIGH_BITS: // an int argument is the register's low 32 bits
        c->arg[0] = random_below(2) | upper_bits();
        break;
    case CK_LINUX:
        c->arg[0] = 2 + random_below(10);
        break;
    case CK_NEGATIVE:
        c->arg[0] = (uint32_t)(0x80000000u | random64());
        if (random_below(2))
            c->arg[0] |= upper_bits();
        break;
    default:
        c->arg[0] = 12 + random_below((1UL << 31) - 12);
    }
    plan.tp = c->arg[1] = pointer_of_class(k[1], sizeof(struct timespec));
    fill_where_allowed(plan.tp, sizeof(struct timespec), 0xff); // success must overwrite it
    plan.readable = readable_bytes(plan.tp, sizeof(struct timespec));
    if (plan.readable > 0)
        memcpy(plan.before, (const void *)plan.tp, plan.readable);
}

static int empty_slot_not_ours8(void)
{
    for (int s = 1; s < CAP_SLOTS; s++)
        if (table[s].object < 0 && s != plan.region && s != plan.copy)
            return s;
    return CAP_SLOTS - 1;
}

// A region of its own, and a copy of it with map-read and grant only; the model of the
// capability table (caps.c) never sees them: apply8 deletes both after the call.
static void make_regions(void)
{
    plan.pages = 1 + random_below(4);
    long got = region_create(plan.pages);
    if (got < 0) {
        check_raw8(got, 1, "region_create (a helper)");
        return;
    }
    plan.region = (int)got;
    got = cap_mint(plan.region, RIGHT_MAP_READ | RIGHT_GRANT, 0);
    if (got < 0)
        check_raw8(got, 1, "cap_mint of a region (a helper)");
    else
        plan.copy = (int)got;
}

static void build_disk_writeback(struct call *c)
{
    int *k = c->classes;
    if (k[0] == DS_ENDPOINT)
        fixture_slot(FX_EP); // made now, before the regions take the lowest free slots
    make_regions();
    switch (k[0]) {
    case DS_MINUS_ONE:
        c->arg[0] = (uint64_t)-1L;
        break;
    case DS_64:
        c->arg[0] = CAP_SLOTS + random_below(random_below(2) ? 64 : 1UL << 62);
        break;
    case DS_NEGATIVE:
        c->arg[0] = (uint64_t)(-2 - (long)random_below(1UL << 62));
        break;
    case DS_TRUNCATED: // a slot is the whole register: this one is out of range
        c->arg[0] = (uint64_t)(plan.region < 0 ? 1 : plan.region) + upper_bits();
        break;
    case DS_EMPTY:
        c->arg[0] = (uint64_t)empty_slot_not_ours8();
        break;
    case DS_CONSOLE:
        c->arg[0] = 0;
        break;
    case DS_ENDPOINT:
        c->arg[0] = (uint64_t)fixture_slot(FX_EP);
        break;
    case DS_REGION:
        c->arg[0] = (uint64_t)plan.region;
        break;
    default:
        c->arg[0] = (uint64_t)plan.copy;
    }
    uint64_t size = plan.pages * PAGE;
    switch (k[1]) {
    case RG_ZERO:
        c->arg[1] = c->arg[2] = 0;
        break;
    case RG_INSIDE:
        c->arg[1] = random_below(size);
        c->arg[2] = 1 + random_below(size - c->arg[1]);
        break;
    case RG_PAST:
        c->arg[1] = random_below(size + 1);
        c->arg[2] = size - c->arg[1] + 1 + random_below(1UL << 40);
        break;
    default:
        c->arg[1] = -(1 + random_below(size));
        c->arg[2] = -c->arg[1] + random_below(1UL << 40);
    }
}

void build_call8(struct call *c)
{
    plan.tp = plan.readable = 0;
    plan.region = plan.copy = -1;
    switch (c->kind) {
    case CALL_SYNC:
        break;
    case CALL_CLOCK_GETTIME:
        build_clock_gettime(c);
        break;
    case CALL_REBOOT:
        build_reboot(c);
        break;
    default:
        build_disk_writeback(c);
    }
}

void predict8(const struct call *c, struct expected *e)
{
    const int *k = c->classes;
    e->value = 0;
    switch (c->kind) {
    case CALL_SYNC: // writes the file systems back; cannot fail (Linux's cannot either)
        break;
    case CALL_CLOCK_GETTIME: {
        uint32_t clock = (uint32_t)c->arg[0];
        if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
            expect_error(e, EINVAL);
        if (!user_may_access(c->arg[1], sizeof(struct timespec), true))
            expect_error(e, EFAULT);
        break;
    }
    case CALL_REBOOT:
        if (is_power_off(c))
            e->verdict = UNSAFE; // never made: it would end the run (see the top)
        expect_error(e, EINVAL);
        break;
    default:
        if (k[0] <= DS_EMPTY)
            expect_error(e, EBADF);
        else if (k[0] <= DS_REGION)
            expect_error(e, EINVAL); // not a region, or not the disk
        else
            expect_error(e, EPERM); // rights are checked before which region it is
        if (k[0] == DS_REGION_RO && plan.copy < 0)
            expect_error(e, EBADF); // the helper failed (reported): an empty slot
    }
}

static bool before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

// Whether `t`, a CLOCK_MONOTONIC time, is not before the last one seen; it becomes the last.
static bool monotonic_after(const struct timespec *t, const char *who, char *what, size_t size)
{
    if (have_monotonic && before(t, &last_monotonic)) {
        snprintf(what, size, "%s went backwards: {%ld, %ld} after {%ld, %ld}", who, t->tv_sec,
                 t->tv_nsec, last_monotonic.tv_sec, last_monotonic.tv_nsec);
        return false;
    }
    have_monotonic = true;
    last_monotonic = *t;
    return true;
}

// After every clock_gettime combination the fuzzer reads CLOCK_MONOTONIC itself too, so that
// a clock that jumps back now and then is seen within milliseconds of guest time, not only
// between the few combinations that read it.
static const char *sample_monotonic(char *what, size_t size)
{
    struct timespec t = {-1, -1};
    long got = clock_gettime(CLOCK_MONOTONIC, &t);
    if (got != 0) {
        snprintf(what, size, "clock_gettime(CLOCK_MONOTONIC) (a helper) returned %ld (%s)", got,
                 got < 0 ? errno_name(got) : "not an error");
        return what;
    }
    return monotonic_after(&t, "the fuzzer's own CLOCK_MONOTONIC, read after this call,", what,
                           size)
               ? NULL
               : what;
}

// clock_gettime: the time it wrote, if it succeeded; tp untouched, if it failed ("a call that
// fails has no effect").  Returns NULL, or what is wrong.
static const char *check_clock(const struct call *c, long result, char *what, size_t size);

const char *check_what_it_wrote8(const struct call *c, long result)
{
    static char what[192];
    if (c->kind != CALL_CLOCK_GETTIME || c->combination < 0)
        return NULL;
    const char *wrong = check_clock(c, result, what, sizeof(what));
    return wrong != NULL ? wrong : sample_monotonic(what, sizeof(what));
}

static const char *check_clock(const struct call *c, long result, char *what, size_t size)
{
    if (result < 0) {
        if (plan.readable > 0 && memcmp(plan.before, (const void *)plan.tp, plan.readable) != 0) {
            snprintf(what, size, "clock_gettime failed with %s, yet it wrote to tp",
                     errno_name(result));
            return what;
        }
        return NULL;
    }
    struct timespec t;
    memcpy(&t, (const void *)c->arg[1], sizeof(t));
    bool realtime = (uint32_t)c->arg[0] == CLOCK_REALTIME;
    if (t.tv_nsec < 0 || t.tv_nsec >= NSEC || t.tv_sec < 0) {
        snprintf(what, size, "clock_gettime wrote {%ld, %ld}: tv_nsec not 0 .. 10^9 - 1", t.tv_sec,
                 t.tv_nsec);
        return what;
    }
    if (realtime && (t.tv_sec < YEAR_2020 || t.tv_sec >= YEAR_2100)) {
        snprintf(what, size,
                 "clock_gettime(CLOCK_REALTIME) wrote tv_sec %ld: not between 2020 and 2100 "
                 "(QEMU starts the PL031 at the host's time)",
                 t.tv_sec);
        return what;
    }
    if (!realtime && !monotonic_after(&t, "clock_gettime(CLOCK_MONOTONIC)", what, size))
        return what;
    return NULL;
}

// After disk_writeback's call: its regions deleted again (the copy first).
void apply8(const struct call *c, long result)
{
    (void)result;
    if (c->kind != CALL_DISK_WRITEBACK || c->combination < 0)
        return;
    if (plan.copy >= 0)
        check_raw8(cap_delete(plan.copy), 0, "cap_delete of a region copy (cleaning up)");
    if (plan.region >= 0)
        check_raw8(cap_delete(plan.region), 0, "cap_delete of a region (cleaning up)");
    plan.region = plan.copy = -1;
}
#endif
