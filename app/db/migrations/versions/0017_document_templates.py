"""document templates: the Word templates an office edited and put back

An administrator exports a template, edits its wording in Word and puts it back; the
program drafts with it from then on, on every computer of the register.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.Column("replaced_by", sa.String(length=60), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_document_templates_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_document_templates_uuid")),
    )


def downgrade() -> None:
    op.drop_table("document_templates")
