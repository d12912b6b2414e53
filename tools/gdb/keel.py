"""Keel's GDB helpers, loaded by the top-level .gdbinit (`make gdb`).

    keel-attach     load the running lab's kernel.elf and connect to its QEMU
                    (both read from build/gdb-session, written by `make lab-N qemu-gdb`)
    keel-el         the current exception level and what the PSTATE bits say
    keel-sym ADDR   the kernel function that contains ADDR, as the kernel's backtrace
                    would print it

Later labs add commands here (page tables, trap frames, tasks).
"""
import os

import gdb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SESSION = os.path.join(ROOT, "build", "gdb-session")


class KeelPrefix(gdb.Command):
    """Keel's commands: keel-attach, keel-el, keel-sym (see tools/gdb/keel.py)."""

    def __init__(self):
        super().__init__("keel", gdb.COMMAND_USER, prefix=True)


class KeelAttach(gdb.Command):
    """Load the kernel of the lab that `make lab-N qemu-gdb` started, and connect to it."""

    def __init__(self):
        super().__init__("keel-attach", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        try:
            with open(SESSION) as f:
                fields = dict(line.split(None, 1) for line in f.read().splitlines() if line)
        except OSError:
            raise gdb.GdbError("no build/gdb-session: start 'make lab-N qemu-gdb' first")
        elf, port = fields["elf"].strip(), fields["port"].strip()
        gdb.execute(f"file {elf}")
        print(f"Keel lab {fields['lab'].strip()}: connecting to QEMU on port {port} ...")
        gdb.execute(f"target remote 127.0.0.1:{port}")


class KeelEl(gdb.Command):
    """Print the current exception level and the interrupt masks, from CPSR (PSTATE)."""

    def __init__(self):
        super().__init__("keel-el", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        cpsr = int(gdb.parse_and_eval("$cpsr"))
        el = (cpsr >> 2) & 3
        sp = "SP_EL%d" % el if cpsr & 1 else "SP_EL0"
        masks = "".join(name for bit, name in ((9, "D"), (8, "A"), (7, "I"), (6, "F"))
                        if cpsr & (1 << bit)) or "none"
        print(f"EL{el}, stack pointer {sp}, interrupts masked: {masks} (cpsr 0x{cpsr:x})")


class KeelSym(gdb.Command):
    """keel-sym ADDR: the function containing ADDR, as `name+0xoffset`."""

    def __init__(self):
        super().__init__("keel-sym", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        address = int(gdb.parse_and_eval(arg or "$pc")) & (2**64 - 1)
        block = gdb.block_for_pc(address)
        while block is not None and block.function is None:
            block = block.superblock
        if block is None:
            print(f"0x{address:016x}  ?")
        else:
            print(f"0x{address:016x}  {block.function.name}+0x{address - block.start:x}")


KeelPrefix()
KeelAttach()
KeelEl()
KeelSym()
