"""Substring search over the folded search key, fast where the database allows it.

On SQLite an external-content FTS5 table with the trigram tokenizer indexes
`cases.search_key` (kept current by triggers: migration 0003 creates both); words
of three letters or more are looked up there. Shorter words use an escaped LIKE over
the same key: the results are the same. On PostgreSQL every word is that LIKE, which
a trigram GIN index on the key answers for words of three letters or more (pg_trgm:
migration 0018).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, column, literal_column, select, table

from app.db.planner import scanned_id
from app.models import Case

FTS_TABLE = "case_fts"
TRIGRAM_INDEX = "ix_cases_search_trgm"
TRIGRAM = 3

_fts = table(FTS_TABLE, column("rowid"), column(FTS_TABLE))

def is_text_index(type_: str, name: str) -> bool:
    """The FTS table and its shadow tables, or the trigram index: made by hand-written SQL,
    not by the models, so Alembic's comparison must leave them alone."""
    if type_ == "table":
        return name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")
    return type_ == "index" and name == TRIGRAM_INDEX


def drop_deleted_entries(connection: Connection) -> None:
    """Merge the index so that entries of deleted cases are gone from it, not just marked
    deleted in an older segment (a purge must leave no trace of the text)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


def _like(word: str) -> ColumnElement[bool]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Case.search_key.like(f"%{escaped}%", escape="\\")


def word_conditions(words: list[str], dialect: str, *,
                    live: bool = False) -> list[ColumnElement[bool]]:
    """Conditions on `Case` for folded `words`, every value bound as a parameter; `live`:
    the query keeps only cases not deleted."""
    conditions = [_like(w) for w in words if dialect != "sqlite" or len(w) < TRIGRAM]
    long_words = [w for w in words if dialect == "sqlite" and len(w) >= TRIGRAM]
    if long_words:
        phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
        matching = select(_fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(phrase))
        # Live cases: SQLite walks the sort's partial index of live cases (the key and the
        # id) checking each id against the matches, rather than reading each match's row
        # (a broad word names half the register: most of the table's pages, decrypted
        # again by SQLCipher). 100,000 cases, 'facebook': 0.82 s → 0.1 s; a selective
        # word 4 → 15 ms. Deleted cases have no such index: read by their ids.
        matched = scanned_id(Case.id) if live else Case.id
        conditions.append(matched.in_(matching))
    return conditions
