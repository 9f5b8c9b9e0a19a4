"""report reviews: the province accepts or returns a received report; the commune keeps
the return notes it took in (shared/spec/exchange.md)

New tables only: `report_reviews` (the province's decision on one received version, with
the signed note of a return) and `report_returns` (at the commune, each return note taken
in, against the version of its sent report it returns).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UtcDateTime

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_report_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("note", sa.LargeBinary(), nullable=True),
        sa.Column("note_sha256", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", UtcDateTime(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=60), nullable=False),
        sa.Column("reviewed_by_name", sa.String(length=200), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["received_report_id"], ["received_reports.id"],
                                name=op.f("fk_report_reviews_received_report_id_received_reports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_reviews")),
        sa.UniqueConstraint("received_report_id",
                            name=op.f("uq_report_reviews_received_report_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_report_reviews_uuid")),
    )
    op.create_table(
        "report_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sent_report_uuid", sa.String(length=36), nullable=False),
        sa.Column("province_code", sa.String(length=5), nullable=False),
        sa.Column("province_name", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=False),
        sa.Column("note", sa.LargeBinary(), nullable=False),
        sa.Column("note_sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("received_by", sa.String(length=60), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_returns")),
        sa.UniqueConstraint("sent_report_uuid", name=op.f("uq_report_returns_sent_report_uuid")),
        sa.UniqueConstraint("uuid", name=op.f("uq_report_returns_uuid")),
    )


def downgrade() -> None:
    op.drop_table("report_returns")
    op.drop_table("report_reviews")
