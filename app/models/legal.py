"""The versioned catalog of legal provisions (shared/domain/legal-basis.md)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UuidMixin


class LegalProvision(UuidMixin, Base):
    __tablename__ = "legal_provisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument: Mapped[str] = mapped_column(String(200))
    article: Mapped[str | None] = mapped_column(String(10))
    clause: Mapped[str | None] = mapped_column(String(10))
    point: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    fine_min: Mapped[int | None] = mapped_column(Integer)
    fine_max: Mapped[int | None] = mapped_column(Integer)
    # The party the stated range applies to, and the factor for the other one.
    stated_for: Mapped[str | None] = mapped_column(String(10))
    other_party_factor: Mapped[float | None] = mapped_column(Float)
    remedies: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    group_codes: Mapped[str] = mapped_column(String(60), default="")
    to_confirm: Mapped[bool] = mapped_column(default=False)
