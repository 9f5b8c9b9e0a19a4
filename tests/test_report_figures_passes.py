"""The report's figures read several periods in one pass: each period's figures equal the
rule applied in Python to the register's rows, period by period, over the edges (an event
on a period's first or last day, voided events, deleted cases, a case in two periods)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db import Database
from app.domain.events import EventInput
from app.domain.labels import PartyKind, SanctionForm
from app.domain.periods import Period
from app.domain.protection import age_on
from app.domain.report import WORK_FIELDS, Work
from app.domain.sanctions import DecisionFollowUp
from app.domain.vocabulary import EventKind
from app.domain.warnings import minor_band
from app.models import Case, Event
from app.services import cases, events, vocabulary
from app.services.actor import Actor
from app.services.report_figures import _works, compute_figures, summaries_in
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
# Overlapping periods, the way the report's are (the year to date holds the period), and
# one a year before.
PERIODS = (OCTOBER, Period.between(date(2026, 1, 1), date(2026, 10, 31)),
           Period.between(date(2026, 10, 1), date(2026, 11, 30)), Period.month(2025, 10))

# Each field of `Work` but the minors and the fines: the event that counts a case in it.
_KINDS = {
    "invited": EventKind.INVITE, "warned": EventKind.WARN, "corrected": EventKind.CORRECTION,
    "lock_proposed": EventKind.LOCK_REQUEST, "violation_records": EventKind.RECORD,
    "to_child_protection": EventKind.CHILD_PROTECTION,
    "to_competent": EventKind.TRANSFER_AUTHORITY,
}


def _work_by_rule(session: Session, period: Period) -> Work:
    live = session.scalars(select(Case).where(Case.deleted_at.is_(None))
                           .options(selectinload(Case.events))).all()

    def in_period(event: Event) -> bool:
        return event.voided_at is None and period.start <= event.occurred_on <= period.end

    def cases_with(test: object) -> int:
        return sum(1 for c in live if any(in_period(e) and test(e)  # type: ignore[operator]
                                          for e in c.events))

    def minor(c: Case) -> bool:
        age = age_on(c.offender_birth_date, c.offender_birth_year, c.act_on)
        return (bool(c.offender_name) and c.offender_kind != PartyKind.ORGANISATION
                and age is not None and bool(minor_band(age)))

    counted = {name: cases_with(lambda e, kind=kind: e.kind == kind)
               for name, kind in _KINDS.items()}
    work = Work(
        **counted,
        warning_decisions=cases_with(lambda e: e.kind == EventKind.SANCTION
                                     and e.sanction_form == SanctionForm.WARNING),
        fine_decisions=cases_with(lambda e: e.kind == EventKind.SANCTION
                                  and e.sanction_form == SanctionForm.FINE),
        minor_offenders=sum(1 for c in live if minor(c) and any(map(in_period, c.events))),
        fines_collected=sum(e.paid_amount or 0 for c in live for e in c.events
                            if e.kind == EventKind.SANCTION and e.voided_at is None
                            and e.sanction_form == SanctionForm.FINE and e.paid_on is not None
                            and period.start <= e.paid_on <= period.end),
    )
    assert set(counted) | {"warning_decisions", "fine_decisions", "minor_offenders",
                           "fines_collected"} == set(WORK_FIELDS)
    return work


def _case(db: Database, officer: Actor, detected: date, *steps: tuple[str, date],
          **fields: object) -> int:
    case_id = cases.create_case(db, officer, make_case(detected_on=detected, **fields),
                                today=TODAY).id
    for kind, day in steps:
        extra: dict[str, object] = {}
        if kind == "XP":
            extra = {"sanction_form": SanctionForm.FINE, "fine_amount": 5_000_000}
        elif kind == "BB":
            extra = {"document_number": f"{case_id}/BB"}
        events.add_event(db, officer, case_id, EventInput(kind, day, **extra),  # type: ignore[arg-type]
                         today=TODAY)
    return case_id


def _void(db: Database, officer: Actor, case_id: int, kind: str) -> None:
    event = next(e for e in cases.get_case(db, officer, case_id).events if e.kind == kind)
    events.void_event(db, officer, event.id, "Ghi nhầm")


def _pay(db: Database, officer: Actor, case_id: int, paid_on: date) -> None:
    decision = next(e for e in cases.get_case(db, officer, case_id).events if e.kind == "XP")
    events.record_follow_up(db, officer, decision.id, DecisionFollowUp(
        delivered_on=decision.occurred_on, paid_on=paid_on, paid_amount=5_000_000,
        receipt_number=f"BL-{case_id}"), today=TODAY)


@pytest.fixture
def register(db: Database, officer: Actor, leader: Actor) -> Database:
    minor = {"offender_name": "Phạm Minh Khoa", "offender_birth_year": 2010}
    adult = {"offender_name": "Trần Văn Hùng", "offender_birth_year": 1990}
    # Events on the period's first and last days, in two periods at once.
    _case(db, officer, date(2026, 9, 30), ("MLV", date(2026, 10, 1)), ("NN", date(2026, 10, 31)),
          **minor)
    _case(db, officer, date(2026, 9, 1), ("MLV", date(2026, 9, 30)), ("CTE", date(2026, 11, 1)),
          **minor)
    fined = _case(db, officer, date(2026, 10, 2), ("BB", date(2026, 10, 3)),
                  ("XP", date(2026, 10, 5)), **adult)
    _pay(db, officer, fined, date(2026, 11, 2))
    last_year = _case(db, officer, date(2025, 10, 1), ("BB", date(2025, 10, 1)),
                      ("XP", date(2025, 10, 31)), ("MLV", date(2026, 2, 3)), **adult)
    _pay(db, officer, last_year, date(2025, 10, 31))
    # A voided event, a deleted case, an organisation and a person of 18.
    voided = _case(db, officer, date(2026, 10, 5), ("MLV", date(2026, 10, 6)),
                   ("NN", date(2026, 10, 7)), **minor)
    _void(db, officer, voided, "MLV")
    gone = _case(db, officer, date(2026, 10, 5), ("MLV", date(2026, 10, 6)),
                 ("BB", date(2026, 10, 6)), ("XP", date(2026, 10, 8)), **adult)
    _pay(db, officer, gone, date(2026, 10, 9))
    cases.delete_case(db, leader, gone, "Nhập trùng")
    _case(db, officer, date(2026, 10, 5), ("MLV", date(2026, 10, 6)),
          offender_name="Công ty TNHH Mầm Non", offender_kind=PartyKind.ORGANISATION,
          offender_birth_year=2015)
    _case(db, officer, date(2026, 10, 5), ("DC", date(2026, 10, 6)), ("CTQ", date(2026, 10, 31)),
          ("KTK", date(2026, 10, 5)),
          offender_name="Võ Văn Lâm", offender_birth_date=date(2008, 10, 5))
    return db


def test_the_work_of_several_periods_read_together_is_each_period_s_rule(
        register: Database) -> None:
    with register.read() as session:
        works = _works(session, PERIODS)
        expected = [_work_by_rule(session, period) for period in PERIODS]
    assert works == expected
    # The edges are in the register: none of the periods' counts is all zero.
    assert all(work.invited and work.minor_offenders for work in works[:3])
    assert works[0].fines_collected == 0 and works[2].fines_collected == 5_000_000
    assert works[3].fines_collected == 5_000_000


def test_form_03_s_events_and_fines_are_each_case_s_in_the_period(register: Database) -> None:
    with register.read() as session:
        live = session.scalars(select(Case).where(Case.deleted_at.is_(None))
                               .options(selectinload(Case.events))).all()
        expected = {}
        for period in PERIODS:
            for c in live:
                dated = [e for e in c.events if e.voided_at is None
                         and period.start <= e.occurred_on <= period.end]
                if dated or period.start <= c.detected_on <= period.end:
                    expected[period, c.code] = (
                        sorted(e.occurred_on.strftime("%d/%m/%Y") for e in dated),
                        sum(e.fine_amount or 0 for e in dated if e.kind == EventKind.SANCTION))
    found = {(period, line.code): (sorted(text[:10] for text in line.results.splitlines()),
                                   line.fines)
             for period in PERIODS for line in compute_figures(register, period).cases}
    assert found == expected
    assert max(fines for _, fines in found.values()) == 5_000_000


def test_periods_of_the_same_span_are_counted_once_and_keep_their_own_period(
        register: Database) -> None:
    # A year's year to date is the year itself; the year before is the previous year.
    year = Period.year_of(2026)
    periods = [year, year.previous(), year.year_to_date(), year.year_before()]
    with register.read() as session:
        vocab = vocabulary.load_from(session)
        together = summaries_in(session, periods, vocab)
        alone = [summaries_in(session, [period], vocab)[0] for period in periods]
        works = _works(session, periods)
        works_alone = [_works(session, [period])[0] for period in periods]
    assert together == tuple(alone)
    assert [s.period for s in together] == periods
    assert works == works_alone and works[0].invited
