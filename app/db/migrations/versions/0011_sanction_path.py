"""sanction path: the body an event went to, a biên bản's time to decide, what followed a
decision (delivery, payment, enforcement)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every one nullable: the events already recorded keep their rows as they are.
COLUMNS = (
    ("addressee", sa.String(length=200)),
    ("decision_time", sa.String(length=20)),
    ("delivered_on", sa.Date()),
    ("paid_on", sa.Date()),
    ("paid_amount", sa.Integer()),
    ("receipt_number", sa.String(length=100)),
    ("enforced_on", sa.Date()),
    ("enforcement_note", sa.Text()),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("events", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    # Dropped in place: a batch would rebuild `events`, and dropping the old table deletes
    # the rows of `event_legal_bases` through their ON DELETE CASCADE.
    for name, _kind in reversed(COLUMNS):
        op.drop_column("events", name)
