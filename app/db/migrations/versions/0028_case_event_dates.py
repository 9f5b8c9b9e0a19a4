"""case event dates: each case's last live event and oldest unanswered removal request

Two needs-action lists asked every open case's events (26,000 open cases at 100,000:
44 ms and 28 ms of the dashboard's first view on SQLCipher). Each case now holds:

- `last_event_on`: the date of its latest live event (none: no live event), which the list
  of cases without an event for N days compares;
- `removal_asked_on`: the date of its oldest live removal request that no live removal on
  that day or later answers (none: no such request), which the list of removal requests
  unanswered for N days compares.

Dates, not day counts: how many days make a case stale or a request overdue are the
office's settings, applied when the lists are read. The database keeps both up to date
itself, with a trigger on every insert, change of case, kind, date or voiding, and
deletion of an event, whichever program or path writes it (the editor, an import, a
received transfer, a restored backup's copy). `ix_cases_live_open` holds them, so that
the lists read that index alone.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")
OLD_OPEN_COLUMNS = ["closed_on", "detected_on", "id", "code", "deleted_at", "act_on",
                    "group_code", "platform_code", "offender_name"]
OPEN_COLUMNS = [*OLD_OPEN_COLUMNS, "last_event_on", "removal_asked_on"]

# The rule, once for both engines: the cases `target` names get their dates again from
# their live events. 'YCG' and 'GB' are EventKind.REMOVAL_REQUEST and EventKind.REMOVED.
REFRESH = """
UPDATE cases SET
  last_event_on = (SELECT max(e.occurred_on) FROM events e
                   WHERE e.case_id = cases.id AND e.voided_at IS NULL),
  removal_asked_on = (SELECT min(r.occurred_on) FROM events r
                      WHERE r.case_id = cases.id AND r.kind = 'YCG' AND r.voided_at IS NULL
                        AND NOT EXISTS (SELECT 1 FROM events g
                                        WHERE g.case_id = cases.id AND g.kind = 'GB'
                                          AND g.voided_at IS NULL
                                          AND g.occurred_on >= r.occurred_on))
WHERE {target}"""

# What an event's change can move: the case it belongs to, its kind, date or voiding
# (SQLite; PostgreSQL's triggers with transition tables take no list of columns).
WATCHED = "case_id, kind, occurred_on, voided_at"

SQLITE_TRIGGERS = {
    "events_case_dates_insert": f"AFTER INSERT ON events BEGIN "
                                f"{REFRESH.format(target='id = new.case_id')}; END",
    "events_case_dates_update": f"AFTER UPDATE OF {WATCHED} ON events BEGIN "
                                f"{REFRESH.format(target='id IN (old.case_id, new.case_id)')};"
                                f" END",
    "events_case_dates_delete": f"AFTER DELETE ON events BEGIN "
                                f"{REFRESH.format(target='id = old.case_id')}; END",
}

# PostgreSQL runs the rule once a statement, on the rows it changed (transition tables):
# a bulk insert of thousands of events is one statement, where a trigger on each row
# made a server's demo build 3.4 times as long. Removing a register's tables leaves the
# function: `storage.REGISTER_FUNCTIONS` names it.
POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION events_case_dates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {REFRESH.format(target='id IN (SELECT case_id FROM new_rows)')};
  ELSIF TG_OP = 'UPDATE' THEN
    {REFRESH.format(target='id IN (SELECT case_id FROM new_rows '
                           'UNION SELECT case_id FROM old_rows)')};
  ELSE
    {REFRESH.format(target='id IN (SELECT case_id FROM old_rows)')};
  END IF;
  RETURN NULL;
END $$"""
POSTGRESQL_TRIGGERS = {
    "events_case_dates_insert": "AFTER INSERT ON events REFERENCING NEW TABLE AS new_rows",
    "events_case_dates_update": "AFTER UPDATE ON events "
                                "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "events_case_dates_delete": "AFTER DELETE ON events REFERENCING OLD TABLE AS old_rows",
}


def _open_index(columns: list[str]) -> None:
    op.drop_index("ix_cases_live_open", "cases")
    op.create_index("ix_cases_live_open", "cases", columns,
                    sqlite_where=LIVE, postgresql_where=LIVE)


def upgrade() -> None:
    op.add_column("cases", sa.Column("last_event_on", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("removal_asked_on", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        op.execute(POSTGRESQL_FUNCTION)
        for name, when in POSTGRESQL_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION events_case_dates()")
    op.execute(REFRESH.format(target="id IN (SELECT case_id FROM events)"))
    _open_index(OPEN_COLUMNS)


def downgrade() -> None:
    _open_index(OLD_OPEN_COLUMNS)
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON events")
        op.execute("DROP FUNCTION events_case_dates()")
    # In place on both engines (SQLite 3.35 and later): a rebuilt table would lose the
    # full-text triggers on it.
    op.execute("ALTER TABLE cases DROP COLUMN removal_asked_on")
    op.execute("ALTER TABLE cases DROP COLUMN last_event_on")
