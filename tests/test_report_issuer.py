"""A report issued by the commune's People's Committee, read back from its files: the header
with the name broken where the office broke it, the addressees of Nghị định 30/2020, the
three-line signer, unit names inside sentences as typed, annexes numbered on their own, and
the workbook's unit line, column numbers and signatures."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from app.db import Database
from app.domain.office import Issuer, OfficeSettings
from app.domain.periods import Period
from app.domain.report import ReportText
from app.domain.report_forms import all_forms
from app.reports import document
from app.reports.narrative import draft
from app.services import cases, settings
from app.services.actor import Actor
from app.services.demo import demo_office
from app.services.report_export import Targets, export_report
from app.services.report_figures import compute_figures
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
ADDRESSEES = ("Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh;", "Công an tỉnh Tây Ninh")


@pytest.fixture
def office(db: Database, admin: Actor) -> OfficeSettings:
    office = dataclasses.replace(demo_office(), issuer=Issuer.COMMITTEE, addressees=ADDRESSEES)
    settings.save_office(db, admin, office)
    return office


@pytest.fixture
def files(db: Database, officer: Actor, office: OfficeSettings,
          tmp_path: Path) -> tuple[Path, Path]:
    # Enough long cases for the annex to take more than one page.
    for day in range(1, 29):
        cases.create_case(db, officer, make_case(
            detected_on=date(2026, 10, day), summary="Đăng tải thông tin sai sự thật về dịch "
            "bệnh, kêu gọi người dân không tiêm chủng, có nhiều lượt chia sẻ và bình luận. " * 3,
        ), today=TODAY)
    figures = compute_figures(db, OCTOBER)
    pdf, xlsx = tmp_path / "bc.pdf", tmp_path / "bc.xlsx"
    export_report(db, officer, OCTOBER, Targets(xlsx=xlsx, pdf=pdf),
                  text=ReportText("12", date(2026, 11, 5), draft(figures, office)))
    return pdf, xlsx


def _pages(pdf: Path) -> list[str]:
    """The text of each page, as pdftotext extracts it."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_narrative_names_the_issuer_as_typed(office: OfficeSettings, db: Database) -> None:
    text = draft(compute_figures(db, OCTOBER), office)
    assert "Ủy ban nhân dân xã Minh Tân báo cáo" in text
    assert text.endswith("tháng 10/2026 của Ủy ban nhân dân xã Minh Tân./.")
    # A heading typed in capitals with no sentence form is not re-cased: the officer sees
    # it in the draft and corrects it there, or types the form for sentences.
    capitals = dataclasses.replace(office, managing_body_in_sentence="")
    assert "ỦY BAN NHÂN DÂN XÃ MINH TÂN báo cáo" in draft(compute_figures(db, OCTOBER),
                                                          capitals)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_is_headed_addressed_and_signed_by_the_committee(
        files: tuple[Path, Path]) -> None:
    pages = _pages(files[0])
    first = _words(pages[0])
    assert first.startswith("ỦY BAN NHÂN DÂN XÃ MINH TÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "PHÒNG VĂN HÓA" not in first  # the committee issues, not its unit
    assert "Số: 12/BC-UBND Minh Tân, ngày 05 tháng 11 năm 2026" in first
    assert ("Kính gửi: - Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh; "
            "- Công an tỉnh Tây Ninh.") in first
    assert ";;" not in first
    assert "Ủy ban nhân dân xã Minh Tân báo cáo kết quả" in first
    report = _words(" ".join(pages[:2]))
    assert ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in report
            and "Nguyễn Văn Bình" in report)
    assert "- Như trên; - Chủ tịch, các PCT UBND xã; - Công an xã; - Lưu: VT, VHXH." in report
    assert ("(Kèm theo Báo cáo số 12/BC-UBND ngày 05/11/2026 của Ủy ban nhân dân xã Minh Tân)"
            in _words(pages[-1] if "Phụ lục" in pages[-1] else " ".join(pages)))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_each_annex_is_numbered_on_its_own(files: tuple[Path, Path]) -> None:
    """Nghị định 30/2020: the number in the top margin from the second page of the report
    and of each annex on."""
    pages = [page.split() for page in _pages(files[0])]
    forms = next(i for i, words in enumerate(pages) if words[:3] == ["Biểu", "số", "01"])
    annex = next(i for i, words in enumerate(pages) if words[:2] == ["Phụ", "lục"])
    assert [words[0] for words in pages[1:forms]] == [str(n) for n in range(2, forms + 1)]
    assert [words[0] for words in pages[forms + 1:annex]] == [
        str(n) for n in range(2, annex - forms + 1)]
    assert len(pages) - annex >= 2, "the annex should take more than one page here"
    assert [words[0] for words in pages[annex + 1:]] == [
        str(n) for n in range(2, len(pages) - annex + 1)]


def test_the_workbook_has_the_units_column_numbers_and_signatures(
        files: tuple[Path, Path], office: OfficeSettings, db: Database) -> None:
    book = openpyxl.load_workbook(files[1])
    for form, sheet in zip(all_forms(compute_figures(db, OCTOBER)), book.worksheets,
                           strict=True):
        count = len(form.columns)
        assert sheet["A1"].value == "ỦY BAN NHÂN DÂN\nXÃ MINH TÂN"  # as typed, lines kept
        assert sheet["A1"].font.b and sheet["A1"].alignment.wrap_text
        assert sheet.cell(row=1, column=count).value == f"Biểu số {form.number}"
        assert [c.value for c in sheet[5] if c.value] == [document.MEASURE_UNITS]
        assert [c.value for c in sheet[6]] == [c.header for c in form.columns]
        assert [c.value for c in sheet[7]] == list(range(1, count + 1))
        last = 7 + len(form.rows) + (form.total is not None)
        assert sheet.cell(row=last, column=2).value is not None  # the last row of the table
        below = [[c.value for c in row if c.value is not None]
                 for row in sheet.iter_rows(min_row=last + 1)]
        assert [values for values in below if values] == [
            [document.PREPARER, document.HEAD_OF_UNIT],
            [document.PREPARER_NOTE, document.HEAD_OF_UNIT_NOTE],
            ["Nguyễn Văn Bình"]]
        # The signer's name under the head of the unit's title, in the same columns.
        head = next(c for row in sheet.iter_rows(min_row=last + 1) for c in row
                    if c.value == document.HEAD_OF_UNIT)
        name = next(c for row in sheet.iter_rows(min_row=last + 1) for c in row
                    if c.value == "Nguyễn Văn Bình")
        assert name.column == head.column > count // 2
