"""figures indexes: the dashboard's own columns and its sanction lists from indexes

`ix_cases_live_open` also holds each case's group, platform and offender's name: the
report's own columns of a case (carried in, detected, unidentified, closed, carried out)
are summed from it without reading the cases' rows (on SQLCipher each table page read is
decrypted again: at 100,000 cases the rows of the cases open since a year are most of the
table). `ix_events_fines` and `ix_events_records`: the sanctions only and the biên bản
only, with what the lists of fines past their time to comply and of biên bản without a
decision by their deadline test, instead of reading the events of every case.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
OLD_OPEN_COLUMNS = ["closed_on", "detected_on", "id", "code", "deleted_at", "act_on"]
OPEN_COLUMNS = [*OLD_OPEN_COLUMNS, "group_code", "platform_code", "offender_name"]
SANCTIONS = sa.text("kind = 'XP'")  # EventKind.SANCTION
FINE_COLUMNS = ["sanction_form", "delivered_on", "case_id", "paid_on", "enforced_on",
                "voided_at", "kind"]
RECORDS = sa.text("kind = 'BB'")  # EventKind.RECORD
RECORD_COLUMNS = ["kind", "occurred_on", "decision_time", "case_id", "voided_at"]


def upgrade() -> None:
    op.drop_index("ix_cases_live_open", "cases")
    op.create_index("ix_cases_live_open", "cases", OPEN_COLUMNS,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index("ix_events_fines", "events", FINE_COLUMNS,
                    sqlite_where=SANCTIONS, postgresql_where=SANCTIONS)
    op.create_index("ix_events_records", "events", RECORD_COLUMNS,
                    sqlite_where=RECORDS, postgresql_where=RECORDS)


def downgrade() -> None:
    op.drop_index("ix_events_records", "events")
    op.drop_index("ix_events_fines", "events")
    op.drop_index("ix_cases_live_open", "cases")
    op.create_index("ix_cases_live_open", "cases", OLD_OPEN_COLUMNS,
                    sqlite_where=LIVE, postgresql_where=LIVE)
