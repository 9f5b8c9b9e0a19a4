"""The Excel workbook of the report: one sheet per form (shared/spec/report-forms.md).

Written with `spreadsheet` in XlsxWriter's `constant_memory` mode: each row goes to
the file as the next one starts, so a year's case list takes little memory. Each
look is made once per workbook and each column's look is looked up once per form.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from app.domain.office import OfficeSettings, ReportIssuer
from app.domain.report import ReportFigures
from app.domain.report_forms import Cell, Column, Form, Kind, ReportForms, report_forms
from app.progress import CancelToken, Progress
from app.reports import document
from app.reports.spreadsheet import Book, Look, Margins, PageSetup, Sheet, writing

FONT = "Times New Roman"
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
# Units (1–2), title (3), period (4), the units of measure (5), headers (6), their numbers (7).
HEADER_ROW = 6
LINE_POINTS = 15.0  # one line of 11 pt Times New Roman
HEADING_LINE_POINTS = 16.0  # one line of 12 pt
SIGNATURE_POINTS = 70.0  # room to sign (and seal) above the name
CHARS_PER_WIDTH = 1.4  # characters of 11 pt Times New Roman per unit of Excel column width
ROWS_PER_TICK = 200
PAGE = PageSetup(fit_width=True, title_row=HEADER_ROW, title_rows=2, centred=True,
                 margins=Margins(left=0.5, right=0.5, top=0.6, bottom=0.6))


class _Looks:
    """The report's looks, made once per workbook: the heading's, and each column kind's in
    a body row and in the total row."""

    def __init__(self, book: Book) -> None:
        self.unit = book.look(font=FONT, size=12, align="center", valign="top", wrap=True)
        self.unit_bold = book.look(font=FONT, size=12, bold=True, align="center", valign="top",
                                   wrap=True)
        self.form = book.look(font=FONT, size=11, italic=True, align="right", valign="top")
        self.measure = book.look(font=FONT, size=11, italic=True, align="right")
        self.number = book.look(font=FONT, size=10, italic=True, align="center", border="auto")
        self.signer = book.look(font=FONT, size=12, bold=True, align="center")
        self.signer_note = book.look(font=FONT, size=11, italic=True, align="center")
        self.title = book.look(font=FONT, size=14, bold=True, align="center", valign="vcenter",
                               wrap=True)
        self.period = book.look(font=FONT, size=12, italic=True, align="center")
        self.note = book.look(font=FONT, size=11, italic=True, align="left", valign="top",
                              wrap=True)
        self.header = book.look(font=FONT, size=11, bold=True, align="center", valign="vcenter",
                                wrap=True, border="auto")
        self.body, self.total = self._kinds(book, bold=False), self._kinds(book, bold=True)

    @staticmethod
    def _kinds(book: Book, *, bold: bool) -> dict[Kind, Look]:
        def cell(align: str, *, wrap: bool = False, number_format: str | None = None) -> Look:
            return book.look(font=FONT, size=11, bold=bold, align=align, valign="top",
                             wrap=wrap, border="auto", number_format=number_format)

        text = cell("left", wrap=True)
        return {Kind.INDEX: cell("center"), Kind.TEXT: text, Kind.USER_TEXT: text,
                Kind.COUNT: cell("right", number_format=MONEY_FORMAT),
                Kind.MONEY: cell("right", number_format=MONEY_FORMAT),
                Kind.DATE: cell("center", number_format=DATE_FORMAT)}


def _height(values: Sequence[Cell], columns: Sequence[tuple[int, int]]) -> float:
    """Row height that shows every wrapped line (Excel does not fit rows when it opens a
    file); `columns` are the wrapping columns and how many characters fit on a line."""
    lines = max((_lines(value, per_line) for index, per_line in columns
                 if isinstance(value := values[index], str)), default=1)
    return LINE_POINTS * lines + 3


def _lines(text: str, per_line: int) -> int:
    """How many lines `text` takes in a wrapping cell `per_line` characters wide."""
    return max(1, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")))


def _per_line(columns: Sequence[Column], kinds: Sequence[Kind]) -> list[tuple[int, int]]:
    return [(i, max(1, int(c.width * CHARS_PER_WIDTH)))
            for i, c in enumerate(columns) if c.kind in kinds]


def _spans(form: Form) -> tuple[tuple[int, int], tuple[int, int]]:
    """The columns under the left block (the units, the one who drew up the form) and under
    the right one (the form's number, the head of the unit): about 40 % of the width each."""
    widths = [c.width for c in form.columns]
    share = 0.4 * sum(widths)
    left = next(i for i in range(len(widths)) if sum(widths[:i + 1]) >= share)
    right = next(i for i in reversed(range(len(widths))) if sum(widths[i:]) >= share)
    return (0, left), (max(right, left + 1), len(widths) - 1)


def _heading(issuer: ReportIssuer, looks: _Looks) -> list[tuple[str, Look]]:
    """The units over the table as the report's header shows them, names as typed."""
    above = [(issuer.above, looks.unit)] if issuer.above else []
    return [*above, (issuer.heading, looks.unit_bold)] + [("", looks.unit)] * (1 - len(above))


def _write_form(book: Book, looks: _Looks, form: Form, office: OfficeSettings,
                period_label: str, tick: _Ticker) -> None:
    sheet = book.sheet(form.sheet)
    count = len(form.columns)
    sheet.columns([c.width for c in form.columns])
    sheet.freeze(f"A{HEADER_ROW + 2}")  # the headers and their numbers
    sheet.page(PAGE)
    wrapping = _per_line(form.columns, (Kind.TEXT, Kind.USER_TEXT))
    (left, left_end), (right, last) = _spans(form)
    issuer = office.report_issuer
    # 12 pt bold takes more room than the 11 pt the width per character is measured on.
    heading_per_line = int(sum(c.width for c in form.columns[left:left_end + 1])
                           * CHARS_PER_WIDTH * 0.85)

    for index, (name, look) in enumerate(_heading(issuer, looks)):
        spans: list[tuple[int, int, object, Look | None]] = [(left, left_end, name, look)]
        if index == 0 and form.label:
            spans.append((last, last, form.label, looks.form))
        sheet.append_spans(spans, height=HEADING_LINE_POINTS * _lines(name, heading_per_line) + 3)
    sheet.append_merged(form.title, looks.title, count, height=2 * LINE_POINTS + 6)
    sheet.append_merged(period_label, looks.period, count)
    sheet.append_spans([(right, last, document.MEASURE_UNITS, looks.measure)])
    headers = [c.header for c in form.columns]
    sheet.append(headers, [looks.header] * count,
                 height=_height(headers, _per_line(form.columns, tuple(Kind))))
    sheet.append(list(range(1, count + 1)), [looks.number] * count)
    body = [looks.body[c.kind] for c in form.columns]
    for values in form.rows:
        sheet.append(values, body, height=_height(values, wrapping))
        tick()
    if form.total is not None:
        sheet.append(form.total, [looks.total[c.kind] for c in form.columns])
    if form.note:
        width = int(sum(c.width for c in form.columns) * CHARS_PER_WIDTH)
        sheet.append_merged(form.note, looks.note, count,
                            height=LINE_POINTS * _lines(form.note, width) + 3)
    _footer(sheet, looks, issuer, (left, left_end), (right, last))


def _footer(sheet: Sheet, looks: _Looks, issuer: ReportIssuer, left: tuple[int, int],
            right: tuple[int, int]) -> None:
    """Who drew up the form and the head of the unit, each with room to sign; the name of
    the report's signer under the head's."""
    def row(drawer: str, head: str, look: Look, height: float | None = None) -> None:
        sheet.append_spans([(*left, drawer, look), (*right, head, look)], height=height)

    sheet.append([], [])
    row(document.PREPARER, document.HEAD_OF_UNIT, looks.signer)
    row(document.PREPARER_NOTE, document.HEAD_OF_UNIT_NOTE, looks.signer_note)
    # A blank cell with a look: streamed rows keep the height only of a row with a cell.
    sheet.append([None], [looks.signer_note], height=SIGNATURE_POINTS)
    sheet.append_spans([(*right, issuer.signer_name, looks.signer)])


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
                   forms: ReportForms | None = None, progress: Progress | None = None,
                   token: CancelToken | None = None) -> None:
    """A sheet per form of `forms` (a unit's report's by default) under `office`'s header,
    written by this process (`workbook_process.write_report` chooses)."""
    write_sheets((forms or report_forms(figures)).sheets, office, figures.period.label, target,
                 progress=progress, token=token)


def write_sheets(sheets: Sequence[Form], office: OfficeSettings, period_label: str,
                 target: Path, *, progress: Progress | None = None,
                 token: CancelToken | None = None) -> None:
    """A sheet per form, each form's rows gone through once."""
    tick = _Ticker(sum(len(f.rows) for f in sheets), progress, token)
    with writing(target) as book:
        looks = _Looks(book)
        for form in sheets:
            _write_form(book, looks, form, office, period_label, tick)
