"""Lab 7 grader: files, directories and pipes: the kernel's descriptor table, the VFS server
and its ramfs, kernel pipes, and the shell's redirection.

Linux is the oracle.  labs/07-vfs/fstest.c uses only Linux's system calls, so the same ELF
file runs as pid 1 on Keel (boot arguments `-- fstest NONCE`) and as a Linux process under
qemu-aarch64 (Debian's qemu-user), in an empty directory; it prints one line per check and
nothing that differs between two correct file systems, so the two outputs must be equal,
line for line.  The oracle's half is also a test of its own (the host's qemu-user works).
The other programs need Keel's spawn and counts, so they run on Keel only: pipetest (1 MiB
whose checksum is computed here from the seed, end of file, EPIPE, writers blocked on a full
pipe), leaktest (counts before and after 1000 cycles), and the shell, typed at over the
serial line.  Seeds come from the test's random generator (conftest.py seeds it per test).
"""
import difflib
import os
import random
import re
import shutil
import subprocess
import tempfile

import pytest

from harness import BUILD, ROOT, mix64, new_seed, rerun_hint

LAB = 7
TITLE = "files and pipes"
HANDOUT = "handouts/07-vfs.md"

FD_TABLE = "handouts/07-vfs.md, 'Exercise 1: the file-descriptor table'"
OPEN_FILES = "handouts/07-vfs.md, 'Exercise 2: open files'"
DUP = "handouts/07-vfs.md, 'Exercise 3: dup3 and chdir'"
PIPES = "handouts/07-vfs.md, 'Exercise 4: pipes'"
DIRECTORIES = "handouts/07-vfs.md, 'Exercise 5: path resolution in the server'"
FILES = "handouts/07-vfs.md, 'Exercise 6: the ramfs'"
SHELL = "handouts/07-vfs.md, 'Exercise 7: redirection and pipelines'"
CLIENT = "handouts/07-vfs.md, 'The kernel as the server's client'"
INHERIT = "handouts/07-vfs.md, 'Programs by path, and what a child inherits'"
MEASURING = "handouts/07-vfs.md, 'Measuring'"
LINUX = "handouts/07-vfs.md, 'Linux as the oracle'"
LEAKS = "handouts/07-vfs.md, 'Nothing left behind'"

# Which handout section explains each group of fstest's checks (its "== GROUP" lines).
FSTEST_GROUPS = {
    "test directory": DIRECTORIES,
    "files": FILES,
    "seeking": FILES,
    "open flags": FILES,
    "directories": DIRECTORIES,
    "opening directories": DIRECTORIES,
    "at calls": DIRECTORIES,
    "listings": DIRECTORIES,
    "dup": DUP,
    "rename": DIRECTORIES,
    "unlink": DIRECTORIES,
    "long names": DIRECTORIES,
    "bad descriptors": OPEN_FILES,
    "pipes": PIPES,
    "descriptor limit": FD_TABLE,
    "big file": FILES,
    "working directory": DIRECTORIES,
    "clean up": DIRECTORIES,
}

MASK = (1 << 64) - 1
K = 0x100000001B3  # the checksum's multiplier (labs/07-vfs/pipetest.c)
MIB = 1 << 20
PIPE_PATTERN_TAG = 7
FULL_BLOCKS = 2 * 32  # labs/07-vfs/pipetest.c: two writers, BLOCKS_PER_WRITER each
FD_MAX = 64  # kernel/uapi/fs.h
SH_PROMPT = "$ "


# --- running programs --------------------------------------------------------------------------

def run_program(keel, command, bootargs="", **options):
    """Boots Keel with `command` as pid 1 (no monitor); `bootargs` go before the "--"."""
    return keel.boot(bootargs=f"{bootargs} -- {command}".strip(), monitor=False, **options)


def program_path(build, name):
    return os.path.join(BUILD, f"lab{build}", "user", f"{name}.elf")


def run_on_linux(build, name, args, timeout=30):
    """Runs build/labN/user/NAME.elf as a Linux process under qemu-aarch64, in a fresh empty
    directory, with no descriptors but 0 (/dev/null), 1 and 2.  Returns (exit status, stdout,
    stderr, what is left in the directory)."""
    qemu = shutil.which("qemu-aarch64")
    if qemu is None:
        pytest.fail("qemu-aarch64 (Debian's qemu-user) is missing: the Linux oracle cannot run. "
                    "`make setup` installs it (tools/setup.sh). See " + LINUX + ".",
                    pytrace=False)
    where = tempfile.mkdtemp(prefix="keel-linux-")
    try:
        done = subprocess.run([qemu, program_path(build, name)] + list(args), cwd=where,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              errors="replace", timeout=timeout, close_fds=True)
        left = sorted(os.listdir(where))
    finally:
        shutil.rmtree(where, ignore_errors=True)
    return done.returncode, done.stdout, done.stderr, left


def program_failures(k, program):
    return re.findall(r"^%s: .*FAIL .*$" % re.escape(program), k.output, re.M)


def fail_lines(k, program, limit=8):
    """The program's FAIL lines, the kernel's reports of killed tasks, and any panic."""
    lines = re.findall(r"^%s: .*FAIL .*$|^keel: task \d+ .* killed: .*$|^panic: .*$"
                       % re.escape(program), k.output, re.M)
    more = f"\n    ... and {len(lines) - limit} more" if len(lines) > limit else ""
    return "".join("\n    " + line for line in lines[:limit]) + more


def expect_line(k, pattern, what, section, timeout=30, hint=None, program=None):
    """k.expect, with the program's FAIL lines and `hint` (how to rerun) added to a failure."""
    try:
        return k.expect(pattern, timeout=timeout, what=what, section=section)
    except pytest.fail.Exception as failure:
        message = str(failure)
    found = fail_lines(k, program) if program else ""
    pytest.fail(message + (f"\nThe program said:{found}" if found else "") +
                (f"\n{hint}" if hint else ""), pytrace=False)


def expect_summary(k, program, section, hint, timeout=30):
    """The program's summary line: every check passed, and exit status 0."""
    done = expect_line(k, r"^%s: (\d+) of (\d+) checks passed$" % program,
                       f"{program}'s summary (if it never comes, the last line before it names "
                       "the check that hangs)", section, timeout=timeout, hint=hint,
                       program=program)
    status = k.wait_exit(timeout=10, section=section)
    assert done.group(1) == done.group(2) and status == 0, k.explain(
        f"every check of {program} to pass, exit status 0",
        got=f"{done.group(0)}, exit status {status}" + fail_lines(k, program) + "\n" + hint,
        section=section)


# --- fstest: Keel against Linux ----------------------------------------------------------------

def fstest_lines(text):
    """fstest's lines, from its first ("fstest: nonce N") on."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("fstest: nonce "):
            return [line for line in lines[i:] if line != ""]
    return []


def group_of(lines, index):
    """The group ("== NAME") that line `index` belongs to."""
    for line in reversed(lines[:index + 1]):
        if line.startswith("== "):
            return line[3:]
    return None


def first_difference(linux, keel):
    """(index in linux's lines, a diff of the first differing lines), or None if equal."""
    matcher = difflib.SequenceMatcher(a=linux, b=keel, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        shown = ["    " + (f"  line {i1}: " + linux[i1 - 1] if i1 > 0 else "(start)")]
        shown += [f"    - Linux | {line}" for line in linux[i1:min(i2, i1 + 6)]]
        shown += [f"    + Keel  | {line}" for line in keel[j1:min(j2, j1 + 6)]]
        if i2 - i1 > 6 or j2 - j1 > 6:
            shown.append("    ...")
        rest = sum(1 for op in matcher.get_opcodes() if op[0] != "equal") - 1
        if rest:
            shown.append(f"    ({rest} more places differ after this one)")
        return i1, "\n".join(shown)
    return None


def enosys_note(diff):
    """A hint when Keel answered ENOSYS: the call is not in the system call table yet."""
    if "+ Keel  |" in diff and ": ENOSYS" in diff.split("+ Keel  |", 1)[1]:
        return (f"\nENOSYS means the kernel has no such call yet: lab 7's calls go into the "
                f"system call table ({FD_TABLE}).")
    return ""


def oracle_output(build, nonce):
    """fstest NONCE's lines on Linux; fails the test if the oracle itself is broken."""
    status, out, err, left = run_on_linux(build, "fstest", [str(nonce)])
    lines = fstest_lines(out)
    if status != 0 or not lines or lines[-1] != "fstest: done" or left:
        pytest.fail(f"fstest under qemu-aarch64 (Linux) did not run cleanly: exit status "
                    f"{status}, last line {lines[-1] if lines else None!r}, left behind {left}, "
                    f"stderr {err.strip()[:300]!r}. The oracle must work before Keel can be "
                    f"compared with it. See {LINUX}.", pytrace=False)
    return lines


# Lines that any Linux must print (their check names are fstest's): if one is missing, the
# oracle, not Keel, is wrong (another qemu-user, a strange host file system).
LINUX_FACTS = [
    "mkdir test directory again: EEXIST",
    "read on write-only fd: EBADF",
    "open missing: ENOENT",
    "open dir write-only: EISDIR",
    "create with trailing slash: EISDIR",
    "getdents64 into 8 bytes: EINVAL",
    "dup3 onto itself: EINVAL",
    "fstat the replaced file: file, size 20, nlink 0",
    "rename a directory into itself: EINVAL",
    "unlink a directory: EISDIR",
    "rmdir .: EINVAL",
    "rmdir ..: ENOTEMPTY",
    "read of a directory fd: EISDIR",
    "create a 256-byte name: ENAMETOOLONG",
    "open a path over 4096 bytes: ENAMETOOLONG",
    "lseek on a pipe: ESPIPE",
    "open until it fails: EMFILE",
    "getcwd into 2 bytes: ERANGE",
    "clean: stat test directory: ENOENT",
    "fstest: done",
]


@pytest.mark.points(0)
@pytest.mark.section(LINUX)
def test_the_linux_oracle_runs_fstest(build):
    """The oracle itself: fstest under qemu-aarch64 in an empty directory exits 0, leaves
    nothing behind, prints what Linux must print (EISDIR for unlink of a directory, zeros in
    a hole, EMFILE under a lowered RLIMIT_NOFILE, ...), and prints the same for two nonces
    except for the names and contents made from them.  Keel plays no part: a failure here is
    the host's (run `make setup`)."""
    nonce = new_seed()
    lines = oracle_output(build, nonce)
    text = "\n".join(lines)
    missing = [fact for fact in LINUX_FACTS if fact not in lines]
    assert not missing, (f"Linux (qemu-aarch64) to print these lines of fstest {nonce}, but it "
                         f"did not: {missing}. See {LINUX}.")
    # Offsets: 5 bytes read at 10, then back 3 and 4 bytes read: the same 3 bytes first.
    at_10 = re.search(r'^read after seek 10: "(.{5})"$', text, re.M)
    back_3 = re.search(r'^read after seek cur -3: "(.{4})"$', text, re.M)
    hole = re.search(r'^read across the hole: "(.*)"$', text, re.M)
    assert at_10 and back_3 and at_10.group(1)[2:] == back_3.group(1)[:3], (
        f"lseek(SEEK_CUR, -3) on Linux to move back 3 bytes: {at_10 and at_10.group(0)}, "
        f"{back_3 and back_3.group(0)}")
    assert hole and hole.group(1).endswith("\\0" * 10 + "Z"), (
        f"a hole of 10 zero bytes before the Z written at 50 on Linux: {hole and hole.group(0)}")
    other = oracle_output(build, nonce ^ 0x5A5A5A5A)
    assert len(other) == len(lines) and lines != other, (
        "fstest with another nonce to print as many lines, some of them different (names and "
        f"contents come from the nonce): {len(lines)} and {len(other)} lines. See {LINUX}.")


@pytest.mark.points(40)
@pytest.mark.section(LINUX)
@pytest.mark.timeout(90)
def test_file_operations_match_linux_line_for_line(keel, build):
    """`fstest NONCE` on Keel prints exactly what it prints as a Linux process: create, read,
    write, lseek (and holes), O_APPEND, O_TRUNC, O_EXCL, O_DIRECTORY, directories and paths
    with ., .., // and trailing slashes, the *at calls, sorted getdents64 listings, stat,
    dup and dup3, rename, unlink and rmdir, names and paths too long, bad descriptors, a pipe,
    EMFILE under RLIMIT_NOFILE, a file of several pages, getcwd and chdir, and every errno
    along the way; then it removes all it made."""
    nonce = new_seed()
    command = f"fstest {nonce}"
    k = run_program(keel, command)  # boots while Linux runs the same program
    hint = rerun_hint(k, command)
    linux = oracle_output(build, nonce)
    try:
        k.expect(r"^fstest: done$", timeout=60, what="'fstest: done'", section=LINUX)
        finished = True
    except pytest.fail.Exception as failure:
        finished, stopped = False, str(failure).split("\n")[0]
    ours = [line for line in fstest_lines(k.output) if not line.startswith("keel: ")]
    if finished:
        ours = ours[:ours.index("fstest: done") + 1]
    killed = re.findall(r"^keel: task \d+ \(fstest\) killed: .*$|^panic: .*$", k.output, re.M)
    difference = first_difference(linux, ours)
    if difference is None and finished:
        assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from fstest")
        return
    if difference is None or (not finished and difference[0] >= len(ours)):
        at = len(ours)
        pytest.fail(k.explain(
            "fstest to finish as it does on Linux", got=f"{stopped}\nKeel printed the first "
            f"{at} of Linux's {len(linux)} lines and then nothing more; the next line would "
            f"have been:\n    {linux[at] if at < len(linux) else '(end)'}\n(its call did not "
            "return: look for it in labs/07-vfs/fstest.c, group "
            f"'{group_of(linux, at)}')" + "".join("\n    " + line for line in killed) +
            "\n" + hint, section=FSTEST_GROUPS.get(group_of(linux, at), LINUX)), pytrace=False)
    index, diff = difference
    group = group_of(linux, index) or "test directory"
    pytest.fail(k.explain(
        "fstest's output on Keel to equal its output on Linux (qemu-aarch64 ran the same "
        "ELF file with the same nonce in an empty directory)",
        got=f"the first difference, in group '{group}' (- is Linux, + is Keel):\n{diff}"
        + "".join("\n    " + line for line in killed) +
        "\nEach line is 'check: result'; the check's name is in labs/07-vfs/fstest.c. Linux "
        "is right by definition, even where it surprises (EISDIR for unlink of a directory, "
        "ENOTEMPTY for rmdir \"..\", '.' and '..' in every listing)." + enosys_note(diff) +
        "\n" + hint,
        section=FSTEST_GROUPS.get(group, LINUX)), pytrace=False)


# --- pipes ---------------------------------------------------------------------------------------

def pipe_checksum(seed):
    """pipetest's checksum of the 1 MiB made from `seed`: s = s * K + word, over its words."""
    s = 0
    base = seed ^ (PIPE_PATTERN_TAG << 48)
    for i in range(MIB // 8):
        s = (s * K + mix64(base ^ i)) & MASK
    return s


@pytest.mark.points(10)
@pytest.mark.section(PIPES)
def test_one_mib_through_a_pipe_arrives_intact(keel):
    """`pipetest mib SEED`: a child (the pipe's write end as its fd 1, the read end kept
    from it by O_CLOEXEC) writes 1 MiB in writes of random sizes; the parent reads it in
    reads of random sizes until end of file.  Both checksums must be the one computed here
    from the seed, and the parent's end of file comes when the child exits."""
    seed = new_seed()
    command = f"pipetest mib {seed}"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    want = pipe_checksum(seed)
    reader = expect_line(k, r"^pipetest: reader: (\d+) bytes, checksum 0x([0-9a-f]+)$",
                         "the reader's count and checksum (if it never comes, the reader never "
                         "saw end of file: a write end still open somewhere, e.g. the read end "
                         "or a parked copy inherited without O_CLOEXEC)", PIPES, timeout=60,
                         hint=hint, program="pipetest")
    writer = re.search(r"^pipetest: writer: (\d+) bytes, checksum 0x([0-9a-f]+)$", k.output, re.M)
    assert writer and int(writer.group(2), 16) == want, k.explain(
        f"the writer's line with checksum 0x{want:x} (computed here from the seed): the child "
        "must run with the pipe as its fd 1", got=(writer.group(0) if writer else "no such line")
        + fail_lines(k, "pipetest") + "\n" + hint, section=PIPES)
    assert int(reader.group(1)) == MIB and int(reader.group(2), 16) == want, k.explain(
        f"the reader to get all {MIB} bytes with checksum 0x{want:x}: the same bytes in the same "
        "order (a pipe's buffer is a ring: look at the wrap-around and at partial reads)",
        got=reader.group(0) + fail_lines(k, "pipetest") + "\n" + hint, section=PIPES)
    expect_summary(k, "pipetest", PIPES, hint)


@pytest.mark.points(5)
@pytest.mark.section(PIPES)
@pytest.mark.earlier("handouts/04-scheduler.md, 'The shell'")
def test_end_of_file_waits_for_every_writer(keel):
    """`pipetest eof`: what is in a pipe is read before end of file; read returns 0 once every
    write end is closed, and again after that; while a child still holds an inherited copy of
    the write end, read waits (and gets what the child writes last), and end of file comes
    when the child exits (exit closes its descriptors)."""
    k = run_program(keel, "pipetest eof")
    hint = rerun_hint(k, "pipetest eof")
    expect_line(k, r"^pipetest: eof: end of file came after the last writer closed$",
                "the eof scenario's last line (if it never comes: a reader never woken when the "
                "last writer closed, or a child's exit that does not close its descriptors)",
                PIPES, hint=hint, program="pipetest")
    expect_summary(k, "pipetest", PIPES, hint)


@pytest.mark.points(5)
@pytest.mark.section(PIPES)
def test_a_write_with_no_reader_is_epipe(keel):
    """`pipetest epipe`: a write to a pipe whose read ends are all closed is EPIPE (Keel has no
    signals; Linux would also raise SIGPIPE, so this check is Keel's own); so is a write
    blocked on a full pipe when the last reader (a child's inherited copy) exits."""
    k = run_program(keel, "pipetest epipe")
    hint = rerun_hint(k, "pipetest epipe")
    expect_line(k, r"^pipetest: epipe: a write with no reader is EPIPE .*$",
                "the epipe scenario's last line (if it never comes: a writer blocked on a full "
                "pipe that nobody wakes when the last reader goes)", PIPES, hint=hint,
                program="pipetest")
    expect_summary(k, "pipetest", PIPES, hint)


@pytest.mark.points(5)
@pytest.mark.section(INHERIT)
def test_spawn_passes_every_fd_but_the_close_on_exec_ones(keel):
    """`pipetest inherit`: the child of a spawn finds a file and a dup3 copy without
    O_CLOEXEC, and a pipe's two ends, at the parent's numbers; it does not find the file
    opened with O_CLOEXEC, the dup3 copy with O_CLOEXEC or the ends of a pipe2(O_CLOEXEC)
    (a shell that relies on them would hang its pipelines).  Its read moves the parent's
    offset (one open file), it starts in the parent's current directory, and its copy of
    the pipe's write end closes when it exits (the parent then reads end of file)."""
    command = "pipetest inherit"
    k = run_program(keel, command)
    expect_summary(k, "pipetest", INHERIT, rerun_hint(k, command))


@pytest.mark.points(10)
@pytest.mark.section(PIPES)
def test_writers_block_on_a_full_pipe_and_wake_when_it_drains(keel):
    """`pipetest full SEED`: two children write 32 blocks of PIPE_BUF bytes each into one pipe;
    the reader waits until task_describe shows both blocked (the pipe is full: a write must
    block, not fail or spin), then drains it: every block arrives whole (a write of at most
    PIPE_BUF bytes is atomic), each writer's in order, and each writer finishes only after
    the reader began draining."""
    seed = new_seed()
    command = f"pipetest full {seed}"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    draining = expect_line(k, r"^pipetest: full: both writers blocked; draining$",
                           "the reader to see both writers blocked on the full pipe (a writer "
                           "that finds the pipe full must sleep until there is room)", PIPES,
                           hint=hint, program="pipetest")
    counted = expect_line(k, r"^pipetest: full: (\d+) blocks read, (\d+) whole and in order$",
                          "the reader's count of blocks (if it never comes, a blocked writer "
                          "was never woken when the reader made room)", PIPES, hint=hint,
                          program="pipetest")
    assert counted.group(1) == counted.group(2) == str(FULL_BLOCKS), k.explain(
        f"all {FULL_BLOCKS} blocks whole and in order: a write of PIPE_BUF bytes goes into the "
        "pipe at once, never split around another writer's", got=counted.group(0) +
        fail_lines(k, "pipetest") + "\n" + hint, section=PIPES)
    for writer in (1, 2):
        done = re.search(r"^pipetest: writer %d: 32 blocks written$" % writer, k.output, re.M)
        assert done and done.start() > draining.start(), k.explain(
            f"writer {writer} to finish after the reader began draining", got=(
                "it finished before" if done else "no line from it") +
            fail_lines(k, "pipetest") + "\n" + hint, section=PIPES)
    expect_summary(k, "pipetest", PIPES, hint)


# --- leaks -----------------------------------------------------------------------------------------

@pytest.mark.points(10)
@pytest.mark.section(LEAKS)
@pytest.mark.earlier("handouts/06-shm.md, 'Exercise 5: reference counts'")
@pytest.mark.timeout(90)
def test_1000_file_cycles_and_emfile_give_everything_back(keel):
    """`leaktest SEED`: 1000 cycles of create/write/close/unlink, unlink while open,
    mkdir/rmdir, dup/dup3/close and pipe2/close; opens until EMFILE, which must come at
    FD_MAX descriptors; a child that exits with files and a pipe open; 150 children killed
    in the middle of their file calls, at 1000 Hz (some while the VFS server is working on an
    open whose handle only its reply names).  The kernel's counts (free frames, objects,
    capabilities, kmalloc objects, tasks) and the VFS server's (handles, nodes, data pages,
    clients) are the same before and after (taken after a warm-up round: a server may keep a
    heap it grew)."""
    seed = new_seed()
    command = f"leaktest {seed}"
    k = run_program(keel, command, bootargs="hz=1000")
    hint = rerun_hint(k, command, "hz=1000")
    cycles = expect_line(k, r"^leaktest: 1000 cycles; cycles that failed, by way: (.*)$",
                         "the summary of 1000 cycles", LEAKS, timeout=75, hint=hint,
                         program="leaktest")
    bad = [w for w, n in re.findall(r"(\w+) (\d+)/\d+", cycles.group(1)) if n != "0"]
    assert not bad, k.explain("every cycle's calls to succeed", got=cycles.group(0) +
                              fail_lines(k, "leaktest") + "\n" + hint, section=FILES)
    after = expect_line(k, r"^leaktest: after: (.*)$", "the counts after", LEAKS, hint=hint,
                        program="leaktest")
    # Both EMFILE lines come before the counts after: only now are they all in the output.
    limit = re.findall(r"^leaktest: opened (\d+) more until EMFILE, (\d+) in all$", k.output, re.M)
    assert len(limit) >= 2 and all(int(total) == FD_MAX for _, total in limit), k.explain(
        f"EMFILE at exactly FD_MAX ({FD_MAX}) descriptors, counting those already open",
        got=str(limit) + fail_lines(k, "leaktest") + "\n" + hint, section=FD_TABLE)
    before = re.search(r"^leaktest: before: (.*)$", k.output, re.M)
    assert before and before.group(1) == after.group(1), k.explain(
        "the same counts after as before (a descriptor's close, an unlinked file's last close, "
        "a child's exit and the server's handles must each give back what they took; more "
        "vfs handles after: a killed task's request the server had already taken, an open "
        "whose reply nobody read)",
        got=f"\n    before: {before.group(1) if before else '?'}\n    after:  {after.group(1)}" +
        fail_lines(k, "leaktest") + "\n" + hint, section=LEAKS)
    expect_summary(k, "leaktest", LEAKS, hint)


# --- the server under garbage, and what files cost ------------------------------------------

@pytest.mark.points(10)
@pytest.mark.section(CLIENT)
@pytest.mark.timeout(90)
def test_the_vfs_server_survives_garbage_and_serves_on(keel):
    """`vfsproto SEED 20000`: file calls through the kernel, then pid 1 speaks the protocol
    itself on SLOT_VFS: attaches a buffer the server makes (which it cannot revoke), sends
    labels with stray bits, unknown requests, a capability where none belongs, lengths past
    its buffer, the kernel's handles, and 20000 random requests; every one is answered with
    a result or an error, the kernel's requests still work afterwards, and after a detach the
    server counts one client again (the kernel)."""
    seed = new_seed()
    command = f"vfsproto {seed} 20000"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    expect_summary(k, "vfsproto", CLIENT, hint, timeout=75)


@pytest.mark.points(5)
@pytest.mark.section(MEASURING)
def test_files_and_pipes_are_measured_with_the_right_bytes(keel, measure):
    """`vfsbench NONCE` under -icount shift=0: a 1 MiB ramfs file read in 64 KiB reads, 1 MiB
    through a pipe in 4 KiB pieces, and 1000 open+close pairs; every byte read is checked
    against what was written, and the figures are reported (lab 7 sets no target: they are
    for the handout's Question 21)."""
    nonce = new_seed() % 1000000
    command = f"vfsbench {nonce}"
    k = run_program(keel, command, icount=True)
    hint = rerun_hint(k, command) + " QEMUEXTRA='-icount shift=0'"
    costs = expect_line(k, r"^vfsbench: 1 MiB ramfs read (\d+) instructions per KiB; pipe (\d+) "
                        r"per KiB; open\+close (\d+)$", "vfsbench's figures (if they never "
                        "come, see its FAIL lines)", MEASURING, timeout=60, hint=hint,
                        program="vfsbench")
    read, pipe, opening = (int(n) for n in costs.groups())
    measure(f"lab 7 vfsbench: 1 MiB ramfs read {read} instructions per KiB; pipe {pipe} per "
            f"KiB; open+close {opening}")
    status = k.wait_exit(timeout=10, section=MEASURING)
    assert status == 0 and not program_failures(k, "vfsbench"), k.explain(
        "vfsbench to read back every byte it wrote, and exit 0",
        got=f"exit status {status}" + fail_lines(k, "vfsbench") + "\n" + hint, section=MEASURING)


# --- the shell ---------------------------------------------------------------------------------------
#
# The tools (user/bin/: ls, cat, echo, mkdir, rm, wc, cp) are meant to behave like coreutils';
# what these tests assume of their output is in the helpers below, marked ADJUST, in one place.

MOTD_PATH = "/etc/motd"  # ADJUST: where the ramfs puts the boot archive's motd
MOTD_SOURCE = os.path.join(ROOT, "labs", "04-scheduler", "motd.txt")


def wc_counts(out):
    """ADJUST: wc's line, as coreutils prints it for standard input: lines, words, bytes (any
    spacing)."""
    line = re.search(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s*$", out, re.M)
    return tuple(int(n) for n in line.groups()) if line else None


def counts_of(text):
    return (text.count("\n"), len(text.split()), len(text.encode()))


def ls_l_entries(out):
    """ADJUST: `ls -l`'s lines as coreutils prints them ("-rw-r--r-- 1 root root 6 Jan 1 00:00
    NAME"; a "total N" line first): {name: (type letter, the numbers on the line)}."""
    entries = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 3 and re.match(r"^[-dp][-rwxsStT]{9}", fields[0]):
            entries[fields[-1]] = (fields[0][0], [int(f) for f in fields[1:-1] if f.isdigit()])
    return entries


def shell(keel):
    k = keel.boot(monitor=False)
    k.expect(re.escape(SH_PROMPT), timeout=20, what="the shell's prompt '$ '",
             section="handouts/04-scheduler.md, 'The shell'")
    return k


def typed(k, line, section):
    """Types `line` at the shell; returns what it printed before the next prompt."""
    return k.command(line, prompt=SH_PROMPT, timeout=10, section=section)


def word():
    return "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))


def session_text(k, start):
    return "\n".join("    | " + line for line in k.output[start:].rstrip("\n").split("\n"))


@pytest.mark.points(10)
@pytest.mark.section(SHELL)
@pytest.mark.earlier("handouts/04-scheduler.md, 'The shell'")
def test_shell_redirects_output_and_input(keel):
    """Over the serial line: `echo WORD > F` makes a file, `cat < F` and `cat F` print it,
    `echo more >> F` appends, `wc < F` counts it, and a missing input file is an error
    message after which the shell goes on."""
    k = shell(keel)
    start = k.position
    text, name = word(), "f-" + word()
    session = lambda: "\n" + session_text(k, start)  # noqa: E731
    assert typed(k, f"echo {text} > {name}", SHELL).strip() == "", k.explain(
        f"nothing on the terminal from `echo {text} > {name}`: its output goes to the file",
        got=session(), section=SHELL)
    out = typed(k, f"cat < {name}", SHELL)
    assert out.strip() == text, k.explain(f"`cat < {name}` to print {text!r} (the shell opens "
                                          "the file as the child's fd 0)", got=session())
    typed(k, f"echo more >> {name}", SHELL)
    out = typed(k, f"cat {name}", SHELL)
    assert out.split() == [text, "more"], k.explain(
        f"`cat {name}` to print {text!r} and 'more' on two lines: '>>' opens with O_APPEND",
        got=session())
    out = typed(k, f"wc < {name}", SHELL)
    want = counts_of(f"{text}\nmore\n")
    assert wc_counts(out) == want, k.explain(f"`wc < {name}` to count {want} (lines, words, "
                                             "bytes)", got=session())
    out = typed(k, f"echo again > {name}", SHELL)
    out = typed(k, f"cat {name}", SHELL)
    assert out.strip() == "again", k.explain("'>' to truncate what was there (O_TRUNC)",
                                             got=session())
    missing = "no-" + word()
    out = typed(k, f"cat < {missing}", SHELL)
    assert missing in out, k.explain(f"an error message naming {missing}", got=session())
    out = typed(k, f"cat {name}", SHELL)
    assert out.strip() == "again", k.explain("the shell to go on after the error",
                                             got=session())


@pytest.mark.points(10)
@pytest.mark.section(SHELL)
def test_shell_pipelines_of_two_to_five_stages(keel):
    """`cat F | wc` and `cat /etc/motd | cat | cat | cat | wc`: each stage's fd 1 is the next
    one's fd 0; the shell closes its copies of every pipe end (or the last stage never sees
    end of file and the line never finishes), and waits for all the stages."""
    k = shell(keel)
    start = k.position
    session = lambda: "\n" + session_text(k, start)  # noqa: E731
    text, name = f"{word()} {word()} {word()}", "p-" + word()
    typed(k, f"echo {text} > {name}", SHELL)
    out = typed(k, f"cat {name} | wc", SHELL)
    want = counts_of(text + "\n")
    assert wc_counts(out) == want, k.explain(f"`cat {name} | wc` to count {want}", got=session())
    with open(MOTD_SOURCE) as f:
        motd = f.read()
    out = typed(k, f"cat {MOTD_PATH} | cat | cat | cat | wc", SHELL)
    want = counts_of(motd)
    assert wc_counts(out) == want, k.explain(
        f"the 5-stage pipeline to count {want}, the counts of {MOTD_PATH} (if the line never "
        "ends, some stage still holds a write end of a pipe it does not write)", got=session())
    out = typed(k, f"cat {MOTD_PATH} | cat", SHELL)
    assert out == motd, k.explain(f"`cat {MOTD_PATH} | cat` to print {MOTD_PATH} exactly",
                                  got=session())
    out = typed(k, f"cat {name} | cat > {name}-2", SHELL)
    out = typed(k, f"cat {name}-2", SHELL)
    assert out.strip() == text, k.explain("a pipeline whose last stage writes to a file",
                                          got=session())


@pytest.mark.points(10)
@pytest.mark.section(DIRECTORIES)
def test_shell_directories_paths_and_ls(keel):
    """`mkdir D`, `cd D`, `pwd`, files made by relative paths from inside and outside it,
    `ls` and `ls -l` listing what was made (type, size), `cp`, `rm`, and `cd` back out."""
    k = shell(keel)
    start = k.position
    session = lambda: "\n" + session_text(k, start)  # noqa: E731
    d, text = "d-" + word(), word()
    typed(k, f"mkdir {d}", DIRECTORIES)
    typed(k, f"cd {d}", DIRECTORIES)
    out = typed(k, "pwd", DIRECTORIES)
    assert out.strip() == f"/{d}", k.explain(f"`pwd` in {d} to print /{d}", got=session())
    typed(k, f"echo {text} > inner", DIRECTORIES)
    typed(k, "mkdir sub", DIRECTORIES)
    typed(k, "cd ./sub/../sub/", DIRECTORIES)
    out = typed(k, "pwd", DIRECTORIES)
    assert out.strip() == f"/{d}/sub", k.explain(f"`cd ./sub/../sub/` to land in /{d}/sub",
                                                 got=session())
    out = typed(k, "cat ../inner", DIRECTORIES)
    assert out.strip() == text, k.explain("`cat ../inner` to print the file", got=session())
    typed(k, "cd ..", DIRECTORIES)
    typed(k, "cd ..", DIRECTORIES)
    out = typed(k, "pwd", DIRECTORIES)
    assert out.strip() == "/", k.explain("two `cd ..` to lead back to /", got=session())
    out = typed(k, f"cat {d}//inner", DIRECTORIES)
    assert out.strip() == text, k.explain(f"`cat {d}//inner` to print the file", got=session())
    typed(k, f"cp {d}/inner {d}/copy", DIRECTORIES)
    out = typed(k, f"ls {d}", DIRECTORIES)
    assert sorted(out.split()) == ["copy", "inner", "sub"], k.explain(
        f"`ls {d}` to list copy, inner and sub", got=session())
    out = typed(k, f"ls -l {d}", DIRECTORIES)
    entries = ls_l_entries(out)
    size = len(text) + 1
    for name, kind in (("inner", "-"), ("copy", "-"), ("sub", "d")):
        assert name in entries and entries[name][0] == kind, k.explain(
            f"`ls -l {d}` to show {name} as a {'directory' if kind == 'd' else 'file'}",
            got=session())
    for name in ("inner", "copy"):
        assert size in entries[name][1], k.explain(
            f"`ls -l {d}` to show {name}'s size, {size} bytes", got=session())
    typed(k, f"rm {d}/inner", DIRECTORIES)
    out = typed(k, f"ls {d}", DIRECTORIES)
    assert sorted(out.split()) == ["copy", "sub"], k.explain(f"`rm {d}/inner` to remove it",
                                                             got=session())
    out = typed(k, "cd no-such-directory", DIRECTORIES)
    assert "no-such-directory" in out, k.explain("an error message from `cd` to a missing "
                                                 "directory", got=session())
    out = typed(k, "pwd", DIRECTORIES)
    assert out.strip() == "/", k.explain("a failed `cd` to leave the directory as it was",
                                         got=session())
