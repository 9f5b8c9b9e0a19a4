"""The Word layer of an official document (Nghị định 30/2020/NĐ-CP, shared/domain/context.md):
a template the office can edit in Word, filled with docxtpl.

A template (`resources/templates/*.docx`, made by `scripts/make_templates.py`) holds the
fixed frame of a kind of document: the header table, the title, the footer table with
`Nơi nhận` and the signer block, the sections and their page numbers, and the styles
below. Its placeholders name what they hold in Vietnamese (`co_quan_ban_hanh`,
`so_ky_hieu`, …). What varies in shape (the addressees, the body with its tables, the
forms) is built here as docxtpl sub-documents in the template's own styles, so that an
office restyling a template restyles them too.

The texts come from `app.reports.document` (the same lines as the PDF's) and are printed as
typed: a name is never re-cased, and no style of a template sets capitals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from io import BytesIO
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from zipfile import BadZipFile

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Pt
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.domain.office import MAX_SIGNER_LINES, OfficeSettings, ReportIssuer
from app.domain.report_forms import Cell, Form, Kind, display
from app.progress import CancelToken, Progress
from app.reports import document, fonts
from app.reports.files import written_atomically
from app.reports.official import plain
from app.resources import resource_path

FONT = "Times New Roman"  # the name in the file; Word and LibreOffice substitute a metric twin
TABLE_STYLE = "Table Grid"
PROGRAM = "Sổ vi phạm MXH"  # python-docx's default document, which the templates start from


class Style(StrEnum):
    """The paragraph styles every template defines, by name (what Word's style list shows)."""

    MANAGING_BODY = "NĐ30 Cơ quan chủ quản"
    ISSUING_BODY = "NĐ30 Cơ quan ban hành"
    UNIT_RULE = "NĐ30 Kẻ dưới cơ quan ban hành"
    NATION = "NĐ30 Quốc hiệu"
    MOTTO = "NĐ30 Tiêu ngữ"
    MOTTO_RULE = "NĐ30 Kẻ dưới tiêu ngữ"
    NUMBER = "NĐ30 Số, ký hiệu"
    PLACE_DATE = "NĐ30 Địa danh, ngày tháng"
    TITLE = "NĐ30 Tên loại văn bản"
    SUBJECT = "NĐ30 Trích yếu"
    SUBJECT_RULE = "NĐ30 Kẻ dưới trích yếu"
    ADDRESSEE = "NĐ30 Kính gửi"
    ADDRESSEE_ITEM = "NĐ30 Kính gửi - từng nơi"
    BODY = "NĐ30 Nội dung"
    HEADING = "NĐ30 Đề mục"
    RECIPIENTS = "NĐ30 Nơi nhận"
    RECIPIENT = "NĐ30 Nơi nhận - từng nơi"
    SIGNER = "NĐ30 Thẩm quyền, chức vụ người ký"
    SIGNER_NAME = "NĐ30 Họ tên người ký"
    PAGE_NUMBER = "NĐ30 Số trang"
    ANNEX = "NĐ30 Phụ lục"
    ANNEX_TITLE = "NĐ30 Tên phụ lục"
    ANNEX_LINE = "NĐ30 Kỳ của phụ lục"
    ANNEX_REFERENCE = "NĐ30 Kèm theo"
    TABLE = "NĐ30 Bảng"
    TABLE_SMALL = "NĐ30 Bảng nhiều cột"


# Each short rule (an empty paragraph with a bottom border) as a share of the longest line
# of the paragraph above it, centred under it; the PDF draws the same (official.py, pdf.py).
RULES: dict[str, float] = {Style.UNIT_RULE: 1 / 3, Style.MOTTO_RULE: 1.0,
                           Style.SUBJECT_RULE: 1 / 4}
ROWS_PER_CHECK = 200  # rows of a table written between two looks at the cancel button


def fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """A template's context: every text as printed (composed, no control characters); lists
    and sub-documents as they are."""
    def value(item: Any) -> Any:
        if isinstance(item, str):
            return plain(item)
        if isinstance(item, list | tuple):
            return [value(i) for i in item]
        return item
    return {name: value(item) for name, item in values.items()}


# What the header's and the footer's placeholders hold, for an administrator editing a
# template (`header_fields`, `signature_fields` fill them).
HEADER_PLACEHOLDERS: dict[str, str] = {
    "co_quan_chu_quan": "cơ quan chủ quản",
    "co_quan_ban_hanh": "cơ quan ban hành",
    "so_ky_hieu": "số, ký hiệu văn bản",
    "dia_danh_ngay": "địa danh, ngày tháng năm",
}
SIGNATURE_PLACEHOLDERS: dict[str, str] = {
    "noi_nhan": "các dòng «Nơi nhận»",
    "chuc_vu_ky": "thẩm quyền, chức vụ người ký (các dòng)",
    "nguoi_ky": "họ tên người ký",
}


def header_fields(office: OfficeSettings, issuer: ReportIssuer, number: str,
                  day: date) -> dict[str, Any]:
    """The header table's placeholders: the issuer's names as typed, `Số: 05/BC-VHXH`, place
    and date."""
    return {
        "co_quan_chu_quan": issuer.above,
        "co_quan_ban_hanh": issuer.heading,
        "so_ky_hieu": document.number_line(issuer, number),
        "dia_danh_ngay": document.place_date(office, day),
    }


def signature_fields(recipients: Sequence[str], issuer: ReportIssuer) -> dict[str, Any]:
    """The footer's placeholders: `Nơi nhận` lines punctuated once, the signer block's lines
    (at most three, empty ones left out) and the signer's name."""
    return {
        "noi_nhan": document.listed(recipients),
        "chuc_vu_ky": [line for line in issuer.signer_lines if line.strip()][:MAX_SIGNER_LINES],
        "nguoi_ky": issuer.signer_name,
    }


def template_path(name: str) -> Path:
    return resource_path("templates", name)


def filling_problems(template: bytes, known: Collection[str], label: str, *,
                     sample: Callable[[Path], None],
                     fields: Callable[[nodes.Template], Iterable[str]] | None = None) -> list[str]:
    """Why a template an office edited cannot be filled, in Vietnamese, `label` naming its
    kind («báo cáo»): it is not a Word file, a `{{ … }}` or `{% … %}` is not written right
    (its paragraph named), a block is left open, it uses a placeholder the program does not
    fill (each named, with those it fills) or a field `fields` finds wrong in the parsed
    template; else what shows only when filled (an attribute of a text, a block misplaced),
    found by `sample` drafting a fictitious document with it into the path it is given (in
    a folder of its own, removed after). [] when none."""
    try:
        filled = DocxTemplate(BytesIO(template))
        docx = filled.get_docx()
        texts = [Paragraph(element, docx).text for element in docx.element.body.iter(qn("w:p"))]
        xml = _template_xml(filled, docx)
    except (BadZipFile, KeyError, ValueError, PackageNotFoundError, etree.XMLSyntaxError):
        return [f"Tệp không phải văn bản Word (.docx) đọc được: hãy lưu mẫu {label} trong Word "
                "dưới dạng «Word Document (*.docx)»."]
    environment = SandboxedEnvironment(autoescape=True)  # as `Draft.render` fills it
    if (broken := _broken_paragraph(texts, environment)) is not None:
        return [broken]
    try:
        tree = environment.parse(xml)
        environment.compile(tree)  # an unknown filter shows only here
    except TemplateSyntaxError as exc:
        return [_syntax_problem(exc, xml)]
    usable = ", ".join(sorted(name for name in known if "." not in name))
    problems = [f"Mẫu có trường {{{{ {name} }}}} không có trong {label}; các trường dùng được: "
                f"{usable}." for name in sorted(meta.find_undeclared_variables(tree) - set(known))]
    if fields is not None:
        problems += fields(tree)
    if problems:
        return problems
    with TemporaryDirectory() as folder:
        target = Path(folder) / "mau.docx"
        try:
            sample(target)
            Document(str(target))  # and read back, as Word will
        except Exception as exc:  # whatever the office's edit makes python-docx or jinja2 raise
            return [f"Không soạn được {label} mẫu bằng mẫu này: {exc}. Hãy sửa mẫu hoặc dùng "
                    "lại mẫu mặc định."]
    return []


_PARAGRAPH = re.compile(r"<w:p([ >])")
_TAG = re.compile(r"<[^>]+>")
_OPEN_BLOCK = re.compile(r"innermost block that needs to be closed is '(\w+)'")


def _template_xml(template: DocxTemplate, docx: Any) -> str:
    """The text jinja sees, as docxtpl gives it (the body, then the headers and footers),
    one paragraph a line: a syntax error's line is its paragraph."""
    xml = template.patch_xml(template.xml_to_string(docx.element.body))
    for relation in docx.part.rels.values():
        if relation.reltype in (template.HEADER_URI, template.FOOTER_URI):
            xml += template.patch_xml(relation.target_part.blob.decode("utf-8"))
    return _PARAGRAPH.sub(r"\n<w:p\1", xml)


def _syntax_problem(error: TemplateSyntaxError, xml: str) -> str:
    """A syntax error of the whole template: the block left open, or the paragraph it is in
    (one a line of `xml`)."""
    if error.message and (block := _OPEN_BLOCK.search(error.message)) is not None:
        name = block[1]
        return (f"Mẫu có khối {{% {name} … %}} chưa đóng: thiếu {{% end{name} %}}.")
    lines = xml.splitlines()
    where = _TAG.sub("", lines[error.lineno - 1]).strip() if 0 < error.lineno <= len(
        lines) else ""
    near = f" ở đoạn «{where[:120]}»" if where else ""
    return (f"Mẫu có trường viết sai{near}, không đọc được ({error.message}): trường viết "
            "dạng {{ ten_truong }}, khối lệnh dạng {% if … %} … {% endif %}.")


def _broken_paragraph(texts: Iterable[str], environment: SandboxedEnvironment) -> str | None:
    """The first paragraph whose `{{ }}` or `{% %}` do not pair, or whose field does not
    read (a block such as `{% for %}` may close in a later paragraph). jinja2 would name a
    line of the file's XML, which means nothing in Word."""
    for text in texts:
        quoted = f"«{text.strip()[:120]}»"
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            return (f"Mẫu có trường viết sai ở đoạn {quoted}: mỗi trường phải nằm trong cặp "
                    "dấu {{ … }} (hoặc {% … %}) đủ hai đầu.")
        if "{" not in text:
            continue
        try:
            environment.parse(re.sub(r"\{\{[prc] ", "{{ ", text))  # docxtpl's paragraph marks
        except TemplateSyntaxError as exc:
            if not exc.message or not ("end of template" in exc.message
                                       or "unknown tag" in exc.message):
                return (f"Mẫu có trường viết sai ở đoạn {quoted}: tên trường viết liền, "
                        "không dấu, nối bằng dấu gạch dưới (ví dụ {{ so_ky_hieu }}).")
    return None


class Part:
    """Paragraphs and tables built with python-docx in a template's styles where the
    template says `{{p name }}`, once it is filled. docxtpl's own `Subdoc` builds them in a
    document of their own and passes them through the template's text: a year's list of
    cases several times over in memory as strings, and moving the elements of one document
    into another costs lxml more than building them; it also imports docxcompose (and
    Babel's 30 MB of locales) for sub-documents read from files, which no template here
    uses."""

    def __init__(self, docx: Any, marker: Any) -> None:
        self.document = docx
        self._marker = marker  # the placeholder's paragraph: blocks go before it
        self._style_ids: dict[Style, str] = {}

    def add_paragraph(self, text: str, style: Style) -> Paragraph:
        marker: Paragraph = Paragraph(self._marker, self.document)
        return marker.insert_paragraph_before(plain(text), style=style.value)

    def table(self, widths: Sequence[Length]) -> Table:
        """A bordered table, centred, its columns `widths` wide; rows come with `row`."""
        table: Table = self.document.add_table(rows=0, cols=len(widths))
        self._marker.addprevious(table._tbl)  # moved while empty: its rows are built in place
        table.style = TABLE_STYLE
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        return table

    def row(self, table: Table, texts: Sequence[str], widths: Sequence[Length], style: Style,
            aligns: Sequence[Any], *, bold: bool = False, header: bool = False) -> _Row:
        """A row of texts; `header` for the first: bold, its cells' widths set (a fixed
        layout takes the first row's, the grid's elsewhere), repeated on each page."""
        row: _Row = table.add_row()  # type: ignore[no-untyped-call]
        # The style's id looked up once: python-docx looks a name up among every style for
        # each paragraph, which made a year's list of cases take a minute.
        style_id = self._style_ids.get(style)
        if style_id is None:
            style_id = self._style_ids[style] = self.document.styles[style.value].style_id
        for cell, text, width, align in zip(row.cells, texts, widths, aligns, strict=True):
            if header:
                cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph._p.style = style_id
            paragraph.alignment = align
            if text:
                paragraph.add_run(plain(text)).bold = bold or header or None
        if header:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        return row


class Blocks:
    """A template's `{{p name }}`: what `build` adds to a `Part` there, once the template is
    filled (docxtpl puts a paragraph holding only the mark)."""

    def __init__(self, mark: str, build: Callable[[Part], None]) -> None:
        self.mark, self.build = mark, build

    def __html__(self) -> str:
        return f"<w:p><w:r><w:t>{self.mark}</w:t></w:r></w:p>"


class Draft:
    """A document being drafted from a template: its blocks are built in its styles, the
    page widths are those the template sets."""

    def __init__(self, template: Path | bytes) -> None:
        # bytes: a template an office put back, kept in the database.
        self.template = DocxTemplate(BytesIO(template) if isinstance(template, bytes)
                                     else template)
        self._docx = self.template.get_docx()
        self._blocks: list[Blocks] = []

    def text_width(self, section: int = 0) -> Length:
        """The width between the margins of the template's section `section`."""
        part = self._docx.sections[section]
        return Emu((part.page_width or 0) - (part.left_margin or 0) - (part.right_margin or 0))

    def blocks(self, build: Callable[[Part], None]) -> Blocks:
        """A placeholder's value: the blocks `build` adds."""
        blocks = Blocks(f"\u2063blocks-{len(self._blocks)}\u2063", build)
        self._blocks.append(blocks)
        return blocks

    def render(self, values: Mapping[str, Any], target: Path, *, title: str,
               author: str) -> None:
        """Fill the template (sandboxed: a template is a file an office edits), build its
        blocks, fit its rules to the texts above them, and write `target` whole or not at
        all."""
        environment = SandboxedEnvironment(autoescape=True)
        self.template.render(fields(values), environment)
        docx = self._docx  # not `get_docx()`: once rendered, it reads the template again
        marks = {blocks.mark: blocks for blocks in self._blocks}
        for marker in list(docx.element.body.iter(qn("w:p"))):
            if (blocks := marks.get(Paragraph(marker, docx).text)) is not None:
                blocks.build(Part(docx, marker))
                marker.getparent().remove(marker)
        _fit_rules(docx)
        properties = docx.core_properties
        properties.title, properties.author = plain(title), plain(author)
        properties.last_modified_by = PROGRAM
        with written_atomically(target) as temporary:
            self.template.save(temporary)


def _text_width(text: str, size: float, bold: bool) -> float:
    """Points, by Liberation Serif's metrics: those of Times New Roman."""
    fonts.register()
    face = fonts.BOLD if bold else fonts.REGULAR
    return max((stringWidth(line, face, size) for line in text.splitlines()), default=0.0)


def _style_font(paragraph: Paragraph) -> tuple[float, bool]:
    """The size and weight of a paragraph's style."""
    font = paragraph.style.font if paragraph.style is not None else None
    size = font.size.pt if font is not None and font.size is not None else 14.0
    return size, bool(font is not None and font.bold)


def add_addressees(part: Part, addressees: Sequence[str], width: Length) -> None:
    """`Kính gửi: X.` centred for one addressee; for several, `Kính gửi:` and one `- X;` line
    each under it, their dashes under its colon, the block centred (as the PDF lays it)."""
    lines = document.addressed(addressees)
    if len(lines) < 2:
        for line in lines:
            part.add_paragraph(line, Style.ADDRESSEE)
        return
    first = part.add_paragraph(lines[0], Style.ADDRESSEE_ITEM)
    size, bold = _style_font(first)
    lead = _text_width(document.ADDRESSED.rstrip(":"), size, bold)
    room = Emu(width).pt - 2 * lead
    longest = max(_text_width(plain(item), size, bold) for item in lines[1:])
    left = max((Emu(width).pt - lead - min(longest + 2, room)) / 2, 0.0)
    first.paragraph_format.left_indent = Pt(left)
    for item in lines[1:]:
        last = part.add_paragraph(item, Style.ADDRESSEE_ITEM).paragraph_format
        last.left_indent = Pt(left + lead)
    last.space_after = Pt(6)  # as under a single addressee


_ALIGN = {Kind.COUNT: WD_ALIGN_PARAGRAPH.RIGHT, Kind.MONEY: WD_ALIGN_PARAGRAPH.RIGHT,
          Kind.INDEX: WD_ALIGN_PARAGRAPH.CENTER, Kind.DATE: WD_ALIGN_PARAGRAPH.CENTER}


def add_form(part: Part, form: Form, width: Length, style: Style = Style.TABLE, *,
             token: CancelToken | None = None, progress: Progress | None = None) -> Table:
    """A form as a bordered table over `width`, its columns in the form's proportions: the
    header row (repeated on every page), a row per line and the bold total; figures to the
    right, dates and numbers centred (as the PDF)."""
    scale = int(width) / sum(c.width for c in form.columns)
    widths = [Length(int(c.width * scale)) for c in form.columns]
    table = part.table(widths)
    part.row(table, [c.header for c in form.columns], widths, style,
             [WD_ALIGN_PARAGRAPH.CENTER] * len(widths), header=True)
    aligns = [_ALIGN.get(c.kind, WD_ALIGN_PARAGRAPH.LEFT) for c in form.columns]
    for index, row in enumerate(form.rows, start=1):
        part.row(table, _shown(form, row), widths, style, aligns)
        if index % ROWS_PER_CHECK == 0:
            if token is not None:
                token.raise_if_cancelled()
            if progress is not None:
                progress(index, len(form.rows))
    if form.total is not None:
        part.row(table, _shown(form, form.total), widths, style, aligns, bold=True)
    return table


def _shown(form: Form, row: Iterable[Cell]) -> list[str]:
    return [display(value, column.kind) for value, column in zip(row, form.columns, strict=True)]


def _fit_rules(docx: Any) -> None:
    """Each rule paragraph as long as its share of the longest line above it, centred in
    its table cell or between the margins."""
    section = docx.sections[0]
    body_width = Emu(section.page_width - section.left_margin - section.right_margin).pt
    for name, share in RULES.items():
        try:
            style_id = docx.styles[name].style_id
        except KeyError:  # an office took the rule out of its template
            continue
        for element in docx.element.body.xpath(
                f'.//w:p[w:pPr/w:pStyle/@w:val="{style_id}"]'):
            above = element.getprevious()
            if above is None or above.tag != qn("w:p"):
                continue
            cell = next(element.iterancestors(qn("w:tc")), None)
            width = Emu(cell.width).pt if cell is not None and cell.width else body_width
            text_above = Paragraph(above, docx)
            size, bold = _style_font(text_above)
            length = min(_text_width(text_above.text, size, bold), width) * share
            margin = Pt(max((width - length) / 2, 0.0))
            rule = Paragraph(element, docx).paragraph_format
            rule.left_indent, rule.right_indent = margin, margin
