"""Working days in Vietnam: which days an office works, and counting days in working days.

Saturdays and Sundays are days off (Quyết định 188/1999/QĐ-TTg, the 5-day week of state
offices),
and the public holidays of Bộ luật Lao động 2019 Điều 112 (Tết by the lunar calendar, Giỗ Tổ
Hùng Vương, the days off in lieu) come from the maintained `holidays` library. Each year the
government also announces extra days off and the Saturdays worked to make up for them ("làm
bù"): the library knows some, an administrator adds the rest (`app.services.days_off`), and
what the administrator records wins.

A clock of N working days from a day ends on the Nth working day after it (the day itself
not counted: Bộ luật Dân sự 2015 Điều 147, applied by Luật Xử lý vi phạm hành chính Điều 8).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from app.domain import holiday_table
from app.domain.labels import DayUnit

WEEKEND = frozenset({5, 6})  # date.weekday(): Saturday, Sunday


@dataclass(frozen=True)
class PublicHoliday:
    day: date
    name: str


@dataclass(frozen=True)
class _Year:
    days_off: frozenset[date]
    working_weekends: frozenset[date]
    names: tuple[PublicHoliday, ...]


@cache
def _calendar_of(year: int) -> _Year:
    """The `holidays` library's calendar of Vietnam for `year`: read from the table made of
    it (`holiday_table`), the library itself loaded only for a year outside the table (it
    loads every country's calendar: ~17 MB, ~0.15 s)."""
    known = holiday_table.YEARS.get(year)
    if known is None:
        return library_year(year)
    days, worked = known
    names = tuple(PublicHoliday(date.fromisoformat(day), name) for day, name in days)
    return _Year(frozenset(h.day for h in names), frozenset(map(date.fromisoformat, worked)),
                 names)


def library_year(year: int) -> _Year:
    """The calendar of Vietnam for `year` as the `holidays` library computes it, in
    Vietnamese (named, not read from the system's locale; build.spec ships the library's
    Vietnamese names): what `holiday_table` holds (`scripts/holiday_table.py`)."""
    import holidays

    found = holidays.country_holidays("VN", years=year, language="vi")
    names = tuple(PublicHoliday(day, name) for day, name in sorted(found.items()))
    return _Year(frozenset(found), frozenset(d for d in found.weekend_workdays
                                             if d.year == year), names)


def public_holidays(year: int) -> tuple[PublicHoliday, ...]:
    """The public holidays and days off in lieu the library knows for `year`, by date."""
    return _calendar_of(year).names


def library_working_weekends(year: int) -> frozenset[date]:
    """The weekend days the library knows as worked ("làm bù") in `year`."""
    return _calendar_of(year).working_weekends


@dataclass(frozen=True)
class WorkCalendar:
    """The working days of an office: the weekend and the public holidays, with the days off
    (`extra_days_off`) and the worked weekend days (`extra_working_days`) the government
    announced, as an administrator recorded them."""

    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    @classmethod
    def of(cls, days_off: Iterable[date] = (), working_days: Iterable[date] = ()) -> WorkCalendar:
        return cls(frozenset(days_off), frozenset(working_days))

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_days_off:
            return False
        if day in self.extra_working_days:
            return True
        public = _calendar_of(day.year)
        if day in public.days_off:
            return False
        return day in public.working_weekends or day.weekday() not in WEEKEND

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`th working day after `start` (`start` itself not counted); `start`
        for 0."""
        day, left = start, count
        while left > 0:
            day += timedelta(days=1)
            left -= self.is_working_day(day)
        return day

    def working_days_before(self, end: date, count: int) -> date:
        """The `count`th working day before `end` (`end` not counted): a clock of `count`
        working days started before it has run out by `end`, one started on or after it
        has not (`add_working_days(start, count) < end` exactly when `start` is earlier)."""
        day, left = end, count
        while left > 0:
            day -= timedelta(days=1)
            left -= self.is_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """The working days after `start` up to and including `end` (0 when `end` is not
        after `start`)."""
        return sum(self.is_working_day(start + timedelta(days=n))
                   for n in range(1, (end - start).days + 1))

    def add(self, start: date, count: int, unit: DayUnit) -> date:
        """The last day of a clock of `count` days in `unit` that starts on `start`."""
        if unit is DayUnit.WORKING:
            return self.add_working_days(start, count)
        return start + timedelta(days=count)

    def overdue_before(self, today: date, count: int, unit: DayUnit) -> date:
        """The day before which a clock of `count` days in `unit` started has run out by
        `today` (its last day is before `today`): what the "needs action" lists compare a
        start date stored in the database with."""
        if unit is DayUnit.WORKING:
            return self.working_days_before(today, count)
        return today - timedelta(days=count)
