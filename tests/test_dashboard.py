"""The dashboard's figures are the report's."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.db import Database
from app.domain.events import EventInput
from app.domain.labels import ClosingResult
from app.domain.periods import Period, same_days_month_before
from app.domain.report import Counts
from app.models import Case
from app.services import accounts, audit, cases, dashboard, demo, events
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.report_figures import compute_summary, detected_per_period
from app.services.search import CaseQuery, search_case_ids
from tests.conftest import PASSWORD, make_case

TODAY = date(2026, 11, 20)


def test_twelve_months_in_one_pass_equal_each_month_report(db: Database, admin: Actor) -> None:
    demo.add_demo_cases(db, admin, 400, seed=5, today=TODAY)
    deleted = cases.create_case(db, admin, make_case(detected_on=date(2026, 3, 3)), today=TODAY)
    cases.delete_case(db, admin, deleted.id, "trùng")
    months = dashboard.months_before(TODAY, 12)
    assert months[0].start == date(2025, 12, 1)
    series = detected_per_period(db, months)
    assert series == [compute_summary(db, p).total.detected for p in months]
    assert sum(series) > 0


def test_dashboard_data_for_this_and_last_month(db: Database, admin: Actor) -> None:
    demo.add_demo_cases(db, admin, 200, seed=9, today=TODAY)
    data = dashboard.load_dashboard(db, TODAY)
    assert data.this_month.period.start == date(2026, 11, 1)
    assert data.last_month.period.start == date(2026, 10, 1)
    assert data.monthly[-1] == (data.this_month.period, data.this_month.total.detected)
    assert {entry.kind for entry in data.attention} == set(dashboard.Attention)


def test_the_same_days_of_the_month_before_clipped_to_its_length() -> None:
    assert same_days_month_before(date(2026, 12, 5)) == Period.between(
        date(2026, 11, 1), date(2026, 11, 5))
    assert same_days_month_before(date(2026, 3, 31)) == Period.between(
        date(2026, 2, 1), date(2026, 2, 28))
    assert same_days_month_before(date(2027, 1, 9)) == Period.between(
        date(2026, 12, 1), date(2026, 12, 9))
    # Over the cut-off days of NĐ 09/2019 (15th to 14th): December runs from 15/11.
    assert same_days_month_before(date(2026, 12, 5), cut_off=True) == Period.between(
        date(2026, 10, 15), date(2026, 11, 5))
    assert same_days_month_before(date(2026, 12, 15), cut_off=True) == Period.between(
        date(2026, 11, 15), date(2026, 11, 15))


def test_five_days_of_december_compare_with_five_days_of_november(
        db: Database, officer: Actor) -> None:
    """The issue: the dashboard compared 1–5 December with the whole of November."""
    today = date(2026, 12, 5)
    for day in (date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 6), date(2026, 11, 28),
                date(2026, 12, 1), date(2026, 12, 4)):
        cases.create_case(db, officer, make_case(detected_on=day), today=today)
    data = dashboard.load_dashboard(db, today)
    assert data.this_month.total.detected == 2
    assert data.same_days_last_month.period == Period.between(date(2026, 11, 1),
                                                              date(2026, 11, 5))
    assert data.same_days_last_month.total.detected == 2
    assert data.last_month.period == Period.month(2026, 11)
    assert data.last_month.total.detected == 4
    # The report's own computation, over the same days.
    assert data.same_days_last_month == compute_summary(db, data.same_days_last_month.period)


def test_attention_lists_equal_the_case_list(db: Database, admin: Actor) -> None:
    demo.add_demo_cases(db, admin, 300, seed=11, today=TODAY)
    data = dashboard.load_dashboard(db, TODAY)
    with db.read() as session:
        codes = dict(session.execute(select(Case.id, Case.code)).all())
    for entry in data.attention:
        listed = search_case_ids(db, CaseQuery(attention=entry.kind, descending=False), TODAY)
        assert entry.count == len(listed) > 0, entry.kind
        assert entry.first_codes == tuple(codes[i] for i in listed[:5]), entry.kind


def test_a_repeat_view_is_cached_until_the_register_changes(
        db: Database, admin: Actor, officer: Actor, leader: Actor) -> None:
    demo.add_demo_cases(db, admin, 60, seed=3, today=TODAY)
    first = dashboard.load_dashboard(db, TODAY)
    assert dashboard.load_dashboard(db, TODAY) is first
    # Signing in, looking at a case and a backup change nothing the dashboard shows.
    accounts.authenticate(db, "canbo", PASSWORD)
    with db.write() as session:
        audit.record(session, "canbo", AuditAction.CHILD_CASE_VIEW)
        audit.record(session, "canbo", AuditAction.BACKUP)
    assert dashboard.load_dashboard(db, TODAY) is first

    def shown() -> Counts:
        data = dashboard.load_dashboard(db, TODAY)
        assert data.this_month == compute_summary(db, data.this_month.period)
        return data.this_month.total

    before = first.this_month.total
    new = cases.create_case(db, officer, make_case(detected_on=TODAY), today=TODAY)
    assert shown().detected == before.detected + 1
    events.add_event(db, officer, new.id,
                     EventInput("KT", TODAY, closing_result=ClosingResult.HANDLED), today=TODAY)
    assert shown().closed == before.closed + 1
    closing = cases.get_case(db, officer, new.id).events[0]
    events.void_event(db, officer, closing.id, "Ghi nhầm")
    assert shown().closed == before.closed
    cases.delete_case(db, leader, new.id, "Nhập trùng")
    assert shown() == before
    # A new day: the lists of cases that need action depend on it.
    again = dashboard.load_dashboard(db, TODAY)
    tomorrow = dashboard.load_dashboard(db, TODAY + timedelta(days=1))
    assert tomorrow is not again and tomorrow.today == TODAY + timedelta(days=1)
