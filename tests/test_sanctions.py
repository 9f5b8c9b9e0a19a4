"""The sanction path of the Luật Xử lý vi phạm hành chính: each rule with the case that breaks
it (app.domain.sanctions), refused by the services, listed by "chốt số liệu", followed in
the "needs action" lists."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from app.db import Database
from app.domain.events import EventFact, EventInput
from app.domain.labels import (
    Attention,
    ClosingResult,
    DayUnit,
    DecisionTime,
    PartyKind,
    SanctionForm,
)
from app.domain.office import OfficeSettings
from app.domain.periods import Period
from app.domain.report import ReportText
from app.domain.sanctions import (
    DecisionFollowUp,
    Offender,
    RecordClock,
    RecordedDecision,
    case_problems,
    compliance_deadline,
    compliance_overdue,
    decision_deadline,
    decision_overdue_message,
    follow_up_problems,
    sanction_problems,
)
from app.domain.workdays import WorkCalendar
from app.errors import UserError, ValidationError
from app.services import cases, days_off, events, legal_basis, report_register, settings
from app.services.actor import Actor
from app.services.demo import demo_office
from app.services.records import CaseDetail
from app.services.search import CaseQuery, search_case_ids
from tests.conftest import TODAY, make_case

# The public holidays and weekends only: no day announced.
CALENDAR = WorkCalendar()

ACT = date(2026, 10, 5)
ADULT = Offender(identified=True)
UNKNOWN = Offender(identified=False)
RECORD = EventFact(1, "BB", date(2026, 10, 6))
DAY = timedelta(days=1)
# Điểm a Khoản 1 Điều 95 NĐ 174/2026: 10–15 million for a person (half the stated range).
ND174 = "Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP"


def _fine(amount: int, day: date = date(2026, 10, 8), *ids: int) -> EventInput:
    return EventInput("XP", day, sanction_form=SanctionForm.FINE, fine_amount=amount,
                      legal_basis_ids=ids)


WARNING = EventInput("XP", date(2026, 10, 8), sanction_form=SanctionForm.WARNING)


def _check(new: EventInput, offender: Offender = ADULT,
           existing: tuple[EventFact, ...] = (RECORD,),
           adult_maximum: int | None = 15_000_000) -> list[str]:
    return [p.message for p in sanction_problems(new, offender=offender, act_on=ACT,
                                                 existing=existing,
                                                 adult_maximum=adult_maximum)]


def _born(years_before_act: int, **changes: object) -> Offender:
    return Offender(True, birth_date=ACT.replace(year=ACT.year - years_before_act), **changes)


# --- the rules, each with the case that breaks it ----------------------------------------


def test_a_lawful_fine_and_a_lawful_warning_pass() -> None:
    assert _check(_fine(10_000_000)) == []
    assert _check(WARNING, existing=()) == []  # a warning needs no biên bản (Điều 56)


def test_no_decision_without_an_identified_offender() -> None:
    for decision in (_fine(10_000_000), WARNING):
        [message] = _check(decision, UNKNOWN)
        assert "Chưa xác định được đối tượng" in message and "Điều 65" in message


def test_no_fine_without_a_record_dated_on_or_before_it() -> None:
    [message] = _check(_fine(10_000_000), existing=())
    assert "cần biên bản" in message and "Điều 56" in message
    late_record = EventFact(1, "BB", date(2026, 10, 9))
    assert _check(_fine(10_000_000), existing=(late_record,)) == [message]
    voided = EventFact(1, "BB", date(2026, 10, 6), voided=True)
    assert _check(_fine(10_000_000), existing=(voided,)) == [message]
    # The simplified procedure: up to 250.000 đồng for a person, 500.000 for an organisation.
    assert _check(_fine(250_000), existing=()) == []
    assert _check(_fine(300_000), existing=()) != []
    assert _check(_fine(500_000), Offender(True, PartyKind.ORGANISATION), existing=()) == []


def test_one_decision_per_act() -> None:
    decided = EventFact(2, "XP", date(2026, 10, 7))
    [message] = _check(_fine(10_000_000), existing=(RECORD, decided))
    assert "một lần" in message and "Sửa quyết định" in message
    # The decision itself, being replaced, and a voided one do not count.
    assert sanction_problems(_fine(12_000_000), offender=ADULT, act_on=ACT,
                             existing=(RECORD, decided), adult_maximum=None,
                             replacing=2) == []
    assert _check(_fine(10_000_000), existing=(RECORD, EventFact(2, "XP", ACT, True))) == []


def test_under_fourteen_no_sanction_at_all() -> None:
    [message] = _check(WARNING, _born(13))
    assert "dưới 14 tuổi không bị xử phạt" in message
    assert _check(WARNING, _born(14)) == []


def test_fourteen_to_sixteen_a_warning_only() -> None:
    [message] = _check(_fine(1_000_000), _born(15))
    assert "chỉ bị phạt cảnh cáo" in message
    assert _check(WARNING, _born(15)) == []


def test_sixteen_to_eighteen_at_most_half_the_adult_maximum() -> None:
    assert _check(_fine(7_500_000), _born(17)) == []
    [message] = _check(_fine(7_500_001), _born(17))
    assert "7.500.000 đồng" in message and "1/2" in message
    assert _check(_fine(15_000_000), _born(18)) == []
    # No range among the chosen provisions: nothing to halve.
    assert _check(_fine(15_000_000), _born(17), adult_maximum=None) == []
    # An organisation has no age.
    assert _check(_fine(15_000_000), Offender(True, PartyKind.ORGANISATION,
                                              birth_year=2012)) == []


def test_age_with_only_the_birth_year_is_the_younger_possible_one() -> None:
    # Born in 2012: 14 on 31/12/2026 at the latest, so 13 on 05/10/2026.
    [message] = _check(WARNING, Offender(True, birth_year=2012))
    assert "13 tuổi" in message and "chỉ biết năm sinh" in message


def test_closing_as_unidentified_only_while_the_offender_is_unidentified() -> None:
    closing = EventInput("KT", ACT, closing_result=ClosingResult.UNIDENTIFIED)
    assert _check(closing, UNKNOWN) == []
    [message] = _check(closing, ADULT)
    assert "Không xác định được đối tượng" in message


def test_a_case_lists_each_broken_rule_once() -> None:
    first = RecordedDecision(EventFact(1, "XP", date(2026, 10, 6)), _fine(10_000_000))
    second = RecordedDecision(EventFact(2, "XP", date(2026, 10, 7)), _fine(9_000_000))
    found = [p.message for p in case_problems([first, second], offender=ADULT, act_on=ACT)]
    # No biên bản for either fine (each its own date), one decision too many said once.
    assert len(found) == 3 and sum("một lần" in m for m in found) == 1
    assert case_problems([first], offender=ADULT, act_on=ACT) != []
    assert case_problems([RecordedDecision(EventFact(1, "XP", ACT, voided=True),
                                           _fine(1))], offender=ADULT, act_on=ACT) == []


# --- the clocks -----------------------------------------------------------------------------


def test_decision_deadline_from_the_record_in_working_days_as_the_law_reads() -> None:
    office = OfficeSettings()
    recorded = date(2026, 10, 1)  # a Thursday
    # 07 ngày làm việc (Điều 66 as amended in 2020): the weekends 3-4 and 10-11 skipped.
    assert decision_deadline(recorded, None, office, CALENDAR) == date(2026, 10, 12)
    # The longer times are "01 tháng": calendar days.
    assert decision_deadline(recorded, DecisionTime.EXPLANATION, office, CALENDAR) == date(
        2026, 10, 31)
    assert decision_deadline(recorded, DecisionTime.EXTENDED, office, CALENDAR) == date(
        2026, 11, 30)
    assert decision_deadline(recorded, None, OfficeSettings(decision_days=10),
                             CALENDAR) == date(2026, 10, 15)
    assert decision_overdue_message(RecordClock(recorded, None, False), office,
                                    date(2026, 10, 12), CALENDAR) is None
    message = decision_overdue_message(RecordClock(recorded, None, False), office,
                                       date(2026, 10, 13), CALENDAR)
    assert message is not None and "12/10/2026" in message and "Điều 66" in message
    assert "07 ngày làm việc" in message
    assert decision_overdue_message(RecordClock(recorded, None, True), office,
                                    date(2026, 12, 1), CALENDAR) is None


def test_the_offices_unit_switches_the_decision_deadline_to_calendar_days() -> None:
    office = OfficeSettings(decision_day_unit=DayUnit.CALENDAR)
    recorded = date(2026, 10, 1)
    assert decision_deadline(recorded, None, office, CALENDAR) == date(2026, 10, 8)
    assert decision_deadline(recorded, None, dataclasses.replace(office, decision_days=10),
                             CALENDAR) == date(2026, 10, 11)
    message = decision_overdue_message(RecordClock(recorded, None, False), office,
                                       date(2026, 10, 9), CALENDAR)
    assert message is not None and "08/10/2026: 07 ngày," in message


def test_compliance_ten_days_from_delivery_then_overdue_until_paid_or_enforced() -> None:
    fine = _fine(10_000_000)
    delivered = DecisionFollowUp(delivered_on=date(2026, 10, 9))
    assert compliance_deadline(date(2026, 10, 9)) == date(2026, 10, 19)
    assert not compliance_overdue(fine, delivered, date(2026, 10, 19))
    assert compliance_overdue(fine, delivered, date(2026, 10, 20))
    paid = DecisionFollowUp(date(2026, 10, 9), date(2026, 10, 25), 10_000_000, "0001234")
    assert not compliance_overdue(fine, paid, date(2026, 11, 1))
    assert not compliance_overdue(WARNING, delivered, date(2026, 11, 1))
    assert not compliance_overdue(fine, DecisionFollowUp(), date(2027, 1, 1))


@pytest.mark.parametrize(
    ("follow", "decision", "words"),
    [
        (DecisionFollowUp(delivered_on=date(2026, 10, 7)), None, "trước ngày quyết định"),
        (DecisionFollowUp(delivered_on=date(2026, 11, 21)), None, "tương lai"),
        (DecisionFollowUp(paid_on=date(2026, 10, 9)), None, "cần đủ ngày nộp"),
        (DecisionFollowUp(paid_on=date(2026, 10, 9), paid_amount=0, receipt_number="1"), None,
         "lớn hơn 0"),
        (DecisionFollowUp(paid_on=date(2026, 10, 9), paid_amount=1, receipt_number="1"),
         WARNING, "cảnh cáo không có tiền"),
        (DecisionFollowUp(enforced_on=date(2026, 10, 20)), None, "sau khi giao"),
        (DecisionFollowUp(delivered_on=date(2026, 10, 9), enforced_on=date(2026, 10, 19)),
         None, "hết thời hạn chấp hành"),
        (DecisionFollowUp(enforcement_note="Khấu trừ lương"), None, "ngày cưỡng chế"),
    ],
)
def test_follow_up_rules(follow: DecisionFollowUp, decision: EventInput | None,
                         words: str) -> None:
    found = follow_up_problems(follow, decision=decision or _fine(10_000_000), today=TODAY)
    assert any(words in p.message for p in found), found


def test_a_full_follow_up_passes() -> None:
    follow = DecisionFollowUp(date(2026, 10, 9), date(2026, 10, 15), 10_000_000, "BL 0001234",
                              None, None)
    assert follow_up_problems(follow, decision=_fine(10_000_000), today=TODAY) == []
    enforced = DecisionFollowUp(date(2026, 10, 9), None, None, None, date(2026, 10, 20),
                                "Khấu trừ một phần lương")
    assert follow_up_problems(enforced, decision=_fine(10_000_000), today=TODAY) == []


# --- the services refuse what the rules refuse ------------------------------------------------


@pytest.fixture
def provision(db: Database) -> int:
    return next(p.id for p in legal_basis.all_provisions(db) if p.citation == ND174)


def _case(db: Database, officer: Actor, **changes: object) -> CaseDetail:
    values: dict[str, object] = {"detected_on": ACT, "offender_name": "Trần Văn Bình"}
    values.update(changes)
    return cases.create_case(db, officer, make_case(**values), today=TODAY)


def _add(db: Database, actor: Actor, case: CaseDetail, event: EventInput) -> CaseDetail:
    return events.add_event(db, actor, case.id, event, today=TODAY)


def test_add_event_refuses_a_decision_on_an_unidentified_offender(
        db: Database, officer: Actor) -> None:
    case = _case(db, officer, offender_name=None)
    with pytest.raises(ValidationError, match="Chưa xác định được đối tượng"):
        _add(db, officer, case, WARNING)
    assert cases.get_case(db, officer, case.id).events == ()
    closed = _add(db, officer, case, EventInput("KT", date(2026, 10, 9),
                                                closing_result=ClosingResult.UNIDENTIFIED))
    assert closed.closed_on == date(2026, 10, 9)


def test_add_event_refuses_a_fine_without_a_record(db: Database, officer: Actor) -> None:
    case = _case(db, officer)
    with pytest.raises(ValidationError, match="cần biên bản"):
        _add(db, officer, case, _fine(10_000_000))
    case = _add(db, officer, case, EventInput("BB", date(2026, 10, 6)))
    assert _add(db, officer, case, _fine(10_000_000)).events[-1].fine_amount == 10_000_000


def test_add_event_refuses_a_second_decision_and_correcting_voids_the_first(
        db: Database, officer: Actor) -> None:
    case = _add(db, officer, _case(db, officer), EventInput("BB", date(2026, 10, 6)))
    case = _add(db, officer, case, _fine(10_000_000))
    with pytest.raises(ValidationError, match="một lần"):
        _add(db, officer, case, WARNING)
    old = case.events[-1]
    # Editing the decision in the register is not a second decision.
    events.edit_event(db, officer, old.id, _fine(11_000_000), today=TODAY)
    with pytest.raises(UserError, match="Cần ghi lý do"):
        events.correct_decision(db, officer, old.id, _fine(12_000_000), " ", today=TODAY)
    corrected = events.correct_decision(db, officer, old.id, _fine(12_000_000),
                                        "Sai số tiền", today=TODAY)
    decisions = [e for e in corrected.events if e.kind == "XP"]
    assert [(e.fine_amount, e.voided, e.void_reason) for e in decisions] == [
        (11_000_000, True, "Sai số tiền"), (12_000_000, False, None)]
    # A corrected decision breaking a rule leaves the old one as it was.
    with pytest.raises(ValidationError, match="cần biên bản"):
        events.correct_decision(db, officer, decisions[1].id, _fine(9_000_000, ACT), "Ngày",
                                today=TODAY)
    assert [e.voided for e in cases.get_case(db, officer, case.id).events
            if e.kind == "XP"] == [True, False]


def test_add_event_refuses_what_the_offenders_age_rules_out(
        db: Database, officer: Actor, provision: int) -> None:
    young = _case(db, officer, offender_birth_date=date(2012, 12, 1))  # 13 at the act
    with pytest.raises(ValidationError, match="dưới 14 tuổi"):
        _add(db, officer, young, WARNING)
    fifteen = _add(db, officer, _case(db, officer, offender_birth_date=date(2011, 1, 1)),
                   EventInput("BB", date(2026, 10, 6)))
    with pytest.raises(ValidationError, match="chỉ bị phạt cảnh cáo"):
        _add(db, officer, fifteen, _fine(5_000_000))
    seventeen = _add(db, officer, _case(db, officer, offender_birth_date=date(2009, 1, 1)),
                     EventInput("BB", date(2026, 10, 6)))
    with pytest.raises(ValidationError, match="1/2"):
        _add(db, officer, seventeen, _fine(7_600_000, date(2026, 10, 8), provision))
    assert _add(db, officer, seventeen, _fine(7_500_000, date(2026, 10, 8), provision))


def test_add_event_refuses_closing_as_unidentified_with_a_name(db: Database,
                                                              officer: Actor) -> None:
    with pytest.raises(ValidationError, match="đã ghi họ tên"):
        _add(db, officer, _case(db, officer), EventInput(
            "KT", date(2026, 10, 9), closing_result=ClosingResult.UNIDENTIFIED))


def test_follow_up_is_recorded_on_the_decision_and_audited(db: Database,
                                                           officer: Actor) -> None:
    case = _add(db, officer, _case(db, officer), EventInput("BB", date(2026, 10, 6)))
    decision = _add(db, officer, case, _fine(10_000_000)).events[-1]
    with pytest.raises(ValidationError, match="cần đủ ngày nộp"):
        events.record_follow_up(db, officer, decision.id,
                                DecisionFollowUp(paid_on=date(2026, 10, 9)), today=TODAY)
    follow = DecisionFollowUp(date(2026, 10, 9), date(2026, 10, 15), 10_000_000, " BL 01 ")
    recorded = events.record_follow_up(db, officer, decision.id, follow, today=TODAY)
    assert recorded.events[-1].follow_up == DecisionFollowUp(
        date(2026, 10, 9), date(2026, 10, 15), 10_000_000, "BL 01")
    with pytest.raises(UserError, match="Chỉ ghi việc giao"):
        events.record_follow_up(db, officer, case.events[0].id, follow, today=TODAY)


# --- needs action ------------------------------------------------------------------------------


def _attention(db: Database, kind: Attention, today: date) -> set[int]:
    return set(search_case_ids(db, CaseQuery(attention=kind), today=today))


def test_a_record_without_a_decision_by_its_deadline_needs_action(
        db: Database, officer: Actor, admin: Actor) -> None:
    waiting = _add(db, officer, _case(db, officer), EventInput("BB", date(2026, 10, 6)))
    longer = _add(db, officer, _case(db, officer), EventInput(
        "BB", date(2026, 10, 6), decision_time=DecisionTime.EXPLANATION))
    decided = _add(db, officer, _case(db, officer), EventInput("BB", date(2026, 10, 6)))
    _add(db, officer, decided, WARNING)
    # Recorded on Tuesday 06/10/2026: 07 working days end on Thursday 15/10.
    assert _attention(db, Attention.DECISION_OVERDUE, date(2026, 10, 15)) == set()
    assert _attention(db, Attention.DECISION_OVERDUE, date(2026, 10, 16)) == {waiting.id}
    assert _attention(db, Attention.DECISION_OVERDUE, date(2026, 11, 6)) == {
        waiting.id, longer.id}
    office = settings.load_office(db)
    settings.save_office(db, admin, dataclasses.replace(office, decision_days=10))
    assert _attention(db, Attention.DECISION_OVERDUE, date(2026, 10, 20)) == set()
    assert _attention(db, Attention.DECISION_OVERDUE, date(2026, 10, 21)) == {waiting.id}
    # In calendar days, as the office may set it: 7 days end on 13/10.
    settings.save_office(db, admin, dataclasses.replace(
        office, decision_day_unit=DayUnit.CALENDAR))
    assert _attention(db, Attention.DECISION_OVERDUE, date(2026, 10, 13)) == set()
    assert _attention(db, Attention.DECISION_OVERDUE, date(2026, 10, 14)) == {waiting.id}
    # An extra day off the government announced pushes the working-day deadline.
    settings.save_office(db, admin, office)
    days_off.add_announced_day(db, admin, date(2026, 10, 9), working=False)
    assert _attention(db, Attention.DECISION_OVERDUE, date(2026, 10, 16)) == set()
    assert _attention(db, Attention.DECISION_OVERDUE, date(2026, 10, 19)) == {waiting.id}


def test_a_fine_past_its_time_to_comply_needs_action_until_paid(
        db: Database, officer: Actor) -> None:
    case = _add(db, officer, _case(db, officer), EventInput("BB", date(2026, 10, 6)))
    decision = _add(db, officer, case, _fine(10_000_000)).events[-1]
    assert _attention(db, Attention.COMPLIANCE_OVERDUE, TODAY) == set()  # not delivered
    events.record_follow_up(db, officer, decision.id,
                            DecisionFollowUp(delivered_on=date(2026, 10, 9)), today=TODAY)
    assert _attention(db, Attention.COMPLIANCE_OVERDUE, date(2026, 10, 19)) == set()
    assert _attention(db, Attention.COMPLIANCE_OVERDUE, date(2026, 10, 20)) == {case.id}
    events.record_follow_up(db, officer, decision.id, DecisionFollowUp(
        date(2026, 10, 9), date(2026, 10, 25), 10_000_000, "BL 01"), today=TODAY)
    assert _attention(db, Attention.COMPLIANCE_OVERDUE, TODAY) == set()


# --- "chốt số liệu" --------------------------------------------------------------------------

OCTOBER = Period.month(2026, 10)
TEXT = ReportText("12", date(2026, 11, 3), "Báo cáo.")


def test_freezing_refuses_a_period_with_unlawful_sanctions_and_lists_them(
        db: Database, admin: Actor, officer: Actor, leader: Actor) -> None:
    settings.save_office(db, admin, demo_office())
    lawful = _add(db, officer, _case(db, officer), EventInput("BB", date(2026, 10, 6)))
    _add(db, officer, lawful, _fine(10_000_000))
    # Recorded before the rules, straight in the database: never refused on reading.
    broken = _case(db, officer, offender_name=None)
    no_record = _case(db, officer)
    from app.models import Event

    with db.write() as session:
        for case_id in (broken.id, no_record.id):
            session.add(Event(case_id=case_id, kind="XP", occurred_on=date(2026, 10, 8),
                              officer="canbo", sanction_form="Phạt tiền",
                              fine_amount=10_000_000))
    assert len(cases.get_case(db, officer, broken.id).events) == 1
    with pytest.raises(report_register.SanctionPathBreaches) as refused:
        report_register.send_report(db, leader, OCTOBER, TEXT)
    breaches = {b.code: b.problems for b in refused.value.breaches}
    assert set(breaches) == {broken.code, no_record.code}
    assert any("Chưa xác định được đối tượng" in p for p in breaches[broken.code])
    assert any("cần biên bản" in p for p in breaches[no_record.code])
    assert broken.code in refused.value.message and "Chưa chốt số liệu" in refused.value.message
    assert report_register.list_sent_reports(db, leader) == []
    # Another period is not concerned; once corrected, the period is frozen.
    report_register.send_report(db, leader, Period.month(2026, 9), ReportText(
        "11", TEXT.issue_date, TEXT.narrative))
    for case in (broken, no_record):
        decision = cases.get_case(db, officer, case.id).events[0]
        events.void_event(db, officer, decision.id, "Ghi nhầm")
    assert report_register.send_report(db, leader, OCTOBER, TEXT).version == 1


# --- the migration -------------------------------------------------------------------------------


@pytest.mark.sqlite_only("an older version's SQLite folder")
def test_migration_0011_adds_the_columns_on_an_encrypted_folder_and_keeps_the_data(
        db: Database, officer: Actor, provision: int) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
    from tests.conftest import open_unlocked

    case = _add(db, officer, _case(db, officer), EventInput("BB", date(2026, 10, 6)))
    _add(db, officer, case, _fine(10_000_000, date(2026, 10, 8), provision))
    paths = db.paths
    with db.engine.begin() as conn:  # the SQLCipher engine: as the version before left it
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    assert "paid_on" not in {c["name"] for c in inspect(db.engine).get_columns("events")}
    db.dispose()
    again = open_unlocked(paths)
    try:
        assert current_revision(again.engine) == HEAD_REVISION
        columns = {c["name"] for c in inspect(again.engine).get_columns("events")}
        assert {"addressee", "decision_time", "delivered_on", "paid_on", "paid_amount",
                "receipt_number", "enforced_on", "enforcement_note"} <= columns
        kept = cases.get_case(again, officer, case.id)
        assert [(e.kind, e.fine_amount) for e in kept.events] == [
            ("BB", None), ("XP", 10_000_000)]
        assert kept.events[1].follow_up == DecisionFollowUp()
        # Down and up again, the decision keeps its legal basis.
        assert kept.events[1].legal_basis_ids == (provision,)
        assert list(paths.backups.glob("truoc-nang-cap-0008-*"))
    finally:
        again.dispose()


def test_the_editor_warns_of_a_record_without_a_decision_by_its_deadline(
        db: Database, officer: Actor) -> None:
    from app.domain.warnings import WarningKind
    from app.services.case_warnings import warnings_for

    case = _add(db, officer, _case(db, officer), EventInput("BB", date(2026, 10, 6)))

    def overdue(found: list[EventInput | object], today: date) -> list[str]:
        return [w.message for w in warnings_for(db, case.data, case_id=case.id,
                                                events=found,  # type: ignore[arg-type]
                                                today=today)
                if w.kind is WarningKind.DECISION_OVERDUE]

    # 07 working days from Tuesday 06/10/2026: Thursday 15/10.
    assert overdue(list(case.events), date(2026, 10, 15)) == []
    [message] = overdue(list(case.events), date(2026, 10, 16))
    assert "quá hạn ra quyết định (15/10/2026: 07 ngày làm việc" in message
    longer = [EventInput("BB", date(2026, 10, 6), decision_time=DecisionTime.EXPLANATION)]
    assert overdue(longer, date(2026, 10, 16)) == []  # 30 days then
    assert overdue([*case.events, WARNING], date(2026, 11, 20)) == []
