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
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
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
