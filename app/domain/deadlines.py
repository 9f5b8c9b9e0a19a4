"""The clocks of handling a case and the thresholds of the "needs action" lists.

A figure the law fixes is a constant here, with its source (shared/domain/letters.md,
"Deadlines"; shared/domain/context.md). A figure the law leaves to the office is an office
setting (`app.domain.office.OfficeSettings`): only its default lives here, marked as
the office practice it is. `app.services.attention` applies them to the register.

Each clock of letters.md counted in days is one `Clock`: its length, whether it counts
calendar days or working days (`app.domain.workdays`), and its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from app.domain.labels import DAY_UNIT_LABELS, DayUnit
from app.domain.workdays import WorkCalendar

XLVPHC = "Luật Xử lý vi phạm hành chính"


@dataclass(frozen=True)
class Clock:
    """A time the law (or the office's practice) gives, counted from a day."""

    days: int
    unit: DayUnit
    source: str

    def describe(self) -> str:
        """`07 ngày làm việc`, as a document or a warning states it."""
        return describe_days(self.days, self.unit)


def describe_days(days: int, unit: DayUnit) -> str:
    return f"{days:02d} {DAY_UNIT_LABELS[unit]}"


# Điều 66 khoản 1 as amended by Luật 67/2020/QH14 (Điều 1 khoản 34), in force 01/01/2022:
# the decision within "07 ngày làm việc" of the biên bản (the 2012 text said "07 ngày");
# "01 tháng" when the violator asks to explain or facts need verifying (Điều 59), extended
# once by at most "01 tháng" more, counted here as 30 calendar days each. letters.md marks
# the article "to confirm": the days and the unit of the first are office settings whose
# defaults these are.
DECISION_CLOCK = Clock(7, DayUnit.WORKING, f"khoản 1 Điều 66 {XLVPHC}")
DECISION_EXPLAINED_CLOCK = Clock(30, DayUnit.CALENDAR, f"khoản 1 Điều 66 {XLVPHC}")
DECISION_EXTENSION_CLOCK = Clock(30, DayUnit.CALENDAR, f"khoản 1 Điều 66 {XLVPHC}")
# Điều 73 khoản 1: the violator complies within 10 days of receiving the sanction decision
# ("10 ngày": calendar days).
COMPLIANCE_CLOCK = Clock(10, DayUnit.CALENDAR, f"khoản 1 Điều 73 {XLVPHC}")
# NĐ 147/2024/NĐ-CP (to confirm): a platform removes the content within 24 hours of the
# request, counted as the day after it. The "needs action" list waits longer
# (`REMOVAL_OVERDUE_DAYS`) for the answer to reach the office.
REMOVAL_CLOCK = Clock(1, DayUnit.CALENDAR, "NĐ 147/2024/NĐ-CP (24 giờ, cần xác nhận)")
# Office practice, no legal figure: the reply a removal, lock, escalation or transfer letter
# expects (letters.md), an office setting of days and unit.
REPLY_CLOCK = Clock(15, DayUnit.CALENDAR, "thực tiễn của đơn vị")


class ReplySettings(Protocol):
    """The office settings of the reply clock (`app.domain.office.OfficeSettings`)."""

    @property
    def reply_days(self) -> int: ...
    @property
    def reply_day_unit(self) -> DayUnit: ...


def reply_due(sent_on: date, office: ReplySettings, calendar: WorkCalendar) -> date:
    """The day a reply to a request sent on `sent_on` is expected by."""
    return calendar.add(sent_on, office.reply_days, office.reply_day_unit)


# Luật Xử lý vi phạm hành chính Điều 6; NĐ 174/2026/NĐ-CP Điều 4.5: no sanction 1 year after
# the act ended (`app.domain.case.ActDate`). As 365 days: a day early across a 29 February.
LIMITATION_PERIOD = timedelta(days=365)
LIMITATION_BASIS = f"Điều 6 {XLVPHC}; khoản 5 Điều 4 NĐ 174/2026/NĐ-CP"


def limitation_date(act_on: date) -> date:
    """The last day a sanction may be decided for an act that ended on `act_on`."""
    return act_on + LIMITATION_PERIOD


@dataclass(frozen=True)
class LockWindow:
    days: int
    cases: int  # cases of one account in `days` days that reach the threshold


# NĐ 147/2024/NĐ-CP Điều 35.7: an account that posts violating content 5 times in 30 days or
# 10 times in 90 days may be locked temporarily at the authority's request. Counted as the
# account's cases by detection date, in rolling windows ending today.
SHORT_LOCK_WINDOW = LockWindow(days=30, cases=5)
LONG_LOCK_WINDOW = LockWindow(days=90, cases=10)
LOCK_BASIS = "Điều 35.7 NĐ 147/2024/NĐ-CP"
# As the dashboard names the threshold.
LOCK_THRESHOLD_TEXT = (f"{SHORT_LOCK_WINDOW.cases} vụ/{SHORT_LOCK_WINDOW.days} ngày hoặc "
                        f"{LONG_LOCK_WINDOW.cases} vụ/{LONG_LOCK_WINDOW.days} ngày")


def lock_window_starts(today: date) -> tuple[date, date]:
    """The first days of the short and the long window ending `today`."""
    return (today - timedelta(days=SHORT_LOCK_WINDOW.days - 1),
            today - timedelta(days=LONG_LOCK_WINDOW.days - 1))


def over_lock_threshold(cases_30_days: int, cases_90_days: int) -> bool:
    """Whether an account's cases in the two windows reach NĐ 147/2024 Điều 35.7's threshold
    for proposing to lock it."""
    return cases_30_days >= SHORT_LOCK_WINDOW.cases or cases_90_days >= LONG_LOCK_WINDOW.cases


@dataclass(frozen=True)
class AccountOverThreshold:
    """An account's cases in the two windows of NĐ 147/2024 Điều 35.7."""

    account: str
    cases_30_days: int
    cases_90_days: int

    @property
    def over_threshold(self) -> bool:
        return over_lock_threshold(self.cases_30_days, self.cases_90_days)

    def with_case(self, detected_on: date | None, today: date) -> AccountOverThreshold:
        """The counts once a case detected on `detected_on` (being recorded) is added."""
        short_from, long_from = lock_window_starts(today)
        if detected_on is None or not long_from <= detected_on <= today:
            return self
        return AccountOverThreshold(self.account,
                                    self.cases_30_days + int(detected_on >= short_from),
                                    self.cases_90_days + 1)

    def describe(self) -> str:
        return (f"{self.account}: {self.cases_30_days} vụ trong {SHORT_LOCK_WINDOW.days} ngày, "
                f"{self.cases_90_days} vụ trong {LONG_LOCK_WINDOW.days} ngày")


# Office practice, no legal figure: the defaults of the office settings behind the "needs
# action" lists and the editor's warning, which an administrator changes.
# A removal request counts as unanswered after this many days with no removal recorded.
# NĐ 147/2024 asks a platform to remove within 24 hours (to confirm); the days leave time
# for the answer to reach the office and be recorded.
REMOVAL_OVERDUE_DAYS = 3
# An open case with no event for this many days (and detected as long ago) is stale.
STALE_CASE_DAYS = 30
# The limitation warning starts this many days before the limitation date.
LIMITATION_WARNING_DAYS = 30
# How long a deleted case stays restorable before it may be purged. No rule is given for it
# (context.md only asks for retention and purge): the limitation period, to confirm with
# each office.
DELETED_RETENTION_DAYS = LIMITATION_PERIOD.days
# At a province, the days after a period's last day by which a unit's report is due
# (`app.domain.report_due`): a commune freezes its figures, has the report signed and sends
# it within the first working week after the period (over the cut-off days of NĐ 09/2019,
# which end on the 14th, that is by the 19th).
REPORT_DUE_DAYS = 5
