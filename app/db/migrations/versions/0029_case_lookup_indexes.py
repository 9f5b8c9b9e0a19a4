"""case lookup indexes: a live case's group and platform by its id, its account by date

Both for the dashboard's first view and the report's forms, at 100,000 cases on SQLCipher,
where each table page read is decrypted again once it has left the 8 MB page cache:

- `ix_cases_live_id` (new) holds the id, group, platform, detection date and deletion of
  the live cases in a few hundred pages. Forms 01 and 02 sum the columns a case's events
  in a period add (removed, sanctioned, …) and its children by the case's group and
  platform, looked up by the case's id; SQLite looks a row up by id in the table, whose
  wide rows a month's 4,400 cases with events spread over more pages than the cache
  holds (October: 27 ms). The statements read this index by name
  (`planner.through_index`): 6 ms.
- `ix_cases_live_detected_on` also holds the account key (and the deletion its condition
  tests): the accounts over the lock threshold are counted over the 90 days' cases from
  it alone, instead of walking the whole account index (27 → 12 ms).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
OLD_DETECTED = ["detected_on", "id"]
DETECTED = [*OLD_DETECTED, "account_key", "deleted_at"]


def _detected_index(columns: list[str]) -> None:
    op.drop_index("ix_cases_live_detected_on", "cases")
    op.create_index("ix_cases_live_detected_on", "cases", columns,
                    sqlite_where=LIVE, postgresql_where=LIVE)


def upgrade() -> None:
    op.create_index("ix_cases_live_id", "cases",
                    ["id", "group_code", "platform_code", "detected_on", "deleted_at"],
                    sqlite_where=LIVE, postgresql_where=LIVE)
    _detected_index(DETECTED)


def downgrade() -> None:
    _detected_index(OLD_DETECTED)
    op.drop_index("ix_cases_live_id", "cases")
