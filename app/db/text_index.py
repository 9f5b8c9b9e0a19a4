"""Substring search over the folded search key, fast where the database allows it.

On SQLite an external-content FTS5 table with the trigram tokenizer indexes
`cases.search_key` (kept current by triggers: migration 0003 creates both); words
of three letters or more are looked up there, and so are words of two letters through
the index's trigrams that hold them (`short_word_trigrams`). A single letter uses an
escaped LIKE over the same key: the results are the same. On PostgreSQL every word is
that LIKE, which a trigram GIN index on the key answers for words of three letters or
more (pg_trgm: migration 0018).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import ColumnElement, Connection, column, false, literal_column, select, table

from app.db.planner import scanned_id
from app.models import Case

FTS_TABLE = "case_fts"
TRIGRAM_INDEX = "ix_cases_search_trgm"
TRIGRAM = 3
# The index's terms, one row each (`fts5vocab`), made on each connection that needs them:
# a table of the connection's own temporary schema, nothing written to the database.
_TERMS = "temp.case_fts_terms"

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


def short_word_trigrams(connection: Connection, words: list[str]) -> dict[str, list[str]]:
    """For each word of two letters (SQLite): the trigrams of the index that hold it.

    A key holds the case's code and account joined by " | ", never fewer than three
    letters, so each place a two-letter word is found lies in a trigram that starts with
    it or, at the key's end, one that ends with it; and a key with such a trigram holds
    the word. Matching those trigrams finds the cases the LIKE over every key finds, from
    the index alone (100,000 cases, 'du': the table's pages, decrypted again by SQLCipher
    at each search, no longer read).
    """
    short = sorted({w for w in words if len(w) == TRIGRAM - 1})
    if connection.dialect.name != "sqlite" or not short:
        return {}
    connection.exec_driver_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {_TERMS} "
                               f"USING fts5vocab(main, {FTS_TABLE}, row)")
    # The letters that may come before a word: every ASCII one (a folded key is mostly
    # ASCII), each trigram looked up by itself, and the others the index holds, found by
    # stepping through its terms' first letters. Not every letter stepped through: the
    # vocabulary counts the cases of each term it steps onto (for 'du', 240 ms against 30).
    letters = [chr(code) for code in range(1, 0x80)]
    term = _first_term(connection, "\x80")
    while term is not None:
        letters.append(term[0])
        after = _next_letter(term[0])
        term = None if after is None else _first_term(connection, after)
    found: dict[str, list[str]] = {}
    for word in short:
        starting = connection.exec_driver_sql(
            f"SELECT term FROM {_TERMS} WHERE term >= ? AND term <= ?",
            (word, word + chr(0x10FFFF))).scalars().all()
        ending = connection.exec_driver_sql(
            f"SELECT terms.term FROM json_each(?) AS asked JOIN {_TERMS} AS terms "
            "ON terms.term = asked.value",
            (json.dumps([letter + word for letter in letters]),)).scalars().all()
        found[word] = sorted({*starting, *ending})
    return found


def _first_term(connection: Connection, start: str) -> str | None:
    found: str | None = connection.exec_driver_sql(
        f"SELECT term FROM {_TERMS} WHERE term >= ? LIMIT 1", (start,)).scalar()
    return found


def _next_letter(letter: str) -> str | None:
    """The letter after `letter`, skipping the surrogates (no text holds them)."""
    code = ord(letter) + 1
    if 0xD800 <= code <= 0xDFFF:
        code = 0xE000
    return chr(code) if code <= 0x10FFFF else None


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def word_conditions(words: list[str], dialect: str, *, live: bool = False,
                    trigrams: Mapping[str, list[str]] | None = None) -> list[ColumnElement[bool]]:
    """Conditions on `Case` for folded `words`, every value bound as a parameter; `live`:
    the query keeps only cases not deleted; `trigrams`: `short_word_trigrams`'s answer
    for the words of two letters (those left out are matched by a LIKE)."""
    trigrams = trigrams or {}
    indexed = [w for w in words if dialect == "sqlite"
               and (len(w) >= TRIGRAM or w in trigrams)]
    conditions = [_like(w) for w in words if w not in indexed]
    if not indexed:
        return conditions
    if any(w in trigrams and not trigrams[w] for w in indexed):
        return [*conditions, false()]  # no key holds the word
    phrase = " AND ".join(
        "(" + " OR ".join(_quoted(t) for t in trigrams[w]) + ")" if w in trigrams else _quoted(w)
        for w in indexed)
    matching = select(_fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(phrase))
    # Live cases: SQLite walks the sort's partial index of live cases (the key and the
    # id) checking each id against the matches, rather than reading each match's row
    # (a broad word names half the register: most of the table's pages, decrypted
    # again by SQLCipher). 100,000 cases, 'facebook': 0.82 s → 0.1 s; a selective
    # word 4 → 15 ms. Deleted cases have no such index: read by their ids.
    matched = scanned_id(Case.id) if live else Case.id
    conditions.append(matched.in_(matching))
    return conditions
