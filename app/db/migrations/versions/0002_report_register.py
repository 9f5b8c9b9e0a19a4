"""report register

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 12:54:44.694836
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sent_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("xlsx", sa.LargeBinary(), nullable=False),
        sa.Column("xlsx_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("sent_by", sa.String(length=60), nullable=False),
        sa.Column("sent_by_name", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("supersedes", sa.String(length=36), nullable=True),
        sa.Column("reissue_reason", sa.Text(), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_reports")),
        sa.UniqueConstraint("period_start", "period_end", "version",
                            name=op.f("uq_sent_reports_period_start")),
        sa.UniqueConstraint("uuid", name=op.f("uq_sent_reports_uuid")),
    )
    with op.batch_alter_table("sent_reports", schema=None) as batch_op:
        batch_op.create_index("ix_sent_reports_issue_date", ["issue_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sent_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_sent_reports_issue_date")

    op.drop_table("sent_reports")
