"""The act's date: when the content was posted, and until when it stayed up. Provisions,
fine ranges, the limitation and the offender's age are taken on it; the detection date stands
in only while it is unknown, and the program says so (shared/domain/letters.md, "Deadlines";
shared/domain/legal-basis.md)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.db import Database
from app.domain.case import ActDate, CaseInput, act_ended_on, validate_case
from app.domain.deadlines import limitation_date
from app.domain.events import EventInput
from app.domain.labels import Attention, SanctionForm
from app.domain.periods import Period
from app.domain.warnings import CaseWarning, WarningKind
from app.errors import ValidationError
from app.importing.template import builtin_vocabulary
from app.models import Case
from app.services import case_sheet, cases, exporting, legal_basis
from app.services.actor import Actor
from app.services.case_warnings import warnings_for
from app.services.report_figures import compute_figures
from app.services.search import CaseQuery, search_case_ids
from tests.conftest import TODAY, make_case

POSTED = date(2026, 6, 20)  # under NĐ 15/2020, which ended on 30/06/2026
DETECTED = date(2026, 7, 5)  # under NĐ 174/2026, in force from 01/07/2026
ND15_1A = "Điểm a Khoản 1 Điều 101 NĐ 15/2020/NĐ-CP (sửa đổi bởi NĐ 14/2022/NĐ-CP)"
STAND_IN = "chưa ghi ngày đăng tải: tạm tính theo ngày phát hiện"


# --- The rule.

def test_the_act_ended_when_the_content_stopped_else_when_it_was_posted() -> None:
    assert act_ended_on(DETECTED, POSTED, date(2026, 7, 10)) == ActDate(date(2026, 7, 10),
                                                                        "posted_until")
    assert act_ended_on(DETECTED, None, date(2026, 6, 25)) == ActDate(date(2026, 6, 25),
                                                                      "posted_until")
    only_posted = act_ended_on(DETECTED, POSTED, None)
    assert only_posted == ActDate(POSTED, "posted_on") and not only_posted.stand_in
    assert only_posted.shown == "20/06/2026 (ngày đăng tải)"
    assert act_ended_on(DETECTED, None, date(2026, 7, 10)).shown == (
        "10/07/2026 (ngày kết thúc đăng tải)")


def test_the_detection_date_stands_in_only_while_both_are_unknown_and_says_so() -> None:
    act = act_ended_on(DETECTED, None, None)
    assert act == ActDate(DETECTED, "detected_on") and act.stand_in
    assert act.shown == f"05/07/2026 ({STAND_IN})"
    assert make_case(detected_on=DETECTED).act_date == act
    assert CaseInput(None, None, None, None, None, posted_on=POSTED).act_date is None


# --- What a case may record.

def _problems(**changes: object) -> dict[str, str]:
    data = make_case(**{"detected_on": DETECTED, **changes}).normalised()
    return {p.field: p.message for p in validate_case(data, builtin_vocabulary(), TODAY)}


def test_content_is_posted_before_it_is_found() -> None:
    assert _problems(posted_on=DETECTED) == {}
    assert _problems(posted_on=date(2026, 7, 6)) == {"posted_on": (
        "«Ngày đăng tải» 06/07/2026 sau «Ngày phát hiện» 05/07/2026: thông tin chỉ được phát "
        "hiện sau khi đăng; hãy kiểm tra lại hai ngày này.")}


def test_it_stays_up_from_its_posting_on_and_may_stay_after_it_is_found() -> None:
    assert _problems(posted_on=POSTED, posted_until=POSTED) == {}
    assert _problems(posted_on=POSTED, posted_until=date(2026, 8, 1)) == {}
    assert _problems(posted_until=date(2026, 6, 1)) == {}  # the posting day unknown
    assert _problems(posted_on=POSTED, posted_until=date(2026, 6, 19)) == {"posted_until": (
        "«Ngày kết thúc đăng tải» 19/06/2026 trước «Ngày đăng tải» 20/06/2026: cần một ngày "
        "từ ngày đăng tải trở về sau (để trống khi không rõ).")}


def test_posting_dates_are_not_in_the_future_nor_before_1900() -> None:
    after = date(2026, 11, 21)
    assert "tương lai" in _problems(posted_until=after)["posted_until"]
    assert "tương lai" in _problems(detected_on=after, posted_on=after)["posted_on"]
    assert "trước năm 1900" in _problems(posted_on=date(1899, 12, 31))["posted_on"]


def test_the_stored_act_date_follows_every_edit(db: Database, officer: Actor) -> None:
    created = cases.create_case(db, officer, make_case(detected_on=DETECTED), today=TODAY)
    stored: list[date | None] = []
    for posted_on, posted_until in ((None, None), (POSTED, None), (POSTED, date(2026, 7, 9))):
        detail = cases.get_case(db, officer, created.id)
        cases.update_case(db, officer, created.id,
                          dataclasses.replace(detail.data, posted_on=posted_on,
                                              posted_until=posted_until),
                          expected_version=detail.version, today=TODAY)
        with db.read() as session:
            stored.append(session.get(Case, created.id).act_on)  # type: ignore[union-attr]
    assert stored == [DETECTED, POSTED, date(2026, 7, 9)]


# --- THE scenario: a post of 20/06/2026 found on 05/07/2026.

def _warnings(db: Database, draft: CaseInput, found: list[EventInput],
              today: date = TODAY) -> list[CaseWarning]:
    return warnings_for(db, draft, case_id=None, events=found, today=today)


def _decision(*provisions: int) -> EventInput:
    return EventInput("XP", date(2026, 7, 20), sanction_form=SanctionForm.WARNING,
                      legal_basis_ids=provisions)


def test_a_post_of_20_06_found_on_05_07_is_judged_under_nd_15_2020(
        db: Database, officer: Actor) -> None:
    draft = make_case(detected_on=DETECTED, posted_on=POSTED)
    act = draft.act_date
    assert act is not None and act.day == POSTED
    proposed = [p.citation for p in legal_basis.proposals(db, act.day, draft.group_code)]
    assert proposed[0] == ND15_1A
    assert not [c for c in proposed if "NĐ 174/2026" in c]
    nd15 = next(p.id for p in legal_basis.all_provisions(db) if p.citation == ND15_1A)
    assert _of(WarningKind.PROVISION_NOT_IN_FORCE, _warnings(db, draft, [_decision(nd15)])) == []
    # The limitation runs from the posting: the last day is 20/06/2027, not 05/07/2027.
    assert limitation_date(act.day) == date(2027, 6, 20)
    [warning] = _of(WarningKind.LIMITATION, _warnings(db, draft, [], today=date(2027, 6, 1)))
    assert warning.message == (
        "Thời hiệu xử phạt hết ngày 20/06/2027 (1 năm từ ngày hành vi kết thúc 20/06/2026 "
        "(ngày đăng tải)), còn 19 ngày. Cần ra quyết định xử phạt trước ngày đó.")
    assert warning.field == "posted_on"
    # The needs-action list counts from it too.
    created = cases.create_case(db, officer, draft, today=TODAY)
    near = CaseQuery(attention=Attention.LIMITATION_NEAR)
    assert search_case_ids(db, near, today=date(2027, 5, 21)) == [created.id]
    assert search_case_ids(db, near, today=date(2027, 5, 20)) == []


def test_the_same_post_with_no_posting_date_is_judged_on_the_detection_date_and_says_so(
        db: Database, officer: Actor) -> None:
    draft = make_case(detected_on=DETECTED)
    act = draft.act_date
    assert act is not None and act.stand_in
    proposed = [p.citation for p in legal_basis.proposals(db, act.day, draft.group_code)]
    assert proposed[0] == "Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP"
    assert ND15_1A not in proposed
    nd15 = next(p.id for p in legal_basis.all_provisions(db) if p.citation == ND15_1A)
    [warning] = _of(WarningKind.PROVISION_NOT_IN_FORCE, _warnings(db, draft, [_decision(nd15)]))
    assert warning.message == (
        f"{ND15_1A} đã hết hiệu lực sau ngày 30/06/2026, còn hành vi kết thúc ngày 05/07/2026 "
        f"({STAND_IN}). Hành vi được xử lý theo quy định có hiệu lực khi hành vi kết thúc: hãy "
        "ghi ngày đăng tải của thông tin rồi kiểm tra lại căn cứ đã chọn.")
    [limitation] = _of(WarningKind.LIMITATION, _warnings(db, draft, [], today=date(2027, 6, 20)))
    assert f"(1 năm từ ngày hành vi kết thúc 05/07/2026 ({STAND_IN}); có thể hết sớm hơn" in (
        limitation.message)
    assert limitation.field == "detected_on"
    created = cases.create_case(db, officer, draft, today=TODAY)
    near = CaseQuery(attention=Attention.LIMITATION_NEAR)
    assert search_case_ids(db, near, today=date(2027, 6, 5)) == [created.id]
    assert search_case_ids(db, near, today=date(2027, 6, 4)) == []


@pytest.mark.parametrize(
    ("posted_on", "words"),
    [
        # Born 25/06/2010: 15 when the content went up, 16 when it was found.
        (POSTED, "Đối tượng 15 tuổi vào ngày vi phạm 20/06/2026 (ngày đăng tải): người từ "
                 "đủ 14 đến dưới 16 tuổi chỉ bị phạt cảnh cáo"),
        (None, f"Đối tượng 16 tuổi vào ngày vi phạm 05/07/2026 ({STAND_IN}): người từ đủ 16 "
               "đến dưới 18 tuổi"),
    ],
)
def test_the_offenders_age_is_taken_on_the_act_date(db: Database, posted_on: date | None,
                                                     words: str) -> None:
    draft = make_case(detected_on=DETECTED, posted_on=posted_on, offender_name="Lê Văn Tám",
                      offender_birth_date=date(2010, 6, 25))
    [warning] = _of(WarningKind.MINOR, _warnings(db, draft, []))
    assert warning.message.startswith(words)


def _of(kind: WarningKind, found: list[CaseWarning]) -> list[CaseWarning]:
    return [w for w in found if w.kind is kind]


def test_an_offender_under_16_at_the_act_is_protected_though_16_when_found(
        db: Database, officer: Actor, admin: Actor) -> None:
    """Born 25/06/2010: 15 when the content went up, 16 when it was found. Every output
    takes the age on the act's date, so the name leaves the office nowhere."""
    name = "Lê Văn Tám"
    detail = cases.create_case(db, officer, make_case(
        detected_on=DETECTED, posted_on=POSTED, offender_name=name,
        offender_birth_date=date(2010, 6, 25), summary=f"{name} đăng clip."), today=TODAY)
    [line] = compute_figures(db, Period.month(2026, 7)).cases
    assert line.offender == "L.V.T., 15 tuổi"
    assert name not in line.summary
    sheet = case_sheet.build_sheet(detail, builtin_vocabulary(), {}, officer)
    assert "L.V.T., 15 tuổi" in [fact.value for fact in sheet.offender]
    with pytest.raises(ValidationError, match="mật khẩu"):  # the full export must be encrypted
        exporting.check_export(db, admin)
