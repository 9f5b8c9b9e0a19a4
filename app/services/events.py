"""Recording what was done about a case: dated events, closing and reopening."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain import checks
from app.domain.events import EventInput, closing_date, validate_event
from app.domain.fields import EVENT_BY_KEY
from app.domain.vocabulary import EventKind
from app.errors import UserError, ValidationError
from app.models import Case, Event, LegalProvision
from app.models.base import utcnow
from app.services import audit, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.case_rows import event_columns
from app.services.cases import load_case
from app.services.records import CaseDetail, case_detail, event_record


def _check(session: Session, case: Case, data: EventInput, today: date,
           replacing: int | None = None) -> None:
    problems = validate_event(
        data,
        detected_on=case.detected_on,
        existing=[event_record(e).fact for e in case.events],
        vocabulary=vocabulary.load_from(session),
        today=today,
        replacing=replacing,
    )
    if problems:
        raise ValidationError(problems)


def _provisions(session: Session, ids: tuple[int, ...]) -> list[LegalProvision]:
    if not ids:
        return []
    found = list(session.execute(
        select(LegalProvision).where(LegalProvision.id.in_(ids))
    ).scalars())
    if len(found) != len(set(ids)):
        raise UserError("Có căn cứ pháp lý đã chọn không còn trong danh mục.", field="legal_bases")
    return found


def _touch(case: Case, actor: Actor) -> None:
    """Status follows the events: recompute the closing date cache and mark the case saved."""
    case.closed_on = closing_date(event_record(e).fact for e in case.events)
    case.updated_at = utcnow()
    case.updated_by = actor.username


def add_event(db: Database, actor: Actor, case_id: int, data: EventInput, *,
              today: date | None = None) -> CaseDetail:
    actor.require(Permission.EDIT_CASES)
    event_data = data.normalised()
    with db.write() as session:
        case = load_case(session, case_id, for_update=True)
        _check(session, case, event_data, today or date.today())
        event = Event(officer=actor.username, **event_columns(event_data))
        event.legal_bases = _provisions(session, event_data.legal_basis_ids)
        case.events.append(event)
        session.flush()
        _touch(case, actor)
        session.flush()
        audit.record(session, actor.username, AuditAction.EVENT_ADD, entity="case",
                     entity_uuid=case.uuid,
                     detail={"code": case.code, "event": event.kind,
                             "date": event.occurred_on.isoformat(),
                             "amount": event.fine_amount})
        return case_detail(case)


def edit_event(db: Database, actor: Actor, event_id: int, data: EventInput, *,
               today: date | None = None) -> CaseDetail:
    actor.require(Permission.EDIT_CASES)
    event_data = data.normalised()
    with db.write() as session:
        event = _load_event(session, event_id)
        case = load_case(session, event.case_id, for_update=True)
        _check(session, case, event_data, today or date.today(), replacing=event.id)
        before = event_columns(_input_of(event))
        for key, value in event_columns(event_data).items():
            setattr(event, key, value)
        event.legal_bases = _provisions(session, event_data.legal_basis_ids)
        _touch(case, actor)
        session.flush()
        audit.record(session, actor.username, AuditAction.EVENT_EDIT, entity="case",
                     entity_uuid=case.uuid,
                     detail={"code": case.code, "event": event.uuid, **audit.changes(
                         before, event_columns(event_data), EVENT_BY_KEY)})
        return case_detail(case)


def void_event(db: Database, actor: Actor, event_id: int, reason: str) -> CaseDetail:
    """Strike out an event recorded by mistake; it stays in the history and counts nowhere."""
    actor.require(Permission.EDIT_CASES)
    with db.write() as session:
        event = _load_event(session, event_id)
        case = load_case(session, event.case_id, for_update=True)
        closing = event.kind == EventKind.CLOSE
        action = AuditAction.CASE_REOPEN if closing else AuditAction.EVENT_VOID
        _void(event, actor, reason)
        _touch(case, actor)
        session.flush()
        # The reason, free text that may name a child, stays on the event only.
        audit.record(session, actor.username, action, entity="case", entity_uuid=case.uuid,
                     detail={"code": case.code, "event": event.uuid})
        return case_detail(case)


def reopen_case(db: Database, actor: Actor, case_id: int, reason: str) -> CaseDetail:
    """Reopen a closed case: its closing event stays in the history and stops counting."""
    with db.read() as session:
        case = load_case(session, case_id)
        closing = [e for e in case.events if e.kind == EventKind.CLOSE and e.voided_at is None]
        if not closing:
            raise UserError(f"Vụ việc {case.code} đang xử lý, không cần mở lại.")
    return void_event(db, actor, closing[-1].id, reason)


def _void(event: Event, actor: Actor, reason: str) -> None:
    why = checks.reason(reason, "Cần ghi lý do.")
    event.voided_at = utcnow()
    event.voided_by = actor.username
    event.void_reason = why


def _load_event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise UserError("Không tìm thấy biện pháp xử lý.")
    if event.voided_at is not None:
        raise UserError("Biện pháp này đã được hủy, không sửa được.")
    return event


def _input_of(event: Event) -> EventInput:
    record = event_record(event)
    return EventInput(record.kind, record.occurred_on, record.document_number, record.note,
                      record.sanction_form, record.fine_amount, record.signer, record.remedies,
                      record.closing_result, record.legal_basis_ids)
