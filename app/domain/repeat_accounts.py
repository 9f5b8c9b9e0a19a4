"""Accounts that several units reported (issue 19, "a repeat-account view across units"):
an account seldom reaches the lock threshold of NĐ 147/2024 Điều 35.7 inside one commune;
across the province it may.

Read from form 03 of the units' received packages: the same account (folded as the search
folds it, `search_keys.account_key`, on the same platform) in the rows of two or more units
over the lock-request windows of `app.domain.deadlines` ending today, each case once (a
case listed in two months' reports is one case). A case with children shows only its
platform (`Facebook/…`, `protection.hidden_account`): such rows cannot be matched and are
only counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain.deadlines import lock_window_starts, over_lock_threshold
from app.domain.report import CaseLine
from app.domain.search_keys import account_key
from app.domain.units import Unit
from app.text import fold

# What `protection.hidden_account` leaves of a masked account: the platform, then this.
_MASKED_END = "/…"


@dataclass(frozen=True)
class RepeatAccount:
    """An account in the rows of two or more units: its cases in each window."""

    platform: str
    account: str  # as the first row of it reads
    units: tuple[Unit, ...]  # in code order
    case_codes: tuple[str, ...]  # `UNIT/CODE`, in the order of the units, then the codes
    cases_30_days: int
    cases_90_days: int

    @property
    def over_threshold(self) -> bool:
        return over_lock_threshold(self.cases_30_days, self.cases_90_days)


@dataclass(frozen=True)
class RepeatAccounts:
    accounts: tuple[RepeatAccount, ...]  # the most cases in 90, then in 30 days first
    masked_rows: int  # rows of the windows whose account is masked: not matched


def masked(line: CaseLine) -> bool:
    return line.account.strip().endswith(_MASKED_END)


def repeat_accounts(rows: Iterable[tuple[Unit, CaseLine]], today: date) -> RepeatAccounts:
    """The accounts of `rows` (each with the unit that reported it) found in the rows of
    two or more units detected within the long window ending `today`."""
    short_from, long_from = lock_window_starts(today)
    seen: dict[tuple[str, str], dict[tuple[str, str], tuple[Unit, CaseLine]]] = {}
    masked_cases: set[tuple[str, str]] = set()
    for unit, line in rows:
        if not long_from <= line.detected_on <= today or not line.account.strip():
            continue
        if masked(line):
            masked_cases.add((unit.code, line.code))
            continue
        key = (fold(line.platform), account_key(line.account))
        seen.setdefault(key, {}).setdefault((unit.code, line.code), (unit, line))
    found = []
    for cases in seen.values():
        units = {unit.code: unit for unit, _line in cases.values()}
        if len(units) < 2:
            continue
        ordered = sorted(cases.values(), key=lambda c: (c[0].code, c[1].detected_on, c[1].code))
        first = ordered[0][1]
        found.append(RepeatAccount(
            first.platform, first.account, tuple(units[code] for code in sorted(units)),
            tuple(f"{unit.code}/{line.code}" for unit, line in ordered),
            sum(line.detected_on >= short_from for _unit, line in ordered), len(ordered)))
    found.sort(key=lambda a: (-a.cases_90_days, -a.cases_30_days, fold(a.account)))
    return RepeatAccounts(tuple(found), len(masked_cases))
