"""Where a case came from and where it went: the case transfers between offices
(shared/spec/exchange.md, "Case transfer package")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UtcDateTime, UuidMixin, utcnow


class CaseTransfer(UuidMixin, Base):
    """One case sent in a package to another unit, or received in one from it."""

    __tablename__ = "case_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # `TransferDirection`: out, in
    other_unit_code: Mapped[str] = mapped_column(String(5))
    other_unit_name: Mapped[str] = mapped_column(String(300))
    # The SHA-256 of the package file as sent or received: receiving it again is found here.
    package_sha256: Mapped[str] = mapped_column(String(64), index=True)
    # What receiving did to the case: added, updated, or kept (the incoming was not newer);
    # "sent" going out.
    outcome: Mapped[str] = mapped_column(String(10))
    children_included: Mapped[bool] = mapped_column(default=False)
    # Incoming: the sender's audit excerpt of the case (JSON: who, what, when; no free text).
    audit_excerpt: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(60))

    __table_args__ = (
        Index("uq_case_transfers_package", "case_id", "direction", "package_sha256",
              unique=True),
    )
