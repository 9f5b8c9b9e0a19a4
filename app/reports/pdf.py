"""The PDF "Báo cáo", laid out by Nghị định 30/2020/NĐ-CP (shared/domain/context.md).

Portrait pages carry the document itself: header block, number and date, title
and subject, the narrative ending with `./.`, `Nơi nhận:` and the signature.
Landscape pages after it carry forms 01 and 02 and, as the annex, form 03,
each with the line tying it to the report.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.office import OfficeSettings
from app.domain.report import ReportFigures, ReportText
from app.domain.report_forms import Cell, Form, Kind, ReportForms, Row, display, report_forms
from app.progress import CancelToken, Progress
from app.reports import document, fonts
from app.reports.files import written_atomically
from app.reports.narrative import HEADING, blocks
from app.reports.official import (
    LANDSCAPE,
    LANDSCAPE_MARGINS,
    PORTRAIT,
    PORTRAIT_MARGINS,
    OfficialDocument,
    OfficialStyles,
    header_block,
    markup,
    new_section,
    paragraph,
    paragraph_style,
    rule,
)

MAX_POINTS_PER_WIDTH = 5.5  # PDF points per unit of a form column's (Excel) width
CELL_TOP_BOTTOM = 3.0  # padding above and below a cell's text
PAGE_TALL = 10_000.0  # height offered to a paragraph when measuring it



class _Cell(Paragraph):  # type: ignore[misc]
    """A table cell's text, wrapped once per width: the table measures its rows, then
    wraps every cell again, at the same width, to draw it. (Cells are never split.)"""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._wrapped is None or self._wrapped[0] != available_width:
            self._wrapped = (available_width,
                             super().wrap(available_width, available_height))
        return self._wrapped[1]


def _title(figures: ReportFigures, office: OfficeSettings, styles: OfficialStyles,
           width: float) -> list[Flowable]:
    subject = document.subject(figures.period)
    return [
        paragraph(document.TITLE, styles.title),
        paragraph(subject, styles.subject),
        rule(min(stringWidth(subject, fonts.BOLD, 14), width) / 4),
        *_addressees(office, styles, width),
    ]


def _addressees(office: OfficeSettings, styles: OfficialStyles, width: float,
                ) -> list[Flowable]:
    """One addressee on the line of `Kính gửi:`, centred; several each on a line of its own
    under it, their dashes aligned under its colon (Nghị định 30/2020, Phụ lục I)."""
    lines = document.addressed(office.addressees)
    if len(lines) < 2:
        return [paragraph(line, styles.addressee) for line in lines]
    style = styles.addressee_item
    lead = stringWidth(document.ADDRESSED.rstrip(":"), style.fontName, style.fontSize)
    items = lines[1:]
    room = width - 2 * lead
    longest = max(stringWidth(item, style.fontName, style.fontSize) for item in items)
    data = [[paragraph(lines[0], style), ""], *[["", paragraph(item, style)] for item in items]]
    table = Table(data, colWidths=[lead, min(longest + 2, room)], hAlign="CENTER",
                  spaceBefore=6, spaceAfter=6)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("SPAN", (0, 0), (1, 0)),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return [table]


def _body(text: ReportText, figures: ReportFigures, styles: OfficialStyles,
          width: float) -> list[Flowable]:
    return [paragraph(block, styles.heading if HEADING.match(block) else styles.body)
            if isinstance(block, str) else _narrative_table(block, width)
            for block in blocks(figures.masker.mask(text.narrative))]


NARRATIVE_TABLE_SIZE = 11
_TABLE_HEAD = paragraph_style("narrative_th", NARRATIVE_TABLE_SIZE, fonts.BOLD, align=TA_CENTER)
_TABLE_LABEL = paragraph_style("narrative_td", NARRATIVE_TABLE_SIZE, align=TA_LEFT)
_TABLE_FIGURE = paragraph_style("narrative_tn", NARRATIVE_TABLE_SIZE, align=TA_RIGHT)


def _narrative_table(cells: Sequence[Sequence[str]], width: float) -> Flowable:
    """The text's table rows (the comparison with the year to date and a year before) as a
    table within the narrative: the first row its header, the first column its labels,
    the other cells figures; a row typed with fewer cells is filled with blanks."""
    count = max(len(row) for row in cells)
    data = [[Paragraph(markup(value), _TABLE_HEAD if r == 0 else
                       _TABLE_LABEL if c == 0 else _TABLE_FIGURE)
             for c, value in enumerate([*row, *[""] * (count - len(row))])]
            for r, row in enumerate(cells)]
    first = 0.34 * width if count > 1 else width
    widths = [first] + [(width - first) / (count - 1)] * (count - 1)
    table = Table(data, colWidths=widths, repeatRows=1, spaceBefore=4, spaceAfter=8)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("FONT", (0, 0), (-1, -1), fonts.REGULAR, NARRATIVE_TABLE_SIZE),
                               ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                               ("VALIGN", (0, 1), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 3),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _signature(office: OfficeSettings, styles: OfficialStyles, width: float) -> Flowable:
    issuer = office.report_issuer
    recipients: list[Flowable] = [paragraph(document.RECIPIENTS, styles.recipients_title)]
    recipients += [paragraph(line, styles.recipient) for line in
                   document.listed(office.recipients)]
    signer: list[Flowable] = [paragraph(line, styles.signer)
                              for line in issuer.signer_lines if line]
    signer += [Spacer(1, 24 * mm), paragraph(issuer.signer_name, styles.signer_name)]
    table = Table([[recipients, signer]], colWidths=[0.45 * width, 0.55 * width])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR, 12),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 12)]))
    return KeepTogether([table])


class _Tables:
    """Forms as tables: a header row, the rows, and a bold total row."""

    def __init__(self, size: float, padding: float) -> None:
        self.header = paragraph_style(f"th{size}", size, fonts.BOLD)
        self.text = paragraph_style(f"td{size}", size, align=TA_LEFT)
        self.total = paragraph_style(f"tt{size}", size, fonts.BOLD, align=TA_LEFT)
        self.size, self.padding = size, padding

    @staticmethod
    def widths(form: Form, width: float) -> list[float]:
        # A narrow form keeps its proportions instead of stretching over the page.
        scale = min(width / sum(c.width for c in form.columns), MAX_POINTS_PER_WIDTH)
        return [c.width * scale for c in form.columns]

    def head(self, form: Form) -> list[Flowable | str]:
        return [_Cell(markup(c.header), self.header) for c in form.columns]

    def cells(self, form: Form, values: Sequence[Cell], style: ParagraphStyle,
              ) -> list[Flowable | str]:
        """Numbers, dates and STT as plain strings (they never wrap); text as a paragraph."""
        return [_Cell(markup(str(v)), style) if c.kind in (Kind.TEXT, Kind.USER_TEXT) and v
                else display(v, c.kind) for v, c in zip(values, form.columns, strict=True)]

    def height(self, cells: Sequence[Flowable | str], widths: Sequence[float]) -> float:
        """The row's height as the table will draw it (paragraphs wrapped once, here)."""
        inner = [w - 2 * self.padding for w in widths]
        tallest = max(cell.wrap(w, PAGE_TALL)[1] if isinstance(cell, Flowable)
                      else self.size * 1.2 for cell, w in zip(cells, inner, strict=True))
        return tallest + 2 * CELL_TOP_BOTTOM

    def table(self, form: Form, data: list[list[Flowable | str]], widths: list[float], *,
              heights: list[float] | None = None, total: bool = False,
              split_in_row: bool = False) -> Table:
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, self.size),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("VALIGN", (0, 1), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), self.padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.padding),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_TOP_BOTTOM),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_TOP_BOTTOM),
        ]
        for index, column in enumerate(form.columns):
            if column.kind in (Kind.COUNT, Kind.MONEY):
                commands.append(("ALIGN", (index, 1), (index, -1), "RIGHT"))
            elif column.kind in (Kind.INDEX, Kind.DATE):
                commands.append(("ALIGN", (index, 1), (index, -1), "CENTER"))
        if total:
            commands.append(("FONT", (0, -1), (-1, -1), fonts.BOLD, self.size))
        return Table(data, colWidths=widths, rowHeights=heights, repeatRows=1,
                     splitInRow=int(split_in_row), style=TableStyle(commands))

    def whole(self, form: Form, width: float) -> Table:
        """A short form (01, 02) as one table."""
        data = [self.head(form)] + [self.cells(form, row, self.text) for row in form.rows]
        if form.total is not None:
            data.append(self.cells(form, form.total, self.total))
        return self.table(form, data, self.widths(form, width), total=form.total is not None)


class _PagedRows(Flowable):  # type: ignore[misc]
    """A long form laid out one page at a time.

    Each page's table is built when the page is reached, with row heights measured
    once, and dropped once drawn: memory stays flat and no paragraph is wrapped
    again for every page, however long the list of cases.
    """

    def __init__(self, form: Form, tables: _Tables, width: float, progress: Progress | None,
                 rows: Iterator[Row] | None = None, start: int = 0,
                 pending: tuple[list[Flowable | str], float] | None = None) -> None:
        super().__init__()
        self._form, self._tables, self._width = form, tables, width
        # The rows not laid out yet, each made when its page is reached (form 03's from
        # case lines read as they come).
        self._rows, self._count = iter(form.rows) if rows is None else rows, len(form.rows)
        self._progress, self._start = progress, start
        self._pending = pending  # the row measured for a page it did not fit on

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, available_height + 1  # never fits whole: always split

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        form, tables = self._form, self._tables
        widths = tables.widths(form, self._width)
        head = tables.head(form)
        used = tables.height(head, widths)
        data, heights = [head], [used]
        index, pending = self._start, self._pending
        while index < self._count:
            if pending is None:
                cells = tables.cells(form, next(self._rows), tables.text)
                pending = (cells, tables.height(cells, widths))
            cells, height = pending
            if used + height > available_height:
                break
            pending = None
            data.append(cells)
            heights.append(height)
            used += height
            index += 1
        parts: list[Flowable]
        if index > self._start:
            parts = [tables.table(form, data, widths, heights=heights)]
        elif not getattr(self, "_frame", None) or not self._frame._atTop:
            self._pending = pending
            return []  # not even one row here: on the next page
        else:  # one row taller than a whole page: reportlab splits inside it
            whole = tables.table(form, [head, cells], widths, split_in_row=True)
            parts = list(whole.split(available_width, available_height))
            index, pending = index + 1, None
        if self._progress is not None:
            self._progress(index, self._count)
        if index < self._count:
            parts.append(_PagedRows(form, tables, self._width, self._progress, self._rows,
                                    index, pending))
        return parts

    def draw(self) -> None:
        """Never drawn: its pages are."""


def _annex(label: str, form: Form, figures: ReportFigures, office: OfficeSettings,
           text: ReportText, styles: OfficialStyles) -> list[Flowable]:
    heading = [paragraph(label, styles.annex)] if label else []
    return [*heading, paragraph(form.title, styles.annex_title),
            paragraph(figures.period.label, styles.annex_line),
            paragraph(document.annex_reference(office.report_issuer, text),
                      styles.annex_reference)]


def _tables(forms: ReportForms, figures: ReportFigures, office: OfficeSettings,
            text: ReportText, styles: OfficialStyles, tables: _Tables,
            width: float) -> list[Flowable]:
    """The forms after the text (01, 02, then 04 or `Theo đơn vị`), each with the line
    under it where it has one."""
    story: list[Flowable] = []
    for index, form in enumerate(forms.tables):
        story += [*([Spacer(1, 12 * mm)] if index else []),
                  *_annex(form.label, form, figures, office, text, styles),
                  tables.whole(form, width),
                  *([paragraph(form.note, styles.note)] if form.note else [])]
    return story


def write_pdf(figures: ReportFigures, office: OfficeSettings, text: ReportText, target: Path,
              *, forms: ReportForms | None = None, progress: Progress | None = None,
              token: CancelToken | None = None) -> None:
    """The report of `forms` (a unit's report's by default) under `office`'s header."""
    fonts.register()
    styles = OfficialStyles()
    portrait_width = PORTRAIT[0] - PORTRAIT_MARGINS[1] - PORTRAIT_MARGINS[3]
    landscape_width = LANDSCAPE[0] - LANDSCAPE_MARGINS[1] - LANDSCAPE_MARGINS[3]
    forms = forms or report_forms(figures)
    form03 = forms.annex
    summary_tables, case_tables = _Tables(10, 3), _Tables(8, 2)
    story: list[Flowable] = [
        header_block(office, office.report_issuer, text, styles, portrait_width),
        *_title(figures, office, styles, portrait_width),
        *_body(text, figures, styles, portrait_width),
        _signature(office, styles, portrait_width),
        NextPageTemplate("landscape"),
        new_section(),
        PageBreak(),
        *_tables(forms, figures, office, text, styles, summary_tables, landscape_width),
        new_section(),
        PageBreak(),
        *_annex("Phụ lục", form03, figures, office, text, styles),
        (_PagedRows(form03, case_tables, landscape_width, progress) if form03.rows
         else case_tables.whole(form03, landscape_width)),
    ]
    subject = document.subject(figures.period)
    with written_atomically(target) as temporary:
        OfficialDocument(temporary, token, title=f"Báo cáo {subject[0].lower()}{subject[1:]}",
                         author=office.report_issuer.in_sentence, subject=subject,
                         creator="Sổ vi phạm MXH").build(story)
