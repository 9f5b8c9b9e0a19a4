"""Hints to each engine's query planner that a condition is written for, where the engines
plan the same SQL differently.

`scanned_id(column)`: an id tested against a set (`IN (SELECT …)`) that SQLite checks while
it walks an index holding the ids, instead of reading each row of the set by its id: on
SQLCipher every table page read is decrypted again, where an index's few pages stay in the
cache (a broad search's matches, the cases of a window of days). PostgreSQL gets it plain.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class scanned_id(FunctionElement[int]):  # noqa: N801 - used as a function, as SQLAlchemy's are
    """`column` (an integer id), looked up by no index of its own on SQLite."""

    type = Integer()
    inherit_cache = True
    name = "scanned_id"

    def __init__(self, column: QueryableAttribute[int] | ColumnElement[int]) -> None:
        super().__init__(column)


@compiles(scanned_id)
def _plain_id(element: scanned_id, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(scanned_id, "sqlite")
def _scanned_id_on_sqlite(element: scanned_id, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(+{compiler.process(element.clauses, **kw)})"
