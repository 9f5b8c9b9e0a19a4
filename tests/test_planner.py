"""The hints to each engine's planner (`app.db.planner`) are SQL the engine reads as meant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.db.planner import through_index
from app.models import Case


def _sql(index: str, dialect: object) -> str:
    kinds = through_index(Case.__table__, index, "case_kinds")
    return str(select(kinds.c.group_code).where(kinds.c.id == 7).compile(dialect=dialect))


def test_sqlite_reads_the_named_index_and_a_server_the_plain_table() -> None:
    assert "FROM cases AS case_kinds INDEXED BY ix_cases_live_id" in _sql(
        "ix_cases_live_id", sqlite.dialect())
    on_server = _sql("ix_cases_live_id", postgresql.dialect())
    assert "FROM cases AS case_kinds" in on_server and "INDEXED" not in on_server


def test_the_index_is_part_of_the_statement_cache_key() -> None:
    """SQLAlchemy caches a statement's SQL by its key: two indexes, two statements."""
    keys = [select(through_index(Case.__table__, index, "case_kinds").c.id)
            ._generate_cache_key().key for index in ("ix_a", "ix_b", "ix_a")]
    assert keys[0] == keys[2] != keys[1]
