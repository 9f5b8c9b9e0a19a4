"""The Excel workbook of the report: one sheet per form (shared/spec/report-forms.md).

Written with `spreadsheet` in XlsxWriter's `constant_memory` mode: each row goes to
the file as the next one starts, so a year's case list takes little memory. Each
look is made once per workbook and each column's look is looked up once per form.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from app.domain.office import OfficeSettings
from app.domain.report import ReportFigures
from app.domain.report_forms import Cell, Column, Form, Kind, all_forms, form_04
from app.progress import CancelToken, Progress
from app.reports.spreadsheet import Book, Look, Margins, PageSetup, writing

FONT = "Times New Roman"
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
HEADER_ROW = 6  # unit (1–2), title (3), period (4), blank (5), headers (6)
LINE_POINTS = 15.0  # one line of 11 pt Times New Roman
CHARS_PER_WIDTH = 1.4  # characters of 11 pt Times New Roman per unit of Excel column width
ROWS_PER_TICK = 200
PAGE = PageSetup(fit_width=True, title_row=HEADER_ROW, centred=True,
                 margins=Margins(left=0.5, right=0.5, top=0.6, bottom=0.6))


class _Looks:
    """The report's looks, made once per workbook: the heading's, and each column kind's in
    a body row and in the total row."""

    def __init__(self, book: Book) -> None:
        self.unit = book.look(font=FONT, size=12)
        self.unit_bold = book.look(font=FONT, size=12, bold=True)
        self.form = book.look(font=FONT, size=11, italic=True, align="right")
        self.title = book.look(font=FONT, size=14, bold=True, align="center", valign="vcenter",
                               wrap=True)
        self.period = book.look(font=FONT, size=12, italic=True, align="center")
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


def _write_form(book: Book, looks: _Looks, form: Form, office: OfficeSettings,
                period_label: str, tick: _Ticker) -> None:
    sheet = book.sheet(form.sheet)
    count = len(form.columns)
    sheet.columns([c.width for c in form.columns])
    sheet.freeze(f"A{HEADER_ROW + 1}")
    sheet.page(PAGE)
    wrapping = _per_line(form.columns, (Kind.TEXT, Kind.USER_TEXT))

    blank: list[None] = [None] * (count - 2)
    sheet.append([office.managing_body, *blank, f"Biểu số {form.number}"],
                 [looks.unit, *blank, looks.form])
    sheet.append([office.unit_name], [looks.unit_bold])
    sheet.append_merged(form.title, looks.title, count, height=2 * LINE_POINTS + 6)
    sheet.append_merged(period_label, looks.period, count)
    sheet.append([], [])
    headers = [c.header for c in form.columns]
    sheet.append(headers, [looks.header] * count,
                 height=_height(headers, _per_line(form.columns, tuple(Kind))))
    body = [looks.body[c.kind] for c in form.columns]
    for values in form.rows:
        sheet.append(values, body, height=_height(values, wrapping))
        tick()
    if form.total is not None:
        sheet.append(form.total, [looks.total[c.kind] for c in form.columns])


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
    children = form_04(figures)
    forms = (*all_forms(figures), *([children] if children else []))
    tick = _Ticker(sum(len(f.rows) for f in forms), progress, token)
    with writing(target) as book:
        looks = _Looks(book)
        for form in forms:
            _write_form(book, looks, form, office, figures.period.label, tick)
