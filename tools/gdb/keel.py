"""Keel's GDB helpers, loaded by the top-level .gdbinit (`make gdb`).

    keel-attach     load the running lab's kernel.elf and connect to its QEMU
                    (both read from build/gdb-session, written by `make lab-N qemu-gdb`)
    keel-el         the current exception level and what the PSTATE bits say
    keel-sym ADDR   the kernel function that contains ADDR, as the kernel's backtrace
                    would print it
    keel-pt ADDR    walk the live page table for ADDR (TTBR1 for kernel addresses, TTBR0
                    for user ones) and show each level's descriptor and the permissions
                    (from lab 1 on: the boot table too)
    keel-tf [ADDR]  a trap frame (default: the one the current exception saved; lab 3 on)
    keel-tasks      the task table: pid, state, name, kernel stack (lab 4 on)
Commands a lab's kernel cannot support yet say so and which lab adds what they need.
"""
import os
import re

import gdb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SESSION = os.environ.get("KEEL_GDB_SESSION") or os.path.join(ROOT, "build", "gdb-session")


class KeelPrefix(gdb.Command):
    """Keel's commands: keel-attach, keel-el, keel-sym, keel-pt, keel-tf, keel-tasks."""

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
        cpsr = int(gdb.parse_and_eval("$cpsr")) & 0xFFFFFFFF
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
        address = address_of(arg or "$pc")
        block = gdb.block_for_pc(address)
        while block is not None and block.function is None:
            block = block.superblock
        if block is not None:
            print(f"0x{address:016x}  {block.function.name}+0x{address - block.start:x}")
            return
        # No debug information (assembly labels such as start_high): the ELF symbol table.
        text = gdb.execute(f"info symbol 0x{address:x}", to_string=True)
        match = re.match(r"(\S+)(?: \+ (\d+))? in section", text)
        if match:
            print(f"0x{address:016x}  {match.group(1)}+0x{int(match.group(2) or 0):x}")
        else:
            print(f"0x{address:016x}  ?")


KERNBASE = 0xFFFFFF8000000000
ADDR_MASK = 0x0000FFFFFFFFF000


def address_of(expression):
    """The value of a GDB expression as an address: numbers, pointers, functions and arrays
    alike (kmain, boot_stack_guard, $sp, 0x400000)."""
    return int(gdb.parse_and_eval(f"(unsigned long)({expression})")) & (2**64 - 1)


def read_u64(address):
    memory = gdb.selected_inferior().read_memory(address, 8)
    return int.from_bytes(bytes(memory), "little")


def describe_descriptor(desc):
    """Permissions and memory type of a page/block descriptor, as the kernel's `pt` shows."""
    ap = (desc >> 6) & 3
    el1 = "R" + ("W" if ap in (0, 1) else "-") + ("-" if desc >> 53 & 1 else "X")
    el0 = ("r" if ap in (1, 3) else "-") + ("w" if ap == 1 else "-") + \
          ("-" if desc >> 54 & 1 else "x")
    kind = {0: "device", 1: "normal", 2: "normal-nc"}.get((desc >> 2) & 7, "?")
    return f"{el1} {el0}  {kind}{'  nG' if desc >> 11 & 1 else ''}"


class KeelPt(gdb.Command):
    """keel-pt ADDR: walk the live page table for ADDR, level by level (any lab)."""

    def __init__(self):
        super().__init__("keel-pt", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        va = address_of(arg)
        upper = va >= KERNBASE
        ttbr = int(gdb.parse_and_eval("$TTBR1_EL1" if upper else "$TTBR0_EL1")) & (2**64 - 1)
        table = ttbr & ADDR_MASK
        print(f"{'TTBR1' if upper else 'TTBR0'}_EL1 = 0x{ttbr:x}"
              + (f" (ASID {ttbr >> 48})" if not upper else ""))
        for level in (1, 2, 3):
            shift = 12 + 9 * (3 - level)
            index = (va >> shift) & 511
            desc = read_u64(KERNBASE + table + 8 * index)
            print(f"  L{level}[{index:3}] @ 0x{table + 8 * index:x}: 0x{desc:016x}", end="")
            if not desc & 1:
                print("  invalid: not mapped")
                return
            if level < 3 and desc & 2:
                table = desc & ADDR_MASK
                print(f"  table -> 0x{table:x}")
                continue
            span = 1 << shift
            pa = (desc & ADDR_MASK & ~(span - 1)) | (va & (span - 1))
            what = "page" if level == 3 else f"{span >> 20} MiB block"
            print(f"  {what}: 0x{va:x} -> 0x{pa:x}  {describe_descriptor(desc)}")
            return


class KeelTf(gdb.Command):
    """keel-tf [ADDR]: a struct trapframe, by default at $sp in an exception stub (lab 3 on)."""

    def __init__(self):
        super().__init__("keel-tf", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        address = address_of(arg or "$sp")
        try:
            gdb.lookup_type("struct trapframe")
        except gdb.error:
            raise gdb.GdbError("keel-tf: this kernel has no trap frames (lab 3 adds them)")
        tf = gdb.parse_and_eval(f"*(struct trapframe *){address}")
        for i in range(0, 31, 4):
            print("  " + "  ".join(f"x{j:<2} 0x{int(tf['x'][j]) & (2**64 - 1):016x}"
                                   for j in range(i, min(i + 4, 31))))
        for name in ("sp_el0", "elr", "spsr", "esr", "far"):
            print(f"  {name:6} 0x{int(tf[name]) & (2**64 - 1):016x}")
        elr = int(tf["elr"]) & (2**64 - 1)
        gdb.execute(f"keel-sym 0x{elr:x}")


class KeelTasks(gdb.Command):
    """keel-tasks: the task table, kernel/task/task.h (lab 4 on)."""

    def __init__(self):
        super().__init__("keel-tasks", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if gdb.lookup_global_symbol("tasks") is None:
            raise gdb.GdbError("keel-tasks: this kernel has no task table (lab 4 adds it)")
        tasks = gdb.parse_and_eval("tasks")
        current = int(gdb.parse_and_eval("current"))
        count = tasks.type.range()[1] + 1
        print("slot  pid  state           name              kstack top          asid")
        for i in range(count):
            t = tasks[i]
            state = str(t["state"])
            if state == "TASK_UNUSED":
                continue
            mark = "*" if int(t.address) == current else " "
            print(f"{mark}{i:3}  {int(t['pid']):4}  {state:14}  {t['name'].string():16}  "
                  f"0x{int(t['kstack_top']) & (2**64 - 1):016x}  {int(t['asid'])}")


KeelPrefix()
KeelAttach()
KeelEl()
KeelSym()
KeelPt()
KeelTf()
KeelTasks()
