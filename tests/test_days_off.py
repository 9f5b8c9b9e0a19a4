"""The days the government announces (app.services.days_off): kept by an administrator,
audited, counted by every working-day clock."""

from __future__ import annotations

import json
from datetime import date

import pytest
from alembic import command
from sqlalchemy import select

from app.db import Database
from app.db.engine import make_engine
from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from app.errors import NotAllowed, ValidationError
from app.models import AuditEntry
from app.services import audit, cases, days_off
from app.services.actor import Actor
from app.services.audit import AuditAction
from tests.conftest import TODAY, make_case, open_unlocked


def _day_changes(db: Database) -> list[dict[str, object]]:
    with db.read() as session:
        rows = session.execute(select(AuditEntry).where(
            AuditEntry.action == str(AuditAction.SETTINGS_CHANGE),
            AuditEntry.entity == "announced_day").order_by(AuditEntry.id)).scalars()
        found = [json.loads(row.detail) for row in rows]
        assert audit.verify_chain(session) == []
    return found


def test_an_administrator_adds_and_removes_announced_days_audited(
        db: Database, admin: Actor) -> None:
    off = days_off.add_announced_day(db, admin, date(2027, 4, 19), working=False,
                                     note="  Thông báo nghỉ bù  ")
    made_up = days_off.add_announced_day(db, admin, date(2027, 4, 24), working=True)
    assert off.note == "Thông báo nghỉ bù" and off.kind_label == "Nghỉ thêm"
    assert made_up.kind_label == "Làm bù"
    assert days_off.announced_days(db, 2027) == [off, made_up]
    assert days_off.announced_days(db, 2026) == []
    calendar = days_off.load_calendar(db)
    assert not calendar.is_working_day(date(2027, 4, 19))
    assert calendar.is_working_day(date(2027, 4, 24))

    days_off.remove_announced_day(db, admin, off.id)
    assert days_off.announced_days(db, 2027) == [made_up]
    assert days_off.load_calendar(db).is_working_day(date(2027, 4, 19))
    # The day and its kind, never the note (free text).
    assert _day_changes(db) == [
        {"op": "add", "day": "2027-04-19", "working": False},
        {"op": "add", "day": "2027-04-24", "working": True},
        {"op": "remove", "day": "2027-04-19", "working": False},
    ]


def test_only_an_administrator_changes_the_days(db: Database, admin: Actor,
                                                 officer: Actor, leader: Actor) -> None:
    for actor in (officer, leader):
        with pytest.raises(NotAllowed):
            days_off.add_announced_day(db, actor, date(2027, 4, 19), working=False)
    recorded = days_off.add_announced_day(db, admin, date(2027, 4, 19), working=False)
    with pytest.raises(NotAllowed):
        days_off.remove_announced_day(db, officer, recorded.id)
    assert days_off.announced_days(db, 2027) == [recorded]


def test_a_day_recorded_twice_or_that_changes_nothing_is_refused(
        db: Database, admin: Actor) -> None:
    days_off.add_announced_day(db, admin, date(2027, 4, 19), working=False)
    with pytest.raises(ValidationError) as twice:
        days_off.add_announced_day(db, admin, date(2027, 4, 19), working=False)
    assert twice.value.problems[0].message == (
        "Ngày 19/04/2027 đã được ghi là «Nghỉ thêm». Muốn đổi, hãy xóa dòng đó trước.")
    with pytest.raises(ValidationError) as weekday:
        days_off.add_announced_day(db, admin, date(2027, 4, 21), working=True)
    assert weekday.value.problems[0].message.startswith(
        "Thứ Tư 21/04/2027 vốn là ngày làm việc")
    with pytest.raises(ValidationError) as holiday:
        days_off.add_announced_day(db, admin, date(2027, 2, 8), working=False)
    assert holiday.value.problems[0].message.startswith("Thứ Hai 08/02/2027 vốn là ngày nghỉ")
    with pytest.raises(ValidationError):
        days_off.add_announced_day(db, admin, date(2027, 4, 20), working=False, note="x" * 201)
    assert len(days_off.announced_days(db, 2027)) == 1
    assert len(_day_changes(db)) == 1


@pytest.mark.sqlite_only("an older version's SQLite folder")
def test_upgrade_to_0015_keeps_an_encrypted_folders_cases(db: Database, admin: Actor) -> None:
    created = cases.create_case(db, admin, make_case(), today=TODAY)
    paths, data_key = db.paths, db.data_key
    db.dispose()
    engine = make_engine(paths.database, data_key)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0014")
    engine.dispose()
    again = open_unlocked(paths)
    try:
        assert current_revision(again.engine) == HEAD_REVISION
        assert cases.get_case(again, admin, created.id).data == created.data
        days_off.add_announced_day(again, admin, date(2027, 4, 19), working=False)
        assert not days_off.load_calendar(again).is_working_day(date(2027, 4, 19))
    finally:
        again.dispose()
