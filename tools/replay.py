#!/usr/bin/env python3
"""Record a Keel run in QEMU, replay it exactly, and debug the replay in GDB, backwards too.

    tools/replay.py gdb DIR|--test NAME   the recording in DIR (or a failed grader test's)
                                          under GDB, stopped at the first instruction
                                          (make replay TEST=NAME, make lab-N replay)
    tools/replay.py check DIR             replay without GDB and compare the serial output
                                          with the recording's, byte for byte
    tools/replay.py record DIR -- QEMU..  run QEMU recording into DIR (make lab-N qemu RECORD=1)
    tools/replay.py serial DIR ICOUNT     the serial output up to instruction ICOUNT
                                          (GDB's keel-serial)

How it works: with -icount ...,rr=record,rrfile=F QEMU counts instructions and writes to F
every input that could differ between two runs (characters typed on the serial line, clock
reads, when interrupts came, in instructions); rr=replay feeds them back, so the guest
executes the same instructions and prints the same bytes.  rrsnapshot=init saves a snapshot
of the machine at the start, into a qcow2 image no device uses: GDB's reverse-stepi and
reverse-continue make QEMU load it and replay forward to just before where you were
(QEMU's docs/devel/replay.rst).

A recording is a directory: replay.bin (QEMU's log), snapshots.qcow2, serial.raw (what the
recording printed), session.json (the QEMU command line and what GDB needs: the kernel,
the user program, where the test gave up).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADE_REPLAYS = os.path.join(ROOT, "build", "grade", "replay")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from gdbstub import Stub, StubError  # noqa: E402
from toolchain import gdb_program  # noqa: E402


def make_snapshot_image(path):
    """An empty qcow2 image for QEMU's snapshots (qemu-img, from Debian's qemu-utils).
    Returns False if qemu-img is missing: then the replay runs forwards only."""
    if shutil.which("qemu-img") is None:
        return False
    result = subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", path, "64M"],
                            capture_output=True, text=True)
    return result.returncode == 0


def strip_options(cmd):
    """A QEMU command line without what recording, replaying and debugging add."""
    out, i = [], 0
    while i < len(cmd):
        if cmd[i] in ("-gdb", "-icount") or (cmd[i] == "-drive" and "id=rr," in cmd[i + 1]):
            i += 2
            continue
        if cmd[i] != "-S":
            out.append(cmd[i])
        i += 1
    return out


class Session:
    """One recording, in its directory."""

    def __init__(self, directory):
        self.dir = os.path.abspath(directory)
        self.log_path = os.path.join(self.dir, "replay.bin")
        self.snapshot_path = os.path.join(self.dir, "snapshots.qcow2")
        self.serial_path = os.path.join(self.dir, "serial.raw")
        self.stderr_path = os.path.join(self.dir, "qemu-stderr.txt")
        self.info_path = os.path.join(self.dir, "session.json")
        self.info = {}
        if os.path.exists(self.info_path):
            with open(self.info_path) as f:
                self.info = json.load(f)

    def save(self):
        with open(self.info_path, "w") as f:
            json.dump(self.info, f, indent=2)

    # --- recording ---------------------------------------------------------------------------

    def record_options(self, shift="shift=auto"):
        """The QEMU options that record into this directory.  `shift`: -icount's shift
        (auto: the guest clock follows the host's; 0: one instruction per ns, exact counts)."""
        os.makedirs(self.dir, exist_ok=True)
        snapshots = make_snapshot_image(self.snapshot_path)
        self.info.update(shift=shift, snapshots=snapshots)
        return self._options("record")

    def _options(self, mode):
        icount = f"{self.info['shift']},rr={mode},rrfile={self.log_path}"
        if not self.info.get("snapshots"):
            return ["-icount", icount]
        return ["-icount", icount + ",rrsnapshot=init",
                "-drive", f"if=none,id=rr,file={self.snapshot_path}"]

    def describe(self, machine, test=None):
        """Saves what a replay needs, for a grader's Machine (grade/harness.py)."""
        programs = []
        words = machine.bootargs.split()
        if "--" in words and words.index("--") + 1 < len(words):
            programs.append(words[words.index("--") + 1])
        programs += [line.split()[0] for line in machine.typed]
        cmd = machine.command_line
        kernel = cmd[cmd.index("-kernel") + 1]
        self.keep(kernel, strip_options(cmd),
                  os.path.join(os.path.dirname(os.path.abspath(kernel)), "user"), programs)
        self.info.update(lab=machine.lab, test=test)
        self.save()

    def keep(self, kernel, cmd, user_dir, programs, copy_all=False):
        """Keeps copies of the kernel (the boot archive is inside it) and of the user
        programs' ELF files (`programs`, whose last one GDB loads; copy_all: every one, for
        keel-user): a rebuild must not change what the replay runs or shows."""
        copy = os.path.join(self.dir, "kernel.elf")
        if not os.path.exists(copy):
            shutil.copyfile(kernel, copy)
        cmd = [copy if c == kernel else c for c in cmd]
        users = os.path.join(self.dir, "user")
        os.makedirs(users, exist_ok=True)
        names = programs
        if copy_all and os.path.isdir(user_dir):
            names = [f[:-4] for f in os.listdir(user_dir) if f.endswith(".elf")]
        for name in names:
            source = os.path.join(user_dir, name + ".elf")
            if os.path.exists(source) and not os.path.exists(os.path.join(users, name + ".elf")):
                shutil.copyfile(source, os.path.join(users, name + ".elf"))
        self.info.update(cmd=cmd, kernel=copy, user_dir=users, programs=programs)

    def finish(self, machine, end_icount=None):
        self.describe(machine, self.info.get("test"))
        self.info.update(exit_status=machine.exit_status)
        if end_icount is not None:
            self.info["end_icount"] = end_icount
        self.save()

    # --- replaying ---------------------------------------------------------------------------

    def replay_command(self, gdb_socket=None):
        cmd = list(self.info["cmd"]) + self._options("replay")
        if gdb_socket:
            cmd += ["-S", "-gdb", f"unix:{gdb_socket},server=on,wait=off"]
        return cmd

    def start_replay(self, gdb_socket=None, serial_path=None, snapshot_copy=False):
        """Starts QEMU replaying, its serial output into serial_path.  With snapshot_copy,
        on a copy of the snapshot image (so that a second replay can run beside a first,
        which locks the image)."""
        if snapshot_copy and self.info.get("snapshots"):
            copy = Session(self.dir)
            scratch = tempfile.mkdtemp(prefix="keel-replay-")
            copy.snapshot_path = os.path.join(scratch, "snapshots.qcow2")
            shutil.copyfile(self.snapshot_path, copy.snapshot_path)
            return copy.start_replay(gdb_socket, serial_path)
        out = open(serial_path or os.devnull, "wb")
        err = open(os.path.join(self.dir, "replay-stderr.txt"), "wb")
        return subprocess.Popen(self.replay_command(gdb_socket), stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, cwd=ROOT)

    def user_program(self):
        """The user program whose symbols GDB loads: the last one the run started that has
        an ELF file (None before lab 4, or if none ran)."""
        for name in reversed(self.info.get("programs", [])):
            path = os.path.join(self.info.get("user_dir", ""), name + ".elf")
            if os.path.exists(path):
                return path
        return None


def wait_for_socket(path, process, timeout=10):
    """Waits until QEMU has created its GDB socket (or died)."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.01)  # QEMU creates it within milliseconds of starting
    return True


# --- the commands ------------------------------------------------------------------------------

def find_test(name):
    """The recording of a failed grader test: NAME as the failure message printed it
    (test_x-lab4), or as pytest names it (test_x[lab4], file.py::test_x[lab4])."""
    name = name.split("::")[-1]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    root = os.path.join(GRADE_REPLAYS, name)
    if not os.path.isdir(root):
        known = sorted(os.listdir(GRADE_REPLAYS)) if os.path.isdir(GRADE_REPLAYS) else []
        sys.exit(f"replay: no recording of '{name}' in build/grade/replay/"
                 + (f"; there are: {', '.join(known)}" if known else
                    " (a failed test is recorded when `make grade` runs it)"))
    boots = sorted((d for d in os.listdir(root) if d.isdigit()), key=int)
    if not boots:
        sys.exit(f"replay: {root} holds no recording")
    return os.path.join(root, boots[-1])  # the last boot: where the test failed


def gdb_script(session, socket_path):
    """The commands GDB starts with: symbols, Keel's helpers, the connection, and a stop at
    the end of the recording (so that `continue` never runs off it)."""
    lines = ["set pagination off", "set confirm off", "set architecture aarch64",
             f"file {session.info['kernel']}"]
    program = session.user_program()
    if program:
        lines.append(f"add-symbol-file {program}")
    lines += [f"source {os.path.join(ROOT, 'tools', 'gdb', 'keel.py')}",
              f"target remote {socket_path}",
              "break power_exit", "break power_off"]
    if session.info.get("end_icount"):
        lines.append(f"monitor replay_break {session.info['end_icount']}")
    lines.append("keel-replay-banner")
    return "\n".join(lines) + "\n"


def cmd_gdb(args):
    directory = find_test(args.test) if args.test else args.dir
    session = Session(directory)
    if not session.info.get("cmd"):
        sys.exit(f"replay: {directory} holds no recording (record one with "
                 "`make lab-N qemu RECORD=1`)")
    scratch = tempfile.mkdtemp(prefix="keel-replay-")
    socket_path = os.path.join(scratch, "gdb.sock")
    qemu = session.start_replay(socket_path, os.path.join(session.dir, "replay-serial.raw"))
    try:
        if not wait_for_socket(socket_path, qemu):
            with open(os.path.join(session.dir, "replay-stderr.txt")) as f:
                sys.exit("replay: QEMU did not start:\n" + f.read())
        script = os.path.join(scratch, "start.gdb")
        with open(script, "w") as f:
            f.write(gdb_script(session, socket_path))
        gdb = [gdb_program(), "-q", "-nx", "-x", script]
        if args.batch:
            gdb[1:1] = ["-batch"]
            gdb += ["-x", args.batch]
        env = dict(os.environ, KEEL_REPLAY=session.dir)
        return subprocess.call(gdb, env=env, cwd=ROOT)
    finally:
        qemu.kill()
        qemu.wait()
        shutil.rmtree(scratch, ignore_errors=True)


def replay_output(session, timeout=60):
    """(recorded, replayed): the serial output of the recording and of a replay of it
    without GDB, as bytes."""
    out = os.path.join(session.dir, "replay-serial.raw")
    qemu = session.start_replay(serial_path=out)
    try:
        qemu.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        qemu.kill()
        qemu.wait()
    with open(session.serial_path, "rb") as f:
        recorded = f.read()
    with open(out, "rb") as f:
        return recorded, f.read()


def cmd_check(args):
    """Replays without GDB; exit status 0 if the serial output is the recording's, byte for
    byte."""
    recorded, replayed = replay_output(Session(args.dir), args.timeout)
    if recorded == replayed:
        print(f"replay: the serial output is the recording's, byte for byte ({len(recorded)} "
              "bytes)")
        return 0
    at = next((i for i, (a, b) in enumerate(zip(recorded, replayed)) if a != b),
              min(len(recorded), len(replayed)))
    print(f"replay: the serial output differs from the recording's at byte {at} "
          f"(recorded {len(recorded)} bytes, replayed {len(replayed)})")
    return 1


def cmd_record(args):
    """Runs QEMU (the command after --) recording into DIR; returns QEMU's exit status.

    -nographic becomes a plain serial line on stdio: QEMU 7.2 cannot replay a recording
    past the first idle spell when the serial line shares stdio with the monitor (the
    Ctrl-a multiplexer), so the session is ended with Ctrl-C instead of Ctrl-a x."""
    session = Session(args.dir)
    shutil.rmtree(session.dir, ignore_errors=True)
    os.makedirs(session.dir)
    cmd = []
    for word in args.qemu:
        cmd += ["-display", "none", "-serial", "stdio", "-monitor", "none"] \
            if word == "-nographic" else [word]
    cmd += session.record_options()
    kernel = cmd[cmd.index("-kernel") + 1] if "-kernel" in cmd else ""
    lab = re.search(r"build/lab(\d+)/", kernel)
    user_dir = os.path.join(os.path.dirname(os.path.abspath(kernel)), "user")
    session.keep(kernel, strip_options(cmd), user_dir, programs_in(cmd), copy_all=True)
    session.info.update(lab=int(lab.group(1)) if lab else None, test=None)
    session.save()
    print(f"*** recording into {os.path.relpath(session.dir)}: quit QEMU with Ctrl-C (not "
          f"Ctrl-a x), then `make lab-{session.info['lab']} replay`")
    return subprocess.call(cmd, cwd=ROOT)


def programs_in(cmd):
    """The program a boot command line runs as pid 1 (`-append "... -- NAME ..."`)."""
    if "-append" not in cmd:
        return []
    words = cmd[cmd.index("-append") + 1].split()
    return [words[words.index("--") + 1]] if "--" in words[:-1] else []


def cmd_serial(args):
    """Prints the serial output of the replay up to instruction count ICOUNT: a second QEMU
    replays the recording to that point (QEMU's replay_break) and stops."""
    session = Session(args.dir)
    scratch = tempfile.mkdtemp(prefix="keel-serial-")
    socket_path, out = os.path.join(scratch, "gdb.sock"), os.path.join(scratch, "serial")
    qemu = session.start_replay(socket_path, out, snapshot_copy=True)
    try:
        if not wait_for_socket(socket_path, qemu):
            sys.exit("keel-serial: the second replay did not start")
        stub = Stub.connect(socket_path, timeout=30)
        if args.icount > 0:
            stub.monitor(f"replay_break {args.icount}")
            stub.resume()
            stub.wait_stop(timeout=60)
        stub.close()
        with open(out, "rb") as f:
            sys.stdout.write(f.read().decode("latin-1").replace("\r\n", "\n"))
        return 0
    except StubError as e:
        sys.exit(f"keel-serial: {e}")
    finally:
        qemu.kill()
        qemu.wait()
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("gdb", help="replay under GDB")
    p.add_argument("dir", nargs="?")
    p.add_argument("--test", help="a failed grader test's name")
    p.add_argument("--batch", help="a GDB script to run, then quit")
    p.set_defaults(run=cmd_gdb)
    p = sub.add_parser("check", help="replay and compare the serial output")
    p.add_argument("dir")
    p.add_argument("--timeout", type=float, default=60)
    p.set_defaults(run=cmd_check)
    p = sub.add_parser("record", help="run QEMU, recording")
    p.add_argument("dir")
    p.add_argument("qemu", nargs=argparse.REMAINDER)
    p.set_defaults(run=cmd_record)
    p = sub.add_parser("serial", help="the serial output up to an instruction count")
    p.add_argument("dir")
    p.add_argument("icount", type=int)
    p.set_defaults(run=cmd_serial)
    args = parser.parse_args()
    if args.command == "record" and args.qemu[:1] == ["--"]:
        args.qemu = args.qemu[1:]
    if args.command == "gdb" and not (args.dir or args.test):
        parser.error("gdb needs DIR or --test NAME")
    sys.exit(args.run(args))


if __name__ == "__main__":
    main()
