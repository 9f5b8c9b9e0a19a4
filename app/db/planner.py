"""Hints to each engine's query planner that a condition is written for, where the engines
plan the same SQL differently.

`scanned_id(column)`: an id tested against a set (`IN (SELECT …)`) that SQLite checks while
it walks an index holding the ids, instead of reading each row of the set by its id: on
SQLCipher every table page read is decrypted again, where an index's few pages stay in the
cache (a broad search's matches, the cases of a window of days). PostgreSQL gets it plain.

`through_index(table, index, name)`: `table` under another name, which SQLite reads through
`index` (INDEXED BY): rows looked up by id where a narrow index on the id holds every
column the statement reads. SQLite looks a row up by its id in the table whatever index
could cover the lookup, and the table's wide rows are pages it decrypts again once they
leave the cache. PostgreSQL gets the plain alias and plans by its statistics.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import FromClause, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import Alias
from sqlalchemy.sql.visitors import InternalTraversal


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


class through_index(Alias):  # noqa: N801 - used as a function, as SQLAlchemy's are
    """`table` named `name`, read through `index` on SQLite."""

    inherit_cache = True
    # The index is part of the statement's text, so of its cache key.
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own attribute, a list
        *Alias._traverse_internals, ("index", InternalTraversal.dp_string)]
    index: str

    def __init__(self, table: FromClause, index: str, name: str) -> None:
        self._init(table, name=name)
        self.index = index


@compiles(through_index, "sqlite")
def _indexed_by_on_sqlite(element: through_index, compiler: SQLCompiler, **kw: Any) -> str:
    text: str = compiler.visit_alias(element, **kw)  # type: ignore[no-untyped-call]
    if not kw.get("asfrom"):
        return text
    return f"{text} INDEXED BY {compiler.preparer.quote(element.index)}"
