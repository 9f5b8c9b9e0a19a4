"""Writing many validated cases at once (import, demo), with what followed their decisions.

One ORM object per row is several times slower; this writes plain rows with
explicit ids (`db/storage.reserve_ids`, safe beside other writers), through the DB-API
cursor (`db/storage.insert_rows`), inside the caller's write transaction; the caller
calls `settle` once that has committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.orm import Session

from app.db import Database
from app.db.storage import insert_rows, reserve_ids, settle_bulk_load
from app.domain.case import PreparedCase
from app.domain.events import EventFact, closing_date
from app.domain.sanctions import DecisionFollowUp
from app.models import Base, Case, CaseSecondaryGroup, Child, DefamedParty, Event, event_legal_bases
from app.models.base import utcnow
from app.progress import Progress
from app.services import numbering, settings
from app.services.case_rows import (
    case_columns,
    child_columns,
    defamed_columns,
    event_columns,
    follow_up_columns,
)

CHUNK = 2_000
# Every event row names the follow-up columns: one executemany needs the same keys.
_NOTHING_FOLLOWED = DecisionFollowUp()


def insert_cases(
    session: Session,
    cases: Sequence[PreparedCase],
    *,
    username: str,
    code_pattern: str,
    recorded_unit: str | None,
    unit_code: str | None = None,
    progress: Progress | None = None,
) -> list[str]:
    """Insert `cases`; returns their codes (numbered where none was given). They are this
    office's, or `unit_code`'s: another unit's register, whose codes are all given."""
    codes = _codes(session, cases, code_pattern)
    unit = settings.read_office(session).unit_code if unit_code is None else unit_code
    now = utcnow()
    connection = session.connection()
    case_ids = iter(reserve_ids(connection, _table(Case), len(cases)))
    event_ids = iter(reserve_ids(connection, _table(Event),
                                 sum(len(prepared.events) for prepared in cases)))
    done = 0
    for start in range(0, len(cases), CHUNK):
        case_rows: list[dict[str, object]] = []
        group_rows: list[dict[str, object]] = []
        child_rows: list[dict[str, object]] = []
        party_rows: list[dict[str, object]] = []
        event_rows: list[dict[str, object]] = []
        basis_rows: list[dict[str, object]] = []
        for offset, prepared in enumerate(cases[start:start + CHUNK]):
            data = prepared.data
            facts: list[EventFact] = []
            case_id = next(case_ids)
            for index, event in enumerate(prepared.events):
                assert event.occurred_on is not None
                event_id = next(event_ids)
                follow = prepared.follow_ups.get(index, _NOTHING_FOLLOWED)
                event_rows.append({"id": event_id, "uuid": str(uuid.uuid4()), "case_id": case_id,
                                   "officer": username, "created_at": now,
                                   **event_columns(event), **follow_up_columns(follow)})
                basis_rows.extend({"event_id": event_id, "provision_id": p}
                                  for p in event.legal_basis_ids)
                facts.append(EventFact(event_id, event.kind, event.occurred_on))
            row = case_columns(data, codes[start + offset])
            row.update(id=case_id, uuid=str(uuid.uuid4()), closed_on=closing_date(facts),
                       created_at=now, created_by=username, updated_at=now,
                       updated_by=username, version=1, recorded_unit=recorded_unit,
                       unit_code=unit)
            case_rows.append(row)
            group_rows.extend({"case_id": case_id, "group_code": g}
                              for g in dict.fromkeys(data.secondary_groups)
                              if g != data.group_code)
            child_rows.extend({"case_id": case_id, "uuid": str(uuid.uuid4()),
                               **child_columns(c)} for c in data.children)
            party_rows.extend({"case_id": case_id, "uuid": str(uuid.uuid4()),
                               **defamed_columns(p)} for p in data.defamed)
        tables: list[tuple[Table, list[dict[str, object]]]] = [
            (_table(Case), case_rows), (_table(CaseSecondaryGroup), group_rows),
            (_table(Child), child_rows), (_table(DefamedParty), party_rows),
            (_table(Event), event_rows), (event_legal_bases, basis_rows),
        ]
        for table, rows in tables:
            if rows:
                insert_rows(connection, table, rows)
        done += len(case_rows)
        if progress:
            progress(done, len(cases))
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


def _codes(session: Session, cases: Sequence[PreparedCase], pattern: str) -> list[str]:
    """Given codes kept; the others numbered per year of detection, in order."""
    missing_by_year: dict[int, list[int]] = {}
    for index, prepared in enumerate(cases):
        if not prepared.data.code:
            assert prepared.data.detected_on is not None
            missing_by_year.setdefault(prepared.data.detected_on.year, []).append(index)
    codes = [p.data.code or "" for p in cases]
    given = frozenset(code for code in codes if code)
    for year, indexes in sorted(missing_by_year.items()):
        reserved = numbering.reserve_codes(session, pattern, year, len(indexes), given)
        for index, code in zip(indexes, reserved, strict=True):
            codes[index] = code
    return codes
