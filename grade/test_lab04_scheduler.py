"""Lab 4 grader: user programs at EL0, system calls, the scheduler, and bad input.

The test programs live in labs/04-scheduler/.  A program run as pid 1 (boot arguments
`-- NAME ARGS`) ends Keel when it exits, and QEMU's exit status is its exit status (or
128 + the signal that killed it): verdicts come from there and from what the programs print,
checked against addresses read from the programs' ELF files with nm.
"""
import os
import random
import re
import string
import struct

import pytest

from harness import BUILD, Elf

LAB = 4
TITLE = "scheduler & user space"
HANDOUT = "handouts/04-scheduler.md"

USER_STACK_BOTTOM = (1 << 39) - 4096 - 64 * 1024
USER_STACK_GUARD = 64 * 1024
KERNEL_ADDRESS = 0xFFFFFF8040200000
ENOEXEC = "ENOEXEC"
SH_PROMPT = "$ "


def run_program(keel, command, **options):
    """Boots Keel with `command` as pid 1 (no monitor)."""
    return keel.boot(bootargs="-- " + command, monitor=False, **options)


def user_elf(k, name):
    return Elf(path=os.path.join(BUILD, f"lab{k.lab}", "user", f"{name}.elf"))


@pytest.mark.points(5)
@pytest.mark.section("handouts/04-scheduler.md, 'Exercise 4: into user space'")
@pytest.mark.earlier("handouts/03-exceptions.md, 'Exercise 1: the vector table and the trap frame'")
def test_hello_world_from_el0(keel):
    """The first program prints from EL0 through write(); its exit status ends QEMU."""
    k = run_program(keel, "hello")
    k.expect(r"^hello, world: pid 1, running at EL0$", timeout=20,
             what="'hello, world: pid 1, running at EL0'",
             section="handouts/04-scheduler.md, 'Exercise 4: into user space'")
    status = k.wait_exit(timeout=10)
    assert status == 0, k.explain("exit status 0 from hello (pid 1)", got=status)


@pytest.mark.points(10)
@pytest.mark.section("handouts/04-scheduler.md, 'Exercise 4: into user space'")
@pytest.mark.earlier("handouts/03-exceptions.md, 'Exercise 1: the vector table and the trap frame'")
def test_argv_arrives_intact(keel):
    """argv reaches main() intact: every string, its length, the NULL after the last, and
    argc as the exit status; x0 = argc, x1 = argv, SP 16-byte aligned, envp and auxv empty."""
    alphabet = string.ascii_letters + string.digits + "-_.,:+=@%"
    words = ["".join(random.choice(alphabet) for _ in range(random.randint(1, 40)))
             for _ in range(random.randint(2, 7))]
    k = run_program(keel, "args " + " ".join(words))
    argv = ["args"] + words
    section = "handouts/04-scheduler.md, 'Exercise 4: into user space'"
    k.expect(r"^args: argc=%d$" % len(argv), timeout=20, what=f"'args: argc={len(argv)}'",
             section=section)
    for i, word in enumerate(argv):
        want = f'args: argv[{i}]="{word}" ({len(word)} bytes)'
        line = k.expect(r"^args: argv\[%d\]=.*$" % i, what=f"the line for argv[{i}]",
                        section=section).group(0)
        assert line == want, k.explain(want, got=line, section=section)
    k.expect(r"^args: argv\[%d\]=NULL$" % len(argv), what="argv[argc] == NULL", section=section)
    # args checked x0, x1, the stack pointer and what follows argv before anything else.
    want = "args: entry: x0 = argc, x1 = argv, sp aligned below argv, envp empty, auxv empty"
    entry = re.search(r"^args: entry: .*$", k.output, re.M)
    assert entry and entry.group(0) == want, k.explain(
        want, got=entry.group(0) if entry else "no 'args: entry:' line", section=section)
    status = k.wait_exit(timeout=10)
    assert status == len(argv), k.explain(f"exit status {len(argv)} (argc)", got=status)


@pytest.mark.points(10)
@pytest.mark.section("handouts/04-scheduler.md, 'Exercise 6: the scheduler'")
@pytest.mark.earlier("handouts/03-exceptions.md, 'Exercise 4: the timer'")
def test_three_yielding_tasks_take_turns(keel):
    """Three tasks that print and yield run in turn: once all have started and while another
    task still has tokens to print, no task prints twice in a row (a tick may preempt a task between its print and
    its yield, which costs it a turn, but never lets it run on); each prints its tokens in
    order, all finish, and the parent reaps them."""
    count = random.randint(6, 12)
    # -icount: guest time follows instructions, so a loaded host cannot bunch up ticks.
    k = run_program(keel, f"interleave 3 {count}", icount=True)
    section = "handouts/04-scheduler.md, 'Exercise 6: the scheduler'"
    k.expect(r"^interleave: done, 0 failures$", timeout=30, what="'interleave: done, 0 failures'",
             section=section)
    tokens = re.findall(r"\b([ABC])(\d+)\b", k.output)
    for label in "ABC":
        seen = [int(n) for l, n in tokens if l == label]
        assert seen == list(range(count)), k.explain(
            f"{label}0 .. {label}{count - 1} in order", got=" ".join(map(str, seen)), section=section)
    labels = [l for l, _ in tokens]
    # Before all three have started (the parent may be preempted between two spawns) and
    # after the others have finished, a task may legitimately run alone.
    first = max(labels.index(label) for label in "ABC")
    last = {label: max(i for i, l in enumerate(labels) if l == label) for label in "ABC"}
    repeats = [i for i in range(first + 1, len(labels)) if labels[i] == labels[i - 1] and
               any(last[other] > i for other in "ABC" if other != labels[i])]
    assert not repeats, k.explain("no task printing twice in a row while others still run",
                                  got=" ".join(l + n for l, n in tokens), section=section)
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from interleave")


@pytest.mark.points(10)
@pytest.mark.section("handouts/04-scheduler.md, 'Preemption'")
@pytest.mark.earlier("handouts/03-exceptions.md, 'Exercise 4: the timer'")
def test_spinning_tasks_cannot_starve_the_others(keel):
    """Two tasks spin forever; the timer still preempts them, so a sleeper wakes up and a
    child runs to completion."""
    k = run_program(keel, "starve")
    section = "handouts/04-scheduler.md, 'Exercise 6: the scheduler'"
    k.expect(r"^starve: a child ran to completion while two tasks spin$", timeout=30,
             what="the starve program to finish its work", section=section)
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from starve")


# kind: (class, cause regex or None, signal, function holding the pc, FAR: symbol, number,
#        "stack" or None)
FAULTS = {
    "null": ("data abort from EL0 (EC 0x24)", r"translation fault, level [0-3], on a read", 11,
             "kind_null", 0),
    "kernel": ("data abort from EL0 (EC 0x24)", r"permission fault, level 3, on a read", 11,
               "kind_kernel", KERNEL_ADDRESS),
    "write-text": ("data abort from EL0 (EC 0x24)", r"permission fault, level 3, on a write", 11,
                   "kind_write_text", "kind_write_text"),
    "exec-data": ("instruction abort from EL0 (EC 0x20)", r"permission fault, level 3", 11,
                  None, "landing"),
    "undef": ("unknown reason (EC 0x00)", None, 4, "kind_undef", None),
    "unaligned": ("data abort from EL0 (EC 0x24)", r"alignment fault, on a read", 7,
                  "kind_unaligned", ("scratch", 1)),
    "brk": ("BRK instruction (EC 0x3c)", r"brk #0x1", 5, "kind_brk", None),
    "sysreg": ("unknown reason (EC 0x00)", None, 4, "kind_sysreg", None),
    "fp": ("SIMD/floating-point access (EC 0x07)", None, 4, "kind_fp", None),
    "stack": ("data abort from EL0 (EC 0x24)", r"translation fault, level 3, on a write", 11,
              "recurse", "stack"),
}


@pytest.mark.points(3)
@pytest.mark.parametrize("kind", list(FAULTS))
@pytest.mark.section("handouts/04-scheduler.md, 'Faults in user code'")
@pytest.mark.earlier("handouts/03-exceptions.md, 'Exercise 2: decoding ESR_EL1'")
def test_user_fault_kills_only_that_task(keel, kind):
    """`fault KIND` from the shell: the kernel kills just that task with a one-line report
    (task, cause in words, address, pc), the shell learns the signal, and keeps working."""
    cls, cause, signal, function, far_spec = FAULTS[kind]
    k = keel.boot(monitor=False)
    k.expect(re.escape(SH_PROMPT), timeout=20, what="the shell's prompt '$ '")
    k.send(f"fault {kind}")
    section = "handouts/04-scheduler.md, 'Faults in user code'"
    line = k.expect(r"^keel: task \d+ \(fault\) killed: .*$", timeout=10,
                    what="'keel: task N (fault) killed: ...'", section=section).group(0)
    pattern = (r"keel: task \d+ \(fault\) killed: %s%s(?: at 0x([0-9a-f]+))?, pc 0x([0-9a-f]+)$"
               % (re.escape(cls), ": " + cause if cause else ""))
    match = re.match(pattern, line)
    assert match, k.explain(f"a report of '{cls}'" + (f" with '{cause}'" if cause else ""),
                            got=line, section=section)
    far = int(match.group(1), 16) if match.group(1) else None
    pc = int(match.group(2), 16)
    elf = user_elf(k, "fault")
    if isinstance(far_spec, tuple):
        want_far = elf.address(far_spec[0]) + far_spec[1]
    elif isinstance(far_spec, str) and far_spec != "stack":
        want_far = elf.address(far_spec)
    else:
        want_far = far_spec
    if far_spec == "stack":
        assert far is not None and USER_STACK_BOTTOM - USER_STACK_GUARD <= far < USER_STACK_BOTTOM, \
            k.explain("the faulting address inside the stack's guard region", got=line)
    elif want_far is not None:
        assert far == want_far, k.explain(f"'at 0x{want_far:x}' (from nm of fault.elf)", got=line,
                                          section=section)
    if function is not None:
        truth = elf.function_at(pc)
        assert truth and truth[0] == function, k.explain(
            f"the pc inside {function} (nm of fault.elf)", got=f"0x{pc:x} in {truth}")
    else:
        assert pc == far, k.explain("the pc of a jump into data to be that address", got=line)
    k.expect(r"^sh: fault \(pid \d+\) killed by signal %d$" % signal, timeout=10,
             what=f"the shell told: signal {signal}",
             section="handouts/04-scheduler.md, 'Exercise 5: system calls'")
    k.expect(re.escape(SH_PROMPT), what="the shell's prompt again")
    out = k.command("hello", prompt=SH_PROMPT)
    assert "hello, world" in out, k.explain("the shell and the system to keep working",
                                            got=out.strip())


@pytest.mark.points(15)
@pytest.mark.section("handouts/04-scheduler.md, 'Exercise 3: checking user pointers'")
def test_bad_syscalls_and_pointers_get_the_documented_errors(keel):
    """badcall: unknown numbers give ENOSYS; NULL, kernel, unmapped and read-only pointers
    give EFAULT; bad descriptors EBADF; bad arguments EINVAL, ENOENT, ENOEXEC, ECHILD."""
    k = run_program(keel, "badcall")
    section = "handouts/04-scheduler.md, 'Exercise 3: checking user pointers'"
    match = k.expect(r"^badcall: (\d+) of (\d+) checks passed$", timeout=30,
                     what="badcall's summary", section=section)
    failures = re.findall(r"^badcall: FAIL .*$", k.output, re.M)
    assert match.group(1) == match.group(2) and not failures, k.explain(
        "every check to pass", got="\n    " + "\n    ".join(failures), section=section)
    assert int(match.group(2)) >= 30, k.explain("the whole badcall program to run",
                                                got=match.group(0))
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from badcall")


@pytest.mark.points(10)
@pytest.mark.section("handouts/04-scheduler.md, 'Exercise 2: address spaces'")
@pytest.mark.earlier("handouts/02-paging.md, 'Exercise 3: unmapping'")
def test_spawn_exit_cycles_give_every_frame_back(keel):
    """200 spawn/exit/wait cycles leave the free-frame count (sysinfo) where it started:
    user pages, page tables and kernel stacks all come back."""
    k = run_program(keel, "spawnloop 200")
    section = "handouts/04-scheduler.md, 'Exercise 2: address spaces'"
    match = k.expect(r"^spawnloop: 200 spawns; free frames before (\d+), after (\d+)$",
                     timeout=60, what="spawnloop's summary", section=section, quiet=30)
    before, after = int(match.group(1)), int(match.group(2))
    assert before == after and before > 0, k.explain(
        "the same free-frame count before and after", got=f"{before} and {after}",
        section=section)
    assert k.wait_exit(timeout=10) == 0


def corrupted_variants(hello):
    """Ways to break the ELF file `hello`: (name, bytes).  Each must be refused."""
    phoff, = struct.unpack_from("<Q", hello, 0x20)
    phnum, = struct.unpack_from("<H", hello, 0x38)
    loads = [phoff + 56 * i for i in range(phnum) if struct.unpack_from("<I", hello, phoff + 56 * i)[0] == 1]
    loads = [ph for ph in loads if struct.unpack_from("<Q", hello, ph + 0x28)[0] > 0]
    text = next(ph for ph in loads if struct.unpack_from("<I", hello, ph + 4)[0] & 1)
    other = next(ph for ph in loads if ph != text)

    def patch(fmt, offset, value, data=None):
        b = bytearray(hello if data is None else data)
        struct.pack_into(fmt, b, offset, value)
        return bytes(b)

    text_vaddr, = struct.unpack_from("<Q", hello, text + 0x10)
    text_filesz, = struct.unpack_from("<Q", hello, text + 0x20)
    return {
        "bad-magic": patch("<B", 0, 0),
        "elf32": patch("<B", 4, 1),
        "big-endian": patch("<B", 5, 2),
        "x86-64": patch("<H", 0x12, 62),
        "shared-object": patch("<H", 0x10, 3),
        "phoff-past-end": patch("<Q", 0x20, len(hello) + 64),
        "phnum-huge": patch("<H", 0x38, 0xFFFF),
        "segment-past-end": patch("<Q", text + 0x20, len(hello) * 2,
                                  patch("<Q", text + 0x28, len(hello) * 2)),
        "offset-overflow": patch("<Q", text + 0x08, 0xFFFFFFFFFFFFF000),
        "into-kernel": patch("<Q", text + 0x10, KERNEL_ADDRESS),
        "wraps-around": patch("<Q", text + 0x10, 0xFFFFFFFFFFFFF000),
        "filesz-over-memsz": patch("<Q", text + 0x28, text_filesz - 1),
        "writable-code": patch("<I", text + 4, 7),
        "overlapping": patch("<Q", other + 0x10, text_vaddr),
        "entry-outside": patch("<Q", 0x18, 0x10),
        "over-the-stack": patch("<Q", text + 0x10, USER_STACK_BOTTOM - 0x1000),
        "truncated": hello[:200],
        "empty": b"",
    }


@pytest.mark.points(15)
@pytest.mark.section("handouts/04-scheduler.md, 'Exercise 1: loading ELF files'")
def test_malformed_elf_files_are_refused(keel):
    """Corrupted copies of hello (bad header fields, segments outside the file or in the
    kernel, W+X, overlaps, a bad entry point, truncation) are refused with ENOEXEC, with no
    crash, and a good program still runs afterwards."""
    with open(os.path.join(BUILD, f"lab{keel.lab}", "archive", "hello"), "rb") as f:
        variants = corrupted_variants(f.read())
    names = list(variants)
    random.shuffle(names)
    k = run_program(keel, "execbad " + " ".join(names), archive=variants)
    section = "handouts/04-scheduler.md, 'Exercise 1: loading ELF files'"
    k.expect(r"^execbad: hello afterwards -> .*$", timeout=30, what="execbad's last line",
             section=section)
    for name in names:
        match = re.search(r"^execbad: %s -> (\S+)$" % re.escape(name), k.output, re.M)
        assert match and match.group(1) == ENOEXEC, k.explain(
            f"spawn of the '{name}' variant refused with ENOEXEC",
            got=match.group(0) if match else "no line for it", section=section)
    assert "execbad: hello afterwards -> ran" in k.output, k.explain(
        "a good program to run after all the bad ones")
    assert k.wait_exit(timeout=10) == 0


@pytest.mark.points(10)
@pytest.mark.section("handouts/04-scheduler.md, 'The shell'")
@pytest.mark.earlier("handouts/03-exceptions.md, 'Exercise 5: input by interrupt'")
def test_shell_runs_programs_by_name(keel):
    """At boot, init starts the shell; it runs programs from the boot archive with their
    arguments, says when one is missing or fails, and comes back to its prompt."""
    k = keel.boot(monitor=False)
    k.expect(re.escape(SH_PROMPT), timeout=20, what="the shell's prompt '$ '",
             section="handouts/04-scheduler.md, 'The shell'")
    out = k.command("hello", prompt=SH_PROMPT)
    assert re.search(r"hello, world: pid \d+, running at EL0", out), k.explain(
        "hello's line", got=out.strip())
    word = "".join(random.choice(string.ascii_lowercase) for _ in range(8))
    out = k.command(f"args {word}", prompt=SH_PROMPT)
    assert f'args: argv[1]="{word}" (8 bytes)' in out, k.explain("args to see its argument",
                                                                 got=out.strip())
    out = k.command("no-such-program", prompt=SH_PROMPT)
    assert "sh: no-such-program: not found" in out, k.explain("'sh: no-such-program: not found'",
                                                              got=out.strip())
    code = random.randint(1, 120)
    out = k.command(f"exitcode {code}", prompt=SH_PROMPT)
    assert re.search(r"sh: exitcode \(pid \d+\) exited with status %d" % code, out), \
        k.explain(f"the shell to report exit status {code}", got=out.strip())


@pytest.mark.points(5)
@pytest.mark.section("handouts/04-scheduler.md, 'Measuring'")
def test_syscall_and_switch_instruction_counts(keel):
    """With -icount shift=0, `bench` counts instructions of a null system call round trip
    and of a yield-to-yield switch: both must be real measurements, and short."""
    k = run_program(keel, "bench", icount=True)
    section = "handouts/04-scheduler.md, 'Measuring'"
    syscall = k.expect(r"^bench: null system call round trip: (\d+) instructions$", timeout=30,
                       what="the null system call count", section=section)
    switch = k.expect(r"^bench: yield to yield between two tasks: (\d+) instructions per switch$",
                      timeout=30, what="the switch count", section=section)
    n_syscall, n_switch = int(syscall.group(1)), int(switch.group(1))
    assert 20 <= n_syscall < 300, k.explain("a null system call in 20 to 300 instructions",
                                            got=n_syscall, section=section)
    assert 40 <= n_switch < 800, k.explain("a switch in 40 to 800 instructions", got=n_switch,
                                           section=section)
