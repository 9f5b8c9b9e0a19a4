"""document register: the documents sent and received (sổ văn bản đi, đến)

New tables only: the cases and events already recorded are untouched.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UtcDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _links(name: str, documents: str) -> None:
    op.create_table(
        name,
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f(f"fk_{name}_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], [f"{documents}.id"],
                                name=op.f(f"fk_{name}_document_id_{documents}"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "case_id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_case_id"), name, ["case_id"])


def upgrade() -> None:
    op.create_table(
        "sent_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=True),
        sa.Column("signer", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("reply_by", sa.Date(), nullable=True),
        sa.Column("signed_sha256", sa.String(length=64), nullable=True),
        sa.Column("signed_name", sa.String(length=255), nullable=True),
        sa.Column("signed_size", sa.Integer(), nullable=True),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(length=60), nullable=False),
        sa.Column("entered_at", UtcDateTime(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_sent_documents_event_id_events"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_documents")),
        sa.UniqueConstraint("symbol", "year", "number",
                            name=op.f("uq_sent_documents_symbol")),
        sa.UniqueConstraint("uuid", name=op.f("uq_sent_documents_uuid")),
    )
    op.create_index("ix_sent_documents_issued_on", "sent_documents", ["issued_on"])
    op.create_index("ix_sent_documents_reply_by", "sent_documents", ["reply_by"])
    op.create_index(op.f("ix_sent_documents_signed_sha256"), "sent_documents",
                    ["signed_sha256"])
    op.create_table(
        "received_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=300), nullable=False),
        sa.Column("their_number", sa.String(length=100), nullable=True),
        sa.Column("their_date", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("answers_id", sa.Integer(), nullable=True),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(length=60), nullable=False),
        sa.Column("entered_at", UtcDateTime(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["answers_id"], ["sent_documents.id"],
                                name=op.f("fk_received_documents_answers_id_sent_documents"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_documents")),
        sa.UniqueConstraint("uuid", name=op.f("uq_received_documents_uuid")),
    )
    op.create_index("ix_received_documents_received_on", "received_documents",
                    ["received_on"])
    op.create_index(op.f("ix_received_documents_answers_id"), "received_documents",
                    ["answers_id"])
    _links("sent_document_cases", "sent_documents")
    _links("received_document_cases", "received_documents")


def downgrade() -> None:
    for name in ("received_document_cases", "sent_document_cases", "received_documents",
                 "sent_documents"):
        op.drop_table(name)
