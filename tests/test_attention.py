"""Cases that need action: limitation near, removal unanswered, stale; lock-request accounts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.db import Database
from app.domain.deadlines import limitation_date
from app.domain.events import EventInput
from app.domain.labels import Attention, ClosingResult
from app.models import Case
from app.services import attention, cases, events
from app.services.actor import Actor
from app.services.search import CaseQuery, search_case_ids
from tests.conftest import TODAY, make_case

DAY = timedelta(days=1)


def _ids(db: Database, kind: Attention | None = None) -> set[int]:
    query = CaseQuery(attention=kind) if kind else CaseQuery(overdue=True)
    return set(search_case_ids(db, query, today=TODAY))


def test_limitation_warning_starts_30_days_before_one_year(db: Database, officer: Actor) -> None:
    warn_from = TODAY - timedelta(days=365) + timedelta(days=30)
    near = cases.create_case(db, officer, make_case(detected_on=warn_from), today=TODAY)
    not_yet = cases.create_case(db, officer, make_case(detected_on=warn_from + DAY), today=TODAY)
    closed = cases.create_case(db, officer, make_case(detected_on=warn_from - DAY), today=TODAY)
    events.add_event(db, officer, closed.id, EventInput(
        "KT", warn_from, closing_result=ClosingResult.HANDLED), today=TODAY)
    assert _ids(db, Attention.LIMITATION_NEAR) == {near.id}
    # With no event for a year it is stale all the same.
    assert not_yet.id in _ids(db, Attention.STALE)
    assert limitation_date(date(2026, 1, 31)) == date(2027, 1, 31)


def test_removal_request_unanswered_after_three_days(db: Database, officer: Actor) -> None:
    asked = TODAY - 3 * DAY
    waiting = cases.create_case(db, officer, make_case(detected_on=asked), today=TODAY)
    events.add_event(db, officer, waiting.id, EventInput("YCG", asked), today=TODAY)
    recent = cases.create_case(db, officer, make_case(detected_on=asked), today=TODAY)
    events.add_event(db, officer, recent.id, EventInput("YCG", asked + DAY), today=TODAY)
    answered = cases.create_case(db, officer, make_case(detected_on=asked), today=TODAY)
    events.add_event(db, officer, answered.id, EventInput("YCG", asked), today=TODAY)
    events.add_event(db, officer, answered.id, EventInput("GB", asked + DAY), today=TODAY)
    assert _ids(db, Attention.REMOVAL_UNANSWERED) == {waiting.id}


def test_stale_case_has_no_event_for_thirty_days(db: Database, officer: Actor) -> None:
    old = TODAY - 30 * DAY
    stale = cases.create_case(db, officer, make_case(detected_on=old - 10 * DAY), today=TODAY)
    events.add_event(db, officer, stale.id, EventInput("XM", old), today=TODAY)
    active = cases.create_case(db, officer, make_case(detected_on=old - 10 * DAY), today=TODAY)
    events.add_event(db, officer, active.id, EventInput("XM", old + DAY), today=TODAY)
    assert _ids(db, Attention.STALE) == {stale.id}
    assert _ids(db) == {stale.id}


def test_accounts_over_the_lock_request_threshold(db: Database, officer: Actor) -> None:
    for offset in range(5):
        cases.create_case(db, officer, make_case(account="Trang Hóng Biến",
                                                 detected_on=TODAY - offset * 7 * DAY),
                          today=TODAY)
    for offset in range(4):
        cases.create_case(db, officer, make_case(account="Chợ Quê",
                                                 detected_on=TODAY - offset * DAY), today=TODAY)
    with db.read() as session:
        found = attention.accounts_over_lock_threshold(session, TODAY)
    # 5 cases within 29 days: over the 30-day threshold; 4 cases: not yet.
    assert [(a.account, a.cases_30_days, a.cases_90_days) for a in found] == [
        ("Trang Hóng Biến", 5, 5)]


def test_lock_request_accounts_count_live_cases_of_each_window(db: Database, officer: Actor,
                                                                leader: Actor) -> None:
    def record(account: str, *days_ago: int) -> list[int]:
        return [cases.create_case(db, officer, make_case(account=account,
                                                         detected_on=TODAY - n * DAY),
                                  today=TODAY).id for n in days_ago]

    # 5 cases in the 30 days, 6 more in the 90 (the 90th day ago is the window's first),
    # one deleted, one the day before the window, spelt so that it would be the name.
    record("Trang Hóng Biến", 0, 7, 14, 21, 29, 30, 40, 50, 60, 70, 89)
    cases.delete_case(db, leader, record("Trang Hóng Biến", 3)[0], "trùng")
    record("TRANG HÓNG BIẾN", 90)
    record("Chợ Quê", *range(30, 90, 6))  # 10 cases, none in the 30 days
    record("Góc Phố", 0, 1, 2, 3, 40, 41, 42, 43, 95)  # 4 and 8: under both thresholds
    with db.read() as session:
        found = attention.accounts_over_lock_threshold(session, TODAY)
        one_by_one = [attention.account_lock_counts(session, a.account, TODAY) for a in found]
    assert [(a.account, a.cases_30_days, a.cases_90_days) for a in found] == [
        ("Trang Hóng Biến", 5, 11), ("Chợ Quê", 0, 10)]
    assert found == one_by_one  # as the case editor counts each account


def test_lock_request_accounts_with_as_many_cases_are_listed_by_account(
        db: Database, officer: Actor) -> None:
    """The dashboard shows the first ten: which of a tie, the same on every view and engine."""
    for account in ("Quán Cơm Bờ Kè", "An Nhiên Shop", "Mỹ Phẩm Chợ Lớn"):
        for n in range(10):
            cases.create_case(db, officer, make_case(account=account,
                                                     detected_on=TODAY - (40 + n) * DAY),
                              today=TODAY)
    with db.read() as session:
        found = attention.accounts_over_lock_threshold(session, TODAY, limit=2)
    assert [a.account for a in found] == ["An Nhiên Shop", "Mỹ Phẩm Chợ Lớn"]


def _event_dates(db: Database, case_id: int) -> tuple[date | None, date | None]:
    with db.read() as session:
        last, asked = session.execute(select(Case.last_event_on, Case.removal_asked_on)
                                      .where(Case.id == case_id)).one()
    return last, asked


def test_a_cases_event_dates_follow_every_change_of_its_events(db: Database,
                                                                officer: Actor) -> None:
    """The database keeps them (migration 0028), whatever changes an event: added, its date
    or kind edited, voided; an answered request stops counting, a later one counts."""
    case_id = cases.create_case(db, officer, make_case(detected_on=TODAY - 40 * DAY),
                                today=TODAY).id
    assert _event_dates(db, case_id) == (None, None)

    def add(kind: str, day: date) -> int:
        detail = events.add_event(db, officer, case_id, EventInput(kind, day), today=TODAY)
        return max(event.id for event in detail.events)

    first = add("YCG", TODAY - 30 * DAY)
    assert _event_dates(db, case_id) == (TODAY - 30 * DAY, TODAY - 30 * DAY)
    second = add("YCG", TODAY - 20 * DAY)
    assert _event_dates(db, case_id) == (TODAY - 20 * DAY, TODAY - 30 * DAY)
    removed = add("GB", TODAY - 25 * DAY)  # answers the first request, not the second
    assert _event_dates(db, case_id) == (TODAY - 20 * DAY, TODAY - 20 * DAY)
    events.edit_event(db, officer, removed, EventInput("GB", TODAY - 20 * DAY), today=TODAY)
    assert _event_dates(db, case_id) == (TODAY - 20 * DAY, None)  # the same day answers
    events.edit_event(db, officer, removed, EventInput("XM", TODAY - 20 * DAY), today=TODAY)
    assert _event_dates(db, case_id) == (TODAY - 20 * DAY, TODAY - 30 * DAY)
    events.void_event(db, officer, second, "Ghi nhầm.")
    events.void_event(db, officer, removed, "Ghi nhầm.")
    assert _event_dates(db, case_id) == (TODAY - 30 * DAY, TODAY - 30 * DAY)
    events.void_event(db, officer, first, "Ghi nhầm.")
    assert _event_dates(db, case_id) == (None, None)
    assert _ids(db, Attention.STALE) == {case_id}

