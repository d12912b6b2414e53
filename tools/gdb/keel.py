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
    keel-tasks      the task table: pid, state, name, kernel stack (lab 4 on), and what a
                    blocked task waits for in IPC (lab 5 on)
    keel-caps PID   a task's capability table: slot, type, rights, badge, object (lab 5 on)
    keel-fds PID    a task's file descriptors: fd, kind, access, references, and for a pipe
                    what it holds, for a server's file its handle (lab 7 on)
    keel-user NAME  load the symbols of user program NAME (build/labN/user/NAME.elf),
                    in place of the previous program's
Commands a lab's kernel cannot support yet say so and which lab adds what they need.

In a replay (`make replay TEST=...`, `make lab-N replay`; tools/replay.py), which can also
run backwards (reverse-stepi, reverse-next, reverse-continue):

    keel-who-wrote EXPR   run backwards to the last store that changed EXPR (a variable, a
                          field, *(long *)0x...), and stop just before that store
    keel-back-to-fault    run backwards to the exception entry that led to the fault being
                          reported now, and stop on the instruction that raised it
    keel-serial [N]       the last N (default 30) lines the serial line showed up to this
                          point of the replay (a second QEMU replays to the same instruction)
    keel-replay-banner    what this replay is, and these commands
"""
import os
import re
import shutil
import subprocess
import sys

import gdb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SESSION = os.environ.get("KEEL_GDB_SESSION") or os.path.join(ROOT, "build", "gdb-session")
REPLAY = os.environ.get("KEEL_REPLAY")  # the recording's directory, set by tools/replay.py
sys.path.insert(0, os.path.join(ROOT, "tools"))
from diagnose import describe_esr  # noqa: E402  (ESR_EL1 in the kernel's words)


class KeelPrefix(gdb.Command):
    """Keel's commands, keel-*: `help user-defined` lists them (tools/gdb/keel.py)."""

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
                  f"0x{int(t['kstack_top']) & (2**64 - 1):016x}  {int(t['asid'])}"
                  f"{ipc_state(t)}")


def ipc_state(t):
    """What a TASK_BLOCKED task waits for in IPC (lab 5's struct task_ipc), or ''."""
    if str(t["state"]) != "TASK_BLOCKED":
        return ""
    ipc = t["ipc"]
    waiting = str(ipc["waiting"])
    if waiting == "IPC_REPLY":
        replier = ipc["replier"]
        who = f"pid {int(replier['pid'])}" if int(replier) else "a saved reply capability"
        return f"  waits for the reply held by {who}"
    on = ipc["waiting_on"]
    what = {"IPC_SENDING": "sending on", "IPC_RECEIVING": "receiving on",
            "IPC_NOTIFY": "waiting on notification"}.get(waiting, waiting)
    return f"  {what} object {int(on['id']) if int(on) else '?'}"


class KeelCaps(gdb.Command):
    """keel-caps PID: the capability table of task PID, kernel/ipc/cap.h (lab 5 on)."""

    TYPES = {1: "endpoint", 2: "notification", 3: "irq", 4: "devmem", 5: "reply", 6: "region"}
    RIGHTS = [(1, "send"), (2, "recv"), (4, "grant"), (8, "map-read"), (16, "map-write")]

    def __init__(self):
        super().__init__("keel-caps", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        tasks = gdb.parse_and_eval("tasks")
        if not arg.strip().isdigit():
            raise gdb.GdbError("usage: keel-caps PID")
        for i in range(tasks.type.range()[1] + 1):
            t = tasks[i]
            if str(t["state"]) != "TASK_UNUSED" and int(t["pid"]) == int(arg):
                break
        else:
            raise gdb.GdbError(f"keel-caps: no task with pid {arg}")
        try:
            slots = t["caps"]["slot"]
        except gdb.error:
            raise gdb.GdbError("keel-caps: this kernel has no capabilities (lab 5 adds them)")
        print("slot  type          rights                      badge    object  original")
        for n in range(slots.type.range()[1] + 1):
            c = slots[n]
            if int(c["object"]) == 0:
                continue
            obj = c["object"].dereference()
            rights = ",".join(name for bit, name in self.RIGHTS if int(c["rights"]) & bit)
            print(f"{n:4}  {self.TYPES.get(int(obj['type']), '?'):12}  {rights:26}  "
                  f"{int(c['badge']):6}  {int(obj['id']):6}  {'yes' if bool(c['original']) else ''}")


class KeelFds(gdb.Command):
    """keel-fds PID: the file descriptors of task PID, kernel/fd/fdtable.h (lab 7 on)."""

    ACCESS = {0: "read", 1: "write", 2: "read+write"}

    def __init__(self):
        super().__init__("keel-fds", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not arg.strip().isdigit():
            raise gdb.GdbError("usage: keel-fds PID")
        t = task_with_pid(int(arg), "keel-fds")
        try:
            fds = t["fds"]
        except gdb.error:
            raise gdb.GdbError("keel-fds: this kernel has no file descriptors (lab 7 adds them)")
        table = fds["fd"]
        print(f"limit {int(fds['limit'])} (hard {int(fds['limit_max'])}); "
              f"current directory: {self.describe(fds['cwd'])}")
        print("  fd  kind              access      refs  close-on-exec  behind it")
        for n in range(table.type.range()[1] + 1):
            f = table[n]
            if int(f) == 0:
                continue
            cloexec = "yes" if int(fds["cloexec"]) >> n & 1 else ""
            kind = str(f["kind"]).replace("FILE_", "").lower()
            access = self.ACCESS.get(int(f["flags"]) & 3, "?")
            if int(f["flags"]) & 0o2000:
                access += ",append"
            print(f"{n:4}  {kind:16}  {access:10}  {int(f['refs']):4}  {cloexec:13}  "
                  f"{self.describe(f)}")

    @staticmethod
    def describe(f):
        if int(f) == 0:
            return "(none: the root)"
        kind = str(f["kind"])
        if kind == "FILE_VFS":
            return f"VFS server handle {int(f['handle'])}, mode 0{int(f['mode']):o}"
        if kind.startswith("FILE_PIPE"):
            p = f["pipe"].dereference()
            ends = [name for name, field in (("reader", "read_open"), ("writer", "write_open"))
                    if bool(p[field])]
            return f"pipe 0x{int(f['pipe']):x}: {int(p['count'])} bytes waiting; open: " + \
                ", ".join(ends)
        return "the console server (slot 0)"


def task_with_pid(pid, command):
    tasks = gdb.parse_and_eval("tasks")
    for i in range(tasks.type.range()[1] + 1):
        t = tasks[i]
        if str(t["state"]) != "TASK_UNUSED" and int(t["pid"]) == pid:
            return t
    raise gdb.GdbError(f"{command}: no task with pid {pid}")


class KeelUser(gdb.Command):
    """keel-user NAME: load user program NAME's symbols, in place of the previous program's.

    All programs are linked at the same addresses, so GDB holds one program's at a time."""

    loaded = None

    def __init__(self):
        super().__init__("keel-user", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        lab = re.search(r"build/lab(\d+)/", gdb.current_progspace().filename or "")
        if not arg or not (lab or REPLAY):
            raise gdb.GdbError("usage: keel-user NAME (with a lab's kernel.elf loaded)")
        # A replay keeps copies of the programs it ran; else the lab's build has them.
        folders = [os.path.join(REPLAY, "user")] if REPLAY else []
        if lab:
            folders.append(os.path.join(ROOT, "build", f"lab{lab.group(1)}", "user"))
        paths = [os.path.join(folder, arg + ".elf") for folder in folders]
        path = next((p for p in paths if os.path.exists(p)), None)
        if path is None:
            raise gdb.GdbError("no " + " or ".join(os.path.relpath(p, ROOT) for p in paths))
        for objfile in gdb.objfiles():
            if objfile.filename.endswith(".elf") and "/user/" in objfile.filename:
                gdb.execute(f"remove-symbol-file {objfile.filename}", to_string=True)
        gdb.execute(f"add-symbol-file {path}", to_string=True)
        print(f"symbols of {arg} loaded ({os.path.relpath(path, ROOT)})")


# --- replays ------------------------------------------------------------------------------


def in_replay():
    if not REPLAY:
        raise gdb.GdbError("only in a replay: `make replay TEST=NAME` for a failed test, or "
                           "`make lab-N qemu RECORD=1` and then `make lab-N replay`")


def replay_icount():
    """The replay's instruction count (QEMU's `info replay`)."""
    out = gdb.execute("monitor info replay", to_string=True)
    match = re.search(r"instruction count = (\d+)", out)
    return int(match.group(1)) if match else None


def where(address):
    """'function+0xoff (file:line)' for a code address."""
    name = gdb.execute(f"keel-sym 0x{address:x}", to_string=True).split()[-1]
    sal = gdb.find_pc_line(address)
    if sal.symtab is not None:
        name += f" ({os.path.relpath(sal.symtab.fullname(), ROOT)}:{sal.line})"
    return name


def instruction(address):
    out = gdb.execute(f"x/i 0x{address:x}", to_string=True)
    return out.split(":", 1)[-1].strip()


def read_bytes(address, size):
    return bytes(gdb.selected_inferior().read_memory(address, size))


def pc():
    return int(gdb.parse_and_eval("$pc")) & (2**64 - 1)


def quietly(command):
    """Runs an execution command (stepi, reverse-continue, ...) without GDB's own report of
    where and why it stopped, which QEMU's reverse execution makes differently from run to
    run (it stops one instruction either side of a breakpoint, reported as a breakpoint or
    as a SIGTRAP): the commands here print where they settle themselves.  GDB prints stop
    reports past to_string=, so its standard output is /dev/null meanwhile."""
    gdb.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        gdb.execute(command, to_string=True)
        gdb.flush()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def settle_before_change(changed, limit=8):
    """Steps (backwards or forwards, a few instructions at most) to the instruction after
    which changed() becomes true: it is then the next one to run."""
    if changed():
        for _ in range(limit):
            quietly("reverse-stepi")
            if not changed():
                return
    else:
        for _ in range(limit):
            quietly("stepi")
            if changed():
                quietly("reverse-stepi")
                return


class KeelWhoWrote(gdb.Command):
    """keel-who-wrote EXPR: run backwards to the last store that changed EXPR."""

    def __init__(self):
        super().__init__("keel-who-wrote", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        in_replay()
        if not arg:
            raise gdb.GdbError("usage: keel-who-wrote EXPR (a variable, a field, "
                               "*(long *)0x...)")
        value = gdb.parse_and_eval(arg)
        if value.address is None:
            raise gdb.GdbError(f"{arg} is not something in memory")
        address, size = int(value.address) & (2**64 - 1), value.type.sizeof
        start, now = replay_icount(), read_bytes(address, size)
        before_count = len(gdb.breakpoints() or ())
        gdb.execute(f"watch -l {arg}", to_string=True)
        watch = gdb.breakpoints()[-1] if len(gdb.breakpoints() or ()) > before_count else None
        try:
            quietly("reverse-continue")
        finally:
            if watch is not None:
                watch.delete()
        if replay_icount() == 0:  # back at the start: no store found
            print(f"No store changed {arg} since the start of the recording: its value comes "
                  "from the kernel image (.data) or from before the first instruction.")
            return
        # QEMU stops near the store, usually just after it.  Settle on the store itself:
        # the next instruction to run, with memory still holding the old value.
        settle_before_change(lambda: read_bytes(address, size) == now)
        old = int.from_bytes(read_bytes(address, size), "little")
        new = int.from_bytes(now, "little")
        print(f"The last store to {arg} (0x{address:x}, {size} bytes) before instruction "
              f"{start} of the replay:")
        print(f"  0x{pc():016x}  {where(pc())}")
        print(f"  {instruction(pc())}")
        print(f"  changes 0x{old:x} into 0x{new:x}. Stopped just before it (instruction "
              f"{replay_icount()}): `bt` shows who called, `stepi` makes the store.")


VECTOR_SYNC_ENTRIES = (0x000, 0x200, 0x400, 0x600)  # synchronous: EL1t, EL1h, EL0 64, EL0 32


class KeelBackToFault(gdb.Command):
    """keel-back-to-fault: run backwards to the exception that led here (a fault report)."""

    def __init__(self):
        super().__init__("keel-back-to-fault", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        in_replay()
        registers = {}
        for name in ("VBAR", "ESR_EL1", "ELR_EL1", "FAR_EL1"):  # QEMU calls it VBAR
            try:
                registers[name] = int(gdb.parse_and_eval(f"${name}")) & (2**64 - 1)
            except gdb.error:
                registers[name] = 0
        vbar = registers["VBAR"]
        entries = [vbar + offset for offset in VECTOR_SYNC_ENTRIES]
        start = replay_icount()
        stops = [gdb.Breakpoint(f"*0x{a:x}", internal=True) for a in entries]
        try:
            quietly("reverse-continue")
        finally:
            for b in stops:
                b.delete()
        if replay_icount() == 0:
            print("No exception was taken since the start of the recording.")
            return
        # QEMU stops near the exception; settle on the instruction that raised it (for a
        # synchronous exception ELR_EL1 holds its address), so that it is the next to run.
        elr = registers["ELR_EL1"]
        if pc() in entries:
            quietly("reverse-stepi")
        for _ in range(8):
            if pc() == elr or not elr:
                break
            quietly("stepi")
        print(f"Back at the instruction that raised the exception (instruction "
              f"{replay_icount()}; the report was at {start}):")
        print(f"  0x{pc():016x}  {where(pc())}")
        print(f"  {instruction(pc())}")
        esr = registers["ESR_EL1"]
        text = f"  It raises ESR_EL1 0x{esr:08x}: {describe_esr(esr)}"
        if (esr >> 26) & 0x3F in (0x20, 0x21, 0x24, 0x25):
            text += f", FAR_EL1 0x{registers['FAR_EL1']:x}"
        print(text + ". Registers and memory are as they were just before it: `info "
              "registers`, `bt`, `keel-who-wrote EXPR` for a bad value.")


class KeelSerial(gdb.Command):
    """keel-serial [N]: the last N lines of serial output up to this point of the replay."""

    def __init__(self):
        super().__init__("keel-serial", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        in_replay()
        lines = int(arg) if arg.strip() else 30
        icount = replay_icount()
        python = shutil.which("python3") or "python3"  # GDB's own sys.executable may not run
        result = subprocess.run([python, os.path.join(ROOT, "tools", "replay.py"), "serial",
                                 REPLAY, str(icount)], capture_output=True, text=True)
        if result.returncode != 0:
            raise gdb.GdbError(result.stderr.strip() or "keel-serial failed")
        text = result.stdout.rstrip("\n").split("\n")
        print(f"Serial output up to instruction {icount} (last {min(lines, len(text))} "
              "lines):")
        for line in text[-lines:]:
            print("  | " + line)


class KeelReplayBanner(gdb.Command):
    """keel-replay-banner: what this replay is, and the commands for it."""

    def __init__(self):
        super().__init__("keel-replay-banner", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        in_replay()
        import json
        with open(os.path.join(REPLAY, "session.json")) as f:
            info = json.load(f)
        what = f"grader test {info['test']}" if info.get("test") else "a recorded session"
        print(f"\nKeel replay of {what}, lab {info.get('lab')} build ({os.path.relpath(REPLAY, ROOT)}).")
        end = info.get("end_icount")
        print("Stopped at the first instruction. `continue` runs to "
              + (f"where the test gave up (instruction {end}), " if end else "")
              + "the kernel's power_exit/power_off, or the end of the recording.")
        if not info.get("snapshots"):
            print("No snapshots (qemu-img is missing: install qemu-utils): forwards only.")
        print("  keel-back-to-fault    back to the instruction that raised the reported fault")
        print("  keel-who-wrote EXPR   back to the last store that changed EXPR")
        print("  keel-serial [N]       the serial output up to this point")
        print("  reverse-stepi, reverse-next, reverse-continue; `monitor info replay`: where "
              "you are, in instructions\n")


KeelPrefix()
KeelAttach()
KeelEl()
KeelSym()
KeelPt()
KeelTf()
KeelTasks()
KeelCaps()
KeelFds()
KeelUser()
KeelWhoWrote()
KeelBackToFault()
KeelSerial()
KeelReplayBanner()
