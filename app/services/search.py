"""Finding cases: filters and text search done in SQL, and the repeat-offender lookup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from functools import partial

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import Session

from app.db import Database, text_index
from app.domain.labels import Attention, CaseStatus
from app.domain.office import OfficeSettings
from app.domain.search_keys import account_key, offender_key, url_key
from app.domain.workdays import WorkCalendar
from app.models import Case, Event
from app.services import attention
from app.services.days_off import read_calendar
from app.services.settings import read_office
from app.text import fold


class SortKey(StrEnum):
    """What the list sorts by (saved filters keep the value)."""

    DETECTED = "detected_on"
    CODE = "code"
    PLATFORM = "platform_code"
    GROUP = "group_code"
    ACCOUNT = "account_key"
    OFFENDER = "offender_key"
    AREA = "area"
    CLOSED = "closed_on"
    UPDATED = "updated_at"


# Names and places sort by their Vietnamese collation keys, the rest by their own column.
SORTED_BY = {SortKey.ACCOUNT: Case.account_sort, SortKey.OFFENDER: Case.offender_sort,
             SortKey.AREA: Case.area_sort}


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    detected_from: date | None = None
    detected_to: date | None = None
    group_code: str | None = None
    platform_code: str | None = None
    status: CaseStatus | None = None
    area: str | None = None
    identified: bool | None = None
    has_children: bool | None = None
    # One kind of attention, or every kind ("Quá hạn"); needs the office thresholds.
    attention: Attention | None = None
    overdue: bool = False
    # Cases with a (not voided) event of this kind dated in the range, or closed in a range:
    # what a dashboard figure such as "removed this month" stands for.
    event_kind: str | None = None
    event_from: date | None = None
    event_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    deleted: bool = False
    sort: SortKey = SortKey.DETECTED
    descending: bool = True

    @property
    def whole_register(self) -> bool:
        """Every live case, in whatever order: its count is its ids' (no count needed)."""
        return replace(self, sort=SortKey.DETECTED, descending=True) == CaseQuery()


def build_query(query: CaseQuery, dialect: str, office: OfficeSettings | None = None,
                today: date | None = None, calendar: WorkCalendar | None = None,
                trigrams: Mapping[str, list[str]] | None = None) -> Select[int]:
    """The ids of the cases matching `query`, sorted; every value bound as a parameter;
    `trigrams`: those of its two-letter words (`text_index.short_word_trigrams`)."""
    conditions: list[ColumnElement[bool]] = [
        Case.deleted_at.is_not(None) if query.deleted else Case.deleted_at.is_(None)
    ]
    conditions.extend(text_index.word_conditions(fold(query.text).split(), dialect,
                                                 live=not query.deleted, trigrams=trigrams))
    if query.detected_from:
        conditions.append(Case.detected_on >= query.detected_from)
    if query.detected_to:
        conditions.append(Case.detected_on <= query.detected_to)
    if query.group_code:
        conditions.append(Case.group_code == query.group_code)
    if query.platform_code:
        conditions.append(Case.platform_code == query.platform_code)
    if query.status == CaseStatus.OPEN:
        conditions.append(Case.closed_on.is_(None))
    elif query.status == CaseStatus.CLOSED:
        conditions.append(Case.closed_on.is_not(None))
    if query.area:
        conditions.append(Case.area == query.area)
    if query.identified is not None:
        conditions.append(
            Case.offender_key.is_not(None) if query.identified else Case.offender_key.is_(None)
        )
    if query.has_children is not None:
        conditions.append(Case.has_children.is_(query.has_children))
    if query.event_kind:
        dated = [Event.case_id == Case.id, Event.kind == query.event_kind,
                 Event.voided_at.is_(None)]
        if query.event_from:
            dated.append(Event.occurred_on >= query.event_from)
        if query.event_to:
            dated.append(Event.occurred_on <= query.event_to)
        conditions.append(exists().where(*dated))
    if query.closed_from:
        conditions.append(Case.closed_on >= query.closed_from)
    if query.closed_to:
        conditions.append(Case.closed_on <= query.closed_to)
    if query.attention or query.overdue:
        office = office or OfficeSettings()
        day = today or date.today()
        calendar = calendar or WorkCalendar()
        conditions.append(attention.condition(query.attention, office, day, calendar)
                          if query.attention
                          else attention.any_condition(office, day, calendar))
    column = SORTED_BY.get(query.sort) or getattr(Case, str(query.sort))
    order = [column.desc(), Case.id.desc()] if query.descending else [column.asc(), Case.id.asc()]
    return select(Case.id).where(and_(*conditions)).order_by(*order)


def search_case_ids(db: Database, query: CaseQuery, today: date | None = None) -> list[int]:
    with db.read() as session:
        statement = _statement(session, query, today)
        # Read straight from the DB-API cursor: SQLAlchemy's processing of up to 100,000
        # rows cost as much again as the database's own work. In chunks rather than
        # fetchall(): 100,000 tuples at once left a few MB of the heap behind them; and
        # not row by row, which doubled psycopg's share (a Python call per row).
        result = session.connection().execute(statement)
        try:
            return [case_id for rows in iter(partial(result.cursor.fetchmany, FETCHED), [])
                    for (case_id,) in rows]
        finally:
            result.close()


FETCHED = 2000  # ids read from the cursor at a time


def _statement(session: Session, query: CaseQuery, today: date | None) -> Select[int]:
    """`build_query` with the office's settings and calendar read only when the query's
    attention conditions use them: on a server each read is a round trip, most of a
    selective search's time."""
    trigrams = text_index.short_word_trigrams(session.connection(), fold(query.text).split())
    if not (query.attention or query.overdue):
        return build_query(query, dialect_of(session), today=today, trigrams=trigrams)
    return build_query(query, dialect_of(session), read_office(session), today,
                       read_calendar(session), trigrams)


def count_cases(db: Database, query: CaseQuery, today: date | None = None) -> int:
    with db.read() as session:
        statement = _statement(session, query, today).order_by(None)
        return session.execute(
            select(func.count()).select_from(statement.subquery())
        ).scalar_one()


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


@dataclass(frozen=True)
class RepeatMatch:
    case_id: int
    code: str
    detected_on: date
    account: str
    url: str | None
    offender_name: str | None
    matched_on: str  # "account", "url" or "offender"


def repeat_offenders(
    session: Session,
    *,
    account: str | None,
    url: str | None,
    offender_name: str | None,
    exclude_case_id: int | None = None,
) -> list[RepeatMatch]:
    """Other (not deleted) cases with the same account, URL or offender name."""
    keys = [
        ("account", Case.account_key, account_key(account) if account else None),
        ("url", Case.url_key, url_key(url)),
        ("offender", Case.offender_key, offender_key(offender_name)),
    ]
    matches: dict[int, RepeatMatch] = {}
    for label, column, value in keys:
        if not value:
            continue
        statement = select(Case).where(column == value, Case.deleted_at.is_(None))
        if exclude_case_id is not None:
            statement = statement.where(Case.id != exclude_case_id)
        for case in session.execute(statement.order_by(Case.detected_on)).scalars():
            matches.setdefault(case.id, RepeatMatch(case.id, case.code, case.detected_on,
                                                    case.account, case.url, case.offender_name,
                                                    label))
    return sorted(matches.values(), key=lambda m: (m.detected_on, m.code))


def find_repeat_offenders(db: Database, *, account: str | None, url: str | None,
                          offender_name: str | None,
                          exclude_case_id: int | None = None) -> list[RepeatMatch]:
    with db.read() as session:
        return repeat_offenders(session, account=account, url=url, offender_name=offender_name,
                                exclude_case_id=exclude_case_id)



@dataclass(frozen=True)
class CaseRow:
    """What the case list shows of one case."""

    id: int
    code: str
    unit_code: str
    detected_on: date
    platform_code: str
    group_code: str
    account: str
    url: str | None
    offender_name: str | None
    summary: str
    area: str | None
    closed_on: date | None
    has_children: bool
    needs_attention: bool

    @property
    def status(self) -> CaseStatus:
        return CaseStatus.CLOSED if self.closed_on else CaseStatus.OPEN


def fetch_rows(db: Database, ids: list[int], today: date | None = None) -> list[CaseRow]:
    """The rows of `ids`, in the order given (one query per batch the list shows)."""
    if not ids:
        return []
    columns = (Case.id, Case.code, Case.unit_code, Case.detected_on, Case.platform_code,
               Case.group_code, Case.account, Case.url, Case.offender_name,
               func.substr(Case.summary, 1, 300).label("summary"),
               Case.area, Case.closed_on, Case.has_children)
    with db.read() as session:
        rows = session.execute(select(*columns).where(Case.id.in_(ids))).all()
        flagged = set(session.execute(select(Case.id).where(
            Case.id.in_(ids), attention.any_condition(read_office(session),
                                                      today or date.today(),
                                                      read_calendar(session)))).scalars())
        found = {row.id: CaseRow(**row._asdict(), needs_attention=row.id in flagged)
                 for row in rows}
    return [found[i] for i in ids if i in found]
