"""THE computation of a report's figures (shared/spec/report-forms.md).

Every counting rule is one SQL expression per case (`_case_flags`); forms 01 and
02 sum them in one aggregate query, form 03 reads the same expressions per case.
The Excel workbook, the PDF, the register and the dashboard all take what
`compute_figures` (or the cheaper `compute_summary`) returns: the plain data of
`app.domain.report`.

Beside the forms: the office's work in the period counted from its events (`Work`),
the same totals for the year to the period's end and for the same period a year
before (the narrative's comparison), and, where the office chose it, the children of
the period's cases as counts only (`ChildrenTable`).

Deleted cases and voided events count nowhere. A case's closing date is the
date of its non-voided `KT` event, which the services keep in `Case.closed_on`.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Row,
    Select,
    Subquery,
    and_,
    case,
    exists,
    extract,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased
from sqlalchemy.orm.util import AliasedClass

from app.db import Database
from app.db.planner import through_index
from app.domain.collation import sort_key
from app.domain.labels import (
    STATUS_LABELS,
    UNIDENTIFIED_SHORT,
    CaseStatus,
    PartyKind,
    SanctionForm,
)
from app.domain.periods import Period
from app.domain.protection import CasePeople, Masker, Person, age_on, as_minor, describe
from app.domain.report import (
    COUNT_FIELDS,
    HIDDEN_CHILD,
    HIDDEN_MINOR_OFFENDER,
    OTHER_GROUP_CHILD_CASES,
    PLATFORM_FIELDS,
    UNCLASSIFIED_CHILD_CASES,
    WORK_FIELDS,
    CaseLine,
    ChildrenTable,
    Counts,
    FiguresInconsistent,
    Line,
    ReportFigures,
    ReportOption,
    Summary,
    Totals,
    Work,
    check_invariant,
    chosen,
    count_children,
)
from app.domain.vocabulary import GROUP_ORDER, EventKind, Group, VocabList, Vocabulary
from app.domain.warnings import MINOR_BANDS, minor_band
from app.models import Case, Child, Event
from app.models.case import CASE_KINDS_INDEX
from app.services import settings, vocabulary
from app.text import format_date, format_money, format_number

# The cases a rule is applied to: the table, or columns of it read another way.
_Cases = type[Case] | AliasedClass[Case]

# The events form 01 counts (columns 6–10); the others only show in form 03.
COUNTED_EVENTS = (EventKind.REMOVED, EventKind.SANCTION, EventKind.POLICE, EventKind.ESCALATE)

# The columns that come from a case's events in the period and from its children; the
# others come from the case's own dates and offender.
EVENT_FIELDS = ("removed", "sanctioned", "fines", "to_police", "escalated")
CHILD_FIELDS = ("children",)
CASE_FIELDS = tuple(f for f in COUNT_FIELDS if f not in EVENT_FIELDS + CHILD_FIELDS)


# --- the rules, one SQL expression each -------------------------------------------------


def _act_day() -> InstrumentedAttribute[date]:
    """The day of the act, on which an offender's or a child's age is taken (the cache of
    `app.domain.case.act_ended_on`)."""
    return Case.act_on


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _in_period(period: Period,
               kinds: Iterable[str] | None = tuple(EventKind)) -> ColumnElement[bool]:
    """Non-voided events of `kinds` dated in the period. Naming the kinds lets SQLite find
    them through the (kind, date) index instead of reading every event; None names none
    (the caller checks them)."""
    return and_(true() if kinds is None else Event.kind.in_([str(k) for k in kinds]),
                Event.occurred_on >= period.start, Event.occurred_on <= period.end,
                Event.voided_at.is_(None))


def _among(column: InstrumentedAttribute[int],
           cases: Collection[int] | None) -> ColumnElement[bool]:
    """Rows of the cases `cases` only, or of every case (None)."""
    return true() if cases is None else column.in_(cases)


def _live(case_id: ColumnElement[int]) -> ColumnElement[bool]:
    """`case_id` is a live case's: the ids read from the open-case index alone (it holds
    every live case), not from each case's row, which SQLCipher decrypts page by page (a
    year's events joined to their cases' rows: 0.36 s of 0.45 s at 20,000 cases)."""
    return case_id.in_(select(Case.id).where(Case.deleted_at.is_(None)))


def _period_events(period: Period, cases: Collection[int] | None = None) -> Subquery:
    """Per case, what its events dated in the period add to columns 6–10."""
    def has(kind: EventKind) -> ColumnElement[int]:
        return func.max(_flag(Event.kind == kind))

    return (
        select(
            Event.case_id.label("case_id"),
            has(EventKind.REMOVED).label("removed"),
            has(EventKind.SANCTION).label("sanctioned"),
            func.sum(case((Event.kind == EventKind.SANCTION,
                           func.coalesce(Event.fine_amount, 0)), else_=0)).label("fines"),
            has(EventKind.POLICE).label("to_police"),
            has(EventKind.ESCALATE).label("escalated"),
        )
        .where(_in_period(period, COUNTED_EVENTS), _among(Event.case_id, cases))
        .group_by(Event.case_id)
        .subquery("period_events")
    )


def _detected_in(period: Period, cases: _Cases = Case) -> ColumnElement[bool]:
    return and_(cases.detected_on >= period.start, cases.detected_on <= period.end)


def _children_counts(period: Period, cases: Collection[int] | None = None) -> Subquery:
    # Restricted to cases detected in the period only to read fewer rows; the rule
    # itself is the "children" flag of `_case_flags`.
    return (
        select(Child.case_id.label("case_id"), func.count().label("children"))
        .join(Case, Case.id == Child.case_id)
        .where(_detected_in(period), _among(Child.case_id, cases))
        .group_by(Child.case_id)
        .subquery("children_counts")
    )


def _open_at_end(period: Period, cases: _Cases = Case) -> ColumnElement[bool]:
    return and_(cases.detected_on <= period.end,
                or_(cases.closed_on.is_(None), cases.closed_on > period.end))


def _case_flags(period: Period, events: Subquery, children: Subquery, cases: _Cases = Case,
                ) -> dict[str, ColumnElement[int]]:
    """Each column's value for one case (a row of `cases`), in the order of `Counts`."""
    d1, d2 = period.start, period.end
    detected = _detected_in(period, cases)
    flags: dict[str, ColumnElement[int]] = {
        "carried_in": _flag(and_(cases.detected_on < d1,
                                 or_(cases.closed_on.is_(None), cases.closed_on >= d1))),
        "detected": _flag(detected),
        "unidentified": _flag(and_(detected, func.coalesce(cases.offender_name, "") == "")),
        **{name: func.coalesce(events.c[name], 0) for name in EVENT_FIELDS},
        "closed": _flag(and_(cases.closed_on >= d1, cases.closed_on <= d2)),
        "carried_out": _flag(_open_at_end(period, cases)),
        "children": case((detected, func.coalesce(children.c.children, 0)), else_=0),
    }
    assert tuple(flags) == COUNT_FIELDS
    return flags


# What a case's own columns are computed from (`_case_flags`).
_OWN_COLUMNS = (Case.group_code, Case.platform_code, Case.detected_on, Case.closed_on,
                Case.offender_name)


def _own_columns(periods: Sequence[Period], cases: Collection[int] | None) -> _Cases:
    """`_OWN_COLUMNS` of the live cases `cases`, or of those that may have a column of their
    own in one of `periods`: detected by its end and not closed before it began (a case
    closes after it is detected: its events cannot precede it), so that the cases closed
    between periods far apart (a month and the same month a year before) are not summed.
    They are read from the open-case index alone, in two ranges of the closing date, as
    columns of `Case`: the table's rows are most of its pages, each decrypted again by
    SQLCipher."""
    live = Case.deleted_at.is_(None)
    if cases is not None:
        found = select(*_OWN_COLUMNS).where(live, Case.id.in_(cases)).subquery("own_columns")
    else:
        start = min(p.start for p in periods)
        found = union_all(
            select(*_OWN_COLUMNS).where(live, Case.closed_on.is_(None),
                                        Case.detected_on <= max(p.end for p in periods)),
            select(*_OWN_COLUMNS).where(live, Case.closed_on >= start, or_(*(
                and_(Case.closed_on >= p.start, Case.detected_on <= p.end) for p in periods))),
        ).subquery("own_columns")
    return aliased(Case, found)


def summaries_in(session: Session, periods: Sequence[Period], vocab: Vocabulary,
                 cases: Collection[int] | None = None) -> tuple[Summary, ...]:
    """Forms 01 and 02 of each period, each checked against the invariant; with `cases`,
    what those cases alone add to them (a change to a case alters a report's forms
    exactly when it alters that).

    The columns of `_case_flags` are summed per group and platform where they can be
    non-zero: a case's own columns in one pass for all periods over the cases that may be
    open in one; the events' and the children's columns over the cases that have such
    events or children (a few thousand), faster than one pass joining everything
    (docs/performance.md)."""
    spans = _spans(periods)
    if len(spans) < len(periods):
        once = summaries_in(session, [Period.between(*span) for span in spans], vocab, cases)
        return tuple(dataclasses.replace(once[spans.index((p.start, p.end))], period=p)
                     for p in periods)
    by_group: list[dict[str, Counts]] = [{} for _ in periods]
    by_platform: list[dict[str, Counts]] = [{} for _ in periods]

    def add(n: int, row: Any, names: Sequence[str], suffix: str = "") -> None:
        counts = Counts(**{name: int(row._mapping[name + suffix] or 0) for name in names})
        group, platform = row.group_code, row.platform_code
        by_group[n][group] = by_group[n].get(group, Counts()) + counts
        by_platform[n][platform] = by_platform[n].get(platform, Counts()) + counts

    sources = [(_period_events(period, cases), _children_counts(period, cases))
               for period in periods]
    kinds = aliased(Case, through_index(Case.__table__, CASE_KINDS_INDEX, "case_kinds"))
    flags = [_case_flags(period, *subqueries, kinds)
             for period, subqueries in zip(periods, sources, strict=True)]
    own_cases = _own_columns(periods, cases)
    own_flags = [_case_flags(period, *subqueries, own_cases)
                 for period, subqueries in zip(periods, sources, strict=True)]
    own = (
        select(own_cases.group_code, own_cases.platform_code,
               *(func.sum(own_flags[n][name]).label(f"{name}_{n}")
                 for n in range(len(periods)) for name in CASE_FIELDS))
        .group_by(own_cases.group_code, own_cases.platform_code)
    )
    for row in session.execute(own):
        for n in range(len(periods)):
            add(n, row, CASE_FIELDS, f"_{n}")
    for n, (events, children) in enumerate(sources):
        for source, names in ((events, EVENT_FIELDS), (children, CHILD_FIELDS)):
            statement = (
                select(kinds.group_code, kinds.platform_code,
                       *(func.sum(flags[n][name]).label(name) for name in names))
                .select_from(source).join(kinds, kinds.id == source.c.case_id)
                .where(kinds.deleted_at.is_(None))
                .group_by(kinds.group_code, kinds.platform_code)
            )
            for row in _rows(session, statement):
                add(n, row, names)
    return tuple(_summary(period, vocab, by_group[n], by_platform[n])
                 for n, period in enumerate(periods))


def _summary(period: Period, vocab: Vocabulary, by_group: Mapping[str, Counts],
             by_platform: Mapping[str, Counts]) -> Summary:
    summary = Summary(
        period=period,
        groups=tuple(Line(code, vocab.label(VocabList.GROUP, code), by_group.get(code, Counts()))
                     for code in GROUP_ORDER),
        platforms=tuple(
            Line(code, vocab.label(VocabList.PLATFORM, code), by_platform[code])
            for code in _in_vocabulary_order(vocab, VocabList.PLATFORM, by_platform)
            if any(getattr(by_platform[code], name) for name in PLATFORM_FIELDS)
        ),
    )
    if set(by_group) - set(GROUP_ORDER):
        raise FiguresInconsistent("Có vụ việc mang nhóm hành vi ngoài danh mục: "
                                  + ", ".join(sorted(set(by_group) - set(GROUP_ORDER))) + ".")
    check_invariant(summary)
    return summary


def _in_vocabulary_order(vocab: Vocabulary, name: VocabList,
                         present: Mapping[str, object]) -> list[str]:
    listed = [e.code for e in vocab.entries(name, include_inactive=True)]
    return [c for c in listed if c in present] + sorted(set(present) - set(listed))


_Columns = TypeVarTuple("_Columns")


def _rows(session: Session, statement: Select[*_Columns]) -> Sequence[Row[*_Columns]]:
    """Plain rows of columns, straight from the connection and fetched at once: the ORM's
    loading, or fetching row by row, would add a pass over each of the report's tens of
    thousands of rows."""
    return session.connection().execute(statement).all()


# Rows fetched at a time where a statement's rows are only gone through once.
ROWS_PER_FETCH = 2_000


def _streamed_rows(session: Session, statement: Select[*_Columns]) -> Iterator[Row[*_Columns]]:
    """`_rows` a few thousand at a time: for a year's tens of thousands of rows that are
    only folded into something smaller, so that they are never all held at once (the
    year's case list fetched whole took 23 MB at 100,000 cases)."""
    for rows in session.connection().execute(statement).partitions(ROWS_PER_FETCH):
        yield from rows


# --- the office's work ---------------------------------------------------------------------

# Each field of `Work` but the minors: the events that count a case in it.
_WORK_EVENTS: dict[str, ColumnElement[bool]] = {
    "invited": Event.kind == EventKind.INVITE,
    "warned": Event.kind == EventKind.WARN,
    "corrected": Event.kind == EventKind.CORRECTION,
    "lock_proposed": Event.kind == EventKind.LOCK_REQUEST,
    "violation_records": Event.kind == EventKind.RECORD,
    "warning_decisions": and_(Event.kind == EventKind.SANCTION,
                              Event.sanction_form == SanctionForm.WARNING),
    "fine_decisions": and_(Event.kind == EventKind.SANCTION,
                           Event.sanction_form == SanctionForm.FINE),
    "to_child_protection": Event.kind == EventKind.CHILD_PROTECTION,
    "to_competent": Event.kind == EventKind.TRANSFER_AUTHORITY,
}
_WORK_KINDS = (EventKind.INVITE, EventKind.WARN, EventKind.CORRECTION, EventKind.LOCK_REQUEST,
               EventKind.RECORD, EventKind.SANCTION, EventKind.CHILD_PROTECTION,
               EventKind.TRANSFER_AUTHORITY)


def _spans(periods: Sequence[Period]) -> list[tuple[date, date]]:
    """The distinct spans of `periods`: a year's year to date is the year itself, its
    figures counted once."""
    return list(dict.fromkeys((p.start, p.end) for p in periods))


def _in_any(periods: Sequence[Period], column: InstrumentedAttribute[date | None]
            ) -> ColumnElement[bool]:
    """`column`, a day, falls in one of `periods`."""
    return or_(*(and_(column >= p.start, column <= p.end) for p in periods))


def _numbered(periods: Sequence[Period]) -> Subquery:
    """`periods` as rows of a table: their place `n`, `first` and `last` day. Joined to
    the events, each event is counted once for each period it falls in, by the same
    expressions, rather than by one expression per period (a third of the time of
    `_works`' pass over a year's events, 20,000 cases)."""
    return union_all(*(select(literal(n, Integer).label("n"), literal(p.start, Date).label("first"),
                              literal(p.end, Date).label("last"))
                       for n, p in enumerate(periods))).subquery("periods")


def _works(session: Session, periods: Sequence[Period]) -> list[Work]:
    """The cases of each kind of work in each of `periods`, one per case (`Work`): the
    events of all the periods read in one statement, not one per period (the report's
    three: the period, the year to date, the same period a year before)."""
    spans = _spans(periods)
    if len(spans) < len(periods):
        once = _works(session, [Period.between(*span) for span in spans])
        return [once[spans.index((p.start, p.end))] for p in periods]
    numbered = _numbered(periods)
    per_case = (
        select(numbered.c.n, Event.case_id.label("case_id"),
               *(func.max(_flag(condition)).label(name)
                 for name, condition in _WORK_EVENTS.items()))
        .join(numbered, and_(Event.occurred_on >= numbered.c.first,
                             Event.occurred_on <= numbered.c.last))
        .where(_in_period(Period.between(min(p.start for p in periods),
                                         max(p.end for p in periods)), _WORK_KINDS))
        .group_by(numbered.c.n, Event.case_id)
        .subquery("work")
    )
    counted = {n: dict(zip(_WORK_EVENTS, (int(v) for v in values), strict=True))
               for n, *values in session.execute(
                   select(per_case.c.n, *(func.sum(per_case.c[name]) for name in _WORK_EVENTS))
                   .where(_live(per_case.c.case_id))
                   .group_by(per_case.c.n))}
    minors = [_minor_offenders(session, period) for period in periods]
    fines = _fines_collected(session, periods)
    works = [Work(**counted.get(n, dict.fromkeys(_WORK_EVENTS, 0)),
                  minor_offenders=minors[n], fines_collected=fines[n])
             for n in range(len(periods))]
    assert set(_WORK_EVENTS) | {"minor_offenders", "fines_collected"} == set(WORK_FIELDS)
    return works


def _fines_collected(session: Session, periods: Sequence[Period]) -> list[int]:
    """Đồng paid in each period on the live decisions to fine of live cases."""
    row = session.execute(
        select(*(func.sum(case((and_(Event.paid_on >= p.start, Event.paid_on <= p.end),
                                Event.paid_amount), else_=0)) for p in periods))
        .join(Case, Case.id == Event.case_id)
        .where(Event.kind == EventKind.SANCTION, Event.sanction_form == SanctionForm.FINE,
               Event.voided_at.is_(None), Case.deleted_at.is_(None),
               _in_any(periods, Event.paid_on))
    ).one()
    return [int(paid or 0) for paid in row]


def _escalations(session: Session, period: Period) -> tuple[tuple[str, int], ...]:
    """Column 10's cases by addressee: a case escalated to two bodies counts under each."""
    per_body = (select(Event.case_id, func.coalesce(Event.addressee, "").label("body"))
                .join(Case, Case.id == Event.case_id)
                .where(_in_period(period, (EventKind.ESCALATE,)), Case.deleted_at.is_(None))
                .distinct().subquery("escalated"))
    rows = session.execute(select(per_body.c.body, func.count())
                           .group_by(per_body.c.body)).all()
    return tuple(sorted(((str(body), int(n)) for body, n in rows),
                        key=lambda pair: (-pair[1], pair[0] == "", sort_key(pair[0]))))


def _minor_offenders(session: Session, period: Period) -> int:
    """Cases with any event in the period whose offender, a person, was under 18 at the
    act (the age rule of `app.domain.protection`, the bands of `app.domain.warnings`).
    Read from `ix_cases_offender_age`, narrowed there to offenders born in the act's year
    less 18 or later (anyone under 18 at the act was), their events looked up case by case: not
    every case handled in the period read (a year to date's 35,000 rows, 1.0 s at 100,000
    cases). One statement per period: the one for all periods read more (measured)."""
    under = max(band.under for band in MINOR_BANDS)
    born_in = func.coalesce(extract("year", Case.offender_birth_date),
                            Case.offender_birth_year)
    statement = (
        select(Case.offender_birth_date, Case.offender_birth_year, _act_day())
        .where(Case.deleted_at.is_(None),
               or_(Case.offender_birth_year.is_not(None), Case.offender_birth_date.is_not(None)),
               func.coalesce(Case.offender_name, "") != "",
               func.coalesce(Case.offender_kind, "") != PartyKind.ORGANISATION,
               born_in >= extract("year", _act_day()) - under,
               exists().where(Event.case_id == Case.id, _in_period(period)))
    )
    return sum(1 for born, year, act_on in _streamed_rows(session, statement)
               if (age := age_on(born, year, act_on)) is not None and minor_band(age))


# --- the children's annex, counts only --------------------------------------------------------


def _children_table(session: Session, period: Period, vocab: Vocabulary) -> ChildrenTable:
    """The children of the cases detected in the period (column 13's), counted by the kind
    of case, age band at the act and sex."""
    statement = (
        select(Case.group_code, Case.child_subkind_code, Child.birth_date, Child.birth_year,
               Child.sex, _act_day())
        .join(Case, Case.id == Child.case_id)
        .where(Case.deleted_at.is_(None), _detected_in(period))
    )
    sub_kinds = {e.code: e.label for e in vocab.entries(VocabList.CHILD_SUBKIND)}

    def row(group: str, sub_kind: str | None) -> str:
        if group != Group.CHILDREN:
            return OTHER_GROUP_CHILD_CASES[0]
        return sub_kind if sub_kind in sub_kinds else UNCLASSIFIED_CHILD_CASES[0]

    return count_children(sub_kinds, ((row(group, sub_kind), age_on(born, year, act_on), sex)
                                      for group, sub_kind, born, year, sex, act_on
                                      in _rows(session, statement)))


# --- form 03 ---------------------------------------------------------------------------

# Form 03's cases read, masked and laid out this many at a time, on each pass over them: an
# export's memory is that of a chunk, whatever the period's length (docs/performance.md).
CASES_PER_CHUNK = 500


@dataclass(frozen=True)
class _Raw:
    id: int
    code: str
    detected_on: date
    platform_code: str
    account: str
    url: str | None
    group_code: str
    summary: str
    offender_name: str | None
    open_at_end: bool
    act_on: date  # the day ages are taken on (`_act_day`)


def _listed(period: Period) -> ColumnElement[bool]:
    """Form 03: a case detected in the period or with any (non-voided) event dated in it."""
    return and_(Case.deleted_at.is_(None),
                or_(_detected_in(period),
                    Case.id.in_(select(Event.case_id).where(_in_period(period)))))


@dataclass(frozen=True)
class _Listed:
    """Form 03's cases, read once: their ids in its order (the day detected, then the
    code) as plain integers, all a pass over its lines holds of the period; the protected
    people its lines take (few beside the lines), and the masker made of them."""
    ids: array[int]
    children: dict[int, list[Person]]
    minors: dict[int, Person]  # offenders under 16 at the act
    masker: Masker


def _listed_cases(session: Session, period: Period, *, counts_only: bool) -> _Listed:
    """`_Listed` of the period: the cases and their offenders in one statement, their
    children by chunks of ids, instead of finding form 03's cases once for each (at
    20,000 cases, a year's cases were 0.3 s a time)."""
    statement = (
        select(Case.id, Case.offender_name, Case.offender_birth_year, Case.offender_birth_date,
               Case.offender_kind, _act_day())
        .where(_listed(period)).order_by(Case.detected_on, Case.code)
    )
    ids: array[int] = array("q")
    minors: dict[int, Person] = {}
    for case_id, name, year, born, kind, act_on in _streamed_rows(session, statement):
        ids.append(case_id)
        if (year is not None or born is not None) and (  # only a known age may be a child's
                minor := as_minor(_offender(name, year, born, kind), act_on)):
            minors[case_id] = minor
    children: dict[int, list[Person]] = {}
    for start in range(0, len(ids), CASES_PER_CHUNK):
        children.update(_children_of(session, ids[start:start + CASES_PER_CHUNK].tolist()))
    # Masks every text of the report, read before its first line; its people in form 03's
    # order.
    masker = Masker({case_id: CasePeople(tuple(children.get(case_id, ())),
                                         minors.get(case_id)).all
                     for case_id in ids if case_id in children or case_id in minors},
                    replacement=HIDDEN_CHILD if counts_only else None)
    return _Listed(ids, children, minors, masker)


def _offender(name: str | None, birth_year: int | None, born: date | None,
              kind: str | None) -> Person | None:
    return Person(name, birth_year, born) if name and kind != PartyKind.ORGANISATION else None


def _case_rows(session: Session, period: Period, cases: Sequence[int]) -> list[_Raw]:
    """The cases `cases`, in that order (their fines are their events', `_event_words`)."""
    statement = (
        select(Case.id, Case.code, Case.detected_on, Case.platform_code, Case.account, Case.url,
               Case.group_code, Case.summary, Case.offender_name, _open_at_end(period),
               _act_day())
        .where(Case.id.in_(cases))
    )
    place = {case_id: index for index, case_id in enumerate(cases)}
    return sorted((_Raw(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), r[10])
                   for r in _rows(session, statement)), key=lambda raw: place[raw.id])


def _event_words(session: Session, period: Period, vocab: Vocabulary, masker: Masker,
                 cases: Sequence[int]) -> tuple[dict[int, list[str]], dict[int, int]]:
    """`dd/mm/yyyy: <biện pháp> (số …): <chi tiết>` for the events in the period of each
    case of `cases`; the document number is the only part an officer typed. With them, from
    the same rows, each case's fines in the period (column 8's rule of `_case_flags`, the
    amounts of its decisions, none counting as 0), rather than reading the events again."""
    # The kinds of `_in_period` are checked here, not in SQL: named there, they make SQLite
    # read the whole period's events through the (kind, date) index for each chunk, rather
    # than the chunk's own through the case index (a year: 0.9 s of 26 chunks, 20,000 cases).
    statement = (
        select(Event.case_id, Event.kind, Event.occurred_on, Event.document_number,
               Event.sanction_form, Event.fine_amount, Event.closing_result)
        .where(Event.case_id.in_(cases), _in_period(period, kinds=None))
        .order_by(Event.case_id, Event.occurred_on, Event.id)
    )
    kinds = set(EventKind)
    words: dict[int, list[str]] = {}
    fines: dict[int, int] = {}
    # `dd/mm/yyyy: <biện pháp>` written once per day and kind: a year's hundreds of
    # thousands of events have a few thousand.
    heads: dict[tuple[date, str], str] = {}
    for case_id, kind, day, number, form, amount, result in _rows(session, statement):
        if kind not in kinds:
            continue
        text = heads.get((day, kind)) or heads.setdefault(
            (day, kind), f"{format_date(day)}: {vocab.label(VocabList.EVENT, kind)}")
        if number:
            text += f" (số {masker.mask(number, case_id)})"
        if form == SanctionForm.FINE and amount:
            text += f": phạt tiền {format_money(amount)}"
        elif form:
            text += f": {form.lower()}"
        if result:
            text += f": {result.lower()}"
        words.setdefault(case_id, []).append(text)
        if kind == EventKind.SANCTION:
            fines[case_id] = fines.get(case_id, 0) + (amount or 0)
    return words, fines


def _children_of(session: Session, cases: Sequence[int]) -> dict[int, list[Person]]:
    statement = (
        select(Child.case_id, Child.full_name, Child.birth_year, Child.birth_date, Child.sex,
               Child.school_class, Child.address)
        .where(Child.case_id.in_(cases))
        .order_by(Child.case_id, Child.id)
    )
    found: dict[int, list[Person]] = {}
    for case_id, name, year, born, sex, school, address in _rows(session, statement):
        found.setdefault(case_id, []).append(Person(name, year, born, sex, school, address))
    return found


def _case_lines(session: Session, period: Period, vocab: Vocabulary, listed: _Listed,
                cases: Sequence[int], *, counts_only: bool) -> list[CaseLine]:
    """Form 03's rows of `cases`. A child is shown by initials, age and sex, or, with
    `counts_only`, not at all: a name in a text becomes `HIDDEN_CHILD`, a case says how
    many children."""
    raws = _case_rows(session, period, cases)
    children = listed.children
    masker = listed.masker
    results, fines = _event_words(session, period, vocab, masker, cases)
    lines: list[CaseLine] = []
    for raw in raws:
        mask = masker.case(raw.id)
        summary = mask.text(raw.summary)
        if raw.id in children:
            summary += "\nTrẻ em bị ảnh hưởng: " + (
                f"{format_number(len(children[raw.id]))} em." if counts_only else "; ".join(
                    describe(p, raw.act_on) for p in children[raw.id]) + ".")
        if minor := listed.minors.get(raw.id):
            offender = HIDDEN_MINOR_OFFENDER if counts_only else describe(minor, raw.act_on)
        else:
            offender = mask.text(raw.offender_name) if raw.offender_name else UNIDENTIFIED_SHORT
        lines.append(CaseLine(
            code=raw.code,
            detected_on=raw.detected_on,
            platform=(platform := vocab.label(VocabList.PLATFORM, raw.platform_code)),
            account=mask.account(raw.account, platform),
            url=mask.url(raw.url),
            group=vocab.label(VocabList.GROUP, raw.group_code),
            summary=summary,
            offender=offender,
            results="\n".join(results.get(raw.id, [])),
            fines=fines.get(raw.id, 0),
            status=STATUS_LABELS[CaseStatus.OPEN if raw.open_at_end else CaseStatus.CLOSED],
            protected=mask.protected,
        ))
    return lines


class _StreamedCases:
    """Form 03's lines of a period (a `CaseList`), read from `session` `CASES_PER_CHUNK`
    cases at a time on each pass: of the period, only its cases' ids and protected people
    (`_Listed`) are held, and the first lines when read ahead (`read_ahead`)."""

    def __init__(self, session: Session, period: Period, vocab: Vocabulary, listed: _Listed,
                 *, counts_only: bool) -> None:
        self._session, self._period, self._vocab = session, period, vocab
        self._listed, self._counts_only = listed, counts_only
        self._ahead: list[CaseLine] = []
        self._ahead_cases = 0  # the cases whose lines `_ahead` holds

    def __len__(self) -> int:
        return len(self._listed.ids)

    def __iter__(self) -> Iterator[CaseLine]:
        yield from self._ahead
        for start in range(self._ahead_cases, len(self._listed.ids), CASES_PER_CHUNK):
            yield from self._chunk(start)

    def read_ahead(self, wanted: Callable[[], bool]) -> None:
        """The first lines made and kept a chunk at a time while `wanted()` says so, at
        most `READ_AHEAD_CASES`: the work of form 03 done while the other statements of the
        report run in another thread."""
        while wanted() and self._ahead_cases < min(READ_AHEAD_CASES, len(self._listed.ids)):
            self._ahead += self._chunk(self._ahead_cases)
            self._ahead_cases += CASES_PER_CHUNK

    def _chunk(self, start: int) -> list[CaseLine]:
        return _case_lines(self._session, self._period, self._vocab, self._listed,
                           self._listed.ids[start:start + CASES_PER_CHUNK].tolist(),
                           counts_only=self._counts_only)


# Form 03's lines kept when read ahead (about 1 KB each): what the other statements of a
# month's report leave time for (docs/performance.md), far below the memory a file may take.
READ_AHEAD_CASES = 10_000


@dataclass(frozen=True)
class _Totals:
    """A report's figures beside form 03: forms 01 and 02 of the period, the one before, the
    year to date and the same period a year before; the office's work in three of them; the
    escalations by addressee (not yet masked); the counts-only children's annex."""

    summaries: tuple[Summary, ...]
    works: list[Work]
    escalations: tuple[tuple[str, int], ...]
    children: ChildrenTable | None


def _totals(session: Session, period: Period, vocab: Vocabulary, *,
            counts_only: bool) -> _Totals:
    periods = [period, period.previous(), period.year_to_date(), period.year_before()]
    return _Totals(summaries_in(session, periods, vocab),
                   _works(session, [period, periods[2], periods[3]]),
                   _escalations(session, period),
                   _children_table(session, period, vocab) if counts_only else None)


# --- entry points -------------------------------------------------------------------------


def compute_summary(db: Database, period: Period) -> Summary:
    """Forms 01 and 02 only (no case list)."""
    return compute_summaries(db, [period])[0]


def compute_summaries(db: Database, periods: Sequence[Period]) -> tuple[Summary, ...]:
    """Forms 01 and 02 of several periods, their cases read once: for the dashboard."""
    with db.read() as session:
        return summaries_in(session, periods, vocabulary.load_from(session))


def figures_in(session: Session, period: Period, beside: Session | None = None, *,
               read_ahead: bool = True) -> ReportFigures:
    """A period's figures, form 03's lines read from `session` on each pass over them: to
    be gone through while it is open. With `beside`, a session reading the same state
    (`Database.read_side_by_side`), the other forms' statements run on it in a thread
    while form 03's first lines are made (`read_ahead`): SQLite and PostgreSQL work
    outside the GIL."""
    vocab = vocabulary.load_from(session)
    counts_only = chosen(settings.read_office(session), ReportOption.CHILDREN_COUNTS_ONLY)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = (None if beside is None else
                   pool.submit(_totals, beside, period, vocab, counts_only=counts_only))
        listed = _listed_cases(session, period, counts_only=counts_only)
        masker = listed.masker
        cases = _StreamedCases(session, period, vocab, listed, counts_only=counts_only)
        if pending is None:
            totals = _totals(session, period, vocab, counts_only=counts_only)
        else:
            if read_ahead:
                cases.read_ahead(lambda: not pending.done())
            totals = pending.result()
    summary, previous, to_date, year_before = totals.summaries
    work, work_to_date, work_year_before = totals.works
    return ReportFigures(summary, previous, cases, masker, work=work,
                         year_to_date=Totals(to_date.period, to_date.total, work_to_date),
                         year_before=Totals(year_before.period, year_before.total,
                                            work_year_before),
                         children=totals.children,
                         escalations=tuple((masker.mask(body), n)
                                           for body, n in totals.escalations))


def detected_per_period(db: Database, periods: Sequence[Period]) -> list[int]:
    """Column 4 of form 01 for several periods (the dashboard's twelve months) in one
    statement; the same rule as `_case_flags`. One count per period, each a range of the
    detection-date index, rather than one pass over the cases (docs/performance.md)."""
    if not periods:
        return []
    counts = [select(func.count()).select_from(Case)
              .where(Case.deleted_at.is_(None), _detected_in(p)).scalar_subquery()
              for p in periods]
    with db.read() as session:
        row = session.execute(select(*counts)).one()
    return [int(value) for value in row]


@contextmanager
def streamed_figures(db: Database, period: Period, *,
                     read_ahead: bool = True) -> Iterator[ReportFigures]:
    """A period's figures for writing its files within the block, from one read
    transaction: form 03's lines read a chunk at a time on each pass, none of them kept
    but those read ahead (`figures_in`): ~10 MB of no use when the first file is a
    workbook (a long one is written while its lines are made, `reports.workbook_process`;
    a short one's lines are few)."""
    with db.read_side_by_side() as (session, beside):
        yield figures_in(session, period, beside, read_ahead=read_ahead)


def compute_figures(db: Database, period: Period) -> ReportFigures:
    """All three forms and the previous period's summary, from one read transaction, form
    03's lines held (the window, the register of sent reports)."""
    with streamed_figures(db, period) as figures:
        return dataclasses.replace(figures, cases=tuple(figures.cases))
