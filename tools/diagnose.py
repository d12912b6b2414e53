"""Where is Keel, and why does it not get on?  Looks at a running QEMU through its GDB stub
(tools/gdbstub.py) and says it in words: the function and source line the CPU is in, the
call chain from the frame records, the exception level, which interrupts are masked, the
last exception's syndrome, and what the interrupt controller and the timer are doing.

The grading harness (grade/harness.py) calls it when a test has seen no output for a while:

    probe = Probe(socket_path, kernel_elf, user_dir)
    samples = probe.sample()          # a few looks at the CPU, spread over about a second
    verdict = judge(samples)          # None: it is getting on; else "stopped" or "looping"
    print(probe.explain(samples, verdict, quiet_seconds))

Nothing here single-steps or slows the machine: between samples it runs freely.
Symbols come from the toolchain (nm, addr2line), never from the kernel itself.
"""
import functools
import os
import re
import subprocess
import time

from gdbstub import Stub, StubError
from toolchain import gdb_program, toolprefix

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNBASE = 0xFFFFFF8000000000
USER_TOP = 1 << 39  # user addresses are below this (39-bit VAs, TTBR0)

# The virt board (kernel/platform/virt/board.h) and the GICv2 register map (ARM IHI 0048B
# 4.3, 4.4).
GICD, GICC, UART = 0x08000000, 0x08010000, 0x09000000
GICD_CTLR, GICD_ISENABLER, GICD_ISPENDR, GICD_ISACTIVER = 0x000, 0x100, 0x200, 0x300
GICC_CTLR, GICC_PMR, GICC_RPR, GICC_HPPIR = 0x000, 0x004, 0x014, 0x018
UART_FR, UART_IMSC, UART_RIS = 0x018, 0x038, 0x03C
INTERRUPT_NAMES = {27: "the timer (INTID 27)", 33: "the UART (INTID 33)"}

WFI = 0xD503207F  # the encoding of `wfi`
SPACING = 0.2  # seconds of free running between two looks at the CPU

# The kernel's waiting places: being stuck in one means something that it waits for never
# comes.  {function: (cause, what it means)}
WAITS = {
    "console_input_wait": ("input-wait", "This is where Keel sleeps until a typed character "
                           "arrives, while the test waits for output: what the test typed "
                           "never reached the input buffer (the UART's receive interrupt?)."),
    "uart_getc": ("input-poll", "This is where Keel polls the UART for a typed character, "
                  "while the test waits for output: the character never arrived."),
    "idle_loop": ("idle", "This is the idle loop: no task is runnable (every task sleeps or "
                  "waits), and no interrupt makes one runnable."),
    "uart_putc": ("uart-tx", "uart_putc waits for room in the transmit FIFO, which QEMU's "
                  "PL011 always has: a wait that never ends tests the wrong bit, or the "
                  "right bit the wrong way round."),
}

# ESR_EL1.EC in words, as kernel/arch/aarch64/esr.c has them (Arm ARM D19.2.37).  Copies,
# not read from the source: the tree of lab 1 or 2 has no esr.c, and its kernels fault too.
EXCEPTION_CLASSES = {
    0x00: "unknown reason", 0x01: "trapped WFI/WFE", 0x07: "SIMD/floating-point access",
    0x0E: "illegal execution state", 0x15: "SVC from AArch64", 0x16: "HVC from AArch64",
    0x17: "SMC from AArch64", 0x18: "trapped MSR/MRS/system instruction",
    0x20: "instruction abort from EL0", 0x21: "instruction abort at EL1",
    0x22: "PC alignment fault", 0x24: "data abort from EL0", 0x25: "data abort at EL1",
    0x26: "SP alignment fault", 0x2C: "floating-point exception", 0x2F: "SError interrupt",
    0x30: "breakpoint from EL0", 0x31: "breakpoint at EL1", 0x32: "software step from EL0",
    0x33: "software step at EL1", 0x34: "watchpoint from EL0", 0x35: "watchpoint at EL1",
    0x3C: "BRK instruction",
}
# The fault status codes of aborts, as kernel/arch/aarch64/fault_status.c has them.
FAULT_STATUS = {
    **{n: f"address size fault, level {n}" for n in range(4)},
    **{4 + n: f"translation fault, level {n}" for n in range(4)},
    **{8 + n: f"access flag fault, level {n}" for n in range(1, 4)},
    **{12 + n: f"permission fault, level {n}" for n in range(1, 4)},
    0x10: "synchronous external abort", 0x11: "synchronous tag check fault",
    **{0x14 + n: f"synchronous external abort on table walk, level {n}" for n in range(4)},
    0x18: "synchronous parity or ECC error", 0x21: "alignment fault",
    0x30: "TLB conflict abort", 0x31: "unsupported atomic hardware update fault",
    0x34: "implementation defined fault (lockdown)",
    0x35: "implementation defined fault (unsupported exclusive or atomic access)",
}


def describe_esr(esr):
    """ESR_EL1 in words, the way the kernel's esr_describe() prints it."""
    ec, iss = (esr >> 26) & 0x3F, esr & 0x1FFFFFF
    text = f"{EXCEPTION_CLASSES.get(ec, 'unexpected exception class')} (EC 0x{ec:02x})"
    if ec in (0x20, 0x21, 0x24, 0x25):
        text += ": " + FAULT_STATUS.get(iss & 0x3F, "reserved fault status code")
        if ec in (0x24, 0x25):
            text += ", on a write" if iss & (1 << 6) else ", on a read"
    elif ec == 0x3C:
        text += f": brk #0x{iss & 0xFFFF:x}"
    return text


def describe_pstate(cpsr):
    """'EL1 with interrupts masked (PSTATE.I)' and the like."""
    el = (cpsr >> 2) & 3
    masked = [name for bit, name in ((9, "D"), (8, "A"), (7, "I"), (6, "F")) if cpsr >> bit & 1]
    if cpsr >> 7 & 1:
        irqs = "interrupts masked (PSTATE.I" + (", all of DAIF" if len(masked) == 4 else "") + ")"
    else:
        irqs = "interrupts enabled"
    return f"EL{el} with {irqs}"


# --- symbols -------------------------------------------------------------------------------


class Symbols:
    """Function names (nm) and source lines (addr2line) of one ELF file."""

    def __init__(self, path):
        self.path = path
        out = subprocess.run([toolprefix() + "nm", "-n", path], capture_output=True,
                             text=True, check=True).stdout
        self.symbols = []
        for line in out.splitlines():
            fields = line.split()
            if len(fields) == 3:
                self.symbols.append((int(fields[0], 16), fields[1], fields[2]))
        self.by_name = {name: address for address, _, name in self.symbols}

    def address(self, name):
        return self.by_name.get(name)

    def function_at(self, address):
        """(name, offset) of the code symbol containing `address`, or None."""
        best = None
        for sym_address, kind, name in self.symbols:
            if sym_address > address:
                break
            if kind in "TtW" and not name.startswith(("_text_end", "$")):
                best = (name, address - sym_address)
            elif name == "_text_end":
                best = None
        return best

    def lines(self, addresses):
        """{address: 'file:line'} from addr2line, for the outermost function at each
        address (where an inline function was expanded, the line in its caller)."""
        if not addresses:
            return {}
        out = subprocess.run([toolprefix() + "addr2line", "-i", "-a", "-e", self.path]
                             + [f"0x{a:x}" for a in addresses],
                             capture_output=True, text=True).stdout
        result, current = {}, None
        for line in out.splitlines():
            if line.startswith("0x"):
                current = int(line, 16)
            elif current is not None and ":" in line and not line.startswith("??"):
                path, _, number = line.rpartition(":")
                number = number.split()[0]
                if path.startswith(ROOT + os.sep):
                    path = os.path.relpath(path, ROOT)
                result[current] = f"{path}:{number}"  # the last one printed is the outermost
        return result


@functools.lru_cache(maxsize=None)
def symbols_of(path):
    return Symbols(path)


@functools.lru_cache(maxsize=None)
def task_name_offset(kernel_elf):
    """offsetof(struct task, name), from the kernel's debug information (GDB reads it
    without running anything); 8 if GDB cannot tell."""
    try:
        out = subprocess.run([gdb_program(), "-q", "-nx", "-batch", "-ex",
                              "print (long)&((struct task *)0)->name", kernel_elf],
                             capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return 8
    match = re.search(r"= (\d+)", out)
    return int(match.group(1)) if match else 8


# --- looking at the machine ----------------------------------------------------------------


class Sample:
    """One look at the stopped CPU."""

    def __init__(self, regs, frames, in_wfi, task):
        self.regs = regs
        self.pc = regs["pc"]
        self.cpsr = regs["cpsr"]
        self.el = (self.cpsr >> 2) & 3
        self.frames = frames  # return addresses from the frame-record chain
        self.in_wfi = in_wfi  # asleep in wfi (the instruction before pc is a wfi)
        self.task = task  # the current task's name (lab 4 on), or None
        self.sysregs = {}
        self.devices = None  # GIC, UART and timer registers, read at the first and last look


class Probe:
    """Looks at one QEMU through its GDB stub's unix socket."""

    def __init__(self, socket_path, kernel_elf, user_dir=None):
        self.socket_path = socket_path
        self.kernel = symbols_of(kernel_elf)
        self.kernel_elf = kernel_elf
        self.user_dir = user_dir

    def sample(self, count=4, spacing=None):
        """`count` looks at the CPU, `spacing` seconds of free running apart.  Returns the
        samples, or [] if QEMU went away meanwhile (it exited: not a hang)."""
        spacing = spacing or SPACING
        samples = []
        try:
            stub = Stub.connect(self.socket_path)
        except StubError:
            return []
        try:
            for i in range(count):
                samples.append(self._look(stub, with_devices=i in (0, count - 1)))
                if i < count - 1:
                    stub.resume()
                    time.sleep(spacing)  # let it run freely: this is what we measure
                    stub.interrupt()
        except StubError:
            return []
        finally:
            stub.detach()
        return samples

    def _look(self, stub, with_devices):
        regs = stub.registers()
        frames = self._frame_chain(stub, regs["x29"])
        in_wfi = False
        try:
            in_wfi = stub.read_u32(regs["pc"] - 4) == WFI
        except StubError:
            pass
        sample = Sample(regs, frames, in_wfi, self._current_task(stub))
        for name in ("ESR_EL1", "ELR_EL1", "FAR_EL1", "SPSR_EL1", "VBAR_EL1", "VBAR",
                     "CNTV_CTL_EL0", "CNTV_CVAL_EL0", "CNTVCT_EL0"):
            try:
                value = stub.register(name)
            except StubError:
                value = None
            if value is not None:
                sample.sysregs[name.replace("VBAR_EL1", "VBAR")] = value
        if with_devices:
            sample.devices = self._devices(stub)
        return sample

    def _frame_chain(self, stub, fp, limit=16):
        """Return addresses from the frame records {x29, x30} starting at fp."""
        frames, seen = [], set()
        while fp and fp % 8 == 0 and fp not in seen and len(frames) < limit:
            seen.add(fp)
            try:
                next_fp, lr = stub.read_u64(fp), stub.read_u64(fp + 8)
            except StubError:
                break
            if lr == 0:
                break
            frames.append(lr)
            fp = next_fp
        return frames

    def _current_task(self, stub):
        """The name of the task `current` points at (lab 4 on), read through physical
        addresses: at EL0 QEMU's debug accesses cannot read kernel memory, and the kernel's
        image and its direct map both sit at KERNBASE + the physical address."""
        current = self.kernel.address("current")
        if current is None:
            return None
        try:
            with stub.physical():
                task = stub.read_u64(current - KERNBASE)
                if not task or task < KERNBASE:
                    return None
                raw = stub.read_memory(task - KERNBASE + task_name_offset(self.kernel_elf), 16)
        except StubError:
            return None
        name = raw.split(b"\0")[0].decode("latin-1")
        return name if re.fullmatch(r"[\w.-]+", name) else None

    def _devices(self, stub):
        """The GIC's view of INTIDs 0-63, the UART's flags and interrupt mask: physical
        reads, side-effect free (never GICC_IAR or the UART's data register)."""
        regs = {}
        reads = {"gicd_ctlr": GICD + GICD_CTLR, "gicc_ctlr": GICC + GICC_CTLR,
                 "gicc_pmr": GICC + GICC_PMR, "gicc_rpr": GICC + GICC_RPR,
                 "gicc_hppir": GICC + GICC_HPPIR, "uart_fr": UART + UART_FR,
                 "uart_imsc": UART + UART_IMSC, "uart_ris": UART + UART_RIS}
        for i in range(2):
            reads[f"enabled{i}"] = GICD + GICD_ISENABLER + 4 * i
            reads[f"pending{i}"] = GICD + GICD_ISPENDR + 4 * i
            reads[f"active{i}"] = GICD + GICD_ISACTIVER + 4 * i
        try:
            with stub.physical():
                for name, address in reads.items():
                    regs[name] = stub.read_u32(address)
        except StubError:
            return None
        return regs

    # --- words ---------------------------------------------------------------------------

    def symbols_for(self, address, task):
        """The ELF that holds `address`: the kernel's, or the current user program's."""
        if address >= KERNBASE:
            return self.kernel
        if address < USER_TOP and task and self.user_dir:
            path = os.path.join(self.user_dir, task + ".elf")
            if os.path.exists(path):
                return symbols_of(path)
        return None

    def where(self, addresses, task):
        """'function+0xoff (file:line)' for each address (return addresses as given)."""
        texts = []
        groups = {}
        for a in addresses:
            groups.setdefault(self.symbols_for(a, task), []).append(a)
        lines = {}
        for symbols, group in groups.items():
            if symbols is not None:
                lines.update(symbols.lines(group))
        for a in addresses:
            symbols = self.symbols_for(a, task)
            function = symbols.function_at(a) if symbols else None
            text = f"{function[0]}+0x{function[1]:x}" if function else f"0x{a:x}"
            if a < USER_TOP and task:
                text = f"{task}: {text}"
            if a in lines:
                text += f" ({lines[a]})"
            texts.append(text)
        return texts

    def explain(self, samples, verdict, quiet):
        """The diagnosis: (text, causes).  The text's first line says where the CPU is, the
        rest why it may be there; causes are short keys (CAUSES) for the harness to turn
        into a handout section."""
        cluster = verdict.samples
        first, last = cluster[0], cluster[-1]
        span = f"{(len(samples) - 1) * SPACING:.1f} s"
        # Name the place by the first look; an instruction after a wfi is named as the wfi.
        pc = first.pc - 4 if first.in_wfi else first.pc
        place = self.where([pc], first.task)[0]
        how = "asleep in wfi" if verdict.kind == "stopped" and first.in_wfi else \
            "stopped" if verdict.kind == "stopped" else "going round a loop"
        at = f"at {place} (outside any function)" if place.startswith("0x") else f"in {place}"
        lines = [f"Keel stopped making progress: no output for {quiet:.1f} s, and over "
                 f"{span} the CPU stayed {how} {at}, at {describe_pstate(first.cpsr)}."]
        low, high = min(s.pc for s in cluster), max(s.pc for s in cluster)
        if verdict.kind == "looping" and low != high:
            lines.append(f"  (every look found it between 0x{low:x} and 0x{high:x})")
        chain = [pc] + [a - 4 for a in first.frames]
        names = self.where(chain, first.task)
        lines.append("  Call chain (frame records, innermost first):")
        lines += [f"    #{i}  {name}" for i, name in enumerate(names)]
        causes = []
        lines += self._wait_lines(first, verdict, causes)
        lines += self._exception_lines(first, causes)
        lines += self._interrupt_lines(first, last, causes)
        return "\n".join(lines), causes

    def busy(self, samples):
        """For a timeout without a verdict: where the looks found the CPU."""
        places = []
        for sample in samples:
            place = self.where([sample.pc], sample.task)[0]
            if place not in places:
                places.append(place)
        return ("(at the timeout the CPU was still busy, in " + "; ".join(places) +
                f", at {describe_pstate(samples[-1].cpsr)}: working, but never printing it)")

    def _wait_lines(self, sample, verdict, causes):
        """What it means to be stuck in one of the kernel's known waiting places."""
        names = [(self.kernel.function_at(a) or ("",))[0]
                 for a in [sample.pc] + sample.frames if a >= KERNBASE]
        for name in names[:4]:
            if name in WAITS:
                cause, text = WAITS[name]
                causes.append(cause)
                return ["  " + text]
        if sample.el == 0 and verdict.kind == "looping" and sample.cpsr >> 7 & 1:
            causes.append("user-masked")
            return ["  A user task runs on and on at EL0 with interrupts masked: the SPSR it "
                    "was started with (or returned to) has PSTATE.I set, so no timer "
                    "interrupt can preempt it; no other task gets a turn."]
        if sample.el == 0 and verdict.kind == "looping":
            causes.append("user-loop")
            return ["  A user task runs on and on at EL0, with interrupts enabled: the timer "
                    "should preempt it; no other task gets a turn."]
        if sample.el == 1 and sample.cpsr >> 7 & 1 and verdict.kind == "looping":
            causes.append("masked-loop")
            return ["  A loop with interrupts masked cannot be woken by anything: what is it "
                    "waiting for?"]
        return []

    def in_exception_code(self, sample):
        """Is the CPU in the vector table or a trap handler (so the last exception matters)?"""
        vbar = sample.sysregs.get("VBAR", 0)
        addresses = [sample.pc] + sample.frames
        if any(vbar <= a < vbar + 0x800 for a in addresses):
            return True
        names = [(self.kernel.function_at(a) or ("",))[0] for a in addresses if a >= KERNBASE]
        return any(n.startswith(("trap_", "el1_", "el0_")) or n in ("panic", "halt")
                   for n in names)

    def _exception_lines(self, sample, causes):
        s = sample.sysregs
        if "ESR_EL1" not in s:
            return []
        vbar = s.get("VBAR", 0)
        lines = []
        if vbar <= sample.pc < vbar + 0x800:
            offset = sample.pc - vbar
            kinds = ["EL1 with SP_EL0", "EL1 with SP_EL1", "EL0 (AArch64)", "EL0 (AArch32)"]
            lines.append(f"  The pc is in the vector table: VBAR_EL1 + 0x{offset & ~0x7F:x}, the "
                         f"entry for a {['synchronous exception', 'IRQ', 'FIQ', 'SError'][offset >> 7 & 3]}"
                         f" from {kinds[offset >> 9 & 3]}.")
            if vbar == 0:
                causes.append("no-vector-table")
                lines.append("  VBAR_EL1 is 0: there is no vector table, so every exception "
                             "jumps to a low address that faults again, forever; the first "
                             "fault's syndrome is gone (catch it with `hbreak *0x200`).")
            else:
                causes.append("exception-loop")
        if not lines and not self.in_exception_code(sample):
            return []
        elr = s.get("ELR_EL1", 0)
        text = (f"  Last exception taken: ESR_EL1 0x{s['ESR_EL1']:08x} = "
                f"{describe_esr(s['ESR_EL1'])}; ELR_EL1 {self.where([elr], sample.task)[0]}")
        ec = (s["ESR_EL1"] >> 26) & 0x3F
        if ec in (0x20, 0x21, 0x24, 0x25):
            text += f"; FAR_EL1 0x{s.get('FAR_EL1', 0):x}"
        lines.append(text + ".")
        return lines

    def _interrupt_lines(self, first, last, causes):
        """What the GIC, the UART and the timer say, read at the first and the last look."""
        d0, d1 = first.devices, last.devices
        if not d0 or not d1 or not d0["gicd_ctlr"] & 1:
            return []  # before lab 3 (or gic_init): no interrupt controller to speak of
        lines = []
        active = [i for i in range(64) if d0[f"active{i // 32}"] >> (i % 32) & 1
                  and d1[f"active{i // 32}"] >> (i % 32) & 1]
        pending = [i for i in range(64) if d1[f"pending{i // 32}"] >> (i % 32) & 1]
        enabled = [i for i in range(64) if d1[f"enabled{i // 32}"] >> (i % 32) & 1]
        def name(i):
            return INTERRUPT_NAMES.get(i, f"INTID {i}")

        def capital(text):
            return text[0].upper() + text[1:]
        for i in active:
            causes.append("eoi-missing")
            lines.append(f"  {capital(name(i))} is active at the GIC and stayed active "
                         "between the first and the last look, while the CPU was not handling "
                         "it: its end of interrupt (GICC_EOIR) was never written, so the GIC "
                         "holds back every interrupt of the same or lower priority. EOI never "
                         "written?")
        silent = None  # why the GIC's CPU interface signals nothing, if it does not
        if not d1["gicc_ctlr"] & 1:
            silent = "GICC_CTLR's enable bit is 0"
        elif d1["gicc_pmr"] == 0:
            silent = "GICC_PMR is 0, which masks every priority"
        if silent:
            causes.append("gic-silent")
            lines.append(f"  The GIC's CPU interface signals no interrupt at all: {silent}.")
        for i in pending:
            if i in active:
                continue
            # In wfi a pending interrupt wakes the CPU even with PSTATE.I set (that is how
            # Keel sleeps), so there the reason must be at the GIC.
            why = "an active interrupt blocks it" if active else \
                "the CPU interface does not signal it" if silent else \
                "it is not enabled at the distributor" if i not in enabled else \
                "the CPU has interrupts masked (PSTATE.I)" if last.cpsr >> 7 & 1 else "?"
            lines.append(f"  {capital(name(i))} is pending but not taken: {why}.")
        for i in (27, 33):
            if i not in enabled:
                lines.append(f"  {capital(name(i))} is not enabled at the GIC "
                             "(GICD_ISENABLER).")
        ctl = last.sysregs.get("CNTV_CTL_EL0")
        if ctl is not None and (not ctl & 1 or ctl & 2):
            lines.append("  The timer is " + ("off (CNTV_CTL_EL0.ENABLE = 0)" if not ctl & 1
                                              else "masked (CNTV_CTL_EL0.IMASK = 1)") + ".")
        if not d1["uart_fr"] & 0x10:  # FR.RXFE clear: characters wait in the receive FIFO
            lines.append("  Typed characters are waiting in the UART's receive FIFO"
                         + (" but its receive interrupt is off (UARTIMSC)"
                            if not d1["uart_imsc"] & 0x50 else "") + ".")
        return lines


# --- judging ---------------------------------------------------------------------------------


class Verdict:
    def __init__(self, kind, samples):
        # "stopped": nothing changes; "looping": round a small loop; "unanswered" (the
        # harness's): the stub did not answer while QEMU used a whole CPU
        self.kind = kind
        self.samples = samples  # the looks that agree


WINDOW = 256  # bytes: a loop that small is one loop, not a computation


def judge(samples):
    """None if the CPU got about (samples far apart, or too few); else a Verdict.

    Stuck means: all looks but at most one (an interrupt may catch the CPU in its handler)
    are at the same exception level within WINDOW bytes of each other, with the same call
    chain.  "stopped" if the registers did not change at all, "looping" if they did (a
    counter, a polled register, a sleep woken by every timer tick)."""
    if len(samples) < 3:
        return None
    best = []
    for s in samples:
        cluster = [t for t in samples if t.el == s.el and abs(t.pc - s.pc) <= WINDOW
                   and t.frames[:4] == s.frames[:4]]
        if len(cluster) > len(best):
            best = cluster
    if len(best) < len(samples) - 1:
        return None
    keys = [k for k in best[0].regs if k not in ("pc", "cpsr")]
    still = all(all(t.regs[k] == best[0].regs[k] for k in keys) for t in best)
    if still:
        return Verdict("stopped", best)
    return Verdict("looping", best)
