"""offender age index: the report's count of minor offenders from an index

`ix_cases_offender_age` holds the live cases whose offender has a birth date or year, with
what the count of offenders under 18 tests (the act's day, the offender's kind and name).
The count read, for the year to date, the row of every case handled in it (on SQLCipher
each page decrypted again: 1.0 s at 100,000 cases); it now reads this index and, for the
few offenders born late enough to be under 18, their events in `ix_events_case`.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["offender_birth_year", "offender_birth_date", "act_on", "offender_kind",
           "offender_name", "deleted_at", "id"]
BORN_LIVE = sa.text("deleted_at IS NULL AND "
                    "(offender_birth_year IS NOT NULL OR offender_birth_date IS NOT NULL)")


def upgrade() -> None:
    op.create_index("ix_cases_offender_age", "cases", COLUMNS,
                    sqlite_where=BORN_LIVE, postgresql_where=BORN_LIVE)


def downgrade() -> None:
    op.drop_index("ix_cases_offender_age", "cases")
