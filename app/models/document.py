"""The register of documents (sổ văn bản đi, đến): what the office sent and received."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UtcDateTime, UuidMixin, utcnow
from app.models.case import Case

sent_document_cases = Table(
    "sent_document_cases",
    Base.metadata,
    Column("document_id", ForeignKey("sent_documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

received_document_cases = Table(
    "received_document_cases",
    Base.metadata,
    Column("document_id", ForeignKey("received_documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class SentDocument(UuidMixin, Base):
    """A document sent (văn bản đi), numbered per symbol and year."""

    __tablename__ = "sent_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # app.domain.documents.DocumentKind
    symbol: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date)
    recipients: Mapped[str | None] = mapped_column(Text)
    signer: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    # A request's date by which a reply is expected; None for a document awaiting none.
    reply_by: Mapped[date | None] = mapped_column(Date)
    # The signed copy, stored like evidence: encrypted, named by its SHA-256.
    signed_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    signed_name: Mapped[str | None] = mapped_column(String(255))
    signed_size: Mapped[int | None] = mapped_column(Integer)
    search_key: Mapped[str] = mapped_column(Text, default="")  # folded, written by the service
    entered_by: Mapped[str] = mapped_column(String(60))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    cases: Mapped[list[Case]] = relationship(secondary=sent_document_cases,
                                             order_by=Case.code)
    replies: Mapped[list[ReceivedDocument]] = relationship(back_populates="answers")

    __table_args__ = (
        # Two officers numbering at once cannot both take a number (the service also
        # writes under the database's lock, taken up front).
        UniqueConstraint("symbol", "year", "number"),
        Index("ix_sent_documents_issued_on", "issued_on"),
        Index("ix_sent_documents_reply_by", "reply_by"),
    )


class ReceivedDocument(UuidMixin, Base):
    """A document received (văn bản đến): a referral, a reply, a platform's answer."""

    __tablename__ = "received_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(String(300))
    their_number: Mapped[str | None] = mapped_column(String(100))
    their_date: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date] = mapped_column(Date)
    subject: Mapped[str | None] = mapped_column(Text)
    # The request sent that this answers: its wait ends.
    answers_id: Mapped[int | None] = mapped_column(
        ForeignKey("sent_documents.id", ondelete="SET NULL"), index=True)
    search_key: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(60))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    cases: Mapped[list[Case]] = relationship(secondary=received_document_cases,
                                             order_by=Case.code)
    answers: Mapped[SentDocument | None] = relationship(back_populates="replies")

    __table_args__ = (Index("ix_received_documents_received_on", "received_on"),)
