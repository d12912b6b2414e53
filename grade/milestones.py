"""Keel's boot, line by line: what each build prints on its way to the prompt, and whose code
runs just before each line.

When a test fails before the boot got through, the harness (harness.py) names the last of
these lines it saw and sends the student to the hint of the lab whose code comes next.  On
build N that is the newest such lab up to N: a lab 1 test that fails on the lab 2 build
because nothing follows the `RAM:` line is about lab 2's page tables, not lab 1's printf.

The lines come from kernel/main.c (kmain's order), kernel/task/task.c (the first task:
task_start_first lists the boot archive) and user/bin/sh.c; grade/test_lab0*.py check their
exact text.
"""
import re

# The sections cited below, one per line (tools/check_handouts.py checks each exists).
SILENCE = "handouts/01-boot.md, 'Silence is information.'"
UART = "handouts/01-boot.md, 'Exercise 2: the UART'"
DTB = "handouts/01-boot.md, 'The device tree and boot arguments'"
MONITOR = "handouts/01-boot.md, 'The monitor'"
AFTER_RAM = "handouts/02-paging.md, 'A silent hang right after the `RAM:` line'"
AFTER_KVM = "handouts/03-exceptions.md, 'Silence right after the `kvm:` line'"
VECTORS = "handouts/03-exceptions.md, 'Exercise 1: the vector table and the trap frame'"
GIC = "handouts/03-exceptions.md, 'Exercise 3: the GIC'"
INPUT = "handouts/03-exceptions.md, 'Exercise 5: input by interrupt'"
ARCHIVE = "handouts/04-scheduler.md, 'The boot archive'"
RUN_QUEUE = "handouts/04-scheduler.md, 'The run queue'"
AFTER_ARCHIVE = "handouts/04-scheduler.md, 'Nothing after the `archive:` line'"
PREEMPTION = "handouts/04-scheduler.md, 'Preemption'"
INTO_USER = "handouts/04-scheduler.md, 'Exercise 4: into user space'"
SLEEPING = "handouts/04-scheduler.md, 'Sleeping and waking'"


class Step:
    """One line of the boot.  `owners` maps a lab to (what its code does before this line,
    the handout section that helps when the line never comes)."""

    def __init__(self, shows, pattern, owners, first_lab=1, modes=None):
        self.shows = shows
        self.pattern = re.compile(pattern, re.M)
        self.owners = owners
        self.first_lab = first_lab  # the first build that prints it
        self.modes = modes  # None: every boot; else the boot modes that print it


BOOT = [
    Step("the banner 'Keel lab N (...) on QEMU virt, running at EL1'",
         r"^Keel lab \d+ \(.*\) on QEMU virt, running at EL\d$",
         {1: ("uart_init and printf", SILENCE)}),
    Step("the 'RAM: ...' line", r"^RAM: \d+ MiB",
         {1: ("the device tree parser and printf's %lu and %s", DTB)}),
    Step("'kvm: kernel page table at ...'", r"^kvm: kernel page table at ",
         {2: ("frame_init and kvm_init: the frame allocator, your page table and the switch "
              "to it", AFTER_RAM)}, first_lab=2),
    Step("'timer: N Hz ...'", r"^timer: \d+ Hz",
         {3: ("trap_init, gic_init and timer_init: the vector table, the GIC and the first "
              "deadline", AFTER_KVM)}, first_lab=3),
    Step("the monitor's 'Welcome to the Keel monitor'", r"^Welcome to the Keel monitor",
         {1: ("the monitor", MONITOR),
          3: ("irq_enable: the first interrupts, through your vectors and irq_dispatch",
              AFTER_KVM),
          4: ("task_init and sched_init", RUN_QUEUE)}, modes=("monitor",)),
    # Only the list of programs: archive_init's own 'archive: ...' lines (an archive=
    # refused, or taken) come before the `kvm:` line and end as below.
    Step("the boot archive's 'archive: ...' list",
         r"^archive: (?!.*(?:ignoring it|\(boot argument archive=\))$)",
         {4: ("task_init and the boot archive", ARCHIVE)}, first_lab=4,
         modes=("shell", "program")),
    Step("the shell's 'Keel shell: ...' greeting", r"^Keel shell: ",
         {4: ("the first user program: ELF loading, the first eret, system calls",
              AFTER_ARCHIVE)}, first_lab=4, modes=("shell",)),
]


def boot_mode(build, bootargs):
    """'monitor', 'shell' or 'program' (a program run as pid 1: `-- NAME ARGS`)."""
    words = bootargs.split()
    if build < 4 or "monitor" in words:
        return "monitor"
    return "program" if "--" in words else "shell"


def expected_steps(build, bootargs):
    """The lines a boot of `build` with these arguments prints, in order.  A self-test
    (`test=NAME`) runs before the monitor or the first task and may end the run, so only
    the lines before it count then."""
    mode = boot_mode(build, bootargs)
    selftest = any(w.startswith("test=") for w in bootargs.split())
    steps = []
    for step in BOOT:
        if step.first_lab > build:
            continue
        if step.modes is not None and (selftest or mode not in step.modes):
            continue
        steps.append(step)
    return steps


def stalled_boot(build, bootargs, output):
    """If the boot stopped short of its last line: (last line seen or None, the step that
    never came, (lab, what runs, section) of the newest lab whose code runs before it).
    None if the boot got through."""
    last = None
    for step in expected_steps(build, bootargs):
        if not step.pattern.search(output):
            lab = max(n for n in step.owners if n <= build) if any(
                n <= build for n in step.owners) else min(step.owners)
            what, section = step.owners[lab]
            return last, step, (lab, what, section)
        last = step
    return None


def describe_stall(build, bootargs, output):
    """(a sentence on where the boot stopped, the section to read), or None."""
    stall = stalled_boot(build, bootargs, output)
    if stall is None:
        return None
    last, missing, (lab, what, section) = stall
    seen = f"after {last.shows}" if last else "before printing anything"
    return (f"Keel's boot stopped {seen}: {missing.shows} never came. On the lab {build} build "
            f"the code that runs before it is lab {lab}'s ({what})."), section


# What a diagnosis of a stuck kernel (tools/diagnose.py) found, and where to read about it:
# {cause: {first build: section}}, most telling cause first.
CAUSES = {
    "eoi-missing": {3: GIC},
    "gic-silent": {3: GIC},
    "no-vector-table": {1: SILENCE, 2: AFTER_RAM, 3: VECTORS},
    "exception-loop": {3: VECTORS},
    "uart-tx": {1: UART},
    "input-wait": {3: INPUT},
    "input-poll": {1: UART},
    "user-masked": {4: INTO_USER},
    "user-loop": {4: PREEMPTION},
    # From lab 5 most waits are IPC: a lab 5 test whose tasks all wait (a lost wakeup, a
    # reply that never came) is best explained by its own section (None: the test's own).
    "idle": {4: SLEEPING, 5: None},
}


def section_for_causes(causes, build, test_lab=None):
    """The section for the most telling of a diagnosis' causes on this build, or None for
    the test's own section.  An entry of None (a lab 5 test's hang is its own business) does
    not apply to an earlier lab's test: that one gets the advice of its own time."""
    for cause, sections in CAUSES.items():
        if cause in causes:
            usable = [lab for lab in sections if lab <= build]
            if usable and sections[max(usable)] is None and test_lab is not None:
                usable = [lab for lab in usable if lab <= test_lab] or usable
            if usable:
                return sections[max(usable)]
    return None


def handout_lab(section):
    """The lab number of a citation 'handouts/03-exceptions.md, ...', or None."""
    match = re.match(r"handouts/(\d\d)-", section or "")
    return int(match.group(1)) if match else None
