"""Recording, editing, deleting and restoring cases."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db import Database
from app.domain import checks
from app.domain.case import CaseInput, validate_case
from app.domain.fields import BY_KEY, CHOICE_BY_KEY
from app.domain.vocabulary import VocabList, Vocabulary
from app.errors import ConcurrentEditError, FieldProblem, UserError, ValidationError
from app.models import Case, CaseSecondaryGroup, Child, DefamedParty, Event
from app.models.base import utcnow
from app.services import audit, numbering, protection, settings, units, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.case_rows import case_columns, child_columns, defamed_columns
from app.services.records import CaseDetail, case_detail, case_input
from app.services.search import CaseRow, fetch_rows

# Every case value declared with its kind, for the audit log's record of an edit.
_CASE_FIELDS = {**BY_KEY, **CHOICE_BY_KEY}


def load_case(session: Session, case_id: int, *, for_update: bool = False) -> Case:
    query = select(Case)
    if for_update:
        # A writer's read locks the row (on a server; SQLite has one writer at a time): a
        # save on another PC meanwhile waits, then reads the version that one leaves.
        query = query.with_for_update(of=Case)
    case = session.execute(
        query
        .where(Case.id == case_id)
        .options(
            selectinload(Case.children),
            selectinload(Case.defamed_parties),
            selectinload(Case.secondary_groups),
            selectinload(Case.events).selectinload(Event.legal_bases),
            selectinload(Case.evidence),
            selectinload(Case.transfers),
        )
    ).scalar_one_or_none()
    if case is None:
        raise UserError("Không tìm thấy vụ việc (có thể đã bị xóa hẳn).")
    if for_update and case.deleted_at is not None:
        raise UserError(f"Vụ việc {case.code} đã bị xóa; hãy khôi phục trước khi sửa.")
    return case


def _validated(session: Session, data: CaseInput, today: date,
               own_id: int | None = None) -> tuple[CaseInput, Vocabulary]:
    clean = data.normalised()
    vocab = vocabulary.load_from(session)
    problems = validate_case(clean, vocab, today)
    if clean.code:
        # Within the unit that numbered the case: this office's for a new one.
        unit = (settings.read_office(session).unit_code if own_id is None else
                session.execute(select(Case.unit_code).where(Case.id == own_id)).scalar_one())
        holder = session.execute(select(Case.id).where(
            Case.unit_code == unit, Case.code == clean.code)).scalar()
        if holder is not None and holder != own_id:
            problems.append(FieldProblem("code", f"Mã vụ việc «{clean.code}» đã có trong sổ."))
    if problems:
        raise ValidationError(problems)
    return clean, vocab


def create_case(db: Database, actor: Actor, data: CaseInput, *,
                today: date | None = None) -> CaseDetail:
    actor.require(Permission.EDIT_CASES)
    with db.write() as session:
        clean, _ = _validated(session, data, today or date.today())
        assert clean.detected_on is not None
        office = settings.read_office(session)
        code = clean.code or numbering.reserve_codes(
            session, office.case_code_pattern, clean.detected_on.year, 1
        )[0]
        case = Case(created_by=actor.username, updated_by=actor.username,
                    recorded_unit=office.unit_name or None, unit_code=office.unit_code,
                    **case_columns(clean, code))
        _apply_collections(case, clean)
        session.add(case)
        session.flush()
        audit.record(session, actor.username, AuditAction.CASE_CREATE, entity="case",
                     entity_uuid=case.uuid, detail={"code": code})
        return case_detail(case)


def update_case(db: Database, actor: Actor, case_id: int, data: CaseInput, *,
                expected_version: int, today: date | None = None) -> CaseDetail:
    """Save an edited case; refused when someone saved it since `expected_version`."""
    actor.require(Permission.EDIT_CASES)
    with db.write() as session:
        case = load_case(session, case_id, for_update=True)
        if case.version != expected_version:
            raise ConcurrentEditError(
                f"Vụ việc {case.code} vừa được {case.updated_by} lưu lúc "
                f"{case.updated_at.astimezone():%H:%M %d/%m/%Y}, sau khi bạn mở nó. "
                "Thay đổi của bạn chưa được lưu: hãy mở lại vụ việc để xem bản mới rồi sửa tiếp."
            )
        clean, _ = _validated(session, data, today or date.today(), own_id=case.id)
        assert clean.detected_on is not None
        active = [e for e in case.events if e.voided_at is None]
        earliest = min((e.occurred_on for e in active), default=None)
        if earliest is not None and clean.detected_on > earliest:
            raise ValidationError([FieldProblem(
                "detected_on",
                f"«Ngày phát hiện» {clean.detected_on:%d/%m/%Y} sau ngày của một biện pháp "
                f"đã ghi ({earliest:%d/%m/%Y}).",
            )])
        before = case_input(case)
        for key, value in case_columns(clean, clean.code or case.code).items():
            setattr(case, key, value)
        _apply_collections(case, clean)
        case.updated_at = utcnow()
        case.updated_by = actor.username
        session.flush()
        audit.record(session, actor.username, AuditAction.CASE_UPDATE, entity="case",
                     entity_uuid=case.uuid,
                     detail={"code": case.code, **audit.changes(
                         _values(before), _values(case_input(case)), _CASE_FIELDS)})
        return case_detail(case)


def delete_case(db: Database, actor: Actor, case_id: int, reason: str) -> None:
    actor.require(Permission.DELETE_CASES)
    why = checks.reason(reason, "Cần ghi lý do xóa vụ việc.")
    with db.write() as session:
        case = load_case(session, case_id, for_update=True)
        case.deleted_at = utcnow()
        case.deleted_by = actor.username
        case.deleted_reason = why
        # The reason, free text that may name a child, stays on the case only.
        audit.record(session, actor.username, AuditAction.CASE_DELETE, entity="case",
                     entity_uuid=case.uuid, detail={"code": case.code})


def restore_case(db: Database, actor: Actor, case_id: int) -> CaseDetail:
    actor.require(Permission.DELETE_CASES)
    with db.write() as session:
        case = load_case(session, case_id)
        if case.deleted_at is None:
            raise UserError(f"Vụ việc {case.code} chưa bị xóa.")
        case.deleted_at = None
        case.deleted_by = None
        case.deleted_reason = None
        audit.record(session, actor.username, AuditAction.CASE_RESTORE, entity="case",
                     entity_uuid=case.uuid, detail={"code": case.code})
        return case_detail(case)


def get_case(db: Database, actor: Actor, case_id: int) -> CaseDetail:
    """A case with everything recorded on it; opening a case with children is audited. A
    role that may not see children gets them masked, and no evidence."""
    actor.require(Permission.VIEW)
    with db.write() as session:
        case = load_case(session, case_id)
        if case.children:
            audit.record(session, actor.username, AuditAction.CHILD_CASE_VIEW, entity="case",
                         entity_uuid=case.uuid, detail={"code": case.code})
        detail = case_detail(case)
        if actor.can(Permission.VIEW_CHILDREN):
            return detail
        platform = vocabulary.load_from(session).label(VocabList.PLATFORM, case.platform_code)
        return protection.masked_detail(detail, platform)


def ids_of_codes(db: Database, actor: Actor, codes: Sequence[str]) -> tuple[int, ...]:
    """The ids of the cases `codes` name (as typed on the command line: a code, or
    `UNIT/CODE` for another unit's, `app.domain.units`), in their order; a code not in
    the register is refused, naming it."""
    actor.require(Permission.VIEW)
    wanted = [code.strip() for code in codes if code.strip()]
    with db.read() as session:
        found = units.case_ids_of_refs(session, wanted,
                                       settings.read_office(session).unit_code)
    missing = [code for code in wanted if code not in found]
    if missing:
        raise UserError(f"Không có vụ việc mã {', '.join(missing)} trong sổ.", field="code")
    return tuple(dict.fromkeys(found[code] for code in wanted))


def list_rows(db: Database, actor: Actor, ids: list[int]) -> list[CaseRow]:
    """The case list's rows of `ids`; masked for a role that may not see children."""
    rows = fetch_rows(db, ids)
    if actor.can(Permission.VIEW_CHILDREN) or not rows:
        return rows
    vocab = vocabulary.load(db)
    with db.read() as session:
        masker = protection.RowMasker(session, [r.id for r in rows])
    return [masker.row(r, vocab.label(VocabList.PLATFORM, r.platform_code)) for r in rows]


def _apply_collections(case: Case, data: CaseInput) -> None:
    case.secondary_groups = [CaseSecondaryGroup(group_code=g)
                             for g in dict.fromkeys(data.secondary_groups)
                             if g != data.group_code]
    case.children = _sync(case.children, data.children, Child, child_columns)
    case.defamed_parties = _sync(case.defamed_parties, data.defamed, DefamedParty,
                                 defamed_columns)


def _sync(current: list[Any], wanted: tuple[Any, ...], model: Any,
          columns: Any) -> list[Any]:
    """Rows for `wanted`, reusing existing rows by UUID so identities stay stable."""
    by_uuid = {row.uuid: row for row in current}
    result = []
    for item in wanted:
        row = by_uuid.get(item.uuid) if item.uuid else None
        if row is None:
            row = model()
        for key, value in columns(item).items():
            setattr(row, key, value)
        result.append(row)
    return result


def _values(data: CaseInput) -> dict[str, Any]:
    return {f.name: getattr(data, f.name) for f in dataclasses.fields(CaseInput)}
