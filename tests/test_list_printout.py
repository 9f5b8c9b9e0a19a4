"""The list printout: landscape A4 pages holding a working number of cases, a code never
broken, long texts cut (their full text is in the Excel export), header and page numbers on
every page; saved as a PDF with its audit row, or nothing."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from app.db import Database
from app.progress import Cancelled, CancelToken
from app.reports.case_list_pdf import (
    MARGINS,
    ListPrintout,
    PrintColumn,
    case_list_pdf,
    column_widths,
)
from app.reports.official import LANDSCAPE
from app.services import audit, cases, demo, settings
from app.services.actor import Actor
from app.services.case_list import DEFAULT_VISIBLE, LIST_COLUMNS
from app.services.list_export import list_printout, save_list_printout
from app.services.search import CaseQuery, search_case_ids
from tests.conftest import TODAY, make_case

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is not installed")
SHOWN = [c for c in LIST_COLUMNS if c.key in DEFAULT_VISIBLE]


def _pages(pdf: bytes) -> list[str]:
    """The text of each page."""
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return text.split("\f")[:-1]


def _long_codes(db: Database, admin: Actor, pattern: str) -> None:
    settings.save_office(db, admin, dataclasses.replace(demo.demo_office(),
                                                        case_code_pattern=pattern))


def test_483_cases_print_on_23_landscape_pages_of_at_least_20_cases(
        db: Database, admin: Actor, officer: Actor) -> None:
    demo.add_demo_cases(db, admin, 483, today=TODAY)
    ids = search_case_ids(db, CaseQuery())
    pdf = list_printout(db, officer, ids, SHOWN)
    pages = _pages(pdf)
    codes_per_page = [len(re.findall(r"\bVV20\d\d-\d{5}\b", page)) for page in pages]
    assert sum(codes_per_page) == 483
    assert len(pages) == 23  # the HTML printout took 108 pages
    assert min(codes_per_page[:-1]) >= 20
    for number, page in enumerate(pages, 1):
        assert "Mã vụ việc" in page and "Tóm tắt nội dung" in page  # the header, repeated
        assert f"Trang {number}/{len(pages)}" in page
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert "841.89 x 595.276 pts (A4)" in info  # landscape


def test_a_case_code_is_never_broken_and_long_texts_are_cut_inside_their_column(
        db: Database, admin: Actor, officer: Actor) -> None:
    _long_codes(db, admin, "UBND-PHUONG-TAN-PHU-{year}-{seq:06d}")
    summary = "Đăng tin sai sự thật " + "về việc bắt cóc trẻ em tại chợ " * 20 + "KẾT THÚC"
    url = "https://www.facebook.com/" + "a" * 300
    created = [cases.create_case(db, officer, make_case(summary=summary, url=url),
                                 today=TODAY) for _ in range(3)]
    ids = [c.id for c in created]
    every = list(LIST_COLUMNS)  # the widest list: every column shown
    text = "\n".join(_pages(list_printout(db, officer, ids, every)))
    for case in created:
        assert case.code.startswith("UBND-PHUONG-TAN-PHU-2026-")
        assert case.code in text  # on one line, never wrapped
    assert "KẾT THÚC" not in text and "…" in text  # cut; the full text is in Excel
    assert "a" * 300 not in text  # the link broken inside its column, then cut


def test_column_widths_fill_the_page_and_keep_an_unbroken_column_whole() -> None:
    room = LANDSCAPE[0] - MARGINS[1] - MARGINS[3]
    columns = [PrintColumn("Mã vụ việc", 120, unbroken=True), PrintColumn("Tình trạng", 95),
               PrintColumn("Tóm tắt nội dung", 330)]
    rows = [["UBND-PHUONG-TAN-PHU-2026-000001", "Đang xử lý", "Tin giả " * 80]]
    widths = column_widths(columns, rows, room)
    code_width = widths[0]
    assert code_width > 140  # as wide as the code (a shorter one would wrap it)
    assert widths[1] < 70  # only as wide as its widest text
    assert sum(widths) == pytest.approx(room)  # the summary takes what is left


def test_a_printout_over_the_limit_says_where_the_rest_is(db: Database,
                                                          officer: Actor) -> None:
    ids = [cases.create_case(db, officer, make_case(), today=TODAY).id for _ in range(5)]
    first = "\n".join(_pages(list_printout(db, officer, ids, SHOWN, limit=3)))
    assert "3 vụ việc đầu trong tổng số 5 vụ việc" in first and "xuất ra Excel" in first
    assert len(re.findall(r"VV2026-\d{5}", first)) == 3
    with db.read() as session:
        printed = audit.entries(session, action="export")
    assert [e.detail for e in printed] == [{"kind": "case_list_print", "cases": 3}]


def test_the_list_saved_as_pdf_is_the_printout_with_its_audit_row_or_nothing(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    ids = [cases.create_case(db, officer, make_case(), today=TODAY).id for _ in range(2)]
    out = tmp_path / "ra"
    target = out / "danh sách.pdf"
    assert save_list_printout(db, officer, target, ids, SHOWN) == 2
    saved = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "DANH SÁCH VỤ VIỆC" in saved and "Trang 1/1" in saved
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        save_list_printout(db, officer, out / "huy.pdf", ids, SHOWN, token=token)
    assert [p.name for p in out.iterdir()] == ["danh sách.pdf"]
    with db.read() as session:
        logged = audit.entries(session, action="export")
    assert [e.detail for e in logged] == [
        {"kind": "case_list_pdf", "cases": 2, "file": "danh sách.pdf"}]


def test_the_first_page_says_what_was_printed_when_and_by_whom() -> None:
    printout = ListPrintout(columns=(PrintColumn("Mã vụ việc", 120, unbroken=True),),
                            rows=[["VV2026-00001"]], total=1,
                            printed_at=datetime(2026, 11, 20, 9, 5), printed_by="Trần Văn Bình",
                            unit_name="UBND xã Tân Phú")
    page = _pages(case_list_pdf(printout))[0]
    assert "UBND xã Tân Phú; 1 vụ việc; in lúc 09:05 ngày 20/11/2026" in page
    assert "người in: Trần Văn Bình" in page
