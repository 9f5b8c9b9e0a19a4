"""Writing the program's workbooks (template, export, problem list) the same way.

Streaming (openpyxl write-only) so a 100,000-case export stays small in memory;
a header row styled alike everywhere; text never stored as a formula.

Nothing of a workbook reaches the disk before its final bytes: openpyxl's
write-only sheets would stream their rows to files in the system's temporary
folder, where a killed program leaves them in plain text (an export names
children), so each sheet's XML is kept deflated in memory instead (`add_sheet`),
the file is put together in memory, optionally encrypted, and written beside its
target under a hidden name, renamed onto it when complete.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from app.errors import UserError
from app.importing.columns import Column, Parse, SheetLayout

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

DATE_FORMAT = "DD/MM/YYYY"
NUMBER_FORMATS = {Parse.DATE: DATE_FORMAT, Parse.INTEGER: "#,##0", Parse.YEAR: "0"}
TEXT_FORMAT = "@"
# Spreadsheet programs read text starting with these as a formula (or a command
# when the sheet is saved as CSV); such text is always stored as a plain string.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_EDGE = Side(style="thin", color="A6A6A6")
HEADER_FONT = Font(name="Calibri", size=11, bold=True)
TITLE_FONT = Font(name="Calibri", size=14, bold=True)
BOLD_FONT = Font(name="Calibri", size=11, bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(left=_EDGE, right=_EDGE, top=_EDGE, bottom=_EDGE)
WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGNMENT = Alignment(wrap_text=True, horizontal="center", vertical="center")
_HEADER_HEIGHT = 48


@dataclass(frozen=True)
class HeaderSpec:
    text: str
    width: int
    required: bool = False
    number_format: str | None = None


def layout_headers(layout: SheetLayout) -> list[HeaderSpec]:
    return [HeaderSpec(c.header, c.width, c.required, column_format(c)) for c in layout.columns]


def column_format(column: Column) -> str:
    return NUMBER_FORMATS.get(column.parse, TEXT_FORMAT)


def new_book() -> Workbook:
    return Workbook(write_only=True)


class _SheetXml(io.RawIOBase):
    """A sheet's XML as openpyxl writes it, deflated in memory (an eighth of its size)."""

    def __init__(self) -> None:
        super().__init__()
        self._deflate = zlib.compressobj(1)  # fast: the archive deflates it again
        self._deflated = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        self._deflated.write(self._deflate.compress(data))
        return memoryview(data).nbytes

    def copy_to(self, target: IO[bytes]) -> None:
        self._deflated.write(self._deflate.flush())
        inflate = zlib.decompressobj()
        self._deflated.seek(0)
        while chunk := self._deflated.read(1 << 20):
            target.write(inflate.decompress(chunk))
        target.write(inflate.flush())
        self._deflated = io.BytesIO()  # the archive holds it now


def add_sheet(book: Workbook, title: str) -> WriteOnlyWorksheet:
    """A write-only sheet of `book` whose rows are kept in memory (see the module's text).
    Its layout (widths, panes, print setup) is set before the first row, as for any
    write-only sheet."""
    sheet: WriteOnlyWorksheet = book.create_sheet(title)

    def get_writer() -> None:
        # openpyxl 3.1's WriteOnlyWorksheet._get_writer, with a memory buffer for its file.
        if sheet._writer is None:
            sheet._writer = WorksheetWriter(sheet, out=_SheetXml())
            sheet._writer.write_top()

    sheet._get_writer = get_writer
    return sheet


def add_table_sheet(book: Workbook, title: str, headers: Sequence[HeaderSpec], *,
                    freeze: str = "A2") -> WriteOnlyWorksheet:
    """A sheet with its styled header row written; rows are appended after it."""
    sheet = add_sheet(book, title)
    sheet.freeze_panes = freeze
    print_setup(sheet)
    sheet.print_title_rows = "1:1"
    for index, spec in enumerate(headers, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = spec.width
        if spec.number_format:
            # Cells typed later in this column take the format (a date shows as a date).
            dimension.number_format = spec.number_format
    sheet.row_dimensions[1].height = _HEADER_HEIGHT
    sheet.append([header_cell(sheet, spec) for spec in headers])
    return sheet


def print_setup(sheet: WriteOnlyWorksheet, *, fit_width: bool = False) -> None:
    """Landscape A4; `fit_width` shrinks the sheet to the page width (text, not tables)."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    if fit_width:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True


def header_cell(sheet: WriteOnlyWorksheet, spec: HeaderSpec) -> WriteOnlyCell:
    cell = text_cell(sheet, spec.text)
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if spec.required else OPTIONAL_FILL
    cell.border = HEADER_BORDER
    cell.alignment = _HEADER_ALIGNMENT
    return cell


def text_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """A cell holding `text` as a plain string, whatever it starts with."""
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"
    return cell


def value_cell(sheet: WriteOnlyWorksheet, value: object,
               number_format: str | None = None) -> object:
    """What to append for `value`: a plain value where that is safe, else a cell."""
    if isinstance(value, str):
        # Plain strings are the common case and stay cheap; a risky one gets a cell.
        if value.startswith(FORMULA_STARTS) or value in ERROR_CODES or (
            ILLEGAL_CHARACTERS_RE.search(value)
        ):
            return text_cell(sheet, value)
        return value
    if isinstance(value, date | int) and number_format:
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = number_format
        return cell
    return value


def discard_book(book: Workbook) -> None:
    """Drop a book that will not be saved. Its sheets are closed in order: left to the
    collector, openpyxl's row writers end in any order and fail on a closed buffer."""
    for sheet in book.worksheets:
        if sheet._writer is not None and not sheet.closed:
            sheet.close()


def save_book(book: Workbook, path: Path, password: str | None = None) -> None:
    """Write `book` to `path`, encrypted with `password` when one is given, through a
    hidden temporary file in the same folder renamed onto `path` when complete."""
    temp: Path | None = None
    try:
        plain = io.BytesIO()
        with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            # What openpyxl's save_workbook does, with the sheets' XML taken from memory.
            book.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
            writer = ExcelWriter(book, archive)
            writer.write_worksheet = lambda sheet: _write_sheet(writer, sheet)
            writer.write_data()
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        temp = Path(name)
        with os.fdopen(handle, "wb") as out:
            if password:
                plain.seek(0)
                OOXMLFile(plain).encrypt(password, out)
            else:
                out.write(plain.getbuffer())
        os.replace(temp, path)
    except BaseException as exc:
        discard_book(book)
        if temp is not None:
            temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UserError(f"Không ghi được tệp «{path}»: {exc.strerror or exc}.") from exc
        raise


def _write_sheet(writer: Any, sheet: Any) -> None:
    """openpyxl 3.1's ExcelWriter.write_worksheet for a sheet of `add_sheet`: its XML is
    copied from memory into the archive instead of from a temporary file."""
    sheet._drawing = SpreadsheetDrawing()
    sheet._drawing.charts = sheet._charts
    sheet._drawing.images = sheet._images
    if not sheet.closed:
        sheet.close()
    sheet._rels = sheet._writer._rels
    with writer._archive.open(sheet.path[1:], "w", force_zip64=True) as entry:
        sheet._writer.out.copy_to(entry)
    writer.manifest.append(sheet)
