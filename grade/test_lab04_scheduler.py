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

import harness
from harness import BUILD, Elf, new_nonce

LAB = 4
TITLE = "scheduler & user space"
HANDOUT = "handouts/04-scheduler.md"

USER_STACK_BOTTOM = (1 << 39) - 4096 - 64 * 1024
USER_STACK_GUARD = 64 * 1024
KERNEL_ADDRESS = 0xFFFFFF8040200000
ENOEXEC = "ENOEXEC"
SH_PROMPT = "$ "


def run_program(keel, command, bootargs="", **options):
    """Boots Keel with `command` as pid 1 (no monitor); `bootargs` go before the "--"."""
    return keel.boot(bootargs=f"{bootargs} -- {command}".strip(), monitor=False, **options)


def user_elf(k, name):
    return Elf(path=os.path.join(BUILD, f"lab{k.lab}", "user", f"{name}.elf"))


@pytest.mark.points(5)
def test_hello_world_from_el0(keel):
    """The first program prints from EL0 through write(); its exit status ends QEMU."""
    k = run_program(keel, "hello")
    k.expect(r"^hello, world: pid 1, running at EL0$", timeout=20,
             what="'hello, world: pid 1, running at EL0'",
             section="handouts/04-scheduler.md, 'Exercise 4: into user space'")
    status = k.wait_exit(timeout=10)
    assert status == 0, k.explain("exit status 0 from hello (pid 1)", got=status)


def argument_words(argc_parity):
    """Random words for `args` with an even or odd argc whose strings ("args" included, each
    with its NUL) total 1 mod 16 bytes.  Then the even argc needs the rounding after the
    words, and the odd one the rounding after the strings (a kernel that rounds to 8 comes
    out misaligned), whatever the words: the random part is their letters and lengths."""
    alphabet = string.ascii_letters + string.digits + "-_.,:+=@%"
    count = random.choice([1, 3, 5] if argc_parity == "even" else [2, 4, 6])
    words = ["".join(random.choice(alphabet) for _ in range(random.randint(1, 40)))
             for _ in range(count)]
    total = sum(len(w) + 1 for w in ["args"] + words)
    words[-1] += "".join(random.choice(alphabet) for _ in range((1 - total) % 16))
    return words


@pytest.mark.points(5)
@pytest.mark.parametrize("argc_parity", ["even", "odd"])
def test_argv_arrives_intact(keel, argc_parity):
    """argv reaches main() intact: every string, its length, the NULL after the last, and
    argc as the exit status; x0 = argc, x1 = argv, SP 16-byte aligned, envp and auxv empty.
    Run with an even and an odd argc, so that both of setup_user_frame's roundings of SP
    matter in one run or the other."""
    words = argument_words(argc_parity)
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
def test_yielding_tasks_run_in_round_robin_order(keel):
    """Four tasks that print a token and yield run in round robin: every task once before
    any runs twice, in the same order every round; each prints its tokens in order, all
    finish, and the parent reaps them.  At hz=1 under -icount no tick comes before the run
    is over, so nothing but the run queue decides who runs next, and one run is one token."""
    tasks, count = 4, random.randint(4, 8)
    k = run_program(keel, f"interleave {tasks} {count}", bootargs="hz=1", icount=True)
    section = "handouts/04-scheduler.md, 'The run queue'"
    k.expect(r"^interleave: done, 0 failures$", timeout=30, what="'interleave: done, 0 failures'",
             section=section)
    tokens = re.findall(r"\b([A-D])(\d+)\b", k.output)
    for label in "ABCD":
        seen = [int(n) for l, n in tokens if l == label]
        assert seen == list(range(count)), k.explain(
            f"{label}0 .. {label}{count - 1} in order", got=" ".join(map(str, seen)), section=section)
    labels = [l for l, _ in tokens]
    order = labels[:tasks]
    example = order if sorted(order) == list("ABCD") else list("ABCD")
    want = " ".join(f"{l}{n}" for n in range(count) for l in example)
    assert sorted(order) == list("ABCD") and all(labels[i] == labels[i - tasks]
                                                  for i in range(tasks, len(labels))), k.explain(
        f"the four tasks in turn, the same order every round, e.g. {want}",
        got=" ".join(l + n for l, n in tokens), section=section)
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from interleave")


@pytest.mark.points(5)
def test_context_switch_keeps_callee_saved_registers(keel):
    """test=context-switch: two sides of context_switch (the boot stack and a partner on a
    stack of its own, no scheduler involved) put patterns from the nonce in x19-x29 and
    TPIDR_EL0 and switch to each other twice: each must get back its registers and its SP,
    on the path of a new task (the partner's first run) and on the path of a resumed one."""
    k = keel.boot(bootargs="test=context-switch")
    section = "handouts/04-scheduler.md, 'The context switch'"
    line = k.expect(r"^context-switch-selftest %d: [^F].*$" % k.nonce, timeout=20,
                    what="the context-switch self-test's verdict", section=section).group(0)
    failures = re.findall(r"^context-switch-selftest %d: FAIL .*$" % k.nonce, k.output, re.M)
    assert line.endswith("both sides kept x19-x29, sp and tpidr_el0") and not failures, \
        k.explain("x19-x29, SP and TPIDR_EL0 of both sides kept across each switch",
                  got="".join("\n    " + f for f in failures + [line]), section=section)


@pytest.mark.points(10)
def test_registers_survive_interrupts_syscalls_and_switches(keel):
    """`regs SEED 25` at 1000 Hz under -icount: it and a partner task fill x0-x30, SP, NZCV
    and TPIDR_EL0 with patterns from SEED, then yield (a switch), make a null system call
    and spin 25 ms (timer interrupts, and preemption to the other task and back), and
    compare.  Two rounds with different scratch registers check every register after every
    event, whatever SEED; a new task starts with TPIDR_EL0 = 0."""
    seed = new_nonce()
    # -icount: guest time follows instructions, so each spin is preempted and interrupted as
    # often on a loaded host as on an idle one.
    k = run_program(keel, f"regs {seed} 25", bootargs="hz=1000", icount=True)
    section = "handouts/04-scheduler.md, 'The context switch'"
    status = k.wait_exit(timeout=30, section=section)
    failures = re.findall(r"^regs: FAIL .*$", k.output, re.M)
    events = re.findall(r"^regs: (main|partner): round [01]: .*: every register kept$",
                        k.output, re.M)
    assert not failures and len(events) == 12 and status == 0, k.explain(
        "both tasks to keep every register after sched_yield, getppid and the spin in both "
        "rounds (12 'every register kept' lines), the new task to start with tpidr_el0 0, "
        "and exit status 0",
        got=f"exit status {status}, {len(events)} events kept" +
        "".join("\n    " + line for line in failures), section=section)


@pytest.mark.points(10)
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
        what_far = (f"{far_spec[0]} + {far_spec[1]}" if isinstance(far_spec, tuple)
                    else far_spec if isinstance(far_spec, str) else "the address it used")
        assert far == want_far, k.explain(f"'at 0x{want_far:x}', {what_far} (from nm of "
                                          "fault.elf)", got=line,
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
def test_bad_syscalls_and_pointers_get_the_documented_errors(keel):
    """badcall: unknown numbers give ENOSYS; NULL, kernel, unmapped and read-only pointers
    give EFAULT; bad descriptors EBADF; bad arguments EINVAL, ENOENT, ENOEXEC, ECHILD,
    ENAMETOOLONG, E2BIG; a full task table EAGAIN; a zero-length read returns at once."""
    k = run_program(keel, "badcall")
    section = "handouts/04-scheduler.md, 'Exercise 3: checking user pointers'"
    match = k.expect(r"^badcall: (\d+) of (\d+) checks passed$", timeout=30,
                     what="badcall's summary (if the last line is an 'ok', the call after it "
                     "in labs/04-scheduler/badcall.c never returned: a call that must fail or "
                     "return at once went to sleep)", section=section)
    failures = re.findall(r"^badcall: FAIL .*$", k.output, re.M)
    assert match.group(1) == match.group(2) and not failures, k.explain(
        "every check to pass", got="\n    " + "\n    ".join(failures), section=section)
    assert int(match.group(2)) >= 46, k.explain("the whole badcall program to run",
                                                got=match.group(0))
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from badcall")


@pytest.mark.points(5)
def test_user_pointer_checks_cover_every_page(keel):
    """test=uaccess: a buffer from the first to the third of three user pages, whose middle
    page is missing, read-only, the kernel's, or writable: uaccess_ok must judge each
    read and write by every page, not by the buffer's ends.  (No program has such a hole,
    so this asks uaccess_ok directly, on an address space the test builds.)"""
    k = keel.boot(bootargs="test=uaccess")
    section = "handouts/04-scheduler.md, 'Exercise 3: checking user pointers'"
    line = k.expect(r"^uaccess-selftest %d: (\d+) of (\d+) .*$" % k.nonce, timeout=20,
                    what="the uaccess self-test's summary", section=section)
    failures = re.findall(r"^uaccess-selftest %d: FAIL .*$" % k.nonce, k.output, re.M)
    assert not failures and line.group(1) == line.group(2) == "8", k.explain(
        "all 8 buffers judged right", got="".join("\n    " + f for f in failures + [line.group(0)]),
        section=section)


@pytest.mark.points(10)
def test_spawn_exit_cycles_give_every_frame_back(keel):
    """200 spawn/exit/wait cycles leave the free-frame count (sysinfo) where it started:
    user pages, page tables and kernel stacks all come back."""
    k = run_program(keel, "spawnloop 200")
    section = "handouts/04-scheduler.md, 'Exercise 2: address spaces'"
    match = k.expect(r"^spawnloop: 200 spawns; free frames before (\d+), after (\d+)$",
                     timeout=60, what="spawnloop's summary", section=section)
    before, after = int(match.group(1)), int(match.group(2))
    assert before == after and before > 0, k.explain(
        "the same free-frame count before and after", got=f"{before} and {after}",
        section=section)
    assert k.wait_exit(timeout=10) == 0


@pytest.mark.points(10)
def test_a_spawn_that_runs_out_of_memory_gives_every_frame_back(keel):
    """test=spawn-enomem: with every free frame taken but k, spawning hello is refused with
    ENOMEM and exactly k frames are free again, for k = 0, 1, 2, ... until the spawn
    succeeds, so that the allocation that fails is each of the spawn's in turn."""
    k = keel.boot(bootargs="test=spawn-enomem", mem="64M")
    section = "handouts/04-scheduler.md, 'Exercise 2: address spaces'"
    line = k.expect(r"^spawn-enomem-selftest %d: \S+ (started|never|cannot).*$" % k.nonce,
                    timeout=30, what="the spawn-enomem self-test's verdict",
                    section=section).group(0)
    failures = re.findall(r"^spawn-enomem-selftest %d: FAIL .*$" % k.nonce, k.output, re.M)
    assert not failures and line.endswith("0 refusals lost frames, 0 gave another error"), \
        k.explain("every refused spawn to be ENOMEM and to leave the free count where it was",
                  got="".join("\n    " + f for f in failures[:6] + [line]), section=section)


@pytest.mark.points(10)
def test_bss_and_page_tails_are_zero_in_reused_frames(keel):
    """`zeroes`: spawning `hog` (4 GiB of .bss) runs out of memory, is refused with ENOMEM and
    gives back every frame, junk-filled; then `zeroes check`, loaded into those frames, finds
    its .bss and the rest of its last page zero and its .data as in the file."""
    k = run_program(keel, "zeroes", mem="64M")
    section = "handouts/04-scheduler.md, 'Exercise 1: loading ELF files'"
    hog = k.expect(r"^zeroes: spawn\(\"hog\"\) -> .*$", timeout=30,
                   what="zeroes' report of the spawn of hog", section=section).group(0)
    match = re.search(r"-> ENOMEM; free frames before (\d+), after (\d+)$", hog)
    assert match and match.group(1) == match.group(2), k.explain(
        "hog refused with ENOMEM, and the free-frame count the same before and after", got=hog,
        section="handouts/04-scheduler.md, 'Exercise 2: address spaces'")
    line = k.expect(r"^zeroes: \.bss .*$", what="the check's line", section=section).group(0)
    assert re.search(r": 0 not zero; .*: 0 not zero; \.data as in the file$", line), k.explain(
        "no byte that is not zero in .bss or after _end, and .data as in the file", got=line,
        section=section)
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from zeroes")


def corrupted_variants(hello):
    """Ways to break the ELF file `hello`: (name, bytes).  Each must be refused, and each is
    made so that one check alone refuses it (a variant that two checks refuse cannot tell
    whether one of them is missing): a segment moved somewhere forbidden takes the entry
    point with it if it is the code, or is the constants' segment, which the entry check
    does not look at."""
    phoff, = struct.unpack_from("<Q", hello, 0x20)
    phnum, = struct.unpack_from("<H", hello, 0x38)
    loads = [phoff + 56 * i for i in range(phnum) if struct.unpack_from("<I", hello, phoff + 56 * i)[0] == 1]
    loads = [ph for ph in loads if struct.unpack_from("<Q", hello, ph + 0x28)[0] > 0]
    text = next(ph for ph in loads if struct.unpack_from("<I", hello, ph + 4)[0] & 1)
    other = next(ph for ph in loads if ph != text)
    last = max(loads, key=lambda ph: struct.unpack_from("<Q", hello, ph + 0x10)[0])

    def patch(fmt, offset, value, data=None):
        b = bytearray(hello if data is None else data)
        struct.pack_into(fmt, b, offset, value)
        return bytes(b)

    def with_phdrs(headers, count):
        """hello with its program headers moved to the end of the file: `headers` (bytes),
        and e_phnum = count (the table may run on past them)."""
        body = hello + bytes(-len(hello) % 8)
        return patch("<H", 0x38, count, patch("<Q", 0x20, len(body), body + headers))

    text_vaddr, = struct.unpack_from("<Q", hello, text + 0x10)
    text_filesz, = struct.unpack_from("<Q", hello, text + 0x20)
    other_vaddr, = struct.unpack_from("<Q", hello, other + 0x10)
    entry, = struct.unpack_from("<Q", hello, 0x18)
    top_page = 2**64 - 0x1000
    return {
        "bad-magic": patch("<B", 0, 0),
        "elf32": patch("<B", 4, 1),
        "big-endian": patch("<B", 5, 2),
        "bad-version": patch("<B", 6, 0),
        "x86-64": patch("<H", 0x12, 62),
        "shared-object": patch("<H", 0x10, 3),
        "phentsize-64": patch("<H", 0x36, 64),
        "no-phdrs": patch("<H", 0x38, 0),
        "phoff-past-end": patch("<Q", 0x20, len(hello) + 64),
        "phnum-huge": patch("<H", 0x38, 0xFFFF),
        # 17 headers, all in the file: the three of hello and 14 PT_NULL.
        "phnum-17": with_phdrs(hello[phoff:phoff + 56 * phnum] + bytes(56 * (17 - phnum)), 17),
        # The code's and the constants' headers at the very end, and e_phnum one more.
        "phdrs-past-end": with_phdrs(hello[text:text + 56] + hello[other:other + 56], 3),
        "segment-past-end": patch("<Q", last + 0x20, len(hello) * 2,
                                  patch("<Q", last + 0x28, len(hello) * 2)),
        "offset-overflow": patch("<Q", text + 0x08, 0xFFFFFFFFFFFFF000),
        "into-kernel": patch("<Q", text + 0x10, KERNEL_ADDRESS),
        "below-user-min": patch("<Q", other + 0x10, 0),
        "wraps-around": patch("<Q", 0x18, top_page + entry - text_vaddr,
                              patch("<Q", text + 0x10, top_page)),
        "memsz-wraps": patch("<Q", text + 0x28, 2**64 - text_vaddr + 0x2000),
        "filesz-over-memsz": patch("<Q", text + 0x28, text_filesz - 1),
        "writable-code": patch("<I", text + 4, 7),
        "overlapping": patch("<Q", other + 0x10, text_vaddr),
        "entry-outside": patch("<Q", 0x18, 0x10),
        "entry-in-data": patch("<Q", 0x18, other_vaddr),
        "over-the-stack": patch("<Q", other + 0x10, USER_STACK_BOTTOM - USER_STACK_GUARD),
        "truncated": hello[:200],
        "empty": b"",
    }


# Why check_header (given code) must refuse each of these: its own words, so that a check
# another one masks (no program headers, say, also leaves no entry point) is seen missing.
HEADER_REASONS = {
    "bad-magic": "no ELF magic",
    "elf32": "not a 64-bit little-endian ELF file",
    "big-endian": "not a 64-bit little-endian ELF file",
    "bad-version": "not a 64-bit little-endian ELF file",
    "x86-64": "not for AArch64",
    "shared-object": "not an executable (ET_EXEC)",
    "phentsize-64": "unexpected program header size or count",
    "no-phdrs": "unexpected program header size or count",
    "phnum-huge": "unexpected program header size or count",
    "phnum-17": "unexpected program header size or count",
    "phoff-past-end": "program headers run past the end of the file",
    "phdrs-past-end": "program headers run past the end of the file",
    "truncated": "program headers run past the end of the file",
    "empty": "file shorter than an ELF header",
}


@pytest.mark.points(15)
def test_malformed_elf_files_are_refused(keel):
    """Corrupted copies of hello (bad header fields, program headers outside the file,
    segments outside the file, below USER_MIN, in the kernel, wrapping around, in the stack's
    guard, W+X, overlaps, an entry point outside the code, truncation) are refused with
    ENOEXEC, the header's faults for check_header's reasons, with no crash, and a good
    program still runs afterwards."""
    with open(os.path.join(BUILD, f"lab{keel.lab}", "archive", "hello"), "rb") as f:
        variants = corrupted_variants(f.read())
    names = list(variants)
    random.shuffle(names)
    k = run_program(keel, "execbad " + " ".join(names), archive=variants)
    section = "handouts/04-scheduler.md, 'Exercise 1: loading ELF files'"
    k.expect(r"^execbad: hello afterwards -> .*$", timeout=30, what="execbad's last line",
             section=section)
    # The kernel says why just before execbad prints the result.
    results, reason = {}, None
    for line in k.output.split("\n"):
        if line.startswith("elf: not loaded: "):
            reason = line[len("elf: not loaded: "):]
        match = re.match(r"^execbad: (\S+) -> (\S+)$", line)
        if match:
            results[match.group(1)] = (match.group(2), reason)
            reason = None
    for name in names:
        result, reason = results.get(name, ("no line for it", None))
        assert result == ENOEXEC, k.explain(
            f"spawn of the '{name}' variant refused with ENOEXEC", got=result, section=section)
        if name in HEADER_REASONS:
            assert reason == HEADER_REASONS[name], k.explain(
                f"the '{name}' variant refused by check_header (given) with "
                f"'elf: not loaded: {HEADER_REASONS[name]}': a check before it is missing "
                "or changed", got=f"'elf: not loaded: {reason}'", section=section)
    assert "execbad: hello afterwards -> ran" in k.output, k.explain(
        "a good program to run after all the bad ones")
    assert k.wait_exit(timeout=10) == 0


CPIO_HEADER = 110
CPIO_FILESIZE, CPIO_NAMESIZE = 6 + 8 * 6, 6 + 8 * 11  # offsets of two header fields
MIB = 1 << 20


def corrupt_archives():
    """Boot archives the kernel must refuse: (bytes, where from the end of RAM or None for
    the middle, the reason kernel/boot/cpio.c gives).  Each breaks one rule of the format."""
    good = harness.mkcpio.pack([("note", b"a file in an archive that is not quite right\n")])

    def patch(offset, text):
        return good[:offset] + text + good[offset + len(text):]

    # Exactly one page that ends 52 bytes into the second header: placed at the very end of
    # RAM, nothing follows it, and the kernel must notice before it reads past RAM.
    page = harness.mkcpio.pack([("pad", b"x" * 3928)])[:4096]
    return {
        "bad-magic": (patch(0, b"070707"), None, "bad magic (not a newc cpio archive)"),
        "not-hex": (patch(CPIO_FILESIZE, b"0000002g"), None,
                    "header field is not hexadecimal, or the name is empty"),
        "empty-name": (patch(CPIO_NAMESIZE, b"00000000"), None,
                       "header field is not hexadecimal, or the name is empty"),
        "name-past-end": (patch(CPIO_NAMESIZE, b"ffffffff"), None,
                          "name runs past the end of the archive"),
        "name-not-terminated": (patch(CPIO_HEADER + 4, b"!"), None,
                                "name is not one NUL-terminated string"),
        "name-with-a-nul": (patch(CPIO_HEADER + 2, b"\0"), None,
                            "name is not one NUL-terminated string"),
        "data-past-end": (patch(CPIO_FILESIZE, b"ffffffff"), None,
                          "file data runs past the end of the archive"),
        "ends-in-a-header": (page, 4096, "archive ends inside a header (no TRAILER!!!)"),
    }


def boot_with_archive_at(keel, data, address, argument, mem_mib=128):
    """Boots `-- hello` with `data` (if any) loaded at physical `address` and the boot
    argument archive=`argument`."""
    extra = []
    if data is not None:
        os.makedirs(harness.LOG_DIR, exist_ok=True)
        path = os.path.join(harness.LOG_DIR, f"archive-{address:x}-{os.getpid()}.cpio")
        with open(path, "wb") as f:
            f.write(data)
        extra = ["-device", f"loader,file={path},addr=0x{address:x},force-raw=on"]
    return run_program(keel, "hello", bootargs=f"archive={argument}", mem=f"{mem_mib}M",
                       extra=extra)


def check_ignored_and_hello_runs(k, message, section):
    line = k.expect(r"^archive: .*ignoring it$", timeout=20,
                    what=f"'{message}'", section=section).group(0)
    assert line == message, k.explain(f"'{message}'", got=line, section=section)
    k.expect(r"^hello, world: pid 1, running at EL0$", what="hello to run all the same",
             section=section)
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from hello")


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", list(corrupt_archives()))
def test_corrupt_boot_archive_is_refused_and_the_system_runs(keel, kind):
    """A malformed extra boot archive (archive=): the kernel names what is wrong with it,
    ignores it, and runs hello from the built-in archive.  Each kind breaks one rule of the
    format, so each of cpio_walk's checks is needed by one kind (given code)."""
    data, from_end, reason = corrupt_archives()[kind]
    ram_end = 0x40000000 + 128 * MIB
    address = ram_end - from_end if from_end else 0x40000000 + 64 * MIB
    k = boot_with_archive_at(keel, data, address, f"0x{address:x}")
    check_ignored_and_hello_runs(
        k, f"archive: the archive at archive= is not a valid cpio archive: {reason} (at "
        "offset 0); ignoring it" if kind != "ends-in-a-header" else
        f"archive: the archive at archive= is not a valid cpio archive: {reason} (at "
        "offset 4044); ignoring it", "handouts/04-scheduler.md, 'The boot archive'")


# archive= values the kernel must refuse, with what (if anything) QEMU loads there.
BAD_ARCHIVE_ADDRESSES = {
    "not-a-number": ("0x44000000x", 0x44000000),
    "not-page-aligned": ("0x44000008", 0x44000008),
    "below-the-kernel": ("0x40100000", 0x40100000),
    "past-the-end-of-ram": ("0x48000000", None),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", list(BAD_ARCHIVE_ADDRESSES))
def test_bad_archive_address_is_refused_and_the_system_runs(keel, kind):
    """archive= that is not a number, not page-aligned, below the kernel's end (the device
    tree's and the kernel's own memory) or past the end of RAM: refused with a message, and
    hello runs from the built-in archive.  Where it helps, a valid archive sits at that
    address, so that only the address check can refuse it."""
    argument, load_at = BAD_ARCHIVE_ADDRESSES[kind]
    data = harness.mkcpio.pack([("note", b"a good archive at a bad address\n")])
    k = boot_with_archive_at(keel, data if load_at else None, load_at or 0, argument)
    check_ignored_and_hello_runs(
        k, f"archive: archive={argument} must be a page-aligned address in free RAM; "
        "ignoring it", "handouts/04-scheduler.md, 'The boot archive'")


@pytest.mark.points(2)
def test_boot_flags_match_whole_words(keel):
    """`monitorx` is not `monitor`: Keel runs the command after `--` as pid 1, not the
    kernel monitor."""
    k = run_program(keel, "hello", bootargs="monitorx")
    k.expect(r"^hello, world: pid 1, running at EL0$", timeout=20,
             what="hello to run: a word that only starts with 'monitor' is not the flag",
             section="handouts/04-scheduler.md, 'The first task'")


@pytest.mark.points(10)
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
