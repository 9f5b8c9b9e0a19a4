"""Recording what was done about a case: dated events, closing and reopening."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain import checks
from app.domain.events import EventInput, closing_date, validate_event
from app.domain.fields import EVENT_BY_KEY
from app.domain.labels import PartyKind
from app.domain.sanctions import (
    DecisionFollowUp,
    Offender,
    RecordedDecision,
    case_problems,
    follow_up_problems,
    sanction_problems,
)
from app.domain.vocabulary import EventKind
from app.errors import UserError, ValidationError
from app.models import Case, Event, LegalProvision
from app.models.base import utcnow
from app.services import audit, legal_basis, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.case_rows import event_columns
from app.services.cases import load_case
from app.services.legal_basis import Provision
from app.services.records import CaseDetail, EventRecord, case_detail, case_input, event_record

Catalog = dict[int, Provision]


def catalog(db: Database) -> Catalog:
    """The legal-basis catalog by id: the ranges the minors' rule reads (a few dozen rows,
    read before the write transaction)."""
    return {p.id: p for p in legal_basis.all_provisions(db)}


def _check(session: Session, case: Case, data: EventInput, today: date, provisions: Catalog,
           replacing: int | None = None) -> None:
    existing = [event_record(e).fact for e in case.events]
    problems = validate_event(
        data,
        detected_on=case.detected_on,
        existing=existing,
        vocabulary=vocabulary.load_from(session),
        today=today,
        replacing=replacing,
    )
    problems += sanction_problems(
        data, offender=Offender.of(case_input(case)), act_on=case.act_on, existing=existing,
        replacing=replacing, adult_maximum=adult_maximum(
            provisions[i] for i in data.legal_basis_ids if i in provisions))
    if problems:
        raise ValidationError(problems)


def adult_maximum(provisions: Iterable[Provision]) -> int | None:
    """The highest fine for an adult person of `provisions`, summed (each is a violation),
    None when none states a range: what the minors' half is taken of."""
    highest = [bounds[1] for p in provisions if (bounds := p.fine_range(PartyKind.PERSON))]
    return sum(highest) if highest else None


def sanction_path_problems(case: Case, provisions: Catalog) -> list[str]:
    """The rules of the sanction path a stored case breaks (app.domain.sanctions)."""
    recorded = [event_record(e) for e in case.events]
    return [problem.message for problem in case_problems(
        (RecordedDecision(r.fact, r, adult_maximum(
            provisions[i] for i in r.legal_basis_ids if i in provisions)) for r in recorded),
        offender=Offender.of(case_input(case)), act_on=case.act_on)]


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


def _append(session: Session, case: Case, actor: Actor, data: EventInput) -> Event:
    """A checked event added to `case`, its status following."""
    event = Event(officer=actor.username, **event_columns(data))
    event.legal_bases = _provisions(session, data.legal_basis_ids)
    case.events.append(event)
    session.flush()
    _touch(case, actor)
    session.flush()
    return event


def add_event(db: Database, actor: Actor, case_id: int, data: EventInput, *,
              today: date | None = None) -> CaseDetail:
    actor.require(Permission.EDIT_CASES)
    event_data = data.normalised()
    provisions = catalog(db)
    with db.write() as session:
        case = load_case(session, case_id, for_update=True)
        _check(session, case, event_data, today or date.today(), provisions)
        event = _append(session, case, actor, event_data)
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
    provisions = catalog(db)
    with db.write() as session:
        event = _load_event(session, event_id)
        case = load_case(session, event.case_id, for_update=True)
        _check(session, case, event_data, today or date.today(), provisions,
               replacing=event.id)
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


def correct_decision(db: Database, actor: Actor, event_id: int, data: EventInput,
                     reason: str, *, today: date | None = None) -> CaseDetail:
    """"Sửa quyết định": a new sanction decision that voids decision `event_id`, in one
    transaction; the old one stays in the history and counts nowhere."""
    actor.require(Permission.EDIT_CASES)
    event_data = data.normalised()
    provisions = catalog(db)
    with db.write() as session:
        old = _load_event(session, event_id)
        if old.kind != EventKind.SANCTION or event_data.kind != EventKind.SANCTION:
            raise UserError("Chỉ sửa quyết định xử phạt bằng một quyết định xử phạt mới.")
        case = load_case(session, old.case_id, for_update=True)
        _check(session, case, event_data, today or date.today(), provisions,
               replacing=old.id)
        _void(old, actor, reason)
        new = _append(session, case, actor, event_data)
        audit.record(session, actor.username, AuditAction.EVENT_VOID, entity="case",
                     entity_uuid=case.uuid,
                     detail={"code": case.code, "event": old.uuid, "corrected_by": new.uuid})
        audit.record(session, actor.username, AuditAction.EVENT_ADD, entity="case",
                     entity_uuid=case.uuid,
                     detail={"code": case.code, "event": new.kind,
                             "date": new.occurred_on.isoformat(),
                             "amount": new.fine_amount, "corrects": old.uuid})
        return case_detail(case)


def record_follow_up(db: Database, actor: Actor, event_id: int, follow: DecisionFollowUp, *,
                     today: date | None = None) -> CaseDetail:
    """What followed sanction decision `event_id`: delivery, payment, enforcement."""
    actor.require(Permission.EDIT_CASES)
    data = follow.normalised()
    with db.write() as session:
        event = _load_event(session, event_id)
        case = load_case(session, event.case_id, for_update=True)
        problems = follow_up_problems(data, decision=event_record(event),
                                      today=today or date.today())
        if problems:
            raise ValidationError(problems)
        before = {key: getattr(event, key) for key in _FOLLOW_UP_KEYS}
        for key in _FOLLOW_UP_KEYS:
            setattr(event, key, getattr(data, key))
        _touch(case, actor)
        session.flush()
        audit.record(session, actor.username, AuditAction.EVENT_EDIT, entity="case",
                     entity_uuid=case.uuid,
                     detail={"code": case.code, "event": event.uuid, **audit.changes(
                         before, {key: getattr(data, key) for key in _FOLLOW_UP_KEYS},
                         EVENT_BY_KEY)})
        return case_detail(case)


_FOLLOW_UP_KEYS = tuple(f.name for f in dataclasses.fields(DecisionFollowUp))


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
    return input_of(event_record(event))


def input_of(record: EventRecord) -> EventInput:
    """A recorded event as it would be typed again (the dialog's "Sửa quyết định" starts
    from it)."""
    return EventInput(record.kind, record.occurred_on, record.document_number, record.note,
                      record.sanction_form, record.fine_amount, record.signer, record.remedies,
                      record.closing_result, record.legal_basis_ids, record.addressee,
                      record.decision_time)
