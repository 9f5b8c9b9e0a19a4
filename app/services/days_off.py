"""The days off and the worked weekend days the government announces each year, kept by an
administrator, and the working-day calendar built from them (`app.domain.workdays`) that
every working-day clock is counted with: the decision after a biên bản, the reply a
request expects (`app.domain.deadlines.reply_due`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain.labels import ANNOUNCED_DAY_OFF, ANNOUNCED_WORKING_DAY, WEEKDAY_LABELS
from app.domain.workdays import WorkCalendar, public_holidays
from app.errors import FieldProblem, UserError, ValidationError
from app.models import AnnouncedDay
from app.services import audit
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.text import clean, format_date

NOTE_MAX = 200
# The working days without any announced day: what an announcement changes.
_BASE = WorkCalendar()


@dataclass(frozen=True)
class AnnouncedDayRecord:
    id: int
    day: date
    working: bool  # a weekend day worked ("làm bù"), else a day off
    note: str

    @property
    def kind_label(self) -> str:
        return ANNOUNCED_WORKING_DAY if self.working else ANNOUNCED_DAY_OFF


def _record(row: AnnouncedDay) -> AnnouncedDayRecord:
    return AnnouncedDayRecord(row.id, row.day, row.working, row.note)


def read_calendar(session: Session) -> WorkCalendar:
    """The office's working days: the library's calendar with the announced days."""
    rows = session.execute(select(AnnouncedDay.day, AnnouncedDay.working)).all()
    return WorkCalendar.of((day for day, working in rows if not working),
                           (day for day, working in rows if working))


def load_calendar(db: Database) -> WorkCalendar:
    with db.read() as session:
        return read_calendar(session)


def prepare(today: date) -> None:
    """Load the public holidays of `today`'s year ahead of need (from the table made of the
    `holidays` library; for a year outside it the library itself, ~0.15 s, most of it
    importing every country's calendar): the case list's first rows count working days to
    their deadlines on the UI thread."""
    public_holidays(today.year)


def announced_days(db: Database, year: int) -> list[AnnouncedDayRecord]:
    """The days announced for `year`, by date."""
    with db.read() as session:
        rows = session.execute(select(AnnouncedDay)
                               .where(extract("year", AnnouncedDay.day) == year)
                               .order_by(AnnouncedDay.day)).scalars()
        return [_record(row) for row in rows]


def _named(day: date) -> str:
    """`Thứ Bảy 10/04/2027`, to begin a sentence."""
    weekday = WEEKDAY_LABELS[day.weekday()]
    return f"{weekday[0].upper()}{weekday[1:]} {format_date(day)}"


def add_announced_day(db: Database, actor: Actor, day: date, *, working: bool,
                      note: str = "") -> AnnouncedDayRecord:
    """Record a day off (`working` False) or a weekend day worked (`working` True) the
    government announced."""
    actor.require(Permission.MANAGE_SETTINGS)
    text = clean(note) or ""
    if len(text) > NOTE_MAX:
        raise ValidationError([FieldProblem(
            "note", f"Ghi chú dài tối đa {NOTE_MAX} ký tự (đang có {len(text)}).")])
    if working and _BASE.is_working_day(day):
        raise ValidationError([FieldProblem(
            "day", f"{_named(day)} vốn là ngày làm việc: ngày làm bù là thứ "
                   "Bảy, Chủ nhật hoặc ngày lễ mà cơ quan phải đi làm.")])
    if not working and not _BASE.is_working_day(day):
        raise ValidationError([FieldProblem(
            "day", f"{_named(day)} vốn là ngày nghỉ (cuối tuần hoặc ngày lễ): "
                   "chỉ ghi ngày nghỉ thêm vào ngày làm việc.")])
    with db.write() as session:
        taken = session.execute(select(AnnouncedDay).where(AnnouncedDay.day == day)).scalar()
        if taken is not None:
            raise ValidationError([FieldProblem(
                "day", f"Ngày {format_date(day)} đã được ghi là «{_record(taken).kind_label}». "
                       "Muốn đổi, hãy xóa dòng đó trước.")])
        row = AnnouncedDay(day=day, working=working, note=text)
        session.add(row)
        session.flush()
        _audit(session, actor, row, "add")
        return _record(row)


def remove_announced_day(db: Database, actor: Actor, day_id: int) -> None:
    """Remove a day recorded by mistake or cancelled."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.write() as session:
        row = session.get(AnnouncedDay, day_id)
        if row is None:
            raise UserError("Không tìm thấy ngày này: có thể người khác vừa xóa. Hãy tải lại "
                            "danh sách.")
        _audit(session, actor, row, "remove")
        session.delete(row)


def _audit(session: Session, actor: Actor, row: AnnouncedDay, op: str) -> None:
    # The day and its kind only: the note is free text, which the log never keeps.
    audit.record(session, actor.username, AuditAction.SETTINGS_CHANGE, entity="announced_day",
                 entity_uuid=row.uuid,
                 detail={"op": op, "day": row.day.isoformat(), "working": row.working})
