"""The demo register is realistic: every generated case and event obeys the rules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.db import Database
from app.domain.case import validate_case
from app.domain.events import EventFact, validate_event
from app.models import Case, Event
from app.services import demo, legal_basis, vocabulary
from app.services.actor import Actor
from app.services.search import CaseQuery, count_cases

TODAY = date(2026, 11, 20)


def test_generated_cases_pass_every_rule(db: Database) -> None:
    vocab = vocabulary.load(db)
    provisions = legal_basis.all_provisions(db)
    generated = demo.generate(600, seed=7, today=TODAY, provisions=provisions)
    for prepared in generated:
        assert validate_case(prepared.data, vocab, TODAY) == []
        assert prepared.data.detected_on is not None
        recorded: list[EventFact] = []
        for number, event in enumerate(prepared.events):
            assert validate_event(event, detected_on=prepared.data.detected_on,
                                  existing=recorded, vocabulary=vocab, today=TODAY) == []
            assert event.occurred_on is not None
            recorded.append(EventFact(number, event.kind, event.occurred_on))
    groups = {p.data.group_code for p in generated}
    assert groups == {"TE", "DD", "TG", "PC", "QC", "KH"}
    assert any(p.data.children for p in generated)
    assert any(e.fine_amount for p in generated for e in p.events)


def test_same_seed_same_register() -> None:
    first = demo.generate(50, seed=3, today=TODAY)
    assert first == demo.generate(50, seed=3, today=TODAY)
    assert first != demo.generate(50, seed=4, today=TODAY)


def test_demo_fills_a_data_folder_searchably(db: Database, admin: Actor) -> None:
    demo.add_demo_cases(db, admin, 300, seed=1, today=TODAY)
    with db.read() as session:
        assert session.execute(select(func.count(Case.id))).scalar_one() == 300
        codes = list(session.execute(select(Case.code).order_by(Case.detected_on, Case.id))
                     .scalars())
        closed = session.execute(select(func.count(Case.id))
                                 .where(Case.closed_on.is_not(None))).scalar_one()
        closings = session.execute(select(func.count(Event.id))
                                   .where(Event.kind == "KT")).scalar_one()
    # Numbered in order of detection within each year, as an office would.
    for year in {c[2:6] for c in codes}:
        same_year = [c for c in codes if c[2:6] == year]
        assert same_year == sorted(same_year)
    assert closed == closings > 0
    assert count_cases(db, CaseQuery(text="facebook")) > 0
