"""Writing many validated cases at once (import, demo), with what followed their decisions.

One ORM object per row is several times slower; this writes plain rows with
explicit ids (`db/storage.reserve_ids`, safe beside other writers), through the DB-API
cursor (`db/storage.rows_to_insert`), inside the caller's write transaction; the caller
calls `settle` once that has committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Table
from sqlalchemy.orm import Session

from app.db import Database
from app.db.storage import reserve_ids, rows_to_insert, settle_bulk_load, writing_in_bulk
from app.domain.case import PreparedCase
from app.domain.events import EventFact, closing_date
from app.domain.sanctions import DecisionFollowUp
from app.models import Base, Case, CaseSecondaryGroup, Child, DefamedParty, Event, event_legal_bases
from app.models.base import utcnow
from app.progress import Progress
from app.services import numbering, settings
from app.services.case_rows import (
    UncodedCase,
    child_columns,
    defamed_columns,
    event_columns,
    follow_up_columns,
    uncoded_case_columns,
)

CHUNK = 2_000
# Every event row names the follow-up columns: one executemany needs the same keys.
_NOTHING_FOLLOWED = DecisionFollowUp()


@dataclass(frozen=True)
class CaseRows:
    """A prepared case's rows as stored, but for what its insert gives them: the ids, a
    code where the case has none, who wrote them and when. Made apart (`case_rows`, pure
    Python) so that an import makes them on its checking thread while the database
    writes the chunk before."""

    code: str  # "" for a case to number
    detected_on: date
    uuid: str
    case: UncodedCase
    closed_on: date | None
    groups: tuple[str, ...]
    children: tuple[dict[str, object], ...]  # each with its uuid
    parties: tuple[dict[str, object], ...]
    # Each event's columns (its uuid, what followed it) and its legal basis.
    events: tuple[tuple[dict[str, object], tuple[int, ...]], ...]


def case_rows(prepared: PreparedCase) -> CaseRows:
    data = prepared.data
    assert data.detected_on is not None and all(e.occurred_on for e in prepared.events)
    return CaseRows(
        code=data.code or "", detected_on=data.detected_on, uuid=str(uuid.uuid4()),
        case=uncoded_case_columns(data),
        closed_on=closing_date(EventFact(index, event.kind, event.occurred_on)
                               for index, event in enumerate(prepared.events)
                               if event.occurred_on),
        groups=tuple(g for g in dict.fromkeys(data.secondary_groups) if g != data.group_code),
        children=tuple({"uuid": str(uuid.uuid4()), **child_columns(c)} for c in data.children),
        parties=tuple({"uuid": str(uuid.uuid4()), **defamed_columns(p)} for p in data.defamed),
        events=tuple(({"uuid": str(uuid.uuid4()), **event_columns(event),
                       **follow_up_columns(prepared.follow_ups.get(index, _NOTHING_FOLLOWED))},
                      event.legal_basis_ids)
                     for index, event in enumerate(prepared.events)))


def insert_cases(
    session: Session,
    cases: Sequence[PreparedCase],
    *,
    username: str,
    code_pattern: str,
    recorded_unit: str | None,
    progress: Progress | None = None,
) -> list[str]:
    """Insert `cases`, this office's; returns their codes (numbered where none was given)."""
    codes: list[str] = []
    taken = frozenset(c.data.code for c in cases if c.data.code)
    with writing_in_bulk(session.connection()):
        for start in range(0, len(cases), CHUNK):
            codes.extend(insert_case_rows(
                session, [case_rows(c) for c in cases[start:start + CHUNK]],
                username=username, code_pattern=code_pattern, recorded_unit=recorded_unit,
                taken=taken))
            if progress:
                progress(len(codes), len(cases))
    return codes


def insert_case_rows(
    session: Session,
    cases: Sequence[CaseRows],
    *,
    username: str,
    code_pattern: str,
    recorded_unit: str | None,
    unit_code: str | None = None,
    taken: frozenset[str] = frozenset(),
    building: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> list[str]:
    """Insert `cases`; returns their codes, numbered where none was given, skipping those
    `taken` by other cases about to be written. They are this office's, or `unit_code`'s:
    another unit's register, whose codes are all given. A context from `building` is held
    while the rows are finished (Python's work: the codes and ids are taken before it, a
    server may make them wait for another writer) and left before the database writes
    them. Its caller holds `storage.writing_in_bulk` around all its chunks."""
    unit = settings.read_office(session).unit_code if unit_code is None else unit_code
    connection = session.connection()
    codes = _codes(session, cases, code_pattern, taken)
    case_ids = reserve_ids(connection, _table(Case), len(cases))
    event_ids = iter(reserve_ids(connection, _table(Event),
                                 sum(len(case.events) for case in cases)))
    with building():
        now = utcnow()
        case_rows: list[dict[str, object]] = []
        group_rows: list[dict[str, object]] = []
        child_rows: list[dict[str, object]] = []
        party_rows: list[dict[str, object]] = []
        event_rows: list[dict[str, object]] = []
        basis_rows: list[dict[str, object]] = []
        for case, code, case_id in zip(cases, codes, case_ids, strict=True):
            case_rows.append({**case.case.coded(code), "id": case_id, "uuid": case.uuid,
                              "closed_on": case.closed_on, "created_at": now,
                              "created_by": username, "updated_at": now,
                              "updated_by": username, "version": 1,
                              "recorded_unit": recorded_unit, "unit_code": unit})
            group_rows.extend({"case_id": case_id, "group_code": g} for g in case.groups)
            child_rows.extend({"case_id": case_id, **c} for c in case.children)
            party_rows.extend({"case_id": case_id, **p} for p in case.parties)
            for columns, provisions in case.events:
                event_id = next(event_ids)
                event_rows.append({"id": event_id, "case_id": case_id, "officer": username,
                                   "created_at": now, **columns})
                basis_rows.extend({"event_id": event_id, "provision_id": p} for p in provisions)
        statements = [rows_to_insert(connection, table, rows) for table, rows in (
            (_table(Case), case_rows), (_table(CaseSecondaryGroup), group_rows),
            (_table(Child), child_rows), (_table(DefamedParty), party_rows),
            (_table(Event), event_rows), (event_legal_bases, basis_rows)) if rows]
    for statement in statements:
        statement.run(connection)
    return codes


def settle(db: Database) -> None:
    """After the transaction of `insert_cases` committed: the tables it wrote made ready
    for the queries that follow (`storage.settle_bulk_load`)."""
    settle_bulk_load(db.engine, [_table(model) for model in (
        Case, CaseSecondaryGroup, Child, DefamedParty, Event)] + [event_legal_bases])


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _codes(session: Session, cases: Sequence[CaseRows], pattern: str,
           taken: frozenset[str]) -> list[str]:
    """Given codes kept; the others numbered per year of detection, in order, skipping the
    codes given here and those `taken`."""
    missing_by_year: dict[int, list[int]] = {}
    for index, case in enumerate(cases):
        if not case.code:
            missing_by_year.setdefault(case.detected_on.year, []).append(index)
    codes = [case.code for case in cases]
    given = taken.union(code for code in codes if code)
    for year, indexes in sorted(missing_by_year.items()):
        reserved = numbering.reserve_codes(session, pattern, year, len(indexes), given)
        for index, code in zip(indexes, reserved, strict=True):
            codes[index] = code
    return codes
