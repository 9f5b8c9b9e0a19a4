"""The PDF "Báo cáo", laid out by Nghị định 30/2020/NĐ-CP (shared/domain/context.md).

Portrait pages carry the document itself: header block, number and date, title
and subject, the narrative ending with `./.`, `Nơi nhận:` and the signature.
Landscape pages after it carry forms 01 and 02 and, as the annex, form 03,
each with the line tying it to the report.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.textobject import PDFTextObject
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
from reportlab.platypus.paragraph import split, strip

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
    plain,
    rule,
)

# What reportlab parses into fragments of a paragraph's text (an entity) or may hyphenate at
# (a soft hyphen): rare in a register, such a cell stays a paragraph.
_PARAGRAPH_ONLY = re.compile("[&<>\xad]")
MAX_POINTS_PER_WIDTH = 5.5  # PDF points per unit of a form column's (Excel) width
CELL_TOP_BOTTOM = 3.0  # padding above and below a cell's text
PAGE_TALL = 10_000.0  # height offered to a paragraph when measuring it
GRID_WIDTH = 0.5  # the forms' grid lines



class _Cell(Paragraph):  # type: ignore[misc]
    """A header's text, wrapped once per width: the table measures its rows, then
    wraps every cell again, at the same width, to draw it. (Cells are never split.)"""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._wrapped is None or self._wrapped[0] != available_width:
            self._wrapped = (available_width,
                             super().wrap(available_width, available_height))
        return self._wrapped[1]


_WIDTHS_KEPT = 16_384  # words' widths kept per font and size


class _Widths(dict[str, float]):
    """The widths of texts in one font and size, each measured once: a register's texts
    repeat their syllables. A lookup rather than a cached function's call: a year's report
    looks up millions (docs/performance.md, tenth round)."""

    def __init__(self, font: str, size: float) -> None:
        super().__init__()
        self.font, self.size = font, size

    def __missing__(self, text: str) -> float:
        if len(self) >= _WIDTHS_KEPT:
            self.clear()
        width = self[text] = float(stringWidth(text, self.font, self.size))
        return width


@cache  # a few fonts and sizes
def _widths(font: str, size: float) -> _Widths:
    return _Widths(font, size)


class Line(NamedTuple):
    """A line of a cell as a paragraph breaks it, and the room left at its end: negative
    when the line runs over and its spaces are drawn narrower to fit."""

    text: str
    room: float

    @property
    def spaces(self) -> int:
        """The spaces a narrowing shares out (reportlab counts a no-break space too)."""
        return self.text.count(" ") + self.text.count("\xa0")


def wrapped_lines(text: str, style: ParagraphStyle, width: float) -> list[Line]:
    """The lines a `Paragraph(markup(text), style)` `width` wide breaks `text` into, for a
    text without `&`, `<`, `>` or soft hyphen (`_Tables.row`).

    Parsing, breaking and drawing each cell of a form as a paragraph cost most of a long
    report's time; `_Lines` draws these instead. The rule is reportlab's own for one
    fragment in a style without hyphenation (`Paragraph.breakLines`): words greedily, a
    line allowed to run over by `spaceShrinkage` of a space per word, a word wider than
    the cell cut where it overflows. The same additions in the same order, for the same
    decisions."""
    printed = plain(text)
    if "\n" not in printed:
        return _broken(strip(printed), style, width, several=False)
    parts = printed.split("\n")
    if len(parts) == 2 and not strip(printed):
        return []  # a lone break is the paragraph's only fragment: an empty one, no line
    *broken, last = (_broken(strip(part), style, width, several=True) for part in parts)
    # A line break ends a line even with nothing on it; after the last one, words must follow.
    return [line for lines in broken for line in lines or [Line("", width)]] + last


def _broken(text: str, style: ParagraphStyle, width: float, *, several: bool) -> list[Line]:
    """The lines of `text`, without a line break: breakLines's one-fragment case, or its
    case of several (`several`: a text with line breaks), which differs only in the room
    it leaves after a line a cut word ends with nothing of it."""
    if not text:
        return []
    font, size, shrinkage = style.fontName, style.fontSize, style.spaceShrinkage
    words: list[tuple[str, bool]] = [(word, False) for word in split(text)]  # (text, a piece)
    widths = _widths(font, size)
    space = widths[" "]
    lines: list[Line] = []
    line: list[str] = []
    used, forced, index = -space, False, 0  # -space: no space before a line's first word
    while index < len(words):
        word, piece = words[index]
        index += 1
        if not word and piece:
            forced = True  # the rest of a cut word starts on the next line
        word_width = widths[word]
        new = used + space + word_width
        limit = width + shrinkage * space * len(line)
        if new > limit and not forced and not piece and word_width > width:
            words[index:index] = _cut(word, used + space, width, widths)
            forced = True
            continue
        if new <= limit or not line or forced:
            if word:
                line.append(word)
            if forced:
                lines.append(Line(" ".join(line), width - (new if word or not several else used)))
                line, used, forced = [], -space, False
            else:
                used = new
        else:
            lines.append(Line(" ".join(line), width - used))
            line, used = [word], word_width
    if line:
        lines.append(Line(" ".join(line), width - used))
    return lines


def _cut(word: str, used: float, width: float, widths: _Widths) -> list[tuple[str, bool]]:
    """A word wider than the cell in pieces, the first filling what is left of the line
    (empty when not even a letter fits there), each other a line (reportlab's `_splitWord`)."""
    pieces: list[tuple[str, bool]] = []
    text = ""
    for letter in word:
        letter_width = widths[letter]
        reach = used + letter_width
        if reach > width and (text or letter_width <= width):
            pieces.append((text, True))
            reach, text = letter_width, ""
        text += letter
        used = reach
    pieces.append((text, True))
    return pieces


class _Lines(Flowable):  # type: ignore[misc]
    """A cell's lines drawn as its left-aligned paragraph draws them: one text object, the
    first baseline a font size below the top (reportlab's `paraFontSizeHeightOffset`), the
    spaces of a line that runs over narrowed to fit (`_leftDrawParaLine`)."""

    def __init__(self, lines: list[Line], style: ParagraphStyle) -> None:
        super().__init__()
        self._lines, self.style = lines, style
        self.height = len(lines) * style.leading

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """The lines that fit and the rest, as a paragraph splits (`Paragraph.split`: not
        one line alone), for a row taller than a page that its table splits."""
        fit = int(available_height / float(self.style.leading))
        if fit <= 1:
            return []
        if len(self._lines) <= fit:
            return [self]
        return [_Lines(self._lines[:fit], self.style), _Lines(self._lines[fit:], self.style)]

    def draw(self) -> None:
        style = self.style
        text = self.canv.beginText(0, self.height - style.fontSize)
        text.setFont(style.fontName, style.fontSize, style.leading)
        self.write(text)
        self.canv.drawText(text)

    def write(self, text: PDFTextObject) -> None:
        """The lines into `text`, from its current origin, in its current font."""
        for line in self._lines:
            if line.room > -1e-8 or not line.spaces:
                text.textLine(line.text)
            else:
                text.setWordSpace(line.room / line.spaces)
                text.textLine(line.text)
                text.setWordSpace(0)


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


def _alignments(form: Form) -> list[str]:
    """How each column's values sit in their cells (a header is left-aligned)."""
    return ["RIGHT" if column.kind in (Kind.COUNT, Kind.MONEY) else
            "CENTER" if column.kind in (Kind.INDEX, Kind.DATE) else "LEFT"
            for column in form.columns]


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

    def head(self, form: Form) -> list[Flowable]:
        return [_Cell(markup(c.header), self.header) for c in form.columns]

    def row(self, form: Form, values: Sequence[Cell], style: ParagraphStyle,
            widths: Sequence[float]) -> tuple[list[Flowable | str], float]:
        """The row's cells and its height as the table will draw it: numbers, dates and STT
        one line each, a text in the lines a paragraph of `style` would break it into."""
        cells: list[Flowable | str] = []
        tallest = self.size * 1.2
        for value, column, width in zip(values, form.columns, widths, strict=True):
            if column.kind not in (Kind.TEXT, Kind.USER_TEXT) or not value:
                cells.append(display(value, column.kind))
            elif _PARAGRAPH_ONLY.search(str(value)):  # rare: reportlab's own rule, kept
                cells.append(cell := _Cell(markup(str(value)), style))
                tallest = max(tallest, cell.wrap(width - 2 * self.padding, PAGE_TALL)[1])
            else:
                cells.append(lines := _Lines(
                    wrapped_lines(str(value), style, width - 2 * self.padding), style))
                tallest = max(tallest, lines.height)
        return cells, tallest + 2 * CELL_TOP_BOTTOM

    def height(self, cells: Sequence[Flowable], widths: Sequence[float]) -> float:
        """The header's height as the table will draw it (its paragraphs wrapped once, here)."""
        inner = [w - 2 * self.padding for w in widths]
        return float(max(cell.wrap(w, PAGE_TALL)[1]
                         for cell, w in zip(cells, inner, strict=True))) + 2 * CELL_TOP_BOTTOM

    def table(self, form: Form, data: list[list[Flowable | str]], widths: list[float], *,
              heights: list[float] | None = None, total: bool = False,
              split_in_row: bool = False) -> Table:
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), GRID_WIDTH, colors.black),
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, self.size),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("VALIGN", (0, 1), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), self.padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.padding),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_TOP_BOTTOM),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_TOP_BOTTOM),
        ]
        commands += [("ALIGN", (index, 1), (index, -1), align)
                     for index, align in enumerate(_alignments(form)) if align != "LEFT"]
        if total:
            commands.append(("FONT", (0, -1), (-1, -1), fonts.BOLD, self.size))
        return Table(data, colWidths=widths, rowHeights=heights, repeatRows=1,
                     splitInRow=int(split_in_row), style=TableStyle(commands))

    def whole(self, form: Form, width: float) -> Table:
        """A short form (01, 02) as one table."""
        widths = self.widths(form, width)
        rows = [(row, self.text) for row in form.rows]
        rows += [(form.total, self.total)] if form.total is not None else []
        data = [[*self.head(form)], *(self.row(form, row, style, widths)[0] for row, style in rows)]
        return self.table(form, data, widths, total=form.total is not None)


def _row_positions(heights: Sequence[float]) -> list[float]:
    """Each row's top, from the table's top down to its bottom (0), summed as reportlab's
    `Table._calc` sums them (from the bottom, compensated) for the very same positions."""
    positions: list[float] = []
    height = carry = 0.0
    for row_height in reversed(heights):
        positions.append(height)
        step = row_height - carry
        total = height + step
        carry = (total - height) - step
        height = total
    positions.append(height)
    positions.reverse()
    return positions


class _FormPage(Flowable):  # type: ignore[misc]
    """A page of a long form drawn as `_Tables.table` draws the same cells and heights, at
    the same positions, without a table's work for each cell (its style looked up, the
    canvas saved, moved and restored around it): the rows' texts in one text object, the
    header, then any other paragraph drawn on its own, then the grid.

    The header, the same on every page, is drawn once in a document, as a PDF form (an
    XObject named `head_form`) that every page then places: its paragraphs, drawn again on
    each page, took a tenth of a year's report (docs/performance.md, tenth round)."""

    def __init__(self, form: Form, tables: _Tables, head: list[Flowable],
                 rows: list[list[Flowable | str]], heights: list[float],
                 widths: list[float], head_form: str) -> None:
        """`heights`: the header's, then each row's."""
        super().__init__()
        self.hAlign = "CENTER"  # a table's
        self._tables, self._head, self._rows = tables, head, rows
        self._head_form = head_form
        self._heights, self._widths = heights, widths
        self._alignments = _alignments(form)
        self._columns = list(accumulate(widths, initial=0.0))  # each column's left edge
        self._tops = _row_positions(heights)
        self.width, self.height = self._columns[-1], self._tops[0]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        # Each position is reportlab's sum in its order (`Table._drawCell`, a cell's flowable
        # drawn at its own origin), for the very same numbers in the page.
        canvas, tables = self.canv, self._tables
        size, padding, top_padding = tables.size, tables.padding, CELL_TOP_BOTTOM
        font, leading = fonts.REGULAR, size * 1.2  # the table's FONT, its default leading
        columns, tops, widths = self._columns, self._tops, self._widths
        canvas.saveState()
        canvas.setFillColor(colors.black)
        canvas.setFont(font, size, leading)
        paragraphs: list[tuple[Flowable, float, float]] = []
        head_height, *heights = self._heights
        text = canvas.beginText()
        measured = _widths(font, size)
        table_font = current = (font, size, leading)
        for cells, bottom, height in zip(self._rows, tops[2:], heights, strict=True):
            top = bottom + height - top_padding
            for cell, left, width, align in zip(cells, columns[:-1], widths, self._alignments,
                                                strict=True):
                if isinstance(cell, str):
                    if current != table_font:
                        text.setFont(*(current := table_font))
                    y = top - size
                    for value in cell.split("\n"):
                        if value:
                            x = (left + padding if align == "LEFT" else
                                 left + width - padding - measured[value]
                                 if align == "RIGHT" else
                                 left + (width + padding - padding) * 0.5
                                 - 0.5 * measured[value])
                            text.setTextOrigin(x, y)
                            text.textLine(value)
                        y -= leading
                elif isinstance(cell, _Lines):
                    style = cell.style
                    if (style.fontName, style.fontSize, style.leading) != current:
                        text.setFont(*(current := (style.fontName, style.fontSize,
                                                   style.leading)))
                    text.setTextOrigin(left + padding, top - cell.height
                                       + (cell.height - style.fontSize))
                    cell.write(text)
                else:
                    _, cell_height = cell.wrapOn(canvas, width - padding - padding,
                                                 height - top_padding - top_padding)
                    paragraphs.append((cell, left + padding, top - cell_height))
        canvas.drawText(text)
        if not canvas.hasForm(self._head_form):
            self._draw_head(head_height)
        canvas.saveState()
        canvas.translate(0, tops[1])
        canvas.doForm(self._head_form)
        canvas.restoreState()
        for cell, x, y in paragraphs:
            cell.drawOn(canvas, x, y)
        self._draw_grid()
        canvas.restoreState()

    def _draw_head(self, height: float) -> None:
        """The header's cells, VALIGN MIDDLE, as the form `head_form`, from the header's
        bottom left."""
        canvas, padding, top_padding = self.canv, self._tables.padding, CELL_TOP_BOTTOM
        canvas.beginForm(self._head_form, 0, 0, self.width, height)
        for cell, left, width in zip(self._head, self._columns[:-1], self._widths,
                                     strict=True):
            _, cell_height = cell.wrapOn(canvas, width - padding - padding,
                                         height - top_padding - top_padding)
            middle = (height + top_padding - top_padding + cell_height) / 2.0
            cell.drawOn(canvas, left + padding, middle - cell_height)
        canvas.endForm()

    def _draw_grid(self) -> None:
        """The lines of the table's GRID, in its order: the box, then the inner lines, their
        caps and joins round (a table's line commands' own)."""
        canvas, columns, tops = self.canv, self._columns, self._tops
        left, right, top, bottom = columns[0], columns[-1], tops[0], tops[-1]
        canvas.saveState()
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(GRID_WIDTH)
        canvas.line(left, top, right, top)
        canvas.line(left, bottom, right, bottom)
        canvas.line(left, bottom, left, top)
        canvas.line(right, bottom, right, top)
        for y in tops[1:-1]:
            canvas.line(left, y, right, y)
        for x in columns[1:-1]:
            canvas.line(x, bottom, x, top)
        canvas.restoreState()


def _head_form(form: Form, tables: _Tables, widths: Sequence[float], height: float) -> str:
    """The name of the PDF form a long form's header is drawn in (`_FormPage`): made of
    what the drawing depends on, so that another header in the same document gets a form of
    its own and the same report's file comes out the same however many were written before
    it."""
    drawn = repr(([column.header for column in form.columns], tables.size, tables.padding,
                  list(widths), height))
    return "Head" + hashlib.sha256(drawn.encode()).hexdigest()[:16]


class _PagedRows(Flowable):  # type: ignore[misc]
    """A long form laid out one page at a time.

    Each page's table is built when the page is reached, with row heights measured
    once, and dropped once drawn: memory stays flat and no row is measured again
    for every page, however long the list of cases. The header's cells, the same on
    every page, are made and wrapped once.
    """

    def __init__(self, form: Form, tables: _Tables, width: float, progress: Progress | None,
                 rows: Iterator[Row] | None = None, start: int = 0,
                 pending: tuple[list[Flowable | str], float] | None = None,
                 head: list[Flowable] | None = None) -> None:
        super().__init__()
        self._form, self._tables, self._width = form, tables, width
        # The rows not laid out yet, each made when its page is reached (form 03's from
        # case lines read as they come).
        self._rows, self._count = iter(form.rows) if rows is None else rows, len(form.rows)
        self._progress, self._start = progress, start
        self._pending = pending  # the row measured for a page it did not fit on
        self._head = head or tables.head(form)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, available_height + 1  # never fits whole: always split

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        form, tables = self._form, self._tables
        widths = tables.widths(form, self._width)
        head = self._head
        used = tables.height(head, widths)
        rows: list[list[Flowable | str]] = []
        heights = [used]
        index, pending = self._start, self._pending
        while index < self._count:
            if pending is None:
                pending = tables.row(form, next(self._rows), tables.text, widths)
            cells, height = pending
            if used + height > available_height:
                break
            pending = None
            rows.append(cells)
            heights.append(height)
            used += height
            index += 1
        parts: list[Flowable]
        if index > self._start:
            parts = [_FormPage(form, tables, head, rows, heights, widths,
                               _head_form(form, tables, widths, heights[0]))]
        elif not getattr(self, "_frame", None) or not self._frame._atTop:
            self._pending = pending
            return []  # not even one row here: on the next page
        else:  # one row taller than a whole page: reportlab splits inside it
            whole = tables.table(form, [[*head], cells], widths, split_in_row=True)
            parts = list(whole.split(available_width, available_height))
            index, pending = index + 1, None
        if self._progress is not None:
            self._progress(index, self._count)
        if index < self._count:
            parts.append(_PagedRows(form, tables, self._width, self._progress, self._rows,
                                    index, pending, head))
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
