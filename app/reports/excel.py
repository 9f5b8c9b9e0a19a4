"""The Excel workbook of the report: one sheet per form (shared/spec/report-forms.md).

openpyxl's write-only mode streams rows to the file. Its row writer is handed
`_StyledCell`s: each look (font, border, alignment, number format) is registered
with the workbook once, and a cell carries that style's number and a value whose
type the form already knows. openpyxl's own cells would check the value's type
again and hash their style array to find its number, per cell: a third of the
time of writing the month's 170,000 cells. Likewise a row's height is given as
the attributes the row writer copies, not as a RowDimension (a sixth of the rest).
Both lean on openpyxl 3.1's row writer, hence the pin below 3.2.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from copy import copy
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.office import OfficeSettings
from app.domain.report import ReportFigures
from app.domain.report_forms import Cell, Column, Form, Kind, all_forms
from app.progress import CancelToken, Progress
from app.reports.files import written_atomically

FONT = "Times New Roman"
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
# Text a spreadsheet would read as a formula (or a formula's start) when typed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_ROW = 6  # unit (1–2), title (3), period (4), blank (5), headers (6)
LINE_POINTS = 15.0  # one line of 11 pt Times New Roman
CHARS_PER_WIDTH = 1.4  # characters of 11 pt Times New Roman per unit of Excel column width
ROWS_PER_TICK = 200
MAX_TEXT = 32_767  # characters a cell holds (openpyxl cuts longer text too)

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="top")


class _StyledCell:
    """All that openpyxl's row writer reads of a cell (`write_cell` of openpyxl 3.1)."""

    __slots__ = ("_value", "coordinate", "data_type", "parent", "style_id")
    _comment = None
    hyperlink = None
    has_style = True

    def __init__(self, sheet: object, value: object, data_type: str, style_id: int) -> None:
        self.parent = sheet  # the writer reads the workbook's date epoch through it
        self._value, self.data_type, self.style_id = value, data_type, style_id
        self.coordinate = ""


class _Styles:
    """Each look's style numbers in the workbook: as it is, and with the quote prefix that
    keeps text starting like a formula a text when it is edited."""

    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet
        self._registry = sheet.parent._cell_styles  # the workbook's list of style arrays
        regular, bold = Font(name=FONT, size=11), Font(name=FONT, size=11, bold=True)
        templates = {
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
            templates.update({
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
        self._arrays = {look: template._style for look, template in templates.items()}
        self._ids = {look: self._registry.add(array)
                     for look, array in self._arrays.items()}
        self._quoted: dict[str, int] = {}  # registered when first needed

    def _make(self, font: Font, alignment: Alignment | None, border: Border | None,
              number_format: str | None) -> WriteOnlyCell:
        """A cell styled as openpyxl documents it: it registers the fonts, borders and
        number formats with the workbook."""
        cell = WriteOnlyCell(self._sheet)
        cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if border is not None:
            cell.border = border
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def cell(self, value: Cell, look: str) -> _StyledCell:
        if isinstance(value, str):
            # Always a plain string: never a formula ("=…") nor an error code ("#N/A").
            text = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]
            style = (self._quoted_id(look) if text.startswith(FORMULA_STARTS)
                     else self._ids[look])
            return _StyledCell(self._sheet, text, "s", style)
        if isinstance(value, date):
            return _StyledCell(self._sheet, value, "d", self._ids[look])
        return _StyledCell(self._sheet, value, "n", self._ids[look])  # a number, or empty

    def _quoted_id(self, look: str) -> int:
        if look not in self._quoted:
            array = copy(self._arrays[look])
            array.quotePrefix = 1
            self._quoted[look] = self._registry.add(array)
        return self._quoted[look]


def _stream_cells(sheet: Any, columns: int) -> None:
    """Hand our cells straight to openpyxl's row writer, in place of its `_values_to_row`
    (which would take each for a value to convert: openpyxl is pinned below 3.2 for it)."""
    letters = [""] + [get_column_letter(n) for n in range(1, columns + 1)]

    def cells(row: Sequence[_StyledCell | None], row_index: int) -> Iterator[_StyledCell]:
        for column, cell in enumerate(row, start=1):
            if cell is not None:
                cell.coordinate = f"{letters[column]}{row_index}"
                yield cell

    sheet._values_to_row = cells


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
    _stream_cells(sheet, len(form.columns))
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
    heights = sheet.row_dimensions
    for row_number, values in enumerate(form.rows, start=HEADER_ROW + 1):
        # The row's attributes as the row writer reads them (it adds `dict(dimension)`),
        # without building a RowDimension of validated fields per row.
        heights[row_number] = {"ht": f"{_height(values, wrapping):g}", "customHeight": "1"}
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
