"""Benchmark: the monthly report's workbook and PDF against what they are built from.

    python bench/report_bench.py [--data-dir DIR] [--cases 100000] [--runs 3]

A demo data folder of `--cases` cases (kept in DIR when given, so that later
runs reuse it) is reported for the month holding the nearest to 3,000 cases.
Measured in the same run, medians of `--runs`:

- baseline SQL: the aggregation and the case list in plain SQL (sqlite3, no ORM);
- baseline workbook: openpyxl's write-only mode writing the same cells (values only; the
  same cells styled one by one as openpyxl documents it are shown for reference);
- baseline PDF: reportlab building the same tables directly;
- the real exports (`export_report`), figures computed each time.

Limits: workbook ≤ 1.3 × (baseline SQL + baseline workbook), PDF ≤ 1.3 × baseline
PDF, memory growth of each export < 60 MB (tracemalloc peak, separate pass).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Border, Font, Side
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table
from sqlalchemy import func, select

from app.db import Database, open_database
from app.models import Case
from app.paths import DataPaths
from app.reports import fonts
from app.reports.export import Targets, export_report
from app.reports.figures import compute_figures
from app.reports.forms import Form, Kind, all_forms, display
from app.reports.periods import Period
from app.services import accounts, demo, setup
from app.services.actor import Actor

TODAY = date(2026, 11, 20)
PASSWORD = "bench-2026"
WORKBOOK_LIMIT = 1.3
PDF_LIMIT = 1.3
MEMORY_LIMIT_MB = 60

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
       (SELECT SUM(fine_amount) FROM events e WHERE e.case_id = c.id AND e.kind = 'XP'
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


def plain_sql(path: Path, period: Period) -> int:
    """The figures' raw material in plain SQL: aggregation, case list, its events, children."""
    params = {"d1": period.start.isoformat(), "d2": period.end.isoformat()}
    connection = sqlite3.connect(path)
    try:
        rows = 0
        for sql in (SUMMARY_SQL, CASES_SQL, EVENTS_SQL, CHILDREN_SQL):
            rows += len(connection.execute(sql, params).fetchall())
        return rows
    finally:
        connection.close()


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
    fonts.register()
    style = ParagraphStyle("cell", fontName=fonts.REGULAR, fontSize=8, leading=9.6)
    story = []
    for form in forms:
        data = [[Paragraph(c.header, style) for c in form.columns]]
        rows = [*form.rows, *([form.total] if form.total else [])]
        data += [[Paragraph(str(v), style) if c.kind in (Kind.TEXT, Kind.USER_TEXT) and v
                  else display(v, c.kind) for v, c in zip(row, form.columns, strict=True)]
                 for row in rows]
        width = landscape(A4)[0] - 100
        scale = width / sum(c.width for c in form.columns)
        story.append(Table(data, colWidths=[c.width * scale for c in form.columns],
                           repeatRows=1))
    SimpleDocTemplate(str(target), pagesize=landscape(A4)).build(story)


def build_folder(root: Path, cases: int) -> tuple[Database, Actor]:
    paths = DataPaths(root)
    if paths.database.exists():
        db = open_database(paths)
    else:
        started = time.perf_counter()
        db = setup.init_data_folder(paths, "admin", PASSWORD)
        demo.add_demo_cases(db, accounts.authenticate(db, "admin", PASSWORD), cases,
                            today=TODAY)
        print(f"built {cases} demo cases in {time.perf_counter() - started:.0f} s")
    return db, accounts.authenticate(db, "admin", PASSWORD)


def busiest_month(db: Database, wanted: int = 3_000) -> tuple[Period, int]:
    month = func.substr(Case.detected_on, 1, 7)
    with db.read() as session:
        counts = session.execute(select(month, func.count()).where(Case.deleted_at.is_(None))
                                 .group_by(month)).all()
    text, count = min(counts, key=lambda row: abs(row[1] - wanted))
    year, number = (int(part) for part in text.split("-"))
    return Period.month(year, number), count


def median_time(runs: int, job: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def peak_mb(job: Callable[[], Any]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    job()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        db, actor = build_folder(args.data_dir or out / "data", args.cases)
        period, detected = busiest_month(db)
        figures = compute_figures(db, period)
        forms = all_forms(figures)
        print(f"{period.label}: {detected} cases detected, {len(figures.cases)} in form 03")

        sql = median_time(args.runs, lambda: plain_sql(db.paths.database, period))
        xlsx_base = median_time(args.runs, lambda: plain_workbook(forms, out / "plain.xlsx"))
        xlsx_styled = median_time(args.runs,
                                  lambda: styled_workbook(forms, out / "styled.xlsx"))
        pdf_base = median_time(args.runs, lambda: plain_pdf(forms, out / "plain.pdf"))
        xlsx = median_time(args.runs, lambda: export_report(db, actor, period,
                                                            Targets(xlsx=out / "bc.xlsx")))
        pdf = median_time(args.runs, lambda: export_report(db, actor, period,
                                                           Targets(pdf=out / "bc.pdf")))
        xlsx_mb = peak_mb(lambda: export_report(db, actor, period, Targets(xlsx=out / "m.xlsx")))
        pdf_mb = peak_mb(lambda: export_report(db, actor, period, Targets(pdf=out / "m.pdf")))
        db.dispose()

    xlsx_limit = WORKBOOK_LIMIT * (sql + xlsx_base)
    pdf_limit = PDF_LIMIT * pdf_base
    print(f"baseline plain SQL            {sql:7.2f} s")
    print(f"baseline openpyxl write-only  {xlsx_base:7.2f} s  (values only; the same cells "
          f"styled one by one: {xlsx_styled:.2f} s)")
    print(f"baseline reportlab tables     {pdf_base:7.2f} s")
    print(f"workbook export               {xlsx:7.2f} s  limit {xlsx_limit:.2f} s  "
          f"ratio {xlsx / (sql + xlsx_base):.2f}  {'OK' if xlsx <= xlsx_limit else 'OVER'}")
    print(f"PDF export                    {pdf:7.2f} s  limit {pdf_limit:.2f} s  "
          f"ratio {pdf / pdf_base:.2f}  {'OK' if pdf <= pdf_limit else 'OVER'}")
    for name, grown in (("workbook", xlsx_mb), ("PDF", pdf_mb)):
        print(f"memory growth, {name:8s}      {grown:7.1f} MB  limit {MEMORY_LIMIT_MB} MB  "
              f"{'OK' if grown < MEMORY_LIMIT_MB else 'OVER'}")


if __name__ == "__main__":
    main()
