"""Lab 6 grader: shared memory regions: create, map, pass, revoke, reference counts, the
console's shared buffer, and what sharing saves.

The test programs live in labs/06-shm/.  Each runs as pid 1 (boot arguments `-- NAME ARGS`),
prints a line per thing it checks ("NAME: FAIL what: expected X, got Y" when one is wrong) and
a summary, and its exit status ends QEMU.  Nonces come from the test's random generator
(conftest.py seeds it per test), and what the programs read through regions is checked here
against patterns computed from the nonce (pattern_word, checksum: the same arithmetic as
labs/06-shm/shmtest.h), so a program cannot print a canned answer.  A task that must be
killed announces the address it touches next; the kernel's report must name that address.
Instruction counts are taken under -icount shift=0, where the PMU counts retired instructions
exactly.
"""
import re

import pytest

from harness import mix64, new_seed, rerun_hint

LAB = 6
TITLE = "shared memory"
HANDOUT = "handouts/06-shm.md"

EX1 = "handouts/06-shm.md, 'Exercise 1: the region object'"
EX2 = "handouts/06-shm.md, 'Exercise 2: mapping a region'"
EX3 = "handouts/06-shm.md, 'Exercise 3: passing a region'"
EX4 = "handouts/06-shm.md, 'Exercise 4: revoke and the TLB'"
EX5 = "handouts/06-shm.md, 'Exercise 5: reference counts'"
CONSOLE = "handouts/06-shm.md, 'The console through shared memory'"
MEASURING = "handouts/06-shm.md, 'Measuring'"

RATIO_TARGET = 10  # the target: a region moves 1 MiB at least 10x cheaper
MASK = (1 << 64) - 1
K = 0x100000001B3  # the checksum's multiplier (labs/06-shm/shmshare.c, shmbench.c)
WORDS_PER_PAGE = 512


# --- the programs' arithmetic, in Python -----------------------------------------------------

def pattern_word(nonce, tag, i):
    """labs/06-shm/shmtest.h: word i of pattern `tag`."""
    return mix64(nonce ^ (tag << 48) ^ i)


def checksum(nonce, tag, words):
    """What a reader of pattern `tag` prints: s = s * K + w over the words, in order."""
    s = 0
    for i in range(words):
        s = (s * K + pattern_word(nonce, tag, i)) & MASK
    return s


class Rng:
    """labs/05-ipc/ipctest.h's rng_seed / rng_next / rng_below."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        return mix64(self.state)

    def below(self, n):
        return self.next() % n if n else 0


# --- running the programs --------------------------------------------------------------------

def run_program(keel, command, bootargs="", **options):
    """Boots Keel with `command` as pid 1 (no monitor); `bootargs` go before the "--"."""
    return keel.boot(bootargs=f"{bootargs} -- {command}".strip(), monitor=False, **options)


JUNK = "6b6b6b6b"  # what frame_free fills a freed frame with (kernel/mm/frame.c)


def clues(k):
    """What the output says about a region freed too early, for a failure message."""
    found = []
    server = re.search(r"^console: cannot map the kernel's output buffer .*$", k.output, re.M)
    if server:
        found.append(f"The console server said: '{server.group(0)}'. Every program's output goes "
                     "through that buffer from lab 6 on: region_map (Exercise 2) must work "
                     f"before anything else can be seen ({EX2}).")
    panic = re.search(r"^panic: .*$", k.output, re.M)
    if panic:
        found.append(f"The kernel panicked: '{panic.group(0)}' (its backtrace is in the serial "
                     "output). In lab 6 a panic in frame_free, region_put or object_destroy is "
                     "most often a region's frames freed twice or too early: a reference count "
                     "one too low (each capability and each mapping holds one: region_get in "
                     "region_map, region_put frees only at 0), or region pages mapped without "
                     "DESC_NOT_OWNED, which exit then frees as the task's own.")
    if JUNK in k.output:
        found.append(f"0x{JUNK}... is what frame_free fills a freed frame with: a region's frames "
                     "were freed while still mapped (a reference count too low, or a mapping "
                     "without DESC_NOT_OWNED whose task's exit freed them as its own).")
    return "".join("\n" + line for line in found)


def fail_lines(k, program, limit=8):
    """The program's FAIL lines and any fault reports, for a failure message, and clues."""
    lines = re.findall(r"^%s: .*FAIL .*$|^keel: task \d+ .* killed: .*$" % re.escape(program),
                       k.output, re.M)
    more = f"\n    ... and {len(lines) - limit} more" if len(lines) > limit else ""
    return "".join("\n    " + line for line in lines[:limit]) + more + clues(k)


def program_failures(k, program):
    return re.findall(r"^%s: .*FAIL .*$" % re.escape(program), k.output, re.M)


def expect_line(k, pattern, what, section, timeout=30, hint=None, **options):
    """k.expect, with `hint` (how to rerun, what to look at) added to a failure."""
    try:
        return k.expect(pattern, timeout=timeout, what=what, section=section, **options)
    except pytest.fail.Exception as failure:
        message = str(failure)
    found = clues(k)
    pytest.fail((found.lstrip("\n") + "\n" if found else "") + message +
                (f"\n{hint}" if hint else ""), pytrace=False)


def fault_report(k, announced, kind, hint, section, what, survived=None):
    """The kernel's report of the task that announced (in the match `announced`, groups 'pid'
    and 'addr') the address it touches next: it must be killed there, with `kind` (a regex:
    the class and cause).  The report comes after the announcement, perhaps after other
    tasks' lines: the search starts at the announcement, whatever was consumed since.  A task
    that survives its access says so in a FAIL line, which fails the test with `survived`
    (what that means)."""
    pid, address = announced.group("pid"), int(announced.group("addr"), 16)
    program = announced.group(0).split(" (pid")[0]
    k.position = announced.end()
    report = expect_line(k, r"^(keel: task %s \(\w+\) killed: .*|%s: FAIL .*)$" % (
        pid, re.escape(program)), f"the kernel's report of {what} (pid {pid}) being killed at "
        f"0x{address:x}", section, timeout=10, hint=hint)
    line = report.group(0)
    if not line.startswith("keel: "):
        if callable(survived):
            survived = survived(line)
        pytest.fail(k.explain(f"{what} to be killed at 0x{address:x}", got=line + "\n" +
                              (survived + "\n" if survived else "") + hint, section=section),
                    pytrace=False)
    match = re.search(r"killed: (.*) at 0x([0-9a-f]+), pc 0x[0-9a-f]+$", line)
    assert match and re.fullmatch(kind, match.group(1)) and int(match.group(2), 16) == address, \
        k.explain(f"{what} killed by '{kind}' at 0x{address:x}, the address it announced",
                  got=line + fail_lines(k, program) + "\n" + hint, section=section)
    return line


def expect_from(k, since, pattern, what, section, **options):
    """expect_line from position `since` (lines of several tasks come in either order)."""
    k.position = since
    return expect_line(k, pattern, what, section, **options)


# --- Exercises 2 and 3: mapping and passing --------------------------------------------------

@pytest.mark.points(15)
@pytest.mark.section(EX3)
@pytest.mark.earlier("handouts/05-ipc.md, 'Exercise 4: passing capabilities'")
def test_a_pattern_written_by_one_task_is_read_by_another_both_ways(keel):
    """`shmshare NONCE`: the parent's new region reads as zeros and shows the same frames
    through two mappings; the parent writes pattern 1 and passes a copy in a call; the child
    maps it and reads pattern 1, writes pattern 2, which the parent reads; then the child's
    own region goes the other way (patterns 3 and 4).  Each reader prints the checksum of
    what it read, which must be the one computed here from the nonce."""
    nonce = new_seed()
    command = f"shmshare {nonce}"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    pages = mix64(nonce ^ 0x5EED) % 16 + 1
    own_pages = pages % 7 + 1
    mapped = expect_line(k, r"^shmshare: parent mapped (\d+) pages at 0x([0-9a-f]+) and again "
                         r"at 0x([0-9a-f]+)$", "the parent's first line: its region mapped "
                         "twice (if it never comes, see the FAIL lines: region_create or "
                         "region_map failed)", EX2, hint=hint)
    status = k.wait_exit(timeout=30, section=EX3)
    failures = program_failures(k, "shmshare")
    zero = [f for f in failures if "zeroed" in f]
    assert not zero, k.explain(
        "a new region to read as zeros (region_create takes zeroed frames)",
        got="".join("\n    " + f for f in zero), section=EX1)
    alias = [f for f in failures if "alias" in f]
    assert not alias, k.explain(
        "what the parent writes through one mapping to show through its second mapping of the "
        "same region: both must map the region's frames (region_frame(r, n) at va + n pages), "
        "not frames of their own", got="".join("\n    " + f for f in alias), section=EX2)
    readers = [
        (r"^shmshare: child read \d+ pages at 0x[0-9a-f]+: pattern 1 checksum 0x([0-9a-f]+)$",
         1, pages, "the child reading what the parent wrote"),
        (r"^shmshare: parent read the child's writes: pattern 2 checksum 0x([0-9a-f]+)$", 2,
         pages, "the parent reading what the child wrote into the parent's region"),
        (r"^shmshare: parent read \d+ pages of the child's region at 0x[0-9a-f]+: pattern 3 "
         r"checksum 0x([0-9a-f]+)$", 3, own_pages, "the parent reading the child's own region"),
        (r"^shmshare: child read its own region back: pattern 4 checksum 0x([0-9a-f]+)$", 4,
         own_pages, "the child reading what the parent wrote into the child's region"),
    ]
    for pattern, tag, n, what in readers:
        line = re.search(pattern, k.output, re.M)
        want = checksum(nonce, tag, n * WORDS_PER_PAGE)
        assert line and int(line.group(1), 16) == want, k.explain(
            f"{what}: {n} pages of pattern {tag} (checksum 0x{want:x}, computed from the nonce "
            "here): the two tasks' mappings must lead to the same frames, every page of them",
            got=(line.group(0) if line else "no such line") + fail_lines(k, "shmshare") + "\n" +
            hint, section=EX3)
    assert int(mapped.group(1)) == pages, k.explain(f"a region of {pages} pages",
                                                    got=mapped.group(0))
    assert not failures and status == 0, k.explain(
        "every check of shmshare to pass and exit status 0",
        got=f"exit status {status}" + fail_lines(k, "shmshare") + "\n" + hint, section=EX3)


RO_HINT = ("A read-only capability (minted without map-write) must never give a writable "
           "mapping: sys_region_map refuses REGION_MAP_WRITE without RIGHT_MAP_WRITE (EPERM), "
           "and region_map must map EL0 read-only (DESC_AP_RO_ALL) when `writable` is false.")


@pytest.mark.points(10)
@pytest.mark.section(EX3)
@pytest.mark.earlier("handouts/04-scheduler.md, 'Faults in user code'")
def test_a_read_only_view_can_never_be_written(keel):
    """`shmrights NONCE ro`: a child gets a copy minted with map-read only: mapping it
    writable is EPERM (at the kernel's address and at its own), minting map-write back is
    EPERM, mapped read-only it reads the parent's pattern; its write through that mapping
    kills it alone, reported as a permission fault on a write at the address it announced;
    the word is unchanged, and a second reader of the same view works: the system goes on."""
    nonce = new_seed()
    command = f"shmrights {nonce} ro"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    announced = expect_line(k, r"^shmrights: reader \(pid (?P<pid>\d+)\): (\d+) of (\d+) checks "
                            r"passed; writing to "
                            r"0x(?P<addr>[0-9a-f]+) .*$", "the reader's announcement of its "
                            "write (if it never comes, see the FAIL lines)", EX3, hint=hint)
    refused = [f for f in program_failures(k, "shmrights: reader")
               if "the write through" not in f]
    assert not refused and announced.group(2) == announced.group(3), k.explain(
        "every refusal of the read-only view as documented, and pattern 1 read through it",
        got="".join("\n    " + f for f in refused) + "\n" + RO_HINT + "\n" + hint, section=EX3)
    fault_report(k, announced, r"data abort from EL0 \(EC 0x24\): permission fault, level 3, "
                 r"on a write", hint, EX2, "the reader writing through its read-only mapping",
                 survived=RO_HINT)
    expect_line(k, r"^shmrights: ro: the parent goes on: its mapping still reads pattern 1: "
                r"(\w+)$", "the parent's last line, after a second reader", EX3, timeout=20,
                hint=hint)
    status = k.wait_exit(timeout=10, section=EX3)
    failures = program_failures(k, "shmrights")
    assert not failures and status == 0, k.explain(
        "the parent to find its region unchanged and the second reader to read it, exit "
        "status 0", got=f"exit status {status}" + fail_lines(k, "shmrights") + "\n" + hint,
        section=EX3)


@pytest.mark.points(5)
@pytest.mark.section(EX2)
def test_regions_are_never_executable(keel):
    """`shmrights NONCE exec`: a child writes two instructions into a region through a
    writable mapping and jumps to them: killed by an instruction abort (a permission fault)
    at that address, since region mappings are never executable (UXN and PXN)."""
    nonce = new_seed()
    command = f"shmrights {nonce} exec"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    announced = expect_line(k, r"^shmrights: exec \(pid (?P<pid>\d+)\): jumping to "
                            r"0x(?P<addr>[0-9a-f]+) .*$",
                            "the child's announcement of its jump (if it never comes, see the "
                            "FAIL lines)", EX2, hint=hint)
    fault_report(k, announced, r"instruction abort from EL0 \(EC 0x20\): permission fault, "
                 r"level 3", hint, EX2, "the child that jumped into the region",
                 survived="region_map's attributes must include DESC_UXN (never executable at "
                 "EL0; PTE_USER has PXN for EL1)")
    status = k.wait_exit(timeout=20, section=EX2)
    assert status == 0 and not program_failures(k, "shmrights"), k.explain(
        "exit status 0 from shmrights", got=f"{status}" + fail_lines(k, "shmrights"))


@pytest.mark.points(10)
@pytest.mark.section(EX3)
@pytest.mark.earlier("handouts/05-ipc.md, 'Exercise 1: the capability table'")
def test_a_task_without_the_capability_cannot_reach_the_region(keel):
    """`shmrights NONCE guess`: a child that holds no capability to the parent's region tries
    every slot and random slot numbers with region_map (at the kernel's address and at the
    parent's), region_revoke and region_unmap: each gets the slot's error (EBADF empty or out
    of range, EINVAL not a region), never an address; the parent's address is not mapped in
    it (spawn with its path there is EFAULT); its own region at that same address holds zeros; its
    read of the parent's address kills it with a translation fault there."""
    nonce = new_seed()
    command = f"shmrights {nonce} guess"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    announced = expect_line(k, r"^shmrights: guess \(pid (?P<pid>\d+)\): (\d+) of (\d+) guesses "
                            r"refused with the "
                            r"slot's error; (\d+) of (\d+) checks passed; now reading "
                            r"0x(?P<addr>[0-9a-f]+)$", "the guesser's summary", EX3, hint=hint)
    refused, tried, passed, checks = (int(announced.group(i)) for i in range(2, 6))
    assert refused == tried and passed == checks, k.explain(
        "every guess refused with the documented error, and nothing of the parent's region "
        "visible in the child (its own new region at the same address reads as zeros)",
        got=announced.group(0) + fail_lines(k, "shmrights: guess") + "\n" + hint, section=EX3)
    fault_report(k, announced, r"data abort from EL0 \(EC 0x24\): translation fault, level "
                 r"[0-3], on a read", hint, EX3, "the guesser reading the parent's address",
                 survived="A region must be mapped only into the address space of the task "
                 "whose capability region_map was given (region_map(current, ...)), never into "
                 "another's")
    status = k.wait_exit(timeout=20, section=EX3)
    assert status == 0 and not program_failures(k, "shmrights"), k.explain(
        "exit status 0 from shmrights", got=f"{status}" + fail_lines(k, "shmrights"))


# --- Exercise 4: revoke ----------------------------------------------------------------------

REVOKE_HINTS = [
    (", the last)", "unmap_range must clear the level-3 entry of every page of the mapping, "
     "the last one too"),
    ("mapping through the original", "the mappings made through the original must stay: "
     "region_revoke removes only those with via_original false"),
    ("its mapping through its own copy", "region_revoke must remove every mapping made through "
     "a copy (via_original false), the revoker's own too, translations and all (drop_mapping "
     "with unmap; walking the list while dropping from it: after drop_mapping, *link already "
     "holds the next mapping)"),

    ("its own copy", "revoke must also delete the revoker's own copies (every slot holding a "
     "copy, in every task, the caller's too)"),
    ("travelling in a message", "a copy in a message not yet delivered (a sender blocked in "
     "send) must not arrive after the revoke: clear it as destroy_object_everywhere does"),
    ("region_revoke(original)", "region_revoke(original) must return 0, also a second time"),
    ("counts", "after the revoke, the deaths of the holders and the parent's unmap and "
     "delete, everything must be back: a mapping record never freed (kfree in drop_mapping), "
     "a reference never dropped (region_put), a capability left in a table"),
]


@pytest.mark.points(15)
@pytest.mark.section(EX4)
def test_revoke_takes_effect_at_once_in_every_holder(keel):
    """`shmrevoke NONCE holders`: the parent maps its region through the original and through
    a copy it minted; holder 1 maps a read-only copy, holder 2 a writable one and a copy of
    that, and sends that copy on an endpoint nobody receives on yet.  After region_revoke:
    the parent's original mapping still reads the pattern, its copy's slot is empty and its
    mapping through it gone, the copy in the message arrives without its capability, revoking
    again is fine; each holder's slots are empty, region_map gives EBADF, and its next read
    kills it with a translation fault at the address it announced.  A copy minted afterwards
    works, and in the end every count is back."""
    nonce = new_seed()
    command = f"shmrevoke {nonce} holders"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    parent = expect_line(k, r"^shmrevoke: parent: revoked; (\d+) of (\d+) checks passed so far$",
                         "the parent's line after its revoke (if it never comes, see the FAIL "
                         "lines: a holder could not map its copy, or revoke blocked)", EX4,
                         hint=hint)
    failures = program_failures(k, "shmrevoke")
    for key, advice in REVOKE_HINTS[:6]:
        wrong = [f for f in failures if key in f]
        assert not wrong, k.explain(
            "the revoker's view after region_revoke as documented", got="".join(
                "\n    " + f for f in wrong) + f"\nSo: {advice}.\n" + hint,
            section=EX4)
    assert parent.group(1) == parent.group(2), k.explain(
        "every check of the parent's, up to and after its revoke, to pass",
        got=parent.group(0) + fail_lines(k, "shmrevoke") + "\n" + hint, section=EX4)
    for h in (1, 2):
        announced = expect_from(k, parent.end(), r"^shmrevoke: holder %d \(pid (?P<pid>\d+)\): "
                                r"(\d+) of (\d+) checks passed; reading 0x(?P<addr>[0-9a-f]+) "
                                r".*$" % h, f"holder {h}'s line after the revoke", EX4,
                                timeout=10, hint=hint)
        assert announced.group(2) == announced.group(3), k.explain(
            f"holder {h}'s copies gone after the revoke (its slots empty, region_map EBADF, its "
            "other mappings unmapped)", got=announced.group(0) + fail_lines(
                k, f"shmrevoke: holder {h}") + "\n" + hint, section=EX4)
        fault_report(k, announced, r"data abort from EL0 \(EC 0x24\): translation fault, level "
                     r"3, on a read", hint, EX4, f"holder {h} reading its revoked mapping",
                     survived="region_revoke must remove every mapping not made through the "
                     "original (drop_mapping with unmap: the translations too), in every task")
    status = k.wait_exit(timeout=20, section=EX4)
    failures = program_failures(k, "shmrevoke")
    counts = [f for f in failures if "counts" in f]
    assert not counts, k.explain(
        "the kernel's counts back where they were", got="".join("\n    " + f for f in counts) +
        "\n" + REVOKE_HINTS[6][1] + "\n" + hint, section=EX5)
    assert not failures and status == 0, k.explain(
        "every check of shmrevoke to pass, exit status 0", got=f"exit status {status}" +
        fail_lines(k, "shmrevoke") + "\n" + hint, section=EX4)


@pytest.mark.points(10)
@pytest.mark.section(EX4)
def test_revoke_and_unmap_forget_the_tlb_entries(keel):
    """`shmrevoke NONCE tlb`: a task reads its own mapping made through a copy it minted, so
    that the TLB holds its translation, revokes, and reads it again at once (nothing between
    that could flush the TLB by chance): killed by a translation fault there.  Another maps a
    region, writes it, unmaps it and reads again: the same.  Clearing the page-table entries
    is not enough; the TLB entries of that ASID must go too (unmap_range's tlbi)."""
    nonce = new_seed()
    command = f"shmrevoke {nonce} tlb"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    tlb_hint = ("unmap_range must invalidate the TLB after clearing the entries: dsb ishst, "
                "tlbi aside1is with the task's ASID in bits 63..48, dsb ish, isb. Without it "
                "the CPU (and QEMU) keeps using the translation it has cached")
    table_hint = {"revoker": "region_revoke must remove every mapping not made through the "
                  "original, the revoker's own through its copies too (drop_mapping with "
                  "unmap)", "unmapper": "region_unmap must clear the level-3 entry of every "
                  "page of the mapping (unmap_range)"}

    def advice(who):
        return lambda line: tlb_hint if "TLB" in line else \
            "unmap_range must clear the level-3 entry of every page of the mapping, the last one " \
            "too" if "stops short" in line else table_hint[who]

    for who, what in (("revoker", "revoking"), ("unmapper", "unmapping")):
        announced = expect_line(k, r"^shmrevoke: tlb %s \(pid (?P<pid>\d+)\): \w+ "
                                r"0x(?P<addr>[0-9a-f]+).*$" % who,
                                f"the tlb {who}'s announcement", EX4, hint=hint)
        line = fault_report(k, announced, r"data abort from EL0 \(EC 0x24\): translation fault, "
                            r"level 3, on a read", hint, EX4, f"the {who}, reading again right "
                            f"after {what}", survived=advice(who))
        assert line
    status = k.wait_exit(timeout=20, section=EX4)
    assert status == 0 and not program_failures(k, "shmrevoke"), k.explain(
        "both children killed at their reads, exit status 0",
        got=f"exit status {status}" + fail_lines(k, "shmrevoke"), section=EX4)


# --- Exercise 5: reference counts ------------------------------------------------------------

LEAK_HINTS = {
    "unmap": "a region whose copies and mappings were all deleted and unmapped normally: "
             "region_put must free the frames, the index frames and the object when refs "
             "reaches 0, and every capability and mapping must be counted exactly once",
    "outlive": "a region still mapped after its last capability was deleted: the mapping "
               "holds a reference of its own (region_get in region_map, region_put when it "
               "goes)",
    "exit": "a holder that exited still mapped and holding a copy: exit drops both (its "
            "capabilities, then region_task_exit's drop_mapping)",
    "kill": "a holder killed while mapped: the same path as exit",
    "fault": "a holder killed by a fault while mapped: the same path as exit",
    "unmapped": "a holder that only held a copy: deleting a capability drops its reference",
}


@pytest.mark.points(15)
@pytest.mark.section(EX5)
def test_create_map_pass_let_go_200_times_gives_everything_back(keel):
    """`shmleak NONCE 200`: 200 cycles of create, map, pass a copy, and let go: the receiver
    unmaps; or deletes its copy and outlives the original with its mapping (and still reads
    the data); or exits, is killed, or faults, still mapped; or never maps.  After every cycle
    the worker's counts (free frames, objects, capabilities, kmalloc objects, tasks) are back;
    then the worker exits with regions still mapped and copies held, and pid 1's counts,
    taken after its first line, are back too."""
    nonce = new_seed()
    command = f"shmleak {nonce} 200"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    ways = expect_line(k, r"^shmleak: worker: 200 cycles; cycles that leaked, by way: (.*)$",
                       "the worker's summary of 200 cycles (if it never comes, see the FAIL "
                       "lines: a call never answered, a holder that did not die)", EX5,
                       timeout=40, hint=hint)
    leaked = {name: (int(a), int(b)) for name, a, b in
              re.findall(r"(\w+) (\d+)/(\d+)", ways.group(1))}
    bad = [name for name, (n, _) in leaked.items() if n > 0]
    if bad:
        pytest.fail(k.explain(
            "no cycle to leak", got=ways.group(0) + fail_lines(k, "shmleak: worker", 6) +
            "".join(f"\n    {name}: {LEAK_HINTS.get(name, '')}" for name in bad) + "\n" + hint,
            section=EX5), pytrace=False)
    after = expect_line(k, r"^shmleak: after: .*$", "pid 1's counts after the worker", EX5,
                        timeout=20, hint=hint)
    before = re.search(r"^shmleak: before: (.*)$", k.output, re.M)
    status = k.wait_exit(timeout=10, section=EX5)
    failures = program_failures(k, "shmleak")
    assert before and before.group(1) == after.group(0).split(": ", 2)[2] and not failures, \
        k.explain("pid 1's counts back after the worker exited still mapping two regions and "
                  "holding a copy (exit: cap_delete_all, then region_task_exit)",
                  got=(before.group(0) if before else "no 'before' line") + "\n    " +
                  after.group(0) + fail_lines(k, "shmleak") + "\n" + hint, section=EX5)
    assert status == 0, k.explain(
        "every check of shmleak to pass, exit status 0", got=f"exit status {status}" +
        fail_lines(k, "shmleak") + "\n" + hint, section=EX5)


# --- Bad input -------------------------------------------------------------------------------

# The groups of checks in labs/06-shm/shmbad.c, and where each is taught.
BAD_GROUPS = {
    "region_create's errors": EX1,
    "describing and minting a region": EX1,
    "region_map's errors": EX2,
    "addresses the kernel picks": EX2,
    "region_unmap's errors": EX2,
    "region_revoke's errors": EX4,
    "other calls on a region are EINVAL": EX1,
    "a deleted region gives its frames back": EX5,
    "deleting the original keeps a mapped region": EX5,
}


@pytest.mark.points(15)
@pytest.mark.section(EX1)
def test_bad_region_calls_get_the_documented_errors(keel):
    """`shmbad SEED`: region_create of 0, more than REGION_MAX_PAGES or more than free memory
    pages (EINVAL, ENOMEM), in a full table (EMFILE), all without a frame lost; cap_describe
    and mint of regions; region_map with bad flags, slots, rights (EPERM), unaligned, kernel,
    wrapping and overlapping addresses (EINVAL), nothing left mapped; the kernel's addresses
    (REGION_AREA first, a free page after each); region_unmap of what is not the start of a
    region mapping (EINVAL); region_revoke without the original (EPERM); endpoint calls on a
    region (EINVAL); a region whose original is deleted lives while mapped."""
    seed = new_seed()
    command = f"shmbad {seed}"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    summary = expect_line(k, r"^shmbad: (\d+) of (\d+) checks passed$", "shmbad's summary (if "
                          "the last line is an 'ok', a call of the next group in "
                          "labs/06-shm/shmbad.c did not return)", EX1, hint=hint)
    oks = set(re.findall(r"^shmbad: ok (.*)$", k.output, re.M))
    failed = [g for g in BAD_GROUPS if g not in oks]
    if failed:
        first = failed[0]
        lines = re.findall(r"^shmbad: FAIL %s: .*$" % re.escape(first), k.output, re.M)
        others = "" if len(failed) == 1 else "\n    Other groups with failures: " + \
            "; ".join(failed[1:])
        pytest.fail(k.explain(
            f"every check of '{first}' to pass (docs/syscalls.md, 'Shared memory (lab 6)', "
            "lists each call's errors)",
            got="".join("\n    " + line for line in lines[:10]) +
            (f"\n    ... and {len(lines) - 10} more" if len(lines) > 10 else "") + others +
            "\n" + hint, section=BAD_GROUPS[first]), pytrace=False)
    assert summary.group(1) == summary.group(2) and int(summary.group(2)) >= 90, k.explain(
        "every check of the whole program to pass", got=summary.group(0) + fail_lines(k, "shmbad"))
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from shmbad")


# --- The console through shared memory -------------------------------------------------------

CONBIG_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,"


def conbig_lines(seed, size, prefix):
    """labs/06-shm/conbig.c's make_lines: numbered lines of random letters, `size` bytes."""
    rng, out, line = Rng(seed), [], 0
    n = 0
    while n < size:
        head = f"{prefix}{line:05d} "
        out.append(head)
        n += len(head)
        length = 10 + rng.below(150)
        out.append("".join(CONBIG_ALPHABET[rng.below(64)] for _ in range(length)))
        out.append("\n")
        n += length + 1
        line += 1
    text = "".join(out)[:size]
    return text[:-1] + "\n"


def first_difference(got, want):
    """Where two texts first differ, in words: line number and both versions of the line."""
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            break
    else:
        i = min(len(got), len(want))
    line = want.count("\n", 0, i) + 1
    start = want.rfind("\n", 0, i) + 1
    got_line = got[start:got.find("\n", start) if "\n" in got[start:] else None]
    want_line = want[start:want.find("\n", start)]
    return (f"byte {i} (line {line}) differs:\n    expected | {want_line[:100]}\n"
            f"    got      | {got_line[:100]}\n    ({len(got)} bytes came, {len(want)} expected)")


@pytest.mark.points(10)
@pytest.mark.section(CONSOLE)
def test_console_output_of_80_kib_arrives_byte_exact_and_in_order(keel):
    """`conbig SEED`: 80 KiB of numbered lines made from SEED, written with writes of 1, 31,
    32, 33, 4095, 4097 and 65537 bytes (more than the 64 KiB buffer) and then random sizes,
    come out on the serial line exactly, in order; then two children write a 24 KiB block
    each at the same time, and each block comes out whole."""
    seed = new_seed()
    command = f"conbig {seed}"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    expect_line(k, r"^conbig: begin\n", "'conbig: begin'", CONSOLE, timeout=20, hint=hint)
    start = k.position
    end = expect_line(k, r"^conbig: end$", "'conbig: end' after 80 KiB of lines (if it never "
                      "comes, a write never finished: the kernel's write_shared or the "
                      "server's CONSOLE_WRITE_SHARED)", CONSOLE, timeout=30, hint=hint)
    got = k.output[start:end.start()]
    want = conbig_lines(seed, 80 * 1024, "conbig: ")
    assert got == want, k.explain(
        "the 80 KiB exactly as written", got=first_difference(got, want) + "\nThe kernel "
        "copies each write into the shared buffer (at most 64 KiB at a time) and the server "
        "prints the first n bytes of it; a lost, repeated or reordered piece shows here.\n" +
        hint, section=CONSOLE)
    expect_line(k, r"^conbig: both writers done$", "the two writers to finish", CONSOLE,
                timeout=30, hint=hint)
    for who, tag in (("A", 0xA), ("B", 0xB)):
        block = conbig_lines(seed ^ tag, 24 * 1024, f"conbig: {who} ")
        assert block in k.output, k.explain(
            f"writer {who}'s 24 KiB block to come out whole, not mixed with the other's (the "
            "kernel holds the console, and its one shared buffer, for a whole write)",
            got=first_difference(k.output[k.output.find(f"conbig: {who} 00000"):][:len(block)],
                                 block) + "\n" + hint, section=CONSOLE)
    status = k.wait_exit(timeout=10, section=CONSOLE)
    assert status == 0 and not program_failures(k, "conbig"), k.explain(
        "every write to return its length, exit status 0",
        got=f"exit status {status}" + fail_lines(k, "conbig") + "\n" + hint, section=CONSOLE)


@pytest.mark.points(5)
@pytest.mark.section(CONSOLE)
def test_only_the_kernel_may_send_console_write_shared(keel):
    """`conbig SEED refusals`: a task that sends CONSOLE_WRITE_SHARED (label 5) through its own
    console capability gets -EPERM from the server (only the kernel's requests carry
    BADGE_KERNEL), and cannot mint a capability with that badge; the console still works."""
    seed = new_seed()
    command = f"conbig {seed} refusals"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    expect_line(k, r"^conbig: the console still works$", "'conbig: the console still works'",
                CONSOLE, timeout=20, hint=hint)
    status = k.wait_exit(timeout=10, section=CONSOLE)
    assert status == 0 and not program_failures(k, "conbig"), k.explain(
        "label 5 from a task refused with -EPERM, BADGE_KERNEL refused by cap_mint, exit "
        "status 0", got=f"exit status {status}" + fail_lines(k, "conbig") + "\n" + hint,
        section=CONSOLE)


# --- Regressions ---------------------------------------------------------------------------

@pytest.mark.points(5)
@pytest.mark.section(EX4)
@pytest.mark.earlier("handouts/05-ipc.md, 'Dead peers'")
def test_the_bugs_stress_testing_found_stay_fixed(keel):
    """`regress`: minimal reproducers of the kernel and console-server bugs that stress testing
    of labs 5 and 6 found (a region copy travelling in a queued call escaping a revoke, a
    caller naming a deleted endpoint, IPC_REPLY_LOST for the wrong caller, a task killed
    before it first ran, dead readers' slots, bits signalled before notify_bind, a writer
    killed between two messages, a console held by an endpoint nobody answers), each
    printing "regress: FAIL ..." when it fails; a hang is a failure too."""
    k = run_program(keel, "regress")
    hint = rerun_hint(k, "regress")
    done = expect_line(k, r"^regress: (\d+) of (\d+) checks passed$", "regress's summary (if "
                       "it never comes, one of its checks hangs: the last line before the "
                       "hang names it)", EX4, timeout=60, hint=hint)
    passed, total = int(done.group(1)), int(done.group(2))
    assert passed == total and total > 0, k.explain(
        "every check passed (each names the fix it guards in labs/06-shm/regress.c)",
        got=done.group(0) + fail_lines(k, "regress") + "\n" + hint, section=EX4)
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from regress",
                                                   got=fail_lines(k, "regress"))


# --- Measuring -------------------------------------------------------------------------------

@pytest.mark.points(10)
@pytest.mark.section(MEASURING)
def test_one_mib_through_a_region_costs_a_tenth_of_messages(keel, measure):
    """`shmbench NONCE` under -icount shift=0: 1 MiB moves from one task to another through a
    region (copied in, a call, the reader's pass over all of it, the reply) and through 32768
    4-word calls; the reader's checksum of both must be the one computed here from the nonce,
    and the region must cost at most a tenth of the messages' instructions."""
    nonce = new_seed()
    command = f"shmbench {nonce}"
    k = run_program(keel, command, icount=True)
    hint = rerun_hint(k, command, icount="shift=0")
    costs = expect_line(k, r"^shmbench: 1 MiB: region (\d+) instructions, messages (\d+) "
                        r"instructions$", "shmbench's counts (if they never come, see the FAIL "
                        "lines)", MEASURING, timeout=60, hint=hint)
    sums = expect_line(k, r"^shmbench: checksums: region 0x([0-9a-f]+), messages "
                       r"0x([0-9a-f]+)$", "shmbench's checksums", MEASURING, hint=hint)
    detail = expect_line(k, r"^shmbench: the region's count: .*$", "the region's breakdown",
                         MEASURING, hint=hint)
    n, m = int(costs.group(1)), int(costs.group(2))
    measure(f"lab 6 shmbench: 1 MiB through a region {n} instructions, through "
                   f"4-word messages {m} (x{m / max(n, 1):.1f}; target >= x{RATIO_TARGET})")
    want = checksum(nonce, 1, 1024 * 1024 // 8)
    region_sum, message_sum = int(sums.group(1), 16), int(sums.group(2), 16)
    assert region_sum == want, k.explain(
        f"the reader's checksum of the region 0x{want:x} (computed here from the nonce): the "
        "reader's read-only mapping must show every page the writer copied in",
        got=f"0x{region_sum:x}" + fail_lines(k, "shmbench") + "\n" + hint, section=EX3)
    assert message_sum == want, k.explain(
        f"the reader's checksum of the messages 0x{want:x}",
        got=f"0x{message_sum:x}" + fail_lines(k, "shmbench") + "\n" + hint,
        section="handouts/05-ipc.md, 'Exercise 3: call and reply'")
    assert n > 100000 and m >= RATIO_TARGET * n, k.explain(
        f"the region to cost at most 1/{RATIO_TARGET} of the messages", got=f"{costs.group(0)}"
        f"\n    {detail.group(0)}\n" + hint, section=MEASURING)
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from shmbench",
                                                   got=fail_lines(k, "shmbench"))
