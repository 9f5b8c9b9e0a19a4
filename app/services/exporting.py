"""Exporting every case with every field, event and child (the complete register), and
writing the empty import template.

It holds children's names in full, so only an administrator may run it, and it
is audited with its purpose and recipient. An export holding any child (a child
of a case, or an offender under 16) is always encrypted, with a strong password,
and must say what it is for and who receives it. Deleted cases and voided events
are not part of the register and are left out; evidence files are not exported. Every
other recorded value is written (a decision's delivery, payment and enforcement too), so
that importing the file into another folder gives the same register.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from app.db import Database
from app.domain.case import PreparedCase
from app.domain.events import EventInput
from app.domain.fields import TRANSFER_BY_KEY
from app.domain.passwords import weak_file_password
from app.domain.protection import CHILD_AGE_LIMIT, Person, is_child, people_in
from app.domain.vocabulary import EventKind
from app.errors import FieldProblem, UserError, ValidationError
from app.importing.export import ExportCase, write_cases
from app.importing.template import write_template
from app.models import Case, Child, Event
from app.progress import CancelToken, Progress
from app.services import audit, legal_basis, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.records import EventRecord, case_input, event_record
from app.text import clean

BATCH = 500

PASSWORD_REQUIRED = (
    "Các vụ việc được xuất có thông tin trẻ em (trẻ em liên quan, hoặc đối tượng dưới "
    f"{CHILD_AGE_LIMIT} tuổi), nên tệp bắt buộc phải có mật khẩu mở tệp: nếu tệp bị thất lạc, "
    "không ai đọc được họ tên các em. Hãy đặt một mật khẩu mạnh và báo cho người nhận qua một "
    "đường khác (gọi điện, gặp trực tiếp), không gửi kèm tệp."
)
PURPOSE_REQUIRED = (
    "Chưa ghi mục đích xuất tệp: tệp có thông tin trẻ em nên phải ghi xuất để làm gì (ví dụ: "
    "gửi Sở theo công văn số …); mục đích được ghi vào nhật ký."
)
RECIPIENT_REQUIRED = (
    "Chưa ghi nơi nhận tệp: tệp có thông tin trẻ em nên phải ghi tệp giao cho cơ quan, người "
    "nào; nơi nhận được ghi vào nhật ký."
)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    count: int


@dataclass(frozen=True)
class _Plan:
    ids: list[int]
    holds_children: bool
    purpose: str | None
    recipient: str | None


def check_export(db: Database, actor: Actor, *, date_from: date | None = None,
                 date_to: date | None = None, file_password: str | None = None,
                 purpose: str | None = None, recipient: str | None = None) -> None:
    """Refuse now what `export_cases` would refuse with the same arguments, writing nothing:
    the window asks before the officer picks a file."""
    _plan(db, actor, date_from, date_to, file_password, purpose, recipient)


def export_cases(db: Database, actor: Actor, path: Path, *, date_from: date | None = None,
                 date_to: date | None = None, file_password: str | None = None,
                 purpose: str | None = None, recipient: str | None = None,
                 progress: Progress | None = None,
                 token: CancelToken | None = None) -> ExportResult:
    """Write the cases detected in the period (all when no dates) to `path`, encrypted with
    `file_password` when one is given (and it must be when they hold any child)."""
    plan = _plan(db, actor, date_from, date_to, file_password, purpose, recipient)
    citations = {p.id: p.citation for p in legal_basis.all_provisions(db)}
    cases = _cases(db, plan.ids, protected=file_password is not None, progress=progress,
                   token=token)
    count = write_cases(path, cases, vocabulary.load(db), citations, password=file_password)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT, detail={
            "file": path.name, "cases": count,
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
            "protected": file_password is not None,
            "children": plan.holds_children,
            "purpose": plan.purpose, "recipient": plan.recipient,
        })
    return ExportResult(path, count)


def save_template(db: Database, path: Path) -> None:
    """The empty import template, with the drop-down lists of this office's vocabulary."""
    write_template(path, vocabulary.load(db))


def _plan(db: Database, actor: Actor, date_from: date | None, date_to: date | None,
          file_password: str | None, purpose: str | None, recipient: str | None) -> _Plan:
    """The cases to export, once the actor, the period, the password and what a file
    holding children needs are accepted; every problem of the fields at once."""
    actor.require(Permission.EXPORT_FULL)
    if date_from and date_to and date_from > date_to:
        raise UserError(f"Khoảng thời gian không hợp lệ: ngày bắt đầu {date_from:%d/%m/%Y} sau "
                        f"ngày kết thúc {date_to:%d/%m/%Y}.")
    has_child = exists().where(Child.case_id == Case.id)
    query = select(Case.id, has_child, Case.offender_birth_date, Case.offender_birth_year,
                   Case.act_on).where(Case.deleted_at.is_(None))
    if date_from:
        query = query.where(Case.detected_on >= date_from)
    if date_to:
        query = query.where(Case.detected_on <= date_to)
    with db.read() as session:
        rows = session.execute(query.order_by(Case.detected_on, Case.code)).all()
    holds_children = any(child or _child_offender(born, year, act_on)
                         for _id, child, born, year, act_on in rows)
    problems: list[FieldProblem] = []
    if file_password is not None:
        weak = weak_file_password(file_password, actor.username)
        if weak is not None:
            problems.append(FieldProblem("file_password", weak))
    elif holds_children:
        problems.append(FieldProblem("file_password", PASSWORD_REQUIRED))
    purpose, recipient = clean(purpose), clean(recipient)
    for key, text, required in (("purpose", purpose, PURPOSE_REQUIRED),
                                ("recipient", recipient, RECIPIENT_REQUIRED)):
        field = TRANSFER_BY_KEY[key]
        if text is None and holds_children:
            problems.append(FieldProblem(key, required))
        elif text is not None and field.max_length and len(text) > field.max_length:
            problems.append(FieldProblem(key, f"«{field.label}» dài {len(text)} ký tự, vượt "
                                              f"quá giới hạn {field.max_length} ký tự: hãy ghi "
                                              "ngắn gọn."))
    if problems:
        raise ValidationError(problems)
    return _Plan([row[0] for row in rows], holds_children, purpose, recipient)


def _child_offender(birth_date: date | None, birth_year: int | None, act_on: date) -> bool:
    return is_child(Person("", birth_year, birth_date), act_on)


def _cases(db: Database, ids: list[int], *, protected: bool, progress: Progress | None,
           token: CancelToken | None) -> Iterator[ExportCase]:
    """The cases of `ids` in that order, read a batch at a time. A child added to one of them
    since the export was checked stops an unprotected export (nothing is written)."""
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
                data = case_input(case)
                if not protected and people_in(data).all:
                    raise UserError(PASSWORD_REQUIRED)
                live = [record for record in (event_record(e) for e in sorted(
                    case.events, key=lambda e: (e.occurred_on, e.id))) if not record.voided]
                yield ExportCase(case.code, PreparedCase(
                    data, tuple(_event_input(e) for e in live),
                    {index: e.follow_up for index, e in enumerate(live)
                     if e.kind == EventKind.SANCTION}))
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))


def _event_input(record: EventRecord) -> EventInput:
    return EventInput(record.kind, record.occurred_on, record.document_number, record.note,
                      record.sanction_form, record.fine_amount, record.signer, record.remedies,
                      record.closing_result, record.legal_basis_ids,
                      addressee=record.addressee, decision_time=record.decision_time)
