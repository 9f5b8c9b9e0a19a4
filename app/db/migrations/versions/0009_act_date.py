"""act date: when the content was posted and until when it stayed up, and the act's date

A case records `posted_on` and `posted_until`; `act_on` caches the act's date the services
derive from them (`app.domain.case.ActDate`), so that the needs-action lists count the
limitation from it in SQL. Cases recorded before knew no posting date: their act's date is
their detection date, as the rule says while the posting date is unknown.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
OLD_OPEN_COLUMNS = ["closed_on", "detected_on", "id", "code", "deleted_at"]
# The limitation list reads the act's date from the open-case index too.
OPEN_COLUMNS = [*OLD_OPEN_COLUMNS, "act_on"]


def upgrade() -> None:
    op.add_column("cases", sa.Column("posted_on", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("posted_until", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("act_on", sa.Date(), nullable=True))
    op.execute("UPDATE cases SET act_on = detected_on")
    op.create_index("ix_cases_live_act_on", "cases", ["act_on", "id"],
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.drop_index("ix_cases_live_open", "cases")
    op.create_index("ix_cases_live_open", "cases", OPEN_COLUMNS,
                    sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    op.drop_index("ix_cases_live_open", "cases")
    op.create_index("ix_cases_live_open", "cases", OLD_OPEN_COLUMNS,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.drop_index("ix_cases_live_act_on", "cases")
    # Dropped in place: a batch would rebuild `cases` and lose the full-text triggers on it.
    for column in ("act_on", "posted_until", "posted_on"):
        op.drop_column("cases", column)
