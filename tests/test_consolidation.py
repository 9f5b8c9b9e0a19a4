"""The province's consolidated report (shared/spec/exchange.md, "Consolidated report"): the
packages of real registers added up cell by cell, `Theo đơn vị`, form 03 with its unit, the
check before writing, and the files read back."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from app.db import Database
from app.domain.case import ChildInput
from app.domain.consolidation import (
    BY_UNIT_SHEET,
    NOT_SENT,
    Consolidation,
    UnitLine,
    check_consolidation,
    consolidate,
    consolidated_forms,
)
from app.domain.events import EventInput
from app.domain.exchange import ReportPackage
from app.domain.labels import ClosingResult, SanctionForm
from app.domain.periods import Period
from app.domain.report import Counts, FiguresInconsistent, Line, ReportFigures
from app.domain.report_forms import COUNT_COLUMNS, Form, form_01, form_02, form_03
from app.domain.units import Unit
from app.domain.vocabulary import Vocabulary
from app.errors import NotAllowed, UserError
from app.progress import Cancelled
from app.reports import docx_report
from app.reports.narrative import draft_consolidated
from app.services import audit, cases, events, settings, unit_keys, vocabulary
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.consolidation import consolidation_of, write_consolidated
from app.services.report_export import Targets
from app.services.report_figures import compute_figures
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
SEPTEMBER = Period.month(2026, 9)
MINH_TAN = Unit("00004", "Xã Minh Tân")
BINH_AN = Unit("00007", "Xã Bình An")
CAT_LAM = Unit("00010", "Phường Cát Lâm")
UNITS = (CAT_LAM, MINH_TAN, BINH_AN)  # registered in no particular order
SHEETS = ["Tổng hợp", "Theo nền tảng", BY_UNIT_SHEET, "Danh sách vụ việc"]
COUNT_HEADERS = [c.header for c in COUNT_COLUMNS.values()]
FORM03_HEADERS = ["STT", "Mã vụ việc", "Ngày phát hiện", "Nền tảng", "Tài khoản, kênh",
                  "Đường dẫn", "Nhóm hành vi vi phạm", "Tóm tắt nội dung", "Đối tượng",
                  "Kết quả xử lý", "Số tiền phạt (đồng)", "Tình trạng"]


def _package(unit: Unit, figures: ReportFigures, version: int = 1) -> ReportPackage:
    return ReportPackage(unit, figures.period, "12/BC-VHXH", version, date(2026, 11, 3),
                         figures, "1.0")


def _fined(db: Database, officer: Actor, day: date, amount: int, **fields: object) -> None:
    detail = cases.create_case(db, officer, make_case(
        detected_on=day, offender_name="Lê Văn Tám", **fields), today=TODAY)
    events.add_event(db, officer, detail.id, EventInput("BB", day), today=TODAY)
    events.add_event(db, officer, detail.id, EventInput(
        "XP", day, sanction_form=SanctionForm.FINE, fine_amount=amount), today=TODAY)


@pytest.fixture
def reports(db: Database, officer: Actor) -> tuple[ReportFigures, ReportFigures]:
    """Two communes' reports of October from a register as it grows: Minh Tân's before the
    last cases were recorded, Bình An's after (a carried-in case, a fine, a removal, a
    child, a closing, another platform)."""
    cases.create_case(db, officer, make_case(detected_on=date(2026, 10, 2)), today=TODAY)
    _fined(db, officer, date(2026, 10, 6), 7_500_000, group_code="DD", platform_code="TT")
    first = compute_figures(db, OCTOBER)
    old = cases.create_case(db, officer, make_case(detected_on=date(2026, 9, 20),
                                                    platform_code="YT"), today=TODAY)
    events.add_event(db, officer, old.id, EventInput("GB", date(2026, 10, 8)), today=TODAY)
    events.add_event(db, officer, old.id, EventInput(
        "KT", date(2026, 10, 9), closing_result=ClosingResult.HANDLED), today=TODAY)
    cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 20), group_code="TE", summary="Clip em Nguyễn Văn An",
        children=(ChildInput("Nguyễn Văn An", birth_year=2014),)), today=TODAY)
    _fined(db, officer, date(2026, 10, 25), 2_000_000, group_code="QC", platform_code="ZL")
    return first, compute_figures(db, OCTOBER)


@pytest.fixture
def consolidation(db: Database, reports: tuple[ReportFigures, ReportFigures]) -> Consolidation:
    minh_tan, binh_an = reports
    return consolidate(OCTOBER, UNITS, [_package(BINH_AN, binh_an),
                                        _package(MINH_TAN, minh_tan)], vocabulary.load(db))


def _numbers(row: tuple[object, ...]) -> list[object]:
    return [v for v in row if isinstance(v, int)]


def _rows_by_label(form: Form) -> dict[object, tuple[object, ...]]:
    return {row[1]: row for row in form.rows}


def test_forms_01_and_02_are_the_sums_of_the_packages_cell_by_cell(
        consolidation: Consolidation, reports: tuple[ReportFigures, ReportFigures]) -> None:
    for form in (form_01, form_02):
        mine = form(consolidation.figures.summary)
        theirs = [form(f.summary) for f in reports]
        labels = {label for f in theirs for label in _rows_by_label(f)}
        assert set(_rows_by_label(mine)) == labels
        width = len(mine.columns) - 2
        for label, row in _rows_by_label(mine).items():
            cells = [_rows_by_label(f).get(label, (None, None, *[0] * width))[2:]
                     for f in theirs]
            assert list(row[2:]) == [sum(column) for column in zip(*cells, strict=True)], label
        assert mine.total is not None
        assert list(mine.total[2:]) == [sum(cells) for cells in zip(
            *(f.total[2:] for f in theirs if f.total), strict=True)]
    # The figures are real: every column of form 01 has something to add up.
    assert all(getattr(consolidation.figures.summary.total, f) for f in
               ("carried_in", "detected", "removed", "sanctioned", "fines", "closed",
                "carried_out", "children"))
    assert [line.code for line in consolidation.figures.summary.groups] == [
        "TE", "DD", "TG", "PC", "QC", "KH"]


def test_by_unit_has_every_registered_unit_in_code_order_adding_up_to_the_total(
        consolidation: Consolidation, reports: tuple[ReportFigures, ReportFigures]) -> None:
    minh_tan, binh_an = reports
    form = consolidated_forms(consolidation).tables[2]
    assert form.sheet == BY_UNIT_SHEET
    assert [c.header for c in form.columns] == ["STT", "Mã đơn vị", "Đơn vị", *COUNT_HEADERS]
    assert [row[:3] for row in form.rows] == [
        (1, "00004", "Xã Minh Tân"), (2, "00007", "Xã Bình An"),
        (3, "00010", f"Phường Cát Lâm ({NOT_SENT})")]
    fields = list(COUNT_COLUMNS)
    assert list(form.rows[0][3:]) == [getattr(minh_tan.summary.total, f) for f in fields]
    assert list(form.rows[1][3:]) == [getattr(binh_an.summary.total, f) for f in fields]
    assert list(form.rows[2][3:]) == [0] * len(fields)
    assert form.total is not None
    assert form.total[2] == "Tổng cộng"
    assert list(form.total[3:]) == [sum(cells) for cells in zip(
        *(row[3:] for row in form.rows), strict=True)]
    assert list(form.total[3:]) == [getattr(consolidation.figures.summary.total, f)
                                    for f in fields]
    assert consolidation.missing == (CAT_LAM,)
    assert "Phường Cát Lâm (00010)" in form.note


def test_form_03_holds_every_units_rows_with_the_unit_after_stt(
        consolidation: Consolidation, reports: tuple[ReportFigures, ReportFigures]) -> None:
    form = consolidated_forms(consolidation).annex
    assert [c.header for c in form.columns] == ["STT", "Đơn vị", *FORM03_HEADERS[1:]]
    expected = [(MINH_TAN.name, row) for row in form_03(reports[0]).rows] + [
        (BINH_AN.name, row) for row in form_03(reports[1]).rows]
    assert [(row[1], row[2:]) for row in form.rows] == [
        (unit, row[1:]) for unit, row in expected]
    assert [row[0] for row in form.rows] == list(range(1, len(expected) + 1))
    assert not any("Nguyễn Văn An" in str(cell) for row in form.rows for cell in row)


def test_nothing_sent_shows_every_unit_with_zeros(db: Database) -> None:
    consolidation = consolidate(OCTOBER, UNITS, [], vocabulary.load(db))
    forms = consolidated_forms(consolidation)
    assert len(forms.tables[0].rows) == 6
    assert all(_numbers(row[1:]) == [0] * 11 for row in forms.tables[2].rows)
    assert all(NOT_SENT in str(row[2]) for row in forms.tables[2].rows)
    assert forms.annex.rows == []


def test_a_package_of_another_period_or_unit_or_a_doctored_one_is_refused(
        db: Database, reports: tuple[ReportFigures, ReportFigures]) -> None:
    minh_tan, _ = reports
    vocab = vocabulary.load(db)
    september = dataclasses.replace(_package(MINH_TAN, minh_tan), period=SEPTEMBER)
    with pytest.raises(UserError, match="tháng 9/2026, không phải tháng 10/2026"):
        consolidate(OCTOBER, UNITS, [september], vocab)
    with pytest.raises(UserError, match=r"Xã Lạ \(00013\).*chưa được đăng ký"):
        consolidate(OCTOBER, UNITS, [_package(Unit("00013", "Xã Lạ"), minh_tan)], vocab)
    with pytest.raises(UserError, match="Có hai báo cáo"):
        consolidate(OCTOBER, UNITS, [_package(MINH_TAN, minh_tan),
                                     _package(MINH_TAN, minh_tan, 2)], vocab)
    # One more case at the end of the period than the other columns account for.
    summary = minh_tan.summary
    line = summary.groups[2]
    doctored = dataclasses.replace(minh_tan, summary=dataclasses.replace(summary, groups=(
        *summary.groups[:2],
        Line(line.code, line.label, dataclasses.replace(
            line.counts, carried_out=line.counts.carried_out + 1)),
        *summary.groups[3:])))
    with pytest.raises(FiguresInconsistent, match=r"Xã Minh Tân \(00004\).*tồn cuối kỳ"):
        consolidate(OCTOBER, UNITS, [_package(MINH_TAN, doctored)], vocab)


def test_the_check_refuses_tables_that_do_not_add_up_to_the_packages(
        consolidation: Consolidation) -> None:
    packages = consolidation.packages
    check_consolidation(consolidation, packages)
    # A unit's row that is not its package's total.
    lines = list(consolidation.units)
    lines[2] = UnitLine(CAT_LAM, consolidation.units[0].package)
    with pytest.raises(FiguresInconsistent, match=r"Theo đơn vị.*Phường Cát Lâm"):
        check_consolidation(dataclasses.replace(consolidation, units=tuple(lines)), packages)
    # A group's figure that is not the sum of the packages'.
    summary = consolidation.figures.summary
    first = summary.groups[0]
    wrong = dataclasses.replace(summary, groups=(
        Line(first.code, first.label, first.counts + Counts(detected=1, carried_out=1)),
        *summary.groups[1:]))
    with pytest.raises(FiguresInconsistent, match=r"Biểu số 01.*Phát hiện trong kỳ"):
        check_consolidation(dataclasses.replace(
            consolidation, figures=dataclasses.replace(consolidation.figures, summary=wrong)),
            packages)
    # A package left out of the sums.
    with pytest.raises(FiguresInconsistent,
                       match=r"«Số tiền phạt \(đồng\)» 7\.500\.000 thay vì 15\.000\.000"):
        check_consolidation(consolidate(OCTOBER, UNITS, packages[1:], Vocabulary({})),
                            packages)
    # A case left out of form 03.
    figures = dataclasses.replace(consolidation.figures, cases=consolidation.figures.cases[1:])
    with pytest.raises(FiguresInconsistent, match="Danh sách vụ việc"):
        check_consolidation(dataclasses.replace(consolidation, figures=figures), packages)


# --- the files -------------------------------------------------------------------------------


@pytest.fixture
def province(db: Database, admin: Actor, tmp_path: Path) -> Actor:
    """The province's folder with the three communes registered (their key files made by
    this folder under each commune's code, then registered once it is the province's)."""
    office = settings.load_office(db)
    for unit in UNITS:
        settings.save_office(db, admin, dataclasses.replace(
            office, unit_code=unit.code, unit_title=unit.name))
        unit_keys.write_unit_key(db, admin, tmp_path / f"{unit.code}.svpkey")
    settings.save_office(db, admin, dataclasses.replace(
        office, unit_code="01", unit_title="Tỉnh Lâm Thịnh",
        managing_body="ỦY BAN NHÂN DÂN\nTỈNH LÂM THỊNH",
        unit_name="SỞ VĂN HÓA, THỂ THAO\nVÀ DU LỊCH",
        unit_in_sentence="Sở Văn hóa, Thể thao và Du lịch", unit_symbol="BC-SVHTTDL",
        unit_signer=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), unit_signer_name="Trần Văn Sở",
        place_name="Lâm Thịnh", recipients=("Bộ Văn hóa, Thể thao và Du lịch", "Lưu: VT")))
    for unit in UNITS:
        unit_keys.trust_unit(db, admin, tmp_path / f"{unit.code}.svpkey")
    return admin


def _targets(folder: Path) -> Targets:
    return Targets(xlsx=folder / "tong-hop.xlsx", pdf=folder / "tong-hop.pdf",
                   docx=folder / "tong-hop.docx")


def test_the_workbook_pdf_and_word_file_under_the_provinces_header(
        db: Database, province: Actor, reports: tuple[ReportFigures, ReportFigures],
        tmp_path: Path) -> None:
    minh_tan, binh_an = reports
    out = tmp_path / "out"
    targets = _targets(out)
    result = write_consolidated(db, province, OCTOBER, [
        _package(MINH_TAN, minh_tan), _package(BINH_AN, binh_an)], targets)
    forms = consolidated_forms(result)

    book = openpyxl.load_workbook(targets.xlsx)  # type: ignore[arg-type]
    assert book.sheetnames == SHEETS
    headers = {
        "Tổng hợp": ["STT", "Nhóm hành vi vi phạm", *COUNT_HEADERS],
        "Theo nền tảng": ["STT", "Nền tảng", "Phát hiện trong kỳ", "Đã gỡ bỏ",
                          "Xử phạt VPHC (số vụ)", "Số tiền phạt (đồng)"],
        BY_UNIT_SHEET: ["STT", "Mã đơn vị", "Đơn vị", *COUNT_HEADERS],
        "Danh sách vụ việc": ["STT", "Đơn vị", *FORM03_HEADERS[1:]],
    }
    for form, sheet in zip(forms.sheets, book.worksheets, strict=True):
        assert sheet["A1"].value == "ỦY BAN NHÂN DÂN\nTỈNH LÂM THỊNH"
        assert sheet["A2"].value == "SỞ VĂN HÓA, THỂ THAO\nVÀ DU LỊCH"
        assert sheet["A4"].value == "Tháng 10/2026"
        assert [c.value for c in sheet[6]] == headers[sheet.title]
        body = [[c.date() if isinstance(c, datetime) else c for c in row]
                for row in sheet.iter_rows(min_row=8, values_only=True,
                                           max_row=7 + len(form.rows) + bool(form.total))]
        # An empty text reads back as an empty cell.
        assert body == [[None if cell == "" else cell for cell in row]
                        for row in (*form.rows, *([form.total] if form.total else []))]
    by_unit = book[BY_UNIT_SHEET]
    assert by_unit["C10"].value == f"Phường Cát Lâm ({NOT_SENT})"
    assert [c.value for c in by_unit[11]][2] == "Tổng cộng"
    assert by_unit["A12"].value == "Đơn vị chưa gửi báo cáo (1/3): Phường Cát Lâm (00010)."
    assert book["Tổng hợp"]["A15"].value == by_unit["A12"].value  # under the sums too

    text = " ".join(subprocess.run(["pdftotext", str(targets.pdf), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    for words in ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "/BC-SVHTTDL",
                  "Đã nhận báo cáo của 2/3 đơn vị", "Phường Cát Lâm (00010)",
                  "THEO ĐƠN VỊ", "Xã Bình An", "KT. GIÁM ĐỐC", "Trần Văn Sở"):
        assert words in text, words
    assert "Nguyễn Văn An" not in text

    word = Document(str(targets.docx))
    tables = {tuple(cell.text for cell in table.rows[0].cells): table for table in word.tables}
    by_unit_table = tables[tuple(headers[BY_UNIT_SHEET])]
    assert [row.cells[2].text for row in by_unit_table.rows[1:]] == [
        "Xã Minh Tân", "Xã Bình An", f"Phường Cát Lâm ({NOT_SENT})", "Tổng cộng"]
    # The list of cases is left to the workbook and the PDF, said where it stands.
    assert tuple(headers["Danh sách vụ việc"]) not in tables
    paragraphs = ["".join(p.itertext()) for p in word.element.iter(qn("w:p"))]
    assert any(p.startswith("Danh sách 7 vụ việc của các đơn vị: xem trang «Danh sách vụ "
                            "việc» của tệp Excel") for p in paragraphs)

    with db.read() as session:
        [logged] = audit.entries(session, action=AuditAction.REPORT)
    assert logged.entity == "consolidated_report"
    assert (logged.detail["units"], logged.detail["missing"]) == (["00004 v1", "00007 v1"],
                                                                  ["00010"])


def test_a_cancel_or_a_refusal_leaves_no_file(
        db: Database, province: Actor, reports: tuple[ReportFigures, ReportFigures],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    minh_tan, binh_an = reports
    out = tmp_path / "out"
    out.mkdir()
    packages = [_package(MINH_TAN, minh_tan), _package(BINH_AN, binh_an)]

    def cancelled(*args: object, **kwargs: object) -> None:
        raise Cancelled

    # Cancelled in the Word file, the last one: the workbook and the PDF are written by then.
    monkeypatch.setattr(docx_report, "write_docx", cancelled)
    with pytest.raises(Cancelled):
        write_consolidated(db, province, OCTOBER, packages, _targets(out))
    assert list(out.iterdir()) == []
    stranger = _package(Unit("00013", "Xã Lạ"), minh_tan)
    with pytest.raises(UserError, match="chưa được đăng ký"):
        write_consolidated(db, province, OCTOBER, [stranger], _targets(out))
    assert list(out.iterdir()) == []


def test_only_who_may_report_consolidates(db: Database, province: Actor, viewer: Actor,
                                          reports: tuple[ReportFigures, ReportFigures],
                                          tmp_path: Path) -> None:
    with pytest.raises(NotAllowed):
        consolidation_of(db, viewer, OCTOBER, [])
    with pytest.raises(NotAllowed):
        write_consolidated(db, viewer, OCTOBER, [], _targets(tmp_path))
    assert list(tmp_path.glob("tong-hop*")) == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_consolidated_workbook(
        db: Database, province: Actor, reports: tuple[ReportFigures, ReportFigures],
        tmp_path: Path) -> None:
    minh_tan, binh_an = reports
    targets = Targets(xlsx=tmp_path / "tong-hop.xlsx")
    write_consolidated(db, province, OCTOBER, [
        _package(MINH_TAN, minh_tan), _package(BINH_AN, binh_an)], targets)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(targets.xlsx)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", str(tmp_path / "tong-hop.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Phường Cát Lâm (chưa gửi)" in " ".join(text.split())


def test_the_drafted_text_says_who_sent_and_the_totals(
        db: Database, reports: tuple[ReportFigures, ReportFigures]) -> None:
    minh_tan, binh_an = reports
    office = settings.load_office(db)
    every = consolidate(OCTOBER, (MINH_TAN, BINH_AN), [
        _package(MINH_TAN, minh_tan), _package(BINH_AN, binh_an)], vocabulary.load(db))
    text = draft_consolidated(every, office)
    assert "Đã nhận báo cáo của 2/2 đơn vị. Tất cả các đơn vị đã gửi báo cáo." in text
    assert "các đơn vị đã phát hiện 6 vụ việc" in text
    assert "- Xử phạt vi phạm hành chính: 3 vụ, tổng số tiền phạt 17.000.000 đồng;" in text
    assert "còn 6 vụ việc đang tiếp tục xử lý" in text
    some = consolidate(OCTOBER, UNITS, [_package(BINH_AN, binh_an)], vocabulary.load(db))
    assert ("Đã nhận báo cáo của 1/3 đơn vị. Đơn vị chưa gửi báo cáo (2/3): Xã Minh Tân "
            "(00004); Phường Cát Lâm (00010).") in draft_consolidated(some, office)
