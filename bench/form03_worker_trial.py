"""Trial of a design not yet in the program: form 03's lines made in a spawned process
while this one computes the other forms and writes the workbook.

    python bench/form03_worker_trial.py [--data-dir DIR] [--period month|quarter|year]
                                        [--runs 3]

The report's workbook is today the figures and then the writing, both Python on one thread
(docs/performance.md, fifth round). Here a child process, spawned as the program would
(the same on Windows and Linux), opens the register with the data key, makes form 03's
lines chunk by chunk and sends them through a pipe; the parent computes forms 01/02, the
office's work and the masker, then writes the workbook as the lines arrive. Printed: each
run's time from the spawn to the saved file, beside the program's own export
(`export_report`) of the same period, and whether both workbooks' sheets are the same
bytes. What the trial leaves out and the program would need: both processes reading one
state (the child's read begun while the parent holds the write lock, as
`engine.while_writes_wait` does for two connections), several passes (workbook, PDF and
Word from one export), a cancel, the child's errors, server mode.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from demo_build import PASSWORD, USER  # bench/ is the script's folder
from keyed import data_key
from report_bench import busiest_month, period_around


def make_lines(connection: Connection, database: str, key: bytes, start: date,
               end: date) -> None:
    """The child: form 03's lines of the period, a chunk at a time, then None."""
    from sqlalchemy.orm import Session

    from app.db.engine import make_engine
    from app.domain.periods import Period
    from app.services import report_figures, vocabulary

    engine = make_engine(Path(database), key)
    period = Period.between(start, end)
    with Session(engine) as session:
        vocab = vocabulary.load_from(session)
        listed = report_figures._listed_cases(session, period)
        masker = report_figures._masker(listed, counts_only=False)
        cases = report_figures._StreamedCases(session, period, vocab, masker, listed,
                                              counts_only=False)
        connection.send(len(cases))
        for first in range(0, len(cases), report_figures.CASES_PER_CHUNK):
            connection.send(cases._chunk(first))
        connection.send(None)
    engine.dispose()


class _Received:
    """Form 03's lines as the child sends them: one pass."""

    def __init__(self, connection: Connection, count: int) -> None:
        self._connection, self._count = connection, count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        while (chunk := self._connection.recv()) is not None:
            yield from chunk


def with_worker(db: Any, period: Any, root: Path, target: Path) -> float:
    from app.domain.report import ReportFigures, Totals
    from app.reports.excel import write_workbook
    from app.services import report_figures, settings, vocabulary

    key = data_key(root, USER, PASSWORD)
    assert key is not None
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=make_lines, args=(
        child, str(db.paths.database), key, period.start, period.end))
    process.start()
    child.close()
    with db.read() as session:
        vocab = vocabulary.load_from(session)
        totals = report_figures._totals(session, period, vocab, counts_only=False)
        masker = report_figures._masker(report_figures._listed_cases(session, period),
                                        counts_only=False)
    summary, previous, to_date, year_before = totals.summaries
    work, work_to_date, work_year_before = totals.works
    figures = ReportFigures(
        summary, previous, _Received(parent, parent.recv()), masker, work=work,
        year_to_date=Totals(to_date.period, to_date.total, work_to_date),
        year_before=Totals(year_before.period, year_before.total, work_year_before),
        children=totals.children,
        escalations=tuple((masker.mask(body), n) for body, n in totals.escalations))
    write_workbook(figures, settings.load_office(db), target)
    process.join()
    return time.perf_counter() - started


def program(db: Any, actor: Any, period: Any, target: Path) -> float:
    from app.services.report_export import Targets, export_report

    started = time.perf_counter()
    export_report(db, actor, period, Targets(xlsx=target))
    return time.perf_counter() - started


def sheets(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()
                if name.startswith("xl/worksheets/")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="bench-out/ui-100k")
    parser.add_argument("--period", choices=("month", "quarter", "year"), default="year")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from app.db import open_database
    from app.paths import DataPaths
    from app.services import accounts

    root = Path(args.data_dir)
    db = open_database(DataPaths(root))
    actor = accounts.authenticate(db, USER, PASSWORD)
    month, _ = busiest_month(db)
    period = month if args.period == "month" else period_around(args.period, month)
    with tempfile.TemporaryDirectory() as folder:
        made, trial = Path(folder, "program.xlsx"), Path(folder, "trial.xlsx")
        own = [program(db, actor, period, made) for _ in range(args.runs)]
        tried = [with_worker(db, period, root, trial) for _ in range(args.runs)]
        same = sheets(made) == sheets(trial)
    print(f"{period.label}: the program's export {statistics.median(own):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in own)}); with form 03 in a spawned process "
          f"{statistics.median(tried):.2f} s ({', '.join(f'{t:.2f}' for t in tried)}); "
          f"sheets the same: {same}")
    db.dispose()
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
