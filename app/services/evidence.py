"""Evidence files of a case: adding, listing, opening and removing them.

A file is accepted by its extension and by its first bytes, so a renamed file
is caught. Its original name is kept as display text only; the stored file is
named by its SHA-256 (`evidence_store`). Source links are followed, as the
file picker and drag-and-drop do: the name shown is the one the officer chose,
and the content is checked all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain import checks
from app.domain.evidence_files import (
    ALLOWED_TYPES,
    URL_LIMIT,
    FileType,
    display_name,
    file_type,
)
from app.domain.fields import LONG_TEXT_LIMIT
from app.domain.protection import people_in
from app.errors import UserError
from app.models import Case, Event, Evidence
from app.models.base import utcnow
from app.progress import CancelToken, Progress
from app.services import audit, settings
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.cases import load_case
from app.services.data_folder import refuse_inside
from app.services.evidence_store import (
    StagedFile,
    StoreChanges,
    clear_view_copies,
    read_content,
    staged,
    viewable_path,
    write_plain,
)
from app.services.records import EvidenceRecord, case_input, evidence_record
from app.text import clean


def accepted_type(name: str) -> FileType:
    """The type of a file offered as evidence under `name`; refused when not accepted."""
    found = file_type(name)
    if found is None:
        raise UserError(
            f"Không nhận tệp «{name}»: chỉ nhận ảnh, video, tài liệu PDF, Word, Excel và văn "
            f"bản, với đuôi {', '.join(ALLOWED_TYPES)}.", field="file")
    return found


@dataclass(frozen=True)
class AddedEvidence:
    record: EvidenceRecord
    # Codes of the other (not deleted) cases holding the same content, for the window to
    # say "this file is also evidence in VV2026-00012".
    also_in: tuple[str, ...]


def add_evidence(db: Database, actor: Actor, case_id: int, source: Path, *,
                 source_url: str | None = None, captured_at: datetime | None = None,
                 note: str | None = None, event_id: int | None = None,
                 progress: Progress | None = None,
                 token: CancelToken | None = None) -> AddedEvidence:
    """Copy `source` into the data folder as evidence of a case; audited."""
    [added] = add_evidence_files(db, actor, case_id, [source], source_url=source_url,
                                 captured_at=captured_at, note=note, event_id=event_id,
                                 progress=progress, token=token)
    return added


def add_evidence_files(db: Database, actor: Actor, case_id: int, sources: Sequence[Path], *,
                       source_url: str | None = None, captured_at: datetime | None = None,
                       note: str | None = None, event_id: int | None = None,
                       progress: Progress | None = None,
                       token: CancelToken | None = None) -> list[AddedEvidence]:
    """Copy `sources` into the data folder as evidence of a case, all or none: each is
    checked (its type by name and by content, its size, a copy already on the case) before
    any is stored, then all are stored in one transaction; each audited. The source link,
    time and note, if given, are the same for every file."""
    actor.require(Permission.EDIT_CASES)
    names = [display_name(source.name) for source in sources]
    kinds = [accepted_type(name) for name in names]  # a name refused before any copying
    url = clean(source_url)
    if url is not None and len(url) > URL_LIMIT:
        raise UserError(f"Đường dẫn nguồn dài quá {URL_LIMIT} ký tự.", field="source_url")
    text = clean(note)
    if text is not None and len(text) > LONG_TEXT_LIMIT:
        raise UserError(f"Ghi chú của tệp dài {len(text)} ký tự, vượt quá giới hạn "
                        f"{LONG_TEXT_LIMIT} ký tự.", field="note")
    # A time without a zone comes from the window's clock: local time.
    captured = captured_at.astimezone() if captured_at is not None else None
    if captured is not None and captured > utcnow():
        raise UserError("Thời điểm chụp, lưu tệp ở tương lai.", field="captured_at")
    with db.read() as session:
        load_case(session, case_id, for_update=True)  # refuse before copying a large file
        max_bytes = settings.read_office(session).evidence_max_mb << 20
    with ExitStack() as copies:
        staged_copies: list[StagedFile] = []
        for source, name, kind, share in zip(sources, names, kinds,
                                             _shares(progress, sources), strict=True):
            copy = copies.enter_context(staged(
                db.paths, source, name, data_key=db.data_key, max_bytes=max_bytes,
                progress=share, token=token))
            if not kind.content_matches(copy.head):
                raise UserError(f"Tệp «{name}» mang đuôi của {kind.label} nhưng nội dung "
                                "không phải (có thể đã bị đổi tên). Hãy chọn đúng tệp gốc.",
                                field="file")
            staged_copies.append(copy)
        with StoreChanges(db.paths) as files, db.write() as session:
            case = load_case(session, case_id, for_update=True)
            _check_event(session, case, event_id)
            items = []
            for copy, name, kind in zip(staged_copies, names, kinds, strict=True):
                # Flushed one by one: a file twice in the batch is refused as twice on the case.
                _refuse_same_case(session, case, copy.sha256)
                item = Evidence(sha256=copy.sha256, original_name=name, size=copy.size,
                                media_type=kind.media_type, source_url=url,
                                captured_at=captured, note=text, added_by=actor.username,
                                event_id=event_id)
                case.evidence.append(item)
                session.flush()
                audit.record(session, actor.username, AuditAction.EVIDENCE_ADD,
                             entity="case", entity_uuid=case.uuid,
                             detail=_audit_detail(case, item))
                items.append(item)
            added = [AddedEvidence(evidence_record(item), _also_in(session, case, item.sha256))
                     for item in items]
            for copy in staged_copies:
                files.place(session, copy)
            return added


def _shares(progress: Progress | None, sources: Sequence[Path]) -> list[Progress | None]:
    """Each source's copying progress as bytes of the whole batch (a source that cannot be
    read counts 0 here: copying it refuses it)."""
    if progress is None:
        return [None] * len(sources)
    report = progress
    sizes = []
    for source in sources:
        try:
            sizes.append(source.stat().st_size)
        except OSError:
            sizes.append(0)

    def share(before: int, after: int) -> Progress:
        return lambda done, total: report(before + done, before + total + after)

    return [share(sum(sizes[:i]), sum(sizes[i + 1:])) for i in range(len(sources))]


def _also_in(session: Session, case: Case, sha256: str) -> tuple[str, ...]:
    """The other cases, not deleted, holding the same content."""
    return tuple(session.execute(
        select(Case.code).join(Evidence, Evidence.case_id == Case.id)
        .where(Evidence.sha256 == sha256, Case.id != case.id, Case.deleted_at.is_(None))
        .distinct().order_by(Case.code)).scalars())


def _audit_detail(case: Case, item: Evidence) -> dict[str, object]:
    # Never the file's name: it may name a child, one of this case's or one recorded later;
    # the hash identifies the file all the same.
    return {"code": case.code, "evidence": item.uuid, "sha256": item.sha256, "size": item.size}


def _check_event(session: Session, case: Case, event_id: int | None) -> None:
    if event_id is None:
        return
    event = session.get(Event, event_id)
    if event is None or event.case_id != case.id:
        raise UserError(f"Biện pháp xử lý đã chọn không thuộc vụ việc {case.code}.",
                        field="event_id")
    if event.voided_at is not None:
        raise UserError("Biện pháp xử lý đã chọn đã bị hủy; hãy chọn biện pháp khác.",
                        field="event_id")


def _refuse_same_case(session: Session, case: Case, sha256: str) -> None:
    existing = session.execute(
        select(Evidence).where(Evidence.case_id == case.id, Evidence.sha256 == sha256).limit(1)
    ).scalar_one_or_none()
    if existing is not None:
        raise UserError(
            f"Tệp này đã có trong chứng cứ của vụ việc {case.code} với tên «"
            f"{existing.original_name}» (do {existing.added_by} thêm lúc "
            f"{existing.added_at.astimezone():%H:%M %d/%m/%Y}).", field="file")


def remove_evidence(db: Database, actor: Actor, evidence_id: int, reason: str) -> None:
    """Take a file off a case; its content is deleted once no case refers to it."""
    actor.require(Permission.EDIT_CASES)
    # Asked for so that removing is deliberate, but kept nowhere: the file's row goes, and
    # the audit log keeps no free text (a reason may name a child).
    checks.reason(reason, "Cần ghi lý do gỡ tệp chứng cứ.")
    with StoreChanges(db.paths) as files, db.write() as session:
        item = _load(session, evidence_id)
        case = load_case(session, item.case_id, for_update=True)
        detail = _audit_detail(case, item)
        session.delete(item)
        session.flush()
        audit.record(session, actor.username, AuditAction.EVIDENCE_REMOVE, entity="case",
                     entity_uuid=case.uuid, detail=detail)
        files.remove(session, item.sha256)


def open_evidence(db: Database, actor: Actor, evidence_id: int) -> Path:
    """The file to show at full view or hand to the system viewer.

    The officer has chosen to look: on a case with children that is child data
    being viewed, so it is audited.
    """
    actor.require(Permission.VIEW)
    with db.write() as session:
        item = _load(session, evidence_id)
        if not actor.can(Permission.VIEW_CHILDREN) and _protected(item.case):
            actor.require(Permission.VIEW_CHILDREN)
        path = viewable_path(db.paths, item.sha256, db.data_key,
                             Path(item.original_name).suffix)
        if item.case.has_children:
            audit.record(session, actor.username, AuditAction.EVIDENCE_VIEW, entity="case",
                         entity_uuid=item.case.uuid,
                         detail={"code": item.case.code, "evidence": item.uuid})
        return path


def save_copy(db: Database, actor: Actor, evidence_id: int, target: Path) -> None:
    """«Lưu bản sao…»: the file decrypted where the officer chooses, to open it on another
    computer or hand it on. It leaves the program's protection, so it is audited as an
    export whatever the case, and may not lie decrypted inside the data folder."""
    actor.require(Permission.VIEW)
    refuse_inside(db.paths, target, "Bản sao chứng cứ (đã giải mã)")
    with db.write() as session:
        item = _load(session, evidence_id)
        if _protected(item.case):
            actor.require(Permission.VIEW_CHILDREN)
        try:
            write_plain(db.paths, item.sha256, db.data_key, target)
        except OSError as exc:
            raise UserError(f"Không lưu được bản sao vào «{target}»: thư mục không ghi được "
                            "hoặc đã đầy. Hãy chọn nơi khác.") from exc
        audit.record(session, actor.username, AuditAction.EXPORT, entity="case",
                     entity_uuid=item.case.uuid,
                     detail={"kind": "evidence_copy", "code": item.case.code,
                             "evidence": item.uuid})


def discard_view_copies(db: Database) -> None:
    """Remove the decrypted copies made for the system viewer (at start and close)."""
    clear_view_copies(db.paths)


def thumbnail_content(db: Database, record: EvidenceRecord) -> bytes:
    """The picture a thumbnail is drawn from, decrypted in memory; not audited, since the
    window blurs the thumbnail when `record.conceal_preview`."""
    return read_content(db.paths, record.sha256, db.data_key)


WITHHELD = ("Bạn không được xem chứng cứ của vụ việc có trẻ em (ảnh, video "
            "thường để lộ mặt, tên các em).")


def withheld(db: Database, actor: Actor, case_id: int) -> bool:
    """Whether the case's files are kept from `actor`: a case with protected people, and a
    role that may not see children."""
    if actor.can(Permission.VIEW_CHILDREN):
        return False
    with db.read() as session:
        return _protected(load_case(session, case_id))


def list_evidence(db: Database, actor: Actor, case_id: int) -> list[EvidenceRecord]:
    """A case's files; none when they are `withheld` from the actor."""
    if withheld(db, actor, case_id):
        return []
    with db.read() as session:
        return [evidence_record(e) for e in session.execute(
            select(Evidence).where(Evidence.case_id == case_id).order_by(Evidence.id)
        ).scalars()]


def _protected(case: Case) -> bool:
    return case.has_children or bool(people_in(case_input(case)).all)


def _load(session: Session, evidence_id: int) -> Evidence:
    item = session.get(Evidence, evidence_id)
    if item is None:
        raise UserError("Không tìm thấy tệp chứng cứ (có thể đã được gỡ).")
    return item
