"""Handling events: the rules of vocabulary.md, derived status, closing and reopening."""

from __future__ import annotations

from datetime import date

import pytest

from app.db import Database
from app.domain.events import EventInput
from app.domain.labels import CaseStatus, ClosingResult, SanctionForm
from app.errors import UserError, ValidationError
from app.services import cases, events
from app.services.actor import Actor
from app.services.records import CaseDetail
from tests.conftest import TODAY, make_case

DETECTED = date(2026, 10, 5)


@pytest.fixture
def case(db: Database, officer: Actor) -> CaseDetail:
    return cases.create_case(db, officer, make_case(detected_on=DETECTED,
                                                    offender_name="Trần Văn Bình"), today=TODAY)


def _add(db: Database, actor: Actor, case: CaseDetail, event: EventInput) -> CaseDetail:
    return events.add_event(db, actor, case.id, event, today=TODAY)


def _close(day: date) -> EventInput:
    return EventInput("KT", day, closing_result=ClosingResult.HANDLED)


def test_status_follows_the_events(db: Database, officer: Actor, case: CaseDetail) -> None:
    assert case.status is CaseStatus.OPEN
    case = _add(db, officer, case, EventInput("YCG", date(2026, 10, 6)))
    assert case.status is CaseStatus.OPEN
    case = _add(db, officer, case, _close(date(2026, 10, 20)))
    assert case.status is CaseStatus.CLOSED
    assert case.closed_on == date(2026, 10, 20)


@pytest.mark.parametrize(
    ("event", "words"),
    [
        (EventInput("GB", date(2026, 11, 21)), "tương lai"),
        (EventInput("GB", date(2026, 10, 4)), "trước ngày phát hiện"),
        (EventInput("GB", None), "Chưa nhập «Ngày»"),
        (EventInput("ZZ", date(2026, 10, 6)), "không có trong danh mục"),
        (EventInput("XP", date(2026, 10, 6)), "Chưa chọn hình thức xử phạt"),
        (EventInput("XP", date(2026, 10, 6), sanction_form=SanctionForm.FINE),
         "Phạt tiền cần ghi"),
        (EventInput("XP", date(2026, 10, 6), sanction_form=SanctionForm.FINE, fine_amount=0),
         "lớn hơn 0"),
        (EventInput("XP", date(2026, 10, 6), sanction_form=SanctionForm.WARNING,
                    fine_amount=5_000_000), "Cảnh cáo không có"),
        (EventInput("GB", date(2026, 10, 6), fine_amount=5_000_000), "Chỉ ghi"),
        (EventInput("KT", date(2026, 10, 6)), "Chưa chọn «Kết quả»"),
        (EventInput("GB", date(2026, 10, 6), closing_result=ClosingResult.HANDLED),
         "Chỉ ghi «Kết quả»"),
    ],
)
def test_event_rules_refuse_bad_events(db: Database, officer: Actor, case: CaseDetail,
                                       event: EventInput, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        _add(db, officer, case, event)
    assert cases.get_case(db, officer, case.id).events == ()


def test_nothing_may_be_dated_after_the_closing(db: Database, officer: Actor,
                                                case: CaseDetail) -> None:
    case = _add(db, officer, case, _close(date(2026, 10, 10)))
    with pytest.raises(ValidationError, match="sau ngày kết thúc"):
        _add(db, officer, case, EventInput("GB", date(2026, 10, 11)))
    # An event done before the closing but recorded late is accepted.
    late = _add(db, officer, case, EventInput("GB", date(2026, 10, 9)))
    assert [e.kind for e in late.events] == ["GB", "KT"]
    with pytest.raises(ValidationError, match="đã kết thúc"):
        _add(db, officer, case, _close(date(2026, 10, 12)))


def test_closing_cannot_precede_another_event(db: Database, officer: Actor,
                                              case: CaseDetail) -> None:
    case = _add(db, officer, case, EventInput("GB", date(2026, 10, 15)))
    with pytest.raises(ValidationError, match="trước một biện pháp khác"):
        _add(db, officer, case, _close(date(2026, 10, 14)))


def test_reopening_keeps_the_old_closing_in_history(db: Database, officer: Actor,
                                                    case: CaseDetail) -> None:
    closed = _add(db, officer, case, _close(date(2026, 10, 10)))
    with pytest.raises(UserError, match="lý do"):
        events.reopen_case(db, officer, case.id, "")
    reopened = events.reopen_case(db, officer, case.id, "Đối tượng đăng lại")
    assert reopened.status is CaseStatus.OPEN
    assert [(e.kind, e.voided) for e in reopened.events] == [("KT", True)]
    # Work goes on after the old closing date, then the case closes again.
    again = _add(db, officer, reopened, EventInput("GB", date(2026, 10, 12)))
    again = _add(db, officer, again, _close(date(2026, 10, 13)))
    assert again.closed_on == date(2026, 10, 13)
    assert closed.version < again.version
    with pytest.raises(UserError, match="đang xử lý"):
        events.reopen_case(db, officer, _add(db, officer, cases.create_case(
            db, officer, make_case(), today=TODAY), EventInput("XM", DETECTED)).id, "x")


def test_edit_event_applies_the_same_rules(db: Database, officer: Actor,
                                           case: CaseDetail) -> None:
    case = _add(db, officer, case, EventInput("BB", date(2026, 10, 7)))
    case = _add(db, officer, case, EventInput(
        "XP", date(2026, 10, 8), document_number="12/QĐ-XPHC",
        sanction_form=SanctionForm.FINE, fine_amount=7_500_000))
    event_id = case.events[1].id
    with pytest.raises(ValidationError, match="Cảnh cáo không có"):
        events.edit_event(db, officer, event_id, EventInput(
            "XP", date(2026, 10, 8), sanction_form=SanctionForm.WARNING, fine_amount=1),
            today=TODAY)
    edited = events.edit_event(db, officer, event_id, EventInput(
        "XP", date(2026, 10, 8), document_number="12/QĐ-XPHC",
        sanction_form=SanctionForm.FINE, fine_amount=10_000_000), today=TODAY)
    assert edited.events[1].fine_amount == 10_000_000


def test_detection_date_cannot_move_after_an_event(db: Database, officer: Actor,
                                                   case: CaseDetail) -> None:
    import dataclasses

    case = _add(db, officer, case, EventInput("GB", date(2026, 10, 7)))
    with pytest.raises(ValidationError, match="sau ngày của một biện pháp"):
        cases.update_case(db, officer, case.id,
                          dataclasses.replace(case.data, detected_on=date(2026, 10, 8)),
                          expected_version=case.version, today=TODAY)


def test_legal_bases_must_exist(db: Database, officer: Actor, case: CaseDetail) -> None:
    with pytest.raises(UserError, match="căn cứ pháp lý"):
        _add(db, officer, case, EventInput("XP", date(2026, 10, 8),
                                           sanction_form=SanctionForm.WARNING,
                                           legal_basis_ids=(99_999,)))
