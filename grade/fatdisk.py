"""FAT32 images for lab 8's grader (grade/test_lab08_fat32.py): made and read by the host's own
tools, never by Keel's code.

    mkfs.fat and mtools (mmd, mcopy, mdel, mdir) build the images and read them back;
    fsck.fat -n judges them; this file adds only what those tools do not print: the BPB's
    and FSInfo's fields, the FAT's free clusters, how fragmented a chain is, and the damage
    done to a good image for the corruption tests (each kind a small function, named).

The same module builds an image for a student who wants to rerun a failed test by hand:

    python3 grade/fatdisk.py tree NONCE OUT.img          the read test's tree
    python3 grade/fatdisk.py damage NONCE INDEX OUT.img  the corruption test's image INDEX
"""
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SECTOR = 512
IMAGE_KIB = 40960  # mkfs.fat -F 32 -s 1 -C IMG 40960: 80628 clusters of one sector
EOC = 0x0FFFFFF8  # a FAT32 entry at or above this ends a chain
BAD = 0x0FFFFFF7
PERIOD = 65521  # labs/08-fat32/fatscript.c's pattern repeats after this many bytes


class ToolError(Exception):
    """A host tool failed: the grader's own fault (or the host's), never the student's."""


def mtools_env():
    env = dict(os.environ)
    env["MTOOLSRC"] = "/dev/null"  # nobody's ~/.mtoolsrc changes what the grader sees
    env["MTOOLS_SKIP_CHECK"] = "1"
    env["LC_ALL"] = "C.UTF-8"
    return env


def run(args, check=True, cwd=None):
    done = subprocess.run(args, capture_output=True, text=True, errors="replace",
                          env=mtools_env(), cwd=cwd, stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise ToolError(f"`{' '.join(args)}` failed with status {done.returncode}: "
                        f"{(done.stderr or done.stdout).strip()[:400]}")
    return done


def mkfs(path, kib=IMAGE_KIB, volume_id=0x1234ABCD, label="KEEL"):
    """A fresh FAT32 image: one 512-byte sector per cluster, so that chains are long and
    directories cross clusters after 16 entries."""
    if os.path.exists(path):
        os.remove(path)
    run(["mkfs.fat", "-F", "32", "-s", "1", "-n", label, "-i", f"{volume_id:08X}", "-C",
         path, str(kib)])


def mmd(img, path):
    run(["mmd", "-i", img, "::" + path])


def mdel(img, path):
    run(["mdel", "-i", img, "::" + path])


def mcopy_in(img, sources, target_dir):
    """Copies host files into directory target_dir of the image (names as the files have)."""
    run(["mcopy", "-i", img, "-D", "o"] + list(sources) + ["::" + target_dir.rstrip("/") + "/"])


def put_files(img, files, staging):
    """Writes {image path: bytes} into the image, one mcopy per directory, in the dict's
    order of directories.  The directories must exist."""
    by_dir = {}
    for path, data in files.items():
        by_dir.setdefault(os.path.dirname(path), []).append((os.path.basename(path), data))
    for directory, items in by_dir.items():
        where = tempfile.mkdtemp(dir=staging)
        sources = []
        for name, data in items:
            with open(os.path.join(where, name), "wb") as f:
                f.write(data)
            sources.append(os.path.join(where, name))
        mcopy_in(img, sources, directory or "/")
        shutil.rmtree(where)


def listing(img):
    """What mtools sees: {path: None for a directory, or (size, crc32)}, paths from "/",
    from `mdir -/ -b` and the files copied out with `mcopy -s`."""
    done = run(["mdir", "-i", img, "-/", "-b", "::"], check=False)
    tree = {"/": None}
    if done.returncode != 0 and "not found" in done.stderr and not done.stdout.strip():
        return tree  # an empty root: mdir finds nothing to list
    if done.returncode != 0:
        raise ToolError(f"mdir -/ -b on {img} failed: {done.stderr.strip()[:300]}")
    out = done.stdout
    where = tempfile.mkdtemp(prefix="keel-mcopy-")
    try:
        run(["mcopy", "-i", img, "-s", "-n", "-m", "::/", where + "/"])
        for line in out.splitlines():
            if not line.startswith("::/"):
                continue
            path = line[2:]
            if path.endswith("/"):
                tree[path.rstrip("/")] = None
                continue
            with open(os.path.join(where, path.lstrip("/")), "rb") as f:
                data = f.read()
            tree[path] = (len(data), zlib.crc32(data))
    finally:
        shutil.rmtree(where, ignore_errors=True)
    return tree


def contents(img, path):
    """One file's bytes, by mtype (binary safe with -i)."""
    done = subprocess.run(["mtype", "-i", img, "::" + path], capture_output=True,
                          env=mtools_env(), stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise ToolError(f"mtype {path}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


# --- fsck.fat ------------------------------------------------------------------------------

class Fsck:
    """`fsck.fat -n -v IMG`: clean (status 0, nothing to fix) or not, its complaints, and the
    clusters it counts in use."""

    def __init__(self, img):
        done = run(["fsck.fat", "-n", "-v", img], check=False)
        self.status = done.returncode
        self.text = done.stdout + done.stderr
        import re
        counts = re.search(r"(\d+) files, (\d+)/(\d+) clusters", self.text)
        self.used, self.clusters = (int(counts.group(2)), int(counts.group(3))) if counts \
            else (None, None)
        # What it would fix: the lines after the checks' headings that are not its chatter.
        chatter = ("fsck.fat ", "Checking ", "Boot sector contents", "System ID", "Media byte",
                   "bytes per", "reserved sectors", "First FAT", "FATs,", "Root directory",
                   "Data area", "data clusters", "sectors/track", "hidden sectors",
                   "sectors total", "Leaving filesystem unchanged", "Starting check",
                   "Volume label", "Reclaiming", "Free cluster summary", "FSINFO",
                   "Checking free")
        self.complaints = []
        in_header = True
        for line in self.text.splitlines():
            s = line.strip()
            if not s or s.endswith(" clusters") and " files, " in s:
                continue
            if s.startswith("Checking for unused clusters") or s.startswith("Starting check"):
                in_header = False
                continue
            if in_header and any(w in s for w in chatter[:17]):
                continue
            if s.startswith("fsck.fat ") or s.startswith("Leaving filesystem unchanged") or \
                    s.startswith("Checking "):
                continue
            self.complaints.append(s)

    @property
    def free(self):
        return None if self.used is None else self.clusters - self.used

    def clean(self):
        return self.status == 0

    def summary(self, limit=8):
        lines = self.complaints or self.text.strip().splitlines()[-4:]
        more = f"\n        ... and {len(lines) - limit} more" if len(lines) > limit else ""
        return "".join("\n        " + line for line in lines[:limit]) + more


# --- reading the image's own bytes -----------------------------------------------------------

class Volume:
    """The BPB, FSInfo and FATs of an image, read from its bytes."""

    def __init__(self, data):
        self.data = data
        b = data
        self.bytes_per_sector, self.sectors_per_cluster, self.reserved, self.fats = \
            struct.unpack_from("<HBHB", b, 11)
        self.total_sectors = struct.unpack_from("<I", b, 32)[0] or struct.unpack_from("<H", b, 19)[0]
        self.fat_sectors = struct.unpack_from("<I", b, 36)[0]
        self.root_cluster = struct.unpack_from("<I", b, 44)[0]
        self.fsinfo_sector = struct.unpack_from("<H", b, 48)[0]
        self.fat_start = self.reserved * SECTOR
        self.data_start = (self.reserved + self.fats * self.fat_sectors) * SECTOR
        self.cluster_bytes = self.sectors_per_cluster * SECTOR
        self.clusters = (self.total_sectors - self.reserved - self.fats * self.fat_sectors) \
            // self.sectors_per_cluster

    @classmethod
    def open(cls, path):
        with open(path, "rb") as f:
            return cls(bytearray(f.read()))

    def fat(self, copy=0):
        """The FAT copy's entries (28 bits), clusters 0 .. clusters + 1."""
        start = self.fat_start + copy * self.fat_sectors * SECTOR
        n = self.clusters + 2
        return [e & 0x0FFFFFFF for e in struct.unpack_from(f"<{n}I", self.data, start)]

    def fat_bytes(self, copy):
        start = self.fat_start + copy * self.fat_sectors * SECTOR
        return bytes(self.data[start:start + (self.clusters + 2) * 4])

    def entry_offset(self, cluster, copy=0):
        return self.fat_start + copy * self.fat_sectors * SECTOR + 4 * cluster

    def set_entry(self, cluster, value, copies=None):
        for copy in range(self.fats) if copies is None else copies:
            at = self.entry_offset(cluster, copy)
            old = struct.unpack_from("<I", self.data, at)[0]
            struct.pack_into("<I", self.data, at, (old & 0xF0000000) | (value & 0x0FFFFFFF))

    def free_in_fat(self, copy=0):
        return sum(1 for e in self.fat(copy)[2:] if e == 0)

    def fsinfo(self):
        """(lead signature ok, free count, next free) from the FSInfo sector."""
        at = self.fsinfo_sector * SECTOR
        lead, = struct.unpack_from("<I", self.data, at)
        struc, free, nxt = struct.unpack_from("<III", self.data, at + 484)
        return lead == 0x41615252 and struc == 0x61417272, free, nxt

    def cluster_offset(self, cluster):
        return self.data_start + (cluster - 2) * self.cluster_bytes

    def chain(self, first, limit=None):
        fat = self.fat()
        out, c = [], first
        limit = limit or self.clusters
        while 2 <= c < self.clusters + 2 and len(out) < limit:
            out.append(c)
            c = fat[c]
        return out

    def entries(self, first_cluster):
        """The short entries of a directory: (name 11 bytes, attr, first cluster, size,
        byte offset of the entry in the image), LFN entries and deleted ones skipped."""
        out = []
        for c in self.chain(first_cluster):
            base = self.cluster_offset(c)
            for at in range(base, base + self.cluster_bytes, 32):
                e = self.data[at:at + 32]
                if e[0] == 0:
                    return out
                if e[0] == 0xE5 or e[11] == 0x0F:
                    continue
                first = struct.unpack_from("<H", e, 20)[0] << 16 | struct.unpack_from("<H", e, 26)[0]
                out.append((bytes(e[:11]), e[11], first, struct.unpack_from("<I", e, 28)[0], at))
        return out

    def walk(self):
        """Every short entry under the root but . and ..: (entry tuple, parent cluster),
        depth first; a loop of directories is cut."""
        seen, out = set(), []

        def visit(cluster):
            if cluster in seen:
                return
            seen.add(cluster)
            for e in self.entries(cluster):
                if e[0].startswith(b".") or e[1] & 0x08:
                    continue
                out.append((e, cluster))
                if e[1] & 0x10:
                    visit(e[2])
        visit(self.root_cluster)
        return out

    def fragments(self, first):
        """How many runs of consecutive clusters the chain from `first` has."""
        chain = self.chain(first)
        return 1 + sum(1 for a, b in zip(chain, chain[1:]) if b != a + 1) if chain else 0


def fsinfo_report(img):
    """(FSInfo's free count, free clusters counted in FAT 1, FATs identical?)."""
    v = Volume.open(img)
    ok, free, _ = v.fsinfo()
    same = all(v.fat_bytes(0) == v.fat_bytes(i) for i in range(1, v.fats))
    return (free if ok else None), v.free_in_fat(0), same


# --- the pattern fatscript writes ----------------------------------------------------------------

_base = bytes(((j * 2654435761) & 0xFFFFFFFF) >> 13 & 0xFF for j in range(PERIOD))
_doubled = _base * 2


def pattern(tag, n):
    """fatscript's bytes: pattern(TAG, i) for i in 0 .. n-1 (labs/08-fat32/fatscript.c)."""
    out = bytearray()
    start = (tag * 977) % PERIOD
    while len(out) < n:
        take = min(n - len(out), PERIOD)
        out += _doubled[start:start + take]
        start = (start + take) % PERIOD
    return bytes(out)


# --- names -----------------------------------------------------------------------------------

LFN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LFN_EXTRA = " +,;=_-"  # legal in long names only (with [ ], which mtools takes for a glob)


def long_name(rng, lo=9, hi=60):
    """A long name: mixed case, spaces, dots, and the punctuation 8.3 names cannot hold."""
    n = rng.randint(lo, hi)
    chars = [rng.choice(LFN_CHARS + LFN_EXTRA) if i % 5 else rng.choice(LFN_CHARS)
             for i in range(n)]
    name = "".join(chars)
    if rng.random() < 0.5:
        name += "." + "".join(rng.choice(LFN_CHARS) for _ in range(rng.randint(1, 5)))
    return name.strip(" .") or "x"


def short_name(rng):
    """An 8.3 name in capitals: stored as a short entry alone, with no long name."""
    base = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") for _ in range(rng.randint(1, 8)))
    ext = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(0, 3)))
    return base + ("." + ext if ext else "")


def lower_short_name(rng):
    """An 8.3 name in small letters: mtools stores it as a short entry with the case bits
    (byte 12: 0x08 small base, 0x10 small extension), as Windows NT does; no long name."""
    return short_name(rng).lower()


class NameSet:
    """Names unique within each directory as FAT compares them (case-insensitively)."""

    def __init__(self):
        self.taken = {}

    def fresh(self, directory, make):
        taken = self.taken.setdefault(directory, set())
        while True:
            name = make()
            if name.upper() not in taken and name not in (".", ".."):
                taken.add(name.upper())
                return name


# --- the read test's tree --------------------------------------------------------------------------

def random_bytes(rng, n):
    return rng.randbytes(n) if hasattr(rng, "randbytes") else \
        bytes(rng.getrandbits(8) for _ in range(n))


def build_tree(img, nonce, staging):
    """The read test's image, made from the nonce.  Returns what went in, as facts for the
    failure messages: {"files": {path: bytes}, "dirs": [...], "fragmented": path,
    "fragments": n}."""
    rng = random.Random(nonce)
    mkfs(img, volume_id=nonce & 0xFFFFFFFF)
    names = NameSet()
    dirs, files = [], {}

    def new_dir(parent, make):
        name = names.fresh(parent, make)
        path = (parent.rstrip("/") + "/" + name)
        mmd(img, path)
        dirs.append(path)
        return path

    def add(parent, make, data, batch):
        name = names.fresh(parent, make)
        path = parent.rstrip("/") + "/" + name
        batch[path] = data
        files[path] = data
        return path

    # The root: short, small-letter short, and long names; files of every interesting size.
    root = {}
    sizes = [0, 1, 511, 512, 513, 4095, 4096, 4097, 65536 + 17, rng.randint(2, 300000),
             (1 << 20) + rng.randint(1, 200000)]
    for i, size in enumerate(sizes):
        make = (lambda: short_name(rng)) if i % 3 == 0 else \
            (lambda: lower_short_name(rng)) if i % 3 == 1 else (lambda: long_name(rng))
        add("/", make, random_bytes(rng, size), root)
    # A 200-character name needs 16 long-name entries: it crosses a cluster (16 entries).
    add("/", lambda: long_name(rng, 180, 200), random_bytes(rng, 1000), root)
    put_files(img, root, staging)
    # Names that differ only in case, one in each of three directories (two in one
    # directory would be the same name to FAT).
    stem = "".join(rng.choice("abcdefgh") for _ in range(6))
    case = new_dir("/", lambda: "Case" + stem)
    for variant in (stem.upper() + ".TXT", stem + ".txt", stem.capitalize() + ".Txt"):
        d = new_dir(case, lambda: long_name(rng, 3, 12))
        batch = {}
        add(d, lambda v=variant: v, random_bytes(rng, rng.randint(1, 3000)), batch)
        put_files(img, batch, staging)
    # A deep path: 12 directories, a file at the bottom and one halfway.
    d = "/"
    for depth in range(12):
        d = new_dir(d, (lambda: short_name(rng)) if depth % 2 else (lambda: long_name(rng, 9, 30)))
        if depth in (5, 11):
            batch = {}
            add(d, lambda: long_name(rng), random_bytes(rng, rng.randint(0, 9000)), batch)
            put_files(img, batch, staging)
    # A directory of 60 entries: its listing spans many clusters, with long names.
    many = new_dir("/", lambda: long_name(rng, 9, 20))
    batch = {}
    for _ in range(60):
        add(many, lambda: long_name(rng, 5, 40), random_bytes(rng, rng.randint(0, 700)), batch)
    put_files(img, batch, staging)
    # Fragmentation: 40 files of 2-6 clusters, every other one deleted, then a big file whose
    # chain must go through the holes.
    frag = new_dir("/", lambda: "Fragmented " + long_name(rng, 3, 10))
    batch = {}
    for _ in range(40):
        add(frag, lambda: long_name(rng, 5, 15), random_bytes(rng, rng.randint(2, 6) * SECTOR - rng.randint(0, 100)), batch)
    put_files(img, batch, staging)
    for path in list(batch)[::2]:
        mdel(img, path)
        del files[path]
    # mtools allocates after FSInfo's next-free hint: pointed at the start, it fills the holes.
    v = Volume.open(img)
    struct.pack_into("<I", v.data, v.fsinfo_sector * SECTOR + 492, 2)
    with open(img, "r+b") as f:
        f.write(v.data[:SECTOR * (v.fsinfo_sector + 1)])
    big = {}
    big_path = add(frag, lambda: "BIG" + str(rng.randint(0, 99)) + ".BIN",
                   random_bytes(rng, 200000 + rng.randint(0, 50000)), big)
    put_files(img, big, staging)
    v = Volume.open(img)
    first = next((e[2] for e, _ in v.walk() if e[0].startswith(os.path.basename(big_path)
                                                                .split(".")[0].encode())), None)
    return {"files": files, "dirs": dirs, "fragmented": big_path,
            "fragments": v.fragments(first) if first else 0}


# --- the write test: a script and its model ------------------------------------------------------

class Model:
    """What a script must leave on the disk, and what each of its lines must return, as a
    POSIX file system that compares names case-insensitively (FAT) computes it."""

    def __init__(self):
        self.nodes = {"": {}}  # path (case as created) -> dict of children, or bytearray

    @staticmethod
    def key(path):
        return path.upper()

    def lookup(self, path):
        """The node's real path (case as stored), or None."""
        parts = [p for p in path.split("/") if p]
        real = ""
        node = self.nodes[""]
        for p in parts:
            if not isinstance(node, dict):
                return None, "ENOTDIR"
            match = next((n for n in node if n.upper() == p.upper()), None)
            if match is None:
                return None, "ENOENT"
            real = real + "/" + match
            node = node[match]
        return real, node

    def parent(self, path):
        parts = [p for p in path.split("/") if p]
        real, node = self.lookup("/".join(parts[:-1]))
        return real, node, parts[-1]

    def apply(self, line):
        f = line.split("|")
        op = f[0]
        if op in ("create", "append", "write", "trunc"):
            real, node = self.lookup(f[1])
            if op == "create":
                _, parent, name = self.parent(f[1])
                if not isinstance(parent, dict):
                    return "ENOENT" if parent in ("ENOENT", None) else parent
                if real is None:
                    node = parent[name] = bytearray()
                elif isinstance(node, dict):
                    return "EISDIR"
                else:
                    del node[:]
            elif real is None:
                return node
            elif isinstance(node, dict):
                return "EISDIR"
            size, tag = int(f[-2]), int(f[-1])
            data = pattern(tag, size)
            if op == "append":
                node += data
            elif op == "trunc":
                node[:] = data
            elif op == "write":
                at = int(f[2])
                if len(node) < at:
                    node += bytes(at - len(node))
                node[at:at + size] = data
            else:
                node[:] = data
            return "0"
        if op == "mkdir":
            real, node = self.lookup(f[1])
            if real is not None:
                return "EEXIST"
            _, parent, name = self.parent(f[1])
            if not isinstance(parent, dict):
                return "ENOENT" if parent in ("ENOENT", None) else parent
            parent[name] = {}
            return "0"
        if op in ("unlink", "rmdir"):
            real, node = self.lookup(f[1])
            if real is None:
                return node
            if op == "unlink" and isinstance(node, dict):
                return "EISDIR"
            if op == "rmdir" and not isinstance(node, dict):
                return "ENOTDIR"
            if op == "rmdir" and node:
                return "ENOTEMPTY"
            _, parent, _ = self.parent(real)
            del parent[real.rsplit("/", 1)[1]]
            return "0"
        if op == "rename":
            real, node = self.lookup(f[1])
            if real is None:
                return node
            to_real, to_node = self.lookup(f[2])
            _, to_parent, to_name = self.parent(f[2])
            if not isinstance(to_parent, dict):
                return "ENOENT" if to_parent in ("ENOENT", None) else to_parent
            if isinstance(node, dict) and (self.key(f[2]) + "/").startswith(self.key(real) + "/"):
                return "EINVAL"
            if to_real is not None:
                if to_real == real:
                    return "0"
                if isinstance(node, dict) != isinstance(to_node, dict):
                    return "EISDIR" if isinstance(to_node, dict) else "ENOTDIR"
                if isinstance(to_node, dict) and to_node:
                    return "ENOTEMPTY"
                _, tp, _ = self.parent(to_real)
                del tp[to_real.rsplit("/", 1)[1]]
            _, from_parent, _ = self.parent(real)
            del from_parent[real.rsplit("/", 1)[1]]
            to_parent[to_name] = node
            return "0"
        if op == "verify":
            real, node = self.lookup(f[1])
            if real is None:
                return node
            if isinstance(node, dict):
                return "EISDIR"
            return f"{len(node)} {zlib.crc32(bytes(node)):08x}"
        raise ValueError(op)

    def tree(self):
        """{path: None for a directory, or (size, crc32)} as listing() gives it."""
        out = {"/": None}

        def visit(prefix, node):
            for name, child in node.items():
                path = prefix + "/" + name
                if isinstance(child, dict):
                    out[path] = None
                    visit(path, child)
                else:
                    out[path] = (len(child), zlib.crc32(bytes(child)))
        visit("", self.nodes[""])
        return out


def make_script(rng, top, count=120, initial=None):
    """A random script of `count` lines under directory `top` (an absolute guest path, like
    /disk) and the model's result of each: (lines, results, model).  The operations are
    mostly ones that succeed, with a few that must fail (rmdir of a full directory, unlink of
    a missing file, mkdir of a name that exists in another case).  `initial`: {path: bytes,
    or None for a directory} already on the disk (the host put them there), which the script
    works on too.  No name is SCRIPT.TXT (the script itself, in the root)."""
    model = Model()
    lines, results = [], []
    files, dirs = [], [""]  # model paths (relative to top, "/a/b")
    for path, data in sorted((initial or {}).items()):
        _, parent, leaf = model.parent(path)
        parent[leaf] = {} if data is None else bytearray(data)
        (dirs if data is None else files).append(path)
    tag = [rng.randint(1, 50000)]

    def name():
        r = rng.random()
        if r < 0.25:
            n = short_name(rng)
        elif r < 0.35:
            n = lower_short_name(rng)
        else:
            n = long_name(rng, 5, 70 if rng.random() < 0.9 else 200)
        return n if n.upper() != "SCRIPT.TXT" else name()

    def emit(line):
        result = model.apply(line)
        guest = "|".join([line.split("|")[0]] + [top + p if p.startswith("/") else p
                                                   for p in line.split("|")[1:]])
        lines.append(guest)
        results.append(result)
        return result

    def size():
        r = rng.random()
        return 0 if r < 0.08 else rng.randint(1, 600) if r < 0.5 else \
            rng.randint(600, 20000) if r < 0.92 else rng.randint(20000, 150000)

    def next_tag():
        tag[0] = tag[0] % 60000 + rng.randint(1, 997)
        return tag[0]

    def live(paths):
        return [p for p in paths if model.lookup(p)[0] == p]

    while len(lines) < count:
        r = rng.random()
        fs, ds = live(files), live(dirs)
        if r < 0.22 or not fs:
            d = rng.choice(ds)
            p = d + "/" + name()
            if emit(f"create|{p}|{size()}|{next_tag()}") == "0":
                files.append(model.lookup(p)[0])
        elif r < 0.32:
            emit(f"append|{rng.choice(fs)}|{size()}|{next_tag()}")
        elif r < 0.40:
            p = rng.choice(fs)
            n = len(model.lookup(p)[1])
            emit(f"write|{p}|{rng.randint(0, n)}|{rng.randint(1, 5000)}|{next_tag()}")
        elif r < 0.47:
            emit(f"trunc|{rng.choice(fs)}|{rng.choice([0, rng.randint(1, 3000)])}|{next_tag()}")
        elif r < 0.58:
            p = rng.choice(fs)
            to = rng.choice(ds) + "/" + (name() if rng.random() < 0.8 else p.rsplit("/", 1)[1])
            if emit(f"rename|{p}|{to}") == "0":
                files.append(model.lookup(to)[0])
        elif r < 0.66:
            emit(f"unlink|{rng.choice(fs)}")
        elif r < 0.78 and len(ds) < 14:
            p = rng.choice(ds) + "/" + name()
            if emit(f"mkdir|{p}") == "0":
                dirs.append(model.lookup(p)[0])
        elif r < 0.83 and len(ds) > 1:
            d = rng.choice(ds[1:])
            to = rng.choice([x for x in ds if not (x + "/").startswith(d + "/")]) + "/" + name()
            if emit(f"rename|{d}|{to}") == "0":
                real = model.lookup(to)[0]
                dirs = [real + x[len(d):] if (x + "/").startswith(d + "/") else x for x in dirs]
                files = [real + x[len(d):] if (x + "/").startswith(d + "/") else x for x in files]
        elif r < 0.88 and len(ds) > 1:
            d = rng.choice(ds[1:])
            if model.lookup(d)[1]:  # not empty: ENOTEMPTY, then empty it and remove it
                emit(f"rmdir|{d}")
                for child in sorted(model.lookup(d)[1]):
                    path = d + "/" + child
                    emit(("rmdir" if isinstance(model.lookup(path)[1], dict) else "unlink")
                         + f"|{path}")
            emit(f"rmdir|{d}")
        elif r < 0.93:
            emit(f"verify|{rng.choice(fs)}")
        else:  # errors: a missing file, a name that exists in another case
            if rng.random() < 0.5:
                emit(f"unlink|{rng.choice(ds)}/{name()}-missing")
            else:
                p = rng.choice(fs)
                head, tail = p.rsplit("/", 1)
                emit(f"mkdir|{head}/{tail.swapcase()}")
    for p in live(files)[:8]:
        emit(f"verify|{p}")
    return lines, results, model


# --- damage: the corruption test's images ---------------------------------------------------------

def small_image(path, nonce, staging):
    """The good image that every damaged one starts from: a few files (one of several
    clusters, one empty, one with a long name) and a directory holding two more."""
    rng = random.Random(nonce)
    mkfs(path, volume_id=nonce & 0xFFFFFFFF)
    mmd(path, "/Sub Dir")
    files = {"/HELLO.TXT": random_bytes(rng, 700), "/EMPTY": b"",
             "/A long name for a file.bin": random_bytes(rng, 5000),
             "/Sub Dir/INNER.DAT": random_bytes(rng, 3000),
             "/Sub Dir/second file.txt": random_bytes(rng, 40)}
    put_files(path, {p: d for p, d in files.items() if p.startswith("/Sub")}, staging)
    put_files(path, {p: d for p, d in files.items() if not p.startswith("/Sub")}, staging)
    # A directory whose 3 clusters are full ("." and ".." and 46 short entries, no end mark):
    # a reader must follow its chain to the end, so a loop in it cannot be missed.
    mmd(path, "/MANY")
    many = {f"/MANY/E{i:02d}": b"" for i in range(46)}
    put_files(path, many, staging)
    files.update(many)
    return files


def _short(v, stem):
    """The (entry, parent) of the short entry whose 8-byte base starts with `stem`."""
    for e, parent in v.walk():
        if e[0].startswith(stem):
            return e
    raise LookupError(stem)


def _u16(v, at, value):
    struct.pack_into("<H", v.data, at, value)


def _u32(v, at, value):
    struct.pack_into("<I", v.data, at, value)


# Each kind of damage: a function(volume, rng) that damages the volume's bytes and returns the
# paths it damaged, each with what a reader may do with it: "fail" (reading it must fail:
# EIO, or fewer bytes than its size), "anything" (any result, but no hang and no crash: the
# damage is one a reader that follows only what it needs cannot see), "short name" (seen by
# its short name, or by its long name, with the right bytes).  None: the volume itself is
# damaged (a mount may refuse it; if it does not, everything must read right).
def bps_zero(v, rng):
    _u16(v, 11, 0)


def bps_odd(v, rng):
    _u16(v, 11, rng.choice([1, 100, 513, 1000]))


def spc_zero(v, rng):
    v.data[13] = 0


def spc_not_power_of_two(v, rng):
    v.data[13] = rng.choice([3, 5, 6, 7, 12, 255])


def reserved_zero(v, rng):
    _u16(v, 14, 0)


def fats_zero(v, rng):
    v.data[16] = 0


def fat_size_zero(v, rng):
    _u32(v, 36, 0)


def fat_past_volume(v, rng):
    _u32(v, 36, v.total_sectors + rng.randint(0, 1000))


def total_sectors_past_disk(v, rng):
    _u32(v, 32, v.total_sectors * rng.choice([2, 3, 100]))
    _u16(v, 19, 0)


def root_cluster_outside(v, rng):
    _u32(v, 44, rng.choice([0, 1, v.clusters + 2, v.clusters + 1000, 0x0FFFFFFF]))


def no_signature(v, rng):
    v.data[510:512] = b"\0\0"


def truncated(v, rng):
    # The image loses its second half: the BPB says more sectors than the disk has.
    del v.data[len(v.data) // 2 // SECTOR * SECTOR:]


def truncated_in_the_fat(v, rng):
    del v.data[(v.reserved + 3) * SECTOR:]


def fat_loop(v, rng):
    # Cluster k of the file's chain leads back to cluster j <= k, before the file's size is
    # reached.  A reader that follows size bytes reads clusters again (no error is required:
    # the bytes are wrong but the chain is finite to it); what it must not do is hang.
    e = _short(v, b"ALONGN")
    chain = v.chain(e[2])
    k = rng.randrange(len(chain) - 1)
    v.set_entry(chain[k], chain[rng.randint(0, k)])
    return {"/A long name for a file.bin": "anything"}


def fat_self_loop(v, rng):
    e = _short(v, b"INNER")
    v.set_entry(e[2], e[2])
    return {"/Sub Dir/INNER.DAT": "anything"}


def directory_chain_loop(v, rng):
    # /MANY's last cluster leads back to its first: its listing never meets an end mark.
    e = _short(v, b"MANY")
    chain = v.chain(e[2])
    v.set_entry(chain[-1], chain[rng.randrange(len(chain))])
    return {"/MANY": "anything"}


def fat_outside(v, rng):
    e = _short(v, b"ALONGN")
    chain = v.chain(e[2])
    v.set_entry(chain[rng.randrange(len(chain) - 1)],
                rng.choice([v.clusters + 2, v.clusters + 500, 0x0FFFFFF0]))
    return {"/A long name for a file.bin": "fail"}


def fat_free_in_chain(v, rng):
    e = _short(v, b"ALONGN")
    chain = v.chain(e[2])
    v.set_entry(chain[rng.randrange(len(chain) - 1)], rng.choice([0, 1]))
    return {"/A long name for a file.bin": "fail"}


def fat_bad_in_chain(v, rng):
    e = _short(v, b"INNER")
    chain = v.chain(e[2])
    v.set_entry(chain[1], BAD)
    return {"/Sub Dir/INNER.DAT": "fail"}


def entry_cluster_outside(v, rng):
    e = _short(v, b"HELLO")
    c = rng.choice([1, v.clusters + 2, v.clusters + 77, 0x0FFFFFF8 - 1])
    _u16(v, e[4] + 20, c >> 16)
    _u16(v, e[4] + 26, c & 0xFFFF)
    return {"/HELLO.TXT": "fail"}


def entry_size_past_chain(v, rng):
    e = _short(v, b"HELLO")
    _u32(v, e[4] + 28, rng.choice([5000, 1 << 20, 0xFFFFFFFF]))
    return {"/HELLO.TXT": "fail"}


def entry_size_without_cluster(v, rng):
    e = _short(v, b"EMPTY")
    _u32(v, e[4] + 28, rng.choice([1, 512, 100000]))
    return {"/EMPTY": "fail"}


def directory_outside(v, rng):
    e = _short(v, b"SUBDIR")
    c = rng.choice([v.clusters + 2, v.clusters + 999])
    _u16(v, e[4] + 20, c >> 16)
    _u16(v, e[4] + 26, c & 0xFFFF)
    return {"/Sub Dir": "fail"}


def directory_loop(v, rng):
    # The subdirectory's chain ends in the root's first cluster: a loop of directories
    # (and the listing of Sub Dir runs into the root's entries).
    e = _short(v, b"SUBDIR")
    chain = v.chain(e[2])
    v.set_entry(chain[-1], v.root_cluster)
    return {"/Sub Dir": "anything"}


def root_chain_loop(v, rng):
    chain = v.chain(v.root_cluster)
    v.set_entry(chain[-1], chain[0])


def lfn_bad_checksum(v, rng):
    # The long name's checksum no longer matches its short entry: a reader must ignore the
    # long name (the file is then seen by its short name, LONGNA~1.BIN) or report it.
    e = _short(v, b"ALONGN")
    at = e[4] - 32
    v.data[at + 13] ^= 0x5A
    return {"/A long name for a file.bin": "short name"}


DAMAGE = [bps_zero, bps_odd, spc_zero, spc_not_power_of_two, reserved_zero, fats_zero,
          fat_size_zero, fat_past_volume, total_sectors_past_disk, root_cluster_outside,
          no_signature, truncated, truncated_in_the_fat, fat_loop, fat_self_loop, fat_outside,
          fat_free_in_chain, fat_bad_in_chain, directory_chain_loop, entry_cluster_outside,
          entry_size_past_chain, entry_size_without_cluster, directory_outside, directory_loop, root_chain_loop,
          lfn_bad_checksum]


def damaged(good_bytes, index, nonce):
    """Damaged image number `index`: (its bytes, the kind's name, the victims or None).
    The kinds take turns; the rest of the damage comes from the nonce and the index."""
    kind = DAMAGE[index % len(DAMAGE)]
    rng = random.Random(nonce * 1000003 + index)
    v = Volume(bytearray(good_bytes))
    victims = kind(v, rng)
    return bytes(v.data), kind.__name__, victims


def main(argv):
    if len(argv) == 4 and argv[1] == "tree":
        staging = tempfile.mkdtemp(prefix="keel-fat-")
        try:
            facts = build_tree(argv[3], int(argv[2]), staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        print(f"{argv[3]}: {len(facts['files'])} files, {len(facts['dirs'])} directories; "
              f"{facts['fragmented']} in {facts['fragments']} pieces")
        return 0
    if len(argv) == 5 and argv[1] == "damage":
        staging = tempfile.mkdtemp(prefix="keel-fat-")
        try:
            small_image(argv[4], int(argv[2]), staging)
            with open(argv[4], "rb") as f:
                good = f.read()
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        data, name, victims = damaged(good, int(argv[3]), int(argv[2]))
        with open(argv[4], "wb") as f:
            f.write(data)
        print(f"{argv[4]}: {name}; " + (f"damaged: {victims}" if victims else
                                        "the volume itself is damaged"))
        return 0
    print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
