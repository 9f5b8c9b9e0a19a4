"""collation sort keys: names and places sorted in Vietnamese order

The list sorted area, account and offender by their text's code points ("Khu phố 1"
before "Ấp Bắc"). Each now has a Vietnamese collation key (`app.domain.collation`,
written by the services) and the list's partial sort index is on the key.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.domain.collation import sort_key
from app.domain.search_keys import offender_sort_key

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
# The text columns the list sorted by, and the key each is now sorted by.
SORTED = {"area": "area_sort", "account_key": "account_sort", "offender_key": "offender_sort"}


def upgrade() -> None:
    for key in SORTED.values():
        op.add_column("cases", sa.Column(key, sa.Text(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, area, account, offender_name, offender_kind FROM cases")).all()
    if rows:
        conn.execute(
            sa.text("UPDATE cases SET area_sort = :area, account_sort = :account, "
                    "offender_sort = :offender WHERE id = :id"),
            [{"id": case_id, "area": sort_key(area) or None, "account": sort_key(account),
              "offender": offender_sort_key(offender, kind)}
             for case_id, area, account, offender, kind in rows])
    for column, key in SORTED.items():
        op.drop_index(f"ix_cases_live_{column}", "cases")
        op.create_index(f"ix_cases_live_{key}", "cases", [key, "id"],
                        sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    for column, key in SORTED.items():
        op.drop_index(f"ix_cases_live_{key}", "cases")
        op.create_index(f"ix_cases_live_{column}", "cases", [column, "id"],
                        sqlite_where=LIVE, postgresql_where=LIVE)
    # Dropped in place: a batch would rebuild `cases` and lose the full-text triggers on it.
    for key in SORTED.values():
        op.drop_column("cases", key)
