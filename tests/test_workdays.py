"""Working days in Vietnam (app.domain.workdays): weekends, the public holidays of the
`holidays` library (Tết by the lunar calendar), the days the government announces."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain import holiday_table, workdays
from app.domain.deadlines import REPLY_CLOCK, reply_due
from app.domain.labels import DayUnit
from app.domain.office import OfficeSettings
from app.domain.workdays import WorkCalendar, library_working_weekends, public_holidays

PLAIN = WorkCalendar()


def test_tet_2027_by_the_lunar_calendar_and_gio_to_hung_vuong() -> None:
    names = {h.day: h.name for h in public_holidays(2027)}
    # Tết Đinh Mùi: mùng một on Saturday 06/02/2027; the days off run from Thursday 04/02
    # (29 Tết) to Wednesday 10/02 (mùng năm).
    assert names[date(2027, 2, 6)] == "Tết Nguyên Đán"
    assert names[date(2027, 2, 5)] == "Giao thừa Tết Nguyên Đán"
    assert [d for d in names if date(2027, 2, 1) <= d <= date(2027, 2, 28)] == [
        date(2027, 2, 4) + timedelta(days=n) for n in range(7)]
    # Giỗ Tổ Hùng Vương, mùng 10 tháng 3 âm lịch: Friday 16/04/2027.
    assert names[date(2027, 4, 16)] == "Ngày Giỗ Tổ Hùng Vương"
    assert not PLAIN.is_working_day(date(2027, 4, 16))


def test_working_days_across_tet_2027_and_a_weekend() -> None:
    # From Monday 01/02/2027: Tuesday 2, Wednesday 3, then Tết (4-10/02), Thursday 11,
    # Friday 12, the weekend 13-14, Monday 15.
    assert [PLAIN.is_working_day(date(2027, 2, d)) for d in range(1, 16)] == [
        True, True, True, False, False, False, False, False, False, False,
        True, True, False, False, True]
    assert PLAIN.add_working_days(date(2027, 2, 1), 5) == date(2027, 2, 15)
    assert PLAIN.add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)
    assert PLAIN.working_days_between(date(2027, 2, 1), date(2027, 2, 15)) == 5
    assert PLAIN.working_days_between(date(2027, 2, 3), date(2027, 2, 10)) == 0
    # A clock started on a day off counts from the next working day.
    assert PLAIN.add_working_days(date(2027, 2, 6), 1) == date(2027, 2, 11)
    assert PLAIN.add(date(2027, 2, 1), 5, DayUnit.CALENDAR) == date(2027, 2, 6)


def test_a_make_up_saturday_the_library_knows_is_a_working_day() -> None:
    # 2026: Monday 31/08 off before Quốc khánh, made up on Saturday 22/08.
    assert date(2026, 8, 22) in library_working_weekends(2026)
    assert PLAIN.is_working_day(date(2026, 8, 22))
    assert not PLAIN.is_working_day(date(2026, 8, 31))
    assert PLAIN.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)


def test_an_announced_day_off_and_make_up_saturday() -> None:
    # Say the government gives Monday 19/04/2027 off, made up on Saturday 24/04/2027.
    calendar = WorkCalendar.of(days_off=[date(2027, 4, 19)], working_days=[date(2027, 4, 24)])
    assert not calendar.is_working_day(date(2027, 4, 19))
    assert calendar.is_working_day(date(2027, 4, 24))
    assert PLAIN.is_working_day(date(2027, 4, 19))
    assert not PLAIN.is_working_day(date(2027, 4, 24))
    # From Thursday 15/04 (Giỗ Tổ on Friday 16): the day off moves the clock a day later,
    # the Saturday worked brings it back.
    assert PLAIN.add_working_days(date(2027, 4, 15), 4) == date(2027, 4, 22)
    assert calendar.add_working_days(date(2027, 4, 15), 4) == date(2027, 4, 23)
    assert calendar.add_working_days(date(2027, 4, 15), 5) == date(2027, 4, 24)
    assert PLAIN.add_working_days(date(2027, 4, 15), 7) == date(2027, 4, 27)
    assert calendar.add_working_days(date(2027, 4, 15), 7) == date(2027, 4, 27)
    # What the administrator records wins over the library.
    assert WorkCalendar.of(working_days=[date(2027, 4, 16)]).is_working_day(date(2027, 4, 16))
    assert not WorkCalendar.of(days_off=[date(2026, 8, 22)]).is_working_day(date(2026, 8, 22))


def test_the_reply_a_request_expects_in_the_offices_unit() -> None:
    office = OfficeSettings()
    assert (office.reply_days, office.reply_day_unit) == (REPLY_CLOCK.days, DayUnit.CALENDAR)
    assert reply_due(date(2027, 1, 28), office, PLAIN) == date(2027, 2, 12)
    working = OfficeSettings(reply_days=5, reply_day_unit=DayUnit.WORKING)
    assert reply_due(date(2027, 2, 1), working, PLAIN) == date(2027, 2, 15)


ANNOUNCED = WorkCalendar.of(days_off=[date(2027, 4, 19), date(2026, 12, 31)],
                            working_days=[date(2027, 4, 24), date(2027, 1, 30)])


@given(st.dates(date(2026, 1, 1), date(2027, 12, 31)), st.integers(0, 40),
       st.integers(-5, 60))
def test_the_lists_cutoff_agrees_with_the_deadline(start: date, count: int, after: int) -> None:
    """The "needs action" lists compare the stored start day with one cutoff: a clock is
    past exactly when its start is before it."""
    deadline = ANNOUNCED.add_working_days(start, count)
    today = start + timedelta(days=after)
    assert (deadline < today) == (start < ANNOUNCED.overdue_before(today, count,
                                                                   DayUnit.WORKING))
    assert ANNOUNCED.working_days_between(start, deadline) == count
    assert count == 0 or ANNOUNCED.is_working_day(deadline)
    assert (start + timedelta(days=count) < today) == (
        start < ANNOUNCED.overdue_before(today, count, DayUnit.CALENDAR))


def test_the_shipped_table_is_the_librarys_calendar_year_by_year() -> None:
    """`holiday_table` (made by `scripts/holiday_table.py`) holds, for each of its years,
    exactly what the installed `holidays` library computes: run the script after updating
    the library."""
    assert min(holiday_table.YEARS) <= date.today().year - 5
    assert max(holiday_table.YEARS) >= date.today().year + 15
    for year in holiday_table.YEARS:
        assert workdays._calendar_of(year) == workdays.library_year(year), year


def test_a_year_of_the_table_is_counted_without_loading_the_library() -> None:
    """The library loads every country's calendar (~17 MB): the window counts deadlines in
    the table's years without it; a year outside the table still has its holidays."""
    found = subprocess.run(
        [sys.executable, "-c",
         "import sys; from datetime import date; from app.domain.workdays import WorkCalendar; "
         "assert not WorkCalendar().is_working_day(date(2027, 2, 6)); "
         "print('holidays' in sys.modules)"],
        capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
    outside = max(holiday_table.YEARS) + 1
    assert any(h.name == "Quốc khánh" for h in public_holidays(outside))
