"""The register of documents (sổ văn bản đi, đến): entering, numbering, linking, listing.

A document sent takes the next number of its symbol for the year of its date
(`app.domain.documents`); the write session holds the database's lock from its first
statement (BEGIN IMMEDIATE), so two officers entering at once get two numbers, and the
unique (symbol, year, number) constraint stands behind it. A document received may answer
a request sent, which ends that request's wait for a reply. The signed copy of a document
sent is stored as evidence is: encrypted, named by its SHA-256 (`evidence_store`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.db import Database
from app.db.storage import serialise
from app.domain.deadlines import reply_due
from app.domain.documents import (
    DOCUMENT_KIND_LABELS,
    REQUEST_KINDS,
    DocumentKind,
    DocumentNumber,
)
from app.domain.evidence_files import display_name, file_type
from app.domain.fields import LONG_TEXT_LIMIT
from app.domain.labels import OVERDUE
from app.domain.office import OfficeSettings
from app.domain.protection import Masker
from app.domain.search_keys import case_search_key
from app.domain.vocabulary import VocabList
from app.domain.workdays import WorkCalendar
from app.errors import UserError
from app.models import Case, Event, ReceivedDocument, SentDocument
from app.progress import CancelToken, Progress
from app.services import audit, settings, vocabulary
from app.services.actor import Actor, Permission
from app.services.attention import overdue_reply_numbers, reply_overdue
from app.services.audit import AuditAction
from app.services.cases import ids_of_codes
from app.services.days_off import read_calendar
from app.services.evidence_store import StoreChanges, staged, viewable_path
from app.services.protection import people_by_case, people_to_mask
from app.services.table_export import write_table
from app.text import clean, fold

# The signed copy: a scan (picture or PDF) or the signed file itself.
SIGNED_COPY_TYPES = ("pdf", "jpg", "jpeg", "png", "tif", "tiff", "doc", "docx")
NAME_LIMIT = 300


class Direction(StrEnum):
    SENT = "sent"
    RECEIVED = "received"


DIRECTION_LABELS: dict[Direction, str] = {Direction.SENT: "Đi", Direction.RECEIVED: "Đến"}


@dataclass(frozen=True)
class RegisterEntry:
    """One line of the register, sent or received."""

    direction: Direction
    id: int
    on: date  # the date of a document sent, the day one was received
    number: str  # `15/GM-VHXH`; a received document's own number as it reads
    kind: DocumentKind | None  # a document sent's
    counterpart: str  # recipients of a document sent, the sender of one received
    subject: str
    signer: str
    case_ids: tuple[int, ...]
    case_codes: tuple[str, ...]
    reply_by: date | None = None
    # A request's replies (their numbers or senders); a reply's request (its number).
    linked: tuple[str, ...] = ()
    overdue: bool = False
    signed_copy: str | None = None  # the attached signed copy's name
    event_id: int | None = None

    @property
    def kind_label(self) -> str:
        return DOCUMENT_KIND_LABELS[self.kind] if self.kind is not None else "Văn bản đến"


@dataclass(frozen=True)
class RegisterQuery:
    direction: Direction | None = None
    kind: DocumentKind | None = None
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    overdue: bool = False  # requests whose reply is late (documents sent only)
    text: str = ""


@dataclass(frozen=True)
class ReceivedInput:
    sender: str
    received_on: date
    their_number: str | None = None
    their_date: date | None = None
    subject: str | None = None
    case_ids: tuple[int, ...] = ()
    answers_id: int | None = None  # the request sent it answers


@dataclass(frozen=True)
class RequestChoice:
    """A request sent still awaiting a reply, as the «Ghi văn bản đến» dialog offers it."""

    id: int
    number: str
    issued_on: date
    kind: DocumentKind
    case_codes: tuple[str, ...]
    reply_by: date | None
    case_ids: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        codes = ", ".join(self.case_codes)
        return (f"Số {self.number} ngày {self.issued_on:%d/%m/%Y} — "
                f"{DOCUMENT_KIND_LABELS[self.kind]}" + (f" ({codes})" if codes else ""))


@dataclass(frozen=True)
class CaseChoice:
    """A case a document may belong to, with its live events (id, «Lập biên bản ngày …»)."""

    id: int
    code: str
    events: tuple[tuple[int, str], ...]


def cases_by_code(db: Database, actor: Actor, codes: Sequence[str]) -> list[CaseChoice]:
    """The cases of `codes` in the order typed (`cases.ids_of_codes`), with their events."""
    if not any(code.strip() for code in codes):
        raise UserError("Hãy ghi mã ít nhất một vụ việc mà văn bản thuộc về.",
                        field="case_ids")
    ids = ids_of_codes(db, actor, codes)
    with db.read() as session:
        found = {case.id: case for case in session.execute(
            select(Case).where(Case.id.in_(ids)).options(selectinload(Case.events))).scalars()}
        words = vocabulary.load_from(session)
        return [CaseChoice(case.id, case.code, tuple(
            (e.id, f"{case.code}: {words.label(VocabList.EVENT, e.kind)} ngày "
                   f"{e.occurred_on:%d/%m/%Y}")
            for e in sorted(case.events, key=lambda e: (e.occurred_on, e.id))
            if e.voided_at is None))
            for case in (found[case_id] for case_id in ids)]


@dataclass(frozen=True)
class ReplyClock:
    """The office's reply clock, for the date a request is expected to be answered by."""

    office: OfficeSettings
    calendar: WorkCalendar

    def reply_by(self, kind: DocumentKind, issued_on: date) -> date | None:
        return (reply_due(issued_on, self.office, self.calendar) if kind in REQUEST_KINDS
                else None)


def reply_clock(db: Database) -> ReplyClock:
    with db.read() as session:
        return ReplyClock(settings.read_office(session), read_calendar(session))


def _text(value: str | None, label: str, limit: int, name: str) -> str | None:
    text = clean(value)
    if text is not None and len(text) > limit:
        raise UserError(f"{label} dài {len(text)} ký tự, vượt quá giới hạn {limit} ký tự.",
                        field=name)
    return text


def _cases(session: Session, case_ids: Sequence[int]) -> list[Case]:
    found = list(session.execute(select(Case).where(Case.id.in_(set(case_ids)))
                                 .order_by(Case.code)).scalars())
    if len(found) != len(set(case_ids)):
        raise UserError("Không tìm thấy vụ việc đã chọn (có thể đã bị xóa hẳn).",
                        field="case_ids")
    deleted = [case.code for case in found if case.deleted_at is not None]
    if deleted:
        raise UserError(f"Vụ việc {', '.join(deleted)} đã bị xóa; hãy khôi phục trước khi "
                        "ghi văn bản.", field="case_ids")
    return found


def _number(document: SentDocument) -> DocumentNumber:
    return DocumentNumber(document.number, document.symbol, document.year)


def next_number(session: Session, symbol: str, year: int) -> int:
    """The number after the highest of `symbol` in `year`: a new year starts at 1 (a
    writer beside this one waits until this transaction ends)."""
    serialise(session.connection(), f"document-number:{symbol}:{year}")
    last = session.execute(select(func.max(SentDocument.number)).where(
        SentDocument.symbol == symbol, SentDocument.year == year)).scalar_one()
    return int(last or 0) + 1


def _refuse_used(session: Session, number: DocumentNumber) -> None:
    used = session.execute(select(SentDocument).where(
        SentDocument.symbol == number.symbol, SentDocument.year == number.year,
        SentDocument.number == number.number)
        .options(selectinload(SentDocument.cases))).scalar_one_or_none()
    if used is None:
        return
    codes = ", ".join(case.code for case in used.cases)
    raise UserError(
        f"Số {number} năm {number.year} đã dùng cho "
        f"{DOCUMENT_KIND_LABELS[DocumentKind(used.kind)].lower()} ngày "
        f"{used.issued_on:%d/%m/%Y}" + (f" (vụ việc {codes})" if codes else "")
        + ". Hãy để trống ô số để lấy số tiếp theo, hoặc ghi số khác.", field="number")


def enter_drafted(db: Database, actor: Actor, kind: DocumentKind, case_ids: Sequence[int],
                  event_id: int | None, *, issued_on: date, recipients: str | None = None,
                  signer: str | None = None, subject: str | None = None,
                  reply_by: date | None = None, number: int | None = None,
                  children_basis: str | None = None,
                  write: Callable[[RegisterEntry], None] | None = None) -> RegisterEntry:
    """Enter a document sent in the register with the next number of its symbol for the
    year of `issued_on` (or `number` typed by hand, refused when already used); audited.

    `write` is called with the entry before it is committed: a drafted document's files
    are written then, so the number they print is the number entered, and if writing
    fails nothing is entered. `children_basis`: a leader named the cases' children in the
    document for its recipients, on this legal basis (kept in the audit row)."""
    actor.require(Permission.EDIT_CASES)
    if not case_ids:
        raise UserError("Hãy chọn ít nhất một vụ việc mà văn bản thuộc về.", field="case_ids")
    if number is not None and number <= 0:
        raise UserError("Số văn bản phải là số nguyên dương.", field="number")
    if reply_by is not None and reply_by < issued_on:
        raise UserError("Hạn trả lời phải từ ngày ban hành văn bản trở đi.", field="reply_by")
    recipients = _text(recipients, "Nơi nhận", LONG_TEXT_LIMIT, "recipients")
    signer = _text(signer, "Người ký", 200, "signer")
    subject = _text(subject, "Trích yếu", LONG_TEXT_LIMIT, "subject")
    with db.write() as session:
        found = _cases(session, case_ids)
        _check_event(session, found, event_id)
        symbol = settings.read_office(session).document_symbol(kind)
        year = issued_on.year
        if number is None:
            number = next_number(session, symbol, year)
        else:
            _refuse_used(session, DocumentNumber(number, symbol, year))
        document = SentDocument(
            kind=kind, symbol=symbol, year=year, number=number, issued_on=issued_on,
            recipients=recipients, signer=signer, subject=subject, event_id=event_id,
            reply_by=reply_by, entered_by=actor.username)
        document.cases = found
        shown = _number(document)
        document.search_key = case_search_key(str(shown), DOCUMENT_KIND_LABELS[kind], recipients,
                                          signer, subject, *(c.code for c in found))
        session.add(document)
        session.flush()
        detail: dict[str, object] = {"document_number": str(shown), "document_kind": str(kind),
                                     "date": issued_on.isoformat(),
                                     "codes": [c.code for c in found]}
        if children_basis is not None:
            detail.update(children_unmasked=True, children_basis=children_basis,
                          recipients=recipients or "")
        audit.record(session, actor.username, AuditAction.DOCUMENT_SEND, entity="document",
                     entity_uuid=document.uuid, detail=detail)
        entry = _sent_entry(document, None)
        if write is not None:
            write(entry)
        return entry


def _check_event(session: Session, found: list[Case], event_id: int | None) -> None:
    if event_id is None:
        return
    event = session.get(Event, event_id)
    if event is None or event.case_id not in {case.id for case in found}:
        raise UserError("Biện pháp xử lý đã chọn không thuộc vụ việc của văn bản.",
                        field="event_id")
    if event.voided_at is not None:
        raise UserError("Biện pháp xử lý đã chọn đã bị hủy; hãy chọn biện pháp khác.",
                        field="event_id")


def enter_received(db: Database, actor: Actor, data: ReceivedInput) -> RegisterEntry:
    """Enter a document received; linked to the request it answers, it ends that request's
    wait (and belongs to that request's cases when none are chosen); audited."""
    actor.require(Permission.EDIT_CASES)
    sender = _text(data.sender, "Cơ quan gửi", NAME_LIMIT, "sender")
    if sender is None:
        raise UserError("Hãy ghi cơ quan, tổ chức gửi văn bản.", field="sender")
    their_number = _text(data.their_number, "Số, ký hiệu văn bản đến", 100, "their_number")
    subject = _text(data.subject, "Trích yếu", LONG_TEXT_LIMIT, "subject")
    if data.their_date is not None and data.their_date > data.received_on:
        raise UserError("Ngày của văn bản đến sau ngày nhận.", field="their_date")
    with db.write() as session:
        request: SentDocument | None = None
        if data.answers_id is not None:
            request = session.get(SentDocument, data.answers_id)
            if request is None:
                raise UserError("Không tìm thấy văn bản đi mà văn bản này trả lời.",
                                field="answers_id")
            if data.received_on < request.issued_on:
                raise UserError(f"Văn bản đến nhận ngày {data.received_on:%d/%m/%Y}, trước "
                                f"ngày văn bản số {_number(request)} được gửi "
                                f"({request.issued_on:%d/%m/%Y}).", field="received_on")
        case_ids = data.case_ids or (tuple(c.id for c in request.cases) if request else ())
        found = _cases(session, case_ids) if case_ids else []
        document = ReceivedDocument(
            sender=sender, their_number=their_number, their_date=data.their_date,
            received_on=data.received_on, subject=subject, answers=request,
            entered_by=actor.username)
        document.cases = found
        document.search_key = case_search_key(their_number, sender, subject,
                                          *(c.code for c in found))
        session.add(document)
        session.flush()
        detail: dict[str, object] = {"date": data.received_on.isoformat(),
                                     "codes": [c.code for c in found]}
        if request is not None:
            detail["answers"] = str(_number(request))
        audit.record(session, actor.username, AuditAction.DOCUMENT_RECEIVE, entity="document",
                     entity_uuid=document.uuid, detail=detail)
        return _received_entry(document)


def attach_signed_copy(db: Database, actor: Actor, document_id: int, source: Path, *,
                       progress: Progress | None = None,
                       token: CancelToken | None = None) -> RegisterEntry:
    """Keep the signed copy (a scan or the signed PDF) of a document sent; a copy attached
    before is replaced. Stored encrypted by its SHA-256, as evidence is; audited."""
    actor.require(Permission.EDIT_CASES)
    name = display_name(source.name)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    kind = file_type(name)
    if kind is None or extension not in SIGNED_COPY_TYPES:
        raise UserError(f"Không nhận tệp «{name}» làm bản đã ký: chỉ nhận bản quét hoặc tệp "
                        f"đã ký, với đuôi {', '.join(SIGNED_COPY_TYPES)}.", field="file")
    with db.read() as session:
        _load_sent(session, document_id)
        max_bytes = settings.read_office(session).evidence_max_mb << 20
    with staged(db.paths, source, name, data_key=db.data_key, max_bytes=max_bytes,
                progress=progress, token=token) as copy:
        if not kind.content_matches(copy.head):
            raise UserError(f"Tệp «{name}» mang đuôi của {kind.label} nhưng nội dung không "
                            "phải (có thể đã bị đổi tên). Hãy chọn đúng tệp gốc.", field="file")
        with StoreChanges(db.paths) as files, db.write() as session:
            document = _load_sent(session, document_id)
            replaced = document.signed_sha256
            document.signed_sha256, document.signed_name = copy.sha256, name
            document.signed_size = copy.size
            session.flush()
            audit.record(session, actor.username, AuditAction.DOCUMENT_SIGNED_COPY,
                         entity="document", entity_uuid=document.uuid,
                         detail={"document_number": str(_number(document)),
                                 "sha256": copy.sha256, "size": copy.size})
            files.place(session, copy)
            if replaced is not None and replaced != copy.sha256:
                files.remove(session, replaced)
            return _sent_entry(document, None)


def signed_copy_hashes() -> Select[str | None]:
    """The stored contents the register's signed copies hold (a backup carries them)."""
    return select(SentDocument.signed_sha256).where(SentDocument.signed_sha256.is_not(None))


def open_signed_copy(db: Database, actor: Actor, document_id: int) -> Path:
    """A decrypted copy of the signed copy for the system viewer; refused to a role that
    may not see children when a case of the document has any."""
    actor.require(Permission.VIEW)
    with db.read() as session:
        document = _load_sent(session, document_id)
        # A scan names its cases' children as the evidence does: kept from the same roles.
        if not actor.can(Permission.VIEW_CHILDREN) \
                and people_by_case(session, [c.id for c in document.cases]):
            actor.require(Permission.VIEW_CHILDREN)
        if document.signed_sha256 is None or document.signed_name is None:
            raise UserError(f"Văn bản số {_number(document)} chưa có bản đã ký.")
        return viewable_path(db.paths, document.signed_sha256, db.data_key,
                             Path(document.signed_name).suffix)


def _load_sent(session: Session, document_id: int) -> SentDocument:
    document = session.get(SentDocument, document_id)
    if document is None:
        raise UserError("Không tìm thấy văn bản đi (có thể đã bị xóa).")
    return document


def register(db: Database, actor: Actor, query: RegisterQuery, *, today: date | None = None,
             masked: bool = False) -> list[RegisterEntry]:
    """The register's lines matching `query`, newest first (documents sent before those
    received on the same day). Their texts are masked by the children's rule for a role
    that may not see children, and when `masked` (a file leaving the office)."""
    actor.require(Permission.VIEW)
    today = today or date.today()
    entries: list[RegisterEntry] = []
    with db.read() as session:
        if query.direction in (None, Direction.SENT):
            entries += [_sent_entry(d, today) for d in session.execute(
                _sent_query(query, today)).scalars()]
        if query.direction in (None, Direction.RECEIVED) and not query.overdue \
                and query.kind is None:
            entries += [_received_entry(d) for d in session.execute(
                _received_query(query)).scalars()]
        if masked or not actor.can(Permission.VIEW_CHILDREN):
            entries = _masked(session, entries, leaving=masked)
    order = {Direction.SENT: 0, Direction.RECEIVED: 1}
    return sorted(entries, key=lambda e: (-e.on.toordinal(), order[e.direction], -e.id))


def overdue_replies(db: Database, actor: Actor, *,
                    today: date | None = None) -> list[RegisterEntry]:
    """Requests whose date for a reply has passed with no reply entered, the oldest first."""
    found = register(db, actor, RegisterQuery(direction=Direction.SENT, overdue=True),
                     today=today)
    return sorted(found, key=lambda e: (e.reply_by or e.on, e.id))


@dataclass(frozen=True)
class OverdueReplies:
    """The dashboard's line: how many requests wait too long, the first numbers."""

    count: int
    first_numbers: tuple[str, ...]


def overdue_summary(db: Database, today: date | None = None) -> OverdueReplies:
    with db.read() as session:
        return OverdueReplies(*overdue_reply_numbers(session, today or date.today()))


def awaiting_reply(db: Database, actor: Actor) -> list[RequestChoice]:
    """The requests sent that no reply answers yet, the newest first: what a document
    received may answer."""
    actor.require(Permission.VIEW)
    with db.read() as session:
        rows = session.execute(
            select(SentDocument).where(
                SentDocument.kind.in_([str(k) for k in REQUEST_KINDS]),
                ~exists().where(ReceivedDocument.answers_id == SentDocument.id))
            .options(selectinload(SentDocument.cases))
            .order_by(SentDocument.issued_on.desc(), SentDocument.id.desc())).scalars()
        return [RequestChoice(d.id, str(_number(d)), d.issued_on, DocumentKind(d.kind),
                              tuple(c.code for c in d.cases), d.reply_by,
                              tuple(c.id for c in d.cases)) for d in rows]


def _masked(session: Session, entries: list[RegisterEntry], *,
            leaving: bool) -> list[RegisterEntry]:
    """Recipients, senders and subjects through the masking rule of every case a document
    belongs to (`app.domain.protection`); `leaving` the office, also the names of every
    other case's children, which a document about one case may name."""
    people = people_to_mask(session, sorted({c for e in entries for c in e.case_ids}),
                            leaving=leaving)
    if not people:
        return entries
    masker = Masker({case: found.all for case, found in people.items()})

    def text(entry: RegisterEntry, value: str) -> str:
        for case_id in entry.case_ids or (None,):
            value = masker.mask(value, case_id)
        return value

    return [dataclasses.replace(e, counterpart=text(e, e.counterpart),
                                subject=text(e, e.subject), signer=text(e, e.signer))
            for e in entries]


def _sent_query(query: RegisterQuery, today: date) -> Select[SentDocument]:
    statement = select(SentDocument).options(
        selectinload(SentDocument.cases), selectinload(SentDocument.replies))
    if query.kind is not None:
        statement = statement.where(SentDocument.kind == str(query.kind))
    if query.year is not None:
        statement = statement.where(SentDocument.year == query.year)
    if query.date_from is not None:
        statement = statement.where(SentDocument.issued_on >= query.date_from)
    if query.date_to is not None:
        statement = statement.where(SentDocument.issued_on <= query.date_to)
    if query.overdue:
        statement = statement.where(reply_overdue(today))
    for word in fold(query.text).split():
        statement = statement.where(SentDocument.search_key.contains(word, autoescape=True))
    return statement


def _received_query(query: RegisterQuery) -> Select[ReceivedDocument]:
    statement = select(ReceivedDocument).options(
        selectinload(ReceivedDocument.cases), selectinload(ReceivedDocument.answers))
    if query.year is not None:
        statement = statement.where(
            ReceivedDocument.received_on >= date(query.year, 1, 1),
            ReceivedDocument.received_on <= date(query.year, 12, 31))
    if query.date_from is not None:
        statement = statement.where(ReceivedDocument.received_on >= query.date_from)
    if query.date_to is not None:
        statement = statement.where(ReceivedDocument.received_on <= query.date_to)
    words = fold(query.text).split()
    for word in words:
        # A reply is found by the number of the request it answers, too.
        statement = statement.where(or_(
            ReceivedDocument.search_key.contains(word, autoescape=True),
            ReceivedDocument.answers.has(SentDocument.search_key.contains(word,
                                                                          autoescape=True))))
    return statement


def _sent_entry(document: SentDocument, today: date | None) -> RegisterEntry:
    replies = tuple(r.their_number or r.sender for r in document.replies)
    overdue = (today is not None and document.reply_by is not None
               and document.reply_by < today and not replies)
    return RegisterEntry(
        Direction.SENT, document.id, document.issued_on, str(_number(document)),
        DocumentKind(document.kind), document.recipients or "", document.subject or "",
        document.signer or "", tuple(c.id for c in document.cases),
        tuple(c.code for c in document.cases), document.reply_by, replies, overdue,
        document.signed_name, document.event_id)


def _received_entry(document: ReceivedDocument) -> RegisterEntry:
    answers = (str(_number(document.answers)),) if document.answers is not None else ()
    return RegisterEntry(
        Direction.RECEIVED, document.id, document.received_on, document.their_number or "",
        None, document.sender, document.subject or "", "",
        tuple(c.id for c in document.cases), tuple(c.code for c in document.cases),
        linked=answers)


# The column of the replies a request received, or of the request a reply answers.
REPLY_LINKS = "Trả lời / trả lời cho"
# The register's columns, for the command line's lines, the Excel file and the screen:
# (header, width in the workbook).
REGISTER_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Đi/Đến", 7), ("Ngày", 11), ("Số, ký hiệu", 16), ("Loại văn bản", 28),
    ("Nơi nhận / Cơ quan gửi", 30), ("Trích yếu", 40), ("Vụ việc", 18),
    ("Hạn trả lời", 11), (REPLY_LINKS, 20), (OVERDUE, 8),
)
REPLY_LINKS_MEANING = ("Văn bản đi: số, ký hiệu các văn bản đến trả lời nó; văn bản đến: số, "
                       "ký hiệu văn bản đi mà nó trả lời")


def register_cells(entry: RegisterEntry) -> tuple[str, ...]:
    """An entry's texts in the order of `REGISTER_COLUMNS`."""
    return (DIRECTION_LABELS[entry.direction], f"{entry.on:%d/%m/%Y}", entry.number,
            entry.kind_label, " ".join(entry.counterpart.split()),
            " ".join(entry.subject.split()), ", ".join(entry.case_codes),
            f"{entry.reply_by:%d/%m/%Y}" if entry.reply_by else "", ", ".join(entry.linked),
            OVERDUE if entry.overdue else "")


def export_register(db: Database, actor: Actor, query: RegisterQuery, path: Path, *,
                    today: date | None = None, progress: Progress | None = None,
                    token: CancelToken | None = None) -> int:
    """Write the register's lines matching `query` to an Excel file; audited as an export.
    Returns how many lines were written."""
    entries = register(db, actor, query, today=today, masked=True)
    title = "Sổ văn bản đi, đến" + (" — văn bản chờ trả lời quá hạn" if query.overdue else "")
    write_table(path, title, [h for h, _ in REGISTER_COLUMNS], [w for _, w in REGISTER_COLUMNS],
                (register_cells(e) for e in entries), len(entries), progress=progress,
                token=token)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT,
                     detail={"kind": "document_register", "rows": len(entries)})
    return len(entries)
