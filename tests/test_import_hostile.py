"""Hostile workbooks: refused before the reader spends anything on them, and a reader that
fails all the same ends alone, with a message, while the program goes on.

Each file is built part by part with zipfile, as small as an attacker would make it.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from app.db import Database
from app.domain.import_problems import FileRefused
from app.importing import package, reader, worker
from app.importing.columns import CASE_COLUMNS
from app.importing.package import shared_string_sizes, shared_text_bytes
from app.progress import Cancelled, CancelToken
from app.services import importing
from app.services.actor import Actor
from tests.conftest import TODAY
from tests.test_import import case_count, case_row, snapshot, write_book

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEADERS = ("Ngày phát hiện", "Nền tảng", "Tài khoản, kênh", "Nhóm hành vi vi phạm",
           "Tóm tắt nội dung")
ENDED = "chương trình đọc tệp dừng bất thường"


def shared_strings(items: Sequence[str]) -> str:
    return f'<sst xmlns="{MAIN}">{"".join(items)}</sst>'


def workbook(path: Path, rows: str, strings: str | None = None, after_rows: str = "") -> Path:
    """A one-sheet workbook with the template's header row (inline text), then `rows`
    (`<row>` elements), then `after_rows` (merged ranges); `strings` is its
    xl/sharedStrings.xml."""
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{text}</t></is></c>'
                     for i, text in enumerate(HEADERS))
    parts = {
        "[Content_Types].xml":
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{TYPES}.worksheet+xml"/></Types>',
        "_rels/.rels":
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELATIONSHIPS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            '<sheet name="Vụ việc" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELATIONSHIPS}/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml":
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{header}</row>{rows}'
            f'</sheetData>{after_rows}</worksheet>',
    }
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zipped:
        for name, text in parts.items():
            zipped.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return path


def repeated_summary(path: Path, length: int, cells: int) -> Path:
    """One shared string of `length` characters, the summary of `cells` rows."""
    rows = "".join(f'<row r="{r}"><c r="E{r}" t="s"><v>0</v></c></row>'
                   for r in range(2, cells + 2))
    return workbook(path, rows, shared_strings([f"<si><t>{'x' * length}</t></si>"]))


def far_apart(path: Path) -> Path:
    """A header and one cell in the last cell of a sheet: calamine asks for the dense
    table between them, 2^20 rows × 2^14 columns × 32 bytes (512 GiB)."""
    return workbook(path, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


@pytest.fixture
def never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reading process must not even start."""
    def refuse_to_start(*_args: object) -> None:
        raise AssertionError("the file reached the reader")

    monkeypatch.setattr(reader, "ReadingProcess", refuse_to_start)


def refused(db: Database, officer: Actor, path: Path) -> str:
    before = snapshot(db)
    with pytest.raises(FileRefused) as refusal:
        importing.import_workbook(db, officer, path, today=TODAY)
    assert snapshot(db) == before
    assert not multiprocessing.active_children()  # no reading process left behind
    return refusal.value.message


# --- Refused on the package's bytes, before the reader is started.


@pytest.mark.usefixtures("never_read")
def test_a_long_shared_string_in_hundreds_of_cells_is_refused_before_reading(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    # 900,000 characters in 400 cells: 343 MB in the reader for a file of a few KB.
    path = repeated_summary(tmp_path / "lap-lai.xlsx", 900_000, 400)
    assert path.stat().st_size < 10_000
    assert refused(db, officer, path) == (
        "Tệp «lap-lai.xlsx» không đọc được: có đoạn chữ được lặp lại ở nhiều ô, khi đọc sẽ "
        "chiếm 343 MB bộ nhớ, trong khi cả một sổ vụ việc cần chưa tới 256 MB. Hãy mở tệp bằng "
        "Excel, kiểm tra các ô có chữ rất dài rồi lưu lại, hoặc chia sổ thành nhiều tệp nhỏ "
        "hơn.")


@pytest.mark.usefixtures("never_read")
def test_a_string_longer_than_excel_can_hold_is_refused_before_reading(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    # The file: 4 MB of one letter in 500 cells, 8 KB zipped, 2 GB in the reader.
    path = repeated_summary(tmp_path / "dai.xlsx", 4_000_000, 500)
    assert path.stat().st_size < 10_000
    assert refused(db, officer, path) == (
        "Tệp «dai.xlsx» có một ô chữ dài 3.906 KB, dài hơn mọi ô Excel lưu được (tối đa "
        "32.767 ký tự): tệp bị hỏng hoặc không do Excel tạo ra, chương trình không đọc.")


@pytest.mark.usefixtures("never_read")
def test_twenty_thousand_merged_ranges_are_refused_before_reading(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    merges = '<mergeCell ref="A1:B1"/>' * 20_000
    path = workbook(tmp_path / "gop.xlsx", "", after_rows=f'<mergeCells count="20000">{merges}'
                                                           "</mergeCells>")
    assert path.stat().st_size < 10_000
    assert refused(db, officer, path) == (
        "Tệp «gop.xlsx» có một trang gộp 20.000 vùng ô (giới hạn 1.000): mẫu nhập chỉ gộp ô ở "
        "tiêu đề, mỗi vụ việc một dòng. Hãy bỏ gộp ô (Excel: Trang đầu › Gộp và Căn giữa › Bỏ "
        "gộp ô) rồi lưu lại.")


def test_a_register_saved_with_shared_strings_still_imports(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    # openpyxl saves text as shared strings, as Excel does.
    rows = [case_row(**{"Tài khoản, kênh": f"Trang {i}", "Tóm tắt nội dung": "Tin giả " * 500})
            for i in range(300)]
    path = write_book(tmp_path / "so.xlsx", rows, above=[["SỔ THEO DÕI"]])
    assert importing.import_workbook(db, officer, path, today=TODAY).count == 300


# --- Shared strings counted as calamine reads them.

STRINGS = [
    "<si><t>" + "a" * 10 + "</t></si>",
    "<si><t/></si>",  # an empty string, as Excel writes it
    "<si><r><t>bb</t></r><r><rPr><b/></rPr><t>" + "c" * 300 + "</t></r></si>",
    "<si><r><t>dd</t></r><rPh sb='0' eb='1'><t>" + "p" * 5000 + "</t></rPh></si>",
    "<si><t>" + "e" * 2000 + "</t><t>" + "i" * 7000 + "</t></si>",
    f'<x:si xmlns:x="{MAIN}"><x:t>' + "f" * 40 + "</x:t></x:si>",
    '<si><t xml:space="preserve">  ' + "ô" * 700 + "  </t></si>",
    "<si><t>" + "h&amp;" * 100 + "</t></si>",
]


def test_each_string_is_sized_at_the_index_calamine_gives_it(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{i + 2}"><c r="A{i + 2}" t="s"><v>{i}</v></c></row>'
                   for i in range(len(STRINGS)))
    strings = shared_strings(STRINGS)
    path = workbook(tmp_path / "chuoi.xlsx", rows, strings)
    book = CalamineWorkbook.from_path(str(path))
    read = [str(row[0]) for row in book.get_sheet_by_name("Vụ việc").to_python()[1:]]
    sizes = shared_string_sizes("chuoi.xlsx", strings.encode())
    # Each <si> from its start tag to its end tag: the string calamine gives its index
    # fits in it.
    assert sizes == [len(item.encode()) - len(item[item.rindex("</"):]) for item in STRINGS]
    assert all(len(text.encode()) <= size for text, size in zip(read, sizes, strict=True))


def test_a_string_without_text_makes_every_index_count_as_the_longest() -> None:
    # Calamine's versions differ on whether it takes an index: the ones after it may name
    # the next string.
    strings = shared_strings(["<si/>", "<si><t>ab</t></si>", f"<si><t>{'x' * 90}</t></si>"])
    assert shared_string_sizes("x.xlsx", strings.encode()) == [101, 101, 101]


@pytest.mark.parametrize(("cell", "charged"), [
    ('<c r="A2" t="s"><v>1</v></c>', 20),  # as Excel writes it
    ('<x:c r="A2" t="s"><x:v>1</x:v></x:c>', 20),  # with a namespace prefix
    ('<c r="A2" t="s" s="3"><v>1</v></c>', 900),  # another order: the longest string
    ("<c r='A2' t='s'><v>1</v></c>", 900),
    ('<c r="A2" t="s"><v> 1</v></c>', 900),  # calamine reads " 1" as index 0
    ('<c r="A2" t="s"><v>1</v><v>0</v></c>', 900),  # the last <v> is the one kept
    ('<c r="A2" t="s"><v>7</v></c>', 900),  # past the table
    ('<c r="A2" t="n"><v>1</v></c>', 0),
    ('<c r="A2" t="inlineStr"><is><t>s</t></is></c>', 0),
])
def test_cells_written_otherwise_are_charged_the_longest_string(cell: str,
                                                                charged: int) -> None:
    assert shared_text_bytes(f"<sheetData><row>{cell}</row></sheetData>".encode(),
                             [900, 20, 5]) == charged


def test_a_shared_strings_part_calamine_cannot_read_is_refused(db: Database, officer: Actor,
                                                               tmp_path: Path) -> None:
    for number, strings in enumerate([
        "<sst><si><t>a</t></si>",  # not closed
        '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]><sst><si><t>&a;</t></si></sst>',
        "<sst><si><t>a</t><si><t>b</t></si></si></sst>",  # calamine's versions differ
    ]):
        path = workbook(tmp_path / f"hong-{number}.xlsx", "", strings)
        assert refused(db, officer, path).startswith(
            f"Tệp «hong-{number}.xlsx» không phải tệp Excel .xlsx đọc được (cấu trúc bên "
            "trong bị hỏng)")


def test_names_alike_but_for_case_are_refused(db: Database, officer: Actor,
                                              tmp_path: Path) -> None:
    # Calamine finds a part whatever the case of its name: the one checked could be
    # another than the one read.
    path = repeated_summary(tmp_path / "hoa-thuong.xlsx", 10, 1)
    with zipfile.ZipFile(path, "a") as zipped:
        zipped.writestr("xl/SharedStrings.xml", shared_strings(["<si><t>x</t></si>"]))
    assert "(cấu trúc nén bất thường)" in refused(db, officer, path)


# --- A reader that fails ends alone.


def test_a_reader_that_aborts_is_refused_and_the_program_goes_on(
        db: Database, officer: Actor, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Calamine asks for 512 GiB at once, fails and aborts its process.
    with caplog.at_level(logging.INFO, logger=worker.__name__):
        message = refused(db, officer, far_apart(tmp_path / "xa.xlsx"))
    assert [r.getMessage().split(" code ")[0] for r in caplog.records] == [
        "import reader process ended with exit"]
    assert message == (
        "Không đọc được tệp «xa.xlsx»: chương trình đọc tệp dừng bất thường (tệp bị hỏng, hoặc "
        "cần nhiều bộ nhớ hơn hẳn một sổ vụ việc). Chưa có gì được nhập. Hãy mở tệp bằng Excel, "
        "kiểm tra rồi lưu lại, hoặc chia sổ thành nhiều tệp nhỏ hơn.")
    path = write_book(tmp_path / "so.xlsx", [case_row()])
    assert importing.import_workbook(db, officer, path, today=TODAY).count == 1


@pytest.mark.skipif(sys.platform == "win32", reason="no address-space limit on Windows")
def test_the_reader_cannot_take_more_memory_than_its_limit(
        db: Database, officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 900,000 characters in 1,200 cells, let through: 1 GB of copies, beyond a 512 MB cap.
    monkeypatch.setattr(package, "MAX_SHARED_TEXT_BYTES", 1 << 40)
    monkeypatch.setattr(worker, "MEMORY_LIMIT", 512 * package.MB)
    assert ENDED in refused(db, officer, repeated_summary(tmp_path / "lon.xlsx", 900_000, 1200))


def test_a_sheet_calamine_refuses_is_a_damaged_file(db: Database, officer: Actor,
                                                    tmp_path: Path) -> None:
    path = workbook(tmp_path / "o-hong.xlsx", '<row r="2"><c r="XFD"><v>1</v></c></row>')
    assert refused(db, officer, path).startswith(
        "Tệp «o-hong.xlsx» không phải tệp Excel .xlsx đọc được (cấu trúc bên trong bị hỏng)")


def test_cancelling_stops_the_reader(db: Database, officer: Actor, tmp_path: Path) -> None:
    path = write_book(tmp_path / "so.xlsx", [case_row()])
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        importing.check_workbook(db, officer, path, today=TODAY, token=token)
    assert not multiprocessing.active_children()
    assert case_count(db) == 0


def test_rows_come_in_batches_and_sheets_are_released(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "FIRST_BATCH_CELLS", 3)
    monkeypatch.setattr(reader, "BATCH_CELLS", 7)
    path = write_book(tmp_path / "so.xlsx", [case_row(**{"Tài khoản, kênh": f"T{i}"})
                                             for i in range(40)])
    with reader.open_workbook(path) as book:
        sheet = book.sheet(book.sheet_names[0])
        account = next(i for i, column in enumerate(CASE_COLUMNS)
                       if column.header == "Tài khoản, kênh")
        rows: Iterator[tuple[int, list[reader.Cell]]] = sheet.rows(3)
        read = [(n, cells[account]) for n, cells in rows]
        assert read == [(n, f"T{n - 2}") for n in range(3, 42)]
        assert list(sheet.column(account, 40)) == [(40, "T38"), (41, "T39")]
        assert list(sheet.column(100, 41)) == [(41, "")]
        del sheet, rows
        assert book.released == [1]
        again = book.sheet(book.sheet_names[0])  # the first is released with this request
        assert book.released == []
        assert list(again.column(account, 41)) == [(41, "T39")]
