"""The report as an editable Word file: the PDF's document and figures, read back with
python-docx; the layout of Nghị định 30/2020 (shared/spec/report-forms.md)."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.shared import Length
from docxtpl import DocxTemplate

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import SanctionForm, Sex
from app.domain.office import Issuer, OfficeSettings
from app.domain.periods import Period
from app.domain.report import ReportText
from app.domain.report_forms import all_forms, display
from app.progress import Cancelled, CancelToken
from app.reports.docx_document import FONT, Style, template_path
from app.reports.docx_report import TEMPLATE, template_problems, write_docx
from app.reports.narrative import draft
from app.services import cases, events, settings
from app.services.actor import Actor
from app.services.demo import demo_office
from app.services.report_export import Targets, export_report
from app.services.report_figures import compute_figures
from app.text import fold
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
CHILD = "Nguyễn Thị Ánh Dương"
COMMITTEE = dataclasses.replace(
    demo_office(), issuer=Issuer.COMMITTEE, committee_symbol="BC-UBND",
    committee_signer_name="Lê Thị Hoa",
    addressees=("Sở Văn hóa, Thể thao và Du lịch tỉnh;",
                "- Cục Phát thanh, truyền hình và thông tin điện tử."))


@pytest.fixture
def office(db: Database, admin: Actor) -> OfficeSettings:
    settings.save_office(db, admin, COMMITTEE)
    return COMMITTEE


@pytest.fixture
def cases_of_october(db: Database, officer: Actor, office: OfficeSettings) -> None:
    detail = cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 3), group_code="TE", platform_code="TT",
        summary=f"Phát trực tiếp cảnh bạo hành cháu {unicodedata.normalize('NFD', CHILD)}, "
                "không che mặt.",
        children=(ChildInput(CHILD, birth_year=2016, sex=Sex.FEMALE),)), today=TODAY)
    events.add_event(db, officer, detail.id, EventInput("GB", date(2026, 10, 4)), today=TODAY)
    fined = cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 8), offender_name="Trần Văn Hùng"), today=TODAY)
    events.add_event(db, officer, fined.id, EventInput("BB", date(2026, 10, 8)), today=TODAY)
    events.add_event(db, officer, fined.id, EventInput(
        "XP", date(2026, 10, 9), document_number="15/QĐ-XPHC",
        sanction_form=SanctionForm.FINE, fine_amount=7_500_000), today=TODAY)


@pytest.fixture
def report(db: Database, officer: Actor, office: OfficeSettings, cases_of_october: None,
           tmp_path: Path) -> Path:
    figures = compute_figures(db, OCTOBER)
    narrative = (draft(figures, office)
                 + f"\nĐã phối hợp với gia đình em {fold(CHILD).upper()} để bảo vệ em.")
    target = tmp_path / "out" / "bao-cao.docx"
    export_report(db, officer, OCTOBER, Targets(docx=target),
                  text=ReportText("12", date(2026, 11, 5), narrative))
    return target


def _texts(document: DocumentObject) -> list[str]:
    """Every paragraph's text, in the body and in every table's cells, in order."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return texts


def _header(document: DocumentObject) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]


def test_the_header_block_is_nd30s_two_columns(report: Path) -> None:
    document = Document(str(report))
    (names, motto), (number, place_date) = _header(document)
    assert names.splitlines() == ["ỦY BAN NHÂN DÂN", "XÃ MINH TÂN"]  # then its rule
    assert motto.splitlines() == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                  "Độc lập - Tự do - Hạnh phúc"]
    assert number == "Số: 12/BC-UBND"
    assert place_date == "Minh Tân, ngày 05 tháng 11 năm 2026"
    cell = document.tables[0].rows[1].cells[1].paragraphs[0]
    assert cell.style is not None and cell.style.name == Style.PLACE_DATE
    assert cell.style.font.italic
    # Borderless: the default table style, none of the grid's borders.
    assert document.tables[0].style is None or document.tables[0].style.name != "Table Grid"


def test_title_subject_addressees_and_body(report: Path) -> None:
    texts = [p.text for p in Document(str(report)).paragraphs]
    body = "\n".join(texts)
    assert texts[texts.index("BÁO CÁO") + 1] == (
        "Kết quả phát hiện, xử lý thông tin vi phạm trên mạng xã hội tháng 10/2026")
    # Two addressees: `Kính gửi:` and one line each, punctuated once (document.addressed).
    start = texts.index("Kính gửi:")
    assert texts[start + 1:start + 3] == [
        "- Sở Văn hóa, Thể thao và Du lịch tỉnh;",
        "- Cục Phát thanh, truyền hình và thông tin điện tử."]
    assert "tổng số tiền phạt 7.500.000 đồng" in body
    assert "I. KẾT QUẢ PHÁT HIỆN" in texts
    assert "gia đình em N.T.Á.D. để bảo vệ em./." in body


def test_the_body_is_justified_with_a_first_line_indent(report: Path) -> None:
    document = Document(str(report))
    body = [p for p in document.paragraphs if p.style is not None
            and p.style.name == Style.BODY]
    assert body
    style = body[0].style
    assert style is not None
    assert style.paragraph_format.alignment == 3  # justified
    indent = style.paragraph_format.first_line_indent
    assert indent is not None and round(indent.mm) == 10


def test_the_signer_block_holds_three_lines_and_the_name(report: Path) -> None:
    document = Document(str(report))
    footer = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Nơi nhận"))
    recipients, signer = (cell.text.splitlines() for cell in footer.rows[0].cells)
    assert recipients == ["Nơi nhận:", "- Như trên;", "- Chủ tịch, các PCT UBND xã;",
                          "- Công an xã;", "- Lưu: VT, VHXH."]
    assert signer == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Hoa"]


def test_names_are_printed_as_typed_never_re_cased(db: Database, admin: Actor,
                                                   tmp_path: Path) -> None:
    office = dataclasses.replace(COMMITTEE, managing_body="Ủy ban nhân dân\nxã Minh Tân")
    figures = compute_figures(db, OCTOBER)
    target = tmp_path / "bc.docx"
    write_docx(figures, office, ReportText("", TODAY, "Nội dung."), target)
    document = Document(str(target))
    assert _header(document)[0][0].splitlines()[:2] == ["Ủy ban nhân dân", "xã Minh Tân"]
    for style in document.styles:
        if style.name.startswith("NĐ30"):
            assert not style.font.all_caps and not style.font.small_caps, style.name


def test_the_forms_figures_are_the_computations(db: Database, report: Path) -> None:
    """Forms 01 and 02 in the landscape annex and form 03 as the Phụ lục, cell for cell
    the figures the PDF and the workbook print."""
    document = Document(str(report))
    forms = all_forms(compute_figures(db, OCTOBER))
    headers = [[c.header for c in form.columns] for form in forms]
    form_tables = [t for t in document.tables
                   if [cell.text for cell in t.rows[0].cells] in headers]
    for form, table in zip(forms, form_tables, strict=True):
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        assert rows[0] == [c.header for c in form.columns]
        expected = [[display(v, c.kind) for v, c in zip(row, form.columns, strict=True)]
                    for row in [*form.rows, *([form.total] if form.total else [])]]
        assert rows[1:] == expected
    total = [cell.text for cell in form_tables[0].rows[-1].cells]
    assert total[1] == "Tổng cộng" and total[7] == "7.500.000"


def test_pages_sections_and_fonts(report: Path) -> None:
    document = Document(str(report))
    first, forms, annex = document.sections
    def mm(*lengths: Length | None) -> tuple[int, ...]:
        return tuple(round(length.mm) if length is not None else 0 for length in lengths)

    assert mm(first.page_width, first.page_height) == (210, 297)
    assert mm(first.top_margin, first.left_margin, first.right_margin) == (20, 30, 15)
    assert first.orientation == WD_ORIENT.PORTRAIT
    for section in (forms, annex):
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert mm(section.page_width, section.page_height) == (297, 210)
    # Page numbers from the second page of the document and of each annex on.
    for section in document.sections:
        assert section.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml
    assert document.styles["Normal"].font.name == FONT
    texts = "\n".join(_texts(document))
    assert "Phụ lục" in texts
    assert "(Kèm theo Báo cáo số 12/BC-UBND ngày 05/11/2026 của Ủy ban nhân dân xã Minh Tân)" \
        in texts


def test_no_child_is_named(report: Path) -> None:
    texts = "\n".join(_texts(Document(str(report))))
    assert fold(CHILD) not in fold(texts)
    assert "N.T.Á.D." in texts


def test_the_shipped_template_asks_only_for_what_the_report_gives() -> None:
    names = DocxTemplate(template_path(TEMPLATE)).get_undeclared_template_variables()
    assert names == {"co_quan_chu_quan", "co_quan_ban_hanh", "so_ky_hieu", "dia_danh_ngay",
                     "trich_yeu", "kinh_gui", "noi_dung", "noi_nhan", "chuc_vu_ky",
                     "nguoi_ky", "bieu_mau", "phu_luc"}


def test_a_word_file_cut_short_is_refused_as_not_word(tmp_path: Path) -> None:
    """A .docx whose text part was cut off (a copy broken on its way) is refused with a
    message, not an error the window cannot show."""
    shipped = zipfile.ZipFile(template_path(TEMPLATE))
    cut = BytesIO()
    with zipfile.ZipFile(cut, "w") as copy:
        for item in shipped.infolist():
            data = shipped.read(item.filename)
            copy.writestr(item, data[:len(data) // 2] if item.filename == "word/document.xml"
                          else data)
    [problem] = template_problems(cut.getvalue())
    assert problem.startswith("Tệp không phải văn bản Word (.docx) đọc được: hãy lưu mẫu báo "
                              "cáo trong Word")


def test_text_that_looks_like_markup_stays_text(db: Database, tmp_path: Path) -> None:
    office = dataclasses.replace(COMMITTEE, committee_signer_name="A & B <w:t>{{ x }}")
    target = tmp_path / "bc.docx"
    figures = compute_figures(db, OCTOBER)
    write_docx(figures, office, ReportText("", TODAY, "Một <b>đoạn</b> & {% if %}\x07."),
               target)
    texts = "\n".join(_texts(Document(str(target))))
    assert "A & B <w:t>{{ x }}" in texts
    assert "Một <b>đoạn</b> & {% if %}./." in texts


def test_a_cancelled_word_file_leaves_nothing_behind(db: Database, office: OfficeSettings,
                                                     cases_of_october: None,
                                                     tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    figures = compute_figures(db, OCTOBER)
    many = dataclasses.replace(figures, cases=figures.cases * 150)
    with pytest.raises(Cancelled):
        write_docx(many, office, ReportText("", TODAY, draft(figures, office)),
                   tmp_path / "out" / "bc.docx", token=token)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler-utils is not installed")
def test_libreoffice_opens_it_with_the_text_intact(report: Path, tmp_path: Path) -> None:
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(report)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "bao-cao.pdf"
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    text = " ".join(first.split())
    for expected in ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 12/BC-UBND",
                     "Minh Tân, ngày 05 tháng 11 năm 2026", "BÁO CÁO"):
        assert expected in text
    assert first.split()[0] == "ỦY"  # no page number on the first page


def test_the_shipped_template_is_what_the_script_makes(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Its placeholders, styles and sections: a change to one without the other is found."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_templates", Path(__file__).parent.parent / "scripts" / "make_templates.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path)
    capsys.readouterr()

    def shape(path: Path) -> tuple[object, ...]:
        document = Document(str(path))
        return (DocxTemplate(path).get_undeclared_template_variables(),
                sorted(s.name for s in document.styles if s.name.startswith("NĐ30")),
                [(s.orientation, round(s.page_width.mm)) for s in document.sections
                 if s.page_width is not None],
                [p.text for p in document.paragraphs])

    assert shape(tmp_path / TEMPLATE) == shape(template_path(TEMPLATE))
    shipped = {s.name for s in Document(str(template_path(TEMPLATE))).styles}
    assert {s.value for s in Style} <= shipped
