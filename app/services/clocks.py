"""The clocks running on a case (letters.md "Deadlines"), as its editor lists them.

Each clock's rule lives where the rest of the program reads it: the decision after a biên
bản and compliance with a fine in `app.domain.sanctions`, the limitation period and the
removal a platform owes in `app.domain.deadlines`, a request's reply date in the register
(`app.services.documents`). The "needs action" lists (`app.services.attention`) apply the
same rules to every case at once; this lists one case's clocks that are still running,
with the days left or past in the unit each counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.db import Database
from app.domain.case import ActDate
from app.domain.deadlines import (
    COMPLIANCE_CLOCK,
    LIMITATION_BASIS,
    REMOVAL_CLOCK,
    limitation_date,
)
from app.domain.documents import DOCUMENT_KIND_LABELS, DocumentKind, DocumentNumber
from app.domain.labels import (
    CLOCK_LABELS,
    DAY_UNIT_LABELS,
    OVERDUE,
    ClockKind,
    DayUnit,
    SanctionForm,
)
from app.domain.office import OfficeSettings
from app.domain.sanctions import (
    DECISION_TIME_BASIS,
    compliance_deadline,
    decision_deadline,
    decision_time,
)
from app.domain.vocabulary import EventKind
from app.domain.workdays import WorkCalendar
from app.errors import UserError
from app.models import Case, SentDocument
from app.services.actor import Actor, Permission
from app.services.attention import unanswered
from app.services.days_off import read_calendar
from app.services.records import EventRecord, case_input, event_record
from app.services.settings import read_office
from app.text import format_date


@dataclass(frozen=True)
class OpenClock:
    kind: ClockKind
    started: str  # what started it: «Biên bản ngày 02/06/2026»
    due: date  # its last day
    unit: DayUnit
    days_left: int  # in `unit`, after today up to `due`; negative once run out
    source: str

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def label(self) -> str:
        return CLOCK_LABELS[self.kind]

    def remaining(self) -> str:
        """`còn 3 ngày làm việc`, `hôm nay là ngày cuối`, `Quá hạn 2 ngày`."""
        unit = DAY_UNIT_LABELS[self.unit]
        if self.overdue:
            return f"{OVERDUE} {-self.days_left} {unit}"
        return "hôm nay là ngày cuối" if self.days_left == 0 else f"còn {self.days_left} {unit}"


@dataclass(frozen=True)
class WaitingRequest:
    """A document sent that expects a reply by a date and has none yet."""

    number: str
    kind: DocumentKind
    issued_on: date
    reply_by: date


def open_clocks(db: Database, actor: Actor, case_id: int, *,
                today: date | None = None) -> list[OpenClock]:
    """The clocks of the case still running, or run out with nothing done, soonest first."""
    actor.require(Permission.VIEW)
    with db.read() as session:
        case = session.get(Case, case_id, options=[selectinload(Case.events)])
        if case is None or case.deleted_at is not None:
            raise UserError("Không tìm thấy vụ việc (có thể đã bị xóa).")
        office, calendar = read_office(session), read_calendar(session)
        act = case_input(case).act_date
        events = [event_record(e) for e in case.events]
        waiting = [WaitingRequest(str(DocumentNumber(d.number, d.symbol, d.year)),
                                  DocumentKind(d.kind), d.issued_on, d.reply_by)
                   for d in session.execute(
                       select(SentDocument).where(SentDocument.cases.any(Case.id == case_id),
                                                  SentDocument.reply_by.is_not(None),
                                                  unanswered())).scalars()
                   if d.reply_by is not None]
    return case_clocks(events, act, closed=case.closed_on is not None, waiting=waiting,
                       office=office, calendar=calendar, today=today or date.today())


def case_clocks(events: Sequence[EventRecord], act: ActDate | None, *, closed: bool,
                waiting: Sequence[WaitingRequest], office: OfficeSettings,
                calendar: WorkCalendar, today: date) -> list[OpenClock]:
    """`open_clocks` of a case as read: its events, act's date, whether it is closed and the
    requests of the register that wait for a reply."""

    def clock(kind: ClockKind, started: str, due: date, unit: DayUnit,
              source: str) -> OpenClock:
        return OpenClock(kind, started, due, unit, _days_left(today, due, unit, calendar),
                         source)

    live = sorted((e for e in events if not e.voided), key=lambda e: (e.occurred_on, e.id))
    decided = any(e.kind == EventKind.SANCTION for e in live)
    found: list[OpenClock] = []
    records = [e for e in live if e.kind == EventKind.RECORD]
    if records and not decided and not closed:  # the latest biên bản, as the editor warns
        record = records[-1]
        _, unit = decision_time(record.decision_time, office)
        found.append(clock(ClockKind.DECISION, f"Biên bản ngày {format_date(record.occurred_on)}",
                           decision_deadline(record.occurred_on, record.decision_time, office,
                                             calendar), unit, DECISION_TIME_BASIS))
    for decision in live:  # followed after the case is closed, as the list does
        follow = decision.follow_up
        if (decision.kind == EventKind.SANCTION and decision.sanction_form is SanctionForm.FINE
                and follow.delivered_on is not None and not follow.settled):
            found.append(clock(ClockKind.COMPLIANCE,
                               f"Giao quyết định ngày {format_date(follow.delivered_on)}",
                               compliance_deadline(follow.delivered_on), COMPLIANCE_CLOCK.unit,
                               COMPLIANCE_CLOCK.source))
    # The limitation bounds the decision: moot once one is made or the case closed.
    if act is not None and not closed \
            and not any(e.kind in (EventKind.SANCTION, EventKind.CLOSE) for e in live):
        found.append(clock(ClockKind.LIMITATION, f"Hành vi kết thúc {act.shown}",
                           limitation_date(act.day), DayUnit.CALENDAR, LIMITATION_BASIS))
    if not closed and (removal := _unanswered_removal(live)) is not None:
        found.append(clock(ClockKind.REMOVAL, f"Yêu cầu gỡ ngày {format_date(removal)}",
                           removal + timedelta(days=REMOVAL_CLOCK.days), REMOVAL_CLOCK.unit,
                           REMOVAL_CLOCK.source))
    for request in waiting:
        found.append(clock(ClockKind.REPLY,
                           f"{DOCUMENT_KIND_LABELS[request.kind]} số {request.number} ngày "
                           f"{format_date(request.issued_on)}", request.reply_by,
                           office.reply_day_unit, "Sổ văn bản (hạn trả lời đơn vị đặt)"))
    return sorted(found, key=lambda c: (c.due, c.kind))


def _unanswered_removal(live: Sequence[EventRecord]) -> date | None:
    """The day of the latest removal request no removal followed (on or after it), as the
    "needs action" list reads it."""
    requested = [e.occurred_on for e in live if e.kind == EventKind.REMOVAL_REQUEST]
    if not requested:
        return None
    latest = requested[-1]
    removed = any(e.kind == EventKind.REMOVED and e.occurred_on >= latest for e in live)
    return None if removed else latest


def _days_left(today: date, due: date, unit: DayUnit, calendar: WorkCalendar) -> int:
    if unit is DayUnit.WORKING:
        return (calendar.working_days_between(today, due) if due >= today
                else -calendar.working_days_between(due, today))
    return (due - today).days
