"""The workbook of the spec, read back with openpyxl and by LibreOffice (CSV of every sheet)."""

from __future__ import annotations

import csv
import dataclasses
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from xlsxwriter.worksheet import Worksheet

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import SanctionForm
from app.domain.periods import Period
from app.domain.report import ReportFigures
from app.domain.report_forms import all_forms
from app.progress import Cancelled, CancelToken
from app.reports import spreadsheet
from app.reports.excel import LINE_POINTS, write_workbook
from app.reports.spreadsheet import writing
from app.services import audit, cases, events
from app.services.actor import Actor
from app.services.report_export import Targets, export_report
from app.services.report_figures import compute_figures
from app.services.settings import load_office
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
SHEETS = ["Tổng hợp", "Theo nền tảng", "Danh sách vụ việc"]
FORMULA_LIKE = ["=1+2", "+84 912 345 678", "-SUM(A1)", "@admin", "=HYPERLINK(\"x\")"]


@pytest.fixture
def figures(db: Database, officer: Actor) -> ReportFigures:
    for index, text in enumerate(FORMULA_LIKE):
        detail = cases.create_case(db, officer, make_case(
            detected_on=date(2026, 10, 1 + index), account=text, summary=text,
            group_code=["TG", "QC", "TE", "DD", "KH"][index],
            platform_code=["FB", "TT", "FB", "YT", "ZL"][index],
            offender_name="Lê Văn Tám" if index % 2 else None,
        ), today=TODAY)
        if index % 2:  # a decision needs an identified offender, a fine a biên bản first
            events.add_event(db, officer, detail.id, EventInput("BB", date(2026, 10, 9)),
                             today=TODAY)
            events.add_event(db, officer, detail.id, EventInput(
                "XP", date(2026, 10, 10), sanction_form=SanctionForm.FINE,
                fine_amount=1_250_000 * (index + 1)), today=TODAY)
    # Last in the list: a case with a child shows its account only as the platform.
    cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 20), group_code="TE", summary="Clip em Nguyễn Văn An",
        children=(ChildInput("Nguyễn Văn An", birth_year=2014),)), today=TODAY)
    cases.create_case(db, officer, make_case(detected_on=date(2026, 9, 20)), today=TODAY)
    return compute_figures(db, OCTOBER)


def _expected(figures: ReportFigures) -> dict[str, list[list[object]]]:
    """Every form's rows and total as the workbook must hold them."""
    return {form.sheet: [list(row) for row in form.rows]
            + ([list(form.total)] if form.total else []) for form in all_forms(figures)}


def test_sheets_headers_cells_and_print_setup(db: Database, officer: Actor,
                                              figures: ReportFigures, tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.xlsx"
    export_report(db, officer, OCTOBER, Targets(xlsx=target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == SHEETS
    office = load_office(db)
    for form, sheet in zip(all_forms(figures), book.worksheets, strict=True):
        assert sheet["A2"].value == office.unit_name or not office.unit_name
        assert sheet["A3"].value == form.title
        assert sheet["A4"].value == "Tháng 10/2026"
        assert [c.value for c in sheet[6]] == [c.header for c in form.columns]
        assert all(c.font.b and c.alignment.wrap_text and c.border.left.style == "thin"
                   for c in sheet[6])
        # The headers and the row of their numbers stay in view and print on every page.
        assert [c.value for c in sheet[7]] == list(range(1, len(form.columns) + 1))
        assert sheet.freeze_panes == "A8"
        assert sheet.print_title_rows == "$6:$7"
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # One page wide (1, the default, is left out of the file), as many as needed down.
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        expected = _expected(figures)[form.sheet]
        rows = [[c.value for c in row] for row in
                sheet.iter_rows(min_row=8, max_row=7 + len(expected))]
        assert [[v.date() if isinstance(v, datetime) else v for v in row] for row in rows] == [
            [v if v != "" else None for v in row] for row in expected]
        for row in sheet.iter_rows(min_row=6):
            for cell in row:
                assert cell.data_type != "f"  # totals are values, user text is text
                assert cell.value is None or cell.font.name == "Times New Roman"
    summary, _platforms, listing = book.worksheets
    assert summary.cell(row=14, column=2).value == "Tổng cộng"
    assert summary.cell(row=14, column=8).value == 1_250_000 * (2 + 4)
    assert summary.cell(row=14, column=8).number_format == "#,##0"
    first = listing.cell(row=8, column=3)
    assert first.is_date and first.number_format == "dd/mm/yyyy"
    texts = [listing.cell(row=r, column=5) for r in range(8, 13)]
    assert [c.value for c in texts] == FORMULA_LIKE
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    # Excel does not fit rows to wrapped text when it opens a file: each row says its height.
    # The fined cases' are the tallest: the biên bản and the decision wrap over four lines.
    heights = [listing.row_dimensions[r].height for r in range(8, 13)]
    assert all(h is not None and h >= LINE_POINTS for h in heights)
    assert heights[1] == heights[3] == 4 * LINE_POINTS + 3 == max(heights) > min(heights)
    with db.read() as session:
        logged = audit.entries(session, limit=1)[0]
    assert (logged.action, logged.username, logged.detail["period"]) == (
        "report", "canbo", "Tháng 10/2026")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_same_figures_and_user_text_as_typed(
        db: Database, figures: ReportFigures, tmp_path: Path) -> None:
    target = tmp_path / "bc.xlsx"
    write_workbook(figures, load_office(db), target)
    out = tmp_path / "csv"
    # One CSV per sheet, cells as shown (dates dd/mm/yyyy); a private profile so that
    # a LibreOffice already running elsewhere does not take the job.
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,"
                         "false,false,-1", "--outdir", str(out), str(target)],
        check=True, capture_output=True, timeout=180)
    expected = _expected(figures)
    for sheet in SHEETS:
        with (out / f"bc-{sheet}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))[7:7 + len(expected[sheet])]
        assert [[_as_text(v) for v in row] for row in expected[sheet]] == [
            [_plain(v) for v in row[:len(expected[sheet][0])]] for row in rows]
    with (out / "bc-Danh sách vụ việc.csv").open(encoding="utf-8") as handle:
        listing = list(csv.reader(handle))[7:]
    assert [row[4] for row in listing[:5]] == FORMULA_LIKE


def _as_text(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def _plain(shown: str) -> str:
    """A number as LibreOffice shows it with `#,##0` (either separator), back to digits."""
    digits = shown.replace(",", "").replace(".", "")
    return digits if digits.isdigit() else shown


def test_a_cancelled_export_leaves_nothing_behind(db: Database, figures: ReportFigures,
                                                  tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    out = tmp_path / "out"
    with pytest.raises(Cancelled):
        write_workbook(figures, load_office(db), out / "bc.xlsx", token=token,
                       progress=lambda done, total: None)
    assert not out.exists() or list(out.iterdir()) == []


def test_a_cell_holds_at_most_excels_limit_of_text(tmp_path: Path) -> None:
    target = tmp_path / "dai.xlsx"
    with writing(target) as book:
        book.sheet("Trang").append(["ạ" * 40_000, "\x1b" + "b" * 32_767], [None, None])
    with CalamineWorkbook.from_path(str(target)) as read:
        [row] = read.get_sheet_by_index(0).to_python()
    assert row == ["ạ" * 32_767, "b" * 32_767]


def test_the_streamed_workbook_is_xlsxwriters_own_byte_for_byte(
        db: Database, figures: ReportFigures, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The program's sheets forget each row's height once the row is written (a year's
    workbook held it for every row): the file is the one XlsxWriter's own worksheet writes,
    every part alike but the time it was made, over a case list of rows of many heights."""
    lines = [dataclasses.replace(line, code=f"{line.code}-{n}", summary="dòng\n" * (n % 7)
                                 + line.summary)
             for n in range(40) for line in figures.cases]
    many = dataclasses.replace(figures, cases=tuple(lines))
    office = load_office(db)
    ours, stock = tmp_path / "ours.xlsx", tmp_path / "stock.xlsx"
    write_workbook(many, office, ours)
    monkeypatch.setattr(spreadsheet, "_StreamedWorksheet", Worksheet)
    write_workbook(many, office, stock)
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(stock) as b:
        assert a.namelist() == b.namelist()
        # docProps/core.xml says when the file was made, to the second.
        assert [n for n in a.namelist()
                if n != "docProps/core.xml" and a.read(n) != b.read(n)] == []
    listing = openpyxl.load_workbook(ours)["Danh sách vụ việc"]
    heights = {listing.row_dimensions[r].height for r in range(8, 8 + len(lines))}
    assert len(heights) == 7 and None not in heights


def test_a_streamed_sheet_keeps_no_row_it_has_written(tmp_path: Path) -> None:
    with writing(tmp_path / "dai.xlsx") as book:
        sheet = book.sheet("Trang")
        for n in range(1_000):
            sheet.append([n, "chữ"], [None, None], height=LINE_POINTS * (1 + n % 3))
        written = sheet._sheet  # XlsxWriter's worksheet: the rows it still holds
        assert len(written.row_info) <= 1 and len(written.row_sizes) <= 1
