"""The dashboard's figures and lists read from indexes (migration 0026) are the rules applied
to every case: the list of fines past their time to comply (`ix_events_fines`) and the
report's own columns of a case (`ix_cases_live_open`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from alembic import command
from sqlalchemy import func, inspect, select, update

from app.db import Database
from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from app.db.schema import changing_schema, migrate
from app.domain.labels import Attention, SanctionForm
from app.domain.periods import Period, same_days_month_before
from app.domain.sanctions import compliance_overdue
from app.domain.vocabulary import EventKind
from app.models import Case, Event
from app.services import cases, vocabulary
from app.services.actor import Actor
from app.services.integrity import check_data_folder
from app.services.report_figures import (
    CASE_FIELDS,
    _case_flags,
    _children_counts,
    _own_columns,
    _period_events,
    summaries_in,
)
from app.services.search import CaseQuery, search_case_ids
from tests.conftest import TODAY, make_case

DAY = timedelta(days=1)
DELIVERED = date(2026, 10, 9)  # its time to comply ends on 19/10


def _case(db: Database, officer: Actor, **changes: object) -> int:
    values: dict[str, object] = {"detected_on": date(2026, 10, 5),
                                 "offender_name": "Trần Văn Bình"}
    values.update(changes)
    return cases.create_case(db, officer, make_case(**values), today=TODAY).id


def _decision(case_id: int, **fields: object) -> Event:
    """A sanction decision straight in the database: every combination of what the list
    tests, whatever the editor would refuse."""
    values: dict[str, object] = {"kind": EventKind.SANCTION, "occurred_on": date(2026, 10, 8),
                                 "officer": "canbo", "sanction_form": SanctionForm.FINE,
                                 "fine_amount": 10_000_000, "delivered_on": DELIVERED}
    values.update(fields)
    return Event(case_id=case_id, **values)


def test_the_fines_past_their_time_to_comply_are_those_the_rule_names(
        db: Database, officer: Actor) -> None:
    overdue = _case(db, officer)
    later = _case(db, officer)
    closed = _case(db, officer)
    deleted = _case(db, officer)
    others = [_case(db, officer) for _ in range(6)]
    voided_at = datetime(2026, 10, 30, 8, 0, tzinfo=UTC)
    with db.write() as session:
        session.add_all([
            _decision(overdue),
            _decision(later, delivered_on=DELIVERED + DAY),
            _decision(closed),
            _decision(deleted),
            _decision(others[0], delivered_on=None),
            _decision(others[1], paid_on=date(2026, 10, 15), paid_amount=10_000_000,
                      receipt_number="BL 01"),
            _decision(others[2], enforced_on=date(2026, 10, 25)),
            _decision(others[3], voided_at=voided_at, voided_by="canbo", void_reason="Nhầm"),
            _decision(others[4], sanction_form=SanctionForm.WARNING, fine_amount=None),
            # A fine recorded under another kind of event is no decision.
            _decision(others[5], kind=EventKind.RECORD),
        ])
        # An unpaid fine is followed after the file is closed; a deleted case nowhere.
        session.execute(update(Case).where(Case.id == closed)
                        .values(closed_on=date(2026, 10, 12)))
        session.execute(update(Case).where(Case.id == deleted)
                        .values(deleted_at=voided_at, deleted_by="canbo",
                                deleted_reason="Nhầm"))
    live = [overdue, later, closed, *others]
    records = {case_id: cases.get_case(db, officer, case_id).events for case_id in live}
    for today in (date(2026, 10, 19), date(2026, 10, 20), date(2026, 10, 21), TODAY):
        by_rule = {case_id for case_id, events in records.items()
                   if any(not e.voided and compliance_overdue(e, e.follow_up, today)
                          for e in events)}
        listed = set(search_case_ids(db, CaseQuery(attention=Attention.COMPLIANCE_OVERDUE),
                                     today=today))
        assert listed == by_rule, today
    assert listed == {overdue, later, closed}


def test_the_records_without_a_decision_are_those_of_open_cases_with_no_live_decision(
        db: Database, officer: Actor) -> None:
    """Recorded on 06/10/2026: seven working days end on 15/10."""
    waiting, decided, undone, closed, deleted, voided = (_case(db, officer) for _ in range(6))
    voided_at = datetime(2026, 10, 30, 8, 0, tzinfo=UTC)
    void = {"voided_at": voided_at, "voided_by": "canbo", "void_reason": "Nhầm"}

    def record(case_id: int, **fields: object) -> Event:
        return Event(case_id=case_id, kind=EventKind.RECORD, occurred_on=date(2026, 10, 6),
                     officer="canbo", **fields)

    with db.write() as session:
        session.add_all([record(case_id) for case_id in (waiting, decided, undone, closed,
                                                         deleted)])
        session.add_all([record(voided, **void), _decision(decided),
                         _decision(undone, **void)])
        session.execute(update(Case).where(Case.id == closed)
                        .values(closed_on=date(2026, 10, 12)))
        session.execute(update(Case).where(Case.id == deleted)
                        .values(deleted_at=voided_at, deleted_by="canbo",
                                deleted_reason="Nhầm"))

    def listed(today: date) -> set[int]:
        return set(search_case_ids(db, CaseQuery(attention=Attention.DECISION_OVERDUE),
                                   today=today))

    assert listed(date(2026, 10, 15)) == set()
    assert listed(date(2026, 10, 16)) == {waiting, undone}


def _by_rule(db: Database, periods: list[Period]) -> list[dict[str, int]]:
    """Each period's own columns of every live case, summed in Python from the rule's
    expressions evaluated on the table's rows."""
    totals: list[dict[str, int]] = []
    with db.read() as session:
        for period in periods:
            flags = _case_flags(period, _period_events(period), _children_counts(period))
            rows = session.execute(select(*(flags[name] for name in CASE_FIELDS))
                                   .select_from(Case).where(Case.deleted_at.is_(None))).all()
            totals.append({name: sum(int(row[n]) for row in rows)
                           for n, name in enumerate(CASE_FIELDS)})
    return totals


def test_the_own_columns_count_every_case_open_in_a_period(db: Database,
                                                           officer: Actor) -> None:
    """The cases closed on the first period's first day or later, or open, are read from the
    open-case index: none closed before it counts, none after is missed, nor one open in
    the same month a year before and closed before the last months began."""
    today = date(2026, 11, 20)
    november = Period.month_of(today)
    periods = [november, same_days_month_before(today), november.previous(),
               november.year_before()]
    first_day = min(p.start for p in periods)
    for detected, closed_on, name in (
            (date(2025, 10, 20), first_day - DAY, "Lê Văn A"),  # closed the day before
            (date(2025, 10, 21), first_day, None),  # closed on the first day
            (date(2025, 11, 3), date(2025, 11, 30), ""),
            (date(2025, 11, 30), None, "Lê Văn B"),
            (date(2026, 10, 1), date(2026, 10, 20), None),
            (date(2026, 10, 20), date(2026, 11, 1), "Lê Văn C"),
            (date(2026, 11, 2), None, ""),
            (date(2026, 11, 20), date(2026, 11, 20), None),
            # Open only between the periods (read no more), only in the year before's
            # month, only in the last months.
            (date(2026, 3, 2), date(2026, 5, 4), "Lê Văn D"),
            (date(2025, 11, 15), date(2026, 6, 1), None),
            (date(2025, 12, 3), date(2026, 10, 2), "")):
        case_id = _case(db, officer, detected_on=detected, offender_name=name)
        with db.write() as session:
            session.execute(update(Case).where(Case.id == case_id).values(closed_on=closed_on))
    gone = _case(db, officer, detected_on=date(2026, 11, 3))
    with db.write() as session:
        session.execute(update(Case).where(Case.id == gone)
                        .values(deleted_at=datetime(2026, 11, 4, tzinfo=UTC), deleted_by="canbo",
                                deleted_reason="Nhầm"))
    with db.read() as session:
        summaries = summaries_in(session, periods, vocabulary.load_from(session))
        read = {row.offender_name for row in session.execute(
            select(_own_columns(periods, None).offender_name))}
    expected = _by_rule(db, periods)
    assert [{name: getattr(s.total, name) for name in CASE_FIELDS} for s in summaries] == expected
    assert expected[0]["carried_in"] > 0 and expected[3]["closed"] > 0
    assert "Lê Văn D" not in read and "Lê Văn A" not in read and "Lê Văn C" in read


def test_migration_0026_adds_the_indexes_and_keeps_the_cases(db: Database,
                                                             officer: Actor) -> None:
    """On an SQLCipher folder and on PostgreSQL: taken down to 0025 and up again, the
    indexes are there and the cases and decisions kept."""
    case_id = _case(db, officer)
    with db.write() as session:
        session.add(_decision(case_id))
    config = alembic_config()
    with changing_schema(db.engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0025")
    assert "ix_events_fines" not in {i["name"] for i in inspect(db.engine).get_indexes("events")}
    with changing_schema(db.engine) as conn:
        migrate(conn)
    assert current_revision(db.engine) == HEAD_REVISION
    indexes = {i["name"]: i["column_names"] for table in ("cases", "events")
               for i in inspect(db.engine).get_indexes(table)}
    assert {"group_code", "platform_code", "offender_name"} <= set(indexes["ix_cases_live_open"])
    assert {"ix_events_fines", "ix_events_records"} <= set(indexes)
    listed = search_case_ids(db, CaseQuery(attention=Attention.COMPLIANCE_OVERDUE),
                             today=TODAY)
    assert listed == [case_id]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 1


def test_migration_0028_gives_each_case_its_event_dates_and_keeps_them(
        db: Database, officer: Actor) -> None:
    """On an SQLCipher folder and on PostgreSQL: events recorded under 0027 (no dates kept)
    get their cases' dates when the register is migrated, and the triggers keep them after;
    taken down again, the columns and triggers go and the events stay."""
    asked, answered = _case(db, officer), _case(db, officer)
    config = alembic_config()
    with changing_schema(db.engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0027")
    columns = {c["name"] for c in inspect(db.engine).get_columns("cases")}
    assert not {"last_event_on", "removal_asked_on"} & columns
    with db.write() as session:  # as a program of revision 0027 would
        session.execute(Event.__table__.insert(), [
            {"case_id": asked, "kind": EventKind.REMOVAL_REQUEST,
             "occurred_on": date(2026, 10, 6), "officer": "canbo"},
            {"case_id": answered, "kind": EventKind.REMOVAL_REQUEST,
             "occurred_on": date(2026, 10, 6), "officer": "canbo"},
            {"case_id": answered, "kind": EventKind.REMOVED,
             "occurred_on": date(2026, 10, 7), "officer": "canbo"}])
    with changing_schema(db.engine) as conn:
        migrate(conn)
    assert current_revision(db.engine) == HEAD_REVISION

    def dates() -> set[tuple[int, date | None, date | None]]:
        with db.read() as session:
            return {(case_id, last, asked) for case_id, last, asked in session.execute(
                select(Case.id, Case.last_event_on, Case.removal_asked_on))}

    assert dates() == {(asked, date(2026, 10, 6), date(2026, 10, 6)),
                       (answered, date(2026, 10, 7), None)}
    assert search_case_ids(db, CaseQuery(attention=Attention.REMOVAL_UNANSWERED),
                           today=TODAY) == [asked]
    with db.write() as session:
        session.add(Event(case_id=asked, kind=EventKind.REMOVED,
                          occurred_on=date(2026, 10, 8), officer="canbo"))
    assert dates() == {(asked, date(2026, 10, 8), None), (answered, date(2026, 10, 7), None)}
    with changing_schema(db.engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0027")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 4


def test_the_events_indexes_name_the_kinds_of_a_sanction_and_a_record() -> None:
    for name, kind in (("ix_events_fines", EventKind.SANCTION),
                       ("ix_events_records", EventKind.RECORD)):
        index = next(i for i in Event.__table__.indexes if i.name == name)
        for dialect in ("sqlite", "postgresql"):
            assert str(index.dialect_options[dialect]["where"]) == f"kind = '{kind}'"


def test_check_finds_a_case_closed_before_it_was_detected(db: Database,
                                                          officer: Actor) -> None:
    """The own columns rely on it never happening (the events' checks refuse it): `check`
    says so if a register holds one anyway."""
    case_id = _case(db, officer, detected_on=date(2026, 10, 20))
    assert check_data_folder(db, officer).ok
    with db.write() as session:
        session.execute(update(Case).where(Case.id == case_id)
                        .values(closed_on=date(2026, 10, 19)))
        code = session.execute(select(Case.code).where(Case.id == case_id)).scalar_one()
    problems = check_data_folder(db, officer).problems
    assert problems == (f"Vụ việc {code} kết thúc xử lý ngày 19/10/2026, trước ngày phát "
                        "hiện 20/10/2026: các biểu 01, 02 sẽ đếm sai vụ việc này. Hãy sửa "
                        "ngày của bước xử lý kết thúc hoặc ngày phát hiện.",)
