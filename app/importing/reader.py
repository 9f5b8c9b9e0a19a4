"""Opening an untrusted workbook safely, then reading its cell values with python-calamine.

Every check that bounds the work (file size, zip bomb, rows and cells, encryption)
runs on the bytes before calamine builds a sheet in memory. Calamine reads the
values Excel stored, including the cached result of a formula: nothing in a
file is ever evaluated.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import TracebackType

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from app.domain.import_problems import FileRefused, PasswordRequired
from app.text import format_number

Cell = str | float | int | bool | date | datetime | time | timedelta

MB = 1024 * 1024
MAX_FILE_BYTES = 100 * MB
MAX_UNPACKED_BYTES = 100 * MB
MAX_MEMBERS = 10_000
MAX_CASE_ROWS = 100_000
# An optional sheet holds a row per event or child: several per case.
MAX_SHEET_ROWS = 1_000_000
MAX_SHEET_CELLS = 5_000_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = MB
# Start tags of rows and cells, with or without a namespace prefix (`<x:row `).
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")
_CELL_TAGS = (b"<c ", b"<c>", b":c ", b":c>")
_TAIL = 5  # longest tag above, so a tag split across two chunks is still seen

NOT_XLSX = ("Tệp «{name}» không phải tệp Excel .xlsx đọc được{why}. Hãy mở tệp bằng Excel "
            "hoặc LibreOffice và lưu lại dưới dạng «Sổ làm việc Excel (.xlsx)».")


def _refuse(name: str, why: str = "") -> FileRefused:
    return FileRefused(NOT_XLSX.format(name=name, why=why))


class SheetRows:
    """One sheet as calamine holds it in memory; its rows can be read more than once.

    `rows()` yields (Excel row number, cells) from the sheet's first row; each row lists
    the cells from column `first_column` (0-based).
    """

    def __init__(self, name: str, sheet: CalamineSheet) -> None:
        start = sheet.start  # None for an empty sheet
        self.name = name
        self._sheet = sheet if start is not None else None
        self.height = sheet.height if start is not None else 0
        self.first_column = start[1] if start is not None else 0
        self.merged = tuple(sheet.merged_cell_ranges or ())

    def rows(self, start: int = 1) -> Iterator[tuple[int, list[Cell]]]:
        """The rows from Excel row `start` on."""
        if self._sheet is None:
            return iter(())
        return itertools.islice(enumerate(self._sheet.iter_rows(), start=1), start - 1, None)


class OpenedWorkbook:
    def __init__(self, book: CalamineWorkbook, total_rows: int) -> None:
        self._book = book
        self.sheet_names: list[str] = list(book.sheet_names)
        # Rows of every sheet, counted before opening: the total for a progress bar.
        self.total_rows = total_rows

    def sheet(self, name: str) -> SheetRows:
        return SheetRows(name, self._book.get_sheet_by_name(name))

    def close(self) -> None:
        self._book.close()

    def __enter__(self) -> OpenedWorkbook:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def open_workbook(path: Path, password: str | None = None) -> OpenedWorkbook:
    """Check `path` and open it; raises `FileRefused` or `PasswordRequired` with a message."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileRefused(f"Tệp «{name}» nặng {size // MB} MB, lớn hơn nhiều so với một "
                              f"sổ vụ việc (tối đa {MAX_FILE_BYTES // MB} MB): chương trình "
                              "không đọc.")
        data = path.read_bytes()
    except OSError as exc:
        raise FileRefused(f"Không đọc được tệp «{name}»: {exc.strerror or exc}.") from exc
    if data.startswith(_OLE_MAGIC):
        data = _decrypt(name, data, password)
    elif not data.startswith(_ZIP_MAGIC):
        raise _refuse(name)
    total_rows = _check_package(name, data)
    try:
        return OpenedWorkbook(CalamineWorkbook.from_filelike(io.BytesIO(data)), total_rows)
    except CalamineError as exc:
        raise _refuse(name, " (cấu trúc bên trong bị hỏng)") from exc


def _decrypt(name: str, data: bytes, password: str | None) -> bytes:
    """An OLE file is either a password-protected xlsx or an old binary .xls."""
    # Loaded here, for the rare protected file: msoffcrypto and its cryptography weigh
    # on every import otherwise.
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError
    from msoffcrypto.format.ooxml import OOXMLFile

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
    except (FileFormatError, OSError, ValueError) as exc:
        raise _refuse(name) from exc
    if not isinstance(office, OOXMLFile) or not office.is_encrypted():
        raise _refuse(name, " (có thể là định dạng Excel 97-2003 .xls cũ)")
    if not password:
        raise PasswordRequired(f"Tệp «{name}» được đặt mật khẩu: cần mật khẩu mở tệp để đọc.")
    plain = io.BytesIO()
    try:
        office.load_key(password=password, verify_password=True)
        office.decrypt(plain)
    except InvalidKeyError as exc:
        raise PasswordRequired(f"Mật khẩu mở tệp «{name}» không đúng.") from exc
    except (DecryptionError, FileFormatError, ValueError, KeyError) as exc:
        raise _refuse(name, " (cách mã hóa tệp này không được hỗ trợ)") from exc
    return plain.getvalue()


def _check_package(name: str, data: bytes) -> int:
    """Refuse a zip bomb or a sheet far larger than any register, reading nothing into memory.

    The declared sizes are summed first; then every member is inflated in chunks,
    which also proves the declared sizes true (zipfile stops at the declared size
    and checks the CRC) and counts the row and cell tags of each sheet. Returns the
    number of rows of all sheets.
    """
    total_rows = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            names = [m.filename for m in members]
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise _refuse(name, " (không có bảng tính Excel bên trong)")
            if len(members) > MAX_MEMBERS or len(set(names)) != len(names):
                raise _refuse(name, " (cấu trúc nén bất thường)")
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_UNPACKED_BYTES:
                raise _too_large(name, f"giải nén ra {unpacked // MB} MB, vượt giới hạn "
                                       f"{MAX_UNPACKED_BYTES // MB} MB")
            for member in members:
                rows, cells = _count_tags(package, member)
                if rows > MAX_SHEET_ROWS or cells > MAX_SHEET_CELLS:
                    raise _too_large(name, f"một trang có {format_number(rows)} dòng, "
                                           f"{format_number(cells)} ô (giới hạn "
                                           f"{format_number(MAX_SHEET_ROWS)} dòng, "
                                           f"{format_number(MAX_SHEET_CELLS)} ô)")
                total_rows += rows
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise _refuse(name, " (tệp nén bị hỏng hoặc dùng cách nén không hỗ trợ)") from exc
    return total_rows


def _too_large(name: str, why: str) -> FileRefused:
    return FileRefused(f"Tệp «{name}» lớn hơn nhiều so với một sổ vụ việc ({why}): chương "
                       "trình không đọc. Hãy chia sổ thành nhiều tệp nhỏ hơn.")


def _count_tags(package: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int]:
    rows = cells = 0
    tail = b""
    with package.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            # Tags wholly inside the carried tail were counted with the previous chunk.
            rows += sum(window.count(t) - tail.count(t) for t in _ROW_TAGS)
            cells += sum(window.count(t) - tail.count(t) for t in _CELL_TAGS)
            tail = window[-_TAIL:]
    return rows, cells
