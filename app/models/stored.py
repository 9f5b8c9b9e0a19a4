"""What server mode keeps in the database that a data folder keeps as files: the key
file's content and the evidence's encrypted bytes (`app/db/key_store.py`,
`app/db/chunks.py`). Empty on a data folder's SQLite file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UtcDateTime, utcnow


class KeyFileRecord(Base):
    """The key file (`app/security/keyfile.py`) as one row: its JSON, as the file holds
    it. Every wrap in it is sealed by a password or the recovery key, so the server learns
    nothing from it; the row is locked while the lockout and the refused sign-ins change."""

    __tablename__ = "key_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EvidenceChunk(Base):
    """A stored content's encrypted bytes (`app/security/cipher.py`, as the file would
    hold them) cut in parts of at most 1 MiB, by the SHA-256 of its plain content."""

    __tablename__ = "evidence_chunks"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
