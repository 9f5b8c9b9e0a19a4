"""Cases that need action, as SQL conditions shared by the case list and the dashboard.

- near the limitation date: 1 year from the act (NĐ 174/2026 Điều 4.5); the
  register records the detection date, the closest date it has to the end of
  the act, so the warning errs on the early side;
- a removal request unanswered after N days;
- no event for N days;
- accounts over the lock-request threshold (NĐ 147/2024 Điều 35.7: 5 cases in
  30 days or 10 in 90 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.domain.search_keys import account_key
from app.domain.vocabulary import EventKind
from app.models import Case, Event
from app.services.settings import OfficeSettings

LIMITATION = timedelta(days=365)
LOCK_WINDOWS = ((30, 5), (90, 10))  # (days, cases) of NĐ 147/2024 Điều 35.7


class Attention(StrEnum):
    LIMITATION_NEAR = "limitation"
    REMOVAL_UNANSWERED = "removal"
    STALE = "stale"


ATTENTION_LABELS: dict[Attention, str] = {
    Attention.LIMITATION_NEAR: "Sắp hết thời hiệu xử phạt",
    Attention.REMOVAL_UNANSWERED: "Đã yêu cầu gỡ nhưng chưa gỡ",
    Attention.STALE: "Lâu không có biện pháp xử lý",
}


def limitation_date(detected_on: date) -> date:
    return detected_on + LIMITATION


def condition(kind: Attention, office: OfficeSettings, today: date) -> ColumnElement[bool]:
    """Open cases in need of `kind` of attention."""
    is_open = and_(Case.closed_on.is_(None), Case.deleted_at.is_(None))
    if kind is Attention.LIMITATION_NEAR:
        warn_from = today - LIMITATION + timedelta(days=office.limitation_warning_days)
        return and_(is_open, Case.detected_on <= warn_from)
    live = Event.voided_at.is_(None)
    if kind is Attention.REMOVAL_UNANSWERED:
        removed = aliased(Event)
        # `kind || ''`: the same test, but one no index answers, so that SQLite reads the
        # case's few events through (case_id, date) rather than every request of the
        # register through (kind, date) for each case (7 s for 200 rows at 100,000 cases).
        answered = _any(removed, removed.case_id == Event.case_id,
                        removed.kind + "" == EventKind.REMOVED,
                        removed.voided_at.is_(None),
                        removed.occurred_on >= Event.occurred_on)
        overdue_request = _any(
            Event, Event.case_id == Case.id, live, Event.kind + "" == EventKind.REMOVAL_REQUEST,
            Event.occurred_on <= today - timedelta(days=office.removal_overdue_days), ~answered)
        return and_(is_open, overdue_request)
    cutoff = today - timedelta(days=office.stale_case_days)
    recent = _any(Event, Event.case_id == Case.id, live, Event.occurred_on > cutoff)
    return and_(is_open, Case.detected_on <= cutoff, ~recent)


def _any(events: type[Event], *conditions: ColumnElement[bool]) -> Exists:
    """EXISTS over `events` selecting only the id: `EXISTS (SELECT * …)` makes SQLite 3.40
    read each event's row, where the (case, date, kind, voided) index answers alone."""
    return select(events.id).where(*conditions).exists()


def any_condition(office: OfficeSettings, today: date) -> ColumnElement[bool]:
    return or_(*(condition(kind, office, today) for kind in Attention))


@dataclass(frozen=True)
class AccountOverThreshold:
    account: str
    cases_30_days: int
    cases_90_days: int

    @property
    def over_threshold(self) -> bool:
        (_, short_count), (_, long_count) = LOCK_WINDOWS
        return self.cases_30_days >= short_count or self.cases_90_days >= long_count


def _lock_window_starts(today: date) -> tuple[date, date]:
    """The first days of the 30- and 90-day windows ending today."""
    (short_days, _), (long_days, _) = LOCK_WINDOWS
    return today - timedelta(days=short_days - 1), today - timedelta(days=long_days - 1)


def _lock_counts(today: date) -> Select[Any, int]:
    """Live cases detected in the long window, with how many fall in the short one."""
    short_from, long_from = _lock_window_starts(today)
    return select(func.sum(case((Case.detected_on >= short_from, 1), else_=0)),
                  func.count(Case.id)).where(
        Case.deleted_at.is_(None), Case.detected_on >= long_from, Case.detected_on <= today)


def accounts_over_lock_threshold(session: Session, today: date,
                                 limit: int = 50) -> list[AccountOverThreshold]:
    """Accounts with 5 cases detected in the last 30 days or 10 in the last 90."""
    (_, short_count), (_, long_count) = LOCK_WINDOWS
    counts = _lock_counts(today)
    in_short, total = counts.selected_columns
    rows = session.execute(
        counts.add_columns(func.min(Case.account))
        .where(Case.account_key != "")
        .group_by(Case.account_key)
        .having(or_(in_short >= short_count, total >= long_count))
        .order_by(total.desc())
        .limit(limit)
    )
    return [AccountOverThreshold(account, int(short or 0), int(count))
            for short, count, account in rows]


def account_lock_counts(session: Session, account: str, today: date, *,
                        draft_detected_on: date | None = None,
                        exclude_case_id: int | None = None) -> AccountOverThreshold:
    """One account's counts as the case editor sees them: the stored cases, without the
    stored version of the case being edited, plus the case being recorded."""
    statement = _lock_counts(today).where(Case.account_key == account_key(account))
    if exclude_case_id is not None:
        statement = statement.where(Case.id != exclude_case_id)
    short, total = session.execute(statement).one()
    short, total = int(short or 0), int(total)
    short_from, long_from = _lock_window_starts(today)
    if draft_detected_on is not None and long_from <= draft_detected_on <= today:
        total += 1
        if draft_detected_on >= short_from:
            short += 1
    return AccountOverThreshold(account, short, total)
