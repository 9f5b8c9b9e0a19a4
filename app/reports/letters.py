"""The documents of a case's handling as editable Word files (shared/domain/letters.md).

Each kind has a default template in `resources/templates/` (made by
`scripts/make_templates.py`) whose wording the office may change in Word; the placeholders
name the case's facts in Vietnamese terms (`app.domain.documents.LETTER_PLACEHOLDERS`,
`vu_viec.*`, a kind's `DETAILS`). What varies in shape — the addressees and the dossier
annex with every evidence file's SHA-256 — is built here in the template's styles. The
texts arrive already masked (`app.domain.letters.Letter`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Length, Pt
from docx.table import Table
from jinja2 import nodes

from app.domain import drafting
from app.domain.documents import (
    ANNEX_CASE,
    ANNEX_EVIDENCE_HEADERS,
    ANNEX_NO_EVIDENCE,
    ANNEX_SHA256,
    ANNEXED_KINDS,
    CASE_PLACEHOLDERS,
    DOCUMENT_KIND_LABELS,
    EVIDENCE_PLACEHOLDERS,
    LETTER_PLACEHOLDERS,
    TO_FILL,
    DocumentKind,
)
from app.domain.letters import DETAILS, EvidenceLine, Letter, LetterCase
from app.domain.money_words import amount_in_figures_and_words
from app.domain.office import OfficeSettings, one_line
from app.reports import document
from app.reports.docx_document import (
    Draft,
    Part,
    Style,
    add_addressees,
    filling_problems,
    header_fields,
    signature_fields,
    template_path,
)
from app.reports.official import plain
from app.text import format_date, format_number

TEMPLATES: dict[DocumentKind, str] = {
    DocumentKind.INVITATION: "giay-moi.docx",
    DocumentKind.MEETING_RECORD: "bien-ban-lam-viec.docx",
    DocumentKind.COMMITMENT: "ban-cam-ket.docx",
    DocumentKind.REMOVAL_REQUEST: "yeu-cau-go-bo.docx",
    DocumentKind.LOCK_REQUEST: "de-nghi-tam-khoa.docx",
    DocumentKind.VIOLATION_RECORD: "bien-ban-vi-pham.docx",
    DocumentKind.SUBMISSION: "to-trinh-xu-phat.docx",
    DocumentKind.DECISION: "quyet-dinh-xu-phat.docx",
    DocumentKind.POLICE_TRANSFER: "chuyen-cong-an.docx",
    DocumentKind.ESCALATION: "kien-nghi-ho-tro.docx",
}
HASH_FONT = "Courier New"  # fixed width: the 64 hex digits read and compared in groups
HASH_SIZE = Pt(9)
_TIME = "%d/%m/%Y %H:%M"


def template_name(kind: DocumentKind) -> str:
    return TEMPLATES[kind]


def placeholders(kind: DocumentKind) -> dict[str, str]:
    """What a template of `kind` may name, with what each holds (for the administrator)."""
    return {**LETTER_PLACEHOLDERS, **DETAILS[kind],
            **{f"vu_viec.{name}": label for name, label in CASE_PLACEHOLDERS.items()}}


def _ended(text: str) -> str:
    """A summary closed by its punctuation: the wording goes on after it."""
    text = plain(text).strip()
    return text if not text or text[-1] in ".!?…" else f"{text}."


def _captured(evidence: Sequence[EvidenceLine]) -> str:
    times = sorted(e.captured_at for e in evidence if e.captured_at is not None)
    if not times:
        return TO_FILL
    first, last = times[0].strftime(_TIME), times[-1].strftime(_TIME)
    return first if first == last else f"{first} – {last}"


def _case_values(case: LetterCase) -> dict[str, Any]:
    return {
        "ma": plain(case.code), "nen_tang": plain(case.platform),
        "tai_khoan": plain(case.account), "duong_dan": plain(case.link) or TO_FILL,
        "thoi_gian_dang": plain(case.posted), "ngay_phat_hien": format_date(case.detected_on),
        "thoi_gian_thu_thap": _captured(case.evidence), "nhom_noi_dung": plain(case.group),
        "tom_tat": _ended(case.summary), "doi_tuong": plain(case.offender),
        "can_cu": [plain(b) for b in case.legal_bases] or [TO_FILL],
        "hinh_thuc_xu_phat": plain(case.sanction) or TO_FILL,
        "bien_phap_khac_phuc": [plain(r) for r in case.remedies] or [TO_FILL],
        "chung_cu": [{"ten": plain(e.name), "dung_luong": format_number(e.size),
                      "sha256": e.sha256,
                      "thu_thap_luc": e.captured_at.strftime(_TIME) if e.captured_at else ""}
                     for e in case.evidence],
    }


def _fit(table: Table, widths: Sequence[Length]) -> None:
    """Every cell the width of the columns it spans (a SHA-256's row is one merged cell):
    Word and LibreOffice then agree on the layout."""
    for row in table.rows:
        column = 0
        for cell in row._tr.tc_lst:
            cell.width = Length(sum(widths[column:column + cell.grid_span]))
            column += cell.grid_span


def _annex(cases: Sequence[LetterCase], width: Length) -> Callable[[Part], None]:
    """The dossier annex: for each case what identifies it, then each evidence file with its
    name, size and capture time, and its full SHA-256 on a row of its own."""
    facts = ("ma", "nen_tang", "tai_khoan", "duong_dan", "thoi_gian_dang",
             "thoi_gian_thu_thap", "tom_tat")
    left, center, right = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER,
                           WD_ALIGN_PARAGRAPH.RIGHT)

    def build(part: Part) -> None:
        for index, case in enumerate(cases, start=1):
            values = _case_values(case)
            part.add_paragraph(f"{index}. {ANNEX_CASE.format(values['ma'])}", Style.HEADING)
            widths = [Length(int(width * 0.28)), Length(int(width * 0.72))]
            table = part.table(widths)
            for name in facts:
                part.row(table, [CASE_PLACEHOLDERS[name], values[name]], widths, Style.TABLE,
                         [left, left])
            _fit(table, widths)
            part.add_paragraph("", Style.TABLE)
            if not case.evidence:
                part.add_paragraph(ANNEX_NO_EVIDENCE, Style.BODY)
                continue
            shares = (0.08, 0.50, 0.18, 0.24)
            widths = [Length(int(width * share)) for share in shares]
            table = part.table(widths)
            part.row(table, ANNEX_EVIDENCE_HEADERS, widths, Style.TABLE, [center] * 4,
                     header=True)
            for number, file in enumerate(values["chung_cu"], start=1):
                row = part.row(table, [str(number), file["ten"], file["dung_luong"],
                                       file["thu_thap_luc"]], widths, Style.TABLE,
                               [center, left, right, center])
                for cell in row.cells:  # on the page of its SHA-256
                    cell.paragraphs[0].paragraph_format.keep_with_next = True
                # Its own row, the table's whole width: the digits are never cut or wrapped.
                digest = part.row(table, [""] * 4, widths, Style.TABLE, [left] * 4).cells
                cell = digest[0].merge(digest[-1])
                paragraph = cell.paragraphs[0]
                paragraph.add_run(ANNEX_SHA256)
                run = paragraph.add_run(file["sha256"])
                run.font.name, run.font.size = HASH_FONT, HASH_SIZE
            _fit(table, widths)
            part.add_paragraph("", Style.TABLE)
    return build


def _values(letter: Letter, office: OfficeSettings, draft: Draft) -> dict[str, Any]:
    # The kind's symbol (a number typed with its own symbol keeps it).
    number, _, typed = letter.number.partition("/")
    issuer = dataclasses.replace(letter.issuer,
                                 document_symbol=typed.strip() or office.document_symbol(
                                     letter.kind))
    width = draft.text_width()
    cases = [_case_values(case) for case in letter.cases]
    blank_case = {name: [TO_FILL] if name in ("can_cu", "bien_phap_khac_phuc") else
                  [] if name == "chung_cu" else TO_FILL for name in CASE_PLACEHOLDERS}
    annexed = letter.annex or letter.kind in ANNEXED_KINDS
    return {
        **header_fields(office, issuer, number, letter.issued_on),
        **signature_fields(letter.recipients, issuer),
        "ten_co_quan": one_line(issuer.heading),
        "don_vi": issuer.in_sentence,
        "so_hieu": document.reference(issuer, number),
        "ngay_ban_hanh": format_date(letter.issued_on),
        "trich_yeu": letter.subject,
        "kinh_gui": draft.blocks(lambda part: add_addressees(part, letter.addressees, width)),
        "han": format_date(letter.deadline) or TO_FILL,
        "vu_viec": cases[0] if cases else blank_case,
        "cac_vu_viec": cases,
        "so_vu_viec": f"{len(cases):02d}",
        "phu_luc": draft.blocks(_annex(letter.cases, width)) if annexed else "",
        **{name: plain(letter.details.get(name, "")).strip() or TO_FILL
           for name in DETAILS[letter.kind]},
    }


def write_letter_docx(letter: Letter, office: OfficeSettings, target: Path, *,
                      template: Path | bytes | None = None) -> None:
    """Fill the kind's template (the shipped default when `template` is None) and write
    `target` whole or not at all."""
    draft = Draft(template if template is not None else template_path(template_name(
        letter.kind)))
    values = _values(letter, office, draft)
    draft.render(values, target, title=f"{DOCUMENT_KIND_LABELS[letter.kind]} {values['so_hieu']}",
                 author=values["don_vi"])


# ---- the sample an administrator's template is checked with ----------------------------

_SAMPLE_DAY = date(2026, 3, 16)
# The office a template put back is checked with: invented names.
SAMPLE_OFFICE = OfficeSettings(
    managing_body="ỦY BAN NHÂN DÂN\nXÃ MẪU", managing_body_in_sentence="Ủy ban nhân dân xã Mẫu",
    unit_name="PHÒNG VĂN HÓA - XÃ HỘI", unit_in_sentence="Phòng Văn hóa - Xã hội",
    place_name="Mẫu", unit_signer_name="Trần Văn Mẫu", committee_signer_name="Lê Văn Mẫu")
_SAMPLE_FINE = 7_500_000


def _sample_evidence(case: int, count: int) -> tuple[EvidenceLine, ...]:
    captured = datetime(2026, 3, 10, 8, 30)
    return tuple(EvidenceLine(
        f"anh-chup-man-hinh-{case:02d}-{index}.png", 1_234_567 * index + case,
        hashlib.sha256(f"mẫu {case} {index}".encode()).hexdigest(),
        captured + timedelta(days=case, minutes=5 * index)) for index in range(1, count + 1))


def _sample_case(index: int, identified: bool) -> LetterCase:
    """A fictitious case: an invented account and the forms' own placeholder name."""
    sanctioned = identified and index == 1
    return LetterCase(
        code=f"VV-2026-{index:04d}", platform="Facebook", account=f"Trang tin mẫu {index}",
        link=f"https://www.facebook.com/trang.tin.mau.{index}",
        posted=f"{index + 7:02d}/03/2026", detected_on=date(2026, 3, 9 + index),
        group="Thông tin sai sự thật",
        summary=f"Đăng bài viết bịa đặt về việc thu hồi đất ở thôn Mẫu {index}, gây hoang "
                "mang trong nhân dân",
        offender=("Ông Nguyễn Văn A, sinh năm 1990, cư trú tại thôn Mẫu, xã Minh Tân"
                  if identified else "Chưa xác định được"),
        legal_bases=("Điểm a khoản 1 Điều 8 Luật An ninh mạng năm 2018",
                     "Điểm a khoản 1 Điều 101 Nghị định số 15/2020/NĐ-CP"),
        sanction=(f"Phạt tiền {amount_in_figures_and_words(_SAMPLE_FINE)}"
                  if sanctioned else ""),
        remedies=("Buộc gỡ bỏ thông tin sai sự thật",) if sanctioned else (),
        evidence=_sample_evidence(index, 2))


_SAMPLE_ADDRESSEES: dict[DocumentKind, tuple[int, ...]] = {
    # Which of the office's suggested addressees a kind's sample is sent to.
    DocumentKind.LOCK_REQUEST: (3, 4), DocumentKind.SUBMISSION: (2,),
    DocumentKind.POLICE_TRANSFER: (0,), DocumentKind.ESCALATION: (3, 4, 1),
}
_SAMPLE_DETAILS: dict[DocumentKind, dict[str, str]] = {
    DocumentKind.INVITATION: {"thoi_gian": "08 giờ 00 phút, ngày 20/03/2026",
                              "dia_diem": "Trụ sở Ủy ban nhân dân xã",
                              "mang_theo": "Căn cước công dân; điện thoại dùng đăng bài"},
    DocumentKind.MEETING_RECORD: {"thoi_gian": "08 giờ 00 phút, ngày 20/03/2026",
                                  "dia_diem": "Trụ sở Ủy ban nhân dân xã",
                                  "thanh_phan": "Ông Trần Văn Mẫu, công chức",
                                  "noi_dung_thong_nhat": "Người được mời tự gỡ bài viết."},
    DocumentKind.REMOVAL_REQUEST: {"han_go": "trong vòng 24 giờ kể từ khi nhận được văn "
                                             "bản này"},
    DocumentKind.LOCK_REQUEST: {"so_vu_30_ngay": "05", "so_vu_90_ngay": "07",
                                "ma_vu_lien_quan": "VV-2026-0001, VV-2026-0002"},
    DocumentKind.VIOLATION_RECORD: {"thoi_gian": "09 giờ 00 phút, ngày 20/03/2026",
                                    "dia_diem": "Trụ sở Ủy ban nhân dân xã",
                                    "nguoi_chung_kien": "Bà Lê Thị B, trưởng thôn Mẫu"},
    DocumentKind.SUBMISSION: {"bien_ban": "số 01/BB-VHXH lập ngày 18/03/2026"},
    DocumentKind.DECISION: {"bien_ban": "số 01/BB-VHXH lập ngày 18/03/2026",
                            "han_thi_hanh": "10 ngày",
                            "noi_nop_phat": "Kho bạc Nhà nước hoặc ngân hàng thương mại "
                                            "được ủy nhiệm thu"},
    DocumentKind.POLICE_TRANSFER: {"han_tra_loi": "31/03/2026"},
    DocumentKind.ESCALATION: {"han_tra_loi": "31/03/2026"},
}


def sample_letter(kind: DocumentKind, office: OfficeSettings) -> Letter:
    """A letter of `kind` with fictitious facts: what a replaced template is checked with
    and what an administrator previews. No real person, no child."""
    several = kind is DocumentKind.ESCALATION
    cases = tuple(_sample_case(i, not several) for i in range(1, 4 if several else 2))
    suggested = office.addressee_suggestions
    addressees = tuple(suggested[i] for i in _SAMPLE_ADDRESSEES.get(kind, ())
                       if i < len(suggested))
    if kind in (DocumentKind.INVITATION, DocumentKind.REMOVAL_REQUEST):
        addressees = ("Ông Nguyễn Văn A",)
    elif kind is DocumentKind.COMMITMENT:
        addressees = (office.report_issuer.in_sentence,)
    return Letter(
        kind=kind, number="", issued_on=_SAMPLE_DAY,
        issuer=office.issuer_details(drafting.issuer(kind)),
        subject=drafting.SUBJECTS[kind], addressees=addressees,
        recipients=("Như trên", "Lưu: VT"), cases=cases,
        deadline=_SAMPLE_DAY + timedelta(days=15), details=_SAMPLE_DETAILS.get(kind, {}),
        annex=kind in ANNEXED_KINDS)


# ---- checking a template an office puts back ------------------------------------------

def _dotted(node: nodes.Node) -> list[str] | None:
    """`vu_viec.ma` as ["vu_viec", "ma"]; None for anything else than names and attributes."""
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return None if base is None else [*base, node.attr]
    return None


def _attribute_problems(tree: nodes.Template, kind: DocumentKind) -> Iterator[str]:
    """An attribute of a case or of an evidence file that the letters do not have, named as
    the template writes it (`{{ v.tenn }}` inside `{% for v in cac_vu_viec %}`)."""
    fields = {"case": CASE_PLACEHOLDERS, "evidence": EVIDENCE_PLACEHOLDERS}
    kinds: dict[str, str] = {"vu_viec": "case"}  # a name → what it holds
    for loop in tree.find_all(nodes.For):  # outer loops first
        source = _dotted(loop.iter)
        if not isinstance(loop.target, nodes.Name) or source is None:
            continue
        if source == ["cac_vu_viec"]:
            kinds[loop.target.name] = "case"
        elif source[1:] == ["chung_cu"] and kinds.get(source[0]) == "case":
            kinds[loop.target.name] = "evidence"
    seen: set[str] = set()
    for attribute in tree.find_all(nodes.Getattr):
        path = _dotted(attribute)
        if path is None or len(path) < 2 or path[0] not in kinds:
            continue
        known = fields[kinds[path[0]]]
        written = ".".join(path[:2])
        if path[1] not in known and written not in seen:
            seen.add(written)
            usable = ", ".join(f"{path[0]}.{name}" for name in known)
            yield (f"Mẫu có trường {{{{ {written} }}}} không có trong "
                   f"{DOCUMENT_KIND_LABELS[kind].lower()}; các trường dùng được: {usable}.")


def template_problems(kind: DocumentKind, template: bytes) -> list[str]:
    """Why a template put back for `kind` cannot be used, in Vietnamese, each message naming
    the placeholder or the syntax error; [] when a sample drafts with it."""
    def sample(target: Path) -> None:
        write_letter_docx(sample_letter(kind, SAMPLE_OFFICE), SAMPLE_OFFICE, target,
                          template=template)

    return filling_problems(template, placeholders(kind), DOCUMENT_KIND_LABELS[kind].lower(),
                            sample=sample, fields=lambda tree: _attribute_problems(tree, kind))
