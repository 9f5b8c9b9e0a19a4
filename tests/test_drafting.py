"""Drafting the document of a handling step from stored cases (shared/domain/letters.md)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import Database
from app.domain import drafting as rules
from app.domain.case import ChildInput
from app.domain.documents import TO_FILL, DocumentKind
from app.domain.events import EventInput
from app.domain.fields import LONG_TEXT_LIMIT
from app.domain.labels import PartyKind, SanctionForm, Sex
from app.domain.letters import Letter
from app.domain.office import Issuer
from app.errors import NotAllowed, UserError
from app.models import AuditEntry
from app.reports.docx_document import template_path
from app.reports.letters import template_name
from app.services import cases, days_off, demo, documents, events, evidence, settings
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.drafting import (
    DraftRequest,
    build_letter,
    draft_defaults,
    draft_document,
    kind_refusal,
)
from app.text import fold
from tests.conftest import TODAY, make_case, marker_forms

DAY = timedelta(days=1)
CHILD = "Đặng Thị Thuỳ Zuyến"
OTHER_CHILD = "Lê Văn Tí"
MINOR = "Hứa Vĩnh Khiêm"  # an offender aged 14 at the act


def _case(db: Database, actor: Actor, **changes: object) -> int:
    return cases.create_case(db, actor, make_case(**changes), today=TODAY).id


def _event(db: Database, actor: Actor, case_id: int, event: EventInput) -> int:
    detail = events.add_event(db, actor, case_id, event, today=TODAY)
    return detail.events[-1].id


def _file(db: Database, actor: Actor, case_id: int, folder: Path, name: str,
          content: bytes) -> str:
    folder.mkdir(exist_ok=True)
    source = folder / name
    source.write_bytes(content)
    evidence.add_evidence(db, actor, case_id, source)
    return hashlib.sha256(content).hexdigest()


def _unidentified_with_evidence(db: Database, actor: Actor,
                                inbox: Path) -> tuple[list[int], dict[str, set[str]]]:
    """Three cases whose offender is unknown, two naming children in their texts and
    files; each case's evidence hashes by code."""
    first = _case(db, actor, group_code="TE", account="Hội phụ huynh Minh Tân",
                  summary=f"Đăng ảnh em Zuyến (tên đầy đủ {CHILD}, lớp 6A) kèm lời lẽ xúc "
                          "phạm.",
                  url="https://www.facebook.com/dangthithuyzuyen.2014/photos/1",
                  children=(ChildInput(CHILD, 2014, sex=Sex.FEMALE, school_class="Lớp 6A",
                                       notes=f"Mẹ của {CHILD} đã được báo."),))
    second = _case(db, actor, account="Tin nóng 24h", summary=f"Tung tin cháu {OTHER_CHILD} "
                   "bị bắt cóc ở chợ.", children=(ChildInput(OTHER_CHILD, 2016),),
                   notes=f"{OTHER_CHILD} học trường tiểu học Minh Tân.")
    third = _case(db, actor, account="Rao vặt Minh Tân", summary="Quảng cáo thuốc giả.")
    hashes = {
        "first": {_file(db, actor, first, inbox, "anh-dangthithuyzuyen.txt",
                        "Ảnh chụp trang cá nhân.".encode()),
                  _file(db, actor, first, inbox, "binh-luan.txt", b"binh luan 1")},
        "second": {_file(db, actor, second, inbox, "tin-nong.txt", b"tin nong")},
        "third": {_file(db, actor, third, inbox, "rao-vat.txt", b"rao vat"),
                  _file(db, actor, third, inbox, "quang-cao.txt", b"quang cao")},
    }
    return [first, second, third], hashes


def _names(letter: Letter, *names: str) -> list[str]:
    """The names (or a run of their words joined as a handle) the letter holds anywhere."""
    text = fold(repr(letter))
    return [name for name in names
            if fold(name) in text or fold(name).replace(" ", "") in text]


def test_an_escalation_lists_each_case_and_every_file_hash_and_names_no_child(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    ids, hashes = _unidentified_with_evidence(db, officer, tmp_path / "inbox")
    letter = build_letter(db, officer, DraftRequest(DocumentKind.ESCALATION, tuple(ids),
                                                    issued_on=TODAY))
    codes = [cases.get_case(db, officer, i).code for i in ids]
    assert [c.code for c in letter.cases] == codes
    assert [{e.sha256 for e in c.evidence} for c in letter.cases] == list(hashes.values())
    assert all(e.size > 0 for c in letter.cases for e in c.evidence)
    assert letter.annex and letter.number == ""
    assert _names(letter, CHILD, OTHER_CHILD) == []
    assert "zuyen" not in fold(repr(letter))
    first = letter.cases[0]
    assert first.account == "Facebook/…" and first.link == "facebook.com/…"
    assert "Z." in first.summary and first.summary.startswith("Đăng ảnh em")
    assert first.offender == "Chưa xác định được đối tượng"
    # The third case has no child: its texts are as typed.
    assert letter.cases[2].account == "Rao vặt Minh Tân"
    office = settings.load_office(db)
    assert letter.addressees == rules.ESCALATION_ADDRESSEES
    assert letter.issuer == office.issuer_details(Issuer.UNIT)
    assert letter.deadline == days_off.load_calendar(db).add(TODAY, office.reply_days,
                                                             office.reply_day_unit)
    assert letter.details == {"han_tra_loi": f"{letter.deadline:%d/%m/%Y}"}


def test_a_leader_names_the_children_with_a_basis_an_officer_may_not(
        db: Database, officer: Actor, leader: Actor, tmp_path: Path) -> None:
    ids, _ = _unidentified_with_evidence(db, officer, tmp_path / "inbox")
    request = DraftRequest(DocumentKind.POLICE_TRANSFER, tuple(ids), issued_on=TODAY,
                           include_children_basis="Điều 62 Luật Xử lý vi phạm hành chính")
    with pytest.raises(NotAllowed):
        build_letter(db, officer, request)
    named = build_letter(db, leader, request)
    assert _names(named, CHILD, OTHER_CHILD) == [CHILD, OTHER_CHILD]
    assert named.cases[0].account == "Hội phụ huynh Minh Tân"
    with pytest.raises(UserError, match="căn cứ pháp lý"):
        build_letter(db, leader, DraftRequest(DocumentKind.POLICE_TRANSFER, tuple(ids),
                                              include_children_basis="  "))


def test_typed_details_are_masked_as_the_cases_texts_and_bodies_keep_their_names(
        db: Database, officer: Actor) -> None:
    case_id = _case(db, officer, group_code="TE", offender_kind=PartyKind.PERSON,
                    offender_name="Trần Văn Bình", offender_birth_year=1990,
                    children=(ChildInput("Nguyễn Văn An", 2015),))
    meeting = build_letter(db, officer, DraftRequest(
        DocumentKind.MEETING_RECORD, (case_id,), issued_on=TODAY,
        details={"dia_diem": "Trụ sở UBND xã", "noi_dung_thong_nhat": "Gỡ ảnh của An ngay."}))
    assert meeting.details["noi_dung_thong_nhat"] == "Gỡ ảnh của A. ngay."
    transfer = build_letter(db, officer, DraftRequest(
        DocumentKind.POLICE_TRANSFER, (case_id,), issued_on=TODAY,
        addressees=(" Công an xã ", "", "Phụ huynh em Nguyễn Văn An")))
    assert transfer.addressees == ("Công an xã", "Phụ huynh em N.V.A.")


def test_a_minor_offender_is_described_not_named(db: Database, officer: Actor) -> None:
    case_id = _case(db, officer, offender_kind=PartyKind.PERSON, offender_name=MINOR,
                    offender_birth_year=2012, offender_address="Thôn 3, xã Minh Tân",
                    summary=f"{MINOR} đăng tin sai sự thật về dịch bệnh.",
                    posted_on=date(2026, 10, 1))
    event_id = _event(db, officer, case_id, EventInput("BB", date(2026, 10, 7)))
    letter = build_letter(db, officer, DraftRequest(DocumentKind.VIOLATION_RECORD, (case_id,),
                                                    event_id, issued_on=TODAY))
    assert _names(letter, MINOR) == [] and "khiem" not in fold(repr(letter))
    assert letter.cases[0].offender == "H.V.K., 13 tuổi"
    assert letter.addressees == ()


def test_a_decision_states_the_amount_in_words_and_is_signed_by_the_chairman(
        db: Database, admin: Actor, officer: Actor, tmp_path: Path) -> None:
    office = dataclasses.replace(demo.demo_office(), chairman_signer_name="Lê Văn Chủ")
    settings.save_office(db, admin, office)
    case_id = _case(db, officer, offender_kind=PartyKind.PERSON, offender_name="Trần Văn Bình",
                    offender_birth_year=1990)
    _event(db, officer, case_id, EventInput("BB", date(2026, 10, 7)))
    decision = _event(db, officer, case_id, EventInput(
        "XP", date(2026, 10, 8), sanction_form=SanctionForm.FINE, fine_amount=7_500_000,
        remedies="Buộc gỡ bỏ thông tin sai sự thật"))
    request = DraftRequest(DocumentKind.DECISION, (case_id,), decision, issued_on=TODAY)
    letter = build_letter(db, officer, request)
    [case] = letter.cases
    assert case.sanction == "Phạt tiền 7.500.000 đồng (Bảy triệu năm trăm nghìn đồng)"
    assert case.remedies == ("Buộc gỡ bỏ thông tin sai sự thật",)
    assert case.offender == "Trần Văn Bình, sinh năm 1990"
    # The Chairman's own signature under the committee's heading, never «TM.» (NĐ 30/2020).
    assert letter.issuer == office.issuer_details(Issuer.CHAIRMAN)
    assert letter.issuer.heading == office.managing_body
    assert letter.issuer.signer_lines == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert letter.deadline is None
    assert letter.details["han_thi_hanh"] == "10 ngày kể từ ngày nhận được Quyết định này"
    assert letter.addressees == () and "Như trên" not in letter.recipients
    text = _docx_text(draft_document(db, officer, request, docx=tmp_path / "qd.docx",
                                     pdf=tmp_path / "qd.pdf").docx)
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and "Lê Văn Chủ" in text
    assert "TM." not in text


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_the_kinds_without_addressees_are_those_whose_template_has_no_kinh_gui(
        kind: DocumentKind) -> None:
    """The dialog hides «Kính gửi» for these kinds: the shipped templates must agree."""
    with zipfile.ZipFile(template_path(template_name(kind))) as docx:
        body = docx.read("word/document.xml").decode()
    assert ("kinh_gui" not in body) == (kind in rules.NOT_ADDRESSED)


def test_a_lock_request_counts_the_accounts_cases(db: Database, officer: Actor) -> None:
    ids = [_case(db, officer, account="Hóng biến Minh Tân", detected_on=TODAY - n * DAY)
           for n in (1, 5, 40, 80, 100)]
    _case(db, officer, account="Tài khoản khác", detected_on=TODAY - DAY)
    letter = build_letter(db, officer, DraftRequest(DocumentKind.LOCK_REQUEST, (ids[0],),
                                                    issued_on=TODAY))
    codes = [cases.get_case(db, officer, i).code for i in ids]
    assert letter.details["so_vu_30_ngay"] == "2" and letter.details["so_vu_90_ngay"] == "4"
    assert letter.details["ma_vu_lien_quan"] == ", ".join(reversed(codes[:4]))
    assert letter.addressees == rules.LOCK_ADDRESSEES


def test_defaults_prefill_the_kinds_addressees_recipients_and_details(
        db: Database, officer: Actor) -> None:
    case_id = _case(db, officer)
    event_id = _event(db, officer, case_id, EventInput("YCG", date(2026, 10, 6),
                                                       addressee="Chủ tài khoản Hóng biến"))
    request = draft_defaults(db, officer, DocumentKind.REMOVAL_REQUEST, [case_id], event_id,
                             today=TODAY)
    assert request.issued_on == TODAY and request.event_id == event_id
    assert request.details == {"han_go": rules.REMOVAL_TEXT}
    assert request.recipients == ("Như trên", "Lưu: VT")
    meeting = draft_defaults(db, officer, DocumentKind.MEETING_RECORD, [case_id], today=TODAY)
    assert meeting.addressees == () and "Như trên" not in meeting.recipients


def test_kinds_that_do_not_fit_are_refused_saying_what_is_missing(
        db: Database, officer: Actor) -> None:
    unknown = _case(db, officer)
    known = _case(db, officer, offender_kind=PartyKind.PERSON, offender_name="Trần Văn Bình",
                  offender_birth_year=1990)
    removal = _event(db, officer, known, EventInput("YCG", date(2026, 10, 6)))
    refusals = {
        (DocumentKind.DECISION, (known,), None): "chưa ghi biện pháp «Quyết định xử phạt",
        (DocumentKind.ESCALATION, (unknown, known), None): "đã ghi đối tượng vi phạm",
        (DocumentKind.VIOLATION_RECORD, (unknown,), None): "chưa ghi họ tên đối tượng",
        (DocumentKind.SUBMISSION, (unknown,), None): "chưa ghi họ tên đối tượng",
        (DocumentKind.DECISION, (unknown,), None): "chưa ghi họ tên đối tượng",
        (DocumentKind.INVITATION, (known,), removal): "biện pháp đã chọn là «Yêu cầu",
        (DocumentKind.INVITATION, (unknown, known), None): "từng vụ việc một",
    }
    for (kind, case_ids, event_id), words in refusals.items():
        found = kind_refusal(db, officer, kind, case_ids, event_id)
        assert found is not None and words in found, (kind, found)
        with pytest.raises(UserError, match=words):
            build_letter(db, officer, DraftRequest(kind, case_ids, event_id))
    assert kind_refusal(db, officer, DocumentKind.ESCALATION, [unknown]) is None
    assert kind_refusal(db, officer, DocumentKind.REMOVAL_REQUEST, [known], removal) is None
    with pytest.raises(UserError, match="không có mục"):
        build_letter(db, officer, DraftRequest(DocumentKind.ESCALATION, (unknown,),
                                               details={"thoi_gian": "8 giờ"}))


def test_a_viewer_may_not_draft(db: Database, officer: Actor, viewer: Actor) -> None:
    case_id = _case(db, officer)
    with pytest.raises(NotAllowed):
        build_letter(db, viewer, DraftRequest(DocumentKind.ESCALATION, (case_id,)))


def test_every_kind_has_its_step_and_an_event_offers_its_kinds() -> None:
    assert set(rules.EVENT_KINDS) == set(DocumentKind)
    assert rules.kinds_for_event("MLV") == (DocumentKind.INVITATION,
                                            DocumentKind.MEETING_RECORD)
    assert rules.kinds_for_event("XP") == (DocumentKind.DECISION,)
    assert rules.kinds_for_event("GB") == ()


def _docx_text(path: Path) -> str:
    """Every part of a Word file as XML (its text, its properties)."""
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist()
                       if name.endswith(".xml"))


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True,
                          capture_output=True).stdout.decode()


def _register(db: Database, actor: Actor) -> list[documents.RegisterEntry]:
    return documents.register(db, actor, documents.RegisterQuery())


def test_drafting_writes_both_files_with_the_number_entered_and_no_childs_name(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    ids, hashes = _unidentified_with_evidence(db, officer, tmp_path / "inbox")
    out = tmp_path / "van ban"
    drafted = draft_document(db, officer, DraftRequest(DocumentKind.ESCALATION, tuple(ids),
                                                       issued_on=TODAY),
                             docx=out / "kn.docx", pdf=out / "kn.pdf")
    assert sorted(p.name for p in out.iterdir()) == ["kn.docx", "kn.pdf"]
    [entry] = _register(db, officer)
    assert drafted.entry.number == entry.number == "01/BC-VHXH"
    assert entry.case_ids == tuple(sorted(ids)) and entry.reply_by is not None
    text = _docx_text(drafted.docx)
    assert entry.number in text
    assert all(sha in text for found in hashes.values() for sha in found)
    pdf = _pdf_text(drafted.pdf)
    assert entry.number in pdf
    assert all(sha in "".join(pdf.split()) for found in hashes.values() for sha in found)
    for words in (text, pdf):
        assert not [name for name in (CHILD, OTHER_CHILD, "Zuyến", "dangthithuyzuyen")
                    if fold(name) in fold(words)]
    for needle in marker_forms((CHILD, OTHER_CHILD)):
        assert needle not in drafted.pdf.read_bytes()


def test_numbers_run_per_symbol_and_year_and_a_number_used_is_refused(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    case_id = _case(db, officer)

    def draft(day: date, name: str, number: int | None = None) -> str:
        return draft_document(db, officer, DraftRequest(DocumentKind.ESCALATION, (case_id,),
                                                        issued_on=day, number=number),
                              docx=tmp_path / f"{name}.docx",
                              pdf=tmp_path / f"{name}.pdf").entry.number

    assert [draft(TODAY, "a"), draft(TODAY, "b")] == ["01/BC-VHXH", "02/BC-VHXH"]
    assert draft(date(2027, 1, 4), "c") == "01/BC-VHXH"
    with pytest.raises(UserError, match="đã dùng"):
        draft(TODAY, "d", number=2)
    assert not (tmp_path / "d.docx").exists() and not (tmp_path / "d.pdf").exists()
    assert len(_register(db, officer)) == 3


def test_a_failure_while_writing_leaves_no_entry_and_no_file(
        db: Database, officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.reports.docx_pdf

    case_id = _case(db, officer)

    def broken(docx: Path, target: Path) -> None:
        target.write_bytes(b"%PDF-1.4 half")
        raise OSError("disk full")

    monkeypatch.setattr(app.reports.docx_pdf, "write_pdf_from_docx", broken)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        draft_document(db, officer, DraftRequest(DocumentKind.ESCALATION, (case_id,)),
                       docx=out / "kn.docx", pdf=out / "kn.pdf")
    assert list(out.iterdir()) == [] and _register(db, officer) == []


def test_a_summary_at_its_length_limit_in_paragraphs_drafts_over_several_pages(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    # Comments quoted one by one, a blank line or two between them (as typed in the form).
    comments = "".join(f"Bình luận {i}: «cán bộ xã ăn chặn tiền hỗ trợ».\n\n" + "\n" * (i % 2)
                       for i in range(1, 300))
    summary = comments[:LONG_TEXT_LIMIT - 5] + " hết."
    case_id = _case(db, officer, summary=summary)
    drafted = draft_document(db, officer, DraftRequest(DocumentKind.ESCALATION, (case_id,),
                                                       issued_on=TODAY),
                             docx=tmp_path / "kn.docx", pdf=tmp_path / "kn.pdf")
    assert [entry.number for entry in _register(db, officer)] == [drafted.entry.number]
    pdf = _pdf_text(drafted.pdf)
    assert pdf.count("\f") > 3 and "hết." in pdf


def test_the_submission_and_decision_cite_the_violation_record_made(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    def case_with(fine: int, *records: EventInput) -> tuple[int, int, list[int]]:
        case_id = _case(db, officer, offender_kind=PartyKind.PERSON,
                        offender_name="Trần Văn Bình", offender_birth_year=1990)
        made = [_event(db, officer, case_id, record) for record in records]
        decision = _event(db, officer, case_id, EventInput(
            "XP", date(2026, 10, 8), sanction_form=SanctionForm.FINE, fine_amount=fine))
        return case_id, decision, made

    def cited(kind: DocumentKind, case_id: int, decision: int) -> str:
        name = f"{kind}-{case_id}"
        event = decision if kind is DocumentKind.DECISION else None
        drafted = draft_document(db, officer, DraftRequest(kind, (case_id,), event,
                                                           issued_on=TODAY),
                                 docx=tmp_path / f"{name}.docx", pdf=tmp_path / f"{name}.pdf")
        return _docx_text(drafted.docx) + _pdf_text(drafted.pdf).replace("\n", " ")

    numbered, decision, _ = case_with(7_500_000, EventInput(
        "BB", date(2026, 10, 6), document_number="01/BB-VPHC"), EventInput(
        "BB", date(2026, 10, 7), document_number="03/BB-VPHC"))
    for kind in (DocumentKind.SUBMISSION, DocumentKind.DECISION):
        assert ("Căn cứ Biên bản vi phạm hành chính số 03/BB-VPHC lập ngày 07/10/2026;"
                in cited(kind, numbered, decision))
    # No number on the event: the biên bản drafted for it, as the register numbers it.
    drafted_only, decision, [record] = case_with(7_500_000, EventInput("BB", date(2026, 10, 7)))
    bien_ban = draft_document(db, officer, DraftRequest(
        DocumentKind.VIOLATION_RECORD, (drafted_only,), record, issued_on=date(2026, 10, 7)),
        docx=tmp_path / "bb.docx", pdf=tmp_path / "bb.pdf").entry.number
    assert (f"Căn cứ Biên bản vi phạm hành chính số {bien_ban} lập ngày 07/10/2026;"
            in cited(DocumentKind.DECISION, drafted_only, decision))
    # A fine small enough to need no biên bản: the line stays to fill in by hand.
    small, decision, _ = case_with(200_000)
    assert f"Căn cứ Biên bản vi phạm hành chính {TO_FILL};" in cited(DocumentKind.DECISION,
                                                                     small, decision)


def test_the_decision_cites_its_legal_basis_as_a_document_writes_it_in_a_sentence(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    from app.services import legal_basis

    provision = next(p.id for p in legal_basis.all_provisions(db)
                     if p.citation == "Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP")
    case_id = _case(db, officer, offender_kind=PartyKind.PERSON,
                    offender_name="Trần Văn Bình", offender_birth_year=1990)
    _event(db, officer, case_id, EventInput("BB", date(2026, 10, 7),
                                            document_number="03/BB-VPHC"))
    decision = _event(db, officer, case_id, EventInput(
        "XP", date(2026, 10, 8), sanction_form=SanctionForm.FINE, fine_amount=12_000_000,
        legal_basis_ids=(provision,)))
    drafted = draft_document(db, officer, DraftRequest(DocumentKind.DECISION, (case_id,),
                                                       decision, issued_on=TODAY),
                             docx=tmp_path / "qd.docx", pdf=tmp_path / "qd.pdf")
    assert ("Căn cứ điểm a khoản 1 Điều 95 Nghị định số 174/2026/NĐ-CP;"
            in _docx_text(drafted.docx))


def test_a_page_that_cannot_be_laid_out_is_refused_naming_the_case_and_writes_nothing(
        db: Database, officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.platypus.doctemplate import LayoutError

    import app.reports.docx_pdf

    def too_tall(self: object, target: Path) -> None:
        target.write_bytes(b"%PDF-1.4 half")
        raise LayoutError("Flowable <Table> too large on page 2")

    monkeypatch.setattr(app.reports.docx_pdf._Layout, "write", too_tall)
    case_id = _case(db, officer)
    code = cases.get_case(db, officer, case_id).code
    out = tmp_path / "out"
    with pytest.raises(UserError, match=f"cho vụ việc {code}: có một đoạn văn hoặc một ô"):
        draft_document(db, officer, DraftRequest(DocumentKind.ESCALATION, (case_id,)),
                       docx=out / "kn.docx", pdf=out / "kn.pdf")
    assert list(out.iterdir()) == [] and _register(db, officer) == []


def test_children_named_by_a_leader_are_audited_with_the_basis(
        db: Database, officer: Actor, leader: Actor, tmp_path: Path) -> None:
    ids, _ = _unidentified_with_evidence(db, officer, tmp_path / "inbox")
    basis = "Khoản 1 Điều 62 Luật Xử lý vi phạm hành chính"
    request = DraftRequest(DocumentKind.POLICE_TRANSFER, tuple(ids), issued_on=TODAY,
                           addressees=("Công an tỉnh",), include_children_basis=basis)
    with pytest.raises(NotAllowed):
        draft_document(db, officer, request, docx=tmp_path / "x.docx", pdf=tmp_path / "x.pdf")
    with pytest.raises(UserError, match="thư mục dữ liệu"):
        draft_document(db, leader, request, docx=db.paths.exports / "ca.docx",
                       pdf=tmp_path / "ca.pdf")
    assert _register(db, leader) == []
    drafted = draft_document(db, leader, request, docx=tmp_path / "ca.docx",
                             pdf=tmp_path / "ca.pdf")
    assert CHILD in _docx_text(drafted.docx)
    with db.read() as session:
        row = session.execute(select(AuditEntry).where(
            AuditEntry.action == AuditAction.DOCUMENT_SEND)).scalar_one()
    detail = json.loads(row.detail)
    assert row.username == leader.username
    assert detail["children_unmasked"] is True and detail["children_basis"] == basis
    assert detail["recipients"] == "Công an tỉnh" and detail["document_kind"] == "CA"
    assert sorted(detail["codes"]) == sorted(drafted.entry.case_codes)


def test_the_offices_template_drafts_and_a_broken_one_falls_back_on_the_default(
        db: Database, admin: Actor, officer: Actor, tmp_path: Path) -> None:
    from docx import Document

    from app.models import DocumentTemplate
    from app.services import templates

    case_id = _case(db, officer)
    own = tmp_path / "mau-cua-don-vi.docx"
    edited = Document(str(template_path(template_name(DocumentKind.ESCALATION))))
    edited.add_paragraph("Câu riêng của đơn vị.")
    edited.save(str(own))
    templates.replace_template(db, admin, templates.letter_template(DocumentKind.ESCALATION),
                               own)
    warnings: list[str] = []
    request = DraftRequest(DocumentKind.ESCALATION, (case_id,), issued_on=TODAY)
    first = draft_document(db, officer, request, docx=tmp_path / "a.docx",
                           pdf=tmp_path / "a.pdf", warn=warnings.append)
    assert "Câu riêng của đơn vị." in _docx_text(first.docx) and warnings == []
    assert "Câu riêng của đơn vị." in _pdf_text(first.pdf)
    edited.add_paragraph("Hỏng: {{ so_ky_hieu ")
    with db.write() as session:
        stored = session.execute(select(DocumentTemplate)).scalar_one()
        edited.save(str(own))
        stored.content = own.read_bytes()
    second = draft_document(db, officer, request, docx=tmp_path / "b.docx",
                            pdf=tmp_path / "b.pdf", warn=warnings.append)
    assert "Câu riêng" not in _docx_text(second.docx) and second.entry.number == "02/BC-VHXH"
    assert len(warnings) == 1 and "mẫu mặc định" in warnings[0]
