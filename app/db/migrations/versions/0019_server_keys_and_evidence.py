"""server mode's key file and evidence: the tables that hold them in the database

In server mode every PC reads the key file's content (`key_file`, one row) and the
evidence's encrypted bytes (`evidence_chunks`) from the server; a data folder keeps its
files and leaves both tables empty. New tables only.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UtcDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "key_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_file")),
    )
    op.create_table(
        "evidence_chunks",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "part", name=op.f("pk_evidence_chunks")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Encrypted bytes do not compress: stored out of line without trying.
        op.execute("ALTER TABLE evidence_chunks ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("evidence_chunks")
    op.drop_table("key_file")
