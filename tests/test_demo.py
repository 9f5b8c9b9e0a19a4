"""The demo register is realistic: every generated case and event obeys the rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from app.db import Database
from app.domain.case import validate_case
from app.domain.events import EventFact, validate_event
from app.domain.labels import Attention, PartyKind
from app.domain.sanctions import Offender, RecordedDecision, case_problems, follow_up_problems
from app.domain.warnings import FineRange, fine_range_warning
from app.models import Case, Event
from app.services import demo, legal_basis, vocabulary
from app.services.actor import Actor
from app.services.search import CaseQuery, count_cases
from tests.conftest import SERVER

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


def test_demo_sanctions_respect_the_law_they_model(db: Database) -> None:
    """Every decision of the demo passes the sanction path (identified offender, biên bản
    before a fine, one decision, minors) and every fine lies within the range of its
    provision for the offender's kind on the act's date, halved for 16–18."""
    provisions = legal_basis.all_provisions(db)
    catalog = {p.id: p for p in provisions}
    generated = demo.generate(1500, seed=2026, today=TODAY, provisions=provisions)
    fines = warnings = minors = 0
    for prepared in generated:
        data = prepared.data
        act = data.act_date
        assert act is not None
        act_on = act.day
        offender = Offender.of(data)
        party = data.offender_kind or PartyKind.PERSON
        facts = [EventFact(i, e.kind, e.occurred_on) for i, e in enumerate(prepared.events)
                 if e.occurred_on is not None]
        recorded = [RecordedDecision(
            fact, event, sum(r[1] for i in event.legal_basis_ids
                             if (r := catalog[i].fine_range(PartyKind.PERSON))) or None)
            for fact, event in zip(facts, prepared.events, strict=True)]
        assert case_problems(recorded, offender=offender, act_on=act_on) == [], data.summary
        aged = offender.band(act_on)
        share = aged[1].fine_share if aged else 1.0
        for index, event in enumerate(prepared.events):
            if event.kind != "XP":
                continue
            chosen = [catalog[i] for i in event.legal_basis_ids]
            assert chosen and all(p.valid_on(act_on) for p in chosen)
            ranges = [FineRange(p.citation, *bounds, p.to_confirm) for p in chosen
                      if (bounds := p.fine_range(party)) is not None]
            assert fine_range_warning(index, event, ranges, party, share or 1.0) is None
            follow = demo.follow_up(event, seed=2026, today=TODAY)
            assert follow_up_problems(follow, decision=event, today=TODAY) == []
            fines += event.fine_amount is not None
            warnings += event.fine_amount is None
            minors += aged is not None
    assert fines > 50 and warnings > 5 and minors > 0
    # Fines either side of 01/07/2026: NĐ 15/2020 before, NĐ 174/2026 after.
    instruments = {catalog[i].instrument[:6] for p in generated for e in p.events
                   if e.fine_amount for i in e.legal_basis_ids}
    assert {"NĐ 15/", "NĐ 174"} <= instruments


def test_demo_decisions_are_followed_up(db: Database, admin: Actor) -> None:
    demo.add_demo_cases(db, admin, 400, seed=11, today=TODAY)
    with db.read() as session:
        decided = session.execute(
            select(Event.occurred_on, Event.delivered_on, Event.paid_on, Event.paid_amount,
                   Event.enforced_on).where(Event.kind == "XP")).all()
    # Delivered within two days of the decision.
    assert decided and all(row.delivered_on for row in decided
                           if row.occurred_on < TODAY - timedelta(days=2))
    assert any(row.paid_amount for row in decided)
    assert any(row.enforced_on for row in decided)
    for kind in (Attention.DECISION_OVERDUE, Attention.COMPLIANCE_OVERDUE):
        assert count_cases(db, CaseQuery(attention=kind), today=TODAY) > 0, kind


@pytest.mark.skipif(SERVER is None, reason="a server's planner statistics")
def test_after_the_demo_the_server_plans_with_what_was_added(
        db: Database, admin: Actor) -> None:
    """The bulk insert leaves the server's statistics as they were until autovacuum
    passes; the demo (and an import) take them at once, so that the queries that follow
    are planned for the rows added."""
    demo.add_demo_cases(db, admin, 300, today=date(2026, 11, 20))
    with db.engine.connect() as conn:
        settled = conn.execute(text(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
            )).scalars()
        assert {"cases", "events", "children", "defamed_parties"} <= set(settled)
        assert conn.execute(text(
            "SELECT reltuples FROM pg_class WHERE relname = 'cases'")).scalar_one() == 300
