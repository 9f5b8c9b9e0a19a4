"""case transfers: where each case came from and where it went

`case_transfers` keeps one row per case sent in a transfer package or received in one
(shared/spec/exchange.md, "Case transfer package"): the other unit, the package's SHA-256
(the same package received again is found by it), what receiving did, and the sender's
audit excerpt of the case. A new table: existing rows are untouched.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UtcDateTime

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("other_unit_code", sa.String(length=5), nullable=False),
        sa.Column("other_unit_name", sa.String(length=300), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("children_included", sa.Boolean(), nullable=False),
        sa.Column("audit_excerpt", sa.Text(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("by", sa.String(length=60), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE",
                                name=op.f("fk_case_transfers_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_transfers")),
        sa.UniqueConstraint("uuid", name=op.f("uq_case_transfers_uuid")),
    )
    op.create_index(op.f("ix_case_transfers_case_id"), "case_transfers", ["case_id"])
    op.create_index(op.f("ix_case_transfers_package_sha256"), "case_transfers",
                    ["package_sha256"])
    op.create_index("uq_case_transfers_package", "case_transfers",
                    ["case_id", "direction", "package_sha256"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_case_transfers_package", "case_transfers")
    op.drop_index(op.f("ix_case_transfers_package_sha256"), "case_transfers")
    op.drop_index(op.f("ix_case_transfers_case_id"), "case_transfers")
    op.drop_table("case_transfers")
