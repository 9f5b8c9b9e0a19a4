"""The PDF report: Vietnamese text extracted intact, every font embedded, no child named."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import SanctionForm, Sex
from app.domain.office import OfficeSettings
from app.domain.periods import Period
from app.domain.report import ReportText
from app.progress import Cancelled, CancelToken
from app.reports import document
from app.reports.narrative import compare, draft, with_end_mark
from app.reports.pdf import write_pdf
from app.services import cases, events, settings
from app.services.actor import Actor
from app.services.demo import demo_office
from app.services.report_export import Targets, export_report
from app.services.report_figures import compute_figures
from app.text import fold
from tests.conftest import TODAY, make_case

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is not installed")
OCTOBER = Period.month(2026, 10)
CHILD = "Nguyễn Thị Ánh Dương"


def _pdftotext(path: Path, *pages: int) -> str:
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    result = subprocess.run(["pdftotext", *first_last, str(path), "-"], check=True,
                            capture_output=True, text=True)
    return result.stdout


@pytest.fixture
def office(db: Database, admin: Actor) -> OfficeSettings:
    office = demo_office()
    settings.save_office(db, admin, office)
    return office


@pytest.fixture
def report(db: Database, officer: Actor, office: OfficeSettings,
           tmp_path: Path) -> Path:
    detail = cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 3), group_code="TE", platform_code="TT",
        summary=f"Phát trực tiếp cảnh bạo hành cháu {unicodedata.normalize('NFD', CHILD)}, "
                "không che mặt.",
        children=(ChildInput(CHILD, birth_year=2016, sex=Sex.FEMALE),)), today=TODAY)
    events.add_event(db, officer, detail.id, EventInput("GB", date(2026, 10, 4)), today=TODAY)
    fined = cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 8), offender_name="Trần Văn Hùng"), today=TODAY)
    events.add_event(db, officer, fined.id, EventInput("BB", date(2026, 10, 8)), today=TODAY)
    events.add_event(db, officer, fined.id, EventInput(
        "XP", date(2026, 10, 9), document_number="15/QĐ-XPHC",
        sanction_form=SanctionForm.FINE, fine_amount=7_500_000), today=TODAY)
    figures = compute_figures(db, OCTOBER)
    narrative = (draft(figures, office)
                 + f"\nĐã phối hợp với gia đình em {fold(CHILD).upper()} để bảo vệ em.")
    target = tmp_path / "out" / "bao-cao.pdf"
    export_report(db, officer, OCTOBER, Targets(pdf=target),
                  text=ReportText("07", date(2026, 11, 5), narrative))
    return target


def test_vietnamese_text_comes_out_intact(report: Path) -> None:
    text = " ".join(_pdftotext(report).split())
    assert unicodedata.is_normalized("NFC", text)
    for expected in [
        "ỦY BAN NHÂN DÂN XÃ MINH TÂN", "PHÒNG VĂN HÓA - XÃ HỘI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Số: 07/BC-VHXH",
        "Minh Tân, ngày 05 tháng 11 năm 2026", "BÁO CÁO",
        "Kết quả phát hiện, xử lý thông tin vi phạm trên mạng xã hội tháng 10/2026",
        "Kính gửi: Sở Văn hóa, Thể thao và Du lịch tỉnh.",
        "I. KẾT QUẢ PHÁT HIỆN", "đã phát hiện 2 vụ việc có thông tin vi phạm trên mạng xã hội",
        "tổng số tiền phạt 7.500.000 đồng", "để bảo vệ em./.", "Nơi nhận:", "- Như trên;",
        "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "Trần Văn Minh", "Biểu số 01",
        "TỔNG HỢP KẾT QUẢ PHÁT HIỆN, XỬ LÝ THÔNG TIN VI PHẠM TRÊN MẠNG XÃ HỘI", "Phụ lục",
        "(Kèm theo Báo cáo số 07/BC-VHXH ngày 05/11/2026 của Phòng Văn hóa - Xã hội)",
        "Trong đó: chưa xác định được đối tượng", "Xâm phạm quyền trẻ em",
        "Tóm tắt nội dung", "Kết quả xử lý",  # form 03's header, drawn as a PDF form
        "Trẻ em bị ảnh hưởng: N.T.Á.D., 9 tuổi,", "N.T.Á.D., không che mặt.",
        "gia đình em N.T.Á.D. để bảo vệ em",
    ]:
        assert expected in text
    assert fold(CHILD) not in fold(text)


def test_every_font_is_embedded(report: Path) -> None:
    lines = subprocess.run(["pdffonts", str(report)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert lines, "no font listed"
    for line in lines:
        name, emb = line.split()[0], line.split()[-5]
        assert name.split("+")[-1].startswith("LiberationSerif") and emb == "yes", line


def test_page_numbers_start_on_page_two(report: Path) -> None:
    assert _pdftotext(report, 1).split()[0] == "ỦY"
    assert _pdftotext(report, 2).split()[0] == "2"


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
    (date(2026, 1, 31), "ngày 31 tháng 01 năm 2026"),
    (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
    (date(2026, 12, 10), "ngày 10 tháng 12 năm 2026"),
])
def test_place_and_date_line_follows_the_leading_zero_rule(day: date, expected: str) -> None:
    office = OfficeSettings(place_name="Minh Tân")
    assert document.place_date(office, day) == f"Minh Tân, {expected}"


def test_text_ends_with_the_end_mark_once() -> None:
    assert with_end_mark("Xong.") == "Xong./."
    assert with_end_mark("Xong") == "Xong./."
    assert with_end_mark("Xong./.\n") == "Xong./."


def test_a_cancelled_pdf_leaves_nothing_behind(db: Database, office: OfficeSettings,
                                               tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    figures = compute_figures(db, OCTOBER)
    with pytest.raises(Cancelled):
        write_pdf(figures, office, ReportText("", TODAY, draft(figures, office)),
                  tmp_path / "out" / "bc.pdf", token=token)
    assert list((tmp_path / "out").iterdir()) == []


def test_narrative_compares_with_the_previous_period() -> None:
    before = Period.month(2026, 9)
    assert compare(169, 134, before) == "tăng 35 vụ (26,1%) so với tháng 9/2026"
    assert compare(0, 3, before) == "giảm 3 vụ (100%) so với tháng 9/2026"
    assert compare(5, 0, before) == "tăng 5 vụ so với tháng 9/2026"  # nothing divided by 0
    assert compare(4, 4, before) == "bằng tháng 9/2026"
    assert compare(12, 4, before) == "tăng 8 vụ (gấp 3 lần) so với tháng 9/2026"
    assert compare(12_500_000, 10_000_000, before, money=True) == (
        "tăng 2.500.000 đồng (25%) so với tháng 9/2026")
    # A cut-off period compared with is named without its dates.
    assert compare(3, 4, Period.month(2026, 9, cut_off=True)) == (
        "giảm 1 vụ (25%) so với tháng 9/2026")
