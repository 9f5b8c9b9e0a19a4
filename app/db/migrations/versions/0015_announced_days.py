"""announced days: the days off and worked weekend days the government announces

Working-day clocks (Luật XLVPHC Điều 66) skip weekends and public holidays; each year the
government also announces extra days off and the Saturdays worked to make up for them, which
an administrator records here.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "announced_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announced_days")),
        sa.UniqueConstraint("day", name=op.f("uq_announced_days_day")),
        sa.UniqueConstraint("uuid", name=op.f("uq_announced_days_uuid")),
    )


def downgrade() -> None:
    op.drop_table("announced_days")
