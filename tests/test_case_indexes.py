"""Each index kept on `cases` and `events` is read by the query it is kept for
(docs/performance.md, "Indexes of cases and events"; migration 0025 dropped those no
query read): a change to a query or to the schema that leaves one unused fails here.

The plans are SQLite's, which plans without statistics (the program runs no ANALYZE on
SQLite): the plan of a statement on an empty register is its plan on 100,000 cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, inspect

from app.db import Database, text_index
from app.db.migrate import alembic_config
from app.db.schema import changing_schema, migrate
from app.domain.labels import Attention
from app.domain.periods import Period
from app.domain.vocabulary import EventKind
from app.models import Event
from app.services import accounts, attention, cases, numbering, search
from app.services.actor import Actor
from app.services.report_figures import compute_figures, detected_per_period
from app.services.search import CaseQuery, CaseStatus, SortKey
from tests.conftest import ADMIN_PASSWORD, make_case

PLANS_ARE_SQLITES = pytest.mark.sqlite_only("the plans are SQLite's; PostgreSQL plans by "
                                             "statistics")

TODAY = date(2026, 12, 6)


@contextmanager
def _statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """The statements the program sends to the database inside the block."""
    sent: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _indexes_read(db: Database, run: Callable[[], object]) -> str:
    """The query plans of every statement `run` sends, as one text."""
    with _statements(db) as sent:
        run()
    assert sent
    with db.engine.connect() as connection:
        return "\n".join(row[3] for statement, parameters in sent
                         for row in connection.exec_driver_sql(
                             f"EXPLAIN QUERY PLAN {statement}", parameters))


def _ids(query: CaseQuery) -> Callable[[Database], object]:
    return lambda db: search.search_case_ids(db, query, TODAY)


def _reserve(db: Database) -> object:
    with db.read() as session:
        return numbering.reserve_codes(session, "VV{year}-{seq:06d}", 2026, 3)


def _open_a_case(db: Database) -> object:
    """A case opened in the editor, its events in their order. (Migration 0028's triggers
    read the same index for a case's event dates; EXPLAIN does not show their plans.)"""
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    case_id = cases.create_case(db, admin, make_case(), today=TODAY).id
    return cases.get_case(db, admin, case_id)


OCTOBER = Period.month(2026, 10)

# index -> the program's query it is kept for.
USED_BY: dict[str, Callable[[Database], object]] = {
    "uq_cases_unit_code": _reserve,
    "ix_cases_detected_code": _ids(CaseQuery(deleted=True)),
    "ix_cases_live_open": lambda db: search.count_cases(
        db, CaseQuery(status=CaseStatus.OPEN), TODAY),
    **{f"ix_cases_live_{column}": _ids(CaseQuery(sort=sort)) for column, sort in (
        ("detected_on", SortKey.DETECTED), ("code", SortKey.CODE),
        ("platform_code", SortKey.PLATFORM), ("group_code", SortKey.GROUP),
        ("account_sort", SortKey.ACCOUNT), ("offender_sort", SortKey.OFFENDER),
        ("area_sort", SortKey.AREA), ("closed_on", SortKey.CLOSED),
        ("updated_at", SortKey.UPDATED))},
    "ix_cases_area": _ids(CaseQuery(area="Phường Bến Nghé")),
    "ix_cases_has_children": _ids(CaseQuery(has_children=True)),
    "ix_cases_account_key": lambda db: search.find_repeat_offenders(
        db, account="fb.com/ten.tai.khoan", url=None, offender_name=None),
    "ix_cases_url_key": lambda db: search.find_repeat_offenders(
        db, account=None, url="https://facebook.com/bai-viet/1", offender_name=None),
    "ix_cases_offender_key": lambda db: search.find_repeat_offenders(
        db, account=None, url=None, offender_name="Nguyễn Văn An"),
    "ix_events_case": lambda db: _open_a_case(db),
    "ix_events_kind_date": lambda db: compute_figures(db, OCTOBER),
    "ix_events_fines": _ids(CaseQuery(attention=Attention.COMPLIANCE_OVERDUE)),
    "ix_events_records": _ids(CaseQuery(attention=Attention.DECISION_OVERDUE)),
    "ix_cases_offender_age": lambda db: compute_figures(db, OCTOBER),
    "ix_cases_live_id": lambda db: compute_figures(db, OCTOBER),
}
# Made by later migrations (0026: tests/test_dashboard_indexes.py; 0027, 0029: below).
ADDED_AFTER_0025 = {"ix_events_fines", "ix_events_records", "ix_cases_offender_age",
                    "ix_cases_live_id"}


@PLANS_ARE_SQLITES
@pytest.mark.parametrize("index", sorted(USED_BY))
def test_a_kept_index_is_read_by_its_query(db: Database, index: str) -> None:
    assert re.search(rf"INDEX {index}\b", _indexes_read(db, lambda: USED_BY[index](db)))


@PLANS_ARE_SQLITES
def test_twelve_months_of_detections_are_ranges_of_the_live_detection_index(
        db: Database) -> None:
    months = [Period.month(2026, m) for m in range(1, 13)]
    plans = _indexes_read(db, lambda: detected_per_period(db, months))
    assert len(re.findall(r"SEARCH cases USING (?:COVERING )?INDEX ix_cases_live_detected_on "
                          r"\(detected_on>\? AND detected_on<\?\)", plans)) == 12


@PLANS_ARE_SQLITES
def test_the_accounts_over_the_lock_threshold_are_counted_from_the_detection_index_alone(
        db: Database) -> None:
    def over_threshold() -> object:
        with db.read() as session:
            return attention.accounts_over_lock_threshold(session, TODAY)

    plans = _indexes_read(db, over_threshold)
    assert re.search(r"SEARCH cases USING COVERING INDEX ix_cases_live_detected_on "
                     r"\(detected_on>\? AND detected_on<\?\)", plans)
    assert "SCAN cases" not in plans  # not every account's cases walked


def _indexes(db: Database) -> set[str]:
    """The indexes of `cases` and `events` but the uniqueness of their uuids (a constraint,
    not a query's) and the trigram index of the text search on PostgreSQL (text_index.py)."""
    with db.engine.connect() as connection:
        found = inspect(connection)
        return {index["name"] for table in ("cases", "events")
                for index in found.get_indexes(table)
                if index["name"] and index["name"] != text_index.TRIGRAM_INDEX
                and not index["name"].startswith(("sqlite_autoindex_", "uq_cases_uuid",
                                                  "uq_events_uuid"))}


def test_the_dropped_indexes_are_gone_and_every_other_is_named_above(db: Database) -> None:
    assert _indexes(db) == set(USED_BY)


DROPPED = {"ix_cases_detected_on", "ix_cases_platform_code", "ix_cases_group_code",
           "ix_cases_closed_on", "ix_cases_live_act_on"}


def test_migration_0025_keeps_the_cases_and_its_downgrade_makes_the_indexes_again(
        db: Database, admin: Actor) -> None:
    made = [cases.create_case(db, admin, make_case(detected_on=date(2026, 3, day)),
                              today=TODAY).id for day in (1, 2)]
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0024")
    assert _indexes(db) == (set(USED_BY) - ADDED_AFTER_0025) | DROPPED
    with db.engine.begin() as connection:
        migrate(connection)
    assert _indexes(db) == set(USED_BY)
    assert search.search_case_ids(db, CaseQuery(sort=SortKey.DETECTED, descending=False),
                                  TODAY) == made


def _october_case(db: Database, officer: Actor, kind: EventKind, **fields: Any) -> None:
    """A case detected in October with an event of `kind` on the 9th."""
    case_id = cases.create_case(db, officer, make_case(detected_on=date(2026, 10, 5), **fields),
                                today=TODAY).id
    with db.write() as session:
        session.add(Event(case_id=case_id, kind=kind, occurred_on=date(2026, 10, 9),
                          officer="canbo"))


def _downgrade(db: Database, revision: str) -> None:
    config = alembic_config()
    with changing_schema(db.engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _upgrade(db: Database) -> None:
    with changing_schema(db.engine) as connection:
        migrate(connection)


def _columns(db: Database, table: str) -> dict[str, list[str]]:
    return {index["name"]: index["column_names"]
            for index in inspect(db.engine).get_indexes(table) if index["name"]}


def test_migration_0027_makes_the_figures_indexes_and_keeps_the_counts(
        db: Database, officer: Actor) -> None:
    """Taken down to 0026 and up again (SQLCipher and PostgreSQL): the indexes are there,
    the events' ones holding what the figures read, and a month's figures the same."""
    _october_case(db, officer, EventKind.INVITE, offender_name="Lý Văn Dũng",
                  offender_birth_year=2010)
    before = compute_figures(db, OCTOBER)
    _downgrade(db, "0026")
    assert "ix_cases_offender_age" not in _indexes(db)
    assert _columns(db, "events")["ix_events_kind_date"] == ["kind", "occurred_on"]
    _upgrade(db)
    assert _indexes(db) == set(USED_BY)
    events = _columns(db, "events")
    assert events["ix_events_kind_date"][2:] == ["voided_at", "case_id", "sanction_form",
                                                 "fine_amount"]
    assert events["ix_events_fines"][-1] == "paid_amount"
    after = compute_figures(db, OCTOBER)
    assert after.work.minor_offenders == 1 and after.work.invited == 1
    assert (after.summary, after.work) == (before.summary, before.work)


def test_migration_0029_makes_the_case_lookup_indexes_and_keeps_the_counts(
        db: Database, officer: Actor) -> None:
    """Taken down to 0028 and up again (SQLCipher and PostgreSQL): the new index and the
    detection index's account key there, a month's figures the same."""
    _october_case(db, officer, EventKind.REMOVED)
    before = compute_figures(db, OCTOBER)
    assert before.summary.total.removed == 1
    _downgrade(db, "0028")
    assert "ix_cases_live_id" not in _indexes(db)
    assert _columns(db, "cases")["ix_cases_live_detected_on"] == ["detected_on", "id"]
    _upgrade(db)
    indexed = _columns(db, "cases")
    assert indexed["ix_cases_live_id"] == [
        "id", "group_code", "platform_code", "detected_on", "deleted_at"]
    assert indexed["ix_cases_live_detected_on"] == [
        "detected_on", "id", "account_key", "deleted_at"]
    assert compute_figures(db, OCTOBER).summary == before.summary
