"""The PDF drawn from a filled Word document (app/reports/docx_pdf.py): the report's Word file
and small documents in the templates' styles, read back with pypdfium2."""

from __future__ import annotations

import ctypes
import dataclasses
import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from app.db import Database
from app.domain.documents import DocumentKind
from app.domain.events import EventInput
from app.domain.labels import SanctionForm
from app.domain.periods import Period
from app.domain.report import ReportText
from app.reports import fonts
from app.reports.docx_document import Style
from app.reports.docx_pdf import TooTallForPage, write_pdf_from_docx
from app.reports.docx_report import write_docx
from app.reports.letters import sample_letter, write_letter_docx
from app.reports.narrative import draft
from app.selftest import check_pdf
from app.services import cases, events
from app.services.actor import Actor
from app.services.demo import demo_office
from app.services.report_figures import compute_figures
from scripts.make_templates import official_document
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
A4 = (595, 842)


@pytest.fixture
def report_docx(db: Database, officer: Actor, tmp_path: Path) -> Path:
    """The report's Word file, its annex long enough for several pages."""
    fined = cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 8), offender_name="Trần Văn Hùng"), today=TODAY)
    events.add_event(db, officer, fined.id, EventInput("BB", date(2026, 10, 8)), today=TODAY)
    events.add_event(db, officer, fined.id, EventInput(
        "XP", date(2026, 10, 9), document_number="15/QĐ-XPHC",
        sanction_form=SanctionForm.FINE, fine_amount=7_500_000), today=TODAY)
    cases.create_case(db, officer, make_case(detected_on=date(2026, 10, 3), platform_code="TT"),
                      today=TODAY)
    figures = compute_figures(db, OCTOBER)
    office = demo_office()
    target = tmp_path / "bao-cao.docx"
    write_docx(dataclasses.replace(figures, cases=figures.cases * 40), office,
               ReportText("12", date(2026, 11, 5), draft(figures, office)), target)
    return target


def _pdf(docx: Path) -> pdfium.PdfDocument:
    target = docx.with_suffix(".pdf")
    write_pdf_from_docx(docx, target)
    return pdfium.PdfDocument(target)


def _pages(pdf: pdfium.PdfDocument) -> list[str]:
    # pdfium reads a hyphen ending a run of text as U+FFFE (a hyphen ending a line).
    return [page.get_textpage().get_text_range().replace("\ufffe", "-") for page in pdf]


def _texts(document: DocumentObject) -> Iterator[str]:
    """Every paragraph's and table cell's text of the body, in the order of the file."""
    def walk(element: Any) -> Iterator[str]:
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                yield Paragraph(child, document).text
            elif child.tag == qn("w:tbl"):
                seen: set[Any] = set()  # a merged cell is each of the cells it covers
                for row in Table(child, document).rows:
                    for cell in row.cells:
                        if cell._tc not in seen:
                            seen.add(cell._tc)
                            yield from walk(cell._tc)
    yield from walk(document.element.body)


def _squeezed(text: str) -> str:
    """Without white space: lines break where the PDF's width breaks them."""
    return re.sub(r"\s+", "", text)


def _save(document: DocumentObject, tmp_path: Path, name: str = "van-ban.docx") -> Path:
    target = tmp_path / name
    document.save(str(target))
    return target


def _font_at(text_page: pdfium.PdfTextPage, index: int) -> tuple[str, float]:
    """The font's name and size of a character of a page's text."""
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(text_page.raw, index, name, len(name), ctypes.byref(flags))
    return name.value.decode(), pdfium_c.FPDFText_GetFontSize(text_page.raw, index)


def _paths(page: pdfium.PdfPage) -> int:
    return sum(1 for o in page.get_objects() if o.type == pdfium_c.FPDF_PAGEOBJ_PATH)


def _printed_in_order(docx: Path) -> list[str]:
    """The document's texts, each found in its PDF after the one before it."""
    texts = [t for t in _texts(Document(str(docx))) if t.strip()]
    # Each page's number, drawn first, left out: a paragraph may run on over the page.
    printed = _squeezed("".join(re.sub(r"^\d+\r?\n", "", page) for page in _pages(_pdf(docx))))
    position = 0
    for text in texts:
        found = printed.find(_squeezed(text), position)
        assert found >= 0, f"missing or out of order: {text!r}"
        position = found + len(_squeezed(text))
    return texts


def test_every_text_of_the_report_in_order(report_docx: Path) -> None:
    texts = _printed_in_order(report_docx)
    assert "Tổng cộng" in texts and "Nơi nhận:" in texts


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_letter_kind_is_drawn_whole(kind: DocumentKind, tmp_path: Path) -> None:
    office = demo_office()
    target = tmp_path / f"{kind.value}.docx"
    write_letter_docx(sample_letter(kind, office), office, target)
    assert _printed_in_order(target)
    pdf = tmp_path / f"{kind.value}.pdf"
    write_pdf_from_docx(target, pdf)
    check_pdf(pdf)  # every font embedded: no Helvetica named and left out


def test_vietnamese_is_drawn_composed(report_docx: Path, tmp_path: Path) -> None:
    pages = _pages(_pdf(report_docx))
    assert pages[0].startswith("ỦY BAN NHÂN DÂN")
    assert "Độc lập - Tự do - Hạnh phúc" in pages[0]
    assert all(unicodedata.is_normalized("NFC", page) for page in pages)
    # A text typed decomposed (as some keyboards type it) comes out composed.
    document = official_document("THÔNG BÁO")
    document.add_paragraph(unicodedata.normalize("NFD", "Nguyễn Thị Ánh Dương"),
                           style=Style.BODY.value)
    assert "Nguyễn Thị Ánh Dương" in _pages(_pdf(_save(document, tmp_path)))[0]


def test_pages_follow_the_sections(report_docx: Path) -> None:
    """Portrait pages for the report, landscape for its forms and for the Phụ lục."""
    pdf = _pdf(report_docx)
    sizes = [tuple(round(side) for side in page.get_size()) for page in pdf]
    pages = _pages(pdf)
    forms = next(i for i, text in enumerate(pages) if text.startswith("Biểu số 01"))
    annex = next(i for i, text in enumerate(pages) if text.startswith("Phụ lục"))
    assert set(sizes[:forms]) == {A4}
    assert set(sizes[forms:]) == {A4[::-1]}
    assert annex > forms and len(pages) > annex + 1


def test_page_numbers_from_the_second_page_of_each_part(report_docx: Path) -> None:
    pages = _pages(_pdf(report_docx))
    numbers = [text.split(maxsplit=1)[0] for text in pages]
    annex = next(i for i, text in enumerate(pages) if text.startswith("Phụ lục"))
    forms = next(i for i, text in enumerate(pages) if text.startswith("Biểu số 01"))
    assert numbers[0] == "ỦY"  # none on the first page
    assert numbers[1:forms] == [str(n) for n in range(2, forms + 1)]
    assert numbers[annex + 1:] == [str(n) for n in range(2, len(pages) - annex + 1)]


def test_the_annex_header_row_is_on_every_page(report_docx: Path) -> None:
    pages = _pages(_pdf(report_docx))
    annex = next(i for i, text in enumerate(pages) if text.startswith("Phụ lục"))
    for text in pages[annex:]:
        assert "Mã vụ việc" in text and "Tóm tắt nội dung" in text


def test_bold_italic_and_a_style_an_office_changed(tmp_path: Path) -> None:
    document = official_document("CÔNG VĂN")
    paragraph = document.add_paragraph("Đề nghị ", style=Style.BODY.value)
    paragraph.add_run("gỡ bỏ ngay").bold = True
    paragraph.add_run(" trong vòng ")
    paragraph.add_run("24 giờ").italic = True
    document.styles[Style.TITLE.value].font.size = Pt(20)  # the office's edit
    text_page = _pdf(_save(document, tmp_path))[0].get_textpage()
    text = text_page.get_text_range()
    assert _font_at(text_page, text.index("gỡ bỏ ngay"))[0].endswith(fonts.BOLD)
    assert _font_at(text_page, text.index("24 giờ"))[0].endswith(fonts.ITALIC)
    assert _font_at(text_page, text.index("Đề nghị"))[0].endswith(fonts.REGULAR)
    assert _font_at(text_page, text.index("CÔNG VĂN")) == (
        _font_at(text_page, text.index("CÔNG VĂN"))[0], 20.0)


def test_a_bordered_table_and_a_borderless_one(tmp_path: Path) -> None:
    document = Document()
    bordered = document.add_table(rows=2, cols=2)
    bordered.style = "Table Grid"
    bordered.cell(0, 0).text = "có kẻ"
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    borderless = document.add_table(rows=2, cols=2)
    borderless.cell(0, 0).text = "không kẻ"
    pdf = _pdf(_save(document, tmp_path))
    assert "có kẻ" in _pages(pdf)[0] and "không kẻ" in _pages(pdf)[1]
    assert _paths(pdf[0]) > 0
    assert _paths(pdf[1]) == 0


def test_the_rules_under_the_header_are_drawn(tmp_path: Path) -> None:
    """The issuing unit's, the motto's and the subject's: three short lines."""
    document = official_document("TỜ TRÌNH")
    assert _paths(_pdf(_save(document, tmp_path))[0]) == 3


def test_merged_cells_print_their_text_once(tmp_path: Path) -> None:
    document = Document()
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Gộp ngang"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Gộp dọc"
    table.cell(1, 1).text, table.cell(2, 2).text = "B2", "C3"
    text = _pages(_pdf(_save(document, tmp_path)))[0]
    assert text.count("Gộp ngang") == 1 and text.count("Gộp dọc") == 1
    assert text.index("Gộp ngang") < text.index("Gộp dọc") < text.index("B2") < text.index("C3")


def test_a_landscape_section_and_a_footer_counting_pages(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("Trang dọc")
    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    document.add_paragraph("Trang ngang")
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "Trang "
    for instruction in ("PAGE", "NUMPAGES"):
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), f" {instruction} ")
        footer._p.append(field)
        if instruction == "PAGE":
            footer.add_run("/")
    pdf = _pdf(_save(document, tmp_path))
    pages = _pages(pdf)
    assert [tuple(round(side) for side in page.get_size()) for page in pdf] == [
        (612, 792), A4[::-1]]  # python-docx's default page is a Letter
    assert "Trang 1/2" in pages[0] and "Trang 2/2" in pages[1]


def _top(text_page: pdfium.PdfTextPage, text: str) -> float:
    """How far under the top of the page a text's first character is drawn (points)."""
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), \
        ctypes.c_double()
    pdfium_c.FPDFText_GetCharBox(text_page.raw, text_page.get_text_range().index(text),
                                 left, right, bottom, top)
    return 842 - top.value


def test_space_between_paragraphs_is_the_larger_of_after_and_before(tmp_path: Path) -> None:
    document = official_document("THÔNG BÁO")
    for text, before, after in (("Đoạn một.", 0, 12), ("Đoạn hai.", 12, 0),
                                ("Đoạn ba.", 0, 0)):
        paragraph = document.add_paragraph(text, style=Style.RECIPIENT.value)
        paragraph.paragraph_format.space_before = Pt(before)
        paragraph.paragraph_format.space_after = Pt(after)
    text_page = _pdf(_save(document, tmp_path))[0].get_textpage()
    line = _top(text_page, "Đoạn ba.") - _top(text_page, "Đoạn hai.")
    assert _top(text_page, "Đoạn hai.") - _top(text_page, "Đoạn một.") == pytest.approx(
        line + 12, abs=0.5)  # as Word and LibreOffice lay them out, not 24


def test_a_heading_kept_with_next_stays_with_its_first_lines(tmp_path: Path) -> None:
    """Word keeps the heading on the page where the paragraph after it begins; the paragraph
    itself runs on over the next page."""
    split = False
    for fillers in range(24, 34):
        document = official_document("CÔNG VĂN")
        for index in range(fillers):
            document.add_paragraph(f"Đoạn đệm số {index}.", style=Style.BODY.value)
        document.add_paragraph("Điều 3. Tổ chức thực hiện", style=Style.HEADING.value)
        document.add_paragraph("Mở đầu " + "nội dung thi hành quyết định " * 60 + "kết thúc.",
                               style=Style.BODY.value)
        pages = _pages(_pdf(_save(document, tmp_path, f"{fillers}.docx")))
        def page(text: str, pages: list[str] = pages) -> int:
            return next(i for i, p in enumerate(pages) if text in p)
        assert page("Điều 3.") == page("Mở đầu")
        split = split or page("kết thúc.") > page("Mở đầu")
    assert split


def test_a_typewriter_run_in_the_embedded_mono_font_vietnamese_too(tmp_path: Path) -> None:
    document = official_document("PHỤ LỤC")
    for text in ("SHA-256: ", "5531783e17bf8740", " Tệp ảnh"):
        run = document.add_paragraph(style=Style.TABLE.value).add_run(text)
        if text != "SHA-256: ":
            run.font.name = "Courier New"
    text_page = _pdf(_save(document, tmp_path))[0].get_textpage()
    text = text_page.get_text_range()
    assert _font_at(text_page, text.index("5531783e"))[0].endswith(fonts.MONO[False, False])
    assert _font_at(text_page, text.index("SHA-256"))[0].endswith(fonts.REGULAR)
    assert _font_at(text_page, text.index("Tệp ảnh"))[0].endswith(fonts.MONO[False, False])


def test_a_header_row_taller_than_a_page_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    """A header row repeats on every page, so it cannot go on over the next: reportlab's
    LayoutError comes out as `TooTallForPage`, for drafting to name the case."""
    document = Document()
    table = document.add_table(rows=2, cols=2)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    table.cell(0, 0).text = "Tóm tắt"
    table.cell(0, 1).text = "Tung tin sai sự thật về dịch bệnh tại xã Minh Tân. " * 200
    document.save(tmp_path / "a.docx")
    with pytest.raises(TooTallForPage):
        write_pdf_from_docx(tmp_path / "a.docx", tmp_path / "a.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx"]
