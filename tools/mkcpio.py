#!/usr/bin/env python3
"""Packs files into a cpio archive in the "newc" format, which Keel's kernel/boot/cpio.c reads.

    mkcpio.py -o OUT.cpio FILE...        each file is stored under its base name
    mkcpio.py -o OUT.cpio NAME=FILE...   ... or under NAME

Format (cpio(5), "New ASCII Format"): per file a 110-byte header of "070701" and 13 fields
of 8 hex digits, the name with its NUL, padding to 4 bytes, the data, padding to 4 bytes;
a last entry named TRAILER!!! ends the archive.
"""
import argparse
import os
import sys

MAGIC = b"070701"


def header(name, size, mode, ino):
    fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, len(name) + 1, 0]
    return MAGIC + b"".join(b"%08x" % f for f in fields)


def pad4(data):
    return data + b"\0" * (-len(data) % 4)


def pack(entries):
    out = b""
    for ino, (name, data) in enumerate(entries, 1):
        encoded = name.encode()
        out += pad4(header(encoded, len(data), 0o100755, ino) + encoded + b"\0")
        out += pad4(data)
    out += pad4(header(b"TRAILER!!!", 0, 0, 0) + b"TRAILER!!!\0")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    entries, seen = [], set()
    for spec in args.files:
        name, _, path = spec.rpartition("=") if "=" in spec else ("", "", spec)
        name = name or os.path.basename(path)
        if name in seen:
            sys.exit(f"mkcpio: {path}: a second file named {name!r}")
        seen.add(name)
        try:
            with open(path, "rb") as f:
                entries.append((name, f.read()))
        except OSError as e:
            sys.exit(f"mkcpio: {path}: {e.strerror}")
    with open(args.output, "wb") as f:
        f.write(pack(entries))


if __name__ == "__main__":
    main()
