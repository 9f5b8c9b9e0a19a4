"""What the dashboard shows: this month against the last, twelve months of
detections, and the lists of cases that need action.

Every figure comes from the report computation (app.reports.figures) and the
attention rules (app.services.attention): nothing here counts on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.db import Database
from app.models import Case
from app.reports.figures import Summary, compute_summary, detected_per_period
from app.reports.periods import Period
from app.services import attention, settings
from app.services.attention import AccountOverThreshold, Attention
from app.services.search import CaseQuery, build_query, dialect_of

MONTHS_SHOWN = 12


@dataclass(frozen=True)
class AttentionList:
    kind: Attention
    count: int
    first_codes: tuple[str, ...]


@dataclass(frozen=True)
class DashboardData:
    today: date
    this_month: Summary
    last_month: Summary
    monthly: tuple[tuple[Period, int], ...]  # cases detected per month, oldest first
    attention: tuple[AttentionList, ...]
    lock_accounts: tuple[AccountOverThreshold, ...]


def months_before(today: date, count: int) -> list[Period]:
    """The `count` months ending with the month of `today`, oldest first."""
    periods = [Period.month(today.year, today.month)]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


def load_dashboard(db: Database, today: date | None = None) -> DashboardData:
    day = today or date.today()
    months = months_before(day, MONTHS_SHOWN)
    this_month = compute_summary(db, months[-1])
    last_month = compute_summary(db, months[-2])
    monthly = tuple(zip(months, detected_per_period(db, months), strict=True))
    office = settings.load_office(db)
    lists = []
    with db.read() as session:
        for kind in Attention:
            statement = build_query(CaseQuery(attention=kind, descending=False),
                                    dialect_of(session), office, day)
            ids = statement.subquery()
            count = session.execute(select(func.count()).select_from(ids)).scalar_one()
            codes = session.execute(
                select(Case.code).where(Case.id.in_(select(ids.c.id))).order_by(Case.detected_on)
                .limit(5)).scalars().all()
            lists.append(AttentionList(kind, count, tuple(codes)))
        accounts = attention.accounts_over_lock_threshold(session, day, limit=10)
    return DashboardData(day, this_month, last_month, monthly, tuple(lists), tuple(accounts))
