"""The Excel workbook of the report: one sheet per form (shared/spec/report-forms.md).

openpyxl's write-only mode streams rows to the file. Each cell takes a copy of
a styled template cell's style array: assigning fonts and borders per cell
would look every style up again.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.reports.figures import ReportFigures
from app.reports.files import written_atomically
from app.reports.forms import Cell, Column, Form, Kind, all_forms
from app.services.progress import CancelToken, Progress
from app.services.settings import OfficeSettings

FONT = "Times New Roman"
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
# Text a spreadsheet would read as a formula (or a formula's start) when typed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_ROW = 6  # unit (1–2), title (3), period (4), blank (5), headers (6)
LINE_POINTS = 15.0  # one line of 11 pt Times New Roman
CHARS_PER_WIDTH = 1.4  # characters of 11 pt Times New Roman per unit of Excel column width
ROWS_PER_TICK = 200

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="top")


class _Styles:
    """One template cell per look; new cells are made with its style array."""

    def __init__(self, sheet: object) -> None:
        self._sheet = sheet
        regular, bold = Font(name=FONT, size=11), Font(name=FONT, size=11, bold=True)
        self._templates = {
            "unit": self._make(Font(name=FONT, size=12), None, None, None),
            "unit_bold": self._make(Font(name=FONT, size=12, bold=True), None, None, None),
            "form": self._make(Font(name=FONT, size=11, italic=True),
                               Alignment(horizontal="right"), None, None),
            "title": self._make(Font(name=FONT, size=14, bold=True), _CENTRE, None, None),
            "period": self._make(Font(name=FONT, size=12, italic=True),
                                 Alignment(horizontal="center"), None, None),
            "header": self._make(Font(name=FONT, size=11, bold=True), _CENTRE, _BORDER, None),
        }
        for prefix, font in (("", regular), ("total_", bold)):
            self._templates.update({
                f"{prefix}{Kind.INDEX}": self._make(font, Alignment(horizontal="center",
                                                                    vertical="top"),
                                                    _BORDER, None),
                f"{prefix}{Kind.TEXT}": self._make(font, _WRAP_LEFT, _BORDER, None),
                f"{prefix}{Kind.USER_TEXT}": self._make(font, _WRAP_LEFT, _BORDER, None),
                f"{prefix}{Kind.COUNT}": self._make(font, _RIGHT, _BORDER, MONEY_FORMAT),
                f"{prefix}{Kind.MONEY}": self._make(font, _RIGHT, _BORDER, MONEY_FORMAT),
                f"{prefix}{Kind.DATE}": self._make(font, Alignment(horizontal="center",
                                                                   vertical="top"),
                                                   _BORDER, DATE_FORMAT),
            })

    def _make(self, font: Font, alignment: Alignment | None, border: Border | None,
              number_format: str | None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self._sheet)
        cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if border is not None:
            cell.border = border
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def cell(self, value: Cell, look: str) -> SheetCell:
        cell = SheetCell(self._sheet, row=1, column=1, value=_safe(value),
                         style_array=self._templates[look]._style)
        if isinstance(value, str):
            # Always a plain string: never a formula ("=…") nor an error code ("#N/A").
            cell.data_type = "s"
            if value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True  # stays text when edited in Excel or LibreOffice
        return cell


def _stream_cells(sheet: Any) -> None:
    """Hand our styled cells straight to openpyxl's row writer.

    Its own `_values_to_row` first tries every appended cell as a value and formats a
    ValueError for it, a third of the time of writing a styled row. Should a later
    openpyxl no longer call this hook, rows are still written, only slower.
    """
    def cells(row: Sequence[SheetCell | None], row_index: int) -> Iterator[SheetCell]:
        for column, cell in enumerate(row, start=1):
            if cell is not None:
                cell.row, cell.column = row_index, column
                yield cell

    sheet._values_to_row = cells


def _safe(value: Cell) -> Cell:
    """Control characters a workbook cannot hold are dropped from text."""
    if isinstance(value, str):
        return str(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _height(values: Sequence[Cell], columns: Sequence[tuple[int, int]]) -> float:
    """Row height that shows every wrapped line (Excel does not fit rows when it opens a
    file); `columns` are the wrapping columns and how many characters fit on a line."""
    lines = 1
    for index, per_line in columns:
        value = values[index]
        if isinstance(value, str) and (len(value) > per_line or "\n" in value):
            lines = max(lines, sum(max(1, math.ceil(len(part) / per_line))
                                   for part in value.split("\n")))
    return LINE_POINTS * lines + 3


def _per_line(columns: Sequence[Column], kinds: Sequence[Kind]) -> list[tuple[int, int]]:
    return [(i, max(1, int(c.width * CHARS_PER_WIDTH)))
            for i, c in enumerate(columns) if c.kind in kinds]


def _write_form(workbook: Workbook, form: Form, office: OfficeSettings, period_label: str,
                tick: _Ticker) -> None:
    sheet = workbook.create_sheet(form.sheet)
    _stream_cells(sheet)
    styles = _Styles(sheet)
    widths = [c.width for c in form.columns]
    wrapping = _per_line(form.columns, (Kind.TEXT, Kind.USER_TEXT))
    last = get_column_letter(len(form.columns))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in (3, 4):
        sheet.merged_cells.add(f"A{row}:{last}{row}")
    sheet.row_dimensions[3].height = 2 * LINE_POINTS + 6
    sheet.row_dimensions[HEADER_ROW].height = _height([c.header for c in form.columns],
                                                      _per_line(form.columns, tuple(Kind)))
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6

    blank = [None] * (len(form.columns) - 1)
    sheet.append([styles.cell(office.managing_body, "unit"), *blank[:-1],
                  styles.cell(f"Biểu số {form.number}", "form")])
    sheet.append([styles.cell(office.unit_name, "unit_bold")])
    sheet.append([styles.cell(form.title, "title")])
    sheet.append([styles.cell(period_label, "period")])
    sheet.append([])
    sheet.append([styles.cell(c.header, "header") for c in form.columns])
    looks = [str(c.kind) for c in form.columns]
    for row_number, values in enumerate(form.rows, start=HEADER_ROW + 1):
        sheet.row_dimensions[row_number].height = _height(values, wrapping)
        sheet.append([styles.cell(v, look) for v, look in zip(values, looks, strict=True)])
        tick()
    if form.total is not None:
        sheet.append([styles.cell(v, f"total_{look}")
                      for v, look in zip(form.total, looks, strict=True)])


class _Ticker:
    """Progress every few hundred rows, and the place where a cancel takes effect."""

    def __init__(self, total: int, progress: Progress | None, token: CancelToken | None) -> None:
        self.total, self.done = total, 0
        self._progress, self._token = progress, token

    def __call__(self) -> None:
        self.done += 1
        if self.done % ROWS_PER_TICK == 0 or self.done == self.total:
            if self._token is not None:
                self._token.raise_if_cancelled()
            if self._progress is not None:
                self._progress(self.done, self.total)


def write_workbook(figures: ReportFigures, office: OfficeSettings, target: Path, *,
                   progress: Progress | None = None, token: CancelToken | None = None) -> None:
    forms = all_forms(figures)
    tick = _Ticker(sum(len(f.rows) for f in forms), progress, token)
    workbook = Workbook(write_only=True)
    try:
        for form in forms:
            _write_form(workbook, form, office, figures.period.label, tick)
    except BaseException:
        _discard(workbook)
        raise
    with written_atomically(target) as temporary:
        workbook.save(temporary)


def _discard(workbook: Workbook) -> None:
    """Close and delete the rows streamed so far (openpyxl keeps them in temporary files)."""
    for sheet in workbook.worksheets:
        sheet.close()
        sheet._writer.cleanup()
