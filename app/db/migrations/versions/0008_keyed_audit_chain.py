"""keyed audit chain: a sequence number and a MAC on audit rows, the chain's state, anchors

Audit rows written from now on carry a sequence number (contiguous from 1) and a MAC keyed
from the administrators' key (`services/audit.py`); `audit_chain` holds where the chain
stands. Existing rows keep their SHA-256 chain: the first sign-in of an administrator who
holds the key checks it and starts the keyed chain after them. A sent report records the
log's newest keyed row when it was frozen.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("sequence", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("mac", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_log_sequence", "audit_log", ["sequence"], unique=True)
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.Column("epoch_start", sa.Integer(), nullable=False),
        sa.Column("earlier_epochs", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    op.add_column("sent_reports", sa.Column("audit_sequence", sa.Integer(), nullable=True))
    op.add_column("sent_reports", sa.Column("audit_mac", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Older versions read the SHA-256 chain, which every row keeps: the keyed part goes."""
    with op.batch_alter_table("sent_reports") as batch:
        batch.drop_column("audit_mac")
        batch.drop_column("audit_sequence")
    op.drop_table("audit_chain")
    op.drop_index("ix_audit_log_sequence", "audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("mac")
        batch.drop_column("sequence")
