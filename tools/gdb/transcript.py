"""The GDB side of tools/transcripts.py: runs a transcript's GDB commands, one by one, and
prints each shown command after a `(gdb) ` prompt followed by what it printed, as an
interactive session would show it.  What hidden commands (setup the reader need not see)
print is fenced with markers that tools/transcripts.py cuts out.

Loaded by tools/transcripts.py after .gdbinit (which attaches to QEMU, as `make gdb` does):
    gdb-multiarch -q -batch -x .gdbinit -x tools/gdb/transcript.py
with KEEL_TRANSCRIPT naming a JSON file: [{"command": "stepi", "shown": true}, ...].
"""
import json
import os

import gdb

START = "\x01transcript-start\x01"
END = "\x01transcript-end\x01"
HIDE = "\x01transcript-hide\x01"
SHOW = "\x01transcript-show\x01"


def run(command, shown):
    if shown:
        print("(gdb) " + command)
    else:
        print(HIDE)  # tools/transcripts.py cuts what follows, up to SHOW
    try:
        gdb.execute(command, from_tty=True)
    except gdb.error as error:
        print(error)
        if not shown:
            # A hidden command that fails would make the rest of the transcript a lie.
            print(SHOW + f"(hidden command {command!r} failed)")
            raise
    if not shown:
        print(SHOW)


def main():
    with open(os.environ["KEEL_TRANSCRIPT"]) as f:
        steps = json.load(f)
    print(START)
    try:
        for step in steps:
            run(step["command"], step["shown"])
    except gdb.error:
        return
    print(END)


main()
