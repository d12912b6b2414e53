"""Lab 1 grader: boot, UART, printf, backtrace, the monitor, and GDB.

Every expected value here is worked out independently of the kernel: printf's output from
the C standard's rules, addresses from the ELF file through the toolchain's nm.
"""
import os
import random
import re
import subprocess

import pytest

import harness
from harness import Gdb, free_port

LAB = 1
TITLE = "boot & UART"
HANDOUT = "handouts/01-boot.md"
KERNBASE = 0xFFFFFF8000000000

FRAME_LINE = re.compile(r"^  #(\d+)  0x([0-9a-f]{16})  (\S+?)(?:\+0x([0-9a-f]+))?$", re.M)


# --- printf, as the C standard defines it ----------------------------------------------------

def wrap(value, bits):
    """`value` as a two's complement integer of `bits` bits (what a C cast does)."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def expected_printf_lines(n):
    """The three lines selftest_printf(n) must print (kernel/debug/selftest.c shows the calls)."""
    negative, positive, top_bit = -(1 + n % 999), 1 + (n // 999) % 999, n | 0x80000000
    big = wrap(n * -1234567, 64)
    wide = ((n << 32) | (n ^ 0xDEADBEEF)) & (2**64 - 1)
    word = "keel" if n & 1 else "arm64"
    v = n % 4096
    return [
        f"printf-selftest {n}: [{negative}] [{positive}] [{top_bit}] [{top_bit:x}] [{negative:5d}] "
        f"[{negative:<5d}] [{negative:05d}] [{positive:5d}] [{positive:<5d}] [{positive:05d}] "
        f"[0] [0]",
        f"printf-selftest {n}: [{big}] [{wide}] [{wide:x}] [{n:016x}] [{(2**64 - 1) ^ n:x}] "
        f"[{-(n << 20)}] [{-2**63}] [{-2**31}]",
        f"printf-selftest {n}: [0x{KERNBASE + (n << 4):x}] [{word}] [{word:>8}] [{word:<8}|] "
        f"[{chr(ord('a') + n % 26)}] [  Z] [%] [(null)] [{v:<4x}|] [{v:4x}]",
    ]


# --- helpers -----------------------------------------------------------------------------------

def parse_frames(text):
    return [(int(m.group(1)), int(m.group(2), 16), m.group(3),
             int(m.group(4), 16) if m.group(4) else None) for m in FRAME_LINE.finditer(text)]


def check_frames_against_nm(k, elf, frames):
    """Every printed frame must name the function nm puts at its address, with the right
    offset, and the frames must be numbered 0, 1, 2, ..."""
    assert frames, k.explain("a backtrace: lines like '  #0  0xffffff8040201234  name+0x1c'",
                             section="handouts/01-boot.md, 'Exercise 6: backtrace'")
    for i, (number, address, name, offset) in enumerate(frames):
        assert number == i, k.explain(f"frame #{i} next", got=f"#{number}")
        truth = elf.function_at(address)
        assert truth is not None, k.explain(f"frame #{i}'s address 0x{address:x} to be inside a "
                                            "kernel function (per nm)", got="outside the code")
        assert (name, offset) == truth, k.explain(
            f"frame #{i} at 0x{address:x} to be {truth[0]}+0x{truth[1]:x} (per nm)",
            got=f"{name}+0x{offset:x}" if offset is not None else name,
            section="handouts/01-boot.md, 'Symbols'")


# --- the tests ---------------------------------------------------------------------------------

@pytest.mark.points(5)
@pytest.mark.section("handouts/01-boot.md, 'Exercise 2: the UART'")
def test_banner_names_keel_and_lab(keel):
    """The first line the kernel prints names Keel and the lab."""
    k = keel.boot()
    first = k.expect(r"^.*\S.*$", timeout=20, what="any output at all from the kernel")
    assert re.search(r"\bKeel\b.*\blab %d\b" % k.lab, first.group(0)), k.explain(
        f"the first line to name Keel and 'lab {k.lab}'", got=repr(first.group(0)))


@pytest.mark.points(15)
@pytest.mark.section("handouts/01-boot.md, 'Exercise 3: printf'")
def test_printf_conversions_match_the_c_standard(keel):
    """printf's %d %i %u %x %p %s %c %% with l/ll, width, '0' and '-' flags."""
    k = keel.boot(bootargs="test=printf")
    for expected in expected_printf_lines(k.nonce):
        line = k.expect(r"^printf-selftest %d: .*$" % k.nonce, timeout=20,
                        what="the printf self-test's lines").group(0)
        assert line == expected, k.explain(
            "exactly\n    " + expected, got="\n    " + line,
            section="handouts/01-boot.md, 'Exercise 3: printf'")


@pytest.mark.points(5)
@pytest.mark.section("handouts/01-boot.md, 'The device tree and boot arguments'")
def test_ram_size_and_boot_arguments_reported(keel):
    """The boot line reports the RAM size QEMU was given and the boot arguments."""
    k = keel.boot(mem="320M", bootargs="hello=world")
    line = k.expect(r"^RAM: .*$", timeout=20, what="the 'RAM: ...' line").group(0)
    assert "320 MiB" in line and f'nonce={k.nonce} hello=world"' in line, k.explain(
        "'RAM: 320 MiB at 0x40000000; boot arguments: \"... nonce=... hello=world\"'", got=line)


@pytest.mark.points(3)
@pytest.mark.section("handouts/01-boot.md, 'The memory map'")
def test_too_little_ram_is_refused_with_a_message(keel):
    """With less RAM than Keel needs (8 MiB) the kernel says so and powers off, instead of
    failing later in some odd way; with so little that QEMU cannot even load the kernel
    (2 MiB: the kernel is linked 2 MiB into RAM), `make qemu` refuses, since the machine
    itself would say nothing at all."""
    section = "handouts/01-boot.md, 'The memory map'"
    # From the least RAM that holds the whole kernel image (linked at RAM + 2 MiB; its
    # physical end from nm's _end): with less, QEMU loads part of it and the kernel cannot
    # run a single instruction of its own (later labs' kernels, whose boot archive holds more
    # programs, need 4 MiB).
    end = harness.Elf(keel.lab).address("_end") & ((1 << 32) - 1)
    least = -(-(end - harness.RAM_BASE) // (1 << 20))
    mem = random.choice(range(max(least, 3), 8))
    k = keel.boot(mem=f"{mem}M")
    want = (f"Keel needs at least 8 MiB of RAM; this machine has {mem * 1024} KiB "
            "(QEMU's -m). Powering off.")
    k.expect(r"^%s$" % re.escape(want), timeout=20, what=f"'{want}'", section=section)
    status = k.wait_exit(timeout=10, section=section)
    assert status == 1, k.explain("QEMU's exit status 1 (power_exit(1) under semihosting)",
                                  got=status, section=section)
    env = {name: value for name, value in os.environ.items()
           if name not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "LAB")}
    make = subprocess.run(["make", "-n", "qemu", "MEM=2M"], cwd=harness.ROOT, env=env,
                          capture_output=True, text=True, timeout=30)
    assert make.returncode != 0 and "MEM=2M is too little RAM" in make.stderr, k.explain(
        "'make qemu MEM=2M' to refuse with 'MEM=2M is too little RAM ...'",
        got=(make.stdout + make.stderr).strip()[-300:], section=section)


# A bad nonce= and the reason the kernel must give: (value from a random n, reason regex).
BAD_NONCES = {
    "2^32 + n": (lambda n: str(2**32 + n), r"is out of range \(0 to 4294967295\)"),
    "2^64 + n": (lambda n: str(2**64 + n), r"is not a number \(.*\)"),
    "hex digits after decimal ones": (lambda n: f"{n}ab", r"is not a number \(.*\)"),
}


@pytest.mark.points(2)
@pytest.mark.parametrize("case", list(BAD_NONCES))
@pytest.mark.section("handouts/01-boot.md, 'The device tree and boot arguments'")
def test_bad_boot_numbers_get_a_message_and_the_default(keel, case):
    """A numeric boot argument that is not a number, does not fit in 64 bits, or is outside
    its range (nonce=: 0 to 2^32 - 1) gets a message naming the argument, the value and the
    default, and the default is used: the printf self-test runs with nonce 0, not with what
    the value would wrap around to."""
    value = BAD_NONCES[case][0](random.randint(1, 2**32 - 1))
    k = keel.boot(bootargs=f"nonce={value} test=printf")
    section = "handouts/01-boot.md, 'The device tree and boot arguments'"
    first = k.expect(r"^printf-selftest (\d+): .*$", timeout=20, what="the printf self-test",
                     section=section)
    want = r"^bootargs: nonce=%s %s; using 0$" % (re.escape(value), BAD_NONCES[case][1])
    message = re.search(r"^bootargs: .*$", k.output, re.M)
    assert message and re.match(want, message.group(0)), k.explain(
        f"'bootargs: nonce={value} ...; using 0' before the self-test",
        got=message.group(0) if message else "no 'bootargs:' line", section=section)
    assert first.group(1) == "0", k.explain("the self-test to run with the default nonce 0",
                                            got=first.group(0), section=section)
    assert first.group(0) == expected_printf_lines(0)[0], k.explain(
        expected_printf_lines(0)[0], got=first.group(0), section=section)


@pytest.mark.points(2)
@pytest.mark.section("handouts/01-boot.md, 'The device tree and boot arguments'")
def test_command_line_problems_get_a_message(keel):
    """More than 64 words: the rest is ignored, and the kernel says from which word on.  More
    than 1023 bytes: the line is cut, with a message.  A self-test that does not exist is
    named.  Either way the system comes up."""
    section = "handouts/01-boot.md, 'The device tree and boot arguments'"
    words = [f"w{i}x{random.randint(0, 999)}" for i in range(70)]
    k = keel.boot(bootargs=" ".join(words))
    k.prompt()
    all_words = k.command_line[k.command_line.index("-append") + 1].split()
    want = f"bootargs: more than 64 words; ignoring the rest, from '{all_words[64]}' on"
    assert re.search(r"^%s$" % re.escape(want), k.output, re.M), k.explain(
        f"'{want}'", got=re.findall(r"^bootargs: .*$", k.output, re.M), section=section)
    k = keel.boot(bootargs="x" * 1100)
    k.prompt()
    want = "bootargs: command line longer than 1023 bytes, cut short"
    assert re.search(r"^%s$" % re.escape(want), k.output, re.M), k.explain(
        f"'{want}'", got=re.findall(r"^bootargs: .*$", k.output, re.M), section=section)
    name = f"no-such-test-{random.randint(0, 9999)}"
    k = keel.boot(bootargs=f"test={name}")
    k.prompt()
    want = f"selftest: there is no test called '{name}'"
    assert re.search(r"^%s$" % re.escape(want), k.output, re.M), k.explain(
        f"'{want}'", got=re.findall(r"^selftest: .*$", k.output, re.M), section=section)


@pytest.mark.points(5)
@pytest.mark.section("handouts/01-boot.md, 'The device tree and boot arguments'")
def test_malformed_boot_arguments_do_no_harm(keel):
    """The boot arguments are input: a command line longer than 1023 bytes is cut short, and
    the kernel says so; words after the 64th are ignored (a test=panic there does not run);
    a bare `test` is a flag, not `test=` (the word after it is not its value).  Each time
    the monitor still answers."""
    section = "handouts/01-boot.md, 'The device tree and boot arguments'"
    k = keel.boot(bootargs="filler=" + "x" * 1100)
    k.expect(r"^bootargs: command line longer than 1023 bytes, cut short$", timeout=20,
             what="'bootargs: command line longer than 1023 bytes, cut short'", section=section)
    k.prompt()
    assert "kerninfo" in k.command("help"), k.explain("the monitor to work after a long line")
    # The harness's own words come first (semihosting monitor nonce=N): 3 of the 64.
    k = keel.boot(bootargs=" ".join(f"w{i}" for i in range(61)) + " test=panic")
    k.prompt()
    assert "selftest_panic" not in k.output, k.explain(
        "the 65th word (test=panic) ignored: only 64 words count", got="the panic ran",
        section=section)
    k = keel.boot(bootargs="test printf")
    k.prompt()
    assert "printf-selftest" not in k.output, k.explain(
        "a bare 'test' not to take the next word as its value", got="the printf self-test ran",
        section=section)


@pytest.mark.points(5)
@pytest.mark.section("handouts/01-boot.md, 'The monitor'")
def test_monitor_help_lists_the_commands(keel):
    """`help` names every lab 1 command with a line of explanation."""
    k = keel.boot()
    k.prompt()
    out = k.command("help")
    for name in ("help", "kerninfo", "backtrace", "poweroff"):
        assert re.search(r"^%s\s+\S" % name, out, re.M), k.explain(
            f"a line starting with '{name}' and its description in the help")
    k.send("no-such-command")
    k.expect(r"unknown command 'no-such-command'", what="an error for an unknown command")


@pytest.mark.points(10)
@pytest.mark.section("handouts/01-boot.md, 'Exercise 5: kerninfo'")
def test_kerninfo_agrees_with_the_elf(keel, elf):
    """`kerninfo` prints each section's bounds and size, the image and the entry points,
    and they agree with the ELF symbols (read with nm)."""
    k = keel.boot()
    k.prompt()
    out = k.command("kerninfo")
    section = "handouts/01-boot.md, 'Exercise 5: kerninfo'"
    for name in ("text", "rodata", "data", "bss", "ksyms"):
        start, end = elf.address(f"_{name}_start"), elf.address(f"_{name}_end")
        want = f"  {name:<7} {start:016x} - {end:016x}  ({(end - start) // 1024} KiB)"
        assert want in out.split("\n"), k.explain(f"the line\n    {want}", section=section)
    image_end = elf.address("_end") - KERNBASE
    want = (f"Kernel image: physical 0x40200000 - 0x{image_end:x} "
            f"({(image_end - 0x40200000) // 1024} KiB)")
    assert want in out, k.explain(f"the line\n    {want}", section=section)
    want = f"Entry: _start at 0x{elf.address('_start'):x} (physical), kmain at 0x{elf.address('kmain'):x}"
    assert want in out, k.explain(f"the line\n    {want}", section=section)


@pytest.mark.points(10)
@pytest.mark.section("handouts/01-boot.md, 'Exercise 6: backtrace'")
def test_backtrace_frames_resolve_to_the_right_functions(keel, elf):
    """`backtrace` walks the frame records from mon_backtrace up to kmain; every frame's
    address and name+offset agree with nm."""
    k = keel.boot()
    k.prompt()
    frames = parse_frames(k.command("backtrace"))
    check_frames_against_nm(k, elf, frames)
    names = [f[2] for f in frames]
    # The call chain, from the code: kmain calls monitor, which calls monitor_runcmd, which
    # calls the command's handler; start.S's start_high called kmain.
    want = ["mon_backtrace", "monitor_runcmd", "monitor", "kmain", "start_high"]
    assert names == want, k.explain(" <- ".join(want), got=" <- ".join(names),
                                    section="handouts/01-boot.md, 'Exercise 6: backtrace'")


@pytest.mark.points(10)
@pytest.mark.section("handouts/01-boot.md, 'Exercise 6: backtrace'")
def test_backtrace_through_nested_calls(keel, elf):
    """`backtrace N` shows N+1 frames of backtrace_nested above mon_backtrace: the walk
    follows the chain through many records of the same function."""
    k = keel.boot()
    k.prompt()
    depth = random.randint(2, 9)
    frames = parse_frames(k.command(f"backtrace {depth}"))
    check_frames_against_nm(k, elf, frames)
    names = [f[2] for f in frames]
    want = ["backtrace_nested"] * (depth + 1) + ["mon_backtrace"]
    assert names[:depth + 2] == want, k.explain(
        " <- ".join(want) + " <- ...", got=" <- ".join(names))
    assert names[depth + 2:] == ["monitor_runcmd", "monitor", "kmain", "start_high"], k.explain(
        "the walk to go on through monitor_runcmd, monitor, kmain and end at start_high",
        got=" <- ".join(names))


@pytest.mark.points(5)
@pytest.mark.section("handouts/01-boot.md, 'Exercise 4: panic'")
def test_panic_prints_message_backtrace_and_halts(keel, elf):
    """panic() prints 'panic: ' and its message, a backtrace, and 'Keel halted.'"""
    k = keel.boot(bootargs="test=panic")
    k.expect(r"^panic: selftest_panic: nonce %d$" % k.nonce, timeout=20,
             what=f"'panic: selftest_panic: nonce {k.nonce}'",
             section="handouts/01-boot.md, 'Exercise 4: panic'")
    start = k.position
    k.expect(r"^Keel halted\.$", what="'Keel halted.' after the backtrace")
    frames = parse_frames(k.output[start:k.position])
    check_frames_against_nm(k, elf, frames)
    names = [f[2] for f in frames]
    assert names[:2] == ["panic", "selftest_panic"], k.explain(
        "the backtrace to start in panic, called from selftest_panic", got=" <- ".join(names))


@pytest.mark.points(5)
@pytest.mark.section("handouts/01-boot.md, 'Exercise 7: poweroff'")
def test_poweroff_ends_qemu_with_status_0(keel):
    """`poweroff` makes the PSCI SYSTEM_OFF call; QEMU exits by itself with status 0.  (Booted
    without semihosting, so that only PSCI can end QEMU.)"""
    k = keel.boot(semihosting=False)
    k.prompt()
    k.send("poweroff")
    status = k.wait_exit(timeout=10, section="handouts/01-boot.md, 'Exercise 7: poweroff'")
    k.expect(r"^Powering off\.$", what="'Powering off.' before QEMU exits")
    assert status == 0, k.explain("QEMU's exit status 0", got=status)


@pytest.mark.points(10)
@pytest.mark.timeout(60)
@pytest.mark.section("handouts/01-boot.md, 'Exercise 1: the boot path in GDB'")
def test_gdb_breaks_at_kmain_at_el1_and_agrees_with_backtrace(keel, elf):
    """In GDB, a breakpoint on kmain is hit at EL1 with the symbols lined up, and GDB's own
    `bt` at mon_backtrace names the same functions as the kernel's backtrace."""
    port = free_port()
    k = keel.boot(gdb_port=port)
    script = "\n".join([
        "break kmain",
        "continue",
        'python print("KEEL-AT pc=0x%x el=%d" % (int(gdb.parse_and_eval("$pc")) & (2**64-1), '
        '(int(gdb.parse_and_eval("$cpsr")) >> 2) & 3))',
        "info symbol $pc",
        "break mon_backtrace",
        "continue",
        'python print("KEEL-BT-BEGIN")',
        "bt",
        'python print("KEEL-BT-END")',
        "delete",
        "detach",
    ])
    gdb = Gdb(k.lab, port, script, k.log_path + ".gdb.log")
    try:
        k.prompt(timeout=15)  # GDB owns the stub: a hang here is not diagnosed, only timed
        k.send("backtrace")
        out = gdb.output(timeout=20)  # healthy: well under a second
    finally:
        gdb.kill()
    at = re.search(r"KEEL-AT pc=0x([0-9a-f]+) el=(\d)", out)
    assert at, k.explain("GDB to stop at kmain", got="\n" + out[-1500:])
    kmain = elf.address("kmain")
    pc, el = int(at.group(1), 16), int(at.group(2))
    assert el == 1, k.explain("kmain to run at EL1", got=f"EL{el}")
    assert kmain <= pc < kmain + 64 and re.search(r"kmain(\s|\+)", out), k.explain(
        f"the breakpoint at kmain (0x{kmain:x} per nm) and GDB naming it kmain",
        got=f"pc 0x{pc:x}")
    bt = out[out.find("KEEL-BT-BEGIN"):out.find("KEEL-BT-END")]
    gdb_names = re.findall(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\w+)", bt, re.M)
    k.expect(r"^Backtrace:$", timeout=20, what="the kernel's backtrace after GDB detached")
    start = k.position
    k.prompt()
    frames = parse_frames(k.output[start:k.position])
    kernel_names = [f[2] for f in frames]
    assert "kmain" in gdb_names, k.explain("GDB's bt to reach kmain", got=gdb_names)
    upto = gdb_names.index("kmain") + 1
    assert kernel_names[:upto] == gdb_names[:upto], k.explain(
        "the kernel's backtrace to name the same functions as GDB's bt",
        got=f"kernel {kernel_names}, GDB {gdb_names}")
