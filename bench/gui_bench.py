"""Benchmark of the desktop app on a large library: launch to a usable window, and
search as you type.

    .venv/bin/python bench/gui_bench.py --library /tmp/casebook-gui-100k   # 100,000 cases
    .venv/bin/python bench/gui_bench.py --cases 5000                       # a quick look

The library is built first (through the real write path, as bench/library_bench.py does:
signed, encrypted, indexed events) and kept in ``--library DIR`` for later runs: a
directory whose ``gui_bench.json`` names the same size is reused, anything else there is
rebuilt. Then, offscreen (``QT_QPA_PLATFORM=offscreen`` unless set), in one process:

1. Launch: ``Core()`` + ``Shell(core, directory)`` until the unlock page shows, the
   passphrase typed and Unlock clicked, until the library window's case list has its first
   page (``CaseListModel.loaded``) and it is painted. Split into unlock (Argon2id + open on
   the worker), window construction, and window-to-first-rows; several launches.
2. Search as you type: queries drawn from the corpus vocabulary typed into the search box
   one character at a time, each keystroke waited for: the latency from the key to the
   model's ``loaded`` for that text, with the 150 ms debounce and without it (from the
   debounce timer's timeout), p50 / p95 / max.

Next to each, the same work run directly on the core (``Profile.unlock``, ``queries``) in
the same process, without Qt, and the ratio. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, qInstallMessageHandler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

import casebook.gui.app as app_module
from casebook.core.library.search import Filters, terms
from casebook.core.profile import Profile
from casebook.gui.app import Shell
from casebook.gui.bridge import Core
from casebook.gui.case_model import PAGE
from casebook.gui.main_window import MainWindow
from casebook.store import kdf
from corpus import Corpus
from library_bench import PASSPHRASE, build_library, percentile

MARKER = "gui_bench.json"
SEARCH_LIMIT = 100  # what CaseListModel asks for in search mode
now = time.perf_counter


# -- the library --------------------------------------------------------------------------
def prepare_library(work: Path, args: argparse.Namespace) -> None:
    """Build the library into ``work/profile`` unless ``work`` already holds this size."""
    wanted = {"cases": args.cases, "comments": args.comments, "members": args.members}
    marker = work / MARKER
    if marker.exists() and (work / "profile" / "profile.json").exists():
        built = json.loads(marker.read_text())
        if {k: built.get(k) for k in wanted} == wanted:
            print(f"reusing the library in {work} (built in {built['build_seconds']:.0f} s)")
            return
    marker.unlink(missing_ok=True)
    shutil.rmtree(work / "profile", ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    started = now()
    build_library(work, Corpus(), args)
    seconds = now() - started
    marker.write_text(json.dumps({**wanted, "build_seconds": seconds}))
    print(f"library built in {seconds:.0f} s (incl. generating the text)")


# -- waiting on the Qt event loop -----------------------------------------------------------
def run_until(done: Callable[[], bool], timeout: float, what: str, signals: list[Any]) -> None:
    """Run the event loop until ``done()``, checked whenever one of ``signals`` fires.

    No busy polling (a slow 50 ms check is the fallback): a polling GUI thread would compete
    with the worker thread for the GIL and slow down what is measured.
    """
    if done():
        return
    loop = QEventLoop()

    def check(*_: object) -> None:
        if done():
            loop.quit()

    for signal in signals:
        signal.connect(check)
    poll = QTimer(interval=50)
    poll.timeout.connect(check)
    deadline = QTimer(singleShot=True, interval=int(timeout * 1000))
    deadline.timeout.connect(loop.quit)
    poll.start()
    deadline.start()
    loop.exec()
    poll.stop()
    deadline.stop()
    for signal in signals:
        signal.disconnect(check)
    if not done():
        raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")


def settle(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class PaintWatch(QObject):
    """Records when a widget paints (the table's viewport: rows on screen)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.times.append(now())
        return False

    def first_after(self, t: float) -> float | None:
        return next((p for p in self.times if p >= t), None)


class TimedMainWindow(MainWindow):
    """The library window, timed: put in place of ``MainWindow`` where ``Shell`` builds it.

    Its signals are hooked here, before the event loop runs again, so no early ``loaded``
    can be missed.
    """

    marks: ClassVar[dict[str, float]] = {}

    def __init__(self, core: Core) -> None:
        marks = TimedMainWindow.marks
        marks["window_start"] = now()
        super().__init__(core)
        marks["window_built"] = now()
        self.loads: list[tuple[float, str, int]] = []  # (time, query, rows)
        self.handled: list[float] = []  # when the window's own slot for `loaded` returned
        self.fires: list[float] = []  # debounce timer timeouts
        # Our slot first (the window's selects a row, which lays out the table), so the
        # time is when `loaded` is emitted.
        with contextlib.suppress(RuntimeError, TypeError):
            self.model.loaded.disconnect(self._loaded)
        self.model.loaded.connect(
            lambda total: self.loads.append((now(), self.model.query, self.model.rowCount()))
        )
        self.model.loaded.connect(self._loaded)
        self.model.loaded.connect(lambda total: self.handled.append(now()))
        self.search_timer.timeout.connect(lambda: self.fires.append(now()))
        self.paints = PaintWatch()
        self.table.viewport().installEventFilter(self.paints)
        self.viewer_changes: list[float] = []
        self.viewer.textChanged.connect(lambda: self.viewer_changes.append(now()))


def _quiet(kind: object, context: object, message: str) -> None:
    if "propagateSizeHints" not in message:  # the offscreen platform says so for each window
        print(message, file=sys.stderr)


qInstallMessageHandler(_quiet)
app_module.MainWindow = TimedMainWindow  # type: ignore[misc]
errors: list[str] = []


def _no_dialog(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
    errors.append(str(args[2] if len(args) > 2 else args))
    print(f"  ! the app showed an error: {errors[-1]}", flush=True)
    return QMessageBox.StandardButton.Ok


QMessageBox.warning = _no_dialog  # type: ignore[method-assign,assignment]  # a modal box would hang


class JobLog:
    """Times every job the GUI hands to the worker (on the worker), by the job's name."""

    def __init__(self, core: Core) -> None:
        self.jobs: list[tuple[str, float, float]] = []  # (name, start, seconds)
        self.calls: list[float] = []
        call = core.call

        def traced(job: Callable[[Any], Any], *args: Any, **kwargs: Any) -> None:
            name = getattr(job, "__qualname__", repr(job)).replace(".<locals>", "")

            def timed(session: Any) -> Any:
                started = now()
                result = job(session)
                if inspect.isawaitable(result):

                    async def awaited() -> Any:
                        try:
                            return await result
                        finally:
                            self.jobs.append((name, started, now() - started))

                    return awaited()
                self.jobs.append((name, started, now() - started))
                return result

            call(timed, *args, **kwargs)

        core.call = traced  # type: ignore[method-assign]


# -- 1. launch --------------------------------------------------------------------------------
def launch(
    directory: Path, keep: bool
) -> tuple[dict[str, float], Core, Shell, list[tuple[str, float, float]]]:
    """One launch, from constructing the GUI to the first page of cases painted."""
    marks: ClassVar[dict[str, float]] = {}
    TimedMainWindow.marks = marks
    marks["start"] = now()
    core = Core()
    marks["core"] = now()
    jobs = JobLog(core)
    shell = Shell(core, directory)
    shell.show()
    marks["shell"] = now()
    onboarding = shell.onboarding
    page = onboarding.unlock_page
    onboarding.currentChanged.connect(lambda _: marks.setdefault("unlock_page", now()))
    onboarding.opened.connect(lambda: marks.setdefault("opened", now()))
    run_until(
        lambda: onboarding.currentWidget() is page,
        30,
        "the unlock page",
        [onboarding.currentChanged],
    )
    run_until(lambda: core.pending == 0, 30, "the worker", [])
    marks["typing"] = now()
    page.passphrase.setFocus()
    QTest.keyClicks(page.passphrase, PASSPHRASE)
    marks["click"] = now()
    QTest.mouseClick(page.button, Qt.MouseButton.LeftButton)
    run_until(lambda: shell.library is not None, 60, "the library window", [onboarding.opened])
    win = shell.library
    assert isinstance(win, TimedMainWindow)
    run_until(lambda: bool(win.loads), 120, "the first page of cases", [win.model.loaded])
    marks["loaded"], _, rows = win.loads[0]
    marks["rows"] = rows
    # The first row is selected on load, which opens that case on the right: wait for it.
    run_until(
        lambda: core.pending == 0 and any(t > marks["loaded"] for t in win.viewer_changes),
        60,
        "the first case",
        [win.viewer.textChanged],
    )
    settle(100)
    marks["painted"] = win.paints.first_after(marks["loaded"]) or float("nan")
    marks["case_shown"] = next(t for t in win.viewer_changes if t > marks["loaded"])
    seconds: list[float] = []
    core.call(lambda s: s.p.unlock_seconds, seconds.append, lambda e: None)
    run_until(lambda: core.pending == 0, 30, "the worker", [])
    marks["worker_unlock"] = seconds[0] if seconds else float("nan")
    if not keep:
        close(core, shell)
    return marks, core, shell, jobs.jobs


def close(core: Core, shell: Shell) -> None:
    if shell.library is not None:
        shell.library.close()
        shell.library.deleteLater()
    shell.close()
    shell.deleteLater()
    core.shutdown()
    settle(50)


def direct_launch(directory: Path) -> dict[str, float]:
    """The core's share of a launch, without Qt: the same calls the window makes."""
    out: dict[str, float] = {}
    header = json.loads((directory / "profile.json").read_text())
    t0 = now()
    kdf.derive_key(PASSPHRASE, kdf.KdfParams.from_json(header["kdf"]))
    out["kdf"] = now() - t0
    t0 = now()
    profile = Profile.unlock(directory, PASSPHRASE)
    out["unlock"] = now() - t0
    q = profile.queries
    t0 = now()
    q.networks()
    out["networks"] = now() - t0
    t0 = now()
    q.count_cases(Filters())
    out["count"] = now() - t0
    t0 = now()
    first = q.list_cases(Filters(), limit=PAGE)
    out["list"] = now() - t0
    t0 = now()
    if first:
        q.case(first[0].id)
    out["case"] = now() - t0
    profile.close()
    return out


def report_launch(runs: list[dict[str, float]], direct: dict[str, float]) -> None:
    def med(f: Callable[[dict[str, float]], float]) -> float:
        return statistics.median(f(m) for m in runs) * 1000

    print(
        f"\nlaunch to a usable window, {len(runs)} launches, milliseconds          median    runs"
    )
    rows: list[tuple[str, Callable[[dict[str, float]], float]]] = [
        ("Core() + Shell() + show", lambda m: m["shell"] - m["start"]),
        ("  … to the unlock page (profile check)", lambda m: m["unlock_page"] - m["start"]),
        ("[typing the passphrase, not counted]", lambda m: m["click"] - m["typing"]),
        ("unlock: click → opened (KDF + open)", lambda m: m["window_start"] - m["click"]),
        ("  of which Profile.unlock on the worker", lambda m: m["worker_unlock"]),
        ("window: MainWindow() + show", lambda m: m["opened"] - m["window_start"]),
        ("window → first rows (loaded)", lambda m: m["loaded"] - m["opened"]),
        ("window → first rows painted", lambda m: m["painted"] - m["opened"]),
        ("window → first case shown", lambda m: m["case_shown"] - m["opened"]),
        (
            "TOTAL launch → first rows",
            lambda m: (m["unlock_page"] - m["start"]) + (m["loaded"] - m["click"]),
        ),
        (
            "TOTAL launch → rows painted",
            lambda m: (m["unlock_page"] - m["start"]) + (m["painted"] - m["click"]),
        ),
    ]
    for label, f in rows:
        each = "  ".join(f"{f(m) * 1000:7.0f}" for m in runs)
        print(f"  {label:<44} {med(f):7.0f}   {each}")
    print(f"  (first page: {int(runs[-1]['rows'])} rows)")
    core_rows = (direct["networks"] + direct["count"] + direct["list"]) * 1000
    print("\n  the same work directly on the core (no Qt), median, milliseconds")
    print(f"    Argon2id alone                         {direct['kdf'] * 1000:7.0f}")
    print(f"    Profile.unlock (KDF + open + schema)   {direct['unlock'] * 1000:7.0f}")
    print(f"    networks() with case counts            {direct['networks'] * 1000:7.0f}")
    print(f"    count_cases()                          {direct['count'] * 1000:7.0f}")
    print(f"    list_cases(limit={PAGE})                  {direct['list'] * 1000:7.0f}")
    print(f"    case() of the first row                {direct['case'] * 1000:7.0f}")
    gui_rows = med(lambda m: m["loaded"] - m["opened"])
    print(
        f"    window → first rows: GUI {gui_rows:.0f} ms vs core {core_rows:.0f} ms "
        f"(networks + count + list), ratio {gui_rows / core_rows:.2f}"
    )


def report_jobs(marks: dict[str, float], jobs: list[tuple[str, float, float]]) -> None:
    """The worker's jobs in the last launch, in milliseconds from the Unlock click."""
    print("\n  worker jobs in the last launch (ms from the Unlock click; ms on the worker)")
    events = [(marks[k], k) for k in ("window_start", "loaded", "painted", "case_shown")]
    events += [(start, f"{name}  {seconds * 1000:.1f} ms") for name, start, seconds in jobs]
    for t, what in sorted(events):
        if t >= marks["click"] - 0.001:
            print(f"    {(t - marks['click']) * 1000:8.1f}  {what}")


# -- 2. search as you type ------------------------------------------------------------------
@dataclass
class Key:
    text: str  # the query after this keystroke, as the model runs it (stripped)
    loaded: float  # key → results loaded, seconds
    fired: float  # debounce timeout → results loaded
    painted: float | None  # key → the table painted with them


def clear_box(win: TimedMainWindow) -> float:
    """Empty the search box; seconds until the full list is back."""
    loads = len(win.loads)
    t0 = now()
    win.search.clear()
    run_until(
        lambda: len(win.loads) > loads and win.loads[-1][1] == "",
        60,
        "the cleared list",
        [win.model.loaded],
    )
    return win.loads[-1][0] - t0


def type_queries(
    core: Core, win: TimedMainWindow, queries: list[str]
) -> tuple[list[Key], list[float]]:
    """Type each query one key at a time, waiting for each key's results.

    Returns one ``Key`` per keystroke and the latencies of clearing the box (back to the
    full list) between queries.
    """
    keys: list[Key] = []
    clears: list[float] = []
    win.activateWindow()
    win.search.setFocus()
    for query in queries:
        if win.search.text():
            clears.append(clear_box(win))
        typed = ""
        for char in query:
            typed += char
            expected = typed.strip()
            loads, fires = len(win.loads), len(win.fires)
            t0 = now()
            QTest.keyClick(win.search, char)
            run_until(
                lambda n=loads, e=expected: len(win.loads) > n and win.loads[-1][1] == e,
                120,
                f"results for {expected!r}",
                [win.model.loaded],
            )
            loaded = win.loads[-1][0]
            fired = win.fires[fires] if len(win.fires) > fires else float("nan")
            settle(20)  # let the table paint
            painted = win.paints.first_after(loaded)
            keys.append(
                Key(
                    expected, loaded - t0, loaded - fired, None if painted is None else painted - t0
                )
            )
        run_until(lambda: core.pending == 0, 60, "the worker", [])
    return keys, clears


def type_paced(
    core: Core, win: TimedMainWindow, queries: list[str], pace_ms: int
) -> tuple[list[float], list[int]]:
    """Type each query at a steady ``pace_ms`` per key without waiting for results.

    Returns, per query, seconds from the last key to its results, and how many searches the
    debounce let through while typing it.
    """
    latencies, searches = [], []
    for query in queries:
        if win.search.text():
            clear_box(win)
        run_until(lambda: core.pending == 0, 60, "the worker", [])
        fires = len(win.fires)
        for char in query:
            QTest.keyClick(win.search, char)
            last = now()
            settle(pace_ms)
        expected = query.strip()
        run_until(
            lambda e=expected, t=last: win.loads[-1][0] > t and win.loads[-1][1] == e,
            120,
            f"results for {expected!r}",
            [win.model.loaded],
        )
        latencies.append(win.loads[-1][0] - last)
        searches.append(len(win.fires) - fires)
        run_until(lambda: core.pending == 0, 60, "the worker", [])
    return latencies, searches


def direct_search(directory: Path, texts: list[str]) -> tuple[list[float], list[float]]:
    """The same searches (and the list the cleared box shows) straight on the core."""
    profile = Profile.unlock(directory, PASSPHRASE)
    q = profile.queries
    searches, lists = [], []
    for text in texts:
        t0 = now()
        if terms(text):
            q.search(text, Filters(), limit=SEARCH_LIMIT, prefix=True)
        searches.append(now() - t0)
    for _ in range(5):
        t0 = now()
        q.count_cases(Filters())
        q.list_cases(Filters(), limit=PAGE)
        lists.append(now() - t0)
    profile.close()
    return searches, lists


def stats(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{percentile(ms, 50):7.1f} {percentile(ms, 95):7.1f} {max(ms):7.1f}"


def report_search(
    keys: list[Key],
    clears: list[float],
    direct: list[float],
    direct_lists: list[float],
    queries: list[str],
) -> None:
    print(
        f"\nsearch as you type: {len(queries)} queries, {len(keys)} keystrokes, each waited "
        f"for (top {SEARCH_LIMIT}, last word as a prefix)"
    )
    print("  milliseconds                                      p50     p95     max")
    without = [k.fired for k in keys]
    painted = [k.painted for k in keys if k.painted is not None]
    print(f"  key → results loaded (incl. 150 ms debounce)  {stats([k.loaded for k in keys])}")
    print(f"  key → results painted                         {stats(painted)}")
    print(f"  debounce timeout → results loaded             {stats(without)}")
    print(f"  the same searches directly on the core        {stats(direct)}")
    ratio50 = percentile(without, 50) / max(percentile(direct, 50), 1e-9)
    ratio95 = percentile(without, 95) / max(percentile(direct, 95), 1e-9)
    print(f"  ratio GUI (excl. debounce) / core: p50 {ratio50:.2f}, p95 {ratio95:.2f}")
    overhead = [w - d for w, d in zip(without, direct, strict=True)]
    print(f"  GUI − core, same keystroke                    {stats(overhead)}")
    if clears:
        print(f"  clear the box → full list loaded (incl. debounce) {stats(clears)}")
        print(f"  count_cases + list_cases directly on the core {stats(direct_lists)}")
    by_length: dict[int, tuple[list[float], list[float]]] = {}
    for key, core_time in zip(keys, direct, strict=True):
        length = min(len(key.text.split()[-1]), 5) if key.text else 0
        gui_times, core_times = by_length.setdefault(length, ([], []))
        gui_times.append(key.fired)
        core_times.append(core_time)
    print("  by length of the last (prefix) word     timeout → loaded p50/p95/max | core p50/p95")
    for length in sorted(by_length):
        label = f"{length}+ chars" if length == 5 else f"{length} char{'s' * (length > 1)}"
        gui_times, core_times = by_length[length]
        core50, core95 = percentile(core_times, 50) * 1000, percentile(core_times, 95) * 1000
        print(
            f"    {label:<9} ({len(gui_times):>3} keys)               {stats(gui_times)} "
            f"| {core50:6.1f} {core95:6.1f}"
        )
    worst = sorted(zip(without, [k.text for k in keys], direct, strict=True), reverse=True)[:5]
    print("  slowest keystrokes (debounce timeout → loaded; the core alone):")
    for w, text, d in worst:
        print(f"    {text!r:<36} {w * 1000:7.1f} ms   core {d * 1000:7.1f} ms")


def report_paced(latencies: list[float], searches: list[int], pace_ms: int) -> None:
    print(
        f"\ntyping at one key per {pace_ms} ms without waiting ({len(latencies)} queries): "
        "last key → its results (incl. the debounce), milliseconds"
    )
    print(f"  p50 / p95 / max                               {stats(latencies)}")
    print(
        f"  searches asked for per query: median {statistics.median(searches):.0f}, "
        f"max {max(searches)} (the worker skips those typed past before they start)"
    )


# -- main -------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--comments", type=int, help="default: 3 per case")
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--batch", type=int, default=1000, help="events per transaction")
    parser.add_argument(
        "--library", help="where the built library is kept between runs (default: temporary)"
    )
    parser.add_argument("--launches", type=int, default=3)
    parser.add_argument("--queries", type=int, default=30, help="queries typed")
    parser.add_argument(
        "--paced", type=int, default=10, help="queries also typed at a steady pace (0: none)"
    )
    parser.add_argument("--pace", type=int, default=200, help="ms per key for --paced")
    parser.add_argument(
        "--build-only", action="store_true", help="build (or check) the library and stop"
    )
    args = parser.parse_args()
    if args.comments is None:
        args.comments = 3 * args.cases

    work = Path(args.library) if args.library else Path(tempfile.mkdtemp(prefix="casebook-gui-"))
    print(f"Casebook desktop app benchmark — {args.cases:,} cases, {args.comments:,} comments")
    print(
        f"library: {work}   cores: {os.cpu_count()}   Qt platform: {os.environ['QT_QPA_PLATFORM']}"
    )
    try:
        prepare_library(work, args)
        if not args.build_only:
            measure(work / "profile", args)
    finally:
        if not args.library:
            shutil.rmtree(work, ignore_errors=True)


def measure(directory: Path, args: argparse.Namespace) -> None:
    true_refs = sys.getrefcount(True)
    t0 = now()
    app = QApplication([sys.argv[0]])
    app.setStyle("Fusion")
    print(f"QApplication (not counted): {(now() - t0) * 1000:.0f} ms")

    cold = direct_launch(directory)  # the first open of this process: not counted
    print(
        f"first open in this process, on the core (not counted): unlock "
        f"{cold['unlock'] * 1000:.0f} ms, networks + count + list "
        f"{(cold['networks'] + cold['count'] + cold['list']) * 1000:.0f} ms"
    )
    runs, directs = [], []
    for i in range(args.launches):
        last = i == args.launches - 1
        directs.append(direct_launch(directory))  # interleaved: both see the same caches
        marks, core, shell, jobs = launch(directory, keep=last)
        runs.append(marks)
    direct = {k: statistics.median(d[k] for d in directs) for k in directs[0]}
    report_launch(runs, direct)
    report_jobs(runs[-1], jobs)

    corpus = Corpus(seed=7)
    queries = [corpus.query(1 + i % 3) for i in range(args.queries)]
    win = shell.library
    assert isinstance(win, TimedMainWindow)
    keys, clears = type_queries(core, win, queries)
    paced = type_paced(core, win, queries[: args.paced], args.pace) if args.paced else None
    close(core, shell)
    direct_times, direct_lists = direct_search(directory, [k.text for k in keys])
    report_search(keys, clears, direct_times, direct_lists, queries)
    if paced:
        report_paced(*paced, args.pace)
    if errors:
        print(f"\nthe app reported {len(errors)} error(s); see above")
    drift = sys.getrefcount(True) - true_refs
    if drift < 0:
        print(
            f"\nwarning: sys.getrefcount(True) fell by {-drift:,} during the run: this Qt "
            "binding drops a reference per signal delivered to Python (PySide6 6.12.0 does; "
            "the pinned 6.11.3 does not) and aborts the app on Python 3.11 once it reaches 0"
        )


if __name__ == "__main__":
    main()
