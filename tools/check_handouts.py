#!/usr/bin/env python3
"""Checks that every lab has its handout and answer key, that every handout section the
graders cite in their failure messages ("handouts/02-paging.md, 'Exercise 1'") exists
there (as a heading, or as the bold lead-in of a hint: "- **A silent hang right after the
`RAM:` line** means ..."), that every grader test names its own section with
@pytest.mark.section (what its failure messages cite when a check names none), and that
every path of the tree that a handout, answer key, doc or the README names
(`kernel/mm/frame.c`, `labs/04-scheduler/*.c`) exists.  Prints file:line for each problem
and exits non-zero if there is any.

    check_handouts.py            (run by .ci/run)
"""
import ast
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CITATION = re.compile(r"""handouts/([\w-]+\.md)(?:, '([^']+)')?""")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
HINT = re.compile(r"^(?:- |\d+\. )?\*\*(.+?)\*\*")  # a bullet's (or a paragraph's) bold lead-in


# A path in the tree: starts with one of its top-level folders.  Placeholders such as
# handouts/NN-*.md or labs/NN-name are not paths and are skipped.
TREE_PATH = re.compile(r"(?<![\w/.-])((?:kernel|user|labs|grade|tools|docs|handouts|solutions)"
                       r"/[\w./*-]*[\w*])")
PLACEHOLDER = re.compile(r"NN|/N\b|NAME")


def cited_paths_missing():
    """file:line problems for paths that prose names but the tree does not have."""
    problems = []
    texts = (glob.glob(os.path.join(ROOT, "handouts", "*.md")) +
             glob.glob(os.path.join(ROOT, "solutions", "*.md")) +
             glob.glob(os.path.join(ROOT, "docs", "**", "*.md"), recursive=True) +
             [os.path.join(ROOT, "README.md")])
    for text in sorted(texts):
        with open(text, encoding="utf-8") as f:
            lines = f.read().split("\n")
        for number, line in enumerate(lines, 1):
            for match in TREE_PATH.finditer(line):
                path = match.group(1).rstrip(".")
                if PLACEHOLDER.search(path):
                    continue
                found = glob.glob(os.path.join(ROOT, path)) if "*" in path else \
                    os.path.exists(os.path.join(ROOT, path))
                if not found:
                    problems.append(f"{os.path.relpath(text, ROOT)}:{number}: names {path}, "
                                    "which is not in the tree")
    return problems


def tests_without_a_section():
    """file:line problems for grader tests that have no @pytest.mark.section."""
    problems = []
    for path in sorted(glob.glob(os.path.join(ROOT, "grade", "test_*.py"))):
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        for node in tree.body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            marks = [d.func.attr for d in node.decorator_list if isinstance(d, ast.Call)
                     and isinstance(d.func, ast.Attribute)]
            if "section" not in marks:
                problems.append(f"{os.path.relpath(path, ROOT)}:{node.lineno}: {node.name} has "
                                "no @pytest.mark.section (the handout section its failures cite)")
    return problems


def headings(path):
    """The headings and the bold lead-ins of a handout: what a citation may name."""
    found = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            match = HEADING.match(line) or HINT.match(line)
            if match:
                found.append(match.group(1))
    return found


def main():
    problems = []
    labs = sorted(d for d in os.listdir(os.path.join(ROOT, "labs")) if re.match(r"\d\d-", d))
    for lab in labs:
        for folder in ("handouts", "solutions"):
            if not os.path.exists(os.path.join(ROOT, folder, lab + ".md")):
                problems.append(f"{folder}/{lab}.md:1: missing (every lab has a handout and "
                                "an answer key)")
    grade = os.path.join(ROOT, "grade")
    for name in sorted(os.listdir(grade)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(grade, name), encoding="utf-8") as f:
            lines = f.read().split("\n")
        for number, line in enumerate(lines, 1):
            for handout, section in CITATION.findall(line):
                path = os.path.join(ROOT, "handouts", handout)
                where = f"grade/{name}:{number}"
                if not os.path.exists(path):
                    problems.append(f"{where}: cites handouts/{handout}, which does not exist")
                elif section and not any(section in h for h in headings(path)):
                    problems.append(f"{where}: cites section '{section}', which is not a "
                                    f"heading of handouts/{handout}")
    problems += tests_without_a_section()
    problems += cited_paths_missing()
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(f"handouts: {len(labs)} labs, every handout and answer key present, every cited "
          "section, every test's own section and every named path found")


if __name__ == "__main__":
    main()
