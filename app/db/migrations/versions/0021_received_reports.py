"""received reports: the report packages other units sent (shared/spec/exchange.md)

A new table only: every version received stays, a unit's highest version of a period
being its current report.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UtcDateTime

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "received_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=5), nullable=False),
        sa.Column("unit_name", sa.String(length=300), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("package", sa.LargeBinary(), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("received_by", sa.String(length=60), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_reports")),
        sa.UniqueConstraint("unit_code", "period_start", "period_end", "version",
                            name=op.f("uq_received_reports_unit_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_received_reports_uuid")),
    )
    op.create_index("ix_received_reports_period", "received_reports",
                    ["period_start", "period_end"])


def downgrade() -> None:
    op.drop_index("ix_received_reports_period", "received_reports")
    op.drop_table("received_reports")
