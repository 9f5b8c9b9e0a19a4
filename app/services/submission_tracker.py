"""The province's tracker of the units' reports (shared/spec/exchange.md, `submissions` and
its window): which registered unit sent a period's report, which version, when it arrived
and whether by the due day the province sets (`app.domain.report_due`), the share of units
on time over the last months, and the accounts several units reported
(`app.domain.repeat_accounts`). The window and the command line share these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, tuple_

from app.db import Database
from app.domain.deadlines import lock_window_starts
from app.domain.periods import Period
from app.domain.repeat_accounts import RepeatAccounts, repeat_accounts
from app.domain.report_due import (
    OnTimeShare,
    Timeliness,
    due_date,
    months_up_to,
    share_on_time,
)
from app.domain.units import Unit
from app.models import ReceivedReport
from app.services import report_packages, unit_keys
from app.services.actor import Actor, Permission
from app.services.consolidation import current_units
from app.services.report_export import counts_by_cut_off
from app.services.report_packages import Received
from app.services.settings import load_office


@dataclass(frozen=True)
class TrackedUnit:
    """A registered unit's report of the period: its current version (None: none came),
    when that version arrived, and its first version's arrival against the due day."""

    unit: Unit
    version: int | None
    received_at: datetime | None
    timeliness: Timeliness
    review_label: str  # the province's decision on the current version ("" when none came)

    @property
    def sent(self) -> bool:
        return self.version is not None


@dataclass(frozen=True)
class Tracker:
    period: Period
    due: date
    units: tuple[TrackedUnit, ...]  # every registered unit, in code order
    on_time: tuple[OnTimeShare, ...]  # the last months, oldest first

    @property
    def sent(self) -> int:
        return sum(line.sent for line in self.units)


def receipt_words(name: str, received: Received) -> str:
    """What receiving the file `name` did, in one sentence."""
    package = received.package
    what = (f"báo cáo {package.period.label} của đơn vị {package.unit.code} "
            f"({package.unit.name}), số {package.number}, lần phát hành {package.version}")
    if received.outcome == "same":
        return f"«{name}»: {what} đã nhận trước đây, không thay đổi gì."
    if received.replaced is not None:
        return (f"Đã nhận «{name}»: {what}; thay cho lần phát hành {received.replaced} (giữ "
                "lại làm lịch sử).")
    return f"Đã nhận «{name}»: {what}."


def has_registered_units(db: Database, actor: Actor) -> bool:
    """Whether this office receives reports: another unit's key is registered here."""
    return bool(current_units(db, actor))


def _first_arrivals(db: Database, periods: Iterable[Period]) -> dict[tuple[str, date, date],
                                                                      date]:
    """The day each unit's first version of each period arrived (this PC's calendar)."""
    days = {(p.start, p.end) for p in periods}
    with db.read() as session:
        rows = session.execute(
            select(ReceivedReport.unit_code, ReceivedReport.period_start,
                   ReceivedReport.period_end, func.min(ReceivedReport.received_at))
            .where(tuple_(ReceivedReport.period_start, ReceivedReport.period_end).in_(days))
            .group_by(ReceivedReport.unit_code, ReceivedReport.period_start,
                      ReceivedReport.period_end)).all()
    return {(code, start, end): first.astimezone().date() for code, start, end, first in rows}


def tracker(db: Database, actor: Actor, period: Period, today: date) -> Tracker:
    """Every registered unit's report of exactly `period` against the due day, and the
    share of units on time in each of the months up to the one `period` ends in."""
    actor.require(Permission.REPORT)
    due_days = load_office(db).report_due_days
    months = months_up_to(period)
    first = _first_arrivals(db, [period, *months])
    units = current_units(db, actor)
    due = due_date(period, due_days)
    lines = tuple(TrackedUnit(found.unit, found.version, found.received_at, Timeliness(
        due, first.get((found.unit.code, period.start, period.end)), today),
        found.review_label) for found in report_packages.submissions(db, actor, period))
    since = _registered_since(db, actor)
    shares = tuple(share_on_time(month, [
        first.get((unit.code, month.start, month.end)) for unit in units
        # A unit registered after a month's due day owed no report of it, unless it sent one.
        if since[unit.code] <= due_date(month, due_days)
        or (unit.code, month.start, month.end) in first], due_days, today)
        for month in months)
    return Tracker(period, due, lines, shares)


def _registered_since(db: Database, actor: Actor) -> dict[str, date]:
    """The day each unit's key was first registered here (this PC's calendar)."""
    since: dict[str, date] = {}
    for record in unit_keys.registered_units(db, actor):
        day = record.registered_at.astimezone().date()
        since[record.code] = min(day, since.get(record.code, day))
    return since


def accounts_across_units(db: Database, actor: Actor, today: date) -> RepeatAccounts:
    """The accounts two or more units reported in the lock-request windows ending `today`,
    from the units' current monthly packages of the months those windows cover."""
    actor.require(Permission.REPORT)
    _short_from, long_from = lock_window_starts(today)
    month = Period.month_of(today, cut_off=counts_by_cut_off(db))
    rows = []
    while month.end >= long_from:
        rows += [(package.unit, line)
                 for package in report_packages.received_packages(db, actor, month)
                 for line in package.figures.cases]
        month = month.previous()
    return repeat_accounts(rows, today)
