"""An export reads form 03's cases a chunk at a time (`report_figures.CASES_PER_CHUNK`):
whatever the chunk, the same cells, the same pages, the same masked names, the same checks."""

from __future__ import annotations

import io
import shutil
import subprocess
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak
from sqlalchemy import update

from app.db import Database
from app.domain.case import ChildInput
from app.domain.labels import Sex
from app.domain.periods import Period
from app.domain.report import FiguresInconsistent, ReportText
from app.models import Case
from app.reports import fonts
from app.reports.official import OfficialDocument, OfficialStyles, new_section, paragraph
from app.services import cases, demo, report_figures, settings
from app.services.actor import Actor
from app.services.report_export import Targets, export_report
from app.services.report_figures import compute_figures
from tests.conftest import TODAY, make_case

YEAR = Period.year_of(2026)
CHILD = "Nguyễn Thị Hoa"
ONE_CHUNK = 1_000_000


@pytest.fixture
def register(db: Database, admin: Actor, officer: Actor) -> None:
    settings.save_office(db, admin, demo.demo_office())
    demo.add_demo_cases(db, admin, 150, seed=17, today=TODAY)
    # The child of a case late in the year, named in a case early in it: in another chunk.
    cases.create_case(db, officer, make_case(
        detected_on=date(2026, 1, 2), summary=f"Bình luận xúc phạm em {CHILD} lớp 5A."),
        today=TODAY)
    cases.create_case(db, officer, make_case(
        detected_on=date(2026, 11, 19), group_code="TE",
        summary=f"Đăng ảnh em {CHILD} kèm lời lẽ bạo lực.",
        children=(ChildInput(CHILD, birth_year=2015, sex=Sex.FEMALE),)), today=TODAY)


def _export(db: Database, actor: Actor, folder: Path, chunk: int,
            monkeypatch: pytest.MonkeyPatch) -> tuple[list[list[list[object]]], str]:
    """The workbook's cells, sheet by sheet, and the PDF's text, page by page, of the year
    exported with `chunk` cases to a chunk."""
    monkeypatch.setattr(report_figures, "CASES_PER_CHUNK", chunk)
    folder.mkdir()
    xlsx, pdf = folder / "bc.xlsx", folder / "bc.pdf"
    export_report(db, actor, YEAR, Targets(xlsx=xlsx, pdf=pdf),
                  text=ReportText("01", date(2026, 12, 20), f"Đã bảo vệ em {CHILD}."))
    with CalamineWorkbook.from_path(str(xlsx)) as book:
        cells = [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True).stdout.decode()
    return cells, text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler)")
def test_the_files_are_the_same_whatever_the_chunk(db: Database, officer: Actor,
                                                   register: None, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    listed = len(compute_figures(db, YEAR).cases)
    assert listed > 10 * 7  # many chunks of 7
    cells, text = _export(db, officer, tmp_path / "seven", 7, monkeypatch)
    assert (cells, text) == _export(db, officer, tmp_path / "one", ONE_CHUNK, monkeypatch)
    form03 = cells[2]
    numbers = [row[0] for row in form03 if isinstance(row[0], float)]
    # After the columns' numbers, every case once, numbered on.
    assert numbers[1:] == list(range(1, listed + 1))
    # The child's name masked in the early case by the late case's child, and in the text.
    assert CHILD not in text and "N.T.H." in text
    early = next(row for row in form03 if "lớp 5A" in str(row[7]))
    assert "N.T.H." in str(early[7]) and CHILD not in str(early[7])


def test_the_lines_are_the_same_whatever_the_chunk(db: Database, register: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_figures, "CASES_PER_CHUNK", 7)
    seven = compute_figures(db, YEAR)
    monkeypatch.setattr(report_figures, "CASES_PER_CHUNK", ONE_CHUNK)
    one = compute_figures(db, YEAR)
    assert seven == one and len(seven.cases) > 10 * 7
    assert sum(line.protected for line in one.cases) > 2


def test_a_broken_row_still_stops_the_export_before_any_file(
        db: Database, officer: Actor, register: None, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_figures, "CASES_PER_CHUNK", 7)
    broken = cases.create_case(db, officer, make_case(detected_on=date(2026, 10, 5)),
                               today=TODAY)
    with db.write() as session:  # closed before detected: impossible through the services
        session.execute(update(Case).where(Case.id == broken.id)
                        .values(closed_on=date(2026, 9, 30)))
    out = tmp_path / "out"
    out.mkdir()
    xlsx, pdf = out / "bc.xlsx", out / "bc.pdf"
    with pytest.raises(FiguresInconsistent, match="không khớp ở dòng «Tin giả"):
        export_report(db, officer, Period.month(2026, 10), Targets(xlsx=xlsx, pdf=pdf))
    assert list(out.iterdir()) == []


def _paragraphs(pages: int) -> list[Flowable]:
    """About `pages` pages of paragraphs, each page's text its own (compressed little)."""
    styles = OfficialStyles()
    return [paragraph(f"Đoạn {n}: chia sẻ lại clip của em {CHILD} lúc {n * 7919 % 10007} "
                      * 6, styles.body) for n in range(20 * pages)]


@pytest.mark.parametrize("to_a_file", [False, True])
def test_pages_written_as_they_go_make_the_same_pdf(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path, to_a_file: bool) -> None:
    """The report's canvas moves each page's content out of memory when the page ends and
    writes the file object by object: byte for byte the PDF reportlab's own canvas makes (in
    its repeatable mode), written to a stream (a printout) or to a file (a report)."""
    monkeypatch.setattr(rl_config, "invariant", 1)
    fonts.register()

    def pdf(name: str, **canvas: type[Canvas]) -> bytes:
        story = [*_paragraphs(20), new_section(), PageBreak(), *_paragraphs(5)]
        if not to_a_file:
            out = io.BytesIO()
            OfficialDocument(out, None, title="Thử").build(story, **canvas)
            return out.getvalue()
        OfficialDocument(tmp_path / name, None, title="Thử").build(story, **canvas)
        return (tmp_path / name).read_bytes()

    written_as_they_go = pdf("report.pdf")
    assert written_as_they_go.count(b"/Type /Page\n") > 20
    assert written_as_they_go == pdf("reportlab.pdf", canvasmaker=Canvas)


def test_the_save_does_not_hold_the_whole_file(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    """A long report's save writes object by object: what it holds at its peak does not grow
    with the pages (reportlab's own save joins the whole file, then writes it). The fonts'
    subsets, made at the save, are the same in both files."""
    fonts.register()
    held: list[int] = []
    save = Canvas.save

    def traced_save(canvas: Canvas) -> None:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        save(canvas)
        held.append(tracemalloc.get_traced_memory()[1] - before)

    monkeypatch.setattr(Canvas, "save", traced_save)
    sizes = []
    tracemalloc.start()
    try:
        for pages in (10, 10, 80):  # the first one a warm-up (reportlab's caches)
            OfficialDocument(tmp_path / "bc.pdf", None, title="Thử").build(_paragraphs(pages))
            sizes.append((tmp_path / "bc.pdf").stat().st_size)
    finally:
        tracemalloc.stop()
    assert sizes[2] - sizes[1] > 150_000
    assert held[2] - held[1] < (sizes[2] - sizes[1]) / 10
