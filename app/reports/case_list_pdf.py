"""The printout of the case list: landscape A4, one row per case as the officer sees the list.

A working paper, not an issued document: small type and narrow margins so that a page
holds a useful number of cases, the header row repeated on every page, "Trang x/y" at the
foot. A code, a date or a status is never broken: its column is as wide as its widest text. The
other columns share what is left in proportion to their width on screen, none wider than
its widest text, and a cell longer than its lines is cut with "…" (the full text is in the
Excel export).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Table, TableStyle

from app.progress import CancelToken
from app.reports import fonts
from app.reports.official import LANDSCAPE, paragraph, paragraph_style
from app.text import format_date, format_number

TITLE = "DANH SÁCH VỤ VIỆC"
NUMBER_HEADER = "STT"
CELL_SIZE = 9.0
LEADING = CELL_SIZE * 1.12
HEADER_LINES = 3
CELL_LINES = 2  # a case takes at most two lines: at least 21 cases a page
PADDING = 3.0  # left and right of each cell, in points
ELLIPSIS = "…"
# Top, right, bottom, left; the foot line sits in the bottom margin.
MARGINS = (10 * mm, 12 * mm, 14 * mm, 15 * mm)
HEADER_SHADE = colors.HexColor("#E6E6E6")


@dataclass(frozen=True)
class PrintColumn:
    header: str
    weight: int  # its share of the width the unbroken columns leave (its width on screen)
    align: str = "left"  # "left", "center" or "right"
    unbroken: bool = False  # a code, a date, a status: never wrapped, the column sized to it


@dataclass(frozen=True)
class ListPrintout:
    columns: tuple[PrintColumn, ...]
    rows: Sequence[Sequence[str]]  # the cells of each case, in the columns' order
    total: int  # cases in the list; more than `rows` when the printout stops at a limit
    printed_at: datetime
    printed_by: str
    unit_name: str = ""


def case_list_pdf(printout: ListPrintout, *, token: CancelToken | None = None) -> bytes:
    """The printout as the bytes of a PDF (written to a file or sent to a printer)."""
    fonts.register()
    width = LANDSCAPE[0] - MARGINS[1] - MARGINS[3]
    columns = (PrintColumn(NUMBER_HEADER, 0, "right", unbroken=True), *printout.columns)
    numbered = [[format_number(index), *row] for index, row in enumerate(printout.rows, 1)]
    widths = column_widths(columns, numbered, width)
    head = [_fitted(c.header, fonts.BOLD, w - 2 * PADDING, HEADER_LINES)
            for c, w in zip(columns, widths, strict=True)]
    body = [[_fitted(text, fonts.REGULAR, w - 2 * PADDING, 1 if c.unbroken else CELL_LINES)
             for c, w, text in zip(columns, widths, row, strict=True)] for row in numbered]
    if token is not None:
        token.raise_if_cancelled()
    stream = io.BytesIO()
    document = _ListDocument(stream, printout, token)
    document.build([*_heading(printout), _table(head, body, columns, widths)],
                   canvasmaker=_CountingCanvas)
    return stream.getvalue()


def column_widths(columns: Sequence[PrintColumn], rows: Sequence[Sequence[str]],
                  room: float) -> list[float]:
    """An unbroken column is as wide as its widest text; the others share the rest by
    weight, each at most as wide as its own widest text (its share goes to the others)."""
    natural = [max([_words_width(c.header, fonts.BOLD),
                    *(_text_width(row[i]) for row in rows)]) + 2 * PADDING
               for i, c in enumerate(columns)]
    widths = [natural[i] if c.unbroken else 0.0 for i, c in enumerate(columns)]
    open_ = [i for i, c in enumerate(columns) if not c.unbroken]
    while open_:
        left = room - sum(widths[i] for i in range(len(columns)) if i not in open_)
        weights = sum(max(columns[i].weight, 1) for i in open_)
        share = {i: left * max(columns[i].weight, 1) / weights for i in open_}
        narrow = [i for i in open_ if natural[i] <= share[i]]
        if not narrow:
            for i in open_:
                widths[i] = share[i]
            break
        for i in narrow:
            widths[i] = natural[i]
            open_.remove(i)
    return widths


def _text_width(text: str) -> float:
    return max((stringWidth(line, fonts.REGULAR, CELL_SIZE) for line in text.splitlines()),
               default=0.0)


def _words_width(text: str, font: str) -> float:
    """A header wraps between its words: its widest word must fit."""
    return max((stringWidth(word, font, CELL_SIZE) for word in text.split()), default=0.0)


def _fitted(text: str, font: str, room: float, max_lines: int) -> str:
    """`text` wrapped into `room` on at most `max_lines` lines, the last cut with "…"; a word
    wider than the room is broken between its characters (a link, an account)."""
    lines: list[str] = []
    for word in " ".join(text.split()).split(" "):
        if not word:
            continue
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and stringWidth(joined, font, CELL_SIZE) <= room:
            lines[-1] = joined
            continue
        while stringWidth(word, font, CELL_SIZE) > room and len(word) > 1:
            cut = _fitting_prefix(word, font, room)
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
        if len(lines) > max_lines:
            break
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _with_ellipsis(lines[-1], font, room)
    return "\n".join(lines)


def _fitting_prefix(word: str, font: str, room: float) -> int:
    """How many of `word`'s first characters fit in `room` (at least one)."""
    cut = 1
    while cut < len(word) and stringWidth(word[:cut + 1], font, CELL_SIZE) <= room:
        cut += 1
    return cut


def _with_ellipsis(line: str, font: str, room: float) -> str:
    while line and stringWidth(line + ELLIPSIS, font, CELL_SIZE) > room:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def _heading(printout: ListPrintout) -> list[Any]:
    title = paragraph_style("list_title", 13, fonts.BOLD, spaceAfter=2)
    line = paragraph_style("list_line", 10, fonts.ITALIC, align=TA_LEFT, spaceAfter=4)
    printed = printout.printed_at
    shown = len(printout.rows)
    count = f"{format_number(printout.total)} vụ việc"
    if shown < printout.total:
        count = (f"{format_number(shown)} vụ việc đầu trong tổng số {count} (danh sách đầy "
                 "đủ: xuất ra Excel)")
    parts = [f"{count}; in lúc {printed:%H:%M} ngày {format_date(printed.date())}",
             f"người in: {printout.printed_by}"]
    unit = " ".join(printout.unit_name.split())
    return [paragraph(TITLE, title),
            paragraph("; ".join([unit, *parts] if unit else parts) + ".", line)]


def _table(head: list[str], body: list[list[str]], columns: Sequence[PrintColumn],
           widths: list[float]) -> Table:
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, CELL_SIZE, LEADING),
        ("FONT", (0, 0), (-1, 0), fonts.BOLD, CELL_SIZE, LEADING),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_SHADE),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
    ]
    for index, column in enumerate(columns):
        if column.align != "left":
            commands.append(("ALIGN", (index, 1), (index, -1), column.align.upper()))
    return Table([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT",
                 style=TableStyle(commands))


class _ListDocument(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, stream: io.BytesIO, printout: ListPrintout,
                 token: CancelToken | None) -> None:
        # The initial font too, or the PDF would name a Helvetica it never embeds.
        super().__init__(stream, pagesize=LANDSCAPE, initialFontName=fonts.REGULAR,
                         title="Danh sách vụ việc", author=printout.unit_name,
                         subject="Danh sách vụ việc", creator="Sổ vi phạm MXH")
        self._token = token
        self._foot = (f"Danh sách vụ việc, in lúc {printout.printed_at:%H:%M} ngày "
                      f"{format_date(printout.printed_at.date())}")
        top, right, bottom, left = MARGINS
        size = LANDSCAPE
        frame = Frame(left, bottom, size[0] - left - right, size[1] - top - bottom,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("list", [frame], onPage=self._foot_line,
                                            pagesize=size)])

    def afterPage(self) -> None:  # noqa: N802 (reportlab hook)
        if self._token is not None:
            self._token.raise_if_cancelled()

    def _foot_line(self, canvas: Any, _doc: Any) -> None:
        canvas.setFont(fonts.ITALIC, 9)
        canvas.drawString(MARGINS[3], MARGINS[2] / 2, self._foot)


class _CountingCanvas(Canvas):  # type: ignore[misc]
    """Writes "Trang x/y" once the number of pages is known: each page is kept until the
    document is saved, then drawn with the total."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(fonts.REGULAR, 9)
            width = self._pagesize[0]
            self.drawRightString(width - MARGINS[1], MARGINS[2] / 2,
                                 f"Trang {self._pageNumber}/{total}")
            super().showPage()
        super().save()
