"""Benchmark: the report's workbook, PDF and Word file against what they are built from.

    python bench/report_bench.py [--data-dir DIR] [--cases 100000] [--period month|quarter|year|all]
                                 [--runs 3] [--year-runs 1] [--exports xlsx,pdf,docx]
                                 [--database URL] [--json]

A demo data folder of `--cases` cases (kept in DIR when given, so that later runs reuse it;
`demo_build.ensure_folder`) is reported for its busiest month (the most cases detected),
that month's quarter and its year. For each period, measured in the same run, the median
and spread of `--runs` (the year's PDF takes minutes: `--year-runs`, default 1):

- baseline SQL: the aggregation and the case list in plain SQL (no ORM) through
  `sqlcipher3` keyed with the data key (the engine's own cost), beside the report's own
  computation (`compute_figures`); and the same SQL through plain `sqlite3` on an
  unencrypted copy of the database, beside the first (what the encryption costs);
- baseline workbook: openpyxl's write-only mode writing the same cells (values only; the
  same cells styled one by one as openpyxl documents it are shown for reference). The
  program writes with XlsxWriter; openpyxl, a dev dependency, stays the baseline the
  earlier figures were measured against;
- baseline PDF: reportlab tables of the same rows as plain strings (`display`, no
  paragraph, a cell one line), in tables of 50 rows (`plain_pdf` says why), header first;
- baseline Word file: python-docx writing the same cells into one table per form (the
  default style, texts set cell by cell as its documentation shows);
- the real exports (`export_report`), figures computed each time, measured first, with
  how much each raised the resident memory of the process at its peak (Linux);
- the workbook's and the PDF's writing alone (`write_workbook`, `write_pdf` of the figures
  computed once), against the baseline workbook and PDF: the export's time is largely the
  figures', whose spread from run to run can hide a change in the writing.

Limits: workbook ≤ 1.3 × (baseline SQL + baseline workbook), PDF ≤ 1.5 × (baseline SQL +
baseline PDF): the issue's bound, "the same read + reportlab tables of the same rows"; the
Word file's writing (`write_docx` of figures computed once) ≤ 2 × baseline Word
file (each cell's style and alignment, which the baseline leaves out, cost about half
again), memory growth of the workbook's and the PDF's export < 60 MB. The Word file's
memory is shown without a limit: python-docx holds a document whole (no streaming), about
35 MB per 1,000 cases of form 03.

With `--database URL` the register is that PostgreSQL database (server mode; the demo built
into it when empty) and DIR the PC's own folder. The plain SQL baselines are SQLCipher's and
sqlite3's and are left out: the figures computed have no baseline there, and the workbook's
and the PDF's are openpyxl's and reportlab's alone, without their limits (which count the
SQL).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing, suppress
from pathlib import Path
from typing import Any

from demo_build import PASSWORD, USER, ensure_folder  # bench/ is the script's folder
from docx import Document
from keyed import sqlcipher, unencrypted_copy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Border, Font, Side
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle
from run_all import figure, print_json
from spawned import as_the_program
from sqlalchemy import func, select

from app.db import Database, open_database
from app.domain.periods import Period
from app.domain.report import ReportText
from app.domain.report_forms import Form, all_forms, display
from app.models import Case
from app.paths import DataPaths
from app.reports import fonts
from app.reports.docx_report import write_docx
from app.reports.excel import write_workbook
from app.reports.pdf import write_pdf
from app.services import accounts
from app.services.actor import Actor
from app.services.report_export import Targets, export_report
from app.services.report_figures import compute_figures
from app.services.settings import load_office

PERIODS = ("month", "quarter", "year")
EXPORTS = ("xlsx", "pdf", "docx")
WORKBOOK_LIMIT = 1.3
PDF_LIMIT = 1.5
DOCX_LIMIT = 2.0
MEMORY_LIMIT_MB = 60
PDF_TABLE_ROWS = 50

SUMMARY_SQL = """
WITH ev AS (
  SELECT case_id,
         MAX(kind = 'GB') AS removed, MAX(kind = 'XP') AS sanctioned,
         SUM(CASE WHEN kind = 'XP' THEN COALESCE(fine_amount, 0) ELSE 0 END) AS fines,
         MAX(kind = 'CA') AS to_police, MAX(kind = 'KN') AS escalated
  FROM events WHERE occurred_on BETWEEN :d1 AND :d2 AND voided_at IS NULL GROUP BY case_id),
kids AS (
  SELECT ch.case_id, COUNT(*) AS n FROM children ch JOIN cases c ON c.id = ch.case_id
  WHERE c.detected_on BETWEEN :d1 AND :d2 GROUP BY ch.case_id)
SELECT c.group_code, c.platform_code,
  SUM(c.detected_on < :d1 AND (c.closed_on IS NULL OR c.closed_on >= :d1)),
  SUM(c.detected_on BETWEEN :d1 AND :d2),
  SUM(c.detected_on BETWEEN :d1 AND :d2 AND COALESCE(c.offender_name, '') = ''),
  SUM(COALESCE(ev.removed, 0)), SUM(COALESCE(ev.sanctioned, 0)), SUM(COALESCE(ev.fines, 0)),
  SUM(COALESCE(ev.to_police, 0)), SUM(COALESCE(ev.escalated, 0)),
  SUM(c.closed_on BETWEEN :d1 AND :d2),
  SUM(c.detected_on <= :d2 AND (c.closed_on IS NULL OR c.closed_on > :d2)),
  SUM(CASE WHEN c.detected_on BETWEEN :d1 AND :d2 THEN COALESCE(kids.n, 0) ELSE 0 END)
FROM cases c LEFT JOIN ev ON ev.case_id = c.id LEFT JOIN kids ON kids.case_id = c.id
WHERE c.deleted_at IS NULL
GROUP BY c.group_code, c.platform_code
"""
LISTED = """c.deleted_at IS NULL AND (c.detected_on BETWEEN :d1 AND :d2 OR c.id IN (
  SELECT case_id FROM events WHERE occurred_on BETWEEN :d1 AND :d2 AND voided_at IS NULL))"""
CASES_SQL = f"""
SELECT c.id, c.code, c.detected_on, c.platform_code, c.account, c.url, c.group_code, c.summary,
       c.offender_name, c.closed_on,
       (SELECT SUM(fine_amount) FROM events e WHERE e.case_id = c.id AND +e.kind = 'XP'
          AND e.occurred_on BETWEEN :d1 AND :d2 AND e.voided_at IS NULL)
FROM cases c WHERE {LISTED} ORDER BY c.detected_on, c.code
"""
EVENTS_SQL = f"""
SELECT e.case_id, e.kind, e.occurred_on, e.document_number, e.fine_amount, e.closing_result
FROM events e JOIN cases c ON c.id = e.case_id
WHERE e.occurred_on BETWEEN :d1 AND :d2 AND e.voided_at IS NULL AND {LISTED}
ORDER BY e.case_id, e.occurred_on, e.id
"""
CHILDREN_SQL = f"""
SELECT ch.case_id, ch.full_name, ch.birth_year, ch.sex FROM children ch
JOIN cases c ON c.id = ch.case_id WHERE {LISTED}
"""


def plain_sql(connect: Callable[[], Any], period: Period) -> int:
    """The figures' raw material in plain SQL: aggregation, case list, its events, children,
    on a new connection from `connect`."""
    params = {"d1": period.start.isoformat(), "d2": period.end.isoformat()}
    with closing(connect()) as connection:
        rows = 0
        for sql in (SUMMARY_SQL, CASES_SQL, EVENTS_SQL, CHILDREN_SQL):
            rows += len(connection.execute(sql, params).fetchall())
        return rows


def plain_workbook(forms: tuple[Form, ...], target: Path) -> None:
    book = Workbook(write_only=True)
    for form in forms:
        sheet = book.create_sheet(form.sheet)
        sheet.append([c.header for c in form.columns])
        for row in form.rows:
            sheet.append(list(row))
        if form.total is not None:
            sheet.append(list(form.total))
    book.save(target)


def styled_workbook(forms: tuple[Form, ...], target: Path) -> None:
    """The same cells formatted as openpyxl documents it (for reference, not the limit)."""
    book = Workbook(write_only=True)
    thin = Side(style="thin")
    font, border = Font(name="Times New Roman"), Border(left=thin, right=thin, top=thin,
                                                        bottom=thin)
    for form in forms:
        sheet = book.create_sheet(form.sheet)
        for row in [[c.header for c in form.columns], *form.rows,
                    *([form.total] if form.total else [])]:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font, cell.border = font, border
                if isinstance(value, int):
                    cell.number_format = "#,##0"
                cells.append(cell)
            sheet.append(cells)
    book.save(target)


def plain_pdf(forms: tuple[Form, ...], target: Path) -> None:
    """The forms as reportlab tables of `PDF_TABLE_ROWS` rows each, header first, every cell
    a plain string as the workbook shows it (a text on one line, however long).

    One table per form would not do: reportlab splits a table at each page by copying and
    measuring what remains of it, which grows with the square of the rows, so the baseline
    of a long report would be a slow one, not the library's own cost (docs/performance.md,
    "Measurements behind the code")."""
    fonts.register()
    style = TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8)])
    story = []
    for form in forms:
        rows = [*form.rows, *([form.total] if form.total else [])]
        width = landscape(A4)[0] - 100
        scale = width / sum(c.width for c in form.columns)
        for first in range(0, len(rows), PDF_TABLE_ROWS):
            data = [[c.header for c in form.columns]] + [
                [display(v, c.kind) for v, c in zip(row, form.columns, strict=True)]
                for row in rows[first:first + PDF_TABLE_ROWS]]
            story.append(Table(data, colWidths=[c.width * scale for c in form.columns],
                               repeatRows=1, style=style))
    SimpleDocTemplate(str(target), pagesize=landscape(A4),
                      initialFontName=fonts.REGULAR).build(story)


def plain_docx(forms: tuple[Form, ...], target: Path) -> None:
    """The forms as python-docx tables, header first, each cell's text set."""
    document = Document()
    for form in forms:
        rows = [*form.rows, *([form.total] if form.total else [])]
        table = document.add_table(rows=0, cols=len(form.columns))
        table.style = "Table Grid"
        for texts in [[c.header for c in form.columns],
                      *([display(v, c.kind) for v, c in zip(row, form.columns, strict=True)]
                        for row in rows)]:
            for cell, text in zip(table.add_row().cells, texts, strict=True):
                cell.text = text
    document.save(str(target))


def busiest_month(db: Database) -> tuple[Period, int]:
    """The month with the most cases detected, and their number."""
    with db.read() as session:
        days = session.execute(select(Case.detected_on, func.count())
                               .where(Case.deleted_at.is_(None))
                               .group_by(Case.detected_on)).all()
    months: Counter[tuple[int, int]] = Counter()
    for day, count in days:  # by month here: the engines take a date's month apart unalike
        months[day.year, day.month] += count
    (year, number), count = months.most_common(1)[0]
    return Period.month(year, number), count


def period_around(kind: str, month: Period) -> Period:
    """`month` itself, its quarter or its year."""
    year = month.start.year
    if kind == "quarter":
        return Period.quarter(year, (month.start.month - 1) // 3 + 1)
    return Period.year_of(year) if kind == "year" else month


def timed(runs: int, job: Callable[[], Any]) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return times


def _status_mb(key: str, status: str = "/proc/self/status") -> float:
    for line in Path(status).read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    raise OSError(f"no {key} in {status}")


def timed_with_memory(runs: int, job: Callable[[], Any]) -> tuple[list[float], float | None]:
    """Seconds of each run, and the most any run raised the resident memory at its peak
    above what was held before: this process's, plus the peak of each process it started
    meanwhile (a long workbook is written by one: `app/reports/workbook_process.py`).
    Linux only: this process's high-water mark is reset by writing `5` to `clear_refs`.
    (tracemalloc would count Python's allocations alone, and slows a PDF export
    several-fold: docs/performance.md.)"""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return timed(runs, job), None
    times, growth = [], 0.0
    for _ in range(runs):
        Path("/proc/self/clear_refs").write_text("5")
        held = _status_mb("VmRSS")
        with _ChildrenPeaks() as children:
            started = time.perf_counter()
            job()
            times.append(time.perf_counter() - started)
        growth = max(growth, _status_mb("VmHWM") - held + children.total_mb)
    return times, growth


class _ChildrenPeaks:
    """The peak resident memory (`VmHWM`) of each process this one starts within the
    block, read every 20 ms while it runs (a peak reached in its last 20 ms is missed).
    Not counted: multiprocessing's resource tracker, which POSIX systems start once for a
    program's life at its first spawned process (~13 MB; Windows has none)."""

    def __init__(self) -> None:
        self._before = set(_children())
        self._peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    @property
    def total_mb(self) -> float:
        return sum(self._peaks.values())

    def __enter__(self) -> _ChildrenPeaks:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            for pid in set(_children()) - self._before:
                with suppress(OSError, ValueError):
                    if b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        self._before.add(pid)
                        continue
                    self._peaks[pid] = max(self._peaks.get(pid, 0.0),
                                           _status_mb("VmHWM", f"/proc/{pid}/status"))


def _children() -> list[int]:
    """This process's children, as each of its threads started them (a file per thread:
    cheap enough to read every 20 ms beside the export being timed)."""
    found = []
    for task in Path("/proc/self/task").iterdir():
        with suppress(OSError):
            found += [int(pid) for pid in (task / "children").read_text().split()]
    return found


def _seconds(values: list[float]) -> str:
    return (f"{statistics.median(values):7.2f} s ({min(values):.2f}–{max(values):.2f}, "
            f"{len(values)} runs)")


def measure(db: Database, actor: Actor, period: Period, runs: int, out: Path,
            unencrypted: Path | None, exports: tuple[str, ...] = EXPORTS,
            ) -> list[dict[str, Any]]:
    """Print the figures of `period`'s report beside their baselines; return them as rows.
    `unencrypted` is a plain copy of the database, for the encryption's cost; None on a
    server, where the plain SQL baselines are left out. `exports`: which of the files."""
    fonts.register()  # once per process, in the program as here: neither side pays it
    started = time.perf_counter()
    figures = compute_figures(db, period)
    forms = all_forms(figures)
    office = load_office(db)
    text = ReportText("", period.end, "")
    print(f"\n{period.label}: {len(figures.cases):,} cases in form 03 "
          f"(figures computed in {time.perf_counter() - started:.1f} s), {runs} runs",
          flush=True)
    # The exports first: the memory they grow is theirs, not left free by a baseline.
    held_mb = _status_mb("VmRSS")
    exported = {kind: timed_with_memory(runs, lambda kind=kind: export_report(
        db, actor, period, Targets(**{kind: out / f"bc.{kind}"}))) for kind in exports}
    sql, sql_unencrypted = [], []
    if unencrypted is not None:
        sql = timed(runs, lambda: plain_sql(lambda: sqlcipher(db.paths.database, db.data_key),
                                            period))
        sql_unencrypted = timed(runs, lambda: plain_sql(lambda: sqlite3.connect(unencrypted),
                                                        period))
    computed = timed(runs, lambda: compute_figures(db, period))
    median = statistics.median
    sql_median = median(sql) if sql else 0.0  # a server: the files beside their library alone
    what = f"{period.label} ({len(figures.cases):,} cases in form 03)"
    if sql:
        print(f"baseline plain SQL            {_seconds(sql)}  (SQLCipher; unencrypted, "
              f"sqlite3: {_seconds(sql_unencrypted)}, ratio "
              f"{median(sql) / median(sql_unencrypted):.2f})")
        print(f"figures computed              {_seconds(computed)}  "
              f"ratio {median(computed) / median(sql):.2f} to plain SQL")
    else:
        print(f"figures computed              {_seconds(computed)}  (server: no plain SQL "
              "baseline, it is SQLite's)")
    rows = [
        figure(f"{what}: figures computed", computed, baseline="plain SQL (SQLCipher)",
               baseline_values=sql),
        *([figure(f"{what}: plain SQL through SQLCipher", sql,
                  baseline="the same through sqlite3, unencrypted",
                  baseline_values=sql_unencrypted)] if sql else []),
    ]

    if "xlsx" in exports:
        xlsx, _ = exported["xlsx"]
        xlsx_base = timed(runs, lambda: plain_workbook(forms, out / "plain.xlsx"))
        xlsx_styled = timed(runs, lambda: styled_workbook(forms, out / "styled.xlsx"))
        written = timed(runs, lambda: write_workbook(figures, office, out / "written.xlsx"))
        xlsx_bound = sql_median + median(xlsx_base)
        print(f"baseline openpyxl write-only  {_seconds(xlsx_base)}  (values only; the same "
              f"cells styled one by one: {median(xlsx_styled):.2f} s)")
        print(_against("workbook export", xlsx, xlsx_bound, WORKBOOK_LIMIT, bool(sql)))
        print(f"workbook writing alone        {_seconds(written)}  ratio "
              f"{median(written) / median(xlsx_base):.2f} to openpyxl write-only")
        rows += [
            figure(f"{what}: workbook", xlsx,
                   baseline=("plain SQL (SQLCipher) + " if sql else "") + "openpyxl write-only",
                   baseline_values=[xlsx_bound], ratio_at_most=WORKBOOK_LIMIT if sql else None),
            figure(f"{what}: workbook, writing alone", written,
                   baseline="openpyxl write-only (values only)", baseline_values=xlsx_base,
                   note="`write_workbook` of figures computed once: the export above computes "
                        "them each time, and their spread can hide the writing's"),
        ]

    if "pdf" in exports:
        pdf, _ = exported["pdf"]
        pdf_base = timed(runs, lambda: plain_pdf(forms, out / "plain.pdf"))
        pdf_written = timed(runs, lambda: write_pdf(figures, office, text, out / "written.pdf"))
        pdf_bound = sql_median + median(pdf_base)
        print(f"baseline reportlab tables     {_seconds(pdf_base)}  (plain strings)")
        print(_against("PDF export", pdf, pdf_bound, PDF_LIMIT, bool(sql)))
        print(f"PDF writing alone             {_seconds(pdf_written)}  ratio "
              f"{median(pdf_written) / median(pdf_base):.2f} to reportlab tables")
        rows += [
            figure(f"{what}: PDF", pdf,
                   baseline=("plain SQL (SQLCipher) + " if sql else "")
                   + "reportlab tables of plain strings",
                   baseline_values=[pdf_bound], ratio_at_most=PDF_LIMIT if sql else None),
            figure(f"{what}: PDF, writing alone", pdf_written,
                   baseline="reportlab tables of plain strings", baseline_values=pdf_base,
                   note="`write_pdf` of figures computed once: the export above computes them "
                        "each time"),
        ]

    if "docx" in exports:
        docx, docx_mb = exported["docx"]
        docx_base = timed(runs, lambda: plain_docx(forms, out / "plain.docx"))
        docx_written = timed(runs, lambda: write_docx(figures, office, text,
                                                      out / "written.docx"))
        docx_limit = DOCX_LIMIT * median(docx_base)
        print(f"baseline python-docx tables   {_seconds(docx_base)}")
        print(f"Word export                   {_seconds(docx)}")
        print(f"Word writing alone            {_seconds(docx_written)}  limit {docx_limit:.2f} s  "
              f"ratio {median(docx_written) / median(docx_base):.2f}  "
              f"{'OK' if median(docx_written) <= docx_limit else 'OVER'}")
        rows.append(figure(f"{what}: Word file, writing alone", docx_written,
                           baseline="python-docx tables", baseline_values=docx_base,
                           ratio_at_most=DOCX_LIMIT,
                           note="`write_docx` of figures computed once: the template filled, "
                                "the forms as tables in its styles"))
        if docx_mb is not None:
            print(f"memory growth, Word          {docx_mb:7.1f} MB  (no limit: python-docx "
                  "holds the document whole)")
            rows.append(figure(f"{what}: memory growth, Word", [docx_mb], unit="MB",
                               note="python-docx holds a document whole: no limit"))

    for kind, name in (("xlsx", "workbook"), ("pdf", "PDF")):
        mb = exported[kind][1] if kind in exported else None
        if mb is None:
            continue
        print(f"memory growth, {name:8s}      {mb:7.1f} MB  limit {MEMORY_LIMIT_MB} MB  "
              f"{'OK' if mb < MEMORY_LIMIT_MB else 'OVER'}  (resident, over the "
              f"{held_mb:.0f} MB held before)")
        rows.append(figure(f"{what}: memory growth, {name}", [mb], unit="MB",
                           at_most=MEMORY_LIMIT_MB,
                           note=f"resident memory of the process at the export's peak beyond "
                                f"the {held_mb:.0f} MB it held before (database open, figures "
                                f"computed once), plus the peak of each process it started "
                                f"(a long workbook's writer; not multiprocessing's resource "
                                f"tracker, started once a program run on Linux), the largest "
                                f"of the runs"))
    return rows


def _against(name: str, values: list[float], bound: float, limit: float, bounded: bool) -> str:
    """An export's line: its time against `limit` × `bound` (none on a server: the bound
    counts the plain SQL)."""
    if not bounded:
        return f"{name:29s} {_seconds(values)}  (server: no limit, it counts the plain SQL)"
    ratio = statistics.median(values) / bound
    return (f"{name:29s} {_seconds(values)}  limit {limit * bound:.2f} s  ratio {ratio:.2f}  "
            f"{'OK' if ratio <= limit else 'OVER'}")


def main() -> None:
    as_the_program()
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--period", choices=[*PERIODS, "all"], default="all")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year-runs", type=int, default=1,
                        help="runs for the year, at most --runs: its PDF takes minutes")
    parser.add_argument("--database", metavar="URL",
                        help="the register is this PostgreSQL database (server mode)")
    parser.add_argument("--exports", default=",".join(EXPORTS),
                        help="which files to measure, comma-separated (the year's Word file "
                             "takes minutes and hundreds of MB)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line last")
    args = parser.parse_args()
    kinds = PERIODS if args.period == "all" else (args.period,)
    exports = tuple(kind for kind in EXPORTS if kind in args.exports.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        root = args.data_dir or out / "data"
        key = ensure_folder(root, args.cases, args.database)
        unencrypted = None if key is None else unencrypted_copy(
            DataPaths(root).database, key, out / "unencrypted.sqlite3")
        db = open_database(DataPaths(root, args.database))
        actor = accounts.authenticate(db, USER, PASSWORD)
        month, detected = busiest_month(db)
        print(f"busiest month {month.label}: {detected:,} cases detected")
        if len(kinds) > 1:
            print("(the memory growth of a later period is measured over memory an earlier "
                  "one left free: run one --period per process for it, as run_all does)")
        rows = []
        for kind in kinds:
            runs = min(args.runs, args.year_runs) if kind == "year" else args.runs
            rows += measure(db, actor, period_around(kind, month), runs, out, unencrypted,
                            exports)
        db.dispose()
    if args.json:
        print_json("report_bench", rows)


if __name__ == "__main__":
    main()
