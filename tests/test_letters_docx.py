"""The documents of a case's handling as Word files (shared/domain/letters.md): every kind
drafted from its shipped template and read back with python-docx; the dossier annex; the
check of a template an office puts back."""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
import subprocess
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Twips
from docxtpl import DocxTemplate

from app.domain.documents import TO_FILL, DocumentKind
from app.domain.letters import DETAILS
from app.domain.office import OfficeSettings
from app.reports.docx_document import Style, template_path
from app.reports.letters import (
    placeholders,
    sample_letter,
    template_name,
    template_problems,
    write_letter_docx,
)
from app.services.demo import demo_office

SIGNED = [DocumentKind.INVITATION, DocumentKind.REMOVAL_REQUEST, DocumentKind.LOCK_REQUEST,
          DocumentKind.SUBMISSION, DocumentKind.DECISION, DocumentKind.POLICE_TRANSFER,
          DocumentKind.ESCALATION]
RECORDS = [DocumentKind.MEETING_RECORD, DocumentKind.COMMITMENT,
           DocumentKind.VIOLATION_RECORD]  # both sides sign


@pytest.fixture(scope="module")
def office() -> OfficeSettings:
    return demo_office()


def _draft(kind: DocumentKind, office: OfficeSettings, folder: Path, **changes: object) -> Path:
    letter = dataclasses.replace(sample_letter(kind, office), **{"number": "15", **changes})
    target = folder / f"{kind.value}.docx"
    write_letter_docx(letter, office, target)
    return target


def _texts(document: DocumentObject) -> list[str]:
    """Every paragraph's text, in the body and in every table's cells."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return texts


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_kind_drafts_number_place_date_and_its_facts(
        kind: DocumentKind, office: OfficeSettings, tmp_path: Path) -> None:
    document = Document(str(_draft(kind, office, tmp_path)))
    (_, _), (number, place_date) = [[c.text for c in row.cells]
                                    for row in document.tables[0].rows]
    assert number.splitlines()[0] == f"Số: 15/{office.document_symbol(kind)}"
    assert place_date == "Minh Tân, ngày 16 tháng 3 năm 2026"
    text = "\n".join(_texts(document))
    # Vietnamese as typed, composed: the issuer, the case, the wording.
    assert unicodedata.is_normalized("NFC", text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc" in text
    assert "Trang tin mẫu 1" in text
    assert "thu hồi đất ở thôn Mẫu 1, gây hoang mang trong nhân dân." in text
    assert "{{" not in text and "{%" not in text
    for name in DETAILS[kind]:  # the sample's texts, each printed
        assert sample_letter(kind, office).details[name] in text


@pytest.mark.parametrize("kind", SIGNED)
def test_the_signer_block_holds_its_lines_and_name(kind: DocumentKind, office: OfficeSettings,
                                                   tmp_path: Path) -> None:
    document = Document(str(_draft(kind, office, tmp_path)))
    footer = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Nơi nhận"))
    recipients, signer = (cell.text.splitlines() for cell in footer.rows[0].cells)
    assert recipients == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    issuer = sample_letter(kind, office).issuer
    assert signer == [*issuer.signer_lines, issuer.signer_name]


def test_a_decision_is_signed_by_the_chairman_in_person(office: OfficeSettings,
                                                        tmp_path: Path) -> None:
    document = Document(str(_draft(DocumentKind.DECISION, office, tmp_path)))
    footer = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Nơi nhận"))
    assert footer.rows[0].cells[1].text.splitlines() == [  # no «TM.»: NĐ 30/2020 Điều 13
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Bình"]
    header = document.tables[0].rows[0].cells[0].text
    assert header.splitlines()[:2] == ["ỦY BAN NHÂN DÂN", "XÃ MINH TÂN"]
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ MINH TÂN" in [p.text for p in document.paragraphs]


@pytest.mark.parametrize("kind", RECORDS)
def test_a_record_is_signed_by_both_sides(kind: DocumentKind, office: OfficeSettings,
                                          tmp_path: Path) -> None:
    document = Document(str(_draft(kind, office, tmp_path)))
    signatures = "\n".join(c.text for row in document.tables[-1].rows for c in row.cells)
    assert office.unit_signer_name in signatures
    assert "(Ký, ghi rõ họ tên)" in signatures
    assert "Nơi nhận:" not in signatures


@pytest.mark.parametrize("kind", [DocumentKind.SUBMISSION, DocumentKind.DECISION])
def test_the_fine_is_in_figures_and_words(kind: DocumentKind, office: OfficeSettings,
                                          tmp_path: Path) -> None:
    text = "\n".join(_texts(Document(str(_draft(kind, office, tmp_path)))))
    assert "Phạt tiền 7.500.000 đồng (Bảy triệu năm trăm nghìn đồng)" in text
    assert "Buộc gỡ bỏ thông tin sai sự thật" in text


def test_the_escalation_lists_each_case_and_every_file_in_full(office: OfficeSettings,
                                                               tmp_path: Path) -> None:
    letter = sample_letter(DocumentKind.ESCALATION, office)
    assert len(letter.cases) == 3
    document = Document(str(_draft(DocumentKind.ESCALATION, office, tmp_path)))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    for case in letter.cases:
        assert case.code in body and case.link in cells
        for file in case.evidence:
            assert len(file.sha256) == 64
            assert f"SHA-256: {file.sha256}" in cells  # whole, on its own row
            assert file.name in cells
            assert f"{file.size:,}".replace(",", ".") in cells
    assert "Phụ lục" in body
    assert "(Kèm theo Báo cáo số 15/BC-VHXH ngày 16/03/2026 của Phòng Văn hóa - Xã hội)" in body


def test_a_sha256_row_is_as_wide_as_its_table(office: OfficeSettings, tmp_path: Path) -> None:
    """The merged cell's own width is the four columns': Word lays a cell out by it, and
    one column's width would wrap the 64 digits."""
    document = Document(str(_draft(DocumentKind.ESCALATION, office, tmp_path)))
    digests = [row for table in document.tables for row in table.rows
               if row.cells[0].text.startswith("SHA-256: ")]
    assert len(digests) == 6  # two files for each of three cases
    for row in digests:
        [cell] = row._tr.tc_lst
        assert cell.grid_span == 4
        columns = sum(column.width for column in row.table.columns)
        assert abs(cell.width - columns) <= Twips(4)  # each column rounded to a twip


def test_the_annex_comes_on_request_and_always_with_a_transfer(office: OfficeSettings,
                                                               tmp_path: Path) -> None:
    def annexed(kind: DocumentKind, **changes: object) -> bool:
        document = Document(str(_draft(kind, office, tmp_path, **changes)))
        return "Phụ lục" in [p.text for p in document.paragraphs]

    assert not annexed(DocumentKind.INVITATION)
    assert annexed(DocumentKind.INVITATION, annex=True)
    assert annexed(DocumentKind.POLICE_TRANSFER, annex=False)


def test_a_detail_not_typed_is_a_dotted_line_and_a_typed_symbol_stays(
        office: OfficeSettings, tmp_path: Path) -> None:
    target = _draft(DocumentKind.INVITATION, office, tmp_path, details={},
                    number="07/GM-UBND")
    document = Document(str(target))
    assert document.tables[0].rows[1].cells[0].text == "Số: 07/GM-UBND"
    assert f"Địa điểm: {TO_FILL}." in [p.text for p in document.paragraphs]


def test_text_that_looks_like_markup_stays_text(office: OfficeSettings, tmp_path: Path) -> None:
    letter = sample_letter(DocumentKind.INVITATION, office)
    case = dataclasses.replace(letter.cases[0], summary="A & B <w:t>{{ x }}{% if %}\x07")
    target = tmp_path / "gm.docx"
    write_letter_docx(dataclasses.replace(letter, cases=(case,)), office, target)
    assert "A & B <w:t>{{ x }}{% if %}." in "\n".join(_texts(Document(str(target))))


def _with(kind: DocumentKind, line: str) -> bytes:
    """The shipped template of `kind` with a paragraph `line` added, as an office would."""
    document = Document(str(template_path(template_name(kind))))
    document.add_paragraph(line)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_each_shipped_template_has_no_problem(kind: DocumentKind) -> None:
    assert template_problems(kind, template_path(template_name(kind)).read_bytes()) == []


def test_a_misspelt_placeholder_is_named() -> None:
    [problem] = template_problems(DocumentKind.INVITATION, _with(
        DocumentKind.INVITATION, "Mã: {{ vu_viec.tenn }}"))
    assert problem.startswith("Mẫu có trường {{ vu_viec.tenn }} không có trong giấy mời")
    assert "vu_viec.ma" in problem and "vu_viec.tom_tat" in problem
    [problem] = template_problems(DocumentKind.INVITATION, _with(
        DocumentKind.INVITATION, "{{ dia_diemm }}"))
    assert problem.startswith("Mẫu có trường {{ dia_diemm }} không có")
    assert "dia_diem" in problem and "thoi_gian" in problem


def test_a_misspelt_field_of_a_loop_is_named() -> None:
    problems = template_problems(DocumentKind.ESCALATION, _with(
        DocumentKind.ESCALATION,
        "{% for v in cac_vu_viec %}{{ v.tai_khoann }}{% for f in v.chung_cu %}"
        "{{ f.sha }}{% endfor %}{% endfor %}"))
    assert [p.split(" không")[0] for p in problems] == [
        "Mẫu có trường {{ v.tai_khoann }}", "Mẫu có trường {{ f.sha }}"]
    assert "f.sha256" in problems[1]


def test_a_syntax_error_is_named_with_its_paragraph() -> None:
    [problem] = template_problems(DocumentKind.REMOVAL_REQUEST, _with(
        DocumentKind.REMOVAL_REQUEST, "Hạn gỡ: {{ han_go }"))
    assert problem.startswith("Mẫu có trường viết sai ở đoạn «Hạn gỡ: {{ han_go }»")
    [problem] = template_problems(DocumentKind.REMOVAL_REQUEST, _with(
        DocumentKind.REMOVAL_REQUEST, "{% if han %}Hạn: {{ han }}"))
    assert problem == "Mẫu có khối {% if … %} chưa đóng: thiếu {% endif %}."


def test_a_syntax_error_in_the_footer_is_named_with_its_paragraph() -> None:
    document = Document(str(template_path(template_name(DocumentKind.INVITATION))))
    document.sections[0].footer.add_paragraph("Trang {{ so_trang | khong_co }}")
    buffer = BytesIO()
    document.save(buffer)
    [problem] = template_problems(DocumentKind.INVITATION, buffer.getvalue())
    assert problem.startswith("Mẫu có trường viết sai ở đoạn «Trang {{ so_trang | khong_co }}»")


def test_what_breaks_only_when_filled_is_found_by_drafting_a_sample() -> None:
    [problem] = template_problems(DocumentKind.DECISION, _with(
        DocumentKind.DECISION, "{{ don_vi.ten.day_du }}"))
    assert problem.startswith("Không soạn được quyết định xử phạt vi phạm hành chính mẫu")


def test_a_file_that_is_not_word_is_refused() -> None:
    [problem] = template_problems(DocumentKind.INVITATION, b"PK\x03\x04 not a docx")
    assert "không phải văn bản Word" in problem


def test_placeholders_are_what_the_shipped_templates_use() -> None:
    for kind in DocumentKind:
        used = DocxTemplate(template_path(template_name(kind))
                            ).get_undeclared_template_variables()
        assert used <= set(placeholders(kind)), kind
        assert set(DETAILS[kind]) <= used, kind  # each of its own texts is printed


def test_the_shipped_templates_are_what_the_script_makes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
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
                [p.text for p in document.paragraphs],
                [c.text for t in document.tables for row in t.rows for c in row.cells])

    for kind in DocumentKind:
        name = template_name(kind)
        assert shape(tmp_path / name) == shape(template_path(name)), name
        assert {s.value for s in Style} <= {s.name for s in Document(
            str(template_path(name))).styles}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler-utils is not installed")
def test_libreoffice_opens_every_kind_with_number_and_signer(office: OfficeSettings,
                                                             tmp_path: Path) -> None:
    drafts = [_draft(kind, office, tmp_path) for kind in DocumentKind]
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    *map(str, drafts)], check=True, capture_output=True, timeout=300)
    for kind, draft in zip(DocumentKind, drafts, strict=True):
        pdf = draft.with_suffix(".pdf")
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                                       capture_output=True, text=True).stdout.split())
        assert f"Số: 15/{office.document_symbol(kind)}" in text, kind
        assert sample_letter(kind, office).issuer.signer_name in text, kind
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text, kind
