"""Cases that need action, as SQL conditions shared by the case list and the dashboard.

The rules and their figures are in `app.domain.deadlines` (the limitation period, the
lock-request windows, the defaults of the office's thresholds); this applies them to the
register: open cases near the limitation date, with a removal request unanswered, or
without an event for long; accounts over the lock-request threshold.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.db.planner import scanned_id
from app.domain.deadlines import (
    COMPLIANCE_CLOCK,
    LIMITATION_PERIOD,
    LONG_LOCK_WINDOW,
    SHORT_LOCK_WINDOW,
    AccountOverThreshold,
    lock_window_starts,
)
from app.domain.documents import DocumentNumber
from app.domain.labels import Attention, DecisionTime, SanctionForm
from app.domain.office import OfficeSettings
from app.domain.sanctions import decision_time
from app.domain.search_keys import account_key
from app.domain.vocabulary import EventKind
from app.domain.workdays import WorkCalendar
from app.models import Case, Event, ReceivedDocument, SentDocument


def condition(kind: Attention, office: OfficeSettings, today: date,
              calendar: WorkCalendar) -> ColumnElement[bool]:
    """Open cases in need of `kind` of attention (`calendar`: the office's working days, for
    the clocks counted in working days)."""
    if kind in SANCTION_ATTENTION:
        return sanction_condition(kind, office, today, calendar)
    is_open = and_(Case.closed_on.is_(None), Case.deleted_at.is_(None))
    if kind is Attention.LIMITATION_NEAR:
        warn_from = today - LIMITATION_PERIOD + timedelta(days=office.limitation_warning_days)
        # Counted from the act's date (`Case.act_on`), as the editor's warning is.
        return and_(is_open, Case.act_on <= warn_from)
    # The case's event dates are kept by the database from its live events (migration
    # 0028): the lists read the open cases' index, not each case's events.
    if kind is Attention.REMOVAL_UNANSWERED:
        # Its oldest request that no removal on that day or later answers.
        return and_(is_open, Case.removal_asked_on
                    <= today - timedelta(days=office.removal_overdue_days))
    cutoff = today - timedelta(days=office.stale_case_days)
    return and_(is_open, Case.detected_on <= cutoff,
                or_(Case.last_event_on.is_(None), Case.last_event_on <= cutoff))


SANCTION_ATTENTION = frozenset({Attention.DECISION_OVERDUE, Attention.COMPLIANCE_OVERDUE})


def sanction_condition(kind: Attention, office: OfficeSettings, today: date,
                       calendar: WorkCalendar) -> ColumnElement[bool]:
    """Cases whose sanction path is late (app.domain.sanctions): a biên bản with no decision
    by its deadline (open cases); a fine delivered, its time to comply past, neither paid nor
    enforced (closed cases too: an unpaid fine is followed after the file is closed)."""
    # The late records and the unsettled fines are found once, each kind through its own
    # index (`ix_events_records`, `ix_events_fines`), where probing every case's events read
    # the row of each record or sanction. The late records are checked against the cases
    # with a sanction, listed once, not each against its case's events (10,000 records:
    # 37 → 7 ms), and their cases' ids against an index of the open cases as SQLite walks
    # it; the few unsettled fines' cases are read by their ids (26 → 4 ms: walking every
    # case's id, closed ones included, cost more than reading them). 100,000 cases on
    # SQLCipher, each statement alone (bench/ui_bench.py).
    if kind is Attention.DECISION_OVERDUE:
        late = or_(*(and_(_time_is(time), Event.occurred_on
                          < calendar.overdue_before(today, *decision_time(time, office)))
                     for time in DecisionTime))
        sanctioned = aliased(Event)
        overdue_records = select(Event.case_id).where(
            Event.kind == EventKind.RECORD, Event.voided_at.is_(None), late,
            Event.case_id.not_in(select(sanctioned.case_id).where(
                sanctioned.kind == EventKind.SANCTION, sanctioned.voided_at.is_(None))))
        return and_(Case.closed_on.is_(None), Case.deleted_at.is_(None),
                    scanned_id(Case.id).in_(overdue_records))
    unsettled = select(Event.case_id).where(
        Event.kind == EventKind.SANCTION, Event.voided_at.is_(None),
        Event.sanction_form == SanctionForm.FINE,
        Event.delivered_on < calendar.overdue_before(today, COMPLIANCE_CLOCK.days,
                                                     COMPLIANCE_CLOCK.unit),
        Event.paid_on.is_(None), Event.enforced_on.is_(None))
    return and_(Case.deleted_at.is_(None), Case.id.in_(unsettled))


def _time_is(time: DecisionTime) -> ColumnElement[bool]:
    if time is DecisionTime.STANDARD:  # stored as NULL, or named
        return or_(Event.decision_time.is_(None), Event.decision_time == time)
    return Event.decision_time == time


def any_condition(office: OfficeSettings, today: date,
                  calendar: WorkCalendar) -> ColumnElement[bool]:
    return or_(*(condition(kind, office, today, calendar) for kind in Attention))


def _in_long_window(today: date) -> ColumnElement[bool]:
    """Live cases detected in the long window ending `today`."""
    _, long_from = lock_window_starts(today)
    return _detected_live(long_from, today)


def _detected_live(first: date, last: date) -> ColumnElement[bool]:
    return and_(Case.deleted_at.is_(None), Case.detected_on >= first, Case.detected_on <= last)


def _lock_counts(today: date) -> Select[Any, int]:
    """Live cases detected in the long window, with how many fall in the short one."""
    short_from, _ = lock_window_starts(today)
    return select(func.sum(case((Case.detected_on >= short_from, 1), else_=0)),
                  func.count(Case.id)).where(_in_long_window(today))


def accounts_over_lock_threshold(session: Session, today: date,
                                 limit: int = 50) -> list[AccountOverThreshold]:
    """Accounts over either window's threshold, the most cases first."""
    short_from, long_from = lock_window_starts(today)
    # Counted from the detection date's index alone, which holds the account key
    # (migration 0029): the window's cases, not every account's (the whole account index
    # scanned, each case's id checked against the window's: 27 ms at 100,000 cases, now
    # 12 ms). A case's row is read only for the accounts shown (their names).
    in_short = func.sum(case((Case.detected_on >= short_from, 1), else_=0))
    total = func.count()
    found = session.execute(
        select(Case.account_key, in_short, total)
        .where(_detected_live(long_from, today), Case.account_key != "")
        .group_by(Case.account_key)
        .having(or_(in_short >= SHORT_LOCK_WINDOW.cases, total >= LONG_LOCK_WINDOW.cases))
        .order_by(total.desc(), Case.account_key)  # ties in one order on either engine
        .limit(limit)).all()
    if not found:
        return []
    long_ids = select(Case.id).where(_detected_live(long_from, today))
    names: dict[str, str] = {key: name for key, name in session.execute(
        select(Case.account_key, func.min(Case.account))
        .where(Case.account_key.in_([key for key, _, _ in found]),
               scanned_id(Case.id).in_(long_ids))
        .group_by(Case.account_key))}
    return [AccountOverThreshold(names[key], int(short or 0), int(count))
            for key, short, count in found]


def account_lock_counts(session: Session, account: str, today: date, *,
                        draft_detected_on: date | None = None,
                        exclude_case_id: int | None = None) -> AccountOverThreshold:
    """One account's counts as the case editor sees them: the stored cases, without the
    stored version of the case being edited, plus the case being recorded."""
    statement = _lock_counts(today).where(Case.account_key == account_key(account))
    if exclude_case_id is not None:
        statement = statement.where(Case.id != exclude_case_id)
    short, total = session.execute(statement).one()
    stored = AccountOverThreshold(account, int(short or 0), int(total))
    return stored.with_case(draft_detected_on, today)


def account_lock_codes(session: Session, account: str, today: date) -> tuple[str, ...]:
    """The codes of the cases `account_lock_counts` counts (a lock request names them)."""
    return tuple(session.execute(
        select(Case.code).where(_in_long_window(today), Case.account_key == account_key(account))
        .order_by(Case.detected_on, Case.code)).scalars())


def reply_overdue(today: date) -> ColumnElement[bool]:
    """Documents sent whose date for a reply has passed with no reply entered against them
    (the register of documents, `services/documents.py`)."""
    return and_(SentDocument.reply_by < today, unanswered())


def unanswered() -> ColumnElement[bool]:
    """Documents sent that no document received answers."""
    return ~select(ReceivedDocument.id).where(
        ReceivedDocument.answers_id == SentDocument.id).exists()


def overdue_reply_numbers(session: Session, today: date,
                          limit: int = 5) -> tuple[int, tuple[str, ...]]:
    """How many requests are `reply_overdue`, and the numbers of the oldest `limit`
    (`15/VHXH`), for the needs-action list."""
    rows = session.execute(
        select(SentDocument.number, SentDocument.symbol, SentDocument.year,
               func.count().over())
        .where(reply_overdue(today))
        .order_by(SentDocument.reply_by, SentDocument.id).limit(limit)).all()
    return (rows[0][3] if rows else 0,
            tuple(str(DocumentNumber(number, symbol, year)) for number, symbol, year, _ in rows))
