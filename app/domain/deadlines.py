"""The clocks of handling a case and the thresholds of the "needs action" lists.

A figure the law fixes is a constant here, with its source (shared/domain/letters.md,
"Deadlines"; shared/domain/context.md). A figure the law leaves to the office is an office
setting (`app.domain.office.OfficeSettings`): only its default lives here, marked as
the office practice it is. `app.services.attention` applies them to the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# Luật Xử lý vi phạm hành chính Điều 6; NĐ 174/2026/NĐ-CP Điều 4.5: no sanction 1 year after
# the act ended (`app.domain.case.ActDate`). As 365 days: a day early across a 29 February.
LIMITATION_PERIOD = timedelta(days=365)


def limitation_date(act_on: date) -> date:
    """The last day a sanction may be decided for an act that ended on `act_on`."""
    return act_on + LIMITATION_PERIOD


# Luật Xử lý vi phạm hành chính Điều 73 khoản 1: the violator complies within 10 days of
# receiving the sanction decision (calendar days).
COMPLIANCE_PERIOD = timedelta(days=10)


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


@dataclass(frozen=True)
class AccountOverThreshold:
    """An account's cases in the two windows of NĐ 147/2024 Điều 35.7."""

    account: str
    cases_30_days: int
    cases_90_days: int

    @property
    def over_threshold(self) -> bool:
        return (self.cases_30_days >= SHORT_LOCK_WINDOW.cases
                or self.cases_90_days >= LONG_LOCK_WINDOW.cases)

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
# Luật Xử lý vi phạm hành chính Điều 66 khoản 1, marked "to confirm" in the domain notes
# (letters.md, "Deadlines"), hence settings: the sanction decision within 7 days of the
# biên bản; 30 when the violator asks to explain or facts need verifying; that time extended
# once by at most 30 more.
DECISION_DAYS = 7
DECISION_DAYS_EXPLAINED = 30
DECISION_EXTENSION_DAYS = 30
# How long a deleted case stays restorable before it may be purged. No rule is given for it
# (context.md only asks for retention and purge): the limitation period, to confirm with
# each office.
DELETED_RETENTION_DAYS = LIMITATION_PERIOD.days
