"""Importing cases from a workbook (shared/spec/import-template.md): every error and warning
of the spec, hostile files, the optional sheets, and the all-or-nothing rule.

Workbooks are built in each test with openpyxl; `write_book` and `case_row` are shared
with the other import and export tests.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import msoffcrypto
import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from sqlalchemy import func, select, text

from app.db import Database
from app.domain.case import ChildInput
from app.domain.import_problems import FileRefused, ImportRefused, PasswordRequired, Problem
from app.domain.labels import ClosingResult, DecisionTime, SanctionForm, Sex
from app.domain.sanctions import DecisionFollowUp
from app.importing import check as check_module
from app.importing import package
from app.importing.columns import CASE_COLUMNS
from app.models import Base, Case, Child, Event
from app.progress import Cancelled, CancelToken
from app.services import cases, importing
from app.services.actor import Actor
from app.services.records import case_detail
from tests.conftest import TODAY, make_case

Row = Mapping[str, object]
FIRST = "Vụ việc"


def case_row(**values: object) -> dict[str, object]:
    """A valid first-sheet row, by header; `Ngay_phat_hien="..."` style keys are not
    needed: pass a dict with the real headers through `**{...}`."""
    row: dict[str, object] = {
        "Ngày phát hiện": "05/10/2026",
        "Nền tảng": "Facebook",
        "Tài khoản, kênh": "Hóng biến Minh Tân",
        "Nhóm hành vi vi phạm": "Tin giả, tin sai sự thật",
        "Tóm tắt nội dung": "Đăng tin sai sự thật về việc bắt cóc trẻ em tại chợ.",
    }
    row.update(values)
    return row


def write_book(path: Path, rows: Sequence[Row], *, headers: Sequence[str] | None = None,
               above: Sequence[Sequence[object]] = (),
               sheets: Mapping[str, Sequence[Row]] | None = None) -> Path:
    """A workbook whose first sheet has `above` rows, a header row and `rows`; each of
    `sheets` gets its own header row (the keys of its first row) and rows."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = FIRST
    names = list(headers or [c.header for c in CASE_COLUMNS])
    for extra in rows:
        names.extend(h for h in extra if h not in names)
    for line in above:
        first.append(list(line))
    first.append(names)
    for row in rows:
        first.append([row.get(h) for h in names])
    for title, sheet_rows in (sheets or {}).items():
        sheet = book.create_sheet(title)
        sheet_headers = list(dict.fromkeys(h for r in sheet_rows for h in r))
        sheet.append(sheet_headers)
        for row in sheet_rows:
            sheet.append([row.get(h) for h in sheet_headers])
    book.save(path)
    return path


def check(db: Database, actor: Actor, path: Path) -> importing.ImportPreview:
    return importing.check_workbook(db, actor, path, today=TODAY)


def problems_at(preview: importing.ImportPreview, row: int, column: str) -> list[Problem]:
    return [p for p in preview.problems if p.row == row and p.column == column]


def case_count(db: Database) -> int:
    with db.read() as session:
        return session.execute(select(func.count(Case.id))).scalar_one()


def snapshot(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: "unchanged in content"."""
    with db.read() as session:
        return {table.name: [tuple(r) for r in session.execute(
                    text(f'SELECT * FROM "{table.name}" ORDER BY 1'))]
                for table in Base.metadata.sorted_tables}


# --- Errors of the spec: each with its sheet, Excel row number, column header and message.

ERRORS: list[tuple[dict[str, object], str, str]] = [
        ({"Ngày phát hiện": None}, "Ngày phát hiện", "Chưa nhập «Ngày phát hiện»"),
        ({"Nền tảng": None}, "Nền tảng", "Chưa nhập «Nền tảng»"),
        ({"Tài khoản, kênh": "  "}, "Tài khoản, kênh", "Chưa nhập «Tài khoản, kênh»"),
        ({"Nhóm hành vi vi phạm": None}, "Nhóm hành vi vi phạm", "bắt buộc"),
        ({"Tóm tắt nội dung": None}, "Tóm tắt nội dung", "bắt buộc"),
        # unknown code or label
        ({"Nền tảng": "MySpace"}, "Nền tảng", "không có mã «MySpace»"),
        ({"Nhóm hành vi vi phạm": "Trộm cắp"}, "Nhóm hành vi vi phạm", "các mã hợp lệ: TE"),
        ({"Nguồn phát hiện": "Hàng xóm"}, "Nguồn phát hiện", "không có mã «Hàng xóm»"),
        ({"Nhóm phụ": "DD; ZZ"}, "Nhóm phụ", "«ZZ» không có trong danh mục"),
        # impossible or ambiguous dates
        ({"Ngày phát hiện": "31/02/2026"}, "Ngày phát hiện", "không có thật trên lịch"),
        ({"Ngày phát hiện": "2026-13-01"}, "Ngày phát hiện", "tháng 13"),
        ({"Ngày phát hiện": "05/10/26"}, "Ngày phát hiện", "4 chữ số"),
        ({"Ngày phát hiện": "hôm qua"}, "Ngày phát hiện", "cần ngày dạng dd/mm/yyyy"),
        ({"Ngày phát hiện": 46058}, "Ngày phát hiện", "không phải ngày"),
        # the posting date: impossible, in the future, after the detection date
        ({"Ngày đăng tải": "31/06/2026"}, "Ngày đăng tải", "không có thật trên lịch"),
        ({"Ngày đăng tải": "21/11/2026"}, "Ngày đăng tải", "tương lai"),
        ({"Ngày đăng tải": "06/10/2026"}, "Ngày đăng tải",
         "«Ngày đăng tải» 06/10/2026 sau «Ngày phát hiện» 05/10/2026"),
        # and the program's own column, until when it stayed up
        ({"Ngày kết thúc đăng tải": "21/11/2026"}, "Ngày kết thúc đăng tải", "tương lai"),
        ({"Ngày đăng tải": "01/10/2026", "Ngày kết thúc đăng tải": "30/09/2026"},
         "Ngày kết thúc đăng tải", "trước «Ngày đăng tải» 01/10/2026"),
        # dates in the future, events before detection, closing before another event
        ({"Ngày phát hiện": "21/11/2026"}, "Ngày phát hiện", "tương lai"),
        ({"Ngày gỡ bỏ": "30/11/2026"}, "Ngày gỡ bỏ", "tương lai"),
        ({"Ngày gỡ bỏ": "01/10/2026"}, "Ngày gỡ bỏ", "trước ngày phát hiện"),
        ({"Ngày gỡ bỏ": "09/10/2026", "Ngày kết thúc xử lý": "08/10/2026"},
         "Ngày kết thúc xử lý", "trước một biện pháp khác (ngày 09/10/2026)"),
        # fines
        ({"Ngày quyết định xử phạt": "10/10/2026"}, "Số tiền phạt (đồng)",
         "Phạt tiền cần ghi «Số tiền phạt (đồng)»"),
        ({"Số tiền phạt (đồng)": "7.500.000"}, "Số tiền phạt (đồng)",
         "chưa có «Ngày quyết định xử phạt»"),
        ({"Ngày quyết định xử phạt": "10/10/2026", "Hình thức xử phạt": "Cảnh cáo",
          "Số tiền phạt (đồng)": 7_500_000}, "Số tiền phạt (đồng)", "Cảnh cáo không có"),
        ({"Ngày quyết định xử phạt": "10/10/2026", "Số tiền phạt (đồng)": "-5.000.000"},
         "Số tiền phạt (đồng)", "lớn hơn 0"),
        ({"Ngày quyết định xử phạt": "10/10/2026", "Số tiền phạt (đồng)": "7,5"},
         "Số tiền phạt (đồng)", "không phải số nguyên"),
        ({"Ngày quyết định xử phạt": "10/10/2026", "Số tiền phạt (đồng)": 7_500_000.5},
         "Số tiền phạt (đồng)", "phần lẻ"),
        ({"Ngày quyết định xử phạt": "10/10/2026", "Số tiền phạt (đồng)": "năm triệu"},
         "Số tiền phạt (đồng)", "không phải là số"),
        ({"Ngày quyết định xử phạt": "10/10/2026", "Số tiền phạt (đồng)": 1e20},
         "Số tiền phạt (đồng)", "100.000.000.000.000.000.000 quá lớn"),
        ({"Lượt xem": "3.000.000.000"}, "Lượt xem", "quá lớn: hãy kiểm tra lại"),
        ({"Hình thức xử phạt": "Tịch thu", "Ngày quyết định xử phạt": "10/10/2026"},
         "Hình thức xử phạt", "chỉ ghi «Cảnh cáo» hoặc «Phạt tiền»"),
        # years of birth
        ({"Họ tên đối tượng": "Lê Văn Tám", "Năm sinh đối tượng": 1899},
         "Năm sinh đối tượng", "từ 1900 đến 2026"),
        ({"Họ tên đối tượng": "Lê Văn Tám", "Năm sinh đối tượng": "2027"},
         "Năm sinh đối tượng", "từ 1900 đến 2026"),
        ({"Họ tên đối tượng": "Lê Văn Tám", "Năm sinh đối tượng": "năm 90"},
         "Năm sinh đối tượng", "cần năm có 4 chữ số"),
        ({"Trẻ em liên quan": "Trần Thị Bé (2030, nữ)"}, "Trẻ em liên quan", "từ 1900 đến 2026"),
        ({"Trẻ em liên quan": "Trần Thị Bé (lớp 5)"}, "Trẻ em liên quan", "không hiểu «lớp 5»"),
        # text longer than the field allows
        ({"Tài khoản, kênh": "x" * 301}, "Tài khoản, kênh", "vượt quá giới hạn 300"),
        ({"Mã vụ việc": "M" * 41}, "Mã vụ việc", "vượt quá giới hạn 40"),
        ({"Số quyết định xử phạt": "1" * 101, "Ngày quyết định xử phạt": "10/10/2026",
          "Số tiền phạt (đồng)": 1}, "Số quyết định xử phạt", "vượt quá giới hạn 100"),
]


def test_each_error_names_row_column_and_what_is_expected(db: Database, officer: Actor,
                                                          tmp_path: Path) -> None:
    """One row per error of the spec, all in one file (each reported, all at once)."""
    rows = [case_row(), *(case_row(**{"Tài khoản, kênh": f"Trang {n}", **values})
                          for n, (values, _column, _words) in enumerate(ERRORS))]
    path = write_book(tmp_path / "so.xlsx", rows, above=[["SỔ THEO DÕI VI PHẠM MXH"], []])
    preview = check(db, officer, path)
    assert not [p for p in preview.problems if p.row == 4]  # two titles, the header, a good row
    for number, (values, column, words) in enumerate(ERRORS, start=5):
        found = [p.message for p in problems_at(preview, number, column) if not p.is_warning]
        assert any(words in message for message in found), (values, found)
    with pytest.raises(ImportRefused) as refused:
        importing.import_workbook(db, officer, path, today=TODAY)
    assert {p.row for p in refused.value.problems} == set(range(5, 5 + len(ERRORS)))
    assert case_count(db) == 0


def test_the_posting_dates_are_read_and_date_the_act(db: Database, officer: Actor,
                                                     tmp_path: Path) -> None:
    path = write_book(tmp_path / "so.xlsx", [
        case_row(**{"Mã vụ việc": "A", "Ngày đăng tải": "20/06/2026",
                    "Ngày phát hiện": "05/07/2026"}),
        case_row(**{"Mã vụ việc": "B", "Ngày đăng tải": datetime(2026, 6, 20),
                    "Ngày kết thúc đăng tải": "10/07/2026", "Ngày phát hiện": "05/07/2026"}),
        case_row(**{"Mã vụ việc": "C", "Ngày phát hiện": "05/07/2026"}),
    ])
    assert importing.import_workbook(db, officer, path, today=TODAY).count == 3
    with db.read() as session:
        stored = session.execute(select(Case.code, Case.posted_on, Case.posted_until,
                                        Case.act_on).order_by(Case.code)).all()
    assert stored == [("A", date(2026, 6, 20), None, date(2026, 6, 20)),
                      ("B", date(2026, 6, 20), date(2026, 7, 10), date(2026, 7, 10)),
                      ("C", None, None, date(2026, 7, 5))]


def test_a_code_already_in_the_register_or_twice_in_the_file_is_an_error(
    db: Database, officer: Actor, tmp_path: Path
) -> None:
    cases.create_case(db, officer, make_case(code="HS-01"), today=TODAY)
    path = write_book(tmp_path / "so.xlsx", [case_row(**{"Mã vụ việc": "HS-01"}),
                                             case_row(**{"Mã vụ việc": "HS-02"}),
                                             case_row(**{"Mã vụ việc": "HS-02"})])
    preview = check(db, officer, path)
    assert [p.line() for p in preview.errors] == [
        'Dòng 2, cột "Mã vụ việc": Mã vụ việc «HS-01» đã có trong sổ: vụ việc này đã được nhập '
        "hoặc ghi trước đây. Hãy bỏ dòng này, hoặc đổi mã nếu là vụ việc khác.",
        'Dòng 4, cột "Mã vụ việc": Mã vụ việc «HS-02» trùng với dòng 3 của tệp: mỗi vụ việc '
        "cần một mã riêng.",
    ]


def test_every_error_of_the_file_is_reported_at_once(db: Database, officer: Actor,
                                                     tmp_path: Path) -> None:
    path = write_book(tmp_path / "so.xlsx", [
        case_row(**{"Nền tảng": None, "Ngày phát hiện": "32/01/2026"}),
        case_row(),
        case_row(**{"Tóm tắt nội dung": None}),
    ])
    with pytest.raises(ImportRefused) as refused:
        importing.import_workbook(db, officer, path, today=TODAY)
    lines = [p.line() for p in refused.value.problems if not p.is_warning]
    assert [line.split(":")[0] for line in lines] == [
        'Dòng 2, cột "Ngày phát hiện"', 'Dòng 2, cột "Nền tảng"', 'Dòng 4, cột "Tóm tắt nội dung"']
    # An unreadable date is reported once, not again as a missing one.
    assert "Chưa nhập «Ngày phát hiện»" not in " ".join(lines)


# --- Warnings: imported, and reported.

def test_repeat_offender_warnings_name_the_account_and_the_case_codes(
    db: Database, officer: Actor, tmp_path: Path
) -> None:
    stored = cases.create_case(db, officer, make_case(account="@Hóng Biến Minh Tân",
                                                      url="https://example.org/a"),
                               today=TODAY)
    path = write_book(tmp_path / "so.xlsx", [
        case_row(**{"Mã vụ việc": "N-1", "Tài khoản, kênh": "hong bien minh tan"}),
        case_row(**{"Tài khoản, kênh": "Trang khác", "Đường dẫn": "http://www.example.org/b/"}),
        case_row(**{"Tài khoản, kênh": "Trang thứ ba", "Đường dẫn": "https://example.org/b"}),
    ])
    preview = check(db, officer, path)
    assert not preview.errors
    (account,) = problems_at(preview, 2, "Tài khoản, kênh")
    assert account.is_warning
    assert account.message == (f"Tài khoản «hong bien minh tan» cũng có trong vụ việc "
                               f"{stored.code}: hãy xem các vụ việc này trước khi xử lý.")
    (url,) = problems_at(preview, 3, "Đường dẫn")
    assert "dòng 4 của tệp" in url.message and url.is_warning
    result = importing.import_workbook(db, officer, path, today=TODAY)
    assert result.count == 3 and len(result.warnings) == 3


def test_unknown_columns_and_sheets_are_ignored_with_a_warning(db: Database, officer: Actor,
                                                               tmp_path: Path) -> None:
    path = write_book(tmp_path / "so.xlsx", [case_row(STT=1, **{"Cán bộ thụ lý": "An"})],
                      sheets={"Thống kê": [{"A": 1}], "Hướng dẫn": [{"Cột": "x"}]})
    preview = check(db, officer, path)
    assert not preview.errors and preview.case_count == 1
    stt, officer_column = (openpyxl.utils.get_column_letter(len(CASE_COLUMNS) + n)
                           for n in (1, 2))
    assert {p.line() for p in preview.warnings} == {
        f'Dòng 1, cột "STT": Cột «STT» (cột {stt}) không có trong mẫu nhập nên được bỏ qua.',
        f'Dòng 1, cột "Cán bộ thụ lý": Cột «Cán bộ thụ lý» (cột {officer_column}) không có '
        "trong mẫu nhập nên được bỏ qua.",
        "Trang «Thống kê» không thuộc mẫu nhập nên được bỏ qua.",
    }


def test_a_missing_required_column_or_a_duplicate_one_is_reported_once(
    db: Database, officer: Actor, tmp_path: Path
) -> None:
    headers = ["Ngày phát hiện", "Tài khoản, kênh", "Nhóm hành vi vi phạm", "Tóm tắt nội dung",
               "Ghi chú", "GHI CHÚ"]
    row = {k: v for k, v in case_row().items() if k != "Nền tảng"}
    path = write_book(tmp_path / "so.xlsx", [row] * 3, headers=headers)
    preview = check(db, officer, path)
    assert [p.line() for p in preview.errors] == [
        'Dòng 1, cột "Ghi chú": Có hai cột «Ghi chú» (cột E và cột F): hãy giữ một cột.',
        'Dòng 1, cột "Nền tảng": Thiếu cột bắt buộc «Nền tảng»: thêm cột có tiêu đề này vào '
        "dòng tiêu đề.",
    ]


# --- What a register typed by hand looks like: header below titles, any column order,
# dates and numbers as text, NFD text, spaces, formulas, merged header cells.

DATES: list[object] = [
    "05/02/2026", "5/2/2026", "05-02-2026", "05.02.2026", " 5 / 2 / 2026 ",
    "ngày 5 tháng 2 năm 2026", "Ngày 05 tháng 02, năm 2026", "2026-02-05", "05/02/2026 14:30",
    date(2026, 2, 5), datetime(2026, 2, 5, 9, 30),
]
AMOUNTS: list[object] = ["7.500.000", "7.500.000 đồng", "7.500.000đ", "7 500 000", 7_500_000,
                         7_500_000.0, "7500000", "7.500.000,00"]


def test_dates_and_amounts_in_every_common_vietnamese_form(db: Database, officer: Actor,
                                                           tmp_path: Path) -> None:
    rows = [case_row(**{"Mã vụ việc": f"N-{n}", "Ngày phát hiện": typed,
                        "Tài khoản, kênh": f"Trang {n}"}) for n, typed in enumerate(DATES)]
    rows += [case_row(**{"Mã vụ việc": f"T-{n}", "Ngày quyết định xử phạt": "10/10/2026",
                         "Số tiền phạt (đồng)": typed, "Số quyết định xử phạt": "15/QĐ-XPHC",
                         "Lượt xem": "12.500", "Tài khoản, kênh": f"Tiền {n}"})
             for n, typed in enumerate(AMOUNTS)]
    importing.import_workbook(db, officer, write_book(tmp_path / "so.xlsx", rows), today=TODAY)
    with db.read() as session:
        detected = {code: day for code, day in session.execute(
            select(Case.code, Case.detected_on))}
        fines = [tuple(row) for row in session.execute(
            select(Case.code, Event.kind, Event.sanction_form, Event.fine_amount,
                   Event.document_number, Case.reach_views).join(Event.case))]
    assert {detected[f"N-{n}"] for n in range(len(DATES))} == {date(2026, 2, 5)}
    assert sorted(fines) == sorted((f"T-{n}", "XP", SanctionForm.FINE, 7_500_000, "15/QĐ-XPHC",
                                    12_500) for n in range(len(AMOUNTS)))


def test_nfd_text_spaces_and_labels_without_diacritics(db: Database, officer: Actor,
                                                       tmp_path: Path) -> None:
    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    headers = [nfd(c.header).upper() for c in CASE_COLUMNS]
    path = write_book(tmp_path / "so.xlsx", [{nfd(header).upper(): value for header, value in {
        "Ngày phát hiện": "05/10/2026", "Nền tảng": "  facebook ",
        "Tài khoản, kênh": nfd("  Hóng biến  "),
        "Nhóm hành vi vi phạm": "xuc pham danh du, nhan pham, uy tin cua to chuc, ca nhan",
        "Tóm tắt nội dung": nfd("Bình luận xúc phạm."),
        "Tổ chức, cá nhân bị xúc phạm": "UBND xã",
    }.items()}], headers=headers)
    importing.import_workbook(db, officer, path, today=TODAY)
    with db.read() as session:
        case = session.execute(select(Case)).scalar_one()
        assert (case.account, case.platform_code, case.group_code) == ("Hóng biến", "FB", "DD")
        assert case.account == unicodedata.normalize("NFC", case.account)
        assert case_detail(case).data.defamed[0].name == "UBND xã"


def test_header_below_title_rows_columns_in_any_order(db: Database, officer: Actor,
                                                      tmp_path: Path) -> None:
    headers = ["Tóm tắt nội dung", "Nhóm hành vi vi phạm", "Tài khoản, kênh", "Nền tảng",
               "Ngày phát hiện (*)", "Trẻ em liên quan"]
    row = {**{k: v for k, v in case_row().items() if k != "Ngày phát hiện"},
           "Ngày phát hiện (*)": "05/10/2026", "Nhóm hành vi vi phạm": "TE",
           "Trẻ em liên quan": "Trần Thị Bé (2014, nữ); Lê Văn Tí"}
    path = write_book(tmp_path / "so.xlsx", [row, row],
                      headers=headers, above=[["UBND XÃ MINH TÂN"], ["SỔ THEO DÕI"], [None]])
    preview = check(db, officer, path)
    assert (preview.case_count, preview.child_count, preview.errors) == (2, 4, ())
    assert {p.row for p in preview.warnings} == {5, 6}  # the data starts at row 5
    importing.import_workbook(db, officer, path, today=TODAY)
    with db.read() as session:
        children = session.execute(select(Child).order_by(Child.id)).scalars().all()
        assert [(c.full_name, c.birth_year, c.sex) for c in children[:2]] == [
            ("Trần Thị Bé", 2014, Sex.FEMALE), ("Lê Văn Tí", None, None)]


def _with_cached_values(path: Path, cached: Mapping[str, str]) -> Path:
    """Give formula cells a cached result, as Excel saves them (openpyxl writes none)."""
    source = zipfile.ZipFile(path)
    target = path.with_name("cached-" + path.name)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                for ref, value in cached.items():
                    # An empty value is `<v/>` or `<v></v>` (openpyxl with lxml).
                    xml = re.sub(rf'<c r="{ref}"><f>(.*?)</f><v\s*(?:/>|></v>)',
                                 rf'<c r="{ref}" t="str"><f>\1</f><v>{value}</v>', xml)
                data = xml.encode()
            out.writestr(item, data)
    return target


def test_formulas_are_read_as_their_cached_text_never_evaluated(
    db: Database, officer: Actor, tmp_path: Path
) -> None:
    headers = [c.header for c in CASE_COLUMNS]
    account, summary = headers.index("Tài khoản, kênh"), headers.index("Tóm tắt nội dung")
    letter = openpyxl.utils.get_column_letter
    path = write_book(tmp_path / "so.xlsx", [
        case_row(**{"Tài khoản, kênh": '=HYPERLINK("http://x.example","Trang X")',
                    "Tóm tắt nội dung": "=1+1"}),
        case_row(**{"Tài khoản, kênh": "=A1&A2"}),
    ])
    path = _with_cached_values(path, {f"{letter(account + 1)}2": "Trang X",
                                      f"{letter(summary + 1)}2": "=1+1"})
    preview = check(db, officer, path)
    # Row 3's formula has no cached text: its cell is empty, not computed.
    assert [p.line() for p in preview.errors] == [
        'Dòng 3, cột "Tài khoản, kênh": Chưa nhập «Tài khoản, kênh»: đây là thông tin bắt buộc.']
    assert preview.case_count == 2


def test_merged_header_cells(db: Database, officer: Actor, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["SỔ THEO DÕI"])
    sheet.append(["Ngày phát hiện", "Nền tảng", "Tài khoản, kênh", "Nhóm hành vi vi phạm",
                  "Tóm tắt nội dung", "Xử lý", None, "Ghi chú"])
    sheet.append([None, None, None, None, None, "Ngày gỡ bỏ", "Ngày kết thúc xử lý", None])
    for column in "ABCDEH":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("F2:G2")
    sheet.append(["05/10/2026", "FB", "Trang A", "TG", "Tin giả", "06/10/2026", "07/10/2026"])
    book.save(tmp_path / "gop.xlsx")
    preview = check(db, officer, tmp_path / "gop.xlsx")
    assert (preview.case_count, preview.event_count, preview.problems) == (1, 2, ())

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ngày phát hiện", None, "Nền tảng", "Tài khoản, kênh", "Nhóm hành vi vi phạm",
                  "Tóm tắt nội dung"])
    sheet.merge_cells("A1:B1")
    sheet.append(["05/10/2026", "ghi thêm", "FB", "Trang A", "TG", "Tin giả"])
    book.save(tmp_path / "gop2.xlsx")
    preview = check(db, officer, tmp_path / "gop2.xlsx")
    assert [p.line() for p in preview.problems] == [
        'Dòng 1, cột "Ngày phát hiện": Tiêu đề «Ngày phát hiện» là ô gộp 2 cột: chỉ đọc cột A, '
        "các cột gộp còn lại bị bỏ qua."]
    assert preview.problems[0].is_warning and preview.case_count == 1


def test_a_child_of_18_or_more_is_imported_with_a_warning_not_refused(
    db: Database, officer: Actor, tmp_path: Path
) -> None:
    """The spec's errors do not include it: the row comes in, the officer is told (and the
    window will not save that child until the year is corrected)."""
    path = write_book(tmp_path / "so.xlsx", [
        case_row(**{"Trẻ em liên quan": "Nguyễn Văn Lớn (1990, nam); Trần Thị Bé (2015, nữ)"})])
    preview = check(db, officer, path)
    assert not preview.errors and preview.case_count == 1
    (warning,) = problems_at(preview, 2, "Trẻ em liên quan")
    assert warning.is_warning and "đã đủ 35 tuổi" in warning.message


# --- Hostile files are refused before anything touches the database.

def _refused(db: Database, officer: Actor, path: Path, words: str) -> None:
    before = snapshot(db)
    with pytest.raises(FileRefused, match=words):
        importing.import_workbook(db, officer, path, today=TODAY)
    assert snapshot(db) == before


@pytest.mark.parametrize(("content", "words"), [
    (b"", "không phải tệp Excel .xlsx"),
    ("Mã;Ngày phát hiện\nA;05/10/2026\n".encode(), "không phải tệp Excel .xlsx"),
    (b"%PDF-1.7\n" + b"0" * 100, "không phải tệp Excel .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "không phải tệp Excel .xlsx"),
    (b"PK\x03\x04" + b"\0" * 100, "tệp nén bị hỏng"),
])
def test_files_that_are_not_xlsx(db: Database, officer: Actor, tmp_path: Path, content: bytes,
                                 words: str) -> None:
    path = tmp_path / "so.xlsx"
    path.write_bytes(content)
    _refused(db, officer, path, words)


def test_a_zip_that_is_not_a_workbook(db: Database, officer: Actor, tmp_path: Path) -> None:
    path = tmp_path / "so.xlsx"
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("word/document.xml", "<w/>")
    _refused(db, officer, path, "không có bảng tính Excel bên trong")


def test_a_zip_bomb(db: Database, officer: Actor, tmp_path: Path) -> None:
    path = write_book(tmp_path / "so.xlsx", [case_row()])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("xl/media/image1.png", b"\0" * (package.MAX_UNPACKED_BYTES + 1))
    assert path.stat().st_size < 1_000_000
    _refused(db, officer, path, "giải nén ra 100 MB, vượt giới hạn 100 MB")


def test_far_too_many_rows_or_cells(db: Database, officer: Actor, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_book(tmp_path / "so.xlsx", [case_row()] * 30)
    monkeypatch.setattr(package, "MAX_SHEET_ROWS", 20)
    _refused(db, officer, path, "một trang có 31 dòng")
    monkeypatch.setattr(package, "MAX_SHEET_ROWS", 1_000)
    monkeypatch.setattr(package, "MAX_SHEET_CELLS", 100)
    _refused(db, officer, path, "ô \\(giới hạn")
    monkeypatch.setattr(package, "MAX_SHEET_CELLS", 10_000)
    monkeypatch.setattr(check_module, "MAX_CASE_ROWS", 29)
    _refused(db, officer, path, "30 dòng, nhiều hơn giới hạn 29 vụ việc")


def encrypt(path: Path, password: str) -> Path:
    target = path.with_name("khoa-" + path.name)
    with path.open("rb") as plain, target.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return target


def test_password_protected_files(db: Database, officer: Actor, tmp_path: Path) -> None:
    path = encrypt(write_book(tmp_path / "so.xlsx", [case_row()]), "mật-khẩu")
    with pytest.raises(PasswordRequired, match="được đặt mật khẩu"):
        importing.import_workbook(db, officer, path, today=TODAY)
    with pytest.raises(PasswordRequired, match="không đúng"):
        importing.import_workbook(db, officer, path, file_password="sai", today=TODAY)
    assert case_count(db) == 0
    result = importing.import_workbook(db, officer, path, file_password="mật-khẩu", today=TODAY)
    assert result.count == 1
    assert msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes())).is_encrypted()


def test_a_workbook_without_the_header_row(db: Database, officer: Actor, tmp_path: Path) -> None:
    path = write_book(tmp_path / "so.xlsx", [], headers=["Mã", "Ngày"])
    _refused(db, officer, path, "Không tìm thấy dòng tiêu đề ở trang đầu «Vụ việc»")


# --- The optional sheets: one row per event, per child, per defamed party.

def test_optional_sheets_complete_the_record(db: Database, officer: Actor,
                                             tmp_path: Path) -> None:
    path = write_book(tmp_path / "so.xlsx", [
        case_row(**{"Mã vụ việc": "A-1", "Nhóm hành vi vi phạm": "DD",
                    "Ngày gỡ bỏ": "06/10/2026"}),
    ], sheets={
        "Biện pháp xử lý": [
            {"Mã vụ việc": "A-1", "Ngày": "10/10/2026", "Biện pháp": "XP",
             "Số văn bản": "15/QĐ-XPHC", "Hình thức xử phạt": "Cảnh cáo",
             "Căn cứ pháp lý": "điểm a khoản 1 điều 95 nđ 174/2026/nđ-cp"},
            {"Mã vụ việc": "A-1", "Ngày": "12/10/2026", "Biện pháp": "Kết thúc xử lý, đóng hồ sơ",
             "Kết quả": "Không vi phạm"},
        ],
        "Trẻ em liên quan": [{"Mã vụ việc": "A-1", "Họ tên": "Trần Thị Bé", "Năm sinh": 2014,
                              "Giới tính": "Nữ", "Người giám hộ đã được thông báo": "x"}],
        "Tổ chức, cá nhân bị xúc phạm": [{"Mã vụ việc": "A-1", "Tên tổ chức, cá nhân": "UBND xã",
                                           "Cá nhân hay tổ chức": "Tổ chức",
                                           "Đã nhận đơn khiếu nại": "Có"}],
    })
    result = importing.import_workbook(db, officer, path, today=TODAY)
    assert result.codes == ("A-1",)
    with db.read() as session:
        case = session.execute(select(Case)).scalar_one()
        detail = case_detail(case)
    assert [(e.kind, e.occurred_on.day) for e in detail.events] == [("GB", 6), ("XP", 10),
                                                                   ("KT", 12)]
    assert detail.events[1].sanction_form is SanctionForm.WARNING
    assert detail.events[1].legal_basis_ids == (1,)
    assert detail.events[2].closing_result is ClosingResult.NO_VIOLATION
    assert detail.closed_on == date(2026, 10, 12)
    assert detail.data.children == (ChildInput("Trần Thị Bé", 2014, sex=Sex.FEMALE,
                                               guardian_informed=True,
                                               uuid=detail.data.children[0].uuid),)
    assert detail.data.defamed[0].complaint_received


def test_optional_sheet_rows_name_their_sheet(db: Database, officer: Actor,
                                              tmp_path: Path) -> None:
    path = write_book(tmp_path / "so.xlsx", [case_row(**{"Mã vụ việc": "A-1"})], sheets={
        "Biện pháp xử lý": [
            {"Mã vụ việc": "A-2", "Ngày": "10/10/2026", "Biện pháp": "XM"},
            {"Mã vụ việc": "A-1", "Ngày": "10/10/2026", "Biện pháp": "Khen thưởng"},
            {"Mã vụ việc": "A-1", "Ngày": "11/10/2026", "Biện pháp": "KT"},
            {"Mã vụ việc": "A-1", "Ngày": "12/10/2026", "Biện pháp": None},
            {"Mã vụ việc": "A-1", "Ngày": "10/10/2026", "Biện pháp": "CA",
             "Căn cứ pháp lý": "Điều 999"},
        ],
        "Trẻ em liên quan": [{"Mã vụ việc": None, "Họ tên": "Bé"},
                             {"Mã vụ việc": "A-1", "Họ tên": "Bé", "Năm sinh": 1850}],
    })
    preview = check(db, officer, path)
    assert [p.line() for p in preview.errors] == [
        'Dòng 2, cột "Mã vụ việc": Trang «Biện pháp xử lý»: Mã vụ việc «A-2» không có trên '
        "trang đầu «Vụ việc» của tệp: mỗi dòng ở trang này phải thuộc một vụ việc ghi trên "
        "trang đầu.",
        'Dòng 3, cột "Biện pháp": Trang «Biện pháp xử lý»: Biện pháp «Khen thưởng» không có '
        "trong danh mục biện pháp xử lý.",
        'Dòng 4, cột "Kết quả": Trang «Biện pháp xử lý»: Chưa chọn «Kết quả» khi kết thúc xử lý '
        "(Đã xử lý, Không vi phạm, Hết thời hiệu, Chuyển cơ quan khác xử lý, Không xác định "
        "được đối tượng).",
        'Dòng 5, cột "Biện pháp": Trang «Biện pháp xử lý»: Chưa nhập «Biện pháp»: đây là thông '
        "tin bắt buộc.",
        'Dòng 6, cột "Căn cứ pháp lý": Trang «Biện pháp xử lý»: Căn cứ «Điều 999» không có '
        "trong danh mục căn cứ pháp lý của chương trình: ghi như trong danh mục, ví dụ «Điểm a "
        "Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP».",
        'Dòng 2, cột "Mã vụ việc": Trang «Trẻ em liên quan»: Chưa nhập «Mã vụ việc»: cần mã của '
        "một vụ việc trên trang đầu.",
        'Dòng 3, cột "Năm sinh": Trang «Trẻ em liên quan»: Trẻ em thứ 1: «Năm sinh» 1850 không '
        "hợp lệ: cần năm có 4 chữ số từ 1900 đến 2026.",
    ]


# --- The program's own columns of «Biện pháp xử lý»: where a case went, and what followed
# a decision, checked by the rules the window applies (app.domain.sanctions).

EVENTS_SHEET = "Biện pháp xử lý"
PAID = {"Ngày giao quyết định": "09/10/2026", "Ngày nộp phạt": "15/10/2026",
        "Số tiền đã nộp (đồng)": "7.500.000", "Số biên lai, chứng từ nộp phạt": "BL 0001234"}
NOT_A_DECISION = {"Biện pháp": "XM", "Hình thức xử phạt": None, "Số tiền phạt (đồng)": None}

FOLLOW_UP_ERRORS: list[tuple[dict[str, object], str, str]] = [
    # a payment without its receipt, or dated before the decision
    ({**PAID, "Số biên lai, chứng từ nộp phạt": None}, "Ngày nộp phạt",
     "Nộp phạt cần đủ ngày nộp, số tiền đã nộp và số biên lai"),
    ({**PAID, "Ngày nộp phạt": "07/10/2026"}, "Ngày nộp phạt",
     "Ngày 07/10/2026 trước ngày quyết định (08/10/2026)"),
    ({**PAID, "Số tiền đã nộp (đồng)": 0}, "Số tiền đã nộp (đồng)", "lớn hơn 0 đồng"),
    ({**PAID, "Ngày giao quyết định": "21/11/2026"}, "Ngày giao quyết định", "ở tương lai"),
    ({**PAID, "Ngày giao quyết định": "31/09/2026"}, "Ngày giao quyết định",
     "không có thật trên lịch"),
    ({**PAID, "Số biên lai, chứng từ nộp phạt": "1" * 101}, "Số biên lai, chứng từ nộp phạt",
     "vượt quá giới hạn 100"),
    # enforcement only once the time to comply has passed
    ({"Ngày giao quyết định": "09/10/2026", "Ngày cưỡng chế": "15/10/2026"}, "Ngày cưỡng chế",
     "Chỉ cưỡng chế khi hết thời hạn chấp hành (19/10/2026"),
    ({"Nội dung cưỡng chế": "Khấu trừ lương"}, "Ngày cưỡng chế", "Cần ghi ngày cưỡng chế"),
    # nothing to pay on a warning, no follow-up on a row that is not a decision
    ({"Hình thức xử phạt": "Cảnh cáo", "Số tiền phạt (đồng)": None, **PAID}, "Ngày nộp phạt",
     "Quyết định cảnh cáo không có tiền nộp phạt"),
    ({**NOT_A_DECISION, "Ngày giao quyết định": "09/10/2026"}, "Ngày giao quyết định",
     "Chỉ ghi việc giao, nộp phạt, cưỡng chế cho quyết định xử phạt"),
    ({**NOT_A_DECISION, "Số biên lai, chứng từ nộp phạt": "BL 1"},
     "Số biên lai, chứng từ nộp phạt",
     "Chỉ ghi việc giao, nộp phạt, cưỡng chế cho quyết định xử phạt"),
    # an addressee or a time to decide where the event has none
    ({"Cơ quan nhận": "Công an xã Minh Tân"}, "Cơ quan nhận", "Chỉ ghi «Cơ quan nhận» cho"),
    ({"Thời hạn ra quyết định": "Đã gia hạn (giải trình, xác minh phức tạp)"},
     "Thời hạn ra quyết định", "Chỉ ghi «Thời hạn ra quyết định» cho biên bản"),
    ({"Thời hạn ra quyết định": "7 ngày"}, "Thời hạn ra quyết định",
     "«7 ngày» không hợp lệ: chỉ ghi «Thông thường», «Có giải trình hoặc cần xác minh» hoặc "
     "«Đã gia hạn (giải trình, xác minh phức tạp)»"),
]


def _fined(code: str, **decision: object) -> list[dict[str, object]]:
    """A biên bản and a fine of case `code` on the events sheet, the fine's row changed by
    `decision`."""
    return [{"Mã vụ việc": code, "Ngày": "06/10/2026", "Biện pháp": "BB"},
            {"Mã vụ việc": code, "Ngày": "08/10/2026", "Biện pháp": "XP",
             "Hình thức xử phạt": "Phạt tiền", "Số tiền phạt (đồng)": "7.500.000", **decision}]


def test_each_follow_up_error_names_its_sheet_row_and_column(db: Database, officer: Actor,
                                                             tmp_path: Path) -> None:
    """A good case, then one case per error, each with its biên bản and decision rows."""
    codes = ["OK", *(f"F-{n}" for n in range(len(FOLLOW_UP_ERRORS)))]
    events = _fined("OK", **PAID)
    for code, (values, _column, _words) in zip(codes[1:], FOLLOW_UP_ERRORS, strict=True):
        events += _fined(code, **values)
    path = write_book(tmp_path / "so.xlsx", [
        case_row(**{"Mã vụ việc": code, "Tài khoản, kênh": f"Trang {code}",
                    "Họ tên đối tượng": "Trần Văn Bình"}) for code in codes],
        sheets={EVENTS_SHEET: events})
    preview = check(db, officer, path)
    errors = [p for p in preview.problems if not p.is_warning]
    assert all(p.sheet == EVENTS_SHEET for p in errors)
    assert not [p for p in errors if p.row in (2, 3)]  # the good case's rows
    for number, (values, column, words) in enumerate(FOLLOW_UP_ERRORS):
        row = 5 + 2 * number  # the decision's row: the header, then two rows a case
        found = [p.message for p in errors if (p.row, p.column) == (row, column)]
        assert any(words in message for message in found), (values, found)
    assert {p.row for p in errors} == {5 + 2 * n for n in range(len(FOLLOW_UP_ERRORS))}
    with pytest.raises(ImportRefused):
        importing.import_workbook(db, officer, path, today=TODAY)
    assert case_count(db) == 0


def test_where_a_case_went_and_what_followed_its_decision_are_imported(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    """Typed as an office types them: labels without diacritics, dates and amounts in words."""
    path = write_book(tmp_path / "so.xlsx", [
        case_row(**{"Mã vụ việc": "A", "Họ tên đối tượng": "Trần Văn Bình"})], sheets={
        EVENTS_SHEET: [
            {"Mã vụ việc": "A", "Ngày": "06/10/2026", "Biện pháp": "BB",
             "Thời hạn ra quyết định": "co giai trinh hoac can xac minh"},
            {"Mã vụ việc": "A", "Ngày": "08/10/2026", "Biện pháp": "XP",
             "Số tiền phạt (đồng)": "7.500.000", "Ngày giao quyết định": datetime(2026, 10, 9),
             "Ngày nộp phạt": "ngày 15 tháng 10 năm 2026",
             "Số tiền đã nộp (đồng)": "7.500.000 đồng",
             "Số biên lai, chứng từ nộp phạt": " BL 0001234 "},
            {"Mã vụ việc": "A", "Ngày": "02/11/2026", "Biện pháp": "KN",
             "Cơ quan nhận": "Sở Văn hóa, Thể thao và Du lịch"},
        ]})
    result = importing.import_workbook(db, officer, path, today=TODAY)
    assert (result.codes, result.warnings) == (("A",), ())
    with db.read() as session:
        detail = case_detail(session.execute(select(Case)).scalar_one())
    record, decision, escalated = detail.events
    assert record.decision_time is DecisionTime.EXPLANATION
    assert decision.follow_up == DecisionFollowUp(date(2026, 10, 9), date(2026, 10, 15),
                                                  7_500_000, "BL 0001234")
    assert escalated.addressee == "Sở Văn hóa, Thể thao và Du lịch"
    assert record.follow_up == escalated.follow_up == DecisionFollowUp()


# --- All or nothing.

def test_one_bad_row_among_1000_leaves_the_database_unchanged(db: Database, officer: Actor,
                                                              tmp_path: Path) -> None:
    cases.create_case(db, officer, make_case(), today=TODAY)
    rows = [case_row(**{"Tài khoản, kênh": f"Trang số {i}",
                        "Trẻ em liên quan": "Bé An (2015, nam)", "Ngày gỡ bỏ": "06/10/2026"})
            for i in range(1000)]
    rows[637] = case_row(**{"Ngày phát hiện": "30/02/2026"})
    path = write_book(tmp_path / "so.xlsx", rows)
    before = snapshot(db)
    with pytest.raises(ImportRefused) as refused:
        importing.import_workbook(db, officer, path, today=TODAY)
    errors = [p for p in refused.value.problems if not p.is_warning]
    assert [(p.row, p.column) for p in errors] == [(639, "Ngày phát hiện")]
    assert snapshot(db) == before
    rows[637] = case_row()
    write_book(path, rows)
    assert importing.import_workbook(db, officer, path, today=TODAY).count == 1000
    assert case_count(db) == 1001


def test_cancelling_during_the_insert_rolls_everything_back(
    db: Database, officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_book(tmp_path / "so.xlsx", [case_row(**{"Tài khoản, kênh": f"T{i}"})
                                             for i in range(4_500)])
    before = snapshot(db)
    token = CancelToken()
    seen: list[int] = []
    inserted: list[int] = []
    insert = importing.insert_case_rows

    def counting_insert(session: Any, cases: Any, **options: Any) -> list[str]:
        inserted.append(len(cases))
        return insert(session, cases, **options)

    def progress(done: int, _total: int) -> None:
        seen.append(done)
        if inserted:  # a first chunk of the file is in the transaction
            token.cancel()

    monkeypatch.setattr(importing, "insert_case_rows", counting_insert)
    with pytest.raises(Cancelled):
        importing.import_workbook(db, officer, path, today=TODAY, progress=progress, token=token)
    assert inserted == [2_000]
    assert snapshot(db) == before
    assert seen == sorted(seen)


def test_chunks_inserted_beside_the_checking_keep_the_file_order_and_fail_whole(
    db: Database, officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk is inserted in a thread while the next is checked: the cases take the
    file's order, and a chunk that fails there fails the import, nothing written."""
    monkeypatch.setattr(importing, "CHUNK", 2)
    path = write_book(tmp_path / "so.xlsx", [case_row(**{"Tài khoản, kênh": f"Trang {i}"})
                                             for i in range(7)])
    before = snapshot(db)
    insert = importing.insert_case_rows
    calls: list[int] = []

    def third_fails(session: Any, chunk: Any, **options: Any) -> list[str]:
        calls.append(len(chunk))
        if len(calls) == 3:
            raise RuntimeError("ổ đĩa đầy")
        return insert(session, chunk, **options)

    monkeypatch.setattr(importing, "insert_case_rows", third_fails)
    with pytest.raises(RuntimeError, match="ổ đĩa đầy"):
        importing.import_workbook(db, officer, path, today=TODAY)
    assert calls == [2, 2, 2] and snapshot(db) == before
    monkeypatch.setattr(importing, "insert_case_rows", insert)
    result = importing.import_workbook(db, officer, path, today=TODAY)
    with db.read() as session:
        accounts = session.scalars(select(Case.account).order_by(Case.code)).all()
    assert len(result.codes) == 7 and accounts == [f"Trang {i}" for i in range(7)]


def test_numbering_in_chunks_skips_codes_later_in_the_file(
    db: Database, officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "CHUNK", 2)
    path = write_book(tmp_path / "so.xlsx", [
        case_row(**{"Tài khoản, kênh": "A"}), case_row(**{"Tài khoản, kênh": "B"}),
        case_row(**{"Tài khoản, kênh": "C", "Mã vụ việc": "VV2026-00001"}),
    ])
    result = importing.import_workbook(db, officer, path, today=TODAY)
    assert result.codes == ("VV2026-00002", "VV2026-00003", "VV2026-00001")


def test_imported_cases_are_found_by_their_code_given_or_numbered_and_their_words(
    db: Database, officer: Actor, tmp_path: Path
) -> None:
    """A case's search key begins with its code, which the import gives the rows it
    numbers after making them."""
    from app.services.search import CaseQuery, search_case_ids

    path = write_book(tmp_path / "so.xlsx", [
        case_row(**{"Tài khoản, kênh": "Trang A", "Tóm tắt nội dung": "Tin đồn vỡ đê điều"}),
        case_row(**{"Tài khoản, kênh": "Trang B", "Mã vụ việc": "VV2026-00009"}),
    ])
    numbered, given = importing.import_workbook(db, officer, path, today=TODAY).codes
    with db.read() as session:
        ids = dict(session.execute(select(Case.code, Case.id)).all())
    assert given == "VV2026-00009" and numbered != given
    assert search_case_ids(db, CaseQuery(text=numbered)) == [ids[numbered]]
    assert search_case_ids(db, CaseQuery(text="vv2026-00009")) == [ids[given]]
    assert search_case_ids(db, CaseQuery(text="de dieu trang a")) == [ids[numbered]]


def test_import_is_audited_and_needs_the_import_permission(db: Database, officer: Actor,
                                                           viewer: Actor, tmp_path: Path) -> None:
    from app.errors import NotAllowed
    from app.models import AuditEntry

    path = write_book(tmp_path / "so.xlsx", [case_row()])
    with pytest.raises(NotAllowed):
        importing.check_workbook(db, viewer, path, today=TODAY)
    importing.import_workbook(db, officer, path, today=TODAY)
    with db.read() as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "import")
                                ).scalar_one()
    assert entry.username == "canbo" and '"cases": 1' in entry.detail


def test_rows_breaking_the_sanction_path_are_imported_with_a_warning(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    """A register kept before the program: a fine on an unidentified offender, a fine with
    no biên bản. The import template's errors stay as its specification lists them; these
    are warnings, and "chốt số liệu" later refuses them."""
    fine = {"Ngày quyết định xử phạt": "08/10/2026", "Số tiền phạt (đồng)": "7.500.000"}
    path = write_book(tmp_path / "so.xlsx", [
        case_row(**fine, **{"Tài khoản, kênh": "Trang một"}),
        case_row(**fine, **{"Họ tên đối tượng": "Trần Văn Bình", "Tài khoản, kênh": "Trang hai"}),
        case_row(**{"Họ tên đối tượng": "Lê Văn Tám", "Tài khoản, kênh": "Trang ba"}),
    ])
    preview = check(db, officer, path)
    assert not preview.errors
    (unknown,) = problems_at(preview, 2, "Ngày quyết định xử phạt")
    assert unknown.is_warning and "Chưa xác định được đối tượng" in unknown.message
    (no_record,) = problems_at(preview, 3, "Ngày quyết định xử phạt")
    assert no_record.is_warning and "cần biên bản" in no_record.message
    assert len(preview.problems) == 2
    result = importing.import_workbook(db, officer, path, today=TODAY)
    assert result.count == 3 and len(result.warnings) == 2


@pytest.mark.sqlite_only  # a server's cache is the server's
def test_the_import_writes_with_a_larger_page_cache_and_gives_it_back(
    db: Database, officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool's connection goes back to its own cache after the import, failed or not."""
    from app.db.storage import BULK_CACHE_KIB

    def cache(session: Any) -> int:
        return int(session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one())

    seen: list[int] = []
    used: list[Any] = []  # the import's own connection, whichever the pool hands out next
    insert = importing.insert_case_rows

    def watching(session: Any, cases: Any, **options: Any) -> list[str]:
        seen.append(cache(session))
        used.append(session.connection().connection.dbapi_connection)
        if len(seen) == 2:
            raise RuntimeError("ổ đĩa đầy")
        return insert(session, cases, **options)

    monkeypatch.setattr(importing, "insert_case_rows", watching)
    with db.write() as session:
        own = cache(session)
    path = write_book(tmp_path / "so.xlsx", [case_row()])
    importing.import_workbook(db, officer, path, today=TODAY)
    with pytest.raises(RuntimeError):
        importing.import_workbook(db, officer, path, today=TODAY)
    assert seen == [-BULK_CACHE_KIB] * 2 and own != -BULK_CACHE_KIB
    for connection in used:
        assert connection.execute("PRAGMA cache_size").fetchone()[0] == own
