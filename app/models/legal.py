"""The versioned catalog of legal provisions (shared/domain/legal-basis.md): the instruments,
their provisions, and the fining limits of the authorities."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UuidMixin


class LegalInstrument(UuidMixin, Base):
    """A law or decree, named as officers cite it (`NĐ 174/2026/NĐ-CP`)."""

    __tablename__ = "legal_instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    citation: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class LegalProvision(UuidMixin, Base):
    __tablename__ = "legal_provisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("legal_instruments.id"), index=True)
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

    instrument: Mapped[LegalInstrument] = relationship(lazy="joined")


class AuthorityLimit(UuidMixin, Base):
    """The most an authority may fine a person or an organisation, over a validity."""

    __tablename__ = "authority_limits"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority: Mapped[str] = mapped_column(String(200))
    party: Mapped[str] = mapped_column(String(10))
    max_fine: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    to_confirm: Mapped[bool] = mapped_column(default=False)
