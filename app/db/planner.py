"""Hints to each engine's query planner that a condition is written for, where the engines
plan the same SQL differently.

`unindexed(column)`: a column compared so that SQLite answers the comparison from no index
on it (`column || ''`): given an index on (kind, date), SQLite would read every event of a
kind in the register for each case, where the case's few events through (case_id, date)
are what it should read. PostgreSQL gets the column plain: its planner estimates a
comparison from the column's statistics, which the concatenation hides (it then expects
a few dozen removal requests among 38,000 events where there are 5,700, and loops over all
of them for each open case: 340 ms of the dashboard's 10,000-case first view, against 4 ms;
docs/performance.md).

`scanned_id(column)`: an id tested against a set (`IN (SELECT …)`) that SQLite checks while
it walks an index holding the ids, instead of reading each row of the set by its id: on
SQLCipher every table page read is decrypted again, where an index's few pages stay in the
cache (a broad search's matches, the cases of a window of days). PostgreSQL gets it plain.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class unindexed(FunctionElement[str]):  # noqa: N801 - used as a function, as SQLAlchemy's are
    """`column`, compared without the help of an index on it on SQLite."""

    type = String()
    inherit_cache = True
    name = "unindexed"

    def __init__(self, column: QueryableAttribute[str] | ColumnElement[str]) -> None:
        super().__init__(column)


@compiles(unindexed)
def _plain(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_on_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} || '')"


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
