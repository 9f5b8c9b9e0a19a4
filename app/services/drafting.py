"""Drafting the document of a handling step from stored cases (shared/domain/letters.md).

A `Letter` is built from the cases, their events and evidence, every text through the one
masking rule (`app.domain.protection`) unless a leader names the children for a recipient
on a legal basis. The rules of each kind (what it needs, whom it goes to, who issues it,
the deadline it sets) are `app.domain.drafting`'s; this reads the register and applies
them. Drafting writes the Word file and the PDF to temporary names inside the transaction
that numbers the document and enters it in the register, and renames them once it is
committed: the number printed is the number entered, and a failure leaves neither an
entry nor a file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from app.db import Database
from app.domain import drafting as rules
from app.domain.documents import (
    ANNEXED_KINDS,
    DOCUMENT_KIND_LABELS,
    DocumentKind,
    DocumentNumber,
)
from app.domain.labels import UNIDENTIFIED_OFFENDER, PartyKind, SanctionForm
from app.domain.legal import cite
from app.domain.letters import DETAILS, EvidenceLine, Letter, LetterCase
from app.domain.money_words import amount_in_figures_and_words
from app.domain.protection import CaseMask, CasePeople, Masker, describe
from app.domain.vocabulary import EventKind, VocabList, Vocabulary
from app.errors import UserError
from app.models import Case, Event, LegalProvision, SentDocument
from app.reports.files import written_atomically
from app.services import documents, settings, templates, vocabulary
from app.services.actor import Actor, Permission
from app.services.attention import account_lock_codes, account_lock_counts
from app.services.data_folder import refuse_inside
from app.services.days_off import read_calendar
from app.services.documents import RegisterEntry
from app.services.protection import people_with_every_child
from app.text import clean, format_date

BASIS_LIMIT = 500
DETAIL_LIMIT = 2000


@dataclass(frozen=True)
class DraftRequest:
    kind: DocumentKind
    case_ids: tuple[int, ...]
    event_id: int | None = None
    issued_on: date | None = None  # today when None
    addressees: tuple[str, ...] = ()  # () → the kind's default
    recipients: tuple[str, ...] = ()  # () → the kind's default
    # The kind's own texts (`app.domain.letters.DETAILS`); one given replaces the computed.
    details: Mapping[str, str] = field(default_factory=dict)
    include_children_basis: str | None = None  # a leader names children, with this basis
    number: int | None = None  # typed by hand; None → next number


@dataclass(frozen=True)
class DraftedDocument:
    entry: RegisterEntry
    docx: Path
    pdf: Path


@dataclass(frozen=True)
class _Drafted:
    """A letter built before it is numbered, with what its register entry records."""

    letter: Letter
    reply_by: date | None
    children_basis: str | None


def _load_cases(session: Session, case_ids: Sequence[int]) -> list[Case]:
    wanted = list(dict.fromkeys(case_ids))
    found = {case.id: case for case in session.execute(
        select(Case).where(Case.id.in_(wanted)).options(
            selectinload(Case.events).selectinload(Event.legal_bases)
            .selectinload(LegalProvision.instrument),
            selectinload(Case.evidence))).scalars()}
    if len(found) != len(wanted):
        raise UserError("Không tìm thấy vụ việc đã chọn (có thể đã bị xóa hẳn).",
                        field="case_ids")
    deleted = [found[i].code for i in wanted if found[i].deleted_at is not None]
    if deleted:
        raise UserError(f"Vụ việc {', '.join(deleted)} đã bị xóa; hãy khôi phục trước khi "
                        "soạn văn bản.", field="case_ids")
    return [found[i] for i in wanted]


def _live(case: Case) -> list[Event]:
    return [e for e in case.events if e.voided_at is None]


def _decision(case: Case, event: Event | None) -> Event | None:
    """The sanction decision the document states: the one chosen, else the latest live."""
    if event is not None and event.case_id == case.id and event.kind == EventKind.SANCTION:
        return event
    decisions = [e for e in _live(case) if e.kind == EventKind.SANCTION and e.sanction_form]
    return decisions[-1] if decisions else None


def _event(session: Session, cases: Sequence[Case], event_id: int | None) -> Event | None:
    if event_id is None:
        return None
    event = session.get(Event, event_id)
    if event is None or event.case_id not in {case.id for case in cases}:
        raise UserError("Biện pháp xử lý đã chọn không thuộc vụ việc của văn bản.",
                        field="event_id")
    if event.voided_at is not None:
        raise UserError("Biện pháp xử lý đã chọn đã bị hủy; hãy chọn biện pháp khác.",
                        field="event_id")
    return event


def _problem(session: Session, kind: DocumentKind, cases: Sequence[Case],
             event: Event | None) -> str | None:
    facts = [rules.CaseFacts(case.code, bool(case.offender_name),
                             _decision(case, None) is not None, case.account_key)
             for case in cases]
    vocab = vocabulary.load_from(session)
    codes = rules.EVENT_KINDS[kind] | ({event.kind} if event else set())
    return rules.kind_problem(kind, facts, event.kind if event else None,
                              {code: vocab.label(VocabList.EVENT, code) for code in codes})


def kind_refusal(db: Database, actor: Actor, kind: DocumentKind, case_ids: Sequence[int],
                 event_id: int | None = None) -> str | None:
    """Why `kind` does not fit these cases (and the event chosen), in Vietnamese; None when
    it fits."""
    actor.require(Permission.VIEW)
    if not case_ids:
        return rules.kind_problem(kind, ())
    with db.read() as session:
        try:
            cases = _load_cases(session, case_ids)
            event = _event(session, cases, event_id)
        except UserError as exc:
            return exc.message
        return _problem(session, kind, cases, event)


def draft_defaults(db: Database, actor: Actor, kind: DocumentKind, case_ids: Sequence[int],
                   event_id: int | None = None, *, today: date | None = None) -> DraftRequest:
    """What the drafting dialog pre-fills: today's date, the kind's addressees and
    recipients, the details the program computes (the officer may change them)."""
    request = DraftRequest(kind, tuple(case_ids), event_id, today or date.today())
    drafted = _build(db, actor, request)
    letter = drafted.letter
    return dataclasses.replace(request, addressees=letter.addressees,
                               recipients=letter.recipients, details=dict(letter.details))


def build_letter(db: Database, actor: Actor, request: DraftRequest) -> Letter:
    """The document as it will be drafted, not yet numbered (`number` empty)."""
    return _build(db, actor, request).letter


def _build(db: Database, actor: Actor, request: DraftRequest) -> _Drafted:
    actor.require(Permission.EDIT_CASES)
    basis = clean(request.include_children_basis)
    if request.include_children_basis is not None:
        # The permission the program asks before any output names a child in full.
        actor.require(Permission.UNMASK_CHILDREN)
        if basis is None:
            raise UserError("Hãy ghi căn cứ pháp lý để nêu tên trẻ em trong văn bản gửi cơ "
                            "quan nhận (ví dụ: Điều 62 Luật Xử lý vi phạm hành chính).",
                            field="include_children_basis")
        if len(basis) > BASIS_LIMIT:
            raise UserError(f"Căn cứ nêu tên trẻ em dài quá {BASIS_LIMIT} ký tự.",
                            field="include_children_basis")
    kind = request.kind
    typed = _typed_details(kind, request.details)
    issued_on = request.issued_on or date.today()
    with db.read() as session:
        cases = _load_cases(session, request.case_ids) if request.case_ids else []
        event = _event(session, cases, request.event_id)
        problem = _problem(session, kind, cases, event)
        if problem is not None:
            raise UserError(problem, field="kind")
        office = settings.read_office(session)
        vocab = vocabulary.load_from(session)
        reply_by = rules.deadline(kind, issued_on, office, read_calendar(session))
        people = people_with_every_child(session, [case.id for case in cases])
        masker = None if basis else Masker({c: found.all for c, found in people.items()})
        letter_cases = tuple(
            _letter_case(case, event, vocab, masker.case(case.id), _minor(people, case))
            if masker else _letter_case(case, event, vocab, None, None)
            for case in cases)
        details = rules.computed_details(kind, reply_by)
        if kind is DocumentKind.LOCK_REQUEST:
            details.update(_lock_details(session, cases[0].account, issued_on))
        if "bien_ban" in DETAILS[kind]:
            details["bien_ban"] = _record_detail(session, cases[0], event)
    details.update(typed)
    offender = letter_cases[0].offender if len(letter_cases) == 1 else ""
    if offender == UNIDENTIFIED_OFFENDER:
        offender = ""
    addressees = _lines(request.addressees) or rules.default_addressees(
        kind, office, offender, event.addressee if event is not None else None)
    recipients = _lines(request.recipients) or rules.default_recipients(addressees, office)
    # Bodies and people written to: a name masked with its surname or after a calling word
    # ("Công an xã" stays whole); the typed details as the cases' own texts are masked.
    body = masker.mask if masker else _as_is
    case_masks = [masker.case(case.id) for case in cases] if masker else []

    def detail(value: str) -> str:
        for mask in case_masks:
            value = mask.text(value)
        return value

    letter = Letter(
        kind=kind, number="", issued_on=issued_on,
        issuer=office.issuer_details(rules.issuer(kind)),
        subject=rules.SUBJECTS[kind],
        addressees=tuple(body(a) for a in addressees),
        recipients=tuple(body(r) for r in recipients),
        cases=letter_cases, deadline=reply_by,
        details={name: detail(value) for name, value in details.items()},
        annex=kind in ANNEXED_KINDS)
    return _Drafted(letter, reply_by, basis)


def _lines(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(text for text in (clean(value) for value in values) if text)


def _minor(people: Mapping[int, CasePeople], case: Case) -> str | None:
    """A child offender as a masked document describes them: initials, age and sex."""
    found = people.get(case.id)
    if found is None or found.minor is None:
        return None
    return describe(found.minor, found.act_on or case.detected_on)


def _as_is(value: str) -> str:
    return value


def _typed_details(kind: DocumentKind, details: Mapping[str, str]) -> dict[str, str]:
    known = DETAILS[kind]
    unknown = sorted(set(details) - set(known))
    if unknown:
        raise UserError(f"{DOCUMENT_KIND_LABELS[kind]} không có mục {', '.join(unknown)}; "
                        f"các mục của loại này: {', '.join(known) or 'không có'}.",
                        field="details")
    typed: dict[str, str] = {}
    for name, value in details.items():
        text = clean(value)
        if text is None:
            continue
        if len(text) > DETAIL_LIMIT:
            raise UserError(f"«{known[name]}» dài {len(text)} ký tự, vượt quá giới hạn "
                            f"{DETAIL_LIMIT} ký tự.", field="details")
        typed[name] = text
    return typed


def _lock_details(session: Session, account: str, day: date) -> dict[str, str]:
    """The account's cases in the windows of NĐ 147/2024 Điều 35.7, as the needs-action
    list counts them, on the day of the letter."""
    counts = account_lock_counts(session, account, day)
    return rules.lock_details(counts.cases_30_days, counts.cases_90_days,
                              account_lock_codes(session, account, day))


def _record_detail(session: Session, case: Case, event: Event | None) -> str:
    """The biên bản the tờ trình and the decision cite: the one chosen, else the case's
    latest live one made by the decision's day; numbered as recorded on its event, else as
    the register holds the biên bản drafted for it; the register's latest biên bản of the
    case when no event records one. Empty when there is none (a warning or a small fine
    needs none)."""
    decision = _decision(case, event)
    when = decision.occurred_on if decision is not None else None
    records = [event] if event is not None and event.kind == EventKind.RECORD else [
        e for e in _live(case)
        if e.kind == EventKind.RECORD and (when is None or e.occurred_on <= when)]
    drafted = select(SentDocument).where(SentDocument.kind == DocumentKind.VIOLATION_RECORD)
    if records:
        record = max(records, key=lambda e: (e.occurred_on, e.id))
        entered = _latest(session, drafted.where(SentDocument.event_id == record.id))
        return rules.record_text(record.document_number or entered, record.occurred_on)
    drafted = drafted.where(SentDocument.cases.any(Case.id == case.id))
    if when is not None:
        drafted = drafted.where(SentDocument.issued_on <= when)
    found = session.execute(drafted.order_by(SentDocument.issued_on.desc(),
                                             SentDocument.id.desc())).scalars().first()
    return rules.record_text(_number(found), found.issued_on) if found is not None else ""


def _latest(session: Session, drafted: Select[SentDocument]) -> str | None:
    found = session.execute(drafted.order_by(SentDocument.id.desc())).scalars().first()
    return _number(found) if found is not None else None


def _number(document: SentDocument) -> str:
    return str(DocumentNumber(document.number, document.symbol, document.year))


def _letter_case(case: Case, event: Event | None, vocab: Vocabulary, mask: CaseMask | None,
                 minor: str | None) -> LetterCase:
    """One case as the document states it: every text through the case's mask (None: the
    children named), a child offender described by initials, age and sex."""
    text: Callable[[str], str] = mask.text if mask else _as_is
    platform = vocab.label(VocabList.PLATFORM, case.platform_code)
    decision = _decision(case, event)
    bases = dict.fromkeys(
        cite(p.point, p.clause, p.article, p.instrument.citation, in_sentence=True)
        for e in _live(case) for p in e.legal_bases)
    remedies = [line.strip() for line in (decision.remedies or "").splitlines()
                if line.strip()] if decision else []
    return LetterCase(
        code=case.code,
        platform=platform,
        account=mask.account(case.account, platform) if mask else case.account,
        link=mask.url(case.url) if mask else case.url or "",
        posted=rules.posted_text(case.posted_on, case.posted_until, case.detected_on),
        detected_on=case.detected_on,
        group=vocab.label(VocabList.GROUP, case.group_code),
        summary=text(case.summary),
        offender=minor or text(_offender(case)),
        legal_bases=tuple(text(b) for b in bases),
        sanction=_sanction(decision),
        remedies=tuple(text(r) for r in remedies),
        evidence=tuple(EvidenceLine(text(item.original_name), item.size, item.sha256,
                                    item.captured_at) for item in case.evidence))


def _offender(case: Case) -> str:
    """The offender's particulars on one line."""
    if not case.offender_name:
        return UNIDENTIFIED_OFFENDER
    parts = [case.offender_name]
    if case.offender_kind != PartyKind.ORGANISATION:
        if case.offender_birth_date is not None:
            parts.append(f"sinh ngày {format_date(case.offender_birth_date)}")
        elif case.offender_birth_year is not None:
            parts.append(f"sinh năm {case.offender_birth_year}")
    if case.offender_id_number:
        parts.append(f"số định danh {case.offender_id_number}")
    if case.offender_address:
        parts.append(f"địa chỉ: {case.offender_address}")
    return ", ".join(parts)


def _sanction(decision: Event | None) -> str:
    if decision is None or not decision.sanction_form:
        return ""
    if decision.sanction_form == SanctionForm.FINE and decision.fine_amount:
        return f"{SanctionForm.FINE} {amount_in_figures_and_words(decision.fine_amount)}"
    return str(SanctionForm(decision.sanction_form))


def draft_document(db: Database, actor: Actor, request: DraftRequest, *, docx: Path,
                   pdf: Path, warn: Callable[[str], None] | None = None) -> DraftedDocument:
    """Draft the document as an editable Word file `docx` and its PDF `pdf`, and enter it in
    the register with the next number of its symbol (or the number typed): both files and
    the entry, or none of them. The office's template is used, or the default when it
    fails (`warn` is told). A document naming children is saved outside the data folder
    only."""
    drafted = _build(db, actor, request)
    if drafted.children_basis is not None:
        for target in (docx, pdf):
            refuse_inside(db.paths, target, "Văn bản có nêu tên trẻ em")
    office = settings.load_office(db)
    letter = drafted.letter
    # Imported at the first draft: the Word and PDF layers take long to load.
    from app.reports.docx_pdf import TooTallForPage, write_pdf_from_docx
    from app.reports.letters import write_letter_docx

    with written_atomically(docx) as docx_temporary, written_atomically(pdf) as pdf_temporary:

        def write(entry: RegisterEntry) -> None:
            numbered = dataclasses.replace(letter, number=entry.number)
            warning = templates.drafted_with(
                db, templates.letter_template(letter.kind),
                lambda template: write_letter_docx(numbered, office, docx_temporary,
                                                   template=template))
            try:
                write_pdf_from_docx(docx_temporary, pdf_temporary)
            except TooTallForPage as exc:
                codes = ", ".join(case.code for case in letter.cases)
                raise UserError(
                    f"Không tạo được bản PDF của {DOCUMENT_KIND_LABELS[letter.kind].lower()} "
                    f"cho vụ việc {codes}: có một đoạn văn hoặc một ô của bảng cao hơn một "
                    "trang giấy mà không tách sang trang sau được (thường là tóm tắt vụ việc "
                    "rất dài trong hàng tiêu đề của một bảng trong mẫu văn bản). Hãy rút gọn "
                    "nội dung đó hoặc sửa mẫu văn bản rồi soạn lại.") from exc
            if warning is not None and warn is not None:
                warn(warning)

        entry = documents.enter_drafted(
            db, actor, letter.kind, request.case_ids, request.event_id,
            issued_on=letter.issued_on, recipients="; ".join(letter.addressees) or None,
            signer=letter.issuer.signer_name or None, subject=letter.subject,
            reply_by=drafted.reply_by, number=request.number,
            children_basis=drafted.children_basis, write=write)
    return DraftedDocument(entry, docx, pdf)

