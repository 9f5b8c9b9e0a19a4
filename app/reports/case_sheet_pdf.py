"""The PDF "Phiếu thông tin vụ việc" of one case, on the monthly report's page layout.

The Nghị định 30 header (without a document number: the paper is printed from
the register, not issued), then the facts as labelled tables, the handling events
in date order, the evidence files with their SHA-256, and who printed it when.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.office import Issuer, OfficeSettings
from app.domain.report import ReportText
from app.progress import CancelToken
from app.reports import fonts
from app.reports.case_sheet import Block, CaseSheet, Fact, SheetEvent, SheetFile
from app.reports.official import (
    PORTRAIT,
    PORTRAIT_MARGINS,
    OfficialDocument,
    OfficialStyles,
    header_block,
    markup,
    paragraph,
    paragraph_style,
    rule,
)
from app.text import format_date, format_number

TITLE = "PHIẾU THÔNG TIN VỤ VIỆC"
CELL_SIZE = 11
HEADING_ROOM = 35 * mm  # below a section heading: its first rows
VOIDED_COLOUR = colors.HexColor("#555555")
MASKED_NOTICE = ("Trẻ em chỉ được ghi bằng chữ cái đầu của họ tên, tuổi và giới tính (Luật Trẻ "
                 "em 2016, Điều 6; Nghị định 56/2017/NĐ-CP, Điều 33).")
UNMASKED_NOTICE = ("Phiếu có đầy đủ thông tin bí mật đời sống riêng tư của trẻ em, được in theo "
                   "quyết định của người in và đã ghi vào nhật ký: chỉ sử dụng trong cơ quan, "
                   "không sao chụp, không cung cấp cho người không có trách nhiệm.")


class _SheetStyles(OfficialStyles):
    def __init__(self) -> None:
        super().__init__()
        self.code = paragraph_style("code", 14, fonts.BOLD)
        self.status = paragraph_style("status", 13, spaceBefore=6)
        self.notice = paragraph_style("notice", 12, fonts.ITALIC, spaceBefore=4, spaceAfter=2)
        self.section = paragraph_style("section", 13, fonts.BOLD, align=TA_LEFT,
                                       spaceBefore=10, spaceAfter=4)
        self.block = paragraph_style("block", 12, fonts.BOLD_ITALIC, align=TA_LEFT,
                                     spaceBefore=4, spaceAfter=2, keepWithNext=1)
        self.cell = paragraph_style("cell", CELL_SIZE, align=TA_LEFT)
        self.voided = paragraph_style("voided", CELL_SIZE, align=TA_LEFT, textColor=VOIDED_COLOUR)
        self.head = paragraph_style("head", CELL_SIZE, fonts.BOLD)
        self.amount = paragraph_style("amount", CELL_SIZE, align=TA_RIGHT)
        self.centre = paragraph_style("centre", CELL_SIZE, align=TA_CENTER)
        self.empty = paragraph_style("empty", 12, fonts.ITALIC, align=TA_LEFT)
        self.printed = paragraph_style("printed", 12, fonts.ITALIC, align=TA_LEFT, spaceBefore=10)
        self.signer_note = paragraph_style("signer_note", 12, fonts.ITALIC)


def _grid(data: list[list[Any]], widths: list[float], *extra: tuple[Any, ...],
          header: bool = False) -> Table:
    commands: list[tuple[Any, ...]] = [
        # Empty cells too, or the PDF would name a Helvetica it never embeds.
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, CELL_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *extra,
    ]
    if header:
        commands.append(("VALIGN", (0, 0), (-1, 0), "MIDDLE"))
    return Table(data, colWidths=widths, repeatRows=1 if header else 0,
                 style=TableStyle(commands), hAlign="LEFT")


def _facts(facts: tuple[Fact, ...], styles: _SheetStyles, width: float) -> Table:
    return _grid([[paragraph(f.label, styles.cell), paragraph(f.value, styles.cell)]
                  for f in facts], [0.34 * width, 0.66 * width])


def _blocks(blocks: tuple[Block, ...], nothing: str, styles: _SheetStyles,
            width: float) -> list[Flowable]:
    if not blocks:
        return [paragraph(nothing, styles.empty)]
    parts: list[Flowable] = []
    for block in blocks:
        parts += [paragraph(block.title, styles.block), _facts(block.facts, styles, width)]
    return parts


def _events(events: tuple[SheetEvent, ...], styles: _SheetStyles, width: float) -> Flowable:
    if not events:
        return paragraph("Chưa ghi biện pháp xử lý nào.", styles.empty)
    head = [paragraph(h, styles.head)
            for h in ("STT", "Ngày", "Biện pháp", "Chi tiết", "Người ghi")]
    rows: list[list[Any]] = [head]
    for index, event in enumerate(events, 1):
        style = styles.voided if event.voided else styles.cell
        kind = f"<strike>{markup(event.kind)}</strike>" if event.voided else markup(event.kind)
        rows.append([paragraph(str(index), styles.centre), paragraph(format_date(event.day), style),
                     Paragraph(kind, style), paragraph(event.details, style),
                     paragraph(event.officer, style)])
    fixed = [12 * mm, 22 * mm, 45 * mm, 25 * mm]
    return _grid(rows, [fixed[0], fixed[1], fixed[2], width - sum(fixed), fixed[3]], header=True)


def _files(files: tuple[SheetFile, ...], styles: _SheetStyles, width: float) -> Flowable:
    """One row per file, and under it the SHA-256 in full on the whole width."""
    if not files:
        return paragraph("Chưa có tệp chứng cứ.", styles.empty)
    head = [paragraph(h, styles.head) for h in ("STT", "Tên tệp", "Loại", "Dung lượng (byte)",
                                            "Ngày thêm, người thêm")]
    rows: list[list[Any]] = [head]
    spans: list[tuple[Any, ...]] = []
    for index, item in enumerate(files, 1):
        rows.append([paragraph(str(index), styles.centre), paragraph(item.name, styles.cell),
                     paragraph(item.kind, styles.cell),
                     paragraph(format_number(item.size), styles.amount),
                     paragraph(item.added, styles.cell)])
        lines = f"SHA-256: {item.sha256}" + (f"\n{item.extra}" if item.extra else "")
        rows.append(["", paragraph(lines, styles.cell), "", "", ""])
        row = len(rows) - 1
        spans += [("SPAN", (1, row), (-1, row)), ("SPAN", (0, row - 1), (0, row))]
    fixed = [12 * mm, 28 * mm, 28 * mm, 36 * mm]
    return _grid(rows, [fixed[0], width - sum(fixed), fixed[1], fixed[2], fixed[3]], *spans,
                 header=True)


def _signature(sheet: CaseSheet, styles: _SheetStyles, width: float) -> Flowable:
    signer: list[Flowable] = [paragraph("NGƯỜI IN PHIẾU", styles.signer),
                              paragraph("(Ký, ghi rõ họ tên)", styles.signer_note),
                              Spacer(1, 16 * mm), paragraph(sheet.printed_by, styles.signer_name)]
    table = Table([["", signer]], colWidths=[0.45 * width, 0.55 * width])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR, 12),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 12)]))
    return table


def _story(sheet: CaseSheet, office: OfficeSettings, styles: _SheetStyles,
           width: float) -> list[Flowable]:
    subject = f"Mã vụ việc: {sheet.code}"
    story: list[Flowable] = [
        header_block(office, office.issuer_details(Issuer.UNIT),
                     ReportText("", sheet.printed_at.date(), ""), styles, width, numbered=False),
        paragraph(TITLE, styles.title),
        paragraph(subject, styles.code),
        rule(min(stringWidth(subject, fonts.BOLD, 14), width) / 3),
        paragraph(f"Tình trạng: {sheet.status}", styles.status),
        paragraph(UNMASKED_NOTICE if sheet.children_unmasked else MASKED_NOTICE, styles.notice),
    ]
    sections: list[tuple[str, list[Flowable]]] = [
        ("THÔNG TIN CHUNG", [_facts(sheet.general, styles, width)]),
        ("ĐỐI TƯỢNG ĐĂNG TẢI", [_facts(sheet.offender, styles, width)]),
    ]
    if sheet.defamed is not None:
        sections.append(("TỔ CHỨC, CÁ NHÂN BỊ XÚC PHẠM",
                         _blocks(sheet.defamed, "Chưa ghi tổ chức, cá nhân bị xúc phạm.",
                                 styles, width)))
    if sheet.children is not None:
        sections.append(("TRẺ EM LIÊN QUAN",
                         _blocks(sheet.children, "Chưa ghi trẻ em liên quan.", styles, width)))
    sections += [("QUÁ TRÌNH XỬ LÝ", [_events(sheet.events, styles, width)]),
                 ("CHỨNG CỨ", [_files(sheet.evidence, styles, width)])]
    for number, (title, parts) in enumerate(sections, 1):
        # A heading never ends a page; a long table runs on (keeping it whole with its
        # heading would leave most of a page blank).
        story += [CondPageBreak(HEADING_ROOM),
                  paragraph(f"{_roman(number)}. {title}", styles.section), *parts]
    printed = sheet.printed_at
    line = paragraph(f"Phiếu in lúc {printed:%H:%M} ngày {format_date(printed.date())} từ Sổ "
                     f"vi phạm MXH; người in: {sheet.printed_by} ({sheet.printed_account}).",
                     styles.printed)
    story.append(KeepTogether([line, _signature(sheet, styles, width)]))
    return story


def _roman(number: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")[number - 1]


def case_sheet_pdf(sheet: CaseSheet, office: OfficeSettings, *,
                   token: CancelToken | None = None) -> bytes:
    """The printout as the bytes of a PDF: saved to a file or sent to a printer, the same
    pages."""
    fonts.register()
    width = PORTRAIT[0] - PORTRAIT_MARGINS[1] - PORTRAIT_MARGINS[3]
    story = _story(sheet, office, _SheetStyles(), width)
    stream = io.BytesIO()
    OfficialDocument(stream, token, title=f"Phiếu thông tin vụ việc {sheet.code}",
                     author=office.unit_name, subject=TITLE.capitalize(),
                     creator="Sổ vi phạm MXH").build(story)
    return stream.getvalue()
