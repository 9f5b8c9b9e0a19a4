"""search indexes: partial sort indexes on the live register, full-text index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: a later change to the model's list must come with its own migration.
SORTED_COLUMNS = ("detected_on", "code", "platform_code", "group_code", "account_key",
                  "offender_key", "area", "closed_on", "updated_at")
LIVE = sa.text("deleted_at IS NULL")

# Substring search over the folded key (app/db/text_index.py queries it): an FTS5
# trigram index kept in step with `cases` by triggers. SQLite only.
CREATE_FTS = (
    "CREATE VIRTUAL TABLE case_fts USING fts5(search_key, content='cases', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN "
    "INSERT INTO case_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key); END",
    "CREATE TRIGGER cases_fts_update AFTER UPDATE OF search_key ON cases BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key); "
    "INSERT INTO case_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "INSERT INTO case_fts(case_fts) VALUES ('rebuild')",
)
DROP_FTS = (
    "DROP TRIGGER cases_fts_insert",
    "DROP TRIGGER cases_fts_delete",
    "DROP TRIGGER cases_fts_update",
    "DROP TABLE case_fts",
)


def _run_on_sqlite(statements: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in statements:
            op.execute(statement)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_deleted_at")
    for column in SORTED_COLUMNS:
        op.create_index(f"ix_cases_live_{column}", "cases", [column, "id"],
                        sqlite_where=LIVE, postgresql_where=LIVE)
    _run_on_sqlite(CREATE_FTS)


def downgrade() -> None:
    _run_on_sqlite(DROP_FTS)
    for column in SORTED_COLUMNS:
        op.drop_index(f"ix_cases_live_{column}", "cases")
    with op.batch_alter_table("cases") as batch:
        batch.create_index("ix_cases_deleted_at", ["deleted_at"])
