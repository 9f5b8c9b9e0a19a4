"""Drafting the document of a handling step from stored cases (shared/domain/letters.md)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.db import Database
from app.domain import drafting as rules
from app.domain.case import ChildInput
from app.domain.documents import DocumentKind
from app.domain.events import EventInput
from app.domain.labels import PartyKind, SanctionForm, Sex
from app.domain.letters import Letter
from app.domain.office import Issuer
from app.errors import NotAllowed, UserError
from app.services import cases, days_off, events, evidence, settings
from app.services.actor import Actor
from app.services.drafting import DraftRequest, build_letter, draft_defaults, kind_refusal
from app.text import fold
from tests.conftest import TODAY, make_case

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


def test_a_decision_states_the_amount_in_words_and_is_the_committees(
        db: Database, officer: Actor) -> None:
    case_id = _case(db, officer, offender_kind=PartyKind.PERSON, offender_name="Trần Văn Bình",
                    offender_birth_year=1990)
    _event(db, officer, case_id, EventInput("BB", date(2026, 10, 7)))
    decision = _event(db, officer, case_id, EventInput(
        "XP", date(2026, 10, 8), sanction_form=SanctionForm.FINE, fine_amount=7_500_000,
        remedies="Buộc gỡ bỏ thông tin sai sự thật"))
    letter = build_letter(db, officer, DraftRequest(DocumentKind.DECISION, (case_id,), decision,
                                                    issued_on=TODAY))
    [case] = letter.cases
    assert case.sanction == "Phạt tiền 7.500.000 đồng (Bảy triệu năm trăm nghìn đồng)"
    assert case.remedies == ("Buộc gỡ bỏ thông tin sai sự thật",)
    assert case.offender == "Trần Văn Bình, sinh năm 1990"
    assert letter.issuer == settings.load_office(db).issuer_details(Issuer.COMMITTEE)
    assert letter.issuer.signer_lines[0] == "TM. ỦY BAN NHÂN DÂN"
    assert letter.deadline is None
    assert letter.details["han_thi_hanh"] == "10 ngày kể từ ngày nhận được Quyết định này"
    assert letter.addressees == ("Trần Văn Bình, sinh năm 1990",)


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
