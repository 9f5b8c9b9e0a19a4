"""Make the default Word templates: resources/templates/*.docx.

    python scripts/make_templates.py

Each template is a Nghị định 30/2020 document (shared/domain/context.md) with docxtpl
placeholders, in the styles `app/reports/docx_document.py` names; the office edits the
wording and the look in Word. The generated files are committed; run this again only to
change a default (an office's own template is never overwritten: it lives in its data).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Length, Mm, Pt
from docx.table import _Cell

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.reports.document import MOTTO, NATION, RECIPIENTS  # noqa: E402
from app.reports.docx_document import FONT, TABLE_STYLE, Style  # noqa: E402

TEMPLATES = ROOT / "resources" / "templates"
A4 = (Mm(210), Mm(297))
# Nghị định 30/2020: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm (official.py).
PORTRAIT_MARGINS = (Mm(20), Mm(15), Mm(20), Mm(30))  # top, right, bottom, left
LANDSCAPE_MARGINS = (Mm(20), Mm(15), Mm(15), Mm(20))
CENTER, LEFT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                         WD_ALIGN_PARAGRAPH.JUSTIFY)


def _style(document: DocumentObject, name: Style, size: float, *, bold: bool = False,
           italic: bool = False, align: object = CENTER, before: float = 0, after: float = 0,
           rule: bool = False, keep_next: bool = False, indent: Length | None = None,
           spacing: float | None = None) -> None:
    style = document.styles.add_style(name.value, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    if rule:  # an empty paragraph whose bottom border is the rule
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
            bottom.set(qn(f"w:{key}"), value)
        borders.append(bottom)
        style.element.get_or_add_pPr().append(borders)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    form = style.paragraph_format
    form.alignment = align
    form.space_before, form.space_after = Pt(before), Pt(after)
    form.keep_with_next = keep_next or None
    if indent is not None:
        form.first_line_indent = indent
    if spacing is not None:
        form.line_spacing = spacing
    else:
        form.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _styles(document: DocumentObject) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{key}"), FONT)
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(0)
    for name, size, extra in (
        (Style.MANAGING_BODY, 12, {}),
        (Style.ISSUING_BODY, 12, {"bold": True}),
        (Style.UNIT_RULE, 2, {"rule": True, "after": 3}),
        (Style.NATION, 12, {"bold": True}),
        (Style.MOTTO, 13, {"bold": True}),
        (Style.MOTTO_RULE, 2, {"rule": True, "after": 3}),
        (Style.NUMBER, 13, {"before": 6}),
        (Style.PLACE_DATE, 13, {"italic": True, "before": 6}),
        (Style.TITLE, 14, {"bold": True, "before": 18, "keep_next": True}),
        (Style.SUBJECT, 14, {"bold": True, "keep_next": True}),
        (Style.SUBJECT_RULE, 2, {"rule": True, "after": 6}),
        (Style.ADDRESSEE, 14, {"before": 6, "after": 6}),
        (Style.ADDRESSEE_ITEM, 14, {"align": LEFT}),
        (Style.BODY, 14, {"align": JUSTIFY, "after": 6, "indent": Cm(1), "spacing": 1.2}),
        (Style.HEADING, 14, {"bold": True, "align": JUSTIFY, "after": 6, "indent": Cm(1),
                             "spacing": 1.2, "keep_next": True}),
        (Style.RECIPIENTS, 12, {"bold": True, "italic": True, "align": LEFT}),
        (Style.RECIPIENT, 11, {"align": LEFT}),
        (Style.SIGNER, 13, {"bold": True}),
        # The space above the name is for the signature and the seal.
        (Style.SIGNER_NAME, 14, {"bold": True, "before": 68}),
        (Style.PAGE_NUMBER, 13, {}),
        (Style.ANNEX, 14, {"bold": True, "keep_next": True}),
        (Style.ANNEX_TITLE, 13, {"bold": True, "keep_next": True}),
        (Style.ANNEX_LINE, 13, {"italic": True, "keep_next": True}),
        (Style.ANNEX_REFERENCE, 12, {"italic": True, "after": 8, "keep_next": True}),
        (Style.TABLE, 10, {"align": LEFT, "before": 2, "after": 2}),
        (Style.TABLE_SMALL, 8, {"align": LEFT, "before": 1, "after": 1}),
    ):
        _style(document, name, size, **extra)  # type: ignore[arg-type]
    _narrow_cell_margins(document)


def _narrow_cell_margins(document: DocumentObject) -> None:
    """2 pt either side of a bordered table's cells (the 0,19 cm of python-docx's style wraps
    a date in form 03's narrow columns); the PDF pads them alike."""
    style = document.styles[TABLE_STYLE].element
    for side in ("left", "right"):
        for margin in style.iter(qn(f"w:{side}")):
            if margin.getparent().tag == qn("w:tblCellMar"):
                margin.set(qn("w:w"), "40")  # twentieths of a point


def _page(section: Section, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    top, right, bottom, left = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.top_margin, section.right_margin = top, right
    section.bottom_margin, section.left_margin = bottom, left
    section.header_distance = Mm(12)
    # Page numbers from the second page on (Nghị định 30/2020).
    section.different_first_page_header_footer = True


def _page_numbers(section: Section) -> None:
    """The page's number, centred in the top margin; nothing on the first page."""
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.style = Style.PAGE_NUMBER.value
    run = paragraph.add_run()._r  # a PAGE field: python-docx has no call for one
    for kind in ("begin", "instruction", "end"):
        if kind == "instruction":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = " PAGE "
            run.append(instruction)
        else:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run.append(mark)


def _annex_section(document: DocumentObject) -> None:
    """A landscape section for an annex, numbered on its own (Nghị định 30/2020)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True)
    if section._sectPr.find(qn("w:pgNumType")) is not None:
        return  # copied from the annex before
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(
        numbering, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
        "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
        "w:sectPrChange")


def _lines(cell: _Cell, lines: Sequence[tuple[str, Style | None]]) -> None:
    """A cell's paragraphs; a line without a style is a docxtpl tag of its own."""
    first = True
    for text, style in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.text = text
        if style is not None:
            paragraph.style = style.value


def _borderless(document: DocumentObject, rows: int, shares: tuple[float, float],
                width: Length) -> list[tuple[_Cell, ...]]:
    """A table without borders (the default table style), its two columns sharing `width`."""
    table = document.add_table(rows=rows, cols=2)
    table.autofit = False
    widths = [Length(int(width * share)) for share in shares]
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    for row in table.rows:
        for cell, column_width in zip(row.cells, widths, strict=True):
            cell.width = column_width
    return [tuple(row.cells) for row in table.rows]


def official_document(title: str) -> DocumentObject:
    """The frame every template shares, down to the title: the header table (managing body,
    issuing unit and its rule, number; national motto and its rule, place and date) and
    the kind of document."""
    document = Document()
    _styles(document)
    section = document.sections[0]
    _page(section, landscape=False)
    _page_numbers(section)
    width = Length(section.page_width - section.left_margin - section.right_margin)
    # The number and the place and date on one line: a row of their own.
    (left, right), (number, place_date) = _borderless(document, 2, (0.4, 0.6), width)
    _lines(left, [("{%p if co_quan_chu_quan %}", None),
                  ("{{ co_quan_chu_quan }}", Style.MANAGING_BODY),
                  ("{%p endif %}", None),
                  ("{{ co_quan_ban_hanh }}", Style.ISSUING_BODY),
                  ("", Style.UNIT_RULE)])
    _lines(right, [(NATION, Style.NATION), (MOTTO, Style.MOTTO), ("", Style.MOTTO_RULE)])
    _lines(number, [("{{ so_ky_hieu }}", Style.NUMBER)])
    _lines(place_date, [("{{ dia_danh_ngay }}", Style.PLACE_DATE)])
    document.add_paragraph(title, style=Style.TITLE.value)
    document.add_paragraph("{{ trich_yeu }}", style=Style.SUBJECT.value)
    document.add_paragraph("", style=Style.SUBJECT_RULE.value)
    return document


def signature(document: DocumentObject) -> None:
    """The footer table: `Nơi nhận` and its lines; the signer block (up to three lines) and
    the signer's name under the room for the signature."""
    document.add_paragraph("", style=Style.TABLE.value)  # a little room above it
    section = document.sections[-1]
    width = Length(section.page_width - section.left_margin - section.right_margin)
    [(left, right)] = _borderless(document, 1, (0.45, 0.55), width)
    _lines(left, [(RECIPIENTS, Style.RECIPIENTS), ("{%p for dong in noi_nhan %}", None),
                  ("{{ dong }}", Style.RECIPIENT), ("{%p endfor %}", None)])
    _lines(right, [("{%p for dong in chuc_vu_ky %}", None), ("{{ dong }}", Style.SIGNER),
                   ("{%p endfor %}", None), ("{{ nguoi_ky }}", Style.SIGNER_NAME)])


def report() -> DocumentObject:
    """The report (Báo cáo): forms 01 and 02 in a landscape annex, form 03 as the Phụ lục."""
    document = official_document("BÁO CÁO")
    document.add_paragraph("{{p kinh_gui }}")
    document.add_paragraph("{{p noi_dung }}")
    signature(document)
    _annex_section(document)
    document.add_paragraph("{{p bieu_mau }}")
    _annex_section(document)
    document.add_paragraph("{{p phu_luc }}")
    return document


TEMPLATES_MADE: dict[str, Callable[[], DocumentObject]] = {"bao-cao.docx": report}


def main(folder: Path = TEMPLATES) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in TEMPLATES_MADE.items():
        document = make()
        properties = document.core_properties
        properties.author = properties.last_modified_by = "Sổ vi phạm MXH"
        properties.comments = properties.title = properties.subject = ""
        properties.keywords = properties.category = ""
        document.save(str(folder / name))
        print(folder / name)


if __name__ == "__main__":
    main()
