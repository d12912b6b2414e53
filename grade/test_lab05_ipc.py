"""Lab 5 grader: capabilities, IPC, notifications, IRQs as notifications, the console server.

The test programs live in labs/05-ipc/.  Each runs as pid 1 (boot arguments `-- NAME ARGS`),
prints a line per thing it checks ("NAME: FAIL what: expected X, got Y" when one is wrong)
and a summary, and its exit status ends QEMU.  Seeds and nonces come from the test's random
generator (conftest.py seeds it per test), so a failure can be rerun with the command its
message names.  Instruction counts are taken under -icount shift=0, where the PMU counts
retired instructions exactly.
"""
import re

import pytest

from harness import mix64, new_seed, rerun_hint

LAB = 5
TITLE = "IPC"
HANDOUT = "handouts/05-ipc.md"

SH_PROMPT = "$ "
EX1 = "handouts/05-ipc.md, 'Exercise 1: the capability table'"
EX2 = "handouts/05-ipc.md, 'Exercise 2: mint and delete'"
EX3 = "handouts/05-ipc.md, 'Exercise 3: call and reply'"
EX4 = "handouts/05-ipc.md, 'Exercise 4: passing capabilities'"
EX5 = "handouts/05-ipc.md, 'Exercise 5: notifications'"
EX6 = "handouts/05-ipc.md, 'Exercise 6: interrupts as notifications'"
EX7 = "handouts/05-ipc.md, 'Exercise 7: the console server'"
DEAD = "handouts/05-ipc.md, 'Dead peers'"
MEASURING = "handouts/05-ipc.md, 'Measuring'"

ROUND_TRIP_TARGET = 300  # instructions: the issue's target (seL4's fast path: ~840 cycles)


def run_program(keel, command, bootargs="", **options):
    """Boots Keel with `command` as pid 1 (no monitor); `bootargs` go before the "--"."""
    return keel.boot(bootargs=f"{bootargs} -- {command}".strip(), monitor=False, **options)


def fail_lines(k, program, limit=8):
    """The program's FAIL lines and any fault reports, for a failure message."""
    lines = re.findall(r"^%s: .*FAIL .*$|^keel: task \d+ .* killed: .*$" % re.escape(program),
                       k.output, re.M)
    more = f"\n    ... and {len(lines) - limit} more" if len(lines) > limit else ""
    return "".join("\n    " + line for line in lines[:limit]) + more


def expect_line(k, pattern, what, section, timeout=30, hint=None, **options):
    """k.expect, with `hint` (how to rerun, what to look at) added to a failure."""
    try:
        return k.expect(pattern, timeout=timeout, what=what, section=section, **options)
    except pytest.fail.Exception as failure:
        message = str(failure)
    pytest.fail(message + (f"\n{hint}" if hint else ""), pytrace=False)


# --- Exercise 3: call and reply ------------------------------------------------------------

@pytest.mark.points(10)
@pytest.mark.section(EX3)
def test_ping_pong_carries_every_word_both_ways(keel):
    """`pingpong NONCE 10000`: 10,000 call/reply_recv round trips with a server child; each
    request's label and four words come from the nonce and the round, and the reply's from
    the request: the server checks every request (label in sequence, words, badge 0, no
    capability), the client every reply."""
    nonce = new_seed()
    command = f"pingpong {nonce} 10000"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    done = expect_line(k, r"^pingpong: (\d+) round trips, (\d+) wrong replies$",
                       "pingpong's summary (if it never comes, a call or a reply_recv never "
                       "returned: a reply that never reached the caller, or a server that was "
                       "never woken by the next call)", EX3, hint=hint)
    server = re.search(r"^pingpong: server: (\d+) requests, (\d+) wrong$", k.output, re.M)
    rounds, wrong = int(done.group(1)), int(done.group(2))
    assert rounds == 10000 and wrong == 0 and server and server.group(2) == "0", k.explain(
        "10000 round trips, every request and every reply as sent: all four words (x2-x5) and "
        "the label (x1) copied from the sender's registers into the receiver's, the reply to "
        "the caller (not to whoever called last)",
        got=done.group(0) + fail_lines(k, "pingpong") + "\n" + hint, section=EX3)
    status = k.wait_exit(timeout=10)
    assert status == 0, k.explain("exit status 0 from pingpong", got=status)


@pytest.mark.points(10)
@pytest.mark.section(EX3)
@pytest.mark.earlier("handouts/04-scheduler.md, 'Preemption'")
def test_many_clients_are_told_apart_by_badge(keel):
    """`manyclients SEED 8 500` at 1000 Hz: 8 clients with capabilities minted with badges
    of their own call one server 500 times each, spinning a random while between calls so
    the timer preempts everyone everywhere; the server finds each request's client by the
    badge alone and requires it to be that client's next call (none lost, none twice); each
    client requires the reply to its own call, with the badge the server saw.  Booted with
    `nofastpath`, so that every message goes through endpoint.c and reply.c, the code the
    lab asks for (the given fast path would otherwise carry most of them)."""
    seed = new_seed()
    command = f"manyclients {seed} 8 500"
    k = run_program(keel, command, bootargs="hz=1000 nofastpath")
    hint = rerun_hint(k, command, "hz=1000 nofastpath")
    done = expect_line(k, r"^manyclients: 8 clients x 500 calls: (\d+) served, (\d+) wrong; "
                       r"(\d+) clients got every reply right$", "manyclients' summary (if it "
                       "never comes, a call was lost: a client still waits for a reply, or "
                       "the server for a request)", EX3, timeout=40, hint=hint)
    served, wrong, clients = map(int, done.groups())
    failures = fail_lines(k, "manyclients")
    badge_hint = ""
    if "badge" in failures:
        badge_hint = ("\nThe badge a receiver gets (x6) must be the badge of the capability "
                      "the sender used, copied when the message is delivered; a badge left "
                      "over from another sender, or the receiver's own, shows up here.")
    assert served == 4000 and wrong == 0 and clients == 8, k.explain(
        "4000 requests, each from the client its badge names and in that client's order, and "
        "every client getting the reply to its own call",
        got=done.group(0) + failures + badge_hint + "\n" + hint, section=EX3)
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from manyclients",
                                                   got=failures)


@pytest.mark.points(10)
@pytest.mark.section(EX3)
@pytest.mark.earlier("handouts/04-scheduler.md, 'The context switch'")
def test_ipc_calls_keep_every_register_but_their_results(keel):
    """`ipcregs SEED` at 1000 Hz: a client and a server fill every register with patterns
    and make each IPC call through hold.S (describe, signal, poll, nbrecv, call, send, recv
    and the server's recv, reply_recv, send, reply), in two rounds: x8-x30, SP, NZCV and
    TPIDR_EL0 must come back as they were, x0 the result, and a received message's label,
    words, badge and slot in x1-x7."""
    seed = new_seed()
    command = f"ipcregs {seed}"
    k = run_program(keel, command, bootargs="hz=1000")
    hint = rerun_hint(k, command, "hz=1000")
    status = k.wait_exit(timeout=30, section=EX3)
    kept = re.findall(r"^ipcregs: (main|partner): round [01]: .*: every register kept$",
                      k.output, re.M)
    failures = fail_lines(k, "ipcregs", limit=12)
    assert not failures and len(kept) == 26 and status == 0, k.explain(
        "every IPC call to give back x8-x30, SP, NZCV and TPIDR_EL0 as they were, and x1-x7 "
        "as docs/syscalls.md says (26 'every register kept' lines: 16 of the client, 10 of "
        "the server), exit status 0. A receiving call writes x1-x7 from the message; every "
        "other register of the trap frame must be left alone, also in the task that is "
        "switched to",
        got=f"exit status {status}, {len(kept)} events kept" + failures + "\n" + hint,
        section=EX3)


# --- Exercises 1, 2 and 4: the capability table, mint and delete, passing capabilities --

# The groups of checks in labs/05-ipc/rights.c, and where each is taught.
RIGHTS_GROUPS = {
    "creating an endpoint and a notification": EX1,
    "slots outside 0..63 are EBADF": EX1,
    "empty slots are EBADF": EX1,
    "describing a slot": EX1,
    "calls on the wrong type of object are EINVAL": EX1,
    "a missing right is EPERM": EX1,
    "mint copies, never widens": EX2,
    "a badge is set once": EX2,
    "notification rules": EX5,
    "no partner, no reply right": EX3,
    "passing a capability": EX4,
    "tasks: kill, task_describe, spawn with capabilities": EX4,
    "a full table is EMFILE": EX2,
    "deleting gives every slot back": EX2,
}


@pytest.mark.points(20)
@pytest.mark.section(EX1)
def test_rights_and_bad_slots_get_the_documented_errors(keel):
    """`rights SEED`: every capability call on slots -1, 64, huge and random ones and on empty
    slots is EBADF; on the wrong type of object EINVAL; without the right it needs EPERM; a
    mint that widens rights or re-badges a badged capability EPERM, with rights bits that do
    not exist EINVAL; passing a capability without grant EPERM, an empty pass slot EBADF, to a
    receiver with a full table EMFILE (the receiver keeps waiting, nothing delivered); a full
    table EMFILE; kill, task_describe and spawn's capability list their documented errors;
    after deleting, the slots are back."""
    seed = new_seed()
    command = f"rights {seed}"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    summary = expect_line(k, r"^rights: (\d+) of (\d+) checks passed$", "rights' summary (if "
                          "the last line is an 'ok', a call of the next group in "
                          "labs/05-ipc/rights.c blocked: a call that must fail at once went "
                          "to sleep)", EX1, hint=hint)
    passed, total = int(summary.group(1)), int(summary.group(2))
    oks = set(re.findall(r"^rights: ok (.*)$", k.output, re.M))
    failed = [g for g in RIGHTS_GROUPS if g not in oks]
    if failed:
        first = failed[0]
        lines = re.findall(r"^rights: FAIL %s: .*$" % re.escape(first), k.output, re.M)
        others = "" if len(failed) == 1 else "\n    Other groups with failures: " + \
            "; ".join(failed[1:])
        pytest.fail(k.explain(
            f"every check of '{first}' to pass (docs/syscalls.md, 'Capabilities and IPC', "
            "lists each call's errors)",
            got="".join("\n    " + line for line in lines[:10]) +
            (f"\n    ... and {len(lines) - 10} more" if len(lines) > 10 else "") + others +
            "\n" + hint, section=RIGHTS_GROUPS[first]), pytrace=False)
    assert passed == total and total >= 350, k.explain(
        "every check of the whole program to pass", got=summary.group(0) + fail_lines(k, "rights"))
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from rights")


@pytest.mark.points(10)
@pytest.mark.section(EX4)
def test_passed_capabilities_work_in_the_receiver(keel):
    """`transfer SEED`: an endpoint passed with a call lands in the receiver's lowest free
    slot as a copy with the sender's rights and badge (same object), works there (a call
    through it arrives with that badge), and the sender keeps its own; a reply passes a
    notification without grant, and a signal through it arrives; a copy without grant cannot
    pass anything (EPERM); a saved reply capability describes as CAP_REPLY, cannot be minted,
    answers once and is gone."""
    seed = new_seed()
    command = f"transfer {seed}"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    summary = expect_line(k, r"^transfer: (\d+) of (\d+) checks passed$", "transfer's summary "
                          "(if it never comes, the child's last step never got an answer: see "
                          "the numbered steps at the top of labs/05-ipc/transfer.c)", EX4,
                          hint=hint)
    failures = fail_lines(k, "transfer")
    status = k.wait_exit(timeout=10)
    assert summary.group(1) == summary.group(2) and not failures and status == 0, k.explain(
        "every step of the transfer to work (see the numbered steps in labs/05-ipc/transfer.c)",
        got=summary.group(0) + failures + f"\n    exit status {status}\n" + hint, section=EX4)


# --- Dead peers --------------------------------------------------------------------------

def run_deadpeer(keel):
    seed = new_seed()
    command = f"deadpeer {seed}"
    # -icount with sleep=off: the time each waiter takes to wake is counted in instructions,
    # the same on a loaded host as on an idle one.
    k = run_program(keel, command, icount="shift=0,sleep=off")
    hint = rerun_hint(k, command, icount="shift=0,sleep=off")
    summary = expect_line(k, r"^deadpeer: (\d+) of (\d+) checks passed$", "deadpeer's summary "
                          "(if it never comes, a task stayed blocked: the last 'deadpeer:' "
                          "line says which scenario was running)", DEAD, timeout=40, hint=hint)
    return k, summary, hint


@pytest.mark.points(15)
@pytest.mark.section(DEAD)
def test_dead_peers_wake_their_partners_with_errors(keel):
    """`deadpeer SEED` (under -icount): a server killed while 3 clients are in call: the one
    whose request it took gets EPIPE, the two queued EIDRM, all within 100 ms of guest time,
    and every copy of its endpoint is gone; a client killed mid-request: the server's reply
    gets ESRCH, reply_recv reports IPC_REPLY_LOST and serves the next client, a saved reply
    gets ESRCH and its slot is freed; originals deleted under tasks waiting in call, send,
    recv and notify_wait: each wakes with EIDRM and loses its copy."""
    k, summary, hint = run_deadpeer(keel)
    scenario_failures = [line for line in re.findall(r"^deadpeer: .*FAIL .*$", k.output, re.M)
                         if "baseline:" not in line]
    for name, pattern in (("server killed", r"^deadpeer: server killed with 3 clients in call: "
                           r".*$"),
                          ("client killed", r"^deadpeer: client killed mid-request: .*$"),
                          ("endpoint deleted", r"^deadpeer: originals deleted under waiters: .*$")):
        assert re.search(pattern, k.output, re.M), k.explain(
            f"the '{name}' scenario's line", got=fail_lines(k, "deadpeer") + "\n" + hint)
    assert not scenario_failures, k.explain(
        "each waiter woken with the documented error (EPIPE: the server took the call and "
        "died, or deleted its reply right; EIDRM: the endpoint was destroyed; ESRCH: the "
        "caller is gone) and no task left blocked",
        got="".join("\n    " + line for line in scenario_failures[:10]) + "\n" + hint,
        section=DEAD)


@pytest.mark.points(10)
@pytest.mark.section(DEAD)
def test_dead_peers_leak_nothing(keel):
    """`deadpeer SEED`: after the three scenarios, the free frames (sysinfo), the slots in
    use, the tasks (task_describe), the kernel objects that can still be created (children
    create notifications until ENOMEM) and keel_stats' counts of objects, capabilities, tasks
    and kmalloc allocations are all as before them: every reply right, endpoint, notification
    and copy of a dead task or a destroyed object is freed."""
    k, summary, hint = run_deadpeer(keel)
    before = re.search(r"^deadpeer: baseline: .*$", k.output, re.M)
    after = re.search(r"^deadpeer: afterwards: .*$", k.output, re.M)
    baseline_failures = re.findall(r"^deadpeer: FAIL baseline: .*$", k.output, re.M)
    got = (before.group(0) if before else "no baseline line") + "\n    " + \
        (after.group(0) if after else "no 'afterwards' line")
    assert before and after and not baseline_failures, k.explain(
        "the same counts before and after: a difference in objects means an endpoint, "
        "notification or reply object never freed when its last capability went (a task's "
        "exit deletes all its capabilities); in frames, a page table or a kernel stack kept",
        got=got + "".join("\n    " + line for line in baseline_failures) + "\n" + hint,
        section=DEAD)
    assert summary.group(1) == summary.group(2), k.explain(
        "every check of deadpeer to pass", got=summary.group(0) + fail_lines(k, "deadpeer"))
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from deadpeer")


# --- Exercise 5: notifications ------------------------------------------------------------

@pytest.mark.points(10)
@pytest.mark.section(EX5)
def test_notifications_or_badges_and_wake_their_waiters(keel):
    """`notify SEED 2000` at 1000 Hz: badges of three senders OR'ed into one word that wait
    returns and clears; poll returns the word without blocking; a wait blocks until a signal;
    2000 signal/wait exchanges with random delays lose no wakeup; a notification bound to an
    endpoint makes recv return IPC_NOTIFIED with the word before a queued message, and wakes
    a recv blocked on the endpoint."""
    seed = new_seed()
    command = f"notify {seed} 2000"
    k = run_program(keel, command, bootargs="hz=1000")
    hint = rerun_hint(k, command, "hz=1000")
    summary = expect_line(k, r"^notify: (\d+) of (\d+) checks passed$", "notify's summary (if "
                          "the last line is 'notify: pingpong: round N', a wakeup was lost: a "
                          "signal that came just before the wait, or while the waiter was "
                          "being put to sleep, must leave the word set or wake it; if it is "
                          "'notify: pingpong: 2000 rounds, no wakeup lost', the bound scenario "
                          "hung: a signal must wake a recv already blocked on the endpoint its "
                          "notification is bound to)", EX5,
                          hint=hint)
    failures = fail_lines(k, "notify")
    assert summary.group(1) == summary.group(2) and not failures, k.explain(
        "every notification check to pass", got=summary.group(0) + failures + "\n" + hint,
        section=EX5)
    for scenario in ("or", "poll", "blocks", "pingpong: 2000 rounds", "bound"):
        assert re.search(r"^notify: %s" % re.escape(scenario), k.output, re.M), k.explain(
            f"notify's '{scenario}' line", got=failures)
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from notify")


# --- Exercises 6 and 7: the console server ------------------------------------------------

def typed_text(seed, length):
    """The characters coninput expects, from its generator (labs/05-ipc/ipctest.h)."""
    mask = (1 << 64) - 1
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    state, out = seed, []
    for _ in range(length):
        state = (state + 0x9E3779B97F4A7C15) & mask
        out.append(alphabet[mix64(state) % len(alphabet)])
    return "".join(out)


@pytest.mark.points(10)
@pytest.mark.section(EX6)
@pytest.mark.earlier("handouts/03-exceptions.md, 'Exercise 5: input by interrupt'")
def test_typing_while_busy_loses_nothing(keel):
    """`coninput SEED 1500`: while the program spins without reading, 1500 characters and a
    carriage return are typed in one burst, more than the console server's ring holds: they
    come in through the UART's interrupt (kernel: mask the line, signal the server's bound
    notification; server: drain, ack), the rest held back by flow control; then the program
    reads all 1501 bytes, in order, and the server's CONSOLE_STATS says 0 dropped."""
    seed, length = new_seed(), 1500
    command = f"coninput {seed} {length}"
    k = run_program(keel, command)
    hint = rerun_hint(k, command) + " (then paste 1500 characters)"
    expect_line(k, r"^coninput: busy; type now$", "'coninput: busy; type now'", EX7, timeout=20)
    k.write(typed_text(seed, length) + "\r")
    busy = expect_line(k, r"^coninput: busy for (\d+) ms; the console server received (\d+) "
                       r"bytes meanwhile$", "the end of the busy spin (if Keel is stuck in "
                       "irq_dispatch, the UART's line fires again and again: the kernel must "
                       "mask it at the GIC when it signals the server's notification, and only "
                       "the server's irq_ack unmasks it)", EX6, timeout=30, quiet=8)
    assert int(busy.group(2)) > 0, k.explain(
        "bytes to reach the console server while the program was busy (not reading): the "
        "UART's interrupt must reach the server as its bound notification; the kernel masks "
        "the line and signals, the server drains the FIFO and acks",
        got=busy.group(0), section=EX6)
    done = expect_line(k, r"^coninput: read (\d+) of (\d+) bytes, (.*); console stats: "
                       r"received (\d+), dropped (\d+), written \d+, readers waiting \d+$",
                       "coninput's result (if it never comes, a read(0) never returned: "
                       "input stuck in the server's ring or in the UART, an IRQ never acked "
                       "so the line stays masked, or a reader never answered)", EX7,
                       timeout=30, hint=hint)
    n, total, verdict, received, dropped = done.groups()
    assert verdict == "all in order" and n == total and dropped == "0", k.explain(
        f"all {length + 1} bytes read in the order typed and 0 dropped (a full ring must "
        "mask the UART's receive interrupt and leave bytes in the FIFO, not drop them)",
        got=done.group(0) + fail_lines(k, "coninput") + "\n" + hint, section=EX7)
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from coninput")


@pytest.mark.points(5)
@pytest.mark.section(EX7)
def test_console_server_survives_garbage(keel):
    """`congarbage SEED 2000`: random labels, writes longer than a message, reads with a bad
    max, inexact labels, calls passing capabilities (the server must delete them), plain and
    non-blocking sends, random words: each answered as docs/protocols/console.md says, and
    the server still serves afterwards."""
    seed = new_seed()
    command = f"congarbage {seed} 2000"
    k = run_program(keel, command)
    hint = rerun_hint(k, command)
    done = expect_line(k, r"^congarbage: (\d+) garbage messages .*, (\d+) wrong replies$",
                       "congarbage's count (if it never comes, the console server died or "
                       "stopped answering: a message it did not expect made it fault, block "
                       "or wait)", EX7, timeout=30, hint=hint)
    alive = expect_line(k, r"^congarbage: the console server still serves: CONSOLE_STATS -> "
                        r"(-?\d+), .*$", "a line printed after the garbage, through the "
                        "server", EX7, timeout=10, hint=hint)
    assert done.group(2) == "0" and alive.group(1) == "0", k.explain(
        "every garbage message answered as the protocol says",
        got=done.group(0) + fail_lines(k, "congarbage") + "\n" + hint, section=EX7)
    assert "keel: task 2 " not in k.output, k.explain("the console server (pid 2) to live",
                                                     got=fail_lines(k, "congarbage"))
    assert k.wait_exit(timeout=10) == 0, k.explain("exit status 0 from congarbage")


CONKILL_STATUS = {1: "no task named 'console' found", 2: "kill of the console server failed",
                  3: "the console server did not die", 4: "spawn of 'fault null' failed",
                  5: "'fault null' did not die of SIGSEGV"}


@pytest.mark.points(5)
@pytest.mark.section(EX7)
@pytest.mark.earlier("handouts/04-scheduler.md, 'Faults in user code'")
def test_fault_report_reaches_the_serial_line_without_the_console_server(keel):
    """`conkill`: kills the console server, then starts `fault null`: the kernel's one-line
    fault report still reaches the serial line through its own polled output, a write(1)
    after that returns rather than hang, and pid 1's exit powers off."""
    k = run_program(keel, "conkill")
    expect_line(k, r"^conkill: killing the console server \(pid \d+\); then 'fault null' runs$",
                "conkill's announcement", EX7, timeout=20)
    report = expect_line(k, r"^keel: task \d+ \(fault\) killed: .*$", "the kernel's report of "
                         "the fault of 'fault null' (with the console server dead, the kernel "
                         "must write it to the UART itself, polled, not through the server)",
                         EX7, timeout=10)
    assert "data abort from EL0" in report.group(0), k.explain(
        "a report of a data abort", got=report.group(0))
    status = k.wait_exit(timeout=10, section=EX7)
    assert status == 0, k.explain(
        "exit status 0 from conkill (pid 1 ran on and powered off)",
        got=f"{status}: {CONKILL_STATUS.get(status, 'see labs/05-ipc/conkill.c')}",
        section=EX7)


@pytest.mark.points(5)
@pytest.mark.section(EX3)
def test_ps_lists_the_tasks_and_what_they_wait_on(keel):
    """`ps` in the shell: a line per task with its pid, parent, slots in use, name and state:
    init (pid 1), the console server (pid 2) receiving on the console's endpoint, the shell
    waiting for ps, ps itself running."""
    k = keel.boot(monitor=False)
    k.expect(re.escape(SH_PROMPT), timeout=20, what="the shell's prompt '$ '", section=EX7)
    out = k.command("ps", prompt=SH_PROMPT)
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$", line)
        if m:
            rows[int(m.group(1))] = (int(m.group(2)), int(m.group(3)), m.group(4),
                                     m.group(5).strip())
    got = "\n" + "\n".join("    | " + line for line in out.strip().splitlines())
    assert 1 in rows and rows[1][2] == "init", k.explain("a line for pid 1, init", got=got)
    assert 2 in rows and rows[2][2] == "console" and \
        re.match(r"receiving on object \d+ \(the console\)", rows[2][3]), k.explain(
            "a line for pid 2, the console server, 'receiving on object N (the console)': "
            "task_describe's state and object of a task blocked in recv", got=got)
    assert rows[2][1] >= 4, k.explain("the console server to hold at least 4 slots (endpoint, "
                                      "UART, IRQ, notification)", got=got)
    ps = [pid for pid, row in rows.items() if row[2] == "ps"]
    sh = [pid for pid, row in rows.items() if row[2] == "sh"]
    assert ps and sh and rows[ps[0]][0] == sh[0] and rows[ps[0]][3] == "running", k.explain(
        "a line for ps itself, running, whose parent is the shell", got=got)
    assert rows[sh[0]][0] == 1, k.explain("the shell's parent to be init", got=got)


# --- Measuring ----------------------------------------------------------------------------

@pytest.mark.points(5)
@pytest.mark.section(MEASURING)
def test_ipc_round_trip_instruction_count(keel, measure):
    """`ipcbench` with -icount shift=0: a 4-word call + reply_recv round trip, client to server
    and back, made from a few instructions of inline assembly on each side (so the count is
    the kernel's, as seL4's published fast path is: Call 413 + ReplyRecv 426 cycles on a
    Cortex-A57), in at most 300 instructions; also reports the same through the C library's
    wrappers, signal-to-wait and the cost per byte of console output."""
    k = run_program(keel, "ipcbench", icount=True)
    call = expect_line(k, r"^ipcbench: call\+reply_recv round trip: (\d+) instructions$",
                       "the round trip's count", MEASURING, timeout=30)
    wrapped = expect_line(k, r"^ipcbench: the same through ipc_call and ipc_reply_recv "
                          r"\(user/lib/ipc.c\): (\d+) instructions$",
                          "the round trip's count through the C library", MEASURING)
    notify = expect_line(k, r"^ipcbench: signal to wait: (\d+) instructions$",
                         "the signal-to-wait count", MEASURING)
    per_byte = expect_line(k, r"^ipcbench: console output: (\d+) instructions per byte$",
                           "the console output count", MEASURING)
    for _ in range(3):  # ipcbench takes the best of three keys
        expect_line(k, r"^ipcbench: type a key to time the UART's interrupt$", "the prompt "
                    "for a key", MEASURING)
        k.write("k")
    irq = expect_line(k, r"^ipcbench: IRQ to driver: (\d+) instructions$",
                      "the IRQ-to-driver count (the kernel's keel_stats)", MEASURING)
    n_call, n_notify, n_byte, n_irq = (int(m.group(1)) for m in (call, notify, per_byte, irq))
    measure(f"lab 5 ipcbench: call+reply_recv round trip {n_call} instructions (target "
            f"<= {ROUND_TRIP_TARGET}; {wrapped.group(1)} through the C library's wrappers); "
            f"signal to wait {n_notify}; console output {n_byte} per byte; IRQ to driver "
            f"{n_irq}")
    assert 10 <= n_irq < 5000, k.explain(
        "an IRQ-to-driver count that is a real measurement: the console server's recv returns "
        "IPC_NOTIFIED soon after the UART's interrupt", got=n_irq, section=MEASURING)
    assert 20 <= n_call <= ROUND_TRIP_TARGET, k.explain(
        f"a round trip of 20 to {ROUND_TRIP_TARGET} instructions (a fast path for call and "
        "reply_recv: both tasks known, message in registers, switch straight to the partner "
        "without the scheduler's run queue)", got=n_call, section=MEASURING)
    assert 10 <= n_notify < 2000 and 1 <= n_byte < 2000, k.explain(
        "signal-to-wait and per-byte costs that are real measurements",
        got=f"{n_notify} and {n_byte}")
    assert k.wait_exit(timeout=10) == 0
