"""The layout of an official document (Nghị định 30/2020/NĐ-CP, shared/domain/context.md):
A4 pages and their margins, the type sizes, the header block and the page numbers. The
monthly report's PDF and the case printout are both laid out with it.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import IO, Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfbase.pdfdoc import (
    PDFBase85Encode,
    PDFCrossReferenceTable,
    PDFDocument,
    PDFFile,
    PDFIndirectObject,
    PDFObject,
    PDFPage,
    PDFStream,
    PDFTrailer,
    PDFZCompress,
)
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from app.domain.office import OfficeSettings, ReportIssuer
from app.domain.report import ReportText
from app.progress import CancelToken
from app.reports import document, fonts

PORTRAIT = A4
LANDSCAPE = landscape(A4)
# Nghị định 30/2020: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
PORTRAIT_MARGINS = (20 * mm, 15 * mm, 20 * mm, 30 * mm)  # top, right, bottom, left
LANDSCAPE_MARGINS = (20 * mm, 15 * mm, 15 * mm, 20 * mm)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def paragraph_style(name: str, size: float, font: str = fonts.REGULAR,
                    align: int = TA_CENTER, **extra: Any) -> ParagraphStyle:
    values: dict[str, Any] = {"leading": size * 1.2, **extra}
    return ParagraphStyle(name, fontName=font, fontSize=size, alignment=align, **values)


class OfficialStyles:
    def __init__(self) -> None:
        self.unit = paragraph_style("unit", 12)
        self.unit_bold = paragraph_style("unit_bold", 12, fonts.BOLD)
        self.nation = paragraph_style("nation", 12, fonts.BOLD)
        self.motto = paragraph_style("motto", 13, fonts.BOLD)
        self.number = paragraph_style("number", 13)
        self.place_date = paragraph_style("place_date", 13, fonts.ITALIC)
        self.title = paragraph_style("title", 14, fonts.BOLD, spaceBefore=18)
        self.subject = paragraph_style("subject", 14, fonts.BOLD)
        self.addressee = paragraph_style("addressee", 14, spaceBefore=6, spaceAfter=6)
        self.addressee_item = paragraph_style("addressee_item", 14, align=TA_LEFT)
        self.body = paragraph_style("body", 14, align=TA_JUSTIFY, firstLineIndent=1 * cm,
                                    spaceAfter=6, leading=14 * 1.3)
        self.heading = paragraph_style("heading", 14, fonts.BOLD, align=TA_JUSTIFY,
                                       firstLineIndent=1 * cm, spaceAfter=6, leading=14 * 1.3,
                                       keepWithNext=1)
        self.recipients_title = paragraph_style("recipients_title", 12, fonts.BOLD_ITALIC,
                                                TA_LEFT)
        self.recipient = paragraph_style("recipient", 11, align=TA_LEFT)
        self.signer = paragraph_style("signer", 13, fonts.BOLD)
        self.signer_name = paragraph_style("signer_name", 14, fonts.BOLD)
        self.annex = paragraph_style("annex", 14, fonts.BOLD, keepWithNext=1)
        self.annex_title = paragraph_style("annex_title", 13, fonts.BOLD, keepWithNext=1)
        self.annex_line = paragraph_style("annex_line", 13, fonts.ITALIC, keepWithNext=1)
        self.annex_reference = paragraph_style("annex_reference", 12, fonts.ITALIC,
                                               spaceAfter=8, keepWithNext=1)
        # A line under a form's table (the consolidated report's units not sent).
        self.note = paragraph_style("note", 12, fonts.ITALIC, align=TA_LEFT, spaceBefore=4)


def plain(value: str) -> str:
    """User or settings text as a document prints it: composed (NFC), without control
    characters (a line break stays), a tab a space. The PDF and the Word file share it."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).replace("\t", " ")


def markup(value: str) -> str:
    """User or settings text as paragraph markup: plain, escaped, lines kept."""
    return escape(plain(value)).replace("\n", "<br/>")


def paragraph(value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(value), style)


def rule(width: float) -> HRFlowable:
    return HRFlowable(width=width, thickness=0.6, color=colors.black, spaceBefore=4,
                      spaceAfter=3, hAlign="CENTER")


def new_section() -> ActionFlowable:
    """Put before the page break that starts an annex: its pages are numbered on their own."""
    return ActionFlowable(("newSection",))


class _SpooledStream(PDFObject):  # type: ignore[misc]
    """A page's content stream, formatted when its page ended and kept in a scratch file
    until the save copies it into the PDF where reportlab would have formatted it."""

    __RefOnly__ = 1  # an object of its own, as reportlab's `PDFStream`
    __Comment__ = "page stream"

    def __init__(self, spool: IO[bytes], offset: int, length: int) -> None:
        self._spool, self._offset, self._length = spool, offset, length

    def format(self, document: PDFDocument) -> bytes:
        self._spool.seek(self._offset)
        return self._spool.read(self._length)


_NAME = "__InternalName__"  # where reportlab keeps a registered object's name
_READ_BY_CHECK_FORMAT = {"MediaBox", "Rotate", "Annots", "Contents", "Resources", "Parent"}


class _WrittenAsItGoesDocument(PDFDocument):  # type: ignore[misc]
    """reportlab's document, but whose pages' content waits in a scratch file and whose
    save writes each object to the file in turn, instead of joining the whole file in
    memory (`PDFDocument.format`) and then writing it: a long report's largest use of
    memory. The same objects in the same order (`PDFDocument.format`'s loop), so the same
    bytes. Neither encryption, digital signatures nor `rl_config.pdfComments`, which the
    reports never use."""

    spool: IO[bytes] | None = None

    def spool_page(self, page: PDFPage) -> None:
        """`page`'s content compressed and formatted as reportlab would at the save (the
        same filters, `PDFPage.check_format`), and moved out of memory."""
        if not (page.compression and page.stream):
            return
        filters = [PDFBase85Encode, PDFZCompress] if rl_config.useA85 else [PDFZCompress]
        stream = PDFStream(content=page.stream, filters=filters)
        if self.spool is None:
            # Nameless, removed when closed: at the save, or when the build fails.
            self.spool = tempfile.TemporaryFile()  # noqa: SIM115
        offset = self.spool.seek(0, os.SEEK_END)
        length = self.spool.write(stream.format(self))
        page.Contents, page.stream = _SpooledStream(self.spool, offset, length), None
        # reportlab sets each optional entry of a page to None, to `PDFCatalog.format` the
        # same as absent: a page keeps those it uses and those `PDFPage.check_format` reads,
        # half its memory till the save (thousands of pages in a year's report).
        page.__dict__ = {name: value for name, value in vars(page).items()
                         if value is not None or name not in PDFPage.__NoDefault__
                         or name in _READ_BY_CHECK_FORMAT}

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()

    def SaveToFile(self, filename: str | BinaryIO,  # noqa: N802 (reportlab's name)
                   canvas: _PageByPageCanvas) -> None:
        try:
            if isinstance(filename, str):
                with open(filename, "wb") as out:
                    self._write(out, canvas)
            else:
                self._write(filename, canvas)
        finally:
            self.close()

    def _write(self, out: BinaryIO, canvas: _PageByPageCanvas) -> None:
        """`GetPDFData` and `format` of reportlab, each object written as it is formatted."""
        for font in self.delayedFonts:
            font.addObjects(self)
        self.info.invariant = self.invariant
        self.info.digest(self.signature)
        catalog, info = self.Reference(self.Catalog), self.Reference(self.info)
        self.Outlines.prepare(self, canvas)
        if self.Outlines.ready < 0:
            self.Catalog.Outlines = None
        written = 0

        def add(data: bytes) -> int:
            """Where `data` starts in the file (`PDFFile.add`)."""
            nonlocal written
            out.write(data)
            written += len(data)
            return written - len(data)

        add(PDFFile(self._pdfVersion).format(self))  # the header
        ids = []
        number = 1
        while number in self.numberToId:  # formatting may register further objects
            canvas.raise_if_cancelled()
            oid = self.numberToId[number]
            written_object = self.idToObject[oid]
            self.idToOffset[oid] = add(PDFIndirectObject(oid, written_object).format(self))
            if isinstance(written_object, PDFPage):
                # Its format made its resources and boxes (3.7 KB a page, 7 MB for a month
                # of 13,000 cases); nothing reads them again. The name stays: a later
                # reference to the page finds it registered.
                written_object.__dict__ = {_NAME: getattr(written_object, _NAME)}
            ids.append(oid)
            number += 1
        xref = PDFCrossReferenceTable()
        xref.addsection(0, ids)
        add(PDFTrailer(startxref=add(xref.format(self)), Size=len(ids) + 1, Root=catalog,
                       Info=info, ID=self.ID()).format(self))


class _PageByPageCanvas(Canvas):  # type: ignore[misc]
    """A canvas whose document writes each page's content out of memory when the page
    ends, and the file object by object at the save (`_WrittenAsItGoesDocument`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._doc.__class__ = _WrittenAsItGoesDocument  # made by `Canvas.__init__`
        self.token: CancelToken | None = None  # the document's (`OfficialDocument`)

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        super().showPage()
        self._doc.spool_page(self._doc.Pages.pages[-1])

    def raise_if_cancelled(self) -> None:
        """A cancel honoured during the save too: a long report's takes seconds."""
        if self.token is not None:
            self.token.raise_if_cancelled()


class OfficialDocument(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, target: Path | BinaryIO, token: CancelToken | None,
                 **info: str) -> None:
        """`target`: a file, or a stream for a printout that never touches the disk."""
        # The initial font too, or the PDF would name a Helvetica it never embeds.
        super().__init__(str(target) if isinstance(target, Path) else target,
                         pagesize=PORTRAIT, initialFontName=fonts.REGULAR, **info)
        self._token = token
        self._section_first_page = 1
        self._section_next = False
        self.addPageTemplates([
            self._template("portrait", PORTRAIT, PORTRAIT_MARGINS),
            self._template("landscape", LANDSCAPE, LANDSCAPE_MARGINS),
        ])

    def build(self, flowables: list[Flowable],
              canvasmaker: type[Canvas] = _PageByPageCanvas) -> None:
        try:
            super().build(flowables, canvasmaker=canvasmaker)
        finally:  # a cancelled or failed build leaves no scratch file open
            document = getattr(getattr(self, "canv", None), "_doc", None)
            if isinstance(document, _WrittenAsItGoesDocument):
                document.close()

    def handle_documentBegin(self) -> None:  # noqa: N802 (reportlab hook)
        super().handle_documentBegin()
        if isinstance(self.canv, _PageByPageCanvas):
            self.canv.token = self._token

    def _template(self, name: str, size: tuple[float, float],
                  margins: tuple[float, float, float, float]) -> PageTemplate:
        top, right, bottom, left = margins
        frame = Frame(left, bottom, size[0] - left - right, size[1] - top - bottom,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        return PageTemplate(name, [frame], onPage=self._page_number, pagesize=size)

    def afterPage(self) -> None:  # noqa: N802 (reportlab hook)
        if self._token is not None:
            self._token.raise_if_cancelled()

    def handle_newSection(self) -> None:  # noqa: N802 (reportlab's name for `new_section`)
        self._section_next = True

    def _page_number(self, canvas: Any, doc: Any) -> None:
        """Centred in the top margin, from the second page of the document and of each annex
        on (Nghị định 30/2020: an annex is numbered on its own)."""
        if self._section_next:
            self._section_first_page, self._section_next = doc.page, False
        number = doc.page - self._section_first_page + 1
        if number > 1:
            width, height = canvas._pagesize
            canvas.setFont(fonts.REGULAR, 13)
            canvas.drawCentredString(width / 2, height - 12 * mm, str(number))


def header_block(office: OfficeSettings, issuer: ReportIssuer, text: ReportText,
                 styles: OfficialStyles, width: float, numbered: bool = True) -> Table:
    """Nghị định 30 header: a borderless two-column table, 40 % and 60 %; a paper that
    is not a numbered document (a case printout) leaves out the `Số:` line. Names are
    printed as typed, broken where the office broke them."""
    left: list[Flowable] = []
    if issuer.above:
        left.append(paragraph(issuer.above, styles.unit))
    left += [paragraph(issuer.heading, styles.unit_bold),
             rule(_widest_line(issuer.heading, fonts.BOLD, 12, 0.4 * width) / 3)]
    right = [paragraph(document.NATION, styles.nation), paragraph(document.MOTTO, styles.motto),
             rule(stringWidth(document.MOTTO, fonts.BOLD, 13))]
    number = document.number_line(issuer, text.number)
    rows = [[left, right],
            [paragraph(number, styles.number) if numbered else "",
             paragraph(document.place_date(office, text.issue_date), styles.place_date)]]
    table = Table(rows, colWidths=[0.4 * width, 0.6 * width])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 12),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 1), (-1, 1), 6),
    ]))
    return table


def _widest_line(text: str, font: str, size: float, room: float) -> float:
    """The width of the text's longest line as printed within `room` (a longer one wraps)."""
    return min(max((stringWidth(line, font, size) for line in text.splitlines()), default=0.0),
               room)
