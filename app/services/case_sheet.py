"""The printout of one case, "Phiếu thông tin vụ việc": every fact, event and evidence file.

Children are masked as in the monthly report (initials, age and sex; their names
replaced in every typed text) unless a leader chooses to print them in full. The printer
gets the PDF's bytes, never a file; a printout in full is saved only outside the data
folder, where the leader chooses (a purge could not find it there). Every printout, on
paper or in a file, is audited, saying whether children were shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from app.db import Database
from app.domain.case import CaseInput, ChildInput, DefamedInput
from app.domain.evidence_files import ALLOWED_TYPES
from app.domain.fields import (
    BY_KEY,
    CASE_FIELDS,
    CHILD_BY_KEY,
    CHOICE_BY_KEY,
    DEFAMED_BY_KEY,
    DEFAMED_LABEL,
    EVENT_BY_KEY,
    LEGAL_BASES_LABEL,
    Kind,
)
from app.domain.labels import (
    PARTY_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    UNIDENTIFIED_OFFENDER,
    SanctionForm,
)
from app.domain.protection import (
    CaseMask,
    Masker,
    Person,
    child_person,
    describe,
    minor_offender,
    people_in,
)
from app.domain.vocabulary import Group, VocabList, Vocabulary
from app.errors import UserError
from app.paths import DataPaths
from app.progress import CancelToken
from app.reports.case_sheet import Block, CaseSheet, Fact, SheetEvent, SheetFile
from app.reports.files import written_atomically
from app.services import audit, legal_basis, settings, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.cases import load_case
from app.services.data_folder import refuse_inside
from app.services.records import CaseDetail, EventRecord, EvidenceRecord, case_detail
from app.text import format_date, format_money, format_number

EMPTY = "—"
HIDDEN = "(không in: thông tin của trẻ em)"
YES, NO = "Có", "Không"
_OFFENDER_KEYS = ("offender_name", "offender_birth_date", "offender_birth_year",
                  "offender_address", "offender_id_number")
_MEDIA_LABELS = {t.media_type: t.label for t in ALLOWED_TYPES.values()}
_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def default_path(paths: DataPaths, code: str) -> Path:
    """`<data folder>/exports/phieu-VV2026-00012.pdf`: where a masked printout is offered to
    be saved (a purge of the case removes it)."""
    return paths.exports / f"phieu-{_UNSAFE_IN_FILE_NAME.sub('-', code)}.pdf"


def status_line(detail: CaseDetail) -> str:
    """`Đã kết thúc (kết thúc ngày 04/01/2025)`: the status derived from the events."""
    status = STATUS_LABELS[detail.status]
    if detail.closed_on:
        status += f" (kết thúc ngày {format_date(detail.closed_on)})"
    return status


def print_case_sheet(db: Database, actor: Actor, case_id: int, target: Path, *,
                     unmask_children: bool = False,
                     token: CancelToken | None = None) -> Path:
    """Save the case's printout as the PDF file `target`; the audit row and the file go
    together."""
    with _printout(db, actor, case_id, unmask_children, token, target) as pdf, \
            written_atomically(target) as temporary:
        temporary.write_bytes(pdf)
    return target


def case_sheet_printout(db: Database, actor: Actor, case_id: int, *,
                        unmask_children: bool = False,
                        token: CancelToken | None = None) -> bytes:
    """The case's printout as the bytes of a PDF, for the printer: no file anywhere."""
    with _printout(db, actor, case_id, unmask_children, token) as pdf:
        return pdf


@contextmanager
def _printout(db: Database, actor: Actor, case_id: int, unmask_children: bool,
              token: CancelToken | None, target: Path | None = None) -> Iterator[bytes]:
    """The printout's PDF (to be saved as `target`, else for the printer), inside the
    transaction of its audit row: if what the caller does with it fails, nothing is logged."""
    actor.require(Permission.REPORT)
    if unmask_children:
        actor.require(Permission.UNMASK_CHILDREN)
        if target is not None:
            refuse_inside(db.paths, target, "Phiếu có đầy đủ thông tin trẻ em",
                          otherwise=", hoặc in ra giấy mà không lưu tệp")
    citations = {p.id: p.citation for p in legal_basis.all_provisions(db)}
    # Imported at the first printout: reportlab takes long to load, and the case editor
    # imports this module (`status_line`).
    from app.reports.case_sheet_pdf import case_sheet_pdf

    with db.write() as session:
        case = load_case(session, case_id)
        if case.deleted_at is not None:
            raise UserError(f"Vụ việc {case.code} đã bị xóa; hãy khôi phục trước khi in phiếu.")
        detail = case_detail(case)
        sheet = build_sheet(detail, vocabulary.load_from(session), citations, actor,
                            unmask_children=unmask_children)
        # Not the file's name: it may name a child, one of this case's or one recorded later.
        record = {"code": detail.code, "children": len(detail.data.children),
                  "children_unmasked": unmask_children}
        audit.record(session, actor.username, AuditAction.CASE_PRINT, entity="case",
                     entity_uuid=detail.uuid, detail=record)
        yield case_sheet_pdf(sheet, settings.read_office(session), token=token)


def build_sheet(detail: CaseDetail, vocab: Vocabulary, citations: dict[int, str],
                actor: Actor, *, unmask_children: bool = False,
                printed_at: datetime | None = None) -> CaseSheet:
    data = detail.data
    act = data.act_date
    assert act is not None
    minor = minor_offender(data)
    mask = None if unmask_children else Masker({detail.id: people_in(data).all}).case(detail.id)
    text = mask.text if mask else _as_is
    groups = {data.group_code, *data.secondary_groups}
    return CaseSheet(
        code=detail.code,
        status=status_line(detail),
        general=_general(data, vocab, text, mask),
        offender=_offender(data, minor if mask else None, text),
        defamed=(tuple(_defamed(i, p, text) for i, p in enumerate(data.defamed, 1))
                 if Group.DEFAMATION in groups or data.defamed else None),
        children=(tuple(_child(i, c, act.day, mask is not None, text)
                        for i, c in enumerate(data.children, 1))
                  if Group.CHILDREN in groups or data.children else None),
        children_unmasked=unmask_children,
        events=tuple(_event(e, vocab, citations, text) for e in detail.events),
        evidence=tuple(_file(f, text, mask) for f in detail.evidence),
        printed_at=printed_at or datetime.now().astimezone(),
        printed_by=actor.full_name,
        printed_account=f"{actor.username}, {ROLE_LABELS[actor.role]}",
    )


def _as_is(value: str) -> str:
    return value


def _shown(value: object, kind: Kind, text: Callable[[str], str],
           vocab: Vocabulary | None = None, name: VocabList | None = None) -> str:
    if value is None or value == "":
        return EMPTY
    if kind is Kind.DATE and isinstance(value, date):
        return format_date(value)
    if kind is Kind.INTEGER and isinstance(value, int):
        return format_number(value)
    if kind is Kind.CODE and vocab is not None and name is not None:
        return vocab.label(name, str(value))
    if kind in (Kind.TEXT, Kind.LONG_TEXT):
        return text(str(value))
    return str(value)


def _general(data: CaseInput, vocab: Vocabulary, text: Callable[[str], str],
             mask: CaseMask | None) -> tuple[Fact, ...]:
    facts: list[Fact] = []
    for field in CASE_FIELDS:
        if field.key in _OFFENDER_KEYS:
            continue
        if mask is not None and field.key == "url" and data.url:
            value = mask.url(data.url)
        elif mask is not None and field.key == "account" and data.account:
            value = mask.account(data.account,
                                 vocab.label(VocabList.PLATFORM, data.platform_code or ""))
        else:
            value = _shown(getattr(data, field.key), field.kind, text, vocab, field.vocabulary)
        facts.append(Fact(field.label, value))
        if field.key == "group_code":
            others = [vocab.label(VocabList.GROUP, g) for g in data.secondary_groups]
            facts.append(Fact(CHOICE_BY_KEY["secondary_groups"].label, "; ".join(others) or EMPTY))
    return tuple(facts)


def _offender(data: CaseInput, minor: Person | None,
              text: Callable[[str], str]) -> tuple[Fact, ...]:
    if not data.offender_identified:
        return (Fact(CHOICE_BY_KEY["offender_kind"].label, UNIDENTIFIED_OFFENDER),)
    kind = PARTY_LABELS[data.offender_kind] if data.offender_kind else EMPTY
    facts = [Fact(CHOICE_BY_KEY["offender_kind"].label, kind)]
    for key in _OFFENDER_KEYS:
        field = BY_KEY[key]
        if minor is None:
            value = _shown(getattr(data, key), field.kind, text)
        elif key == "offender_name":
            act = data.act_date
            assert act is not None
            value = describe(minor, act.day)
        else:
            value = HIDDEN
        facts.append(Fact(field.label, value))
    return tuple(facts)


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _child(index: int, child: ChildInput, act_on: date, masked: bool,
           text: Callable[[str], str]) -> Block:
    facts: list[Fact] = []
    if masked:
        facts.append(Fact(CHILD_BY_KEY["full_name"].label,
                          describe(child_person(child), act_on)))
    else:
        for key in ("full_name", "birth_year", "birth_date", "sex", "school_class", "address"):
            value = getattr(child, key)
            facts.append(Fact(CHILD_BY_KEY[key].label, format_date(value)
                              if isinstance(value, date) else str(value or "") or EMPTY))
    facts += [Fact(CHILD_BY_KEY["guardian_informed"].label, _yes_no(child.guardian_informed)),
              Fact(CHILD_BY_KEY["referred_to_protection"].label,
                   _yes_no(child.referred_to_protection))]
    if not masked:
        facts.append(Fact(CHILD_BY_KEY["notes"].label, child.notes or EMPTY))
    return Block(f"Trẻ em thứ {index}", tuple(facts))


def _defamed(index: int, party: DefamedInput, text: Callable[[str], str]) -> Block:
    return Block(f"{DEFAMED_LABEL} thứ {index}", (
        Fact(DEFAMED_BY_KEY["name"].label, text(party.name)),
        Fact(DEFAMED_BY_KEY["kind"].label, PARTY_LABELS[party.kind]),
        Fact(DEFAMED_BY_KEY["complaint_received"].label, _yes_no(party.complaint_received)),
        Fact(DEFAMED_BY_KEY["complaint_date"].label,
             format_date(party.complaint_date) or EMPTY),
        Fact(DEFAMED_BY_KEY["words_complained"].label,
             text(party.words_complained or "") or EMPTY),
        Fact(DEFAMED_BY_KEY["correction_published"].label,
             _yes_no(party.correction_published)),
    ))


def _event(event: EventRecord, vocab: Vocabulary, citations: dict[int, str],
           text: Callable[[str], str]) -> SheetEvent:
    """The event's recorded details, each with its label; a voided one says why."""
    parts: list[tuple[str, str | None]] = [
        (EVENT_BY_KEY["document_number"].label, event.document_number),
        (EVENT_BY_KEY["sanction_form"].label, event.sanction_form),
        (EVENT_BY_KEY["fine_amount"].label,
         format_money(event.fine_amount) if event.sanction_form is SanctionForm.FINE else None),
        (EVENT_BY_KEY["signer"].label, event.signer),
        (EVENT_BY_KEY["remedies"].label, event.remedies),
        (LEGAL_BASES_LABEL,
         "; ".join(citations.get(i, str(i)) for i in event.legal_basis_ids)),
        (EVENT_BY_KEY["closing_result"].label, event.closing_result),
        (EVENT_BY_KEY["note"].label, event.note),
    ]
    details = "\n".join(f"{label}: {text(str(value))}" for label, value in parts if value)
    if event.voided:
        details = (f"ĐÃ HỦY (không tính): {text(event.void_reason or '')}\n" + details).strip()
    return SheetEvent(event.occurred_on, vocab.label(VocabList.EVENT, event.kind), details,
                      event.officer, event.voided)


def _file(item: EvidenceRecord, text: Callable[[str], str],
          mask: CaseMask | None) -> SheetFile:
    source = mask.url(item.source_url) if mask else item.source_url
    extra = [f"Nguồn: {source}" if source else "",
             f"Ghi chú: {text(item.note)}" if item.note else ""]
    return SheetFile(
        name=text(item.original_name),
        kind=_MEDIA_LABELS.get(item.media_type or "", item.media_type or EMPTY),
        size=item.size,
        sha256=item.sha256,
        added=f"{format_date(item.added_at.astimezone().date())}, {item.added_by}",
        extra="\n".join(e for e in extra if e),
    )
