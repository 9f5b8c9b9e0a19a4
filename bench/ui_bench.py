"""Benchmark of the window on a large register (issue targets in brackets).

    python bench/ui_bench.py [--data-dir DIR] [--cases 100000] [--runs 5] [--database URL]

Builds the demo folder if it does not exist (`demo_build.ensure_folder`). Every figure is
the median of `--runs` runs with its spread, beside the baseline measured in the same run:

- sign-in: a new process to the first paint of the dialog, beside an empty PySide6 window;
- after sign-in: a new process, signed in, from importing the main window (as
  `app.ui.main` does once the password is accepted) to its first 200 rows painted; then
  the resident memory of that process after it has been idle for a while;
- sorting and searching (`search_case_ids`) beside the same SQL run by SQLCipher alone,
  through `sqlcipher3` keyed with the data key (the database's own work, and how busy the
  machine is), and by plain `sqlite3` on an unencrypted copy (what the encryption costs);
- the dashboard's figures the first time on a day (each run another day, so nothing is
  cached) and when shown again without a change to the register; then each statement of
  a first view alone, by SQLCipher and by sqlite3 on the unencrypted copy;
- scrolling the register from top to bottom.

Child processes keep their compiled bytecode in `bench-out/pycache` (one run warms it up
first), as an installed program does, even where PYTHONDONTWRITEBYTECODE is set: compiling
our sources at each start is not what an office waits for.

With `--database URL` the register is that PostgreSQL database (server mode; the demo built
into it when empty) and DIR the PC's own folder. SQLCipher's and sqlite3's baselines are
SQLite's own and are left out, and so are the empty window and the sign-in dialog: the
dialog is painted before the database layer is loaded, the same on both engines.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from demo_build import PASSWORD, USER, ensure_folder  # bench/ is the script's folder
from keyed import sqlcipher, unencrypted_copy
from sqlalchemy import event

from app.db import Database
from app.paths import ENV_DATABASE_URL

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

IDLE_SECONDS = 2.0

# Child programs: each prints the wall-clock time of its first paint. The program's children
# import what `python -m app` does first (app/__main__.py: app.cli, then app.ui.main), in
# its order: what an import costs depends on what came before it (PySide6's import hook).
EMPTY_WINDOW = """
import time
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([]); w = QWidget(); w.resize(400, 200); w.show()
app.processEvents(); w.repaint(); print(time.time())
"""
SIGN_IN = """
import sys, time
import app.cli
from app.paths import DataPaths
from app.ui.main import first_sign_in
from app.ui.tasks import TaskRunner
from PySide6.QtWidgets import QApplication
app = QApplication([])
runner = TaskRunner()
d, opened = first_sign_in(runner, DataPaths.resolve(sys.argv[1])); d.show()
app.processEvents(); d.repaint(); print(time.time())
print(",".join(m for m in ("xlsxwriter", "reportlab") if m in sys.modules))
"""
# Prints the seconds from sign-in to 200 rows painted, then the resident memory in MB
# after IDLE_SECONDS of idling (Linux; elsewhere the peak). It waits in an event loop, as
# the window does: a loop of processEvents() would hold the GIL the search needs.
AFTER_SIGN_IN = """
import gc, resource, sys, time
from pathlib import Path
import app.cli
import app.ui.main
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication
from app.db import open_database
from app.paths import DataPaths
from app.services import accounts
app = QApplication([])
db = open_database(DataPaths.resolve(sys.argv[1]))
actor = accounts.authenticate(db, sys.argv[2], sys.argv[3])
started = time.perf_counter()
from app.ui.main_window import MainWindow
window = MainWindow(db, actor)
view = window.case_list
listed = QEventLoop()
view.results_shown.connect(listed.quit)
window.show()
listed.exec()
for row in range(min(200, view.model.rowCount())):
    view.model.row_record(row)
view.table.viewport().repaint()
app.processEvents()
print(time.perf_counter() - started)
window.runner.wait()
idle_until = time.perf_counter() + float(sys.argv[4])
while time.perf_counter() < idle_until:
    app.processEvents()
    time.sleep(0.05)
gc.collect()
try:
    status = Path("/proc/self/status").read_text().splitlines()
    print(next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) / 1024)
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def child_environment(cache: Path, server: str | None) -> dict[str, str]:
    """The children's environment: the bytecode cache, and the server's URL (server mode)
    or none, whatever this shell has."""
    environment = {**os.environ, "PYTHONPYCACHEPREFIX": str(cache)}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment.pop(ENV_DATABASE_URL, None)
    if server is not None:
        environment[ENV_DATABASE_URL] = server
    return environment


def child_lines(code: str, environment: dict[str, str], *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True, env=environment)
    return done.stdout.strip().splitlines()


def child_seconds(code: str, environment: dict[str, str], *args: str) -> tuple[float, str]:
    """Seconds from launching a program to its first paint, and what else it printed."""
    launched = time.time()
    lines = child_lines(code, environment, *args)
    return float(lines[0]) - launched, (lines[1] if len(lines) > 1 else "")


def stats(values: list[float]) -> str:
    return (f"{statistics.median(values) * 1000:.0f} ms "
            f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})")


def megabytes(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} MB (min {min(values):.0f}, max {max(values):.0f})"


def resident_megabytes() -> float:
    """This process's resident memory now (Linux; elsewhere its peak)."""
    try:
        status = Path("/proc/self/status").read_text().splitlines()
        return next(int(line.split()[1]) for line in status
                    if line.startswith("VmRSS:")) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def fetched(connection: Any, sql: str, parameters: Any) -> list[Any]:
    """Every row of `sql` on a DB-API connection (SQLite computes rows as they are read)."""
    return list(connection.execute(sql, parameters).fetchall())


def dashboard_statements(db: Database, day: date) -> list[tuple[str, Any]]:
    """The statements (and their parameters) the dashboard's first view of `day` runs, each
    once, in the order they ran (the two halves run on two threads)."""
    from app.services.dashboard import load_dashboard

    ran: list[tuple[str, Any]] = []
    lock = threading.Lock()

    def record(connection: Any, cursor: Any, statement: str, parameters: Any,
               context: Any, executemany: bool) -> None:
        with lock:
            if statement.lstrip().upper().startswith("SELECT") and (
                    statement, parameters) not in ran:
                ran.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        load_dashboard(db, day)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return ran


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="bench-out/ui-100k")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", metavar="URL",
                        help="the register is this PostgreSQL database (server mode)")
    args = parser.parse_args()
    folder = Path(args.data_dir).resolve()
    data_key = ensure_folder(folder, args.cases, args.database)
    environment = child_environment(folder.parent / "pycache", args.database)

    child_seconds(SIGN_IN, environment, str(folder))  # compiles the bytecode
    if data_key is not None:  # SQLite: on a server the dialog is painted the same way
        # In pairs, one after the other: this VM's speed drifts by a third within minutes,
        # which all the empty windows first, then all the dialogs, read as the program's.
        empty, sign_in, heavy = [], [], set()
        for _ in range(args.runs):
            empty.append(child_seconds(EMPTY_WINDOW, environment)[0])
            seconds, loaded = child_seconds(SIGN_IN, environment, str(folder))
            sign_in.append(seconds)
            heavy |= {loaded} - {""}
        ratio = statistics.median(s / e for s, e in zip(sign_in, empty, strict=True))
        print(f"empty PySide6 window painted: {stats(empty)}")
        print(f"sign-in dialog painted:       {stats(sign_in)}  ratio {ratio:.3f} [≤ 1.3] "
              f"(the median of {args.runs} pairs'; of the medians "
              f"{statistics.median(sign_in) / statistics.median(empty):.2f})"
              f"  heavy modules loaded: {sorted(heavy) or 'none'}")

    after = [child_lines(AFTER_SIGN_IN, environment, str(folder), USER, PASSWORD,
                         str(IDLE_SECONDS)) for _ in range(args.runs)]
    print(f"main window, first 200 rows:  {stats([float(a[0]) for a in after])}"
          "  [≤ 600 ms] (a new process, from sign-in)")
    idle_memory = [float(a[1]) for a in after]

    from PySide6.QtWidgets import QApplication
    from sqlalchemy.dialects import sqlite

    from app.db import open_database, text_index
    from app.paths import DataPaths
    from app.services import accounts, settings
    from app.services.dashboard import load_dashboard
    from app.services.search import CaseQuery, SortKey, build_query, search_case_ids
    from app.text import fold
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    db = open_database(DataPaths(folder, args.database))
    actor = accounts.authenticate(db, USER, PASSWORD)
    office = settings.load_office(db)
    scratch = tempfile.TemporaryDirectory()
    raw = None if data_key is None else (
        sqlcipher(db.paths.database, data_key),
        sqlite3.connect(unencrypted_copy(db.paths.database, data_key,
                                         Path(scratch.name) / "unencrypted.sqlite3")))

    def against_sqlite(label: str, query: CaseQuery, limit: int) -> None:
        with db.read() as session:  # the trigrams of its two-letter words, as the search finds
            trigrams = text_index.short_word_trigrams(session.connection(),
                                                      fold(query.text).split())
        sql = str(build_query(query, "sqlite", office, trigrams=trigrams).compile(
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        runs, alone, unencrypted = [], [], []
        for _ in range(args.runs):
            runs.append(timed(lambda: search_case_ids(db, query)))
            if raw is not None:
                alone.append(timed(lambda: raw[0].execute(sql).fetchall()))
                unencrypted.append(timed(lambda: raw[1].execute(sql).fetchall()))
        if raw is None:
            print(f"{label}: {stats(runs)}  [≤ {limit} ms] (server: no SQLite baseline)")
            return
        print(f"{label}: {stats(runs)}  SQLCipher alone {stats(alone)}  "
              f"unencrypted SQLite alone {stats(unencrypted)}  [≤ {limit} ms]")

    for key in (SortKey.DETECTED, SortKey.ACCOUNT, SortKey.OFFENDER, SortKey.AREA, SortKey.CODE):
        against_sqlite(f"sort all cases by {key.value:12}",
                       CaseQuery(sort=key, descending=False), 50)
    for text, kind in (("nguyen van d", "selective"), ("vv2026-0012", "selective"),
                       ("facebook", "broad"), ("hoa", "broad"), ("du", "broad")):
        against_sqlite(f"search {text!r:16} ({kind})", CaseQuery(text=text),
                       50 if kind == "selective" else 150)
    # SQLite's page cache keeps what was read, up to its size, on each connection.
    after_searches = resident_megabytes()
    today = date.today()
    days = [today - timedelta(days=n) for n in range(1, args.runs + 1)]
    first = [timed(partial(load_dashboard, db, day)) for day in days]
    print(f"dashboard, first view of a day: {stats(first)}  [≤ 200 ms]")
    load_dashboard(db, today)
    again = [timed(lambda: load_dashboard(db, today)) for _ in range(args.runs)]
    print(f"dashboard, shown again:       {stats(again)}  [≤ 200 ms] (no change meanwhile)")
    print(f"memory of this process: {after_searches:.0f} MB after the sorts and searches, "
          f"{resident_megabytes():.0f} MB after the dashboards")
    if raw is not None:
        # Where a first view's time goes: each statement alone on each engine.
        for sql, parameters in dashboard_statements(db, today - timedelta(days=args.runs + 1)):
            alone, unencrypted = ([timed(partial(fetched, connection, sql, parameters))
                                   for _ in range(args.runs)] for connection in raw)
            print(f"  dashboard statement: SQLCipher {stats(alone)}, unencrypted "
                  f"{stats(unencrypted)}: {' '.join(sql.split())[:100]}")

    window = MainWindow(db, actor)
    window.show()
    view = window.case_list
    while view.model.rowCount() == 0:
        app.processEvents()
    bar = view.table.verticalScrollBar()
    worst = 0.0
    step = max(1, bar.pageStep())
    for value in range(0, bar.maximum() + step, step * 40):
        started = time.perf_counter()
        bar.setValue(value)
        view.table.viewport().repaint()
        worst = max(worst, time.perf_counter() - started)
    print(f"scrolling top to bottom: worst step {worst * 1000:.0f} ms")
    print(f"idle memory of the window:    {megabytes(idle_memory)}  [≤ 150 MB] (the process "
          f"above, {IDLE_SECONDS:.0f} s after its rows were painted)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {rss:.0f} MB (after sorting, searching, the "
          "dashboard and scrolling)")
    window.runner.wait()  # not closed: closing backs the folder up, seconds of disk work
    for connection in raw or ():
        connection.close()
    scratch.cleanup()
    db.dispose()


if __name__ == "__main__":
    main()
