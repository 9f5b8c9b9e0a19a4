"""The PDF of a Word document the program filled from one of its own templates, drawn with
reportlab from the filled `.docx` itself: an office's edits to a template (wording, styles,
margins) show in the PDF as they show in Word.

Hand-written because no pure-Python library lays a `.docx` out on pages (docx2pdf drives
Word, unoconv LibreOffice; an office's PC is not sure to have either).

What it draws is what the templates of `scripts/make_templates.py` use: sections (page size
and orientation, margins, headers and footers with their PAGE and NUMPAGES fields, first
page and even pages, numbering restarted), paragraphs in their styles (the chain of
`basedOn` over the document's defaults, then direct formatting: size, bold, italic,
underline, alignment, indents, spacing, line spacing, keep with next, widow control, page
breaks, bottom and top borders), runs with line breaks, and tables (grid widths, borders of
the table style or the table, cell margins and shading, merged cells, header rows repeated
on every page, long tables split between pages), laid out as Word lays them out where
reportlab's own way differs (the space between paragraphs, keep with next). Texts are set
in Liberation Serif, the metric twin of Times New Roman that carries Vietnamese (a run in
a typewriter font, such as a SHA-256, in Liberation Mono); pictures, lists' numbers, tab
stops and text boxes are not drawn (the templates have none), and a table row goes on over the next
page only when it is taller than a page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml.ns import qn
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    Indenter,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from app.reports import fonts
from app.reports.files import written_atomically

Element = Any  # an lxml element of the document's XML

TWIPS = 20.0  # twentieths of a point: indents, spacing, widths, page sizes
# Times New Roman's (and Liberation Serif's) single line, in ems: ascent, descent and gap.
SINGLE = (1825 + 443 + 87) / 2048
DESCENT = 443 / 2048
DEFAULT_SIZE = 10.0  # Word's size when neither a style nor the defaults give one
SPLIT_ROW = 12.0  # points of a row at least on each page, when it goes on over the next
_HYPHENATED = re.compile(r"(?<=-)(?=[^-])")  # a line may break after a hyphen
NBSP = "\u00a0"
TAB = NBSP * 4  # a tab stop's room, roughly: tab stops are not laid out

_VAL = qn("w:val")
_FACES = {(False, False): fonts.REGULAR, (True, False): fonts.BOLD,
          (False, True): fonts.ITALIC, (True, True): fonts.BOLD_ITALIC}
# A run in a typewriter font (a file's SHA-256): Liberation Mono, Courier New's twin, embedded
# like the serif (every font of the program's PDFs travels with them).
_MONO_FAMILIES = ("courier", "mono", "consolas", "lucida console")
_ALIGNS = {"left": TA_LEFT, "start": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT,
           "end": TA_RIGHT, "both": TA_JUSTIFY, "distribute": TA_JUSTIFY}
_TABLE_ALIGNS = {TA_LEFT: "LEFT", TA_CENTER: "CENTER", TA_RIGHT: "RIGHT", TA_JUSTIFY: "LEFT"}
_PAGE_FIELDS = ("PAGE", "NUMPAGES")
_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


class TooTallForPage(Exception):
    """Something in the document is taller than a page and cannot go on over the next (a
    table's header row, which repeats on every page, holding a long text)."""


def write_pdf_from_docx(docx: Path, target: Path) -> None:
    """Draw `docx` as a PDF at `target`, written whole or not at all."""
    fonts.register()
    layout = _Layout(docx)
    try:
        with written_atomically(target) as temporary:
            layout.write(temporary)
    except LayoutError as exc:
        raise TooTallForPage(str(exc)) from exc


# -- properties ------------------------------------------------------------------------------

def _on(element: Element) -> bool:
    """A toggle such as `<w:b/>` or `<w:b w:val="0"/>`."""
    return element.get(_VAL) not in ("0", "false", "off", "none")


def _twips(element: Element, name: str) -> float | None:
    value = element.get(qn(f"w:{name}"))
    return int(value) / TWIPS if value is not None and value.lstrip("-").isdigit() else None


def _border(element: Element | None) -> tuple[float, colors.Color] | None:
    """A border's width (points) and colour, or None when there is none."""
    if element is None or element.get(_VAL) in (None, "nil", "none"):
        return None
    size = element.get(qn("w:sz"))
    return (int(size) / 8 if size and size.isdigit() else 0.5), _color(element.get(qn("w:color")))


def _color(value: str | None) -> colors.Color:
    if value is None or len(value) != 6 or value == "auto":
        return colors.black
    try:
        return colors.HexColor(f"#{value}")
    except ValueError:
        return colors.black


def _paragraph_properties(ppr: Element | None) -> dict[str, Any]:
    """What a `w:pPr` sets, in points; `first` is negative for a hanging indent."""
    found: dict[str, Any] = {}
    if ppr is None:
        return found
    for child in ppr:
        tag = child.tag
        if tag == qn("w:jc"):
            found["align"] = child.get(_VAL)
        elif tag == qn("w:ind"):
            for key, names in (("left", ("left", "start")), ("right", ("right", "end")),
                               ("first", ("firstLine",))):
                for name in names:
                    if (value := _twips(child, name)) is not None:
                        found[key] = value
            if (hanging := _twips(child, "hanging")) is not None:
                found["first"] = -hanging
        elif tag == qn("w:spacing"):
            for key in ("before", "after"):
                if (value := _twips(child, key)) is not None:
                    found[key] = value
            if (line := child.get(qn("w:line"))) is not None and line.lstrip("-").isdigit():
                found["line"] = (child.get(qn("w:lineRule"), "auto"), int(line))
        elif tag in (qn("w:keepNext"), qn("w:pageBreakBefore"),
                     qn("w:widowControl")):
            found[tag.rsplit("}", 1)[1]] = _on(child)
        elif tag == qn("w:pBdr"):
            for side in ("top", "bottom"):
                line = child.find(qn(f"w:{side}"))
                if line is not None:
                    space = line.get(qn("w:space"), "0")  # in points, not twips
                    found[f"border_{side}"] = (_border(line),
                                               float(space) if space.isdigit() else 0.0)
        elif tag == qn("w:rPr"):
            found["mark"] = _run_properties(child)
    return found


def _run_properties(rpr: Element | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if rpr is None:
        return found
    for child in rpr:
        tag = child.tag
        if tag in (qn("w:b"), qn("w:i"), qn("w:strike"), qn("w:dstrike"), qn("w:caps"),
                   qn("w:vanish")):
            found[tag.rsplit("}", 1)[1]] = _on(child)
        elif tag == qn("w:sz"):
            value = child.get(_VAL)
            if value is not None and value.isdigit():
                found["size"] = int(value) / 2
        elif tag == qn("w:u"):
            found["u"] = child.get(_VAL) not in (None, "none")
        elif tag == qn("w:color"):
            found["color"] = child.get(_VAL)
        elif tag == qn("w:vertAlign"):
            found["vert"] = child.get(_VAL)
        elif tag == qn("w:rStyle"):
            found["style"] = child.get(_VAL)
        elif tag == qn("w:rFonts") and (family := child.get(qn("w:ascii"))) is not None:
            found["mono"] = any(name in family.lower() for name in _MONO_FAMILIES)
    return found


def _table_properties(tblpr: Element | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if tblpr is None:
        return found
    borders = tblpr.find(qn("w:tblBorders"))
    if borders is not None:
        for side in _SIDES:
            line = borders.find(qn(f"w:{side}"))
            if line is not None:
                found[f"border_{side}"] = _border(line)
    margins = tblpr.find(qn("w:tblCellMar"))
    if margins is not None:
        found.update(_margins(margins))
    if (align := tblpr.find(qn("w:jc"))) is not None:
        found["align"] = align.get(_VAL)
    if (indent := tblpr.find(qn("w:tblInd"))) is not None:
        found["indent"] = _twips(indent, "w") or 0.0
    return found


def _margins(element: Element) -> dict[str, float]:
    found: dict[str, float] = {}
    for side, names in (("top", ("top",)), ("bottom", ("bottom",)), ("left", ("left", "start")),
                        ("right", ("right", "end"))):
        for name in names:
            margin = element.find(qn(f"w:{name}"))
            if margin is not None and (value := _twips(margin, "w")) is not None:
                found[f"margin_{side}"] = value
    return found


class _Styles:
    """The document's styles, each resolved once over its `basedOn` chain and the defaults."""

    def __init__(self, styles: Element) -> None:
        self._by_id: dict[str, Element] = {}
        self._default: dict[str, str] = {}
        for style in styles.iter(qn("w:style")):
            style_id, kind = style.get(qn("w:styleId")), style.get(qn("w:type"))
            self._by_id[style_id] = style
            if style.get(qn("w:default")) in ("1", "true"):
                self._default[kind] = style_id
        defaults = styles.find(qn("w:docDefaults"))
        self._paragraph_defaults = _paragraph_properties(
            defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}") if defaults is not None else None)
        self._run_defaults = _run_properties(
            defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None)
        self._paragraphs: dict[tuple[str | None, str | None],
                               tuple[dict[str, Any], dict[str, Any]]] = {}
        self._characters: dict[str, dict[str, Any]] = {}
        self._tables: dict[str | None, dict[str, Any]] = {}

    def _chain(self, style_id: str | None, kind: str) -> list[Element]:
        """The style and those it is based on, the farthest first."""
        chain: list[Element] = []
        style = self._by_id.get(style_id or "") if style_id else None
        if style is None:
            style = self._by_id.get(self._default.get(kind, ""))
        while style is not None and style not in chain and len(chain) < 32:
            chain.append(style)
            based_on = style.find(qn("w:basedOn"))
            style = self._by_id.get(based_on.get(_VAL)) if based_on is not None else None
        return chain[::-1]

    def paragraph(self, style_id: str | None,
                  table_style: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """A paragraph style's paragraph and run properties, over the table's style."""
        key = (style_id, table_style)
        if key not in self._paragraphs:
            paragraph, run = dict(self._paragraph_defaults), dict(self._run_defaults)
            chain = self._chain(table_style, "table") if table_style is not None else []
            for style in chain + self._chain(style_id, "paragraph"):
                paragraph.update(_paragraph_properties(style.find(qn("w:pPr"))))
                run.update(_run_properties(style.find(qn("w:rPr"))))
            paragraph.pop("mark", None)
            self._paragraphs[key] = (paragraph, run)
        return self._paragraphs[key]

    def character(self, style_id: str) -> dict[str, Any]:
        if style_id not in self._characters:
            run: dict[str, Any] = {}
            for style in self._chain(style_id, "character"):
                if style.get(qn("w:type")) == "character":
                    run.update(_run_properties(style.find(qn("w:rPr"))))
            self._characters[style_id] = run
        return self._characters[style_id]

    def table(self, style_id: str | None) -> dict[str, Any]:
        if style_id not in self._tables:
            found: dict[str, Any] = {}
            for style in self._chain(style_id, "table"):
                found.update(_table_properties(style.find(qn("w:tblPr"))))
            self._tables[style_id] = found
        return self._tables[style_id]

    def table_id(self, style_id: str | None) -> str | None:
        """The table style a table takes: its own or the document's default."""
        if style_id in self._by_id:
            return style_id
        return self._default.get("table")


# -- paragraphs ------------------------------------------------------------------------------

@dataclass
class _Piece:
    text: str
    bold: bool
    italic: bool
    size: float
    underline: bool = False
    strike: bool = False
    color: str | None = None
    vert: str | None = None
    mono: bool = False

    def same_look(self, other: _Piece) -> bool:
        return (self.bold, self.italic, self.size, self.underline, self.strike, self.color,
                self.vert, self.face) == (other.bold, other.italic, other.size,
                                          other.underline, other.strike, other.color,
                                          other.vert, other.face)

    @property
    def face(self) -> str:
        if self.mono:
            return fonts.MONO[self.bold, self.italic]
        return _FACES[self.bold, self.italic]


LINE_BREAK, PAGE_BREAK = "\n", "\f"


@dataclass
class _Text:
    """A paragraph as read: its resolved formatting and its pieces of text, a line break or
    a page break as a piece of its own."""

    format: dict[str, Any]
    mark: dict[str, Any]
    pieces: list[_Piece] = field(default_factory=list)

    @property
    def size(self) -> float:
        sizes = [p.size for p in self.pieces if p.text not in (LINE_BREAK, PAGE_BREAK)]
        return max(sizes, default=float(self.mark.get("size", DEFAULT_SIZE)))

    def leading(self) -> float:
        rule, value = self.format.get("line", ("auto", 240))
        value = float(value)
        single = SINGLE * self.size
        if rule == "exact":
            return value / TWIPS
        if rule == "atLeast":
            return max(value / TWIPS, single)
        return single * value / 240

    @property
    def plain(self) -> bool:
        """One look throughout, no page break, no first-line indent, no border, not
        justified: drawn as a table's plain text."""
        texts = [p for p in self.pieces if p.text != LINE_BREAK]
        return (all(p.text != PAGE_BREAK and p.same_look(texts[0]) and p.vert is None
                    and not p.underline and not p.strike for p in texts)
                and not self.format.get("first") and _ALIGNS.get(self.format.get("align") or
                                                                  "left") != TA_JUSTIFY
                and not self.format.get("border_bottom") and not self.format.get("border_top"))

    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


class _Block(Flowable):  # type: ignore[misc]
    """A paragraph: its text (None for an empty one, a line of its mark's size), the space
    Word keeps above and below it, its borders, its first baseline where Word puts it."""

    def __init__(self, paragraph: Paragraph | None, text: _Text, *, first: bool = True,
                 last: bool = True) -> None:
        super().__init__()
        self.paragraph, self.text = paragraph, text
        self.first, self.last = first, last
        form = text.format
        self.spaceBefore = float(form.get("before", 0.0)) if first else 0.0
        self.spaceAfter = float(form.get("after", 0.0)) if last else 0.0
        self.keep_next = bool(form.get("keepNext")) and last  # Word's: see _KeepWithNext
        self.leading = text.leading()
        self.top = form.get("border_top") if first else None
        self.bottom = form.get("border_bottom") if last else None

    def _room(self, border: Any) -> float:
        if not border or border[0] is None:
            return 0.0
        (width, _), space = border
        return float(width + space)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        height = (self.paragraph.wrap(available_width, available_height)[1]
                  if self.paragraph is not None else self.leading)
        self.width = available_width
        self.height = height + self._room(self.top) + self._room(self.bottom)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if self.paragraph is None:
            return []
        room = self._room(self.top) + self._room(self.bottom)
        parts = self.paragraph.split(available_width, available_height - room)
        if len(parts) < 2:
            return []
        return [_Block(parts[0], self.text, first=self.first, last=False),
                _Block(parts[1], self.text, first=False, last=self.last)]

    def draw(self) -> None:
        below = self._room(self.bottom)
        if self.paragraph is not None:
            size = self.text.size
            # reportlab puts the first baseline a font size under the top; Word the line's
            # height less the font's descent.
            shift = self.leading - DESCENT * size - size
            self.paragraph.drawOn(self.canv, 0, below - shift)
        form = self.text.format
        left = float(form.get("left", 0.0))
        right = self.width - float(form.get("right", 0.0))
        for border, on_top in ((self.bottom, False), (self.top, True)):
            if border and border[0] is not None:
                (width, color), _ = border
                line = self.height - width / 2 if on_top else width / 2
                self.canv.setLineWidth(width)
                self.canv.setStrokeColor(color)
                self.canv.line(left, line, right, line)


class _KeepWithNext(Flowable):  # type: ignore[misc]
    """Word's keep with next, before paragraphs kept with the one after them: a new page
    unless they and the first line of what follows fit what is left of this one.
    (reportlab's own keeps the whole of what follows, which Word lets run on over the next
    page.)"""

    # Takes no room, and passes the space under the paragraph above on to the one below.
    _ZEROSIZE = _SPACETRANSFER = True

    def __init__(self, chain: list[_Block], following: Flowable | None) -> None:
        super().__init__()
        self.chain, self.following = chain, following

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        needed = sum(block.wrap(available_width, available_height)[1]
                     + block.getSpaceBefore() + block.getSpaceAfter() for block in self.chain)
        following = self.following
        if isinstance(following, _Block):
            needed += following.getSpaceBefore() + following.leading
        elif isinstance(following, Table):
            following.wrap(available_width, available_height)
            needed += sum(following._rowHeights[:following.repeatRows + 1])
        frame = self._doctemplateAttr("frame")
        if frame is not None and not frame._atTop and needed > available_height:
            frame.add_generated_content(FrameBreak)
        return 0.0, 0.0

    def draw(self) -> None:
        """Nothing to draw: it only asks for a new frame when what it keeps together would not
        fit."""


def _kept_with_next(flowables: list[Flowable]) -> list[Flowable]:
    """`flowables` with a `_KeepWithNext` before each run of paragraphs kept with the next."""
    out: list[Flowable] = []
    chain: list[_Block] = []
    held: list[Flowable] = []  # an indent before a table, kept after the chain
    for flowable in flowables:
        if isinstance(flowable, _Block) and flowable.keep_next and not held:
            chain.append(flowable)
            continue
        if chain and isinstance(flowable, Indenter) and not held:
            held.append(flowable)
            continue
        if chain:
            out += [_KeepWithNext(chain, flowable), *chain]
            chain = []
        out += [*held, flowable]
        held = []
    if chain:
        out += [_KeepWithNext(chain, None), *chain]
    return out + held


def _markup(pieces: Iterable[_Piece]) -> str:
    """reportlab's paragraph markup for runs of text."""
    out: list[str] = []
    merged: list[_Piece] = []
    for piece in pieces:
        if piece.text == LINE_BREAK:
            merged.append(piece)
        elif merged and merged[-1].text != LINE_BREAK and merged[-1].same_look(piece):
            merged[-1] = replace(piece, text=merged[-1].text + piece.text)
        else:
            merged.append(piece)
    # reportlab fails (IndexError) splitting again a part of a paragraph with empty lines
    # (a summary's blank lines between its paragraphs): an empty line holds a no-break space.
    filler = next((p for p in merged if p.text != LINE_BREAK), None)
    empty_line = True
    for piece in merged:
        if piece.text == LINE_BREAK:
            if empty_line and filler is not None:
                out.append(_font(replace(filler, text=NBSP)))
            out.append("<br/>")
            empty_line = True
            continue
        empty_line = False
        text = escape(piece.text)
        if piece.underline:
            text = f"<u>{text}</u>"
        if piece.strike:
            text = f"<strike>{text}</strike>"
        if piece.vert in ("superscript", "subscript"):
            text = f"<{piece.vert[:-6]}>{text}</{piece.vert[:-6]}>"
        out.append(_font(replace(piece, text=text)))
    if empty_line and merged and filler is not None:
        out.append(_font(replace(filler, text=NBSP)))
    return "".join(out)


def _font(piece: _Piece) -> str:
    """`piece`'s text (already marked up) in its face, size and colour."""
    color = f' color="#{piece.color}"' if piece.color and len(piece.color) == 6 else ""
    return f'<font face="{piece.face}" size="{piece.size:g}"{color}>{piece.text}</font>'


# -- tables ----------------------------------------------------------------------------------

def _wrapped(text: str, face: str, size: float, width: float) -> str:
    """`text` broken into lines no wider than `width`: between words or after a hyphen (as
    Word breaks them), or inside a word (a link) longer than the line."""
    space = stringWidth(" ", face, size)
    lines: list[str] = []
    for line in text.split(LINE_BREAK):
        current, current_width = "", 0.0
        for word in line.split(" "):
            glue, glue_width = (" ", space) if current else ("", 0.0)
            for piece in _HYPHENATED.split(word):
                piece_width = stringWidth(piece, face, size)
                if current_width + glue_width + piece_width <= width or not current:
                    current += glue + piece
                    current_width += glue_width + piece_width
                else:
                    lines.append(current)
                    current, current_width = piece, piece_width
                while current_width > width and len(current) > 1:
                    cut = _cut(current, face, size, width)
                    lines.append(current[:cut])
                    current = current[cut:]
                    current_width = stringWidth(current, face, size)
                glue, glue_width = "", 0.0
        lines.append(current)
    return "\n".join(lines)


def _cut(word: str, face: str, size: float, width: float) -> int:
    """How much of a word too long for a line goes on it: up to its last slash that fits
    (a link), else as many characters as fit."""
    cut, used, after_slash = 0, 0.0, 0
    for character in word:
        used += stringWidth(character, face, size)
        if used > width and cut:
            break
        cut += 1
        if character in "/?&":
            after_slash = cut
    return after_slash or cut


class _Table(Table):  # type: ignore[misc]
    """A table whose rows go on over the next page, as Word's do, only where a row does not
    fit a page of its own: reportlab, splitting a row where the page is already begun,
    repeats the header rows above the row's second half on the same page."""

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        frame = getattr(self, "_frame", None)
        self.splitInRow = SPLIT_ROW if frame is not None and frame._atTop else 0
        parts: list[Flowable] = super().split(available_width, available_height)
        return parts


@dataclass
class _Cell:
    element: Element
    row: int
    column: int
    span: int
    merge: str | None  # "restart", "continue" or None


class _Styled:
    """A table's style commands, each look of plain text given once for a run of rows of
    a column (the annex's thousands of rows share a handful)."""

    def __init__(self) -> None:
        self.commands: list[tuple[Any, ...]] = []
        self._open: dict[int, tuple[tuple[Any, ...], int, int]] = {}

    def cell(self, column: int, row: int, look: tuple[Any, ...]) -> None:
        current = self._open.get(column)
        if current is not None and current[0] == look and current[2] == row - 1:
            self._open[column] = (look, current[1], row)
            return
        if current is not None:
            self._emit(column, *current)
        self._open[column] = (look, row, row)

    def close(self) -> list[tuple[Any, ...]]:
        for column, current in self._open.items():
            self._emit(column, *current)
        self._open.clear()
        return self.commands

    def _emit(self, column: int, look: tuple[Any, ...], first: int, last: int) -> None:
        start, end = (column, first), (column, last)
        face, size, leading, align, top, bottom, left, right, color, valign = look
        self.commands += [("TOPPADDING", start, end, top), ("BOTTOMPADDING", start, end, bottom),
                          ("LEFTPADDING", start, end, left), ("RIGHTPADDING", start, end, right),
                          ("VALIGN", start, end, valign)]
        if face is not None:
            self.commands += [("FONT", start, end, face, size, leading),
                              ("ALIGN", start, end, align), ("TEXTCOLOR", start, end, color)]


# -- the document ----------------------------------------------------------------------------

@dataclass
class _Section:
    properties: Element
    body: list[Element] = field(default_factory=list)

    def length(self, path: str, name: str, default: float) -> float:
        element = self.properties.find(qn(f"w:{path}"))
        value = _twips(element, name) if element is not None else None
        return value if value is not None else default

    @property
    def size(self) -> tuple[float, float]:
        return self.length("pgSz", "w", 595.3), self.length("pgSz", "h", 841.9)

    @property
    def margins(self) -> tuple[float, float, float, float]:
        """Top, right, bottom, left."""
        return tuple(abs(self.length("pgMar", side, 72.0))  # type: ignore[return-value]
                     for side in ("top", "right", "bottom", "left"))

    @property
    def start(self) -> int | None:
        numbering = self.properties.find(qn("w:pgNumType"))
        value = numbering.get(qn("w:start")) if numbering is not None else None
        return int(value) if value is not None and value.isdigit() else None

    @property
    def title_page(self) -> bool:
        title = self.properties.find(qn("w:titlePg"))
        return title is not None and _on(title)

    @property
    def continuous(self) -> bool:
        kind = self.properties.find(qn("w:type"))
        return kind is not None and kind.get(_VAL) == "continuous"


class _Layout:
    def __init__(self, path: Path) -> None:
        self.document = Document(str(path))
        self.styles = _Styles(self.document.styles.element)
        self.sections = self._sections()
        self.even_and_odd = bool(self.document.settings.odd_and_even_pages_header_footer)
        self.parts = self._headers_and_footers()
        self.number = 0  # the page number as printed
        self.pages: dict[str, str] = {}  # the values of the page fields on the page drawn
        self.total_pages = 0

    def _sections(self) -> list[_Section]:
        body = self.document.element.body
        sections: list[_Section] = []
        current: list[Element] = []
        for child in body:
            if child.tag == qn("w:sectPr"):
                sections.append(_Section(child, current))
                current = []
                continue
            current.append(child)
            properties = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if child.tag == qn("w:p") and properties is not None:
                sections.append(_Section(properties, current))
                current = []
        if current:  # a body without its last section's properties: Word's defaults
            sections.append(_Section(body.makeelement(qn("w:sectPr"), {}), current))
        return sections

    def _headers_and_footers(self) -> list[dict[str, Element | None]]:
        """Each section's headers and footers by kind (`header-default`, `footer-first`, …):
        those it does not name are the previous section's."""
        related = self.document.part.related_parts
        inherited: dict[str, Element | None] = {}
        found = []
        for section in self.sections:
            own = dict(inherited)
            for tag in ("header", "footer"):
                for reference in section.properties.findall(qn(f"w:{tag}Reference")):
                    part = related.get(reference.get(qn("r:id")))
                    own[f"{tag}-{reference.get(qn('w:type'))}"] = (
                        part.element if part is not None else None)
            found.append(own)
            inherited = own
        return found

    # -- writing

    def write(self, target: Path) -> None:
        counts = any(self._has_total(part) for parts in self.parts for part in parts.values())
        if counts:  # NUMPAGES: lay it out once to count the pages
            self._build(BytesIO())
            self.total_pages = self.number
        self._build(str(target))

    def _has_total(self, part: Element | None) -> bool:
        if part is None:
            return False
        instructions = [t.text or "" for t in part.iter(qn("w:instrText"))]
        instructions += [f.get(qn("w:instr"), "") for f in part.iter(qn("w:fldSimple"))]
        return any("NUMPAGES" in i for i in instructions)

    def _build(self, target: str | BytesIO) -> None:
        self.number = 0
        core = self.document.core_properties
        templates: list[PageTemplate] = []
        story: list[Flowable] = []
        previous: _Section | None = None
        for index, section in enumerate(self.sections):
            width, height = section.size
            top, right, bottom, left = section.margins
            for suffix, first in (("", True), ("+", False)):
                frame = Frame(left, bottom, width - left - right, height - top - bottom,
                              leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
                templates.append(PageTemplate(
                    id=f"{index}{suffix}", frames=[frame], pagesize=(width, height),
                    autoNextPageTemplate=f"{index}+",
                    onPage=partial(self._page, index, first)))
            if previous is not None and not section.continuous:
                story += [NextPageTemplate(str(index)), PageBreak()]
            story += _kept_with_next(self._blocks(section.body, width - left - right))
            previous = section
        # The initial font too, or the PDF would name a Helvetica it never embeds.
        document = BaseDocTemplate(target, pageTemplates=templates, title=core.title or "",
                                   author=core.author or "", creator="Sổ vi phạm MXH",
                                   invariant=1, initialFontName=fonts.REGULAR)
        document.build(story)

    def _page(self, index: int, first: bool, canvas: Canvas, document: Any) -> None:
        """A page begins: its number, then its header and footer."""
        section = self.sections[index]
        start = section.start
        self.number = start if first and start is not None else self.number + 1
        self.pages = {"PAGE": str(self.number), "NUMPAGES": str(self.total_pages or "")}
        kind = ("first" if first and section.title_page
                else "even" if self.even_and_odd and self.number % 2 == 0 else "default")
        width, height = section.size
        _, right, _, left = section.margins
        parts = self.parts[index]
        for tag, distance in (("header", section.length("pgMar", "header", 36.0)),
                              ("footer", section.length("pgMar", "footer", 36.0))):
            part = parts.get(f"{tag}-{kind}")
            if kind == "even" and part is None:
                part = parts.get(f"{tag}-default")
            if part is None:
                continue
            blocks = self._blocks(list(part), width - left - right, page=True)
            if tag == "header":
                frame_top = height - distance
            else:
                frame_top = distance + sum(b.wrap(width - left - right, height)[1]
                                           + b.getSpaceBefore() + b.getSpaceAfter()
                                           for b in blocks)
            Frame(left, 0, width - left - right, frame_top, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0).addFromList(blocks, canvas)

    # -- blocks

    def _blocks(self, elements: Iterable[Element], width: float, *,
                table_style: str | None = None, page: bool = False) -> list[Flowable]:
        out: list[Flowable] = []
        for element in elements:
            if element.tag == qn("w:p"):
                text = self._read(element, table_style, page)
                if text.pieces or element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None:
                    out += self._paragraph(text, width)
                # An empty paragraph ending a section shows nothing: left out, it never
                # pushes a page of its own when the section fills its last page (as
                # LibreOffice does).
            elif element.tag == qn("w:tbl"):
                out += self._table(element, width, page)
            elif element.tag == qn("w:sdt"):
                content = element.find(qn("w:sdtContent"))
                if content is not None:
                    out += self._blocks(list(content), width, table_style=table_style,
                                        page=page)
        return out

    def _read(self, element: Element, table_style: str | None, page: bool) -> _Text:
        ppr = element.find(qn("w:pPr"))
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        base, run = self.styles.paragraph(style.get(_VAL) if style is not None else None,
                                          table_style)
        direct = _paragraph_properties(ppr)
        mark = {**run, **direct.pop("mark", {})}
        text = _Text({**base, **direct}, mark)
        if base.get("pageBreakBefore") or direct.get("pageBreakBefore"):
            text.pieces.append(_Piece(PAGE_BREAK, False, False, 0.0))
        field: list[str] = []  # the instruction of a field being read; its result is skipped
        state: list[str] = []  # "code", "result" of the fields open
        for run_element in self._runs(element):
            if run_element.tag == qn("w:fldSimple"):
                self._field(text, run, run_element.get(qn("w:instr"), ""), page,
                            list(self._runs(run_element)))
                continue
            look = {**run}
            rpr = run_element.find(qn("w:rPr"))
            own = _run_properties(rpr)
            if "style" in own:
                look.update(self.styles.character(own["style"]))
            look.update(own)
            if look.get("vanish"):
                continue
            for child in run_element:
                tag = child.tag
                if tag == qn("w:fldChar"):
                    kind = child.get(qn("w:fldCharType"))
                    if kind == "begin":
                        state.append("code")
                        field.append("")
                    elif kind == "separate" and state:
                        state[-1] = "result"
                        if self._page_field(field[-1], page):
                            state[-1] = "skip"
                            self._add(text, look, self.pages[field[-1].split()[0]])
                    elif kind == "end" and state:
                        if state[-1] == "code" and self._page_field(field[-1], page):
                            self._add(text, look, self.pages[field[-1].split()[0]])
                        state.pop()
                        field.pop()
                elif tag == qn("w:instrText"):
                    if state:
                        field[-1] += child.text or ""
                elif state and state[-1] != "result":
                    continue
                elif tag == qn("w:t"):
                    self._add(text, look, child.text or "")
                elif tag == qn("w:tab"):
                    self._add(text, look, TAB)
                elif tag in (qn("w:br"), qn("w:cr")):
                    page_break = child.get(qn("w:type")) == "page"
                    text.pieces.append(_Piece(PAGE_BREAK if page_break else LINE_BREAK,
                                              False, False, 0.0))
                elif tag == qn("w:noBreakHyphen"):
                    self._add(text, look, "\u2011")
                elif tag == qn("w:sym"):
                    code = child.get(qn("w:char"), "")
                    self._add(text, look, _symbol(code))
        return text

    def _page_field(self, instruction: str, page: bool) -> bool:
        words = instruction.split()
        return page and bool(words) and words[0] in _PAGE_FIELDS

    def _field(self, text: _Text, run: dict[str, Any], instruction: str, page: bool,
               result: list[Element]) -> None:
        if self._page_field(instruction, page):
            look = {**run, **_run_properties(result[0].find(qn("w:rPr")))} if result else run
            self._add(text, look, self.pages[instruction.split()[0]])
            return
        for run_element in result:
            look = {**run, **_run_properties(run_element.find(qn("w:rPr")))}
            for child in run_element.iter(qn("w:t")):
                self._add(text, look, child.text or "")

    def _runs(self, element: Element) -> Iterator[Element]:
        """The runs of a paragraph, through hyperlinks, insertions and content controls;
        deletions left out."""
        for child in element:
            tag = child.tag
            if tag in (qn("w:r"), qn("w:fldSimple")):
                yield child
            elif tag in (qn("w:hyperlink"), qn("w:ins"), qn("w:smartTag"), qn("w:customXml")):
                yield from self._runs(child)
            elif tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from self._runs(content)

    @staticmethod
    def _add(text: _Text, look: dict[str, Any], value: str) -> None:
        if not value:
            return
        value = unicodedata.normalize("NFC", value)  # the font's glyphs are precomposed
        if look.get("caps"):
            value = value.upper()
        text.pieces.append(_Piece(
            value, bool(look.get("b")), bool(look.get("i")),
            float(look.get("size", DEFAULT_SIZE)), bool(look.get("u")),
            bool(look.get("strike") or look.get("dstrike")),
            look.get("color") if look.get("color") not in (None, "auto") else None,
            look.get("vert") if look.get("vert") != "baseline" else None,
            bool(look.get("mono"))))

    def _paragraph(self, text: _Text, width: float) -> list[Flowable]:
        """A paragraph's blocks: more than one where it holds a page break."""
        out: list[Flowable] = []
        parts: list[list[_Piece]] = [[]]
        for piece in text.pieces:
            if piece.text == PAGE_BREAK:
                parts.append([])
            else:
                parts[-1].append(piece)
        for index, pieces in enumerate(parts):
            if index:
                out.append(PageBreak())
            if index and not pieces and index == len(parts) - 1:
                continue  # the page break ended the paragraph
            part = _Text(text.format, text.mark, pieces)
            out.append(_Block(self._flowing(part) if pieces else None, part))
        return out

    def _flowing(self, text: _Text) -> Paragraph:
        form = text.format
        size = text.size
        style = ParagraphStyle(
            "docx", fontName=fonts.REGULAR, fontSize=size, leading=text.leading(),
            alignment=_ALIGNS.get(form.get("align") or "left", TA_LEFT),
            leftIndent=float(form.get("left", 0.0)), rightIndent=float(form.get("right", 0.0)),
            firstLineIndent=float(form.get("first", 0.0)), splitLongWords=1,
            # Word's widow control keeps two lines of a paragraph together on each page.
            allowWidows=int(not form.get("widowControl")),
            allowOrphans=int(not form.get("widowControl")))
        return Paragraph(_markup(text.pieces), style)

    def _table(self, element: Element, available: float, page: bool) -> list[Flowable]:
        tblpr = element.find(qn("w:tblPr"))
        named = tblpr.find(qn("w:tblStyle")) if tblpr is not None else None
        style_id = self.styles.table_id(named.get(_VAL) if named is not None else None)
        table = {**self.styles.table(style_id), **_table_properties(tblpr)}
        grid = [_twips(column, "w") or 0.0 for column in
                element.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
        rows: list[list[_Cell]] = []
        header_rows, in_header = 0, True
        for tr in element.iter(qn("w:tr")):
            if tr.getparent() is not element and tr.getparent().tag != qn("w:sdtContent"):
                continue  # a nested table's row
            trpr = tr.find(qn("w:trPr"))
            header = trpr is not None and any(_on(h) for h in trpr.iter(qn("w:tblHeader")))
            in_header = in_header and header
            header_rows += in_header
            cells, column = [], 0
            for tc in tr.iter(qn("w:tc")):
                if next(tc.iterancestors(qn("w:tr"))) is not tr:
                    continue
                tcpr = tc.find(qn("w:tcPr"))
                span_element = tcpr.find(qn("w:gridSpan")) if tcpr is not None else None
                span = int(span_element.get(_VAL, "1")) if span_element is not None else 1
                merge_element = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
                merge = (None if merge_element is None
                         else merge_element.get(_VAL) or "continue")
                cells.append(_Cell(tc, len(rows), column, max(span, 1), merge))
                column += max(span, 1)
            rows.append(cells)
        columns = max([len(grid)] + [sum(c.span for c in row) for row in rows])
        if not rows or not columns:
            return []
        grid = self._grid(grid, rows, columns, available)
        data: list[list[Any]] = [[""] * columns for _ in rows]
        styled = _Styled()
        # Empty cells too, or the PDF would name a Helvetica it never embeds.
        commands: list[tuple[Any, ...]] = [("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR)]
        merges: dict[int, tuple[int, int]] = {}  # column → (first row, span) of a merge
        for row in rows:
            for cell in row:
                end = cell.column + cell.span - 1
                if cell.merge == "continue" and cell.column in merges:
                    styled.cell(cell.column, cell.row, self._look(None, table, cell))
                    continue
                if cell.column in merges:
                    first, span = merges.pop(cell.column)
                    if cell.row - 1 > first:
                        commands.append(("SPAN", (cell.column, first),
                                         (cell.column + span - 1, cell.row - 1)))
                if cell.merge == "restart":
                    merges[cell.column] = (cell.row, cell.span)
                elif cell.span > 1:
                    commands.append(("SPAN", (cell.column, cell.row), (end, cell.row)))
                width = sum(grid[cell.column:end + 1])
                data[cell.row][cell.column] = self._cell(cell, table, style_id, width, styled,
                                                         commands, page)
        for column, (first, span) in merges.items():
            if len(rows) - 1 > first:
                commands.append(("SPAN", (column, first), (column + span - 1, len(rows) - 1)))
        commands += _grid_lines(table) + styled.close()
        flowable = _Table(data, colWidths=grid, repeatRows=header_rows,
                         hAlign=_TABLE_ALIGNS[_ALIGNS.get(table.get("align") or "left",
                                                          TA_LEFT)])
        flowable.setStyle(TableStyle(commands))
        # Word (2010's layout) puts a left-aligned table's text, not its edge, at the margin.
        shift = float(table.get("indent", 0.0)) - float(table.get("margin_left", 5.4))
        if table.get("align") in (None, "left", "start") and shift:
            return [Indenter(left=shift), flowable, Indenter(left=-shift)]
        return [flowable]

    @staticmethod
    def _grid(grid: list[float], rows: list[list[_Cell]], columns: int,
              available: float) -> list[float]:
        """The columns' widths: the grid's, else the first row's cells', shrunk to fit."""
        if len(grid) < columns or not all(grid):
            grid = [available / columns] * columns
            for cell in rows[0]:
                tcw = cell.element.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                width = _twips(tcw, "w") if tcw is not None and tcw.get(
                    qn("w:type")) == "dxa" else None
                if width:
                    for column in range(cell.column, cell.column + cell.span):
                        grid[column] = width / cell.span
        total = sum(grid)
        return [w * available / total for w in grid] if total > available * 1.02 else grid

    def _look(self, text: _Text | None, table: dict[str, Any], cell: _Cell, *,
              above: float = 0.0, below: float = 0.0) -> tuple[Any, ...]:
        tcpr = cell.element.find(qn("w:tcPr"))
        own = _margins(tcpr.find(qn("w:tcMar"))) if tcpr is not None and tcpr.find(
            qn("w:tcMar")) is not None else {}
        margin = {**{k: v for k, v in table.items() if k.startswith("margin_")}, **own}
        top, bottom = margin.get("margin_top", 0.0), margin.get("margin_bottom", 0.0)
        left = margin.get("margin_left", 5.4)
        right = margin.get("margin_right", 5.4)
        valign_element = tcpr.find(qn("w:vAlign")) if tcpr is not None else None
        valign = {"center": "MIDDLE", "bottom": "BOTTOM"}.get(
            valign_element.get(_VAL) if valign_element is not None else "", "TOP")
        if text is None:  # the cell holds flowables (or nothing): only its margins
            return (None, 0, 0, "LEFT", top + above, bottom + below, left, right, None, valign)
        form, piece = text.format, next(
            (p for p in text.pieces if p.text != LINE_BREAK), None)
        size = piece.size if piece is not None else float(text.mark.get("size",
                                                                          DEFAULT_SIZE))
        face = piece.face if piece is not None else fonts.REGULAR
        leading = text.leading()
        shift = leading - DESCENT * size - size  # the first baseline where Word puts it
        return (face, size, leading,
                _TABLE_ALIGNS[_ALIGNS.get(form.get("align") or "left", TA_LEFT)],
                top + float(form.get("before", 0.0)) + shift,
                bottom + float(form.get("after", 0.0)) - shift,
                left + float(form.get("left", 0.0)), right + float(form.get("right", 0.0)),
                _color(piece.color if piece is not None else None), valign)

    def _cell(self, cell: _Cell, table: dict[str, Any], style_id: str | None, width: float,
              styled: _Styled, commands: list[tuple[Any, ...]], page: bool) -> Any:
        """A cell's content: its text pre-wrapped when it is one plain paragraph, else its
        blocks."""
        content = [c for c in cell.element if c.tag in (qn("w:p"), qn("w:tbl"), qn("w:sdt"))]
        tcpr = cell.element.find(qn("w:tcPr"))
        shading = tcpr.find(qn("w:shd")) if tcpr is not None else None
        if shading is not None and shading.get(qn("w:fill")) not in (None, "auto"):
            commands.append(("BACKGROUND", (cell.column, cell.row),
                             (cell.column + cell.span - 1, cell.row),
                             _color(shading.get(qn("w:fill")))))
        for side, border in _cell_borders(tcpr):
            commands.append((side, (cell.column, cell.row),
                             (cell.column + cell.span - 1, cell.row), *border))
        if len(content) == 1 and content[0].tag == qn("w:p"):
            text = self._read(content[0], style_id, page)
            if text.plain:
                look = self._look(text, table, cell)
                styled.cell(cell.column, cell.row, look)
                face, size = look[0], look[1]
                room = width - look[6] - look[7]
                return _wrapped(text.text(), face, size, room)
        look = self._look(None, table, cell)
        blocks = self._blocks(content, width - look[6] - look[7], table_style=style_id,
                              page=page)
        # reportlab adds up the spaces between a cell's paragraphs and drops the first's
        # before and the last's after; Word keeps those and, between two paragraphs, the
        # larger of the two (as in the body).
        after = None
        for block in blocks:
            if after is not None:
                block.spaceBefore = max(block.getSpaceBefore() - after, 0.0)
            after = block.getSpaceAfter()
        if blocks:
            look = self._look(None, table, cell, above=blocks[0].getSpaceBefore(),
                              below=blocks[-1].getSpaceAfter())
        styled.cell(cell.column, cell.row, look)
        return blocks


def _grid_lines(table: dict[str, Any]) -> list[tuple[Any, ...]]:
    """A table's borders (of its style, or its own)."""
    lines: list[tuple[Any, ...]] = []
    for side, command, start, end in (
            ("top", "LINEABOVE", (0, 0), (-1, 0)), ("bottom", "LINEBELOW", (0, -1), (-1, -1)),
            ("left", "LINEBEFORE", (0, 0), (0, -1)), ("right", "LINEAFTER", (-1, 0), (-1, -1)),
            ("insideH", "LINEBELOW", (0, 0), (-1, -2)),
            ("insideV", "LINEAFTER", (0, 0), (-2, -1))):
        border = table.get(f"border_{side}")
        if border is not None:
            lines.append((command, start, end, *border))
    return lines


def _cell_borders(tcpr: Element | None) -> Iterator[tuple[str, tuple[float, colors.Color]]]:
    borders = tcpr.find(qn("w:tcBorders")) if tcpr is not None else None
    if borders is None:
        return
    for side, command in (("top", "LINEABOVE"), ("bottom", "LINEBELOW"),
                          ("left", "LINEBEFORE"), ("start", "LINEBEFORE"),
                          ("right", "LINEAFTER"), ("end", "LINEAFTER")):
        border = _border(borders.find(qn(f"w:{side}")))
        if border is not None:
            yield command, border


def _symbol(code: str) -> str:
    """A `w:sym` character (Symbol fonts map theirs from U+F000)."""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    return chr(value - 0xF000 if value >= 0xF000 else value)

