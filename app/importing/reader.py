"""Opening an untrusted workbook safely, then reading its cell values with python-calamine.

Every check that bounds the work (file size, zip bomb, rows and cells, shared strings,
merged ranges, encryption) runs on the bytes before calamine builds a sheet in memory
(`package.py`), and calamine itself runs in a process of its own (`worker.py`): a file
that still makes it fail is refused, the program goes on. Calamine reads the values
Excel stored, including the cached result of a formula: nothing in a file is ever
evaluated.
"""

from __future__ import annotations

import io
import weakref
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from app.domain.import_problems import FileRefused, PasswordRequired
from app.importing.package import MB, check_package, refuse
from app.importing.worker import BATCH_CELLS, FIRST_BATCH_CELLS, ReadingProcess
from app.progress import CancelToken

Cell = str | float | int | bool | date | datetime | time | timedelta

MAX_FILE_BYTES = 100 * MB
MAX_CASE_ROWS = 100_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class SheetRows:
    """One sheet as the reading process holds it; its rows can be read more than once,
    each pass fetching them in batches.

    `rows()` yields (Excel row number, cells) from the sheet's first row; each row lists
    the cells from column `first_column` (0-based). `column()` yields one cell a row.
    """

    def __init__(self, book: OpenedWorkbook, name: str, number: int, height: int,
                 first_column: int, merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...]
                 ) -> None:
        self.name = name
        self.height = height
        self.first_column = first_column
        self.merged = merged
        self._book = book
        self._number = number
        # The process keeps the sheet until this object is gone.
        weakref.finalize(self, book.released.append, number)

    def rows(self, start: int = 1) -> Iterator[tuple[int, list[Cell]]]:
        """The rows from Excel row `start` on."""
        return self._read(start, None)

    def column(self, position: int, start: int = 1) -> Iterator[tuple[int, Cell]]:
        """The cell at `position` of each row from Excel row `start` on ("" past a row's
        end): one column of a large sheet without sending the others across."""
        return self._read(start, position)

    def _read(self, start: int, column: int | None) -> Iterator[tuple[int, Any]]:
        number, size = start, FIRST_BATCH_CELLS
        while True:
            batch, last = self._book.call("rows", self._number, number, size, column)
            for item in batch:
                yield number, item
                number += 1
            if last:
                return
            size = min(2 * size, BATCH_CELLS)


class OpenedWorkbook:
    def __init__(self, process: ReadingProcess, total_rows: int) -> None:
        self._process = process
        # Sheets dropped since the last request, released with the next one.
        self.released: list[int] = []
        self.sheet_names = process.sheet_names
        # Rows of every sheet, counted before opening: the total for a progress bar.
        self.total_rows = total_rows

    def sheet(self, name: str) -> SheetRows:
        number, height, first_column, merged = self.call("open", name)
        return SheetRows(self, name, number, height, first_column, merged)

    def call(self, *request: object) -> Any:
        if self.released:
            self._process.send("release", tuple(self.released))
            self.released.clear()
        return self._process.call(*request)

    def close(self) -> None:
        self._process.close()

    def __enter__(self) -> OpenedWorkbook:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def open_workbook(path: Path, password: str | None = None,
                  token: CancelToken | None = None) -> OpenedWorkbook:
    """Check `path` and open it in a reading process; raises `FileRefused` or
    `PasswordRequired` with a message, `Cancelled` when `token` is cancelled while the
    process works."""
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
        raise refuse(name)
    total_rows = check_package(name, data)
    # The process reads the very bytes checked, decrypted if need be.
    return OpenedWorkbook(ReadingProcess(name, data, token), total_rows)


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
        raise refuse(name) from exc
    if not isinstance(office, OOXMLFile) or not office.is_encrypted():
        raise refuse(name, " (có thể là định dạng Excel 97-2003 .xls cũ)")
    if not password:
        raise PasswordRequired(f"Tệp «{name}» được đặt mật khẩu: cần mật khẩu mở tệp để đọc.")
    plain = io.BytesIO()
    try:
        office.load_key(password=password, verify_password=True)
        office.decrypt(plain)
    except InvalidKeyError as exc:
        raise PasswordRequired(f"Mật khẩu mở tệp «{name}» không đúng.") from exc
    except (DecryptionError, FileFormatError, ValueError, KeyError) as exc:
        raise refuse(name, " (cách mã hóa tệp này không được hỗ trợ)") from exc
    return plain.getvalue()
