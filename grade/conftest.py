"""pytest plumbing for Keel's graders: which builds each lab's tests run on, points, scores.

Each grader module is `test_labNN*.py` and sets LAB = NN, TITLE and HANDOUT.  Tests take the
`keel` fixture (a Booter, see harness.py) and say what they are worth with
@pytest.mark.points(N).

    make grade LAB=N   ->  --keel-labs=N --keel-cumulative: labs 1..N's tests on build N
    make grade         ->  --keel-labs="1 .. TOP": each lab's tests on its own build, and all
                           of them again on build TOP (what later labs must not break)

At the end: a line per lab and build, and the last line `Score: X/Y`; build/grade/ gets
junit.xml (pytest's own) and results.json (Gradescope's format).

A test that fails is run once more, recorded under QEMU's record/replay, with the same
nonces and the same random choices (the `random` module is seeded per test), so that the
failure message can end with `make replay TEST=...` (tools/replay.py).  Only the first
KEEL_RECORD (default 3) failures of a run are recorded; KEEL_RECORD=0 records none.
"""
import json
import os
import random
import re
import secrets
import shutil
import signal
import time

import pytest

import harness
import replay

DEFAULT_TIMEOUT = 60  # seconds per test, unless @pytest.mark.timeout(N) says otherwise
RECORD_LIMIT = int(os.environ.get("KEEL_RECORD", "3"))  # recorded reruns per run
REPLAYING = "handouts/debugging.md, 'Replaying a failed test'"


def pytest_addoption(parser):
    group = parser.getgroup("keel")
    group.addoption("--keel-labs", default=None,
                    help="space-separated lab numbers to grade (default: every built lab)")
    group.addoption("--keel-cumulative", action="store_true",
                    help="run the tests of labs 1..N on build N only (make grade LAB=N)")
    group.addoption("--keel-only", type=int, default=None,
                    help="run only this lab's tests (release self-check)")


def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): what the test is worth")
    config.addinivalue_line("markers", "timeout(seconds): the test's time limit")
    config.addinivalue_line("markers", "section(citation): the handout section a failure "
                            "message names when the check itself names none")
    config.addinivalue_line("markers", "earlier(citation): an earlier lab's section whose "
                            "behaviour the test relies on")
    if not hasattr(config, "workerinput"):
        # The recordings of the last run's failures: this run makes its own.
        shutil.rmtree(replay.GRADE_REPLAYS, ignore_errors=True)
    labs = config.getoption("--keel-labs")
    if labs is None:
        labs = " ".join(sorted((d[3:] for d in os.listdir(harness.BUILD)
                                if re.fullmatch(r"lab\d+", d)), key=int)) \
            if os.path.isdir(harness.BUILD) else ""
    config.keel_labs = [int(n) for n in labs.split()]
    config.keel_results = []
    config.keel_started = time.monotonic()


def module_lab(module):
    return getattr(module, "LAB", None)


def builds_for(config, lab):
    """The builds a lab's tests run on."""
    labs = config.keel_labs
    if not labs:
        return []
    only = config.getoption("--keel-only")
    if only is not None and lab != only:
        return []
    if config.getoption("--keel-cumulative"):
        top = max(labs)
        return [top] if lab <= top else []
    top = max(labs)
    builds = [lab] if lab in labs else []
    if lab < top:
        builds.append(top)
    return builds


def pytest_generate_tests(metafunc):
    if "build" not in metafunc.fixturenames:
        return
    lab = module_lab(metafunc.module)
    builds = builds_for(metafunc.config, lab)
    metafunc.parametrize("build", builds, ids=[f"lab{b}" for b in builds], indirect=False)


def pytest_collection_modifyitems(config, items):
    # Tests whose lab is not graded this time get no parameters: drop them quietly.
    def graded(item):
        callspec = getattr(item, "callspec", None)
        return callspec is not None and isinstance(callspec.params.get("build"), int)

    kept = [item for item in items if graded(item)]
    dropped = [item for item in items if item not in kept]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    note = getattr(item, "keel_replay_note", None)
    if report.when == "call" and report.failed and note:
        if hasattr(report.longrepr, "addsection"):
            report.longrepr.addsection("replay", note)
        else:
            report.longrepr = f"{report.longrepr}\n{note}"
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        setattr(item, "keel_report_" + report.when, report)
    if report.when == "call" or (report.when == "setup" and report.failed):
        marker = item.get_closest_marker("points")
        points = marker.args[0] if marker else 0
        lab = module_lab(item.module)
        report.user_properties.append(("keel", json.dumps({
            "lab": lab, "title": getattr(item.module, "TITLE", ""),
            "build": item.callspec.params["build"], "points": points,
            "name": item.originalname, "doc": (item.function.__doc__ or "").strip()})))


@pytest.fixture
def keel(request, build):
    """Boots Keel for one test; kills every QEMU and keeps logs of failures afterwards."""
    module = request.module
    section = request.node.get_closest_marker("section")
    earlier = request.node.get_closest_marker("earlier")
    booter = harness.Booter(build, request.node.name, getattr(module, "HANDOUT", None),
                            test_lab=module_lab(module),
                            section=section.args[0] if section else None,
                            earlier=earlier.args[0] if earlier else None)
    yield booter
    report = getattr(request.node, "keel_report_call", None)
    booter.finish(passed=report is not None and report.passed)


@pytest.fixture
def elf(build):
    return harness.Elf(build)


@pytest.fixture
def measure(request):
    """measure(text): a figure the test measured (an instruction count), printed with the
    score at the end of the run whether the test passed or not."""
    def record(text):
        request.node.user_properties.append(("keel-measure", text))
    return record


_running = {}  # the test running now, for the timeout's message


def _timeout_handler(signum, frame):
    handout = getattr(_running.get("item").module, "HANDOUT", None) if _running else None
    pytest.fail("the test ran out of time (see @pytest.mark.timeout); QEMU may be hung"
                + (f". See {handout}, 'How you are graded'" if handout else ""), pytrace=False)


class time_limit:
    """The test's time limit, as SIGALRM (the tests run in the main thread)."""

    def __init__(self, seconds):
        self.seconds = seconds

    def __enter__(self):
        self.previous = signal.signal(signal.SIGALRM, _timeout_handler)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    marker = item.get_closest_marker("timeout")
    seconds = marker.args[0] if marker else DEFAULT_TIMEOUT
    # The test's random choices come from this seed: its recorded rerun makes the same.
    item.keel_seed = secrets.randbits(64)
    random.seed(item.keel_seed)
    _running["item"] = item
    with time_limit(seconds):
        outcome = yield
    if outcome.excinfo is not None and "keel" in getattr(item, "funcargs", {}):
        item.keel_replay_note = record_failure(item, seconds, outcome.excinfo[1])


def record_failure(item, seconds, error):
    """Runs a failed test once more, recording every QEMU it boots; returns the note for
    the failure message: how to replay it, or why there is no replay."""
    booter = item.funcargs["keel"]
    name = harness.safe_name(item.name)
    if booter.record_root is not None:  # the test records by itself
        return f"Recorded: `make replay TEST={name}` replays it in GDB."
    if not booter.machines:
        return None
    slot = take_record_slot()
    if slot is None:
        return (f"Not recorded for replay: only the first {RECORD_LIMIT} failed tests of a run "
                "are (run this one alone, or set KEEL_RECORD=N).")
    started = time.monotonic()
    booter.rerun_recorded(os.path.join(replay.GRADE_REPLAYS, name))
    random.seed(item.keel_seed)
    again = None
    try:
        with time_limit(seconds):
            item.runtest()
    except harness.NotRecordable as e:
        os.remove(slot)  # for another failure
        return f"Not recorded for replay: {e}."
    except (Exception, pytest.fail.Exception) as e:  # noqa: B014 (Failed is a BaseException)
        again = e
    finally:
        booter.stop_recording()
    took = time.monotonic() - started
    replay_line = (f"    make replay TEST={name}\nstarts GDB on the recording, stopped at its "
                   "first instruction; it runs forwards and backwards (keel-back-to-fault, "
                   f"keel-who-wrote EXPR, keel-serial): see {REPLAYING}.")
    if again is None:
        return (f"Run again under QEMU's record/replay ({took:.1f} s), the test passed: the "
                "failure depends on timing (a race with an interrupt, or a time limit that "
                "the recording's instruction-counting clock moves). The passing run is "
                "recorded anyway:\n" + replay_line)
    first, original = (str(e).strip().split("\n")[0].split(", but ")[0] for e in (again, error))
    differs = re.sub(r"\d+", "N", first) != re.sub(r"\d+", "N", original)
    return (f"The failure happened again under QEMU's record/replay ({took:.1f} s)"
            + (f"; this time the first check to fail was: {first}" if differs else "")
            + ". Replay it:\n" + replay_line)


def take_record_slot():
    """A slot's file for the first RECORD_LIMIT callers of a run, across pytest-xdist's
    workers (only one process can create each file); None for the others."""
    slots = os.path.join(replay.GRADE_REPLAYS, ".slots")
    os.makedirs(slots, exist_ok=True)
    for i in range(RECORD_LIMIT):
        path = os.path.join(slots, str(i))
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL))
            return path
        except FileExistsError:
            continue
    return None


def pytest_runtest_logreport(report):
    for key, value in report.user_properties:
        if key == "keel-measure" and report.when == "call" and value not in _measures:
            _measures.append(value)
        if key == "keel":
            info = json.loads(value)
            info["passed"] = report.passed
            info["output"] = "" if report.passed else str(report.longrepr or "")
            info["nodeid"] = report.nodeid
            _results.append(info)


_results = []
_measures = []  # measure()'s figures, printed before the score


def pytest_unconfigure(config):
    # Workers of pytest-xdist report to the controller; only the controller sums up.
    if hasattr(config, "workerinput") or not getattr(config, "keel_labs", None):
        return
    if not _results:
        return
    summary = {}
    for r in _results:
        key = (r["lab"], r["build"])
        got, total, title = summary.get(key, (0, 0, r["title"]))
        summary[key] = (got + (r["points"] if r["passed"] else 0), total + r["points"], title)
    lines = []
    for (lab, build), (got, total, title) in sorted(summary.items()):
        where = "its own build" if lab == build else f"the lab {build} build"
        lines.append(f"lab {lab} ({title}) on {where}: {got}/{total}")
    got = sum(v[0] for v in summary.values())
    total = sum(v[1] for v in summary.values())
    write_results(got, total)
    print()
    for text in _measures:
        print(f"Measured: {text}")
    for line in lines:
        print(line)
    print(f"Score: {got}/{total}")


def write_results(got, total):
    """build/grade/results.json in Gradescope's autograder format."""
    tests = []
    for r in sorted(_results, key=lambda r: r["nodeid"]):
        tests.append({
            "name": f"lab {r['lab']} [lab-{r['build']} build]: {r['name']}",
            "score": r["points"] if r["passed"] else 0,
            "max_score": r["points"],
            "status": "passed" if r["passed"] else "failed",
            "output": r["doc"] + ("\n\n" + r["output"] if r["output"] else ""),
        })
    os.makedirs(os.path.join(harness.BUILD, "grade"), exist_ok=True)
    with open(os.path.join(harness.BUILD, "grade", "results.json"), "w") as f:
        json.dump({"score": got, "max_score": total, "tests": tests,
                   "execution_time": round(time.monotonic() - _started, 1)}, f, indent=2)


_started = time.monotonic()
