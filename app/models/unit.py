"""Other offices' public keys, registered by an administrator (shared/spec/exchange.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UtcDateTime, UuidMixin, utcnow


class RegisteredUnit(UuidMixin, Base):
    """One unit's public keys as registered. A replaced key stays, marked replaced: the
    unit's current keys are its row without `replaced_at`."""

    __tablename__ = "registered_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(5))
    unit_name: Mapped[str] = mapped_column(String(300))
    # The public halves, base64 (`app.security.unit_keys.PublicKeys`).
    signing_key: Mapped[str] = mapped_column(String(44))
    receiving_key: Mapped[str] = mapped_column(String(44))
    fingerprint: Mapped[str] = mapped_column(String(40))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    registered_by: Mapped[str] = mapped_column(String(60))
    replaced_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    replaced_by: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (
        Index("uq_registered_units_current", "unit_code", unique=True,
              sqlite_where=text("replaced_at IS NULL"),
              postgresql_where=text("replaced_at IS NULL")),
    )
