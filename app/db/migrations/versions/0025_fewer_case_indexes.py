"""fewer indexes on cases: the five no query of the program reads, each costing every insert

docs/performance.md ("Indexes of cases and events") names the query each kept index
serves. Dropped: `detected_on` alone (the pair `detected_on, code` serves the same
searches, and the list of deleted cases reads it sorting only the ties of one day),
`platform_code`, `group_code` and `closed_on` alone (every query filtering on them is of
the live register, which reads the partial `ix_cases_live_*` indexes, or of the open
cases, `ix_cases_live_open`), and `act_on, id` of the live register (no list sorts by the
act's date; the limitation list reads it from `ix_cases_live_open`). Downgrade makes them
again.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 17:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
SINGLE_COLUMNS = ("detected_on", "platform_code", "group_code", "closed_on")


def upgrade() -> None:
    for column in SINGLE_COLUMNS:
        op.drop_index(f"ix_cases_{column}", "cases")
    op.drop_index("ix_cases_live_act_on", "cases")


def downgrade() -> None:
    for column in SINGLE_COLUMNS:
        op.create_index(f"ix_cases_{column}", "cases", [column])
    op.create_index("ix_cases_live_act_on", "cases", ["act_on", "id"],
                    sqlite_where=LIVE, postgresql_where=LIVE)
