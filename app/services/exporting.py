"""Exporting every case with every field, event and child (the complete register), and
writing the empty import template.

It holds children's names in full, so only an administrator may run it, and it
is audited. Deleted cases and voided events are not part of the register and
are left out; evidence files are not exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.db import Database
from app.domain.events import EventInput
from app.errors import UserError
from app.importing.export import ExportCase, write_cases
from app.importing.template import write_template
from app.models import Case, Event
from app.services import audit, legal_basis, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.progress import CancelToken, Progress
from app.services.records import EventRecord, case_input, event_record

BATCH = 500


@dataclass(frozen=True)
class ExportResult:
    path: Path
    count: int


def export_cases(db: Database, actor: Actor, path: Path, *, date_from: date | None = None,
                 date_to: date | None = None, file_password: str | None = None,
                 progress: Progress | None = None,
                 token: CancelToken | None = None) -> ExportResult:
    """Write the cases detected in the period (all when no dates) to `path`, encrypted with
    `file_password` when one is given."""
    actor.require(Permission.EXPORT_FULL)
    if date_from and date_to and date_from > date_to:
        raise UserError(f"Khoảng thời gian không hợp lệ: ngày bắt đầu {date_from:%d/%m/%Y} sau "
                        f"ngày kết thúc {date_to:%d/%m/%Y}.")
    query = select(Case.id).where(Case.deleted_at.is_(None))
    if date_from:
        query = query.where(Case.detected_on >= date_from)
    if date_to:
        query = query.where(Case.detected_on <= date_to)
    with db.read() as session:
        ids = list(session.execute(query.order_by(Case.detected_on, Case.code)).scalars())
    citations = {p.id: p.citation for p in legal_basis.all_provisions(db)}
    count = write_cases(path, _cases(db, ids, progress, token), vocabulary.load(db), citations,
                        password=file_password)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT, detail={
            "file": path.name, "cases": count,
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
            "protected": bool(file_password),
        })
    return ExportResult(path, count)


def save_template(db: Database, path: Path) -> None:
    """The empty import template, with the drop-down lists of this office's vocabulary."""
    write_template(path, vocabulary.load(db))


def _cases(db: Database, ids: list[int], progress: Progress | None,
           token: CancelToken | None) -> Iterator[ExportCase]:
    """The cases of `ids` in that order, read a batch at a time."""
    for start in range(0, len(ids), BATCH):
        if token is not None:
            token.raise_if_cancelled()
        batch = ids[start:start + BATCH]
        with db.read() as session:
            cases = {case.id: case for case in session.execute(
                select(Case).where(Case.id.in_(batch)).options(
                    selectinload(Case.children), selectinload(Case.defamed_parties),
                    selectinload(Case.secondary_groups),
                    selectinload(Case.events).selectinload(Event.legal_bases),
                )).scalars()}
            for case_id in batch:
                case = cases[case_id]
                events = (event_record(e) for e in sorted(case.events,
                                                          key=lambda e: (e.occurred_on, e.id)))
                yield ExportCase(case.code, case_input(case),
                                 tuple(_event_input(e) for e in events if not e.voided))
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))


def _event_input(record: EventRecord) -> EventInput:
    return EventInput(record.kind, record.occurred_on, record.document_number, record.note,
                      record.sanction_form, record.fine_amount, record.signer, record.remedies,
                      record.closing_result, record.legal_basis_ids)
