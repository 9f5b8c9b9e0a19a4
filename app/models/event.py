"""Dated handling events: what the office did about a case."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UtcDateTime, UuidMixin, utcnow

if TYPE_CHECKING:
    from app.models.case import Case
    from app.models.evidence import Evidence
    from app.models.legal import LegalProvision

event_legal_bases = Table(
    "event_legal_bases",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("provision_id", ForeignKey("legal_provisions.id"), primary_key=True),
)


class Event(UuidMixin, Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    occurred_on: Mapped[date] = mapped_column(Date)
    officer: Mapped[str] = mapped_column(String(60))
    document_number: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    # Sanction (XP) fields.
    sanction_form: Mapped[str | None] = mapped_column(String(20))
    fine_amount: Mapped[int | None] = mapped_column(Integer)
    signer: Mapped[str | None] = mapped_column(String(200))
    remedies: Mapped[str | None] = mapped_column(Text)
    # Closing (KT) field.
    closing_result: Mapped[str | None] = mapped_column(String(60))
    # The body a transfer, escalation or request went to (CA, CTQ, CTE, KN, KTK, YCG).
    addressee: Mapped[str | None] = mapped_column(String(200))
    # A biên bản's (BB) time to decide: app.domain.labels.DecisionTime, NULL the standard.
    decision_time: Mapped[str | None] = mapped_column(String(20))
    # What followed a sanction decision (XP): app.domain.sanctions.DecisionFollowUp.
    delivered_on: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_amount: Mapped[int | None] = mapped_column(Integer)
    receipt_number: Mapped[str | None] = mapped_column(String(100))
    enforced_on: Mapped[date | None] = mapped_column(Date)
    enforcement_note: Mapped[str | None] = mapped_column(Text)

    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # A voided event stays in the history but counts nowhere: a reopened
    # case's old closing, or an event recorded by mistake.
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    voided_by: Mapped[str | None] = mapped_column(String(60))
    void_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="events")
    legal_bases: Mapped[list[LegalProvision]] = relationship(secondary=event_legal_bases)
    evidence: Mapped[list[Evidence]] = relationship(back_populates="event")

    __table_args__ = (
        # With what the report's figures read of the events of a period (each case's
        # columns 6–10 and the office's work): the index alone, not each event's row.
        Index("ix_events_kind_date", "kind", "occurred_on", "voided_at", "case_id",
              "sanction_form", "fine_amount"),
        # With the kind and the voiding: a case's event dates (migration 0028's triggers)
        # and its events' flags are read from the index alone.
        Index("ix_events_case", "case_id", "occurred_on", "kind", "voided_at"),
        # The sanctions (EventKind.SANCTION) with what the fines past their time to comply
        # are tested on (`attention.sanction_condition`): a few pages, where probing every
        # case's events read each sanction's row. It holds `kind` as `ix_cases_live_open`
        # holds `deleted_at`; the amount paid for the report's fines collected.
        Index("ix_events_fines", "sanction_form", "delivered_on", "case_id", "paid_on",
              "enforced_on", "voided_at", "kind", "paid_amount", sqlite_where=text("kind = 'XP'"),
              postgresql_where=text("kind = 'XP'")),
        # The biên bản (EventKind.RECORD) with what the list of those without a decision by
        # their deadline tests; the kind first, so that SQLite picks it over (kind, date).
        Index("ix_events_records", "kind", "occurred_on", "decision_time", "case_id",
              "voided_at", sqlite_where=text("kind = 'BB'"),
              postgresql_where=text("kind = 'BB'")),
    )
