"""Which cross tools this machine has: the prefix of binutils for AArch64 and a GDB that
speaks AArch64, found as the Makefile finds them.  Used by the graders (grade/harness.py),
the hang diagnosis (diagnose.py), replays (replay.py) and transcripts (transcripts.py)."""
import shutil

PREFIXES = ("aarch64-linux-gnu-", "aarch64-none-elf-", "aarch64-elf-")
GDBS = ("gdb-multiarch", "aarch64-elf-gdb", "aarch64-linux-gnu-gdb")


def toolprefix():
    """The first prefix on PATH whose nm exists (Debian's when none does)."""
    return next((p for p in PREFIXES if shutil.which(p + "nm")), PREFIXES[0])


def gdb_program():
    """The first AArch64 GDB on PATH (Debian's gdb-multiarch when none is)."""
    return next((g for g in GDBS if shutil.which(g)), GDBS[0])
