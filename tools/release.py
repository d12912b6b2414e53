#!/usr/bin/env python3
"""Writes and checks the student trees that instructors hand out.

    release.py lint                          check every solution marker in the tree
    release.py write --lab N --dest DIR      write lab N's student tree (make release)
                     [--strip lab|all]       strip lab N's solutions only (default) or 1..N's
    release.py check [--lab N]               prove lab N's release (all labs by default):
                                             it builds, earlier labs' graders pass, every one
                                             of lab N's tests fails, no solution leaks

Solution markers (C, assembly and linker scripts alike):

        // LAB 1: Your code here.  (a hint for the student, kept in the release)
        // BEGIN SOLUTION LAB 1
        ... the reference solution ...
        // STUB
        //| panic("lab 1: uart_putc");     (what the student tree gets instead; optional)
        // END SOLUTION

A lab-M block in a file that an earlier lab owns must sit inside `#if LAB >= M`: the
release of an earlier lab drops such regions (keeping their `#else` part).  Every file under
kernel/ and user/ must be owned by a lab: listed in some labs/NN-*/lab.mk.  Errors name the
file and line and make the tool exit non-zero.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BEGIN = re.compile(r"^\s*// BEGIN SOLUTION LAB (\d+)\s*$")
STUB = re.compile(r"^\s*// STUB\s*$")
END = re.compile(r"^\s*// END SOLUTION\s*$")
STUB_LINE = re.compile(r"^(\s*)//\|(?: |$)(.*)$")
LOOKS_LIKE_MARKER = re.compile(r"SOLUTION|^\s*// STUB|^\s*//\|")
IF_LAB = re.compile(r"^\s*#\s*if\s+LAB\s*>=\s*(\d+)\s*$")
MENTIONS_LAB = re.compile(r"^\s*#\s*(el)?if\b.*\bLAB\b")
PP_IF = re.compile(r"^\s*#\s*if(n?def)?\b")
PP_ELSE = re.compile(r"^\s*#\s*else\b")
PP_ELIF = re.compile(r"^\s*#\s*elif\b")
PP_ENDIF = re.compile(r"^\s*#\s*endif\b")

MARKED_EXTENSIONS = (".c", ".h", ".S", ".ld")
RELEASE_MARKER = ".keel-release"


class MarkerError(Exception):
    pass


def fail(path, number, message):
    raise MarkerError(f"{path}:{number}: {message}")


# --- parsing marked files --------------------------------------------------------------------

class Block:
    def __init__(self, lab, line):
        self.lab, self.line = lab, line
        self.solution, self.stub = [], []


class IfLab:
    def __init__(self, lab, text, line):
        self.lab, self.text, self.line = lab, text, line
        self.then, self.otherwise = [], None
        self.else_text = self.endif_text = None


def parse(path, lines):
    """Returns the file as a list of items: strings (plain lines), Blocks and IfLabs."""
    items, i, stop = parse_region(path, lines, 0, inside_if_lab=False)
    if stop is not None:
        fail(path, i + 1, f"'{lines[i].strip()}' without a matching #if")
    return items


def parse_region(path, lines, i, inside_if_lab):
    """Parses until the end, or (inside an `#if LAB`) its #else/#endif.  Returns
    (items, index of the line that stopped us, 'else'/'endif'/None)."""
    items = []
    depth = 0  # other #if's opened inside this region
    while i < len(lines):
        line = lines[i]
        if BEGIN.match(line):
            block, i = parse_block(path, lines, i)
            items.append(block)
            continue
        if IF_LAB.match(line):
            node = IfLab(int(IF_LAB.match(line).group(1)), line, i + 1)
            node.then, i, stop = parse_region(path, lines, i + 1, inside_if_lab=True)
            if stop == "else":
                node.else_text = lines[i]
                node.otherwise, i, stop = parse_region(path, lines, i + 1, inside_if_lab=True)
                if stop == "else":
                    fail(path, i + 1, "a second #else for the #if LAB at line %d" % node.line)
            if stop != "endif":
                fail(path, node.line, "#if LAB without its #endif")
            node.endif_text = lines[i]
            items.append(node)
            i += 1
            continue
        if MENTIONS_LAB.match(line):
            fail(path, i + 1, "conditions on LAB must read exactly '#if LAB >= N' "
                              "(tools/release.py must understand them)")
        if LOOKS_LIKE_MARKER.search(line) and (STUB.match(line) or END.match(line)
                                               or STUB_LINE.match(line) or "BEGIN SOLUTION" in line):
            fail(path, i + 1, f"'{line.strip()}' outside a solution block, or misspelt")
        if PP_IF.match(line):
            depth += 1
        elif depth == 0 and inside_if_lab and (PP_ELSE.match(line) or PP_ELIF.match(line)):
            if PP_ELIF.match(line):
                fail(path, i + 1, "#elif after '#if LAB >= N' is not supported; nest instead")
            return items, i, "else"
        elif PP_ENDIF.match(line):
            if depth == 0 and inside_if_lab:
                return items, i, "endif"
            depth = max(depth - 1, 0)
        items.append(line)
        i += 1
    return items, i, None


def parse_block(path, lines, i):
    block = Block(int(BEGIN.match(lines[i]).group(1)), i + 1)
    i += 1
    in_stub = False
    while i < len(lines):
        line = lines[i]
        if END.match(line):
            return block, i + 1
        if BEGIN.match(line):
            fail(path, i + 1, f"BEGIN SOLUTION inside the block that starts at line {block.line}")
        if STUB.match(line):
            if in_stub:
                fail(path, i + 1, "a second STUB in one block")
            in_stub = True
        elif in_stub:
            match = STUB_LINE.match(line)
            if not match:
                fail(path, i + 1, "in a STUB, every line must start with '//|'")
            block.stub.append(match.group(1) + match.group(2))
        else:
            if STUB_LINE.match(line) or IF_LAB.match(line) or MENTIONS_LAB.match(line):
                fail(path, i + 1, "'//|' lines and #if LAB belong outside solution code")
            block.solution.append(line)
        i += 1
    fail(path, block.line, "BEGIN SOLUTION without END SOLUTION")


def check_owners(path, items, file_lab, known_labs, context=None):
    """A block of lab M must be a known lab, not earlier than the file, and, when later,
    inside an `#if LAB >= M` (or a later one)."""
    context = context or file_lab
    for item in items:
        if isinstance(item, Block):
            if item.lab not in known_labs:
                fail(path, item.line, f"lab {item.lab} does not exist (labs: {known_labs})")
            if file_lab is not None and item.lab < file_lab:
                fail(path, item.line, f"a lab {item.lab} solution in a file that lab "
                                      f"{file_lab} adds: lab {item.lab}'s students never see it")
            if context is not None and item.lab > context:
                fail(path, item.line, f"a lab {item.lab} solution in a lab {context} part of "
                                      f"the file: wrap it in '#if LAB >= {item.lab}'")
        elif isinstance(item, IfLab):
            inner = max(item.lab, context or 0)
            check_owners(path, item.then, file_lab, known_labs, inner)
            check_owners(path, item.otherwise or [], file_lab, known_labs, context)


def render(items, lab, strip):
    """The file as lab `lab`'s student tree has it.  `strip` is the set of labs whose
    solutions become stubs.  Returns (lines, stripped solution lines)."""
    out, removed = [], []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Block):
            if item.lab > lab:
                removed += item.solution
            elif item.lab in strip:
                out += item.stub
                removed += item.solution
            else:
                out += item.solution
        else:
            then, then_removed = render(item.then, lab, strip)
            otherwise, other_removed = render(item.otherwise or [], lab, strip)
            removed += then_removed + other_removed
            if item.lab > lab:
                removed += then
                out += otherwise
            else:
                out += [item.text] + then
                if item.otherwise is not None:
                    out += [item.else_text] + otherwise
                out.append(item.endif_text)
    return out, removed


# --- which files belong to which lab ---------------------------------------------------------

def lab_numbers():
    labs = []
    for name in sorted(os.listdir(os.path.join(ROOT, "labs"))):
        match = re.fullmatch(r"(\d\d)-[\w-]+", name)
        if match and os.path.exists(os.path.join(ROOT, "labs", name, "lab.mk")):
            labs.append((int(match.group(1)), name))
    return labs


def make_lab_files(lab):
    """Every file that labs 1..lab declare (kernel/, user/, docs/; make print-lab-files)."""
    out = subprocess.run(["make", "-s", "--no-print-directory", "print-lab-files", f"LAB={lab}"],
                         cwd=ROOT, capture_output=True, text=True, env=clean_environment())
    if out.returncode != 0:
        sys.exit(f"release: make print-lab-files LAB={lab} failed:\n{out.stderr}")
    files = set()
    for line in out.stdout.splitlines():
        files.update(line.split()[1:])
    return files


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("release: this is not a git checkout; run from the Keel repository")
    return sorted(f for f in out.stdout.split("\0") if f and os.path.exists(os.path.join(ROOT, f)))


def owners(labs):
    """Maps each kernel/ and user/ file to the lab that first declares it."""
    owner = {}
    for number, _ in labs:
        for path in make_lab_files(number):
            owner.setdefault(path, number)
    return owner


def file_lab(path, owner, labs):
    """The lab a file belongs to; 0 for files every lab has; None for files no release has."""
    parts = path.split("/")
    by_dir = {name: number for number, name in labs}
    if path in owner:
        return owner[path]
    if parts[0] in ("kernel", "user"):
        return owner.get(path, -1)
    if parts[0] == "labs" and len(parts) > 1:
        return by_dir.get(parts[1], -1)
    if parts[0] == "grade":
        match = re.match(r"test_lab(\d\d)", parts[-1])
        return int(match.group(1)) if match else 0
    if parts[0] == "handouts":
        match = re.match(r"(\d\d)-", parts[-1])
        return int(match.group(1)) if match else 0
    if parts[0] in ("solutions", ".ci") or path == RELEASE_MARKER:
        return None
    return 0


def scan(labs):
    """Parses every marked file; returns ({path: items}, owner map).  Exits on errors."""
    owner = owners(labs)
    known = [number for number, _ in labs]
    errors, parsed = [], {}
    for path in tracked_files():
        lab = file_lab(path, owner, labs)
        if lab == -1:
            errors.append(f"{path}:1: not declared by any labs/NN-*/lab.mk "
                          "(every kernel/ and user/ file belongs to the lab that adds it)")
            continue
        if not path.endswith(MARKED_EXTENSIONS) or lab is None:
            continue
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            lines = f.read().split("\n")
        try:
            items = parse(path, lines)
            check_owners(path, items, lab or None, known)
            parsed[path] = items
        except MarkerError as e:
            errors.append(str(e))
    for path in sorted(set(owner) - set(tracked_files())):
        errors.append(f"{path}:1: declared in a lab.mk but missing")
    if errors:
        sys.exit("\n".join(errors))
    return parsed, owner


# --- writing a release -----------------------------------------------------------------------

def write_release(lab, dest, strip_mode):
    labs = lab_numbers()
    numbers = [n for n, _ in labs]
    if lab not in numbers:
        sys.exit(f"release: unknown lab {lab}; the labs are {numbers}")
    parsed, owner = scan(labs)
    strip = set(range(1, lab + 1)) if strip_mode == "all" else {lab}
    dest = os.path.abspath(dest)
    if os.path.exists(dest) and os.listdir(dest):
        if not os.path.exists(os.path.join(dest, RELEASE_MARKER)):
            sys.exit(f"release: {dest} exists and is not an earlier release; not touching it")
        shutil.rmtree(dest)
    leaks = {}
    for path in tracked_files():
        belongs = file_lab(path, owner, labs)
        if belongs is None or belongs > lab:
            continue
        source = os.path.join(ROOT, path)
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if path in parsed:
            lines, removed = render(parsed[path], lab, strip)
            with open(target, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            leaks[path] = removed
        else:
            shutil.copyfile(source, target)
        shutil.copymode(source, target)
    with open(os.path.join(dest, RELEASE_MARKER), "w") as f:
        f.write(f"lab {lab}\nstrip {strip_mode}\n")
    return leaks


def distinctive(line, original_text):
    """A solution line that would give the solution away if it appeared in the release:
    long enough, not a comment, and found nowhere else in the original file."""
    text = line.strip()
    if len(text) < 16 or text.startswith(("//", "/*", "*")):
        return False
    return original_text.count(text) == 1


def check_no_leaks(dest, leaks):
    problems = []
    for path, removed in leaks.items():
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            original = f.read()
        with open(os.path.join(dest, path), encoding="utf-8") as f:
            released = f.read()
        for line in removed:
            if distinctive(line, original) and line.strip() in released:
                problems.append(f"{path}: solution line still in the release: {line.strip()}")
        for number, text in enumerate(released.split("\n"), 1):
            if LOOKS_LIKE_MARKER.search(text) and ("SOLUTION" in text or STUB_LINE.match(text)):
                problems.append(f"{path}:{number}: marker left in the release: {text.strip()}")
    if os.path.exists(os.path.join(dest, "solutions")):
        problems.append("solutions/ is in the release")
    return problems


# --- checking releases -----------------------------------------------------------------------

def clean_environment():
    """Our environment without make's: a `make release-check LAB=2` must not pass LAB=2 on
    to the makes it runs in the release tree (make exports it through MAKEFLAGS)."""
    env = dict(os.environ)
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "LAB", "UPTO", "STRIP",
                 "DEST", "GRADE_ONLY", "PYTEST_ARGS"):
        env.pop(name, None)
    return env


def run(cmd, cwd, log):
    """Runs cmd, appending its output to `log`; returns the exit status."""
    with open(log, "a") as f:
        f.write(f"\n$ {' '.join(cmd)}   (in {cwd})\n")
        f.flush()
        return subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                              env=clean_environment()).returncode


def check_release(lab, jobs):
    dest = os.path.join(ROOT, "build", "release-check", f"lab{lab}")
    log = dest + ".log"
    if os.path.exists(log):
        os.remove(log)
    problems = []
    leaks = write_release(lab, dest, "lab")
    problems += check_no_leaks(dest, leaks)
    for m in range(1, lab + 1):
        if run(["make", f"-j{jobs}", "build", f"LAB={m}"], dest, log) != 0:
            problems.append(f"the lab {lab} tree does not build lab {m}")
    if problems:
        return problems, log
    if lab > 1 and run(["make", "grade", f"UPTO={lab - 1}"], dest, log) != 0:
        problems.append(f"in the lab {lab} tree, the graders of labs 1..{lab - 1} do not all pass")
    run(["make", "grade", f"LAB={lab}", f"GRADE_ONLY={lab}"], dest, log)
    results_path = os.path.join(dest, "build", "grade", "results.json")
    try:
        with open(results_path) as f:
            tests = json.load(f)["tests"]
    except (OSError, ValueError, KeyError):
        tests = []
    if not tests:
        problems.append(f"lab {lab}'s grader produced no results in the stripped tree")
    for test in tests:
        # A test worth no points checks the grader's own tools (lab 7's Linux oracle), not
        # the student's work: it may pass on the stripped tree, and gives nothing for free.
        if test["status"] == "passed" and test.get("max_score", 1) > 0:
            problems.append(f"free points: '{test['name']}' passes on the stripped lab {lab} tree")
    return problems, log


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("lint", help="check every solution marker")
    w = sub.add_parser("write", help="write a student tree")
    w.add_argument("--lab", type=int, required=True)
    w.add_argument("--dest", required=True)
    w.add_argument("--strip", choices=("lab", "all"), default="lab")
    c = sub.add_parser("check", help="prove the releases")
    c.add_argument("--lab", type=int)
    c.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    if os.path.exists(os.path.join(ROOT, RELEASE_MARKER)):
        sys.exit("release: this is a student tree (it has .keel-release); releases are made "
                 "from the instructors' repository")
    if args.command == "lint":
        parsed, _ = scan(lab_numbers())
        blocks = sum(sum(1 for i in walk(items) if isinstance(i, Block)) for items in parsed.values())
        print(f"release: {len(parsed)} files, {blocks} solution blocks, all well formed")
    elif args.command == "write":
        leaks = write_release(args.lab, args.dest, args.strip)
        problems = check_no_leaks(os.path.abspath(args.dest), leaks)
        if problems:
            sys.exit("\n".join(problems))
        print(f"release: lab {args.lab} student tree written to {args.dest} "
              f"({'labs 1..%d' % args.lab if args.strip == 'all' else 'lab %d' % args.lab} stripped)")
    else:
        labs = [args.lab] if args.lab else [n for n, _ in lab_numbers()]
        scan(lab_numbers())
        failed = False
        for lab in labs:
            print(f"release-check: lab {lab} ...", flush=True)
            problems, log = check_release(lab, args.jobs)
            if problems:
                failed = True
                for p in problems:
                    print(f"  FAIL {p}")
                print(f"  (log: {os.path.relpath(log, ROOT)})")
            else:
                print(f"  ok: builds labs 1..{lab}; labs 1..{lab - 1} pass; every lab {lab} "
                      f"test fails until the student does the work; nothing leaks")
        if failed:
            sys.exit(1)
        print("release-check: all good")


def walk(items):
    for item in items:
        yield item
        if isinstance(item, IfLab):
            yield from walk(item.then)
            yield from walk(item.otherwise or [])


if __name__ == "__main__":
    main()
