"""The look of the program's case workbooks (template, export, problem list): a header row
styled alike everywhere, each column's number format; the cells themselves are made by
`app.reports.spreadsheet` (text never stored as a formula, written beside the target and
renamed when complete, encrypted in memory when protected)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.importing.columns import Column, Parse, SheetLayout
from app.reports.spreadsheet import Book, Look, PageSetup, Sheet

FONT = "Calibri"
DATE_FORMAT = "DD/MM/YYYY"
NUMBER_FORMATS = {Parse.DATE: DATE_FORMAT, Parse.INTEGER: "#,##0", Parse.YEAR: "0"}
TEXT_FORMAT = "@"
REQUIRED_FILL = "F8CBAD"
OPTIONAL_FILL = "DDEBF7"
EDGE = "A6A6A6"
HEADER_HEIGHT = 48
TABLE_PAGE = PageSetup(title_row=1)


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


class CaseLooks:
    """The looks of a case workbook, made once per book."""

    def __init__(self, book: Book) -> None:
        self.required, self.optional = (
            book.look(font=FONT, size=11, bold=True, border=EDGE, align="center",
                      valign="vcenter", wrap=True, fill=fill)
            for fill in (REQUIRED_FILL, OPTIONAL_FILL))
        self.title = book.look(font=FONT, size=14, bold=True, valign="top", wrap=True)
        self.bold = book.look(font=FONT, size=11, bold=True)
        self.bold_wrap = book.look(font=FONT, size=11, bold=True, valign="top", wrap=True)
        self.wrap = book.look(valign="top", wrap=True)
        self._formats: dict[str, Look] = {}
        self._book = book

    def number(self, number_format: str) -> Look:
        """The look of a column (and of its dates and numbers) in `number_format`."""
        if number_format not in self._formats:
            self._formats[number_format] = self._book.look(number_format=number_format)
        return self._formats[number_format]

    def header(self, spec: HeaderSpec) -> Look:
        return self.required if spec.required else self.optional


def add_table_sheet(book: Book, looks: CaseLooks, title: str, headers: Sequence[HeaderSpec], *,
                    freeze: str = "A2") -> Sheet:
    """A sheet with its styled header row written; rows are appended after it."""
    sheet = book.sheet(title)
    sheet.columns([spec.width for spec in headers],
                  # Cells typed later in a column take its format (a date shows as a date).
                  [looks.number(spec.number_format) if spec.number_format else None
                   for spec in headers])
    sheet.freeze(freeze)
    sheet.page(TABLE_PAGE)
    append_headers(sheet, looks, headers, height=HEADER_HEIGHT)
    return sheet


def append_headers(sheet: Sheet, looks: CaseLooks, headers: Sequence[HeaderSpec], *,
                   height: float | None = None) -> None:
    sheet.append([spec.text for spec in headers], [looks.header(spec) for spec in headers],
                  height=height)
