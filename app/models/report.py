"""The register of reports sent to the province: frozen figures, text and files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UtcDateTime, UuidMixin, utcnow


class SentReport(UuidMixin, Base):
    """One version of a report as sent; never changed afterwards. A re-issue adds a row."""

    __tablename__ = "sent_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40))
    issue_date: Mapped[date] = mapped_column(Date)
    narrative: Mapped[str] = mapped_column(Text)  # children already masked
    figures: Mapped[str] = mapped_column(Text)  # JSON of the three forms, as sent
    # The files themselves, so that the copy sent survives edits, moves and backups.
    xlsx: Mapped[bytes] = mapped_column(LargeBinary)
    xlsx_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    sent_by: Mapped[str] = mapped_column(String(60))
    sent_by_name: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    supersedes: Mapped[str | None] = mapped_column(String(36))  # uuid of the version replaced
    reissue_reason: Mapped[str | None] = mapped_column(Text)
    # The audit log's newest keyed row when the report was frozen (`audit.anchor`); None
    # before the keyed chain started.
    audit_sequence: Mapped[int | None]
    audit_mac: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("period_start", "period_end", "version"),
        Index("ix_sent_reports_issue_date", "issue_date"),
    )


class ReceivedReport(UuidMixin, Base):
    """One version of another unit's report package as received (shared/spec/exchange.md);
    never changed afterwards. A unit's current report of a period is its highest version,
    the others its history."""

    __tablename__ = "received_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(5))
    unit_name: Mapped[str] = mapped_column(String(300))  # as the package gives it
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    issue_date: Mapped[date] = mapped_column(Date)
    # The package's content as signed, with its signature (`services/report_packages.py`):
    # read again, checked again.
    package: Mapped[bytes] = mapped_column(LargeBinary)
    package_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    received_by: Mapped[str] = mapped_column(String(60))

    __table_args__ = (
        UniqueConstraint("unit_code", "period_start", "period_end", "version"),
        Index("ix_received_reports_period", "period_start", "period_end"),
    )


class ReportReview(UuidMixin, Base):
    """The province's decision on one received version (shared/spec/exchange.md): accepted,
    or returned with a reason and the signed note the unit takes in. A version has one; a
    newer version received awaits its own."""

    __tablename__ = "report_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_report_id: Mapped[int] = mapped_column(
        ForeignKey("received_reports.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10))  # `app.domain.labels.ReviewStatus`
    reason: Mapped[str | None] = mapped_column(Text)  # a return's, as the note gives it
    note: Mapped[bytes | None] = mapped_column(LargeBinary)  # the return note as written
    note_sha256: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    reviewed_by: Mapped[str] = mapped_column(String(60))
    reviewed_by_name: Mapped[str] = mapped_column(String(200))


class ReportReturn(UuidMixin, Base):
    """A return note the province sent about one version of this office's sent reports,
    as taken in (its signature checked against the province's registered key)."""

    __tablename__ = "report_returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    sent_report_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    province_code: Mapped[str] = mapped_column(String(5))
    province_name: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    returned_on: Mapped[date] = mapped_column(Date)
    note: Mapped[bytes] = mapped_column(LargeBinary)  # as received, signature included
    note_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    received_by: Mapped[str] = mapped_column(String(60))
