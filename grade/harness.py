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
"""
import glob
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import mkcpio  # noqa: E402  (tools/mkcpio.py: the same packer the build uses)
BUILD = os.path.join(ROOT, "build")
LOG_DIR = os.path.join(BUILD, "grade", "logs")
PROMPT = "K> "
RAM_BASE = 0x40000000  # QEMU virt's RAM starts here
KEEL_MAX_RAM = 4 << 30  # Keel uses (manages and maps) at most this much of it: frame.h
# How long a boot may take before the first output: generous, because `make grade` runs
# several QEMUs at once on a loaded machine, but a healthy boot takes a fraction of a second.
BOOT_TIMEOUT = 10


def toolprefix():
    for prefix in ("aarch64-linux-gnu-", "aarch64-none-elf-", "aarch64-elf-"):
        if any(os.access(os.path.join(d, prefix + "nm"), os.X_OK)
               for d in os.environ.get("PATH", "").split(os.pathsep)):
            return prefix
    return "aarch64-linux-gnu-"


def kernel_path(lab):
    return os.path.join(BUILD, f"lab{lab}", "kernel.elf")


def new_nonce():
    """A fresh 32-bit number for each run: output that depends on it cannot be canned."""
    return secrets.randbelow(2**32 - 1) + 1


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

    def __init__(self, lab, log_path, handout, kernel=None):
        self.lab = lab
        self.kernel = kernel or kernel_path(lab)  # another tree's build (tools/transcripts.py)
        self.log_path = log_path
        self.handout = handout
        self.process = None
        self.output = ""  # everything received so far, \r\n turned into \n
        self.position = 0  # where the next expect() starts looking
        self.changed = threading.Condition()
        self.exit_status = None
        self.nonce = new_nonce()
        self.command_line = []

    # --- starting and stopping ---------------------------------------------------------------

    def start(self, bootargs="", mem="128M", extra=(), gdb_port=None, semihosting=True,
              icount=False, cpu="cortex-a72", monitor=True, archive=None, archive_address=None):
        """Starts QEMU.  With semihosting (the default), a kernel that halts or panics ends
        QEMU at once (status 125) instead of sleeping until the test's timeout.  `monitor`
        asks for the kernel monitor rather than user programs (from lab 4 on, Keel starts
        init unless told so).  `archive` ({name: bytes}) is packed into an extra boot
        archive that QEMU's loader puts in the middle of the RAM Keel uses (the first 4 GiB,
        kernel/boot/archive.c), or at `archive_address`.  A test that passes its own nonce=
        in `bootargs` (to try a bad one) gets no other.  With self.nonce set to None, no
        nonce is added: the boot arguments are exactly those given, as with
        `make qemu BOOTARGS=...` (tools/transcripts.py)."""
        if self.nonce is None or re.search(r"(^|\s)nonce=", bootargs):
            args = bootargs.strip()
        else:
            args = f"nonce={self.nonce} {bootargs}".strip()
        if monitor:
            args = "monitor " + args
        if semihosting:
            args = "semihosting " + args
        extra = list(extra)
        if archive is not None:
            path = self.log_path + ".cpio"
            with open(path, "wb") as f:  # bytes: an archive as is (to try broken ones)
                f.write(archive if isinstance(archive, bytes) else mkcpio.pack(sorted(archive.items())))
            address = archive_address
            if address is None:
                address = RAM_BASE + min(parse_size(mem), KEEL_MAX_RAM) // 2
            extra += ["-device", f"loader,file={path},addr=0x{address:x},force-raw=on"]
            args = f"archive=0x{address:x} " + args
        cmd = ["qemu-system-aarch64", "-M", "virt", "-cpu", cpu, "-m", mem,
               "-display", "none", "-monitor", "none", "-serial", "stdio", "-nic", "none",
               "-no-reboot", "-kernel", self.kernel, "-append", args]
        cmd += lab_qemu_options(self.lab)
        if semihosting:
            cmd += ["-semihosting"]
        if icount:
            cmd += ["-icount", "shift=0"]
        if gdb_port is not None:
            cmd += ["-S", "-gdb", f"tcp:127.0.0.1:{gdb_port}"]
        cmd += list(extra)
        self.command_line = cmd
        self.log = open(self.log_path, "w", encoding="utf-8", errors="replace")
        self.log.write("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        self.log.flush()
        self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, cwd=ROOT)
        self.started_at = time.monotonic()
        threading.Thread(target=self._reader, daemon=True).start()
        return self

    def _reader(self):
        pending_cr = False
        while True:
            data = self.process.stdout.read1(65536)
            if not data:
                break
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
                self.changed.notify_all()
        status = self.process.wait()
        with self.changed:
            self.exit_status = status
            self.changed.notify_all()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process is not None:
            with self.changed:
                self.changed.wait_for(lambda: self.exit_status is not None, timeout=5)
            self.log.close()

    # --- talking to it -----------------------------------------------------------------------

    def expect(self, pattern, timeout=10, what=None, section=None):
        """Waits until `pattern` (a regex, MULTILINE) matches output not yet consumed; returns
        the match and consumes up to its end.  A pattern that ends in `$` only matches whole
        lines (never a line still arriving).  Fails the test on timeout or QEMU exit."""
        regex = re.compile(pattern, re.MULTILINE)
        whole_lines = pattern.endswith("$")
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                end = self.output.rfind("\n") + 1 if whole_lines else len(self.output)
                match = regex.search(self.output, self.position, max(end, self.position))
                if match:
                    self.position = match.end()
                    return match
                remaining = deadline - time.monotonic()
                if self.exit_status is not None or remaining <= 0:
                    break
                self.changed.wait(remaining)
        why = (f"QEMU exited with status {self.exit_status}" if self.exit_status is not None
               else f"nothing matched within {timeout} s")
        self.fail(f"expected {what or repr(pattern)}, but {why}", section=section)

    def send(self, text):
        """Types `text` and a carriage return (what the Enter key sends)."""
        self.write(text + "\r")

    def write(self, text):
        try:
            self.process.stdin.write(text.encode())
            self.process.stdin.flush()
        except BrokenPipeError:
            self.fail(f"could not type {text!r}: QEMU has exited", section=None)

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
        parts.append("Serial output (last lines):\n" + self.tail())
        parts.append(f"Full log: {os.path.relpath(self.log_path, ROOT)}")
        if section or self.handout:
            parts.append(f"See {section or self.handout}.")
        return "\n".join(parts)

    def fail(self, message, section=None):
        parts = [message + "."]
        parts.append("Serial output (last lines):\n" + self.tail())
        parts.append(f"Full log: {os.path.relpath(self.log_path, ROOT)}")
        if section or self.handout:
            parts.append(f"See {section or self.handout}.")
        pytest.fail("\n".join(parts), pytrace=False)


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


class Booter:
    """The `keel` fixture: boots machines for one test and cleans up after it."""

    def __init__(self, lab, test_name, handout):
        self.lab = lab
        self.test_name = test_name
        self.handout = handout
        self.machines = []
        self.log_paths = []

    def boot(self, **options):
        os.makedirs(LOG_DIR, exist_ok=True)
        suffix = f"-{len(self.machines)}" if self.machines else ""
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.test_name)
        path = os.path.join(LOG_DIR, f"{safe}{suffix}.log")
        machine = Machine(self.lab, path, self.handout)
        self.machines.append(machine)
        self.log_paths.append(path)
        return machine.start(**options)

    def finish(self, passed):
        for machine in self.machines:
            machine.stop()
        for path in self.log_paths:
            # The serial log and its companions (path.gdb.log, path.cpio): kept for failures.
            for companion in glob.glob(glob.escape(path) + "*"):
                if passed or companion.endswith(".cpio"):
                    os.remove(companion)


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
        gdb = next((g for g in ("gdb-multiarch", "aarch64-elf-gdb", "aarch64-linux-gnu-gdb")
                    if any(os.access(os.path.join(d, g), os.X_OK)
                           for d in os.environ.get("PATH", "").split(os.pathsep))),
                   "gdb-multiarch")
        self.process = subprocess.Popen([gdb, "-q", "-nx", "-batch", "-x", self.script_path],
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
