"""Writing the program's workbooks (template, export, problem list) the same way.

Streaming (openpyxl write-only) so a 100,000-case export stays small in memory;
a header row styled alike everywhere; text never stored as a formula; the file
written beside its target and renamed at the end, optionally encrypted, so a
failed or cancelled write leaves nothing behind.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from app.errors import UserError
from app.importing.columns import Column, Parse, SheetLayout

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


def add_table_sheet(book: Workbook, title: str, headers: Sequence[HeaderSpec], *,
                    freeze: str = "A2") -> WriteOnlyWorksheet:
    """A sheet with its styled header row written; rows are appended after it."""
    sheet: WriteOnlyWorksheet = book.create_sheet(title)
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
    """Drop a book that will not be saved. A write-only sheet keeps its rows in a file of the
    system's temporary folder until saved; those rows may name children, so they go now."""
    for sheet in book.worksheets:
        writer = sheet._writer
        if writer is None:
            continue
        if not sheet.closed:
            sheet.close()
        if os.path.exists(writer.out):  # not yet removed by a save
            writer.cleanup()


def save_book(book: Workbook, path: Path, password: str | None = None) -> None:
    """Write `book` to `path` through a temporary file in the same folder, renamed at the end."""
    temp: Path | None = None
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        os.close(handle)
        temp = Path(name)
        if password:
            plain = io.BytesIO()
            book.save(plain)
            plain.seek(0)
            with temp.open("wb") as out:
                OOXMLFile(plain).encrypt(password, out)
        else:
            book.save(temp)
        os.replace(temp, path)
    except BaseException as exc:
        discard_book(book)
        if temp is not None:
            temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UserError(f"Không ghi được tệp «{path}»: {exc.strerror or exc}.") from exc
        raise
