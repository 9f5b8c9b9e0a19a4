"""open-case indexes: the needs-action lists read indexes only

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
# `deleted_at` too, always NULL here: SQLite 3.40 reads the table for a column of the
# index's own condition unless the index holds it.
OPEN_COLUMNS = ["closed_on", "detected_on", "id", "code", "deleted_at"]


def upgrade() -> None:
    op.create_index("ix_cases_live_open", "cases", OPEN_COLUMNS,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.drop_index("ix_events_case", "events")
    op.create_index("ix_events_case", "events", ["case_id", "occurred_on", "kind", "voided_at"])


def downgrade() -> None:
    op.drop_index("ix_events_case", "events")
    op.create_index("ix_events_case", "events", ["case_id", "occurred_on"])
    op.drop_index("ix_cases_live_open", "cases")
