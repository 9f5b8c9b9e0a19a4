"""What the dashboard shows: this month so far against the same days of the last and
against the whole last month, twelve months of detections, and the lists of cases that
need action.

Every figure comes from the report computation (app.services.report_figures) and the
attention rules (app.services.attention): nothing here counts on its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.orm import Session

from app.db import Database
from app.db.storage import page_cache_of
from app.domain.deadlines import AccountOverThreshold
from app.domain.labels import Attention
from app.domain.periods import Period, same_days_month_before
from app.domain.report import Summary
from app.models import Case
from app.services import attention, audit, settings
from app.services.days_off import read_calendar
from app.services.report_export import counts_by_cut_off
from app.services.report_figures import compute_summaries, detected_per_period
from app.services.search import CaseQuery, build_query, dialect_of

MONTHS_SHOWN = 12
# The needs-action lists' statements read more pages one after the other than SQLite's
# 8 MB page cache holds, each evicting the others' (100,000 cases: 97 ms; 68 ms in 16 MB,
# given back when they end: a window idle at 147 MB instead of 140 if every connection
# kept that much).
LISTS_CACHE_KIB = 16 * 1024


@dataclass(frozen=True)
class AttentionList:
    kind: Attention
    count: int
    first_codes: tuple[str, ...]


@dataclass(frozen=True)
class DashboardData:
    today: date
    # The whole month: nothing is dated after today, so its figures are the month so far.
    this_month: Summary
    same_days_last_month: Summary  # the month before over as many days: like with like
    last_month: Summary
    year_before: Summary  # the same month a year before, as the report compares
    monthly: tuple[tuple[Period, int], ...]  # cases detected per month, oldest first
    attention: tuple[AttentionList, ...]
    lock_accounts: tuple[AccountOverThreshold, ...]


def months_before(today: date, count: int, *, cut_off: bool = False) -> list[Period]:
    """The `count` months ending with the month of `today`, oldest first (over the cut-off
    days of NĐ 09/2019 where the office counts so, as its reports do)."""
    periods = [Period.month_of(today, cut_off=cut_off)]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


FOLDERS_CACHED = 4  # a window has one data folder open; the tests open many

# Per database file: the day and last change the figures were computed for, and them.
_cache: OrderedDict[Path, tuple[tuple[date, str | None], DashboardData]] = OrderedDict()
_cache_lock = threading.Lock()


def _last_change(session: Session) -> str | None:
    """The hash of the newest audit row of a change: the hash chains the whole log, so it
    names the register's state even across a restored backup."""
    change = audit.last_change(session)
    return change.hash if change is not None else None


def load_dashboard(db: Database, today: date | None = None) -> DashboardData:
    """The dashboard's figures, computed again only after a change or on a new day: a
    repeat view costs one read of the audit log."""
    day = today or date.today()
    # Read before computing: a change made meanwhile only costs a needless recomputation.
    with db.read() as session:
        key = (day, _last_change(session))
    folder = db.paths.database
    with _cache_lock:
        cached = _cache.get(folder)
    if cached is not None and cached[0] == key:
        return cached[1]
    data = _compute(db, day)
    with _cache_lock:
        _cache[folder] = (key, data)
        _cache.move_to_end(folder)
        while len(_cache) > FOLDERS_CACHED:
            _cache.popitem(last=False)
    return data


def _compute(db: Database, day: date) -> DashboardData:
    cut_off = counts_by_cut_off(db)
    months = months_before(day, MONTHS_SHOWN, cut_off=cut_off)
    # Two halves of about the same cost, each on its own connection (SQLite lets go of the
    # GIL while it works, so two cores take half the time): the three recent months'
    # summaries and the twelve months' detections; the lists and the same month a year
    # before. Apart, the year before's cases closed since are not walked for the three
    # recent months' figures (100,000 cases: 130 + 50 ms of summaries, against 215 ms for
    # the four at once).
    with ThreadPoolExecutor(max_workers=1) as pool:
        recent = pool.submit(compute_summaries, db, [
            months[-1], same_days_month_before(day, cut_off=cut_off), months[-2]])
        detected = pool.submit(detected_per_period, db, months)
        lists, accounts = _needs_action(db, day)
        (year_before,) = compute_summaries(db, [months[-1].year_before()])
        this_month, same_days, last_month = recent.result()
        monthly = tuple(zip(months, detected.result(), strict=True))
    return DashboardData(day, this_month, same_days, last_month, year_before, monthly, lists,
                         accounts)


def _needs_action(db: Database, day: date,
                  ) -> tuple[tuple[AttentionList, ...], tuple[AccountOverThreshold, ...]]:
    office = settings.load_office(db)
    lists = []
    with db.read() as session, page_cache_of(session.connection(), LISTS_CACHE_KIB):
        calendar = read_calendar(session)
        for kind in Attention:
            statement = build_query(CaseQuery(attention=kind, descending=False),
                                    dialect_of(session), office, day, calendar)
            # The count rides along on the first five rows: the conditions run once.
            rows = session.execute(
                statement.with_only_columns(Case.code, func.count().over()).limit(5)).all()
            lists.append(AttentionList(kind, rows[0][1] if rows else 0,
                                       tuple(code for code, _ in rows)))
        accounts = attention.accounts_over_lock_threshold(session, day, limit=10)
    return tuple(lists), tuple(accounts)
