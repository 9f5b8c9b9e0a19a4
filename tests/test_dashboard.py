"""The dashboard's figures are the report's."""

from __future__ import annotations

from datetime import date

from app.db import Database
from app.reports.figures import compute_summary, detected_per_period
from app.services import cases, dashboard, demo
from app.services.actor import Actor
from tests.conftest import make_case

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
