"""User accounts, the append-only audit log and where its keyed chain stands."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UtcDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditEntry(Base):
    """Who did what and when. Rows are only ever added; each hashes the one before, and
    once an administrators' key started the keyed chain each also has a sequence number
    and a MAC (`services/audit.py`)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str | None] = mapped_column(String(40))
    entity_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # None on the rows written before the keyed chain started.
    sequence: Mapped[int | None] = mapped_column(unique=True, index=True)
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditChain(Base):
    """Where the keyed audit chain stands, in one row updated with each audit row: the
    newest row's sequence number and MAC, and the key of the next row (the key of a
    written row is gone: it cannot be derived back from this one)."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int]
    # The newest row's MAC; before the first keyed row, the hash of the row the chain
    # starts after (or the genesis value).
    mac: Mapped[str] = mapped_column(String(64))
    key: Mapped[bytes] = mapped_column(LargeBinary)
    # The first row keyed from the current administrators' key, and the first keys of the
    # rows keyed from earlier ones (sealed under it), for when that key is replaced.
    epoch_start: Mapped[int]
    earlier_epochs: Mapped[bytes | None] = mapped_column(LargeBinary)
