"""Lab 8 grader: FAT32 in the VFS server, over the RAM-disk block server, with a block cache.

The host's own tools are the oracle (grade/fatdisk.py drives them): mkfs.fat and mtools make
each test's image from the test's nonce, in the test's own temporary directory; Keel runs a
test program as pid 1 on it (labs/08-fat32/); pid 1's end syncs and powers off, which leaves
the image on the host as the guest left it; then mtools read it back and `fsck.fat -n` judges
it, and the FSInfo sector and the FATs are read from its bytes.  fstest (lab 7's) runs in
/disk and is compared with Linux, FAT32's documented differences filtered out by name.  Each
failure says how to boot the same image by hand: the image as it was before the boot is kept
beside the serial log in build/grade/logs/ (and `python3 grade/fatdisk.py ...` makes it
again from the nonce).
"""
import os
import random
import re
import shutil
import zlib

import pytest

import fatdisk
from harness import ROOT, new_seed
from test_lab07_vfs import first_difference, fstest_lines, group_of, oracle_output

LAB = 8
TITLE = "FAT32"
HANDOUT = "handouts/08-fat32.md"

BPB = "handouts/08-fat32.md, 'Exercise 1: the boot sector and the BPB'"
CHAINS = "handouts/08-fat32.md, 'Exercise 2: FAT chains'"
DIRECTORIES = "handouts/08-fat32.md, 'Exercise 3: directories and long names'"
CREATING = "handouts/08-fat32.md, 'Exercise 4: creating and removing'"
CACHE = "handouts/08-fat32.md, 'Exercise 5: the block cache'"
ORACLE = "handouts/08-fat32.md, 'fsck and mtools as the oracle'"
BAD_DISKS = "handouts/08-fat32.md, 'Bad disks'"
MEASURING = "handouts/08-fat32.md, 'Measuring'"
LINUX = "handouts/07-vfs.md, 'Linux as the oracle'"

# ADJUST: the VFS server's one line about /disk (user/servers/vfs/main.c, mount_disk).
MOUNTED = r"vfs: FAT32 on /disk: .*"
REFUSED = r"vfs: /disk: not mounted: (.*)"
SH_PROMPT = "$ "


# --- booting on an image -------------------------------------------------------------------------

def boot_on(keel, img, command, **options):
    """Boots Keel on disk image `img` with `command` as pid 1.  The image as it was before
    the boot is kept beside the serial log (removed if the test passes), for the hint."""
    before = img + ".before"
    shutil.copyfile(img, before)
    k = keel.boot(bootargs=f"-- {command}" if command else "", monitor=False, disk=img, **options)
    kept = k.log_path + ".before.img"
    shutil.copyfile(before, kept)
    k.image_before = before
    k.hint = (f"To rerun it: cp {os.path.relpath(kept, ROOT)} /tmp/lab8.img && make lab-8 qemu "
              f"DISK=/tmp/lab8.img" + (f" BOOTARGS='-- {command}'" if command else "") +
              " (then `mdir -i /tmp/lab8.img -/ ::` and `fsck.fat -n /tmp/lab8.img` show what "
              "it left)")
    return k


def expect_mounted(k, section=BPB):
    """Waits for the VFS server's line about /disk; fails the test if the mount was refused."""
    line = k.expect(r"^vfs: (FAT32 on /disk: .*|/disk: not mounted: .*|no disk.*)$", timeout=20,
                    what="the VFS server's line about /disk ('vfs: FAT32 on /disk: ...')",
                    section=section)
    if not re.fullmatch(MOUNTED, line.group(0)):
        pytest.fail(k.explain("a good FAT32 image (made by mkfs.fat, checked by fsck.fat) to be "
                              "mounted on /disk", got=line.group(0) + "\n" + k.hint,
                              section=BPB), pytrace=False)
    return line


def killed_lines(k):
    return re.findall(r"^keel: task \d+ \(.*\) killed: .*$|^panic: .*$", k.output, re.M)


def wait_done(k, pattern, what, section, timeout=40):
    """Waits for the program's last line; on failure adds what was killed and the hint."""
    try:
        return k.expect(pattern, timeout=timeout, what=what, section=section)
    except pytest.fail.Exception as failure:
        message = str(failure)
    killed = "".join("\n    " + line for line in killed_lines(k))
    pytest.fail(message + (f"\nKilled on the way:{killed}" if killed else "") + "\n" + k.hint,
                pytrace=False)


def power_off(k, section):
    """pid 1 has ended: the kernel syncs and powers off; QEMU's status is pid 1's."""
    status = k.wait_exit(timeout=20, section=section)
    assert status == 0, k.explain("exit status 0 (pid 1's, after the sync of power-off)",
                                  got=f"{status}\n{k.hint}", section=section)


def kept(k, img, suffix):
    """Keeps a copy of the image as the guest left it beside the log (for the message)."""
    path = k.log_path + suffix
    shutil.copyfile(img, path)
    return os.path.relpath(path, ROOT)


# --- fattree's lines ---------------------------------------------------------------------------

def parse_tree(text):
    """fattree's D and F lines: {path: None for a directory, (size, crc) for a file, or a
    string for an error}, the E lines, and the case-swapped lookups that failed."""
    tree, errors, swapped = {}, [], []
    for line in text.split("\n"):
        m = re.match(r"^F (.*) (\d+) ([0-9a-f]{8})$", line)
        if m:
            tree[m.group(1)] = (int(m.group(2)), int(m.group(3), 16))
            continue
        m = re.match(r"^F (.*) (\d+) error (\S+)$", line)
        if m:
            tree[m.group(1)] = f"error {m.group(3)}"
            continue
        if line.startswith("D "):
            tree[line[2:]] = tree.get(line[2:])
        elif line.startswith("E "):
            errors.append(line)
        elif line.startswith("case-swapped "):
            swapped.append(line)
    return tree, errors, swapped


def describe(entry):
    if entry is None:
        return "a directory"
    if isinstance(entry, str):
        return entry
    return f"{entry[0]} bytes, CRC {entry[1]:08x}"


def is_short(name):
    return re.fullmatch(r"[A-Z0-9_~]{1,8}(\.[A-Z0-9_]{1,3})?", name) is not None


def tree_differences(want, got):
    """[(section, line)] of what differs between two trees ({path: entry}), the likely
    cause named."""
    out = []
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    for path in missing:
        parent = os.path.dirname(path) or "/"
        if parent in missing:
            continue  # its directory is missing already
        name = os.path.basename(path)
        twin = next((e for e in extra if e.upper() == path.upper()), None)
        alias = next((e for e in extra if os.path.dirname(e) == os.path.dirname(path) and
                      "~" in os.path.basename(e) and got[e] == want[path]), None)
        if twin:
            out.append((DIRECTORIES, f"{path!r} is listed as {twin!r}: a short name's case bits "
                        "(byte 12 of the entry: 0x08 base in small letters, 0x10 extension) "
                        "say how to show it"))
        elif alias:
            out.append((DIRECTORIES, f"{path!r} is missing and {alias!r} is there: the long "
                        "name's entries (attribute 0x0F, before the short entry, last part "
                        "first) were not put together, or their checksum did not match"))
        else:
            out.append((DIRECTORIES if not is_short(name) else CHAINS,
                        f"{path!r} ({describe(want[path])}) is missing"
                        + ("" if is_short(name) else " (a long name)")))
    for path in extra:
        if not any(path.upper() == m.upper() for m in missing) and not any(
                os.path.dirname(path) == os.path.dirname(m) and "~" in os.path.basename(path)
                for m in missing) and (os.path.dirname(path) or "/") not in extra:
            out.append((DIRECTORIES, f"{path!r} ({describe(got[path])}) is there but should "
                        "not be (a deleted entry, 0xE5, or the volume label, attribute 0x08, "
                        "listed?)"))
    for path in sorted(set(want) & set(got)):
        if want[path] == got[path]:
            continue
        w, g = want[path], got[path]
        if w is None or g is None:
            out.append((DIRECTORIES, f"{path!r} should be {describe(w)}, is {describe(g)} "
                        "(attribute 0x10 is a directory)"))
        elif isinstance(g, str):
            out.append((CHAINS, f"{path!r} ({describe(w)}): reading it failed: {g}"))
        elif w[0] != g[0]:
            out.append((DIRECTORIES, f"{path!r} has size {g[0]}, should be {w[0]} (the entry's "
                        "DIR_FileSize, bytes 28-31)"))
        else:
            out.append((CHAINS, f"{path!r} has the right size ({w[0]} bytes) but the wrong "
                        f"bytes (CRC {g[1]:08x}, should be {w[1]:08x}): a cluster read from the "
                        "wrong place (cluster N is at the data area + (N - 2) * cluster size) "
                        "or the chain followed wrongly"))
    return out


def report(k, problems, expectation, limit=10):
    """Fails with every problem found, the section of the first."""
    lines = "".join(f"\n    {text}" for _, text in problems[:limit])
    more = f"\n    ... and {len(problems) - limit} more" if len(problems) > limit else ""
    pytest.fail(k.explain(expectation, got=lines + more + "\n" + k.hint,
                          section=problems[0][0]), pytrace=False)


# --- the host's tools ----------------------------------------------------------------------------

@pytest.mark.points(0)
@pytest.mark.section(ORACLE)
def test_the_host_tools_make_and_judge_images(build, tmp_path):
    """The oracle itself: mkfs.fat and mtools make the read test's image from a nonce, fsck.fat
    finds nothing wrong with it, mtools list exactly what went in (files and their bytes),
    the big file's chain is fragmented, and FSInfo's free count is the FAT's.  Keel plays no
    part: a failure here is the host's (`make setup` installs mtools and dosfstools)."""
    for tool in ("mkfs.fat", "fsck.fat", "mcopy", "mdir", "mmd", "mdel", "mtype"):
        assert shutil.which(tool) or os.path.exists("/usr/sbin/" + tool), (
            f"{tool} is missing: `make setup` installs mtools and dosfstools. See {ORACLE}.")
    nonce = new_seed()
    img = str(tmp_path / "tree.img")
    facts = fatdisk.build_tree(img, nonce, str(tmp_path))
    fsck = fatdisk.Fsck(img)
    assert fsck.clean(), f"fsck.fat -n to pass the host-made image: {fsck.summary()}"
    got = fatdisk.listing(img)
    want = {"/": None, **{d: None for d in facts["dirs"]},
            **{p: (len(b), zlib.crc32(b)) for p, b in facts["files"].items()}}
    assert got == want, ("mtools to list what went into the image: "
                         f"{[t for _, t in tree_differences(want, got)][:5]}")
    assert facts["fragments"] >= 5, (
        f"{facts['fragmented']} to be in 5 pieces or more, but it is in {facts['fragments']}")
    fsinfo, free, same = fatdisk.fsinfo_report(img)
    assert fsinfo == free and same, f"FSInfo's free count {fsinfo} to be the FAT's {free}"


# --- reading -------------------------------------------------------------------------------------

@pytest.mark.points(20)
@pytest.mark.section(DIRECTORIES)
def test_the_guest_reads_the_hosts_tree_byte_for_byte(keel, tmp_path):
    """An image made on the host from the nonce: short names, short names in small letters
    (the case bits), long names up to 200 characters (entries crossing a cluster), the same
    name in three cases in three directories, 12 directories deep, a directory of 60
    entries, files of 0, 1, 511, 512, 513, 4095-4097 bytes, 64 KiB and over 1 MiB, and a
    file whose chain goes through the holes that deleting every other file left.  `fattree
    /disk` lists every directory and checksums every file; the list must be mtools' list,
    and every file must also be found by its name in the other case."""
    nonce = new_seed()
    img = str(tmp_path / "tree.img")
    facts = fatdisk.build_tree(img, nonce, str(tmp_path))
    want = fatdisk.listing(img)
    k = boot_on(keel, img, "fattree /disk")
    k.hint += f"; or make the image again: python3 grade/fatdisk.py tree {nonce} /tmp/lab8.img"
    expect_mounted(k)
    start = k.position
    done = wait_done(k, r"^fattree: (\d+) files, (\d+) directories, (\d+) errors, (\d+) of "
                     r"(\d+) case-swapped lookups found$", "fattree's summary", DIRECTORIES)
    got, errors, swapped = parse_tree(k.output[start:done.start()])
    problems = [(DIRECTORIES, line) for line in errors]
    problems += tree_differences(want, got)
    if facts["fragmented"] in [p for p in got if got[p] != want.get(p)]:
        problems.append((CHAINS, f"{facts['fragmented']} is the file whose chain is in "
                         f"{facts['fragments']} pieces: follow the FAT, never assume that the "
                         "next cluster is N + 1"))
    problems += [(DIRECTORIES, line + " (FAT compares names without regard to case: the "
                  "short names are in capitals, the long names compare case-insensitively)")
                 for line in swapped[:3]]
    if problems:
        report(k, problems, "fattree /disk to list what mtools list in the same image, byte "
               "for byte (- what the guest got wrong)")
    power_off(k, DIRECTORIES)


# --- writing -------------------------------------------------------------------------------------

SCRIPT_SECTIONS = {"create": CREATING, "append": CHAINS, "write": CHAINS, "trunc": CHAINS,
                   "rename": CREATING, "unlink": CREATING, "mkdir": CREATING,
                   "rmdir": CREATING, "verify": CACHE}


def image_checks(img, section=ORACLE):
    """[(section, line)]: what fsck.fat -n, the FATs and FSInfo say is wrong with an image."""
    problems = []
    fsck = fatdisk.Fsck(img)
    if not fsck.clean():
        problems.append((ORACLE, "fsck.fat -n finds the volume damaged:" + fsck.summary()))
    fsinfo, free, same = fatdisk.fsinfo_report(img)
    if not same:
        problems.append((CHAINS, "the two FATs differ: every change to the FAT goes into both "
                         "copies (BPB_NumFATs of them, BPB_FATSz32 sectors apart)"))
    if fsinfo != free:
        problems.append((CHAINS, f"FSInfo's free count (FSI_Free_Count, offset 488 of sector "
                         f"BPB_FSInfo) is {fsinfo if fsinfo is not None else 'unreadable'}, but "
                         f"the FAT has {free} free clusters: allocating and freeing a cluster "
                         "must update it (and sync must write it)"))
    return problems


@pytest.mark.points(25)
@pytest.mark.section(CREATING)
@pytest.mark.timeout(90)
def test_what_the_guest_writes_mtools_read_back_and_fsck_passes(keel, tmp_path, measure):
    """A random script from the nonce (labs/08-fat32/fatscript.c runs it from /disk/SCRIPT.TXT):
    create, append, overwrite inside and past the end, O_TRUNC, rename within and across
    directories (directories too, and over an existing file), unlink, mkdir, rmdir (also of a
    full directory: ENOTEMPTY), mkdir of a name that exists in another case (EEXIST), long
    names up to 200 characters; on files the host made too.  Every line's result must be the
    model's (grade/fatdisk.py, Model); after the power-off, mtools must read back the model's
    tree byte for byte, fsck.fat -n must find nothing to fix, both FATs must be the same and
    FSInfo's free count must be the FAT's."""
    rng = random.Random(new_seed())
    img = str(tmp_path / "write.img")
    fatdisk.mkfs(img, volume_id=rng.getrandbits(32))
    initial = {"/HOST.TXT": fatdisk.random_bytes(rng, 3000),
               "/Host made file.bin": fatdisk.random_bytes(rng, 20000), "/HOSTDIR": None,
               "/HOSTDIR/INNER.DAT": fatdisk.random_bytes(rng, 700),
               "/HOSTDIR/a long inner name.txt": fatdisk.random_bytes(rng, 1)}
    fatdisk.mmd(img, "/HOSTDIR")
    fatdisk.put_files(img, {p: b for p, b in initial.items() if b is not None}, str(tmp_path))
    lines, results, model = fatdisk.make_script(rng, "/disk", 120, initial=initial)
    fatdisk.put_files(img, {"/SCRIPT.TXT": ("\n".join(lines) + "\n").encode()}, str(tmp_path))
    k = boot_on(keel, img, "fatscript /disk/SCRIPT.TXT")
    expect_mounted(k)
    start = k.position
    wait_done(k, r"^fatscript: done (\d+) operations$", "fatscript's last line", CREATING,
              timeout=60)
    got = {int(m.group(1)): m.group(3) for m in
           re.finditer(r"^fatscript: (\d+) (\w+): (.*)$", k.output[start:], re.M)}
    cache = re.search(r"^fatscript: cache: (\d+) hits, (\d+) misses, (\d+) writebacks$",
                      k.output[start:], re.M)
    if cache:
        hits, misses, writebacks = (int(n) for n in cache.groups())
        measure(f"lab 8 fatscript: {len(lines)} operations; cache {hits} hits, {misses} misses "
                f"({100 * hits // max(1, hits + misses)}% hits), {writebacks} writebacks")
    problems = []
    for i, (line, want) in enumerate(zip(lines, results), 1):
        if got.get(i) != want:
            op = line.split("|")[0]
            problems.append((SCRIPT_SECTIONS[op], f"line {i}: {line!r} gave {got.get(i)!r}, "
                             f"the model says {want!r}"))
    power_off(k, CREATING)
    after = kept(k, img, ".after.img")
    tree = fatdisk.listing(img)
    tree.pop("/SCRIPT.TXT", None)
    problems += [(s, "after the power-off, mtools: " + t)
                 for s, t in tree_differences(model.tree(), tree)]
    problems += image_checks(img)
    if problems:
        k.hint += f"; the image it left is {after}"
        report(k, problems, "each line of the script to give the model's result, and mtools "
               "and fsck.fat to find the model's tree on the image after the power-off")


# --- lab 7's fstest, in /disk ---------------------------------------------------------------------

# Where FAT32 must differ from Linux's file systems in fstest's output: (fstest's check, the
# line Linux prints, the line FAT32 prints instead, why).  Nothing else may differ.  Empty, as
# fstest stands: what FAT32 cannot do is not what fstest prints (it prints no permissions,
# owners, times, inode numbers or sizes of directories, and a link count only for regular
# files, which FAT32 gives as 1, and 0 once unlinked, as Linux does); its names are in small
# letters and digits, unique without regard to case.  A check added to fstest that FAT32
# cannot pass goes here, with the reason.
FAT_DIFFERENCES = [
]


def fat_expected(linux):
    """Linux's fstest lines with FAT32's documented differences put in."""
    out = []
    for line in linux:
        for check, theirs, ours, _why in FAT_DIFFERENCES:
            if line == theirs:
                line = ours
        out.append(line)
    return out


@pytest.mark.points(15)
@pytest.mark.section(CREATING)
@pytest.mark.timeout(90)
def test_fstest_in_disk_matches_linux_but_for_fats_differences(keel, build, tmp_path):
    """`fstest NONCE /disk` (lab 7's program, in /disk) prints what it prints on Linux, line
    for line, except FAT32's differences, each named in FAT_DIFFERENCES; it removes all it
    made, so afterwards the volume is empty and fsck.fat -n finds nothing to fix."""
    nonce = new_seed()
    img = str(tmp_path / "fstest.img")
    fatdisk.mkfs(img, volume_id=nonce)
    command = f"fstest {nonce} /disk"
    k = boot_on(keel, img, command)
    linux = fat_expected(oracle_output(build, nonce))
    expect_mounted(k)
    try:
        k.expect(r"^fstest: done$", timeout=60, what="'fstest: done'", section=CREATING)
        finished = True
    except pytest.fail.Exception as failure:
        finished, stopped = False, str(failure).split("\n")[0]
    ours = [line for line in fstest_lines(k.output) if not line.startswith("keel: ")]
    if finished:
        ours = ours[:ours.index("fstest: done") + 1]
    difference = first_difference(linux, ours)
    killed = "".join("\n    " + line for line in killed_lines(k))
    if difference is None and not finished:
        pytest.fail(k.explain("fstest in /disk to finish as it does on Linux", got=f"{stopped}; "
                              f"the next line would have been {linux[len(ours)]!r}" + killed +
                              "\n" + k.hint, section=CREATING), pytrace=False)
    if difference is not None:
        index, diff = difference
        pytest.fail(k.explain(
            "fstest's output in /disk to equal its output on Linux (qemu-aarch64, the same ELF "
            "file and nonce), but for FAT32's differences that FAT_DIFFERENCES names",
            got=f"the first difference, in group '{group_of(linux, index)}' (- is Linux, + is "
            f"Keel on FAT32):\n{diff}{killed}\nEach line is 'check: result'; the check's name "
            "is in labs/07-vfs/fstest.c.\n" + k.hint, section=CREATING), pytrace=False)
    power_off(k, CREATING)
    tree = fatdisk.listing(img)
    problems = [(CREATING, f"{p!r} is left on the volume (fstest removed it)")
                for p in sorted(tree) if p != "/"]
    problems += image_checks(img)
    if problems:
        report(k, problems, "an empty volume that fsck.fat -n passes after fstest")


# --- bad disks -----------------------------------------------------------------------------------

# Images of each run: consecutive kinds from a random start (KEEL_FAT_DAMAGED=26: every kind).
DAMAGED_PER_RUN = int(os.environ.get("KEEL_FAT_DAMAGED", "6"))


def judge_damaged(k, good, victims, kind):
    """[(section, line)] of what a mounted damaged volume read wrong.  Every file that was not
    damaged must read byte for byte; a damaged one as its kind allows (fatdisk.DAMAGE:
    "fail", "anything", "short name"); nothing may be listed twice or made up."""
    start = k.position
    done = wait_done(k, r"^fattree: .* case-swapped lookups found$", "fattree's summary",
                     BAD_DISKS, timeout=30)
    text = k.output[start:done.start()]
    lines = text.split("\n")
    listed = [line[2:] if line.startswith("D ") else line[2:].rsplit(" ", 2)[0]
              for line in lines if line.startswith(("D ", "F "))]
    listed = [re.sub(r" \d+ error$", "", p) for p in listed]
    got, _, _ = parse_tree(text)
    problems = []
    twice = sorted({p for p in listed if listed.count(p) > 1})
    if twice:
        problems.append((CHAINS, f"listed more than once: {twice[:3]} (a directory whose chain "
                         "loops must end, with EIO, not go round again: a chain has at most as "
                         "many clusters as the volume)"))
    victims = victims or {}
    what = kind.replace("_", " ")

    def under(path, rules):
        return any(path.startswith(v + "/") for v, rule in victims.items() if rule in rules)

    for path, entry in sorted(good.items()):
        if path in victims or under(path, ("fail", "anything")):
            continue
        if path not in got:
            problems.append((DIRECTORIES, f"{path!r} ({describe(entry)}) was not damaged, but "
                             "it is missing"))
        elif got[path] != entry:
            problems.append((CHAINS, f"{path!r} was not damaged: {describe(entry)} expected, "
                             f"got {describe(got[path])}"))
    for path in sorted(set(got) - set(good)):
        if under(path, ("fail", "anything")):
            continue
        alias = any(rule == "short name" and "~" in path and got[path] == good.get(v) and
                    os.path.dirname(v) == os.path.dirname(path) for v, rule in victims.items())
        if not alias:
            problems.append((BAD_DISKS, f"{path!r} ({describe(got[path])}) is not on the "
                             "volume: made up from damaged bytes"))
    for path, rule in sorted(victims.items()):
        entry = got.get(path, "absent")
        failed = any(line.startswith(f"E {path} ") for line in lines)
        if rule == "fail" and good[path] is None and path in got and not failed:
            problems.append((BAD_DISKS, f"{path!r}, a directory whose {what}, was listed without "
                             "an error: opening or listing it must fail (EIO)"))
        elif rule == "fail" and good[path] is not None and isinstance(entry, tuple):
            problems.append((BAD_DISKS, f"{path!r}, whose {what}, read without an error "
                             f"({describe(entry)}; the file is {describe(good[path])}): "
                             "reading it must fail (EIO)"))
        elif rule == "short name" and entry != good[path] and not any(
                "~" in p and got[p] == good[path] for p in got):
            problems.append((DIRECTORIES, f"{path!r}, whose long name's checksum is wrong, is "
                             f"{describe(entry)}: a long name whose checksum does not match "
                             "its short entry is ignored, and the file is seen by its short "
                             "name"))
    return problems


def damaged_indices(good_bytes, nonce):
    """Which damaged images (grade/fatdisk.py's DAMAGE, in turn from a random start) this run
    boots: half of them damage files or directories (which must be mounted), half the
    volume itself (which may be refused), so that a kernel that refuses every volume can
    never pass by the luck of the draw.  DAMAGED_PER_RUN of len(DAMAGE) or more takes them
    in turn, all kinds."""
    first = random.randrange(len(fatdisk.DAMAGE))
    if DAMAGED_PER_RUN >= len(fatdisk.DAMAGE):
        return list(range(first, first + DAMAGED_PER_RUN))
    files, volumes = [], []
    for index in range(first, first + len(fatdisk.DAMAGE)):
        victims = fatdisk.damaged(good_bytes, index, nonce)[2]
        (files if victims is not None else volumes).append(index)
    wanted = (DAMAGED_PER_RUN + 1) // 2
    return files[:wanted] + volumes[:DAMAGED_PER_RUN - wanted]


@pytest.mark.points(15)
@pytest.mark.section(BAD_DISKS)
@pytest.mark.timeout(120)
def test_damaged_disks_are_refused_or_read_consistently(keel, tmp_path):
    """Images damaged from one good image (grade/fatdisk.py, DAMAGE: BPB fields out of range,
    a missing signature, a truncated image, FAT chains that loop, leave the volume, hold a
    free or bad cluster, entries whose cluster is outside the volume or whose size passes the
    chain, a directory that loops back to the root, a long name with the wrong checksum), a
    few kinds each run, all booted at once.  For each, `fattree /disk`: either the mount is
    refused with one line that says why, and the image is not written at all; or every
    undamaged file reads byte for byte, every damaged one fails, nothing is listed twice or
    made up; and nothing is killed, nothing hangs.  Damage to files and directories alone
    must not make the mount fail: only the damaged files may."""
    nonce = new_seed()
    good_img = str(tmp_path / "good.img")
    files = fatdisk.small_image(good_img, nonce, str(tmp_path))
    good = fatdisk.listing(good_img)
    with open(good_img, "rb") as f:
        good_bytes = f.read()
    runs = []
    for index in damaged_indices(good_bytes, nonce):
        data, kind, victims = fatdisk.damaged(good_bytes, index, nonce)
        img = str(tmp_path / f"damaged-{index}.img")
        with open(img, "wb") as f:
            f.write(data)
        k = boot_on(keel, img, "fattree /disk")
        k.hint += (f"; or make the image again: python3 grade/fatdisk.py damage {nonce} {index} "
                   "/tmp/lab8.img")
        runs.append((k, img, data, kind, victims))
    assert files
    for k, img, data, kind, victims in runs:
        what = f"image {kind.replace('_', ' ')} ({os.path.basename(img)})"
        line = k.expect(r"^vfs: (FAT32 on /disk: .*|/disk: not mounted: .*)$", timeout=20,
                        what=f"the VFS server's line about /disk for the {what}",
                        section=BAD_DISKS)
        refused = re.fullmatch(REFUSED, line.group(0))
        if refused:
            wait_done(k, r"^fattree: done$", "fattree to end", BAD_DISKS, timeout=20)
            problems = []
            if victims is not None:
                # The damage is in files or directories, not in the volume's description:
                # refusing the whole volume would be as wrong as crashing (and is what a
                # stub that refuses everything does).
                problems.append((BAD_DISKS, f"the mount was refused ({refused.group(1)}), but "
                                 "this image's boot sector, BPB and FSInfo are good: mount it, "
                                 f"and fail only the damaged files ({', '.join(victims)})"))
        else:
            problems = judge_damaged(k, good, victims, kind)
        k.wait_exit(timeout=20, section=BAD_DISKS)
        problems += [(BAD_DISKS, f"{line} (a damaged disk must never bring down a server)")
                     for line in killed_lines(k)]
        if refused:
            with open(img, "rb") as f:
                now = f.read()
            if now != data:
                changed = next(i for i in range(min(len(now), len(data))) if now[i] != data[i]) \
                    if len(now) == len(data) else 0
                problems.append((BAD_DISKS, f"the mount was refused ({refused.group(1)}), yet "
                                 f"the image was written (first changed byte at {changed}, "
                                 f"sector {changed // 512}): a refused volume is never written"))
            if not refused.group(1).strip():
                problems.append((BPB, "the refusal says nothing: name the field and its value"))
        if problems:
            report(k, problems, f"the {what} to be refused with a reason, or read "
                   "consistently (damaged files fail with EIO, the rest byte for byte)")


# --- a full disk -----------------------------------------------------------------------------------

@pytest.mark.points(10)
@pytest.mark.section(CHAINS)
@pytest.mark.timeout(90)
def test_a_full_disk_gives_enospc_and_stays_consistent(keel, tmp_path):
    """The host fills an image to about 300 KiB from full; `fatfill /disk` writes files until
    a write fails: ENOSPC (after a short write or not), mkdir then fails with ENOSPC too,
    and after an unlink a new file can be written.  Afterwards every file has the size the
    guest wrote and the bytes it wrote, fsck.fat -n finds nothing to fix, and FSInfo's free
    count is the FAT's."""
    rng = random.Random(new_seed())
    img = str(tmp_path / "full.img")
    fatdisk.mkfs(img, volume_id=rng.getrandbits(32))
    v = fatdisk.Volume.open(img)
    room = v.free_in_fat() * fatdisk.SECTOR - (300 << 10) - rng.randint(0, 20000)
    filler = tmp_path / "FILLER.BIN"
    with open(filler, "wb") as f:
        f.truncate(room)
    fatdisk.mcopy_in(img, [str(filler)], "/")
    os.remove(filler)
    k = boot_on(keel, img, "fatfill /disk")
    expect_mounted(k)
    full = wait_done(k, r"^fatfill: full after (\d+) bytes in (\d+) files: (\S+)$",
                     "fatfill's line about the full disk", CHAINS, timeout=60)
    mkdir = k.expect(r"^fatfill: mkdir on the full disk: (\S+)$", what="fatfill's mkdir line",
                     section=CREATING)
    exdev = k.expect(r"^fatfill: rename to the ramfs: (\S+)$", what="fatfill's rename line",
                     section=CREATING)
    after = wait_done(k, r"^fatfill: after unlinking FILL-1.BIN: wrote (\d+) bytes into "
                      r"AFTER.BIN(.*)$", "fatfill's line after the unlink", CHAINS)
    power_off(k, CHAINS)
    problems = []
    left = fatdisk.Volume.open(img).free_in_fat() - (65536 - 32768) // fatdisk.SECTOR
    if left > 0:
        problems.append((CHAINS, f"write said {full.group(3)} with {left} clusters still free: "
                         "a write that does not fit writes what fits and returns that count "
                         "(POSIX: a short write); only the next write fails with ENOSPC"))
    if exdev.group(1) != "EXDEV":
        problems.append((CREATING, f"{exdev.group(0)}: a rename from /disk to /tmp (another "
                         "file system) must fail with EXDEV, and leave the file where it was"))
    if full.group(3) != "ENOSPC":
        problems.append((CHAINS, f"{full.group(0)}: a write on a full disk fails with ENOSPC "
                         "(after a short write, if some bytes fit)"))
    if mkdir.group(1) != "ENOSPC" and left <= 0:
        problems.append((CREATING, f"{mkdir.group(0)}: a new directory needs a cluster, and "
                         "there is none: ENOSPC"))
    if int(after.group(1)) != 32768:
        problems.append((CHAINS, f"{after.group(0)}: FILL-1.BIN's clusters are free again after "
                         "its unlink, room for 32768 bytes"))
    tree = fatdisk.listing(img)
    files = int(full.group(2))
    total = 0
    for n in range(2, files + 1):
        path = f"/FILL-{n}.BIN"
        if path not in tree:
            if n < files:
                problems.append((CREATING, f"{path} is missing"))
            continue
        size, crc = tree[path]
        total += size
        if crc != zlib.crc32(fatdisk.pattern(n, size)):
            problems.append((CHAINS, f"{path} ({size} bytes) does not hold the bytes written"))
    if "/FILL-1.BIN" in tree:
        problems.append((CREATING, "/FILL-1.BIN is still there after its unlink"))
    if total + 65536 != int(full.group(1)):
        problems.append((CHAINS, f"the files hold {total} + 65536 (FILL-1.BIN) bytes, but the "
                         f"guest wrote {full.group(1)}: a size on the disk is not what was written"))
    want_after = (32768, zlib.crc32(fatdisk.pattern(999999, 32768)))
    if tree.get("/AFTER.BIN") != want_after and int(after.group(1)) == 32768:
        problems.append((CHAINS, f"/AFTER.BIN is {describe(tree.get('/AFTER.BIN'))}, should be "
                         f"{describe(want_after)}"))
    problems += image_checks(img)
    if problems:
        k.hint += f"; the image it left is {kept(k, img, '.after.img')}"
        report(k, problems, "ENOSPC on the full disk, and a consistent volume after it")


# --- the shell: sync, poweroff, the cache's counts ------------------------------------------------

def blockcache(text):
    """/proc/blockcache's counts: {name: number}."""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+) (\d+)$", text, re.M)}


@pytest.mark.points(10)
@pytest.mark.section(CACHE)
def test_the_shells_files_reach_the_host_after_sync_and_poweroff(keel, tmp_path):
    """At the shell, on a disk with a host-made file: cat it twice (/proc/blockcache counts
    misses, then hits), mkdir and echo into /disk, `sync`: the host's image file holds them
    at once (mtools see them, fsck.fat passes) while Keel runs on; then append, `poweroff`:
    QEMU exits 0 and the image holds the append too."""
    rng = random.Random(new_seed())
    img = str(tmp_path / "shell.img")
    fatdisk.mkfs(img, volume_id=rng.getrandbits(32))
    words = " ".join("".join(rng.choice("abcdefghij") for _ in range(7)) for _ in range(400))
    fatdisk.put_files(img, {"/WORDS.TXT": (words + "\n").encode()}, str(tmp_path))
    d, word = "d-" + str(rng.randint(1000, 9999)), "".join(rng.choice("xyzuvw") for _ in range(9))
    k = boot_on(keel, img, None)
    k.hint = k.hint.replace(" (then", "; type the same commands (then")
    expect_mounted(k)
    k.expect(re.escape(SH_PROMPT), timeout=20, what="the shell's prompt '$ '",
             section="handouts/04-scheduler.md, 'The shell'")

    def typed(line, section=CACHE):
        return k.command(line, prompt=SH_PROMPT, timeout=15, section=section)

    before = blockcache(typed("cat /proc/blockcache"))
    first = typed("cat /disk/WORDS.TXT")
    middle = blockcache(typed("cat /proc/blockcache"))
    second = typed("cat /disk/words.txt")
    after = blockcache(typed("cat /proc/blockcache"))
    assert first.strip() == words and second.strip() == words, k.explain(
        "`cat /disk/WORDS.TXT` (and by its name in small letters) to print the host's file",
        got=f"{first[:200]!r}...\n{k.hint}", section=DIRECTORIES)
    names = ("hits", "misses", "writebacks", "dirty", "resident")
    assert all(n in after for n in names), k.explain(
        f"/proc/blockcache to show {', '.join(names)}, one 'NAME N' a line", got=str(after),
        section=CACHE)
    assert middle["misses"] > before["misses"] and after["hits"] > middle["hits"] and \
        after["misses"] - middle["misses"] < middle["misses"] - before["misses"], k.explain(
            "the first cat to miss in the cache and the second to hit (the file's sectors are "
            "still there)", got=f"before {before}, after one cat {middle}, after two {after}",
            section=CACHE)
    typed(f"mkdir /disk/{d}", CREATING)
    typed(f"echo {word} > /disk/{d}/Note.txt", CREATING)
    typed("sync", CACHE)
    synced = fatdisk.listing(img)
    want = (len(word) + 1, zlib.crc32((word + "\n").encode()))
    assert synced.get(f"/{d}/Note.txt") == want, k.explain(
        f"after `sync`, the host's image to hold /{d}/Note.txt ({describe(want)}): sync writes "
        "every dirty sector back and flushes (BLK_FLUSH)",
        got=f"mtools see {describe(synced.get(f'/{d}/Note.txt', 'nothing'))}\n{k.hint}",
        section=CACHE)
    problems = image_checks(img)
    if problems:
        report(k, problems, "a consistent image after `sync`, while Keel runs on")
    typed(f"echo more >> /disk/{d}/Note.txt", CREATING)
    k.send("poweroff")
    status = k.wait_exit(timeout=20, section=CACHE)
    assert status == 0, k.explain("QEMU to exit with status 0 after `poweroff`",
                                  got=str(status), section=CACHE)
    final = fatdisk.listing(img)
    want = (len(word) + 6, zlib.crc32((word + "\nmore\n").encode()))
    problems = [] if final.get(f"/{d}/Note.txt") == want else [
        (CACHE, f"after `poweroff`, /{d}/Note.txt is "
         f"{describe(final.get(f'/{d}/Note.txt', 'missing'))}, should be {describe(want)} "
         "(power-off syncs first)")]
    problems += image_checks(img)
    if problems:
        report(k, problems, "the image after `poweroff` to hold everything written")


# --- measuring -------------------------------------------------------------------------------------

@pytest.mark.points(5)
@pytest.mark.section(MEASURING)
def test_fat32_reads_and_writes_are_measured(keel, tmp_path, measure):
    """`fatbench NONCE` under -icount shift=0: 4 MiB read sequentially from /disk in 64 KiB
    reads (checked byte for byte), the same bytes read raw from a block server of the
    program's own (64 KiB BLK_READs) and from the ramfs, 4 MiB written to /disk and fsynced,
    and the cache's counts; the written file is read back by mtools.  Target: FAT32 reads at
    least half as fast as the raw block server (at most twice its instructions per KiB)."""
    nonce = new_seed() % 1000000
    img = str(tmp_path / "bench.img")
    fatdisk.mkfs(img, volume_id=nonce)
    data = fatdisk.pattern(nonce, 4 << 20)
    fatdisk.put_files(img, {"/BENCH.BIN": data}, str(tmp_path))
    k = boot_on(keel, img, f"fatbench {nonce}", icount=True)
    k.hint += " QEMUEXTRA='-icount shift=0'"
    expect_mounted(k)
    done = wait_done(k, r"^fatbench: (done|FAIL .*)$", "fatbench's last line", MEASURING,
                     timeout=60)
    assert done.group(1) == "done", k.explain("fatbench to read back the bytes it read",
                                              got=done.group(0) + "\n" + k.hint)
    figures = {name: int(n) for name, n in re.findall(
        r"^fatbench: (read 4 MiB from FAT32|read 4 MiB raw from a block server|read 4 MiB from "
        r"the ramfs|write 4 MiB to FAT32 and fsync): (\d+) instructions per KiB$", k.output, re.M)}
    cache = re.search(r"^fatbench: cache over the read: (\d+) hits, (\d+) misses; over the "
                      r"write: (\d+) hits, (\d+) misses, (\d+) writebacks$", k.output, re.M)
    assert len(figures) == 4 and cache, k.explain("fatbench's four figures and the cache's "
                                                  "counts", got=k.hint)
    hits, misses = int(cache.group(1)), int(cache.group(2))
    fat, ramfs = figures["read 4 MiB from FAT32"], figures["read 4 MiB from the ramfs"]
    raw = figures["read 4 MiB raw from a block server"]
    measure(f"lab 8 fatbench: 4 MiB FAT32 read {fat} instructions per KiB (raw block server "
            f"{raw}, ramfs {ramfs}: FAT32 at {100 * raw // max(1, fat)}% of the raw rate); "
            f"write+fsync {figures['write 4 MiB to FAT32 and fsync']} per KiB; cache over the "
            f"read {hits} hits, {misses} misses ({100 * hits // max(1, hits + misses)}% hits); "
            f"over the write {cache.group(5)} writebacks")
    power_off(k, MEASURING)
    assert fat <= 2 * raw, k.explain(
        f"FAT32 to read at least half as fast as the raw block server: at most {2 * raw} "
        f"instructions per KiB (twice the raw {raw})", got=f"{fat} per KiB; the cache had "
        f"{hits} hits and {misses} misses over the read (a sequential read should need about "
        "one BLK_READ per buffer's worth of sectors: read ahead, and look a run of misses up "
        "in one request)\n" + k.hint, section=CACHE)
    out = fatdisk.listing(img).get("/OUT.BIN")
    assert out == (len(data), zlib.crc32(data)), k.explain(
        "/disk/OUT.BIN to hold the 4 MiB written", got=describe(out) + "\n" + k.hint,
        section=MEASURING)
