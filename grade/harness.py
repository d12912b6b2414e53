"""The grading harness: boots Keel in QEMU and talks to it over the serial line.

Tests get a `keel` fixture (see conftest.py) and use it like this:

    def test_something(keel):
        k = keel.boot(bootargs="test=printf")       # builds nothing: `make grade` built it
        k.expect(r"K> ")                            # waits for output, never sleeps
        out = k.command("help")                     # sends a line, returns what it printed
        assert "kerninfo" in out, k.explain("the help text to name kerninfo")

Every wait has a timeout; when it runs out, or QEMU exits, the test fails with what was
expected, the tail of the serial log and the handout section that helps.  The full serial log
of a failed test is kept in build/grade/logs/.

A kernel that stops making progress does not wait out the timeout.  Every QEMU has a GDB
stub on a unix socket that nobody uses while things go well; when expect() has seen no
output for QUIET seconds, it looks at the CPU a few times (tools/diagnose.py).  If the CPU
stays in one small place, the test fails at once, saying where (function, file:line, the
call chain, the interrupt state) and, from the boot lines it saw (milestones.py), which
lab's hint helps.  A failed test is then run once more under QEMU's record/replay, so that
`make replay TEST=...` can step through it, backwards too (conftest.py, tools/replay.py).
"""
import glob
import os
import random
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import diagnose  # noqa: E402  (tools/diagnose.py: where a stuck Keel is, in words)
import mkcpio  # noqa: E402  (tools/mkcpio.py: the same packer the build uses)
import replay  # noqa: E402  (tools/replay.py: QEMU's record/replay, and GDB on a replay)
from toolchain import gdb_program, toolprefix  # noqa: E402,F401  (tests import toolprefix)
import milestones  # noqa: E402  (grade/milestones.py: the boot, line by line)
BUILD = os.path.join(ROOT, "build")
LOG_DIR = os.path.join(BUILD, "grade", "logs")
PROMPT = "K> "
RAM_BASE = 0x40000000  # QEMU virt's RAM starts here
DISK_ALIGN = 0x200000  # a disk image sits at the top of RAM, 2 MiB-aligned (as the Makefile puts it)
KEEL_MAX_RAM = 4 << 30  # Keel uses (manages and maps) at most this much of it: frame.h
# How long a boot may take before the first output: generous, because `make grade` runs
# several QEMUs at once on a loaded machine, but a healthy boot takes a fraction of a second.
BOOT_TIMEOUT = 10
# How long expect() waits without any output before it looks at the CPU.  A healthy Keel
# answers within milliseconds.  A CPU found stopped (no register changes) fails the test at
# once; one found going round a small loop only after it has been silent for `quiet`
# seconds, QUIET unless a test that knows its kernel computes silently for longer says so
# with expect(quiet=...) or boot(quiet=...).  Under -icount the guest runs slower: both
# twice as long.
QUIET = 2.0
# In a recording, how long typing waits for a character's echo before it types the next.
RECORD_TYPING_PAUSE = 0.2


def kernel_path(lab):
    return os.path.join(BUILD, f"lab{lab}", "kernel.elf")


def new_nonce():
    """A fresh 32-bit number for each run: output that depends on it cannot be canned."""
    return secrets.randbelow(2**32 - 1) + 1


def new_seed():
    """A fresh 32-bit seed for a test program (fuzz, faultstorm, regs): from the test's own
    random generator, which conftest.py seeds afresh for each test and again for its
    recorded rerun, so that the rerun runs the program with the same seed."""
    return random.randrange(1, 2**32)


def mix64(x):
    """kernel/lib/mix.h: splitmix64's finaliser, which the test programs build their
    patterns, seeds and random numbers from (a grader that predicts them computes the same)."""
    mask = (1 << 64) - 1
    x &= mask
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & mask
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & mask
    x ^= x >> 31
    return x


def rerun_hint(k, command, bootargs="", icount=None):
    """The line a failure ends with: how to boot the same program by hand (the seed in
    `command`, the boot arguments and -icount the test used)."""
    extra = f" QEMUEXTRA='-icount {icount}'" if icount else ""
    args = f"{bootargs} -- {command}".strip()
    return f"To rerun it: make lab-{k.lab} qemu BOOTARGS='{args}'{extra}"


def parse_size(text):
    """QEMU's -m syntax: 128M, 1G."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].upper() in units else int(text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Machine:
    """One QEMU running one Keel kernel, with its serial line on a pipe."""

    def __init__(self, lab, log_path, handout, kernel=None, test_lab=None, section=None,
                 earlier=None, nonce=None, record_dir=None):
        self.lab = lab  # the build it runs
        self.kernel = kernel or kernel_path(lab)  # another tree's build (tools/transcripts.py)
        self.log_path = log_path
        self.handout = handout
        self.test_lab = test_lab or lab  # the lab whose grader runs the test
        self.section = section  # the test's own handout section (@pytest.mark.section)
        self.earlier = earlier  # an earlier lab's section the test relies on
        self.process = None
        self.output = ""  # everything received so far, \r\n turned into \n
        self.position = 0  # where the next expect() starts looking
        self.changed = threading.Condition()
        self.exit_status = None
        self.nonce = nonce or new_nonce()
        self.command_line = []
        self.bootargs = ""
        self.typed = []  # every line typed, for the replay's choice of user program
        self.stub_dir = None  # holds the GDB stub's unix socket
        self.stub = None  # where to reach the GDB stub: a socket path, or tcp:HOST:PORT
        self.record_dir = record_dir  # recording under QEMU's record/replay into here
        self.quiet = QUIET  # how long a silent loop may be normal (see QUIET)
        self.look_after = QUIET  # how long a silence before expect() looks at the CPU
        self.last_activity = time.monotonic()  # the last output or input

    # --- starting and stopping ---------------------------------------------------------------

    def start(self, bootargs="", mem="128M", extra=(), gdb_port=None, semihosting=True,
              icount=False, cpu="cortex-a72", monitor=True, archive=None, archive_address=None,
              quiet=None, disk=None):
        """Starts QEMU.  With semihosting (the default), a kernel that halts or panics ends
        QEMU at once (status 125) instead of sleeping until the test's timeout.  `monitor`
        asks for the kernel monitor rather than user programs (from lab 4 on, Keel starts
        init unless told so).  `archive` ({name: bytes}) is packed into an extra boot
        archive that QEMU's loader puts in the middle of the RAM Keel uses (the first 4 GiB,
        kernel/boot/archive.c), or at `archive_address`.  A test that passes its own nonce=
        in `bootargs` (to try a bad one) gets no other.  With self.nonce set to None, no
        nonce is added: the boot arguments are exactly those given, as with
        `make qemu BOOTARGS=...` (tools/transcripts.py).  `icount`: True for -icount
        shift=0, or -icount's options ("shift=0,sleep=off"); an -icount in `extra` counts as
        the same (a recording adds its own options to it).  `quiet`: how long this kernel
        may legitimately stay silent (default QUIET).  `disk` (lab 8): the path of a disk
        image, loaded at the top of RAM as `make lab-8 qemu DISK=...` loads it and written
        back into that file by the guest's flushes (disk=, diskfile=: kernel/dev/ramdisk.c);
        a recording loads a copy of it as it was, so that its replay starts from the same
        disk."""
        if self.nonce is None or re.search(r"(^|\s)nonce=", bootargs):
            args = bootargs.strip()
        else:
            args = f"nonce={self.nonce} {bootargs}".strip()
        if monitor:
            args = "monitor " + args
        if semihosting:
            args = "semihosting " + args
        self.bootargs = args
        extra = list(extra)
        if "-icount" in extra[:-1]:
            at = extra.index("-icount")
            icount = extra[at + 1]
            del extra[at:at + 2]
        shift = "shift=0" if icount is True else icount or None
        self.look_after = QUIET * (2 if shift else 1)
        self.quiet = quiet or self.look_after
        if archive is not None:
            # A recording keeps its archive: the replay loads it again.
            path = (os.path.join(self.record_dir, "archive.cpio") if self.record_dir
                    else self.log_path + ".cpio")
            with open(path, "wb") as f:  # bytes: an archive as is (to try broken ones)
                f.write(archive if isinstance(archive, bytes) else mkcpio.pack(sorted(archive.items())))
            address = archive_address
            if address is None:
                address = RAM_BASE + min(parse_size(mem), KEEL_MAX_RAM) // 2
            extra += ["-device", f"loader,file={path},addr=0x{address:x},force-raw=on"]
            args = f"archive=0x{address:x} " + args
        if disk is not None:
            size = os.path.getsize(disk)
            top = RAM_BASE + min(parse_size(mem), KEEL_MAX_RAM)  # Keel uses no RAM above 4 GiB
            address = top - (size + DISK_ALIGN - 1) // DISK_ALIGN * DISK_ALIGN
            loaded = disk
            if self.record_dir:
                loaded = os.path.join(self.record_dir, "disk.img")
                shutil.copyfile(disk, loaded)
            extra += ["-device", f"loader,file={loaded},addr=0x{address:x},force-raw=on"]
            args = f"disk=0x{address:x},{size} diskfile={os.path.abspath(disk)} " + args
            if not semihosting:
                raise ValueError("a disk is written back through semihosting: keep it on")
        cmd = ["qemu-system-aarch64", "-M", "virt", "-cpu", cpu, "-m", mem,
               "-display", "none", "-monitor", "none", "-serial", "stdio", "-nic", "none",
               "-no-reboot", "-kernel", self.kernel, "-append", args]
        cmd += lab_qemu_options(self.lab)
        if semihosting:
            cmd += ["-semihosting"]
        cmd += extra
        if self.record_dir:
            # Under record, QEMU 7.2 never delivers typed input to a CPU asleep in wfi with
            # sleep=off (no instruction runs to carry it): a recording sleeps in real time.
            self.session = replay.Session(self.record_dir)
            shift = re.sub(r",?sleep=off", "", shift or "") or "shift=auto"
            cmd += self.session.record_options(shift)
        elif shift:
            cmd += ["-icount", shift]
        if gdb_port is not None:
            # The test's own GDB uses the stub; once it has detached, expect() may too.
            cmd += ["-S", "-gdb", f"tcp:127.0.0.1:{gdb_port}"]
            self.stub = f"tcp:127.0.0.1:{gdb_port}"
        else:
            # For looking at a kernel that stopped making progress (see expect()).
            self.stub_dir = tempfile.mkdtemp(prefix="keel-stub-")
            self.stub = os.path.join(self.stub_dir, "gdb.sock")
            cmd += ["-gdb", f"unix:{self.stub},server=on,wait=off"]
        self.command_line = cmd
        self.log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        self.log.write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        self.log.flush()
        # A recording's serial output must stay apart from QEMU's own messages: the replay
        # is compared with it byte for byte.
        self.raw = open(self.session.serial_path, "wb") if self.record_dir else None
        self.process = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=open(self.session.stderr_path, "wb") if self.record_dir else subprocess.STDOUT,
            cwd=ROOT)
        self.started_at = self.last_activity = time.monotonic()
        threading.Thread(target=self._reader, daemon=True).start()
        return self

    def stub_path(self):
        return self.stub

    def _reader(self):
        pending_cr = False
        while True:
            data = self.process.stdout.read1(65536)
            if not data:
                break
            if self.raw:
                self.raw.write(data)
                self.raw.flush()
            text = data.decode("latin-1")
            if pending_cr:
                text = "\r" + text
            pending_cr = text.endswith("\r")
            if pending_cr:
                text = text[:-1]
            text = text.replace("\r\n", "\n")
            self.log.write(text)
            self.log.flush()
            with self.changed:
                self.output += text
                self.last_activity = time.monotonic()
                self.changed.notify_all()
        status = self.process.wait()
        with self.changed:
            self.exit_status = status
            self.changed.notify_all()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            if self.record_dir:
                # SIGTERM lets QEMU finish the recording; a killed one cannot be replayed.
                self.process.terminate()
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            with self.changed:
                self.changed.wait_for(lambda: self.exit_status is not None, timeout=5)
            self.log.close()
            if self.raw:
                self.raw.close()
        if self.stub_dir:
            shutil.rmtree(self.stub_dir, ignore_errors=True)
            self.stub_dir = None

    # --- talking to it -----------------------------------------------------------------------

    def expect(self, pattern, timeout=10, what=None, section=None, quiet=None):
        """Waits until `pattern` (a regex, MULTILINE) matches output not yet consumed; returns
        the match and consumes up to its end.  A pattern that ends in `$` only matches whole
        lines (never a line still arriving).  Fails the test on timeout or QEMU exit, and as
        soon as the kernel is seen to be stuck (see QUIET and watch()): stopped, or going
        round a small loop after `quiet` seconds (default: the machine's) of silence."""
        regex = re.compile(pattern, re.MULTILINE)
        whole_lines = pattern.endswith("$")
        deadline = time.monotonic() + timeout
        quiet = quiet or self.quiet
        check_at = 0  # when to look at the CPU next (0: look_after the last activity)
        looping = None  # a first "going round a loop" verdict, confirmed by a later look
        while True:
            with self.changed:
                while True:
                    end = self.output.rfind("\n") + 1 if whole_lines else len(self.output)
                    match = regex.search(self.output, self.position, max(end, self.position))
                    if match:
                        self.position = match.end()
                        return match
                    now = time.monotonic()
                    wake = max(check_at, self.last_activity + self.look_after)
                    if self.exit_status is not None or now >= deadline or \
                            (self.stub and now >= wake):
                        break
                    self.changed.wait(min(deadline, wake if self.stub else deadline) - now)
            if self.exit_status is not None or time.monotonic() >= deadline:
                break
            verdict, samples = self.watch()
            now = time.monotonic()
            if verdict is not None and verdict.kind == "looping" and \
                    (looping is None or looping.kind != "looping" or
                     now - self.last_activity < quiet):
                looping = verdict  # a loop must still be there at a look after `quiet`
                check_at = max(now + self.look_after, self.last_activity + quiet)
                continue
            if verdict is not None and verdict.kind == "unanswered" and \
                    (looping is None or looping.kind != "unanswered"):
                looping, check_at = verdict, now  # once more at once: the stub may be slow
                continue
            if verdict is None:
                looping, check_at = None, now + self.look_after
                continue
            self.fail_stuck(what or repr(pattern), verdict, samples, section)
        if self.exit_status is not None:
            self.fail(f"expected {what or repr(pattern)}, but QEMU exited with status "
                      f"{self.exit_status}", section=section)
        began, cpu = time.monotonic(), self.cpu_seconds_if_known()
        samples = self.look(count=3)
        where = f" {self.probe().busy(samples)}" if samples else \
            f" ({self.UNANSWERED})" if self.spinning(began, cpu) else ""
        self.fail(f"expected {what or repr(pattern)}, but nothing matched within {timeout} s"
                  f"{where}", section=section)

    # --- looking at a quiet kernel -----------------------------------------------------------

    def probe(self):
        return diagnose.Probe(self.stub_path(), self.kernel,
                              os.path.join(os.path.dirname(self.kernel), "user"))

    def look(self, count=4):
        """Samples of the CPU through the GDB stub ([] if there is none, or QEMU exited)."""
        if not self.stub or self.exit_status is not None:
            return []
        return self.probe().sample(count=count)

    def instruction_count(self):
        """How many instructions a recording has run so far (QEMU's `info replay`)."""
        try:
            stub = diagnose.Stub.connect(self.stub_path())
        except (diagnose.StubError, TypeError):
            return None
        try:
            match = re.search(r"instruction count = (\d+)", stub.monitor("info replay"))
            return int(match.group(1)) if match else None
        except diagnose.StubError:
            return None
        finally:
            stub.detach()

    def watch(self):
        """After a quiet spell: (verdict, samples), the verdict None if the kernel is getting
        on (or printed something meanwhile)."""
        printed = len(self.output)
        began, cpu = time.monotonic(), self.cpu_seconds_if_known()
        samples = self.look()
        if os.environ.get("KEEL_WATCH_LOG"):  # which healthy tests get looked at, and why
            with open(os.environ["KEEL_WATCH_LOG"], "a") as f:
                f.write(f"{os.path.basename(self.log_path)}: looked after "
                        f"{time.monotonic() - self.last_activity:.1f} s quiet, "
                        f"{len(samples)} samples\n")
        if not samples and len(self.output) == printed and self.spinning(began, cpu):
            return diagnose.Verdict("unanswered", []), samples
        if not samples or len(self.output) != printed:
            return None, samples
        return diagnose.judge(samples), samples

    def cpu_seconds_if_known(self):
        try:
            return self.cpu_seconds()
        except (OSError, IndexError, ValueError):  # no /proc (macOS), or QEMU just exited
            return None

    def spinning(self, began, cpu):
        """Did QEMU, still running, keep a CPU busy since `began` (when it had used `cpu`
        seconds)?  That and a GDB stub that did not answer meanwhile is QEMU 7.2 under
        -icount sleep=off with the guest asleep in wfi for an interrupt that never comes.
        "Busy": a third of a CPU or more, since other QEMUs share the host's cores (an idle
        guest's QEMU uses next to none; a guest that computes answers its stub)."""
        now = self.cpu_seconds_if_known()
        if cpu is None or now is None or self.exit_status is not None:
            return False
        return now - cpu >= 0.3 * (time.monotonic() - began)

    UNANSWERED = ("QEMU did not answer its GDB stub while it kept a CPU busy, so where Keel "
                  "is cannot be seen. QEMU 7.2 does that under -icount with sleep=off (as this "
                  "test runs) when the CPU sleeps in wfi waiting for an interrupt that never "
                  "comes or can never be taken: a timer never armed, an end of interrupt "
                  "never written, a GIC that signals nothing")

    def fail_stuck(self, what, verdict, samples, section):
        if verdict.kind == "unanswered":
            self.fail(f"expected {what}, but Keel stopped making progress: no output for "
                      f"{time.monotonic() - self.last_activity:.1f} s, and {self.UNANSWERED}",
                      section=section)
        if verdict.samples[0].task:  # the replay loads this program's symbols
            self.typed.append(verdict.samples[0].task)
        text, causes = self.probe().explain(samples, verdict, time.monotonic() -
                                            self.last_activity)
        cause_section = milestones.section_for_causes(causes, self.lab, self.test_lab)
        self.fail(f"expected {what}, but {text}", section=section, cause=cause_section)

    def send(self, text):
        """Types `text` and a carriage return (what the Enter key sends)."""
        self.write(text + "\r")

    def write(self, text):
        self.typed += [line for line in re.split(r"[\r\n]+", text) if line.strip()]
        # QEMU 7.2's record mode loses and reorders serial input that comes faster than the
        # guest takes it (and once crashed on a burst): a recording types one character at
        # a time, each after the echo of the one before, or RECORD_TYPING_PAUSE (at most
        # 2 s of pauses per write: a burst is not going to be echoed in time anyway).
        chunks = list(text) if self.record_dir else [text]
        budget = time.monotonic() + 2
        for chunk in chunks:
            printed = len(self.output)
            try:
                self.process.stdin.write(chunk.encode())
                self.process.stdin.flush()
            except BrokenPipeError:
                self.fail(f"could not type {text!r}: QEMU has exited", section=None)
            with self.changed:
                self.last_activity = time.monotonic()
                if self.record_dir:
                    pause = RECORD_TYPING_PAUSE if time.monotonic() < budget else 0.005
                    self.changed.wait_for(lambda: len(self.output) > printed or
                                          self.exit_status is not None, pause)

    def prompt(self, timeout=BOOT_TIMEOUT):
        """Waits for the monitor prompt."""
        return self.expect(re.escape(PROMPT), timeout=timeout, what=f"the prompt {PROMPT!r}")

    def command(self, line, timeout=10, prompt=PROMPT, section=None):
        """Sends a monitor command and returns everything it printed before the next prompt
        (without the echoed command line)."""
        self.send(line)
        self.expect(re.escape(line) + r"\n", timeout=timeout, what=f"the echo of {line!r}",
                    section=section)
        start = self.position
        match = self.expect(re.escape(prompt), timeout=timeout,
                            what=f"the prompt {prompt!r} after {line!r}", section=section)
        return self.output[start:match.start()]

    def wait_exit(self, timeout=10, section=None):
        """Waits for QEMU to exit and returns its exit status."""
        with self.changed:
            self.changed.wait_for(lambda: self.exit_status is not None, timeout=timeout)
            status = self.exit_status
        if status is None:
            self.fail(f"expected QEMU to exit within {timeout} s, but it is still running",
                      section=section)
        return status

    def cpu_seconds(self):
        """Host CPU time (user + system) QEMU has used so far, from /proc."""
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime (proc(5), fields 14 and 15)
        return ticks / os.sysconf("SC_CLK_TCK")

    # --- failing well ------------------------------------------------------------------------

    def tail(self, lines=25):
        text = self.output.rstrip("\n").split("\n")
        return "\n".join("    | " + line for line in text[-lines:])

    def explain(self, expectation, got=None, section=None):
        """A failure message: what was expected, what came, where to read up."""
        parts = [f"Expected {expectation}."]
        if got is not None:
            parts.append(f"Got: {got}")
        return self._message(parts, section)

    def fail(self, message, section=None, cause=None):
        """Fails the test now.  `cause`: a section that a diagnosis found more to the point
        than the test's own."""
        if "\n" not in message:
            message = message.rstrip(".") + "."
        pytest.fail(self._message([message], section, cause), pytrace=False)

    def _message(self, parts, section, cause=None):
        """The common end of every failure message: the serial tail, the log, and the one
        handout section to read (see where_to_read)."""
        parts = parts + ["Serial output (last lines):\n" + self.tail(),
                         f"Full log: {os.path.relpath(self.log_path, ROOT)}"]
        return "\n".join(parts + self.where_to_read(section, cause))

    def where_to_read(self, section, cause=None):
        """Lines that name a handout section, always.  When the boot stopped short, the lab
        whose code comes next (milestones.py) is the one to read; then a diagnosis' cause;
        then the section the check gave, the test's own, or the module's grading table.  An
        earlier lab's section the test rests on (@pytest.mark.earlier) is named too, unless
        a diagnosis found the cause."""
        stall = milestones.describe_stall(self.lab, self.bootargs, self.output)
        if stall:
            sentence, boot_section = stall
            return [sentence, f"See {boot_section}."]
        section = cause or section or self.section or \
            (f"{self.handout}, 'How you are graded'" if self.handout else None)
        if section is None:
            return []
        lines = [f"See {section}."]
        cited = milestones.handout_lab(section)
        if cited is not None and cited < self.test_lab:
            lines = [f"This behaviour comes from lab {cited}: see {section}."]
        elif self.earlier and cause is None:
            lines.append(f"If your lab {self.test_lab} code looks right: this behaviour comes "
                         f"from lab {milestones.handout_lab(self.earlier)}: see {self.earlier}.")
        if self.lab > self.test_lab:
            later = f"lab {self.lab}" if self.lab == self.test_lab + 1 else \
                f"labs {self.test_lab + 1}-{self.lab}"
            lines.append(f"(A lab {self.test_lab} test on the lab {self.lab} build: if it passes "
                         f"with `make grade LAB={self.test_lab}`, look at what {later} changed.)")
        return lines


_qemu_options = {}


def lab_qemu_options(lab):
    """Extra QEMU options a lab's lab.mk declares (devices, disks), written by the build."""
    if lab not in _qemu_options:
        path = os.path.join(BUILD, f"lab{lab}", "qemu-options")
        try:
            with open(path) as f:
                _qemu_options[lab] = shlex.split(f.read())
        except FileNotFoundError:
            _qemu_options[lab] = []
    return _qemu_options[lab]


class NotRecordable(Exception):
    """Raised by a boot in a recorded rerun that cannot be recorded (ends the rerun)."""


class Booter:
    """The `keel` fixture: boots machines for one test and cleans up after it."""

    def __init__(self, lab, test_name, handout, test_lab=None, section=None, earlier=None):
        self.lab = lab
        self.test_name = test_name
        self.handout = handout
        self.test_lab = test_lab
        self.section = section
        self.earlier = earlier
        self.machines = []
        self.log_paths = []
        self.record_root = None  # set for the recorded rerun of a failed test
        self.asked_to_record = False  # the test itself asked (boot(record=True))
        self.nonces = []  # the nonce of each boot, which the recorded rerun uses again

    def boot(self, record=False, **options):
        """Boots a Machine (options: Machine.start's).  record=True records it under QEMU's
        record/replay into build/grade/replay/TEST/N, for tests of the replay itself."""
        os.makedirs(LOG_DIR, exist_ok=True)
        # KEEL_RECORD_ALL=1 records every boot: only to measure what recording costs.
        record = record or (os.environ.get("KEEL_RECORD_ALL") == "1" and
                            options.get("gdb_port") is None)
        if record and self.record_root is None:
            self.record_root = os.path.join(replay.GRADE_REPLAYS, safe_name(self.test_name))
            shutil.rmtree(self.record_root, ignore_errors=True)
            self.asked_to_record = True
        index = len(self.machines)
        suffix = f"-{index}" if self.machines else ""
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.test_name)
        record_dir = None
        if self.record_root is not None:
            if options.get("gdb_port") is not None:
                raise NotRecordable("the test drives GDB itself")
            record_dir = os.path.join(self.record_root, str(index))
            os.makedirs(record_dir, exist_ok=True)
        path = (os.path.join(record_dir, "serial.log") if record_dir else
                os.path.join(LOG_DIR, f"{safe}{'-record' if self.record_root else ''}{suffix}.log"))
        nonce = self.nonces[index] if index < len(self.nonces) else None
        machine = Machine(self.lab, path, self.handout, test_lab=self.test_lab,
                          section=self.section, earlier=self.earlier, nonce=nonce,
                          record_dir=record_dir)
        if index >= len(self.nonces):
            self.nonces.append(machine.nonce)
        self.machines.append(machine)
        self.log_paths.append(path)
        machine.start(**options)
        if record_dir:
            machine.session.describe(machine, test=self.test_name)
        return machine

    def rerun_recorded(self, record_root):
        """Gets ready to run the test again under record: the machines of the failed run
        stop (their logs stay), the next boots record into record_root/0, /1, ...  with the
        same nonces."""
        self.finish(passed=False)
        shutil.rmtree(record_root, ignore_errors=True)
        os.makedirs(record_root)
        self.machines, self.log_paths = [], []
        self.record_root = record_root

    def stop_recording(self):
        """Ends the recordings: each notes the instruction count it got to (where a replay
        should stop: the moment the test gave up), then QEMU ends it cleanly."""
        for machine in self.machines:
            if machine.record_dir and machine.exit_status is None:
                machine.end_icount = machine.instruction_count()
            machine.stop()
            if machine.record_dir:
                machine.session.finish(machine, getattr(machine, "end_icount", None))

    def finish(self, passed):
        if self.record_root is not None:
            self.stop_recording()
            if passed and self.asked_to_record:
                shutil.rmtree(self.record_root, ignore_errors=True)
            return  # a failure's recording keeps everything
        for machine in self.machines:
            machine.stop()
        for path in self.log_paths:
            # The serial log and its companions (path.gdb.log, path.cpio): kept for failures.
            for companion in glob.glob(glob.escape(path) + "*"):
                if passed or companion.endswith(".cpio"):
                    os.remove(companion)


def safe_name(test_name):
    """A test's name as a file name: test_x[lab2] -> test_x-lab2."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")


class Gdb:
    """gdb-multiarch in batch mode against QEMU's GDB stub, driven by a script.

    The script runs in the background (it may wait at a breakpoint while the test types on
    the serial line); output() waits for it to end and returns everything it printed.
    """

    def __init__(self, lab, port, script, log_path):
        self.script_path = log_path + ".gdb"
        with open(self.script_path, "w") as f:
            f.write(f"set pagination off\nset confirm off\nset architecture aarch64\n"
                    f"file {kernel_path(lab)}\ntarget remote 127.0.0.1:{port}\n{script}\n")
        self.log_path = log_path
        self.process = subprocess.Popen([gdb_program(), "-q", "-nx", "-batch", "-x", self.script_path],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True, cwd=ROOT)

    def output(self, timeout=30):
        try:
            out, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
            out += f"\n(gdb did not finish within {timeout} s and was killed)"
        with open(self.log_path, "w") as f:
            f.write(out)
        os.remove(self.script_path)
        return out

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class Elf:
    """Symbols of a kernel ELF, read with the toolchain's nm (never from the kernel itself)."""

    _cache = {}

    def __init__(self, lab=None, path=None):
        """The kernel of a lab's build, or any ELF file by path (a user program)."""
        path = path or kernel_path(lab)
        if path not in Elf._cache:
            out = subprocess.run([toolprefix() + "nm", "-n", path], capture_output=True,
                                 text=True, check=True).stdout
            symbols = []
            for line in out.splitlines():
                fields = line.split()
                if len(fields) == 3:
                    symbols.append((int(fields[0], 16), fields[1], fields[2]))
            Elf._cache[path] = symbols
        self.symbols = Elf._cache[path]
        self.by_name = {name: address for address, _, name in self.symbols}

    def address(self, name):
        return self.by_name[name]

    def function_at(self, address):
        """(name, offset) of the code symbol (nm type T/t/W) containing `address`, or None
        if it is past the end of the code."""
        best = None
        for sym_address, kind, name in self.symbols:
            if sym_address > address:
                break
            if kind in "TtW" and name not in ("_text_end", "_text_start"):
                best = (name, address - sym_address)
            elif name == "_text_end":
                best = None
        return best
