"""A long workbook written by a process of its own (app/reports/workbook_process.py): the
same file as written in place, and nothing left behind when the export stops, whichever
side stops it."""

from __future__ import annotations

import dataclasses
import multiprocessing
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from app.db import Database
from app.domain.case import ChildInput
from app.domain.office import OfficeSettings
from app.domain.periods import Period
from app.domain.report import ReportFigures
from app.domain.report_forms import FORM03_COLUMNS, Form, Row, report_forms
from app.errors import UserError
from app.progress import Cancelled, CancelToken
from app.reports import excel, workbook_process
from app.reports.workbook_process import ROWS_PER_CHUNK, write_beside
from app.services import cases
from app.services.actor import Actor
from app.services.report_export import Targets, export_report
from app.services.report_figures import compute_figures
from app.services.settings import load_office
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
OFFICE = OfficeSettings(unit_title="Xã Minh Tân")


@pytest.fixture
def figures(db: Database, officer: Actor) -> ReportFigures:
    for day in range(1, 12):
        cases.create_case(db, officer, make_case(
            detected_on=date(2026, 10, day), summary=f"Bài viết số {day}\nxúc phạm",
            offender_name="Lê Văn Tám" if day % 2 else None), today=TODAY)
    cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 20), group_code="TE", summary="Clip em Nguyễn Văn An",
        children=(ChildInput("Nguyễn Văn An", birth_year=2014),)), today=TODAY)
    return compute_figures(db, OCTOBER)


def _sheets(path: Path) -> dict[str, bytes]:
    """Every part of the file but the time it was made (docProps/core.xml, to the second)."""
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()
                if name != "docProps/core.xml"}


def _case_list(count: int, then: tuple[int, Callable[[], None]] | None = None) -> Form:
    """Form 03 with `count` rows of several line counts, made as they are gone through;
    `then`: before which row what happens (the register unreadable, the writer killed)."""
    def row(n: int) -> Row:
        return (n, f"VV-{n:05d}", date(2026, 10, 1 + n % 28), "Facebook", "tai.khoan",
                "https://facebook.com/x", "Tin giả", "dòng\n" * (n % 4) + "Bài viết",
                "Lê Văn Tám", "", n * 1_000, "Đang xử lý")

    class Rows:
        def __len__(self) -> int:
            return count

        def __iter__(self) -> Iterator[Row]:
            for n in range(1, count + 1):
                if then is not None and n == then[0]:
                    then[1]()
                yield row(n)

    return Form("03", "Danh sách vụ việc", "DANH SÁCH", FORM03_COLUMNS, Rows(), None)


def _no_process_left() -> None:
    assert multiprocessing.active_children() == []


def test_the_file_is_the_one_written_in_place(figures: ReportFigures, db: Database,
                                              tmp_path: Path) -> None:
    lines = [dataclasses.replace(line, code=f"{line.code}-{n}") for n in range(120)
             for line in figures.cases]  # several chunks of rows
    many = report_forms(dataclasses.replace(figures, cases=tuple(lines))).sheets
    office = load_office(db)
    out = tmp_path / "out"
    beside, here = out / "beside.xlsx", out / "here.xlsx"
    ticks: list[tuple[int, int]] = []
    write_beside(many, office, OCTOBER.label, beside,
                 progress=lambda done, total: ticks.append((done, total)))
    excel.write_sheets(many, office, OCTOBER.label, here)
    assert _sheets(beside) == _sheets(here)
    total = sum(len(form.rows) for form in many)
    assert ticks[-1] == (total, total) and len(ticks) > total // ROWS_PER_CHUNK
    assert sorted(p.name for p in out.iterdir()) == ["beside.xlsx", "here.xlsx"]
    _no_process_left()


def test_a_long_report_is_written_beside_with_the_same_cells(
        db: Database, officer: Actor, figures: ReportFigures, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the export, as the window and the command line ask for it."""
    here = tmp_path / "here.xlsx"
    export_report(db, officer, OCTOBER, Targets(xlsx=here))
    beside: list[Path] = []

    def recorded(sheets: list[Form], office: OfficeSettings, label: str, target: Path,
                 **options: object) -> None:
        beside.append(target)
        write_beside(sheets, office, label, target, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(workbook_process, "ROWS_FOR_OWN_PROCESS", 1)
    monkeypatch.setattr(workbook_process, "write_beside", recorded)
    target = tmp_path / "beside.xlsx"
    export_report(db, officer, OCTOBER, Targets(xlsx=target))
    assert beside == [target]
    assert _sheets(target) == _sheets(here)


def test_a_cancel_ends_the_writer_and_leaves_nothing(tmp_path: Path) -> None:
    token = CancelToken()

    def progress(done: int, _total: int) -> None:
        if done >= 2 * ROWS_PER_CHUNK:
            token.cancel()

    with pytest.raises(Cancelled):
        write_beside([_case_list(10 * ROWS_PER_CHUNK)], OFFICE, OCTOBER.label,
                     tmp_path / "bc.xlsx", progress=progress, token=token)
    assert list(tmp_path.iterdir()) == []
    _no_process_left()


@pytest.mark.parametrize(("stop", "raised", "words"), [
    ("unreadable", OSError, "ổ đĩa"),  # the register unreadable half-way: the parent's error
    ("killed", UserError, "dừng bất thường"),  # the writer dies: said so in Vietnamese
])
def test_a_writer_stopped_half_way_leaves_nothing(stop: str, raised: type[Exception],
                                                  words: str, tmp_path: Path) -> None:
    def unreadable() -> None:
        raise OSError("ổ đĩa không đọc được")

    def killed() -> None:
        _started_writing(tmp_path)
        for child in multiprocessing.active_children():
            child.kill()

    at = {"unreadable": unreadable, "killed": killed}[stop]
    form = _case_list(10 * ROWS_PER_CHUNK, then=(3 * ROWS_PER_CHUNK, at))
    with pytest.raises(raised, match=words):
        write_beside([form], OFFICE, OCTOBER.label, tmp_path / "bc.xlsx")
    # The writer's temporary file and scratch folder too: killed, it could not remove them.
    assert list(tmp_path.iterdir()) == []
    _no_process_left()


def test_a_file_the_writer_cannot_write_is_refused_as_in_place(tmp_path: Path) -> None:
    blocked = tmp_path / "khong-phai-thu-muc"
    blocked.write_text("")
    target = blocked / "bc.xlsx"
    sheets = [_case_list(3 * ROWS_PER_CHUNK)]
    with pytest.raises(UserError) as in_place:
        excel.write_sheets(sheets, OFFICE, OCTOBER.label, target)
    with pytest.raises(UserError) as beside:
        write_beside(sheets, OFFICE, OCTOBER.label, target)
    assert str(beside.value) == str(in_place.value)
    assert str(beside.value).startswith("Không ghi được vào thư mục")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["khong-phai-thu-muc"]
    _no_process_left()


def _started_writing(folder: Path) -> None:
    """Once the writer has made its temporary file and scratch folder in its own folder."""
    deadline = time.monotonic() + 30
    while not any(len(list(own.iterdir())) >= 2 for own in folder.glob(".bc-*.tmp")):
        assert time.monotonic() < deadline, "the writer never started"
        time.sleep(0.01)


def test_another_writers_files_beside_the_target_are_left_alone(tmp_path: Path) -> None:
    """Only the writer's own folder is removed: not the hidden files of another export of a
    name that starts alike (`bc-2026-10.xlsx` being written beside `bc.xlsx`)."""
    others = [tmp_path / ".bc-2026-10-k3j9.tmp", tmp_path / ".bc-x1y2.tmp"]
    for other in others:
        other.write_text("")
    write_beside([_case_list(3 * ROWS_PER_CHUNK)], OFFICE, OCTOBER.label, tmp_path / "bc.xlsx")
    assert sorted(tmp_path.iterdir()) == sorted([*others, tmp_path / "bc.xlsx"])
    _no_process_left()


def test_a_row_the_writer_cannot_write_is_reported_and_leaves_nothing(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    form = _case_list(3 * ROWS_PER_CHUNK)
    rows = [*form.rows]
    rows[700] = (*rows[700][:-1], {"not": "a cell"})
    with pytest.raises(UserError, match="dừng bất thường"):
        write_beside([dataclasses.replace(form, rows=rows)], OFFICE, OCTOBER.label,
                     tmp_path / "bc.xlsx")
    assert list(tmp_path.iterdir()) == []
    assert "TypeError: a cell cannot hold a dict" in caplog.text  # for the error log
    _no_process_left()
