"""Frozen records handed from the services to the window and the reports.

Live ORM objects never leave a service; these do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.case import CaseInput, ChildInput, DefamedInput
from app.domain.events import EventFact
from app.domain.labels import (
    CaseStatus,
    ClosingResult,
    DecisionTime,
    PartyKind,
    SanctionForm,
    Sex,
    TransferDirection,
    TransferOutcome,
)
from app.domain.sanctions import DecisionFollowUp
from app.models import Case, CaseTransfer, Child, DefamedParty, Event, Evidence


@dataclass(frozen=True)
class EventRecord:
    id: int
    uuid: str
    kind: str
    occurred_on: date
    officer: str
    document_number: str | None
    note: str | None
    sanction_form: SanctionForm | None
    fine_amount: int | None
    signer: str | None
    remedies: str | None
    closing_result: ClosingResult | None
    legal_basis_ids: tuple[int, ...]
    voided: bool
    void_reason: str | None
    addressee: str | None
    decision_time: DecisionTime | None
    follow_up: DecisionFollowUp  # of a sanction decision; empty for any other event

    @property
    def fact(self) -> EventFact:
        return EventFact(self.id, self.kind, self.occurred_on, self.voided)


@dataclass(frozen=True)
class EvidenceRecord:
    id: int
    uuid: str
    sha256: str
    original_name: str
    size: int
    media_type: str | None
    source_url: str | None
    captured_at: datetime | None
    added_by: str
    event_id: int | None
    note: str | None
    added_at: datetime
    on_child_case: bool

    @property
    def conceal_preview(self) -> bool:
        """Pictures and videos of a case with children stay blurred until the officer
        chooses to look (the look is audited): they often show a child's face."""
        media = self.media_type or ""
        return self.on_child_case and media.startswith(("image/", "video/"))


@dataclass(frozen=True)
class TransferRecord:
    """The case sent to another office or received from one (`services/transfers.py`)."""

    direction: TransferDirection
    unit_code: str
    unit_name: str
    at: datetime
    by: str
    outcome: TransferOutcome
    children_included: bool


@dataclass(frozen=True)
class CaseDetail:
    id: int
    uuid: str
    code: str
    unit_code: str  # the unit that numbered it (`app.domain.units`)
    version: int
    data: CaseInput
    closed_on: date | None
    events: tuple[EventRecord, ...]
    evidence: tuple[EvidenceRecord, ...]
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    deleted_at: datetime | None
    deleted_reason: str | None
    transfers: tuple[TransferRecord, ...] = ()  # oldest first

    @property
    def status(self) -> CaseStatus:
        return CaseStatus.CLOSED if self.closed_on else CaseStatus.OPEN


def child_input(child: Child) -> ChildInput:
    return ChildInput(
        full_name=child.full_name,
        birth_year=child.birth_year,
        birth_date=child.birth_date,
        sex=Sex(child.sex) if child.sex else None,
        school_class=child.school_class,
        address=child.address,
        guardian_informed=child.guardian_informed,
        referred_to_protection=child.referred_to_protection,
        notes=child.notes,
        uuid=child.uuid,
    )


def defamed_input(party: DefamedParty) -> DefamedInput:
    return DefamedInput(
        name=party.name,
        kind=PartyKind(party.kind),
        complaint_received=party.complaint_received,
        complaint_date=party.complaint_date,
        words_complained=party.words_complained,
        correction_published=party.correction_published,
        uuid=party.uuid,
    )


def case_input(case: Case) -> CaseInput:
    return CaseInput(
        code=case.code,
        detected_on=case.detected_on,
        posted_on=case.posted_on,
        posted_until=case.posted_until,
        source_code=case.source_code,
        platform_code=case.platform_code,
        content_form_code=case.content_form_code,
        account=case.account,
        url=case.url,
        group_code=case.group_code,
        child_subkind_code=case.child_subkind_code,
        summary=case.summary,
        secondary_groups=tuple(g.group_code for g in case.secondary_groups),
        reach_views=case.reach_views,
        reach_reactions=case.reach_reactions,
        reach_shares=case.reach_shares,
        reach_comments=case.reach_comments,
        offender_kind=PartyKind(case.offender_kind) if case.offender_kind else None,
        offender_name=case.offender_name,
        offender_birth_date=case.offender_birth_date,
        offender_birth_year=case.offender_birth_year,
        offender_address=case.offender_address,
        offender_id_number=case.offender_id_number,
        area=case.area,
        notes=case.notes,
        children=tuple(child_input(c) for c in case.children),
        defamed=tuple(defamed_input(p) for p in case.defamed_parties),
    )


def event_record(event: Event) -> EventRecord:
    return EventRecord(
        id=event.id,
        uuid=event.uuid,
        kind=event.kind,
        occurred_on=event.occurred_on,
        officer=event.officer,
        document_number=event.document_number,
        note=event.note,
        sanction_form=SanctionForm(event.sanction_form) if event.sanction_form else None,
        fine_amount=event.fine_amount,
        signer=event.signer,
        remedies=event.remedies,
        closing_result=ClosingResult(event.closing_result) if event.closing_result else None,
        legal_basis_ids=tuple(p.id for p in event.legal_bases),
        voided=event.voided_at is not None,
        void_reason=event.void_reason,
        addressee=event.addressee,
        decision_time=DecisionTime(event.decision_time) if event.decision_time else None,
        follow_up=DecisionFollowUp(event.delivered_on, event.paid_on, event.paid_amount,
                                   event.receipt_number, event.enforced_on,
                                   event.enforcement_note),
    )


def evidence_record(item: Evidence) -> EvidenceRecord:
    return EvidenceRecord(item.id, item.uuid, item.sha256, item.original_name, item.size,
                          item.media_type, item.source_url, item.captured_at, item.added_by,
                          item.event_id, item.note, item.added_at, item.case.has_children)


def case_detail(case: Case) -> CaseDetail:
    return CaseDetail(
        id=case.id,
        uuid=case.uuid,
        code=case.code,
        unit_code=case.unit_code,
        version=case.version,
        data=case_input(case),
        closed_on=case.closed_on,
        events=tuple(event_record(e)
                     for e in sorted(case.events, key=lambda e: (e.occurred_on, e.id))),
        evidence=tuple(evidence_record(e) for e in case.evidence),
        created_at=case.created_at,
        created_by=case.created_by,
        updated_at=case.updated_at,
        updated_by=case.updated_by,
        deleted_at=case.deleted_at,
        deleted_reason=case.deleted_reason,
        transfers=tuple(transfer_record(t) for t in case.transfers),
    )


def transfer_record(row: CaseTransfer) -> TransferRecord:
    return TransferRecord(TransferDirection(row.direction), row.other_unit_code,
                          row.other_unit_name, row.at, row.by, TransferOutcome(row.outcome),
                          row.children_included)
