"""The tables of the register, at the bottom with `app.db`: typed ORM models.

Nothing here imports Qt.
"""

from app.models.account import AuditChain, AuditEntry, User
from app.models.base import Base
from app.models.calendar import AnnouncedDay
from app.models.case import Case, CaseSecondaryGroup, Child, DefamedParty
from app.models.document import (
    ReceivedDocument,
    SentDocument,
    received_document_cases,
    sent_document_cases,
)
from app.models.event import Event, event_legal_bases
from app.models.evidence import Evidence
from app.models.legal import AuthorityLimit, LegalInstrument, LegalProvision
from app.models.office import CaseCounter, Setting, VocabularyItem
from app.models.report import ReceivedReport, ReportReturn, ReportReview, SentReport
from app.models.stored import EvidenceChunk, KeyFileRecord
from app.models.template import DocumentTemplate
from app.models.transfer import CaseTransfer
from app.models.unit import RegisteredUnit

__all__ = [
    "AnnouncedDay",
    "AuditChain",
    "AuditEntry",
    "AuthorityLimit",
    "Base",
    "Case",
    "CaseCounter",
    "CaseSecondaryGroup",
    "CaseTransfer",
    "Child",
    "DefamedParty",
    "DocumentTemplate",
    "Event",
    "Evidence",
    "EvidenceChunk",
    "KeyFileRecord",
    "LegalInstrument",
    "LegalProvision",
    "ReceivedDocument",
    "ReceivedReport",
    "RegisteredUnit",
    "ReportReturn",
    "ReportReview",
    "SentDocument",
    "SentReport",
    "Setting",
    "User",
    "VocabularyItem",
    "event_legal_bases",
    "received_document_cases",
    "sent_document_cases",
]
