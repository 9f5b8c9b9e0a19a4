"""Benchmark of the window on a large register (issue targets in brackets).

    python bench/ui_bench.py [--data-dir DIR] [--cases 100000] [--runs 5]

Builds the demo folder if it does not exist. Every figure is the median of
`--runs` runs with its spread, beside the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

USER, PASSWORD = "admin", "bench-2026"  # of the folders this script builds

# Child programs: each prints the wall-clock time of its first paint.
EMPTY_WINDOW = """
import time
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([]); w = QWidget(); w.resize(400, 200); w.show()
app.processEvents(); w.repaint(); print(time.time())
"""
SIGN_IN = """
import sys, time
from pathlib import Path
from app.paths import DataPaths
from app.ui.main import first_sign_in
from app.ui.tasks import TaskRunner
from PySide6.QtWidgets import QApplication
app = QApplication([])
runner = TaskRunner()
d, opened = first_sign_in(runner, DataPaths(Path(sys.argv[1]))); d.show()
app.processEvents(); d.repaint(); print(time.time())
print(",".join(m for m in ("openpyxl", "reportlab") if m in sys.modules))
"""


def child_seconds(code: str, *args: str) -> tuple[float, str]:
    """Seconds from launching a program to its first paint, and what else it printed."""
    launched = time.time()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True)
    lines = done.stdout.strip().splitlines()
    return float(lines[0]) - launched, (lines[1] if len(lines) > 1 else "")


def stats(values: list[float]) -> str:
    return (f"{statistics.median(values) * 1000:.0f} ms "
            f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})")


def ensure_folder(path: Path, cases: int) -> None:
    from app.paths import DataPaths
    from app.services import accounts, demo, setup

    paths = DataPaths(path)
    if paths.database.exists():
        return
    print(f"building a demo folder of {cases} cases in {path} …", flush=True)
    db = setup.init_data_folder(paths, USER, PASSWORD)
    demo.add_demo_cases(db, accounts.authenticate(db, USER, PASSWORD), cases)
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="bench-out/ui-100k")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(args.data_dir).resolve()
    ensure_folder(folder, args.cases)

    empty = [child_seconds(EMPTY_WINDOW)[0] for _ in range(args.runs)]
    sign_in_runs = [child_seconds(SIGN_IN, str(folder)) for _ in range(args.runs)]
    sign_in = [s for s, _ in sign_in_runs]
    heavy = {h for _, h in sign_in_runs if h}
    ratio = statistics.median(sign_in) / statistics.median(empty)
    print(f"empty PySide6 window painted: {stats(empty)}")
    print(f"sign-in dialog painted:       {stats(sign_in)}  ratio {ratio:.2f} [≤ 1.3]"
          f"  heavy modules loaded: {sorted(heavy) or 'none'}")

    from PySide6.QtWidgets import QApplication

    from app.db import open_database
    from app.paths import DataPaths
    from app.services import accounts
    from app.services.dashboard import load_dashboard
    from app.services.search import CaseQuery, SortKey, search_case_ids
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    db = open_database(DataPaths(folder))
    actor = accounts.authenticate(db, USER, PASSWORD)

    def first_rows() -> float:
        started = time.perf_counter()
        window = MainWindow(db, actor)
        window.show()
        view = window.case_list
        while view.model.rowCount() == 0:
            app.processEvents()
        for row in range(min(200, view.model.rowCount())):
            view.model.row_record(row)
        app.processEvents()
        elapsed = time.perf_counter() - started
        window.runner.wait()
        window.close()
        return elapsed

    print(f"main window, first 200 rows:  {stats([first_rows() for _ in range(args.runs)])}"
          "  [≤ 600 ms]")

    def timed(action: Callable[[], object]) -> float:
        started = time.perf_counter()
        action()
        return time.perf_counter() - started

    for key in (SortKey.DETECTED, SortKey.ACCOUNT, SortKey.CODE):
        runs = [timed(lambda k=key: search_case_ids(db, CaseQuery(sort=k, descending=False)))
                for _ in range(args.runs)]
        print(f"sort all cases by {key.value:12}: {stats(runs)}  [≤ 50 ms]")
    for text, kind in (("nguyen van d", "selective"), ("vv2026-0012", "selective"),
                       ("facebook", "broad"), ("hoa", "broad"), ("du", "broad")):
        runs = [timed(lambda t=text: search_case_ids(db, CaseQuery(text=t)))
                for _ in range(args.runs)]
        limit = 50 if kind == "selective" else 150
        print(f"search {text!r:16} ({kind}): {stats(runs)}  [≤ {limit} ms]")
    runs = [timed(lambda: load_dashboard(db)) for _ in range(args.runs)]
    print(f"dashboard figures:            {stats(runs)}  [≤ 200 ms]")

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
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {rss:.0f} MB  [≤ 150 MB]")
    window.runner.wait()
    window.close()
    db.dispose()


if __name__ == "__main__":
    main()
