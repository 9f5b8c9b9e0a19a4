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
from docx.table import Table, _Cell

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain.documents import TO_FILL, DocumentKind  # noqa: E402
from app.reports.document import MOTTO, NATION, RECIPIENTS  # noqa: E402
from app.reports.docx_document import FONT, TABLE_STYLE, Style  # noqa: E402
from app.reports.letters import template_name  # noqa: E402

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


def official_document(title: str | None) -> DocumentObject:
    """The frame every template shares, down to the title: the header table (managing body,
    issuing unit and its rule, number; national motto and its rule, place and date) and
    the kind of document. A công văn (`title` None) has no title: its subject (`V/v …`)
    stands under its number (Nghị định 30/2020, Phụ lục I)."""
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
    _lines(place_date, [("{{ dia_danh_ngay }}", Style.PLACE_DATE)])
    if title is None:
        _lines(number, [("{{ so_ky_hieu }}", Style.NUMBER), ("{{ trich_yeu }}", Style.NUMBER)])
        document.add_paragraph("", style=Style.TABLE.value)  # room under the header
        return document
    _lines(number, [("{{ so_ky_hieu }}", Style.NUMBER)])
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


# The letters of a case's handling (shared/domain/letters.md): each kind's wording, as an
# office would type it, around the placeholders of `app.domain.documents` and `DETAILS`.
Lines = Sequence[tuple[str, Style | None]]
BODY, HEADING = Style.BODY, Style.HEADING


def _each(items: str, line: str, name: str = "dong") -> list[tuple[str, Style | None]]:
    """A paragraph for each item of the list `items`, the item called `name`."""
    return [(f"{{%p for {name} in {items} %}}", None), (line, BODY), ("{%p endfor %}", None)]


def _account(case: str = "vu_viec") -> str:
    return (f"tài khoản «{{{{ {case}.tai_khoan }}}}» trên {{{{ {case}.nen_tang }}}} "
            f"(đường dẫn: {{{{ {case}.duong_dan }}}})")


def _cases() -> list[tuple[str, Style | None]]:
    """Each case of a letter covering several, numbered, with what identifies it."""
    return [("{%p for v in cac_vu_viec %}", None),
            (f"{{{{ loop.index }}}}. Vụ việc {{{{ v.ma }}}}: {_account('v')}, đăng "
             "{{ v.thoi_gian_dang }}, nhóm nội dung {{ v.nhom_noi_dung }}: {{ v.tom_tat }} "
             "Đối tượng: {{ v.doi_tuong }}.", BODY),
            ("{%p endfor %}", None)]


def _body(document: DocumentObject, lines: Lines) -> None:
    for text, style in lines:
        document.add_paragraph(text, style=style.value if style is not None else None)


def _parties(document: DocumentObject, rows: Sequence[tuple[Sequence[str], Sequence[str]]],
             ) -> None:
    """The signatures of a record both sides sign: each cell its party's heading, the note
    under it and the name (where the program knows it) under the room for the signature."""
    document.add_paragraph("", style=Style.TABLE.value)
    section = document.sections[-1]
    width = Length(section.page_width - section.left_margin - section.right_margin)
    cells = _borderless(document, len(rows), (0.5, 0.5), width)
    for index, (row, parties) in enumerate(zip(cells, rows, strict=True)):
        for cell, (heading, *rest) in zip(row, parties, strict=True):
            lines: list[tuple[str, Style | None]] = [("", Style.TABLE)] if index else []
            lines += [(heading, Style.SIGNER), *[(text, Style.PLACE_DATE) for text in rest
                                                 if not text.startswith("{{")]]
            # A name or its room, so that the next row's headings start level.
            lines += [(next((t for t in rest if t.startswith("{{")), ""), Style.SIGNER_NAME)]
            _lines(cell, lines)


def _unsplit(table: Table) -> None:
    """A signature table's rows kept whole on a page: a signer's lines never leave the name."""
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


SIGN_NOTE = "(Ký, ghi rõ họ tên)"


def _annex(document: DocumentObject, of: str) -> None:
    """The dossier annex, on a page of its own, when the letter carries one: each case and
    its evidence files, built by the program at `{{p phu_luc }}`."""
    document.add_paragraph("{%p if phu_luc %}")
    heading = document.add_paragraph("Phụ lục", style=Style.ANNEX.value)
    heading.paragraph_format.page_break_before = True
    document.add_paragraph("HỒ SƠ, CHỨNG CỨ CỦA VỤ VIỆC", style=Style.ANNEX_TITLE.value)
    document.add_paragraph(f"(Kèm theo {of} số {{{{ so_hieu }}}} ngày {{{{ ngay_ban_hanh }}}} "
                           "của {{ don_vi }})", style=Style.ANNEX_REFERENCE.value)
    document.add_paragraph("{{p phu_luc }}")
    document.add_paragraph("{%p endif %}")


def letter(title: str | None, body: Lines, *, annex_of: str, addressed: bool = True,
           parties: Sequence[tuple[Sequence[str], Sequence[str]]] = ()) -> DocumentObject:
    """A letter's template: the frame, `Kính gửi`, the wording, then the signer block (or
    both sides' signatures for a record) and the dossier annex, which any letter may carry."""
    document = official_document(title)
    if addressed:
        document.add_paragraph("{{p kinh_gui }}")
    _body(document, body)
    last_words = document.paragraphs[-1]
    if parties:
        _parties(document, parties)
    else:
        signature(document)
    # The signatures never start a page alone: the last words go with them.
    for paragraph in (last_words, document.paragraphs[-1]):
        paragraph.paragraph_format.keep_with_next = True
    _unsplit(document.tables[-1])
    _annex(document, annex_of)
    return document


def invitation() -> DocumentObject:
    return letter("GIẤY MỜI", [
        ("{{ don_vi }} trân trọng kính mời: {{ vu_viec.doi_tuong }}", BODY),
        (f"Là người quản lý, sử dụng {_account()}.", BODY),
        ("Đến làm việc về việc: tài khoản nêu trên đăng tải, chia sẻ thông tin có dấu hiệu vi "
         "phạm pháp luật ({{ vu_viec.nhom_noi_dung }}), đăng {{ vu_viec.thoi_gian_dang }}: "
         "{{ vu_viec.tom_tat }}", BODY),
        ("Thời gian: {{ thoi_gian }}.", BODY),
        ("Địa điểm: {{ dia_diem }}.", BODY),
        ("Khi đến, đề nghị mang theo: {{ mang_theo }}.", BODY),
        ("Đề nghị ông (bà) có mặt đúng thời gian, địa điểm nêu trên; trường hợp không đến "
         "được, đề nghị báo trước cho {{ don_vi }}./.", BODY),
    ], annex_of="Giấy mời")


def meeting_record() -> DocumentObject:
    return letter("BIÊN BẢN LÀM VIỆC", [
        ("Hồi {{ thoi_gian }}, tại {{ dia_diem }}.", BODY),
        ("I. THÀNH PHẦN", HEADING),
        ("1. Đại diện {{ don_vi }}: {{ thanh_phan }}", BODY),
        ("2. Người được mời làm việc: {{ vu_viec.doi_tuong }}", BODY),
        ("II. NỘI DUNG LÀM VIỆC", HEADING),
        (f"Làm việc về việc {_account()} đăng {{{{ vu_viec.thoi_gian_dang }}}} thông tin có "
         "dấu hiệu vi phạm pháp luật ({{ vu_viec.nhom_noi_dung }}): {{ vu_viec.tom_tat }} "
         "(vụ việc {{ vu_viec.ma }}).", BODY),
        ("Ý kiến của người được mời làm việc: " + TO_FILL, BODY),
        ("III. NỘI DUNG ĐÃ THỐNG NHẤT", HEADING),
        ("{{ noi_dung_thong_nhat }}", BODY),
        ("Buổi làm việc kết thúc hồi …… giờ …… cùng ngày. Biên bản được lập thành 02 bản có "
         "giá trị như nhau, mỗi bên giữ 01 bản; đã đọc lại cho những người có tên trên cùng "
         "nghe, thống nhất và ký tên dưới đây./.", BODY),
    ], annex_of="Biên bản", addressed=False, parties=[
        (("NGƯỜI ĐƯỢC MỜI LÀM VIỆC", SIGN_NOTE),
         ("ĐẠI DIỆN CƠ QUAN LÀM VIỆC", SIGN_NOTE, "{{ nguoi_ky }}"))])


def commitment() -> DocumentObject:
    return letter("BẢN CAM KẾT", [
        ("Tôi là: {{ vu_viec.doi_tuong }}", BODY),
        (f"Là người quản lý, sử dụng {_account()}.", BODY),
        ("Tôi đã được {{ don_vi }} mời làm việc, giải thích và nhắc nhở về việc tài khoản nêu "
         "trên đăng {{ vu_viec.thoi_gian_dang }} thông tin vi phạm pháp luật: "
         "{{ vu_viec.tom_tat }} Tôi nhận thức rõ việc làm trên là vi phạm:", BODY),
        *_each("vu_viec.can_cu", "- {{ dong }};"),
        ("Tôi xin cam kết:", BODY),
        ("1. Tự gỡ bỏ toàn bộ thông tin vi phạm nêu trên ngay sau buổi làm việc, chậm nhất "
         "trước ngày {{ han }}.", BODY),
        ("2. Không tái phạm; không đăng tải, chia sẻ thông tin sai sự thật, vi phạm pháp luật "
         "trên mạng xã hội.", BODY),
        ("3. Chấp hành nghiêm các quy định của pháp luật về quản lý, cung cấp, sử dụng dịch vụ "
         "Internet và thông tin trên mạng.", BODY),
        ("Nếu vi phạm cam kết, tôi xin hoàn toàn chịu trách nhiệm trước pháp luật./.", BODY),
    ], annex_of="Bản cam kết", parties=[
        (("CÁN BỘ TIẾP NHẬN", SIGN_NOTE, "{{ nguoi_ky }}"), ("NGƯỜI CAM KẾT", SIGN_NOTE))])


# Nghị định 147/2024/NĐ-CP of 09/11/2024: the removal request and the temporary lock.
DECREE_147 = ("Nghị định số 147/2024/NĐ-CP ngày 09/11/2024 của Chính phủ quy định về quản lý, "
              "cung cấp, sử dụng dịch vụ Internet và thông tin trên mạng")


def removal_request() -> DocumentObject:
    return letter(None, [
        (f"Qua công tác rà soát, theo dõi thông tin trên mạng, {{{{ don_vi }}}} phát hiện "
         f"{_account()} đăng {{{{ vu_viec.thoi_gian_dang }}}} thông tin vi phạm pháp luật "
         "({{ vu_viec.nhom_noi_dung }}): {{ vu_viec.tom_tat }}", BODY),
        ("Thông tin trên vi phạm:", BODY),
        *_each("vu_viec.can_cu", "- {{ dong }};"),
        (f"Căn cứ {DECREE_147}, {{{{ don_vi }}}} yêu cầu gỡ bỏ thông tin vi phạm nêu trên "
         "{{ han_go }} và thông báo kết quả cho {{ don_vi }} trước ngày {{ han }}.", BODY),
        ("Quá thời hạn trên mà thông tin chưa được gỡ bỏ, {{ don_vi }} sẽ xử lý theo quy định "
         "của pháp luật./.", BODY),
    ], annex_of="Công văn")


def lock_request() -> DocumentObject:
    return letter(None, [
        (f"Qua công tác rà soát, theo dõi thông tin trên mạng, {{{{ don_vi }}}} phát hiện "
         f"{_account()} nhiều lần đăng tải thông tin vi phạm pháp luật: "
         "{{ so_vu_30_ngay }} vụ việc trong 30 ngày và {{ so_vu_90_ngay }} vụ việc trong 90 "
         "ngày (mã vụ việc: {{ ma_vu_lien_quan }}). Vụ việc gần nhất ({{ vu_viec.ma }}), "
         "đăng {{ vu_viec.thoi_gian_dang }}: {{ vu_viec.tom_tat }}", BODY),
        (f"Căn cứ khoản 7 Điều 35 {DECREE_147} (tài khoản, trang, nhóm, kênh đăng tải thông "
         "tin vi phạm pháp luật từ 05 lần trong 30 ngày hoặc 10 lần trong 90 ngày), "
         "{{ don_vi }} đề nghị quý cơ quan xem xét, yêu cầu doanh nghiệp cung cấp dịch vụ "
         "mạng xã hội tạm khóa tài khoản nêu trên theo quy định và thông báo kết quả cho "
         "{{ don_vi }} trước ngày {{ han }}./.", BODY),
    ], annex_of="Công văn")


def violation_record() -> DocumentObject:
    """Biên bản vi phạm hành chính, on the form of Nghị định 118/2021/NĐ-CP as amended."""
    return letter("BIÊN BẢN VI PHẠM HÀNH CHÍNH", [
        ("Hồi {{ thoi_gian }}, tại {{ dia_diem }}.", BODY),
        ("Căn cứ:", BODY),
        *_each("vu_viec.can_cu", "- {{ dong }};"),
        ("Căn cứ kết quả xác minh, hồ sơ vụ việc {{ vu_viec.ma }},", BODY),
        ("Chúng tôi gồm: người có thẩm quyền lập biên bản {{ nguoi_ky }}, {{ don_vi }};", BODY),
        ("Với sự chứng kiến của: {{ nguoi_chung_kien }}", BODY),
        ("Tiến hành lập biên bản vi phạm hành chính đối với: {{ vu_viec.doi_tuong }}", BODY),
        (f"Đã có hành vi vi phạm hành chính: sử dụng {_account()} đăng "
         "{{ vu_viec.thoi_gian_dang }} thông tin vi phạm pháp luật "
         "({{ vu_viec.nhom_noi_dung }}): {{ vu_viec.tom_tat }}", BODY),
        ("Quy định tại:", BODY),
        *_each("vu_viec.can_cu", "- {{ dong }};"),
        ("Cá nhân, tổ chức bị thiệt hại (nếu có): " + TO_FILL, BODY),
        ("Ý kiến trình bày của cá nhân, đại diện tổ chức vi phạm: " + TO_FILL, BODY),
        ("Ý kiến trình bày của người chứng kiến: " + TO_FILL, BODY),
        ("Chúng tôi đã yêu cầu cá nhân, tổ chức vi phạm chấm dứt ngay hành vi vi phạm.", BODY),
        ("Trong thời hạn 02 ngày làm việc kể từ ngày lập biên bản này, cá nhân, tổ chức vi "
         "phạm có quyền gửi văn bản yêu cầu được giải trình trực tiếp; trong thời hạn 05 ngày "
         "làm việc, có quyền gửi văn bản giải trình đến người có thẩm quyền xử phạt, nếu hành "
         "vi thuộc trường hợp được giải trình (Điều 61 Luật Xử lý vi phạm hành chính).", BODY),
        ("Biên bản lập xong hồi …… giờ …… cùng ngày, gồm …… tờ, được lập thành …… bản có nội "
         "dung và giá trị như nhau; đã đọc lại cho những người có tên trên cùng nghe, công nhận "
         "là đúng và cùng ký tên dưới đây; giao cho cá nhân, tổ chức vi phạm 01 bản./.", BODY),
    ], annex_of="Biên bản", addressed=False, parties=[
        (("NGƯỜI VI PHẠM", SIGN_NOTE), ("NGƯỜI LẬP BIÊN BẢN", SIGN_NOTE, "{{ nguoi_ky }}")),
        (("NGƯỜI CHỨNG KIẾN", SIGN_NOTE), ("ĐẠI DIỆN CHÍNH QUYỀN", SIGN_NOTE))])


def _sanction_facts(number: str) -> list[tuple[str, Style | None]]:
    """The act, its provisions, the sanction and the remedies: what the tờ trình proposes and
    the decision decides, in the same words."""
    return [
        (f"{number[0]} Hành vi vi phạm hành chính: sử dụng {_account()} đăng "
         "{{ vu_viec.thoi_gian_dang }} thông tin vi phạm pháp luật "
         "({{ vu_viec.nhom_noi_dung }}): {{ vu_viec.tom_tat }}", BODY),
        (f"{number[1]} Quy định tại:", BODY),
        *_each("vu_viec.can_cu", "- {{ dong }};"),
        (f"{number[2]} Hình thức xử phạt: {{{{ vu_viec.hinh_thuc_xu_phat }}}}.", BODY),
        (f"{number[3]} Biện pháp khắc phục hậu quả:", BODY),
        *_each("vu_viec.bien_phap_khac_phuc", "- {{ dong }};"),
    ]


def submission() -> DocumentObject:
    return letter("TỜ TRÌNH", [
        ("Căn cứ Luật Xử lý vi phạm hành chính;", BODY),
        ("Căn cứ Biên bản vi phạm hành chính {{ bien_ban }};", BODY),
        ("Căn cứ kết quả xác minh, hồ sơ vụ việc {{ vu_viec.ma }},", BODY),
        ("{{ don_vi }} kính trình Chủ tịch Ủy ban nhân dân xem xét, ban hành quyết định xử "
         "phạt vi phạm hành chính như sau:", BODY),
        ("I. TÓM TẮT VỤ VIỆC", HEADING),
        ("Ngày {{ vu_viec.ngay_phat_hien }}, {{ don_vi }} phát hiện thông tin vi phạm pháp "
         "luật trên mạng xã hội. Người vi phạm: {{ vu_viec.doi_tuong }}", BODY),
        ("II. HÀNH VI VI PHẠM VÀ ĐỀ XUẤT XỬ PHẠT", HEADING),
        *_sanction_facts(("1.", "2.", "3.", "4.")),
        ("{{ don_vi }} kính trình Chủ tịch Ủy ban nhân dân xem xét, quyết định (kèm theo dự "
         "thảo Quyết định xử phạt vi phạm hành chính)./.", BODY),
    ], annex_of="Tờ trình")


def decision() -> DocumentObject:
    """Quyết định xử phạt vi phạm hành chính, on the form of Nghị định 118/2021/NĐ-CP as
    amended."""
    return letter("QUYẾT ĐỊNH", [
        ("CHỦ TỊCH {{ ten_co_quan }}", Style.TITLE),
        ("Căn cứ Luật Xử lý vi phạm hành chính;", BODY),
        *_each("vu_viec.can_cu", "Căn cứ {{ dong }};"),
        ("Căn cứ Biên bản vi phạm hành chính {{ bien_ban }};", BODY),
        ("Căn cứ kết quả xác minh, hồ sơ vụ việc {{ vu_viec.ma }},", BODY),
        ("QUYẾT ĐỊNH:", Style.TITLE),
        ("Điều 1. Xử phạt vi phạm hành chính đối với: {{ vu_viec.doi_tuong }}", HEADING),
        *_sanction_facts(("1.", "2.", "3.", "4.")),
        ("Điều 2. Quyết định này có hiệu lực kể từ ngày ký.", HEADING),
        ("Điều 3. Quyết định này được:", HEADING),
        ("1. Giao cho người bị xử phạt có tên tại Điều 1 để chấp hành. Người bị xử phạt phải "
         "nghiêm chỉnh chấp hành Quyết định xử phạt này trong thời hạn {{ han_thi_hanh }} kể "
         "từ ngày nhận được Quyết định (dự kiến đến ngày {{ han }}); nộp tiền phạt tại "
         "{{ noi_nop_phat }}. Quá thời hạn trên mà không tự nguyện chấp hành thì bị cưỡng chế "
         "thi hành theo quy định của pháp luật.", BODY),
        ("Người bị xử phạt có quyền khiếu nại hoặc khởi kiện hành chính đối với Quyết định này "
         "theo quy định của pháp luật.", BODY),
        (f"2. Gửi cho {TO_FILL} để tổ chức thực hiện./.", BODY),
    ], annex_of="Quyết định", addressed=False)


def police_transfer() -> DocumentObject:
    return letter(None, [
        ("Căn cứ Điều 62 Luật Xử lý vi phạm hành chính, {{ don_vi }} chuyển hồ sơ vụ việc có "
         "dấu hiệu tội phạm đến quý cơ quan để xem xét, giải quyết theo thẩm quyền, cụ thể:",
         BODY),
        *_cases(),
        ("Qua xác minh, {{ don_vi }} xét thấy hành vi nêu trên có dấu hiệu tội phạm. Hồ sơ, "
         "chứng cứ của từng vụ việc (tên, dung lượng và mã SHA-256 của từng tệp để đối chiếu "
         "khi nhận) tại Phụ lục kèm theo.", BODY),
        ("Đề nghị quý cơ quan xem xét, giải quyết và thông báo kết quả cho {{ don_vi }} "
         "trước ngày {{ han_tra_loi }}./.", BODY),
    ], annex_of="Công văn")


def escalation() -> DocumentObject:
    """The report asking the province and the ministry for help when the offender cannot be
    identified: the path of Công văn 1800/BTTTT-PTTH&TTĐT (2021); one letter, many cases."""
    return letter("BÁO CÁO", [
        ("Thực hiện hướng dẫn tại Công văn số 1800/BTTTT-PTTH&TTĐT của Bộ Thông tin và Truyền "
         "thông, {{ don_vi }} báo cáo {{ so_vu_viec }} vụ việc thông tin vi phạm pháp luật "
         "trên mạng xã hội chưa xác định được đối tượng đăng tải, như sau:", BODY),
        *_cases(),
        ("{{ don_vi }} đã rà soát, xác minh nhưng chưa xác định được chủ thể các tài khoản "
         "nêu trên. {{ don_vi }} kiến nghị quý cơ quan hỗ trợ xác minh chủ thể tài khoản, "
         "yêu cầu doanh nghiệp cung cấp dịch vụ ngăn chặn, gỡ bỏ thông tin vi phạm và xử lý "
         "theo thẩm quyền. Hồ sơ, chứng cứ của từng vụ việc (tên, dung lượng và mã SHA-256 của "
         "từng tệp) tại Phụ lục kèm theo.", BODY),
        ("Đề nghị quý cơ quan thông tin kết quả cho {{ don_vi }} trước ngày "
         "{{ han_tra_loi }}./.", BODY),
    ], annex_of="Báo cáo")


TEMPLATES_MADE: dict[str, Callable[[], DocumentObject]] = {
    "bao-cao.docx": report,
    **{template_name(kind): make for kind, make in (
        (DocumentKind.INVITATION, invitation), (DocumentKind.MEETING_RECORD, meeting_record),
        (DocumentKind.COMMITMENT, commitment), (DocumentKind.REMOVAL_REQUEST, removal_request),
        (DocumentKind.LOCK_REQUEST, lock_request),
        (DocumentKind.VIOLATION_RECORD, violation_record),
        (DocumentKind.SUBMISSION, submission), (DocumentKind.DECISION, decision),
        (DocumentKind.POLICE_TRANSFER, police_transfer),
        (DocumentKind.ESCALATION, escalation))},
}


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
