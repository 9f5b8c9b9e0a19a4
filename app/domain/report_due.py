"""When a unit's report of a period is due at the province, and whether it came in time
(shared/spec/exchange.md: "whether it came by the due day the province sets").

The due day is the province's choice: an office setting (`OfficeSettings.report_due_days`,
its default `deadlines.REPORT_DUE_DAYS`) counting calendar days after the period's last
day. A report counts by the day its first version arrived: a re-issue corrects a report
sent in time, it does not make it late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.labels import NOT_SENT
from app.domain.periods import Period
from app.text import format_date

# The months the tracker's share of reports on time covers.
ON_TIME_MONTHS = 6

ON_TIME = "đúng hạn"


def due_date(period: Period, due_days: int) -> date:
    """The last day a unit's report of `period` arrives on time."""
    return period.end + timedelta(days=due_days)


@dataclass(frozen=True)
class Timeliness:
    """A unit's report of a period against its due day, as of `today`."""

    due: date
    arrived: date | None  # the day its first version arrived, None when none did
    today: date

    @property
    def on_time(self) -> bool:
        return self.arrived is not None and self.arrived <= self.due

    @property
    def days_late(self) -> int:
        """Days past the due day: of its arrival, or of today while nothing came."""
        return max(((self.arrived or self.today) - self.due).days, 0)

    @property
    def late(self) -> bool:
        """Arrived late, or not arrived and past its due day."""
        return self.days_late > 0

    @property
    def words(self) -> str:
        """`đúng hạn`, `muộn 3 ngày`, `chưa gửi (quá hạn 2 ngày)`, `chưa gửi (hạn 05/11/2026)`."""
        if self.arrived is not None:
            return ON_TIME if self.on_time else f"muộn {self.days_late} ngày"
        if self.late:
            return f"{NOT_SENT} (quá hạn {self.days_late} ngày)"
        return f"{NOT_SENT} (hạn {format_date(self.due)})"


@dataclass(frozen=True)
class OnTimeShare:
    """How many of the registered units sent a period's report by its due day."""

    period: Period
    on_time: int
    units: int

    @property
    def words(self) -> str:
        """`Tháng 10/2026: 7/9`; `Tháng 5/2026: –` before any unit was registered."""
        return f"{self.period.label}: " + (f"{self.on_time}/{self.units}" if self.units
                                           else "–")


def months_up_to(period: Period, count: int = ON_TIME_MONTHS) -> list[Period]:
    """The `count` months ending with the month `period` ends in, oldest first (over the
    same calendar or cut-off days)."""
    month = Period.month_of(period.end, cut_off=period.cut_off)
    months = [month]
    while len(months) < count:
        months.append(months[-1].previous())
    return months[::-1]


def share_on_time(period: Period, first_arrivals: Sequence[date | None], due_days: int,
                  today: date) -> OnTimeShare:
    """Of the units that owed `period`'s report (each one's first arrival of it, None when
    none came), those whose report came by the due day."""
    due = due_date(period, due_days)
    return OnTimeShare(period, sum(Timeliness(due, day, today).on_time
                                   for day in first_arrivals), len(first_arrivals))
