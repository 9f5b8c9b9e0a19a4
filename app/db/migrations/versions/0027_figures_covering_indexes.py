"""figures covering indexes: the report's figures read from indexes, not rows

On SQLCipher each table page read is decrypted again; at 100,000 cases the year to date's
events and the cases handled in it are most of their tables. So:

- `ix_cases_offender_age` (new) holds the live cases whose offender has a birth date or
  year, with what the count of offenders under 18 tests (the act's day, the offender's
  kind and name): the count read the row of every case handled in the period (1.0 s for a
  year to date); it now reads this index and, for the few offenders born late enough to
  be under 18, their events in `ix_events_case`.
- `ix_events_kind_date` also holds the voiding, the case, the sanction's form and the
  fine: each case's columns 6–10 and the office's work of a period from the index alone.
- `ix_events_fines` also holds the amount paid: the fines collected from it alone (and
  SQLite keeps picking it over the wider (kind, date) index).

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

AGE_COLUMNS = ["offender_birth_year", "offender_birth_date", "act_on", "offender_kind",
               "offender_name", "deleted_at", "id"]
BORN_LIVE = sa.text("deleted_at IS NULL AND "
                    "(offender_birth_year IS NOT NULL OR offender_birth_date IS NOT NULL)")
OLD_KIND_DATE = ["kind", "occurred_on"]
KIND_DATE = [*OLD_KIND_DATE, "voided_at", "case_id", "sanction_form", "fine_amount"]
SANCTIONS = sa.text("kind = 'XP'")  # EventKind.SANCTION
OLD_FINES = ["sanction_form", "delivered_on", "case_id", "paid_on", "enforced_on",
             "voided_at", "kind"]
FINES = [*OLD_FINES, "paid_amount"]


def _events_indexes(kind_date: list[str], fines: list[str]) -> None:
    op.drop_index("ix_events_kind_date", "events")
    op.create_index("ix_events_kind_date", "events", kind_date)
    op.drop_index("ix_events_fines", "events")
    op.create_index("ix_events_fines", "events", fines,
                    sqlite_where=SANCTIONS, postgresql_where=SANCTIONS)


def upgrade() -> None:
    op.create_index("ix_cases_offender_age", "cases", AGE_COLUMNS,
                    sqlite_where=BORN_LIVE, postgresql_where=BORN_LIVE)
    _events_indexes(KIND_DATE, FINES)


def downgrade() -> None:
    _events_indexes(OLD_KIND_DATE, OLD_FINES)
    op.drop_index("ix_cases_offender_age", "cases")
