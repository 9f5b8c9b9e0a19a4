"""trigram search on PostgreSQL: pg_trgm and a GIN index on the folded search key

On PostgreSQL the substring search (`text_index.py`) is the LIKE over `cases.search_key`
that SQLite uses for short words; a trigram GIN index answers it for words of three
letters or more, as FTS5's trigram table does on SQLite. pg_trgm is a trusted extension:
the database's owner may create it. Nothing changes on SQLite.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 10:30:00
"""

from collections.abc import Sequence

from alembic import op

from app.db.text_index import TRIGRAM_INDEX

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX {TRIGRAM_INDEX} ON cases "
                   "USING gin (search_key gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {TRIGRAM_INDEX}")
