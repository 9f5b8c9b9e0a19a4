"""The Word templates an office replaced (`app.services.templates`): in the database, so
that every computer working on the register drafts with them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UtcDateTime, UuidMixin, utcnow


class DocumentTemplate(UuidMixin, Base):
    """One row per template replaced; none while the shipped default is used."""

    __tablename__ = "document_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)  # `bao-cao`, a letter's stem
    content: Mapped[bytes] = mapped_column(LargeBinary)  # the .docx as put back
    sha256: Mapped[str] = mapped_column(String(64))
    replaced_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    replaced_by: Mapped[str] = mapped_column(String(60))  # the administrator's username
