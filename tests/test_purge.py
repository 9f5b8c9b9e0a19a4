"""Purging deleted cases after their retention period leaves no trace of their text."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import event, func, select, update
from sqlalchemy.pool import ConnectionPoolEntry

from app.db import Database
from app.domain.case import ChildInput, DefamedInput
from app.domain.events import EventInput
from app.domain.vocabulary import EventKind
from app.errors import NotAllowed
from app.models import AuditEntry, Case, Child, DefamedParty, Event, Evidence
from app.models.base import utcnow
from app.services import audit, cases, events, evidence, purge, settings
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.search import CaseQuery, search_case_ids
from app.ui.admin import AdminScreen, purge_view
from app.ui.tasks import TaskRunner
from tests.conftest import TODAY, make_case

MARKER = "Zqxwvmarker"  # in the purged case's text, child, party, event and evidence
LATER = timedelta(days=400)  # past the default retention of 365 days


def _without_secure_delete(db: Database) -> None:
    """Connections that leave deleted bytes in place, as SQLite does by default on Windows
    (this Linux build zeroes them already, which would hide a missing erase)."""
    db.engine.dispose()

    def plain(dbapi_connection: object, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.execute("PRAGMA secure_delete = OFF")  # type: ignore[attr-defined]

    event.listen(db.engine, "connect", plain)


def _traces(db: Database) -> list[str]:
    """Files of the data folder's database, WAL and evidence store holding the marker."""
    needles = (MARKER.encode(), MARKER.lower().encode(), MARKER.encode("utf-16-le"))
    files = [db.paths.database, db.paths.database.with_name(db.paths.database.name + "-wal"),
             *db.paths.evidence.rglob("*")]
    return [p.name for p in files
            if p.is_file() and any(n in p.read_bytes() for n in needles)]


def _evidence_file(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_purged_case_leaves_no_trace_in_database_wal_or_evidence(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    _without_secure_delete(db)
    shared = _evidence_file(tmp_path / "tep", "chung.txt", "Ảnh chụp chung hai vụ việc")
    kept = cases.create_case(db, admin, make_case(account="Trang giữ lại"), today=TODAY)
    evidence.add_evidence(db, admin, kept.id, shared)
    doomed = cases.create_case(db, admin, make_case(
        group_code="TE", summary=f"Đăng ảnh cháu {MARKER} kèm địa chỉ nhà.",
        offender_name=f"Nguyễn {MARKER}", account=f"Trang {MARKER}",
        children=(ChildInput(f"Lê {MARKER}", 2014, school_class=f"Lớp 6A {MARKER}"),),
        secondary_groups=("DD",),
        defamed=(DefamedInput(f"Bà {MARKER}", words_complained=f"gọi là {MARKER}"),)),
        today=TODAY)
    events.add_event(db, admin, doomed.id, EventInput(
        EventKind.INVITE, TODAY, note=f"Mời anh {MARKER} làm việc"), today=TODAY)
    evidence.add_evidence(db, admin, doomed.id, shared)
    evidence.add_evidence(db, admin, doomed.id,
                          _evidence_file(tmp_path / "tep", "rieng.txt", f"Tin nhắn của {MARKER}"))
    cases.delete_case(db, admin, doomed.id, "Ghi trùng")
    with db.read() as session:
        files_before = session.execute(select(func.count(func.distinct(Evidence.sha256))))\
            .scalar_one()
    assert files_before == 2 and _traces(db)  # the marker is there to be found

    assert purge.find_expired(db, admin).count == 0  # deleted today: still restorable
    assert purge.purge_expired(db, admin) == purge.PurgeResult(cases=0, files=0)
    assert purge.find_expired(db, admin, now=utcnow() + LATER).count == 1

    assert purge.purge_expired(db, admin, now=utcnow() + LATER) == purge.PurgeResult(1, 1)

    assert _traces(db) == []
    assert db.paths.database.with_name(db.paths.database.name + "-wal").stat().st_size == 0
    with db.read() as session:
        for model in (Case, Child, DefamedParty, Event, Evidence):
            rows = session.execute(select(func.count()).select_from(model)).scalar_one()
            assert rows == (0 if model in (Child, DefamedParty, Event) else 1), model
        purges = list(session.execute(select(AuditEntry).where(
            AuditEntry.action == str(AuditAction.PURGE))).scalars())
        assert audit.verify_chain(session) == []
    assert [json.loads(p.detail)["cases"] for p in purges] == [0, 1]
    assert json.loads(purges[1].detail) == {"cases": 1, "codes": [doomed.code], "files": 1,
                                            "retention_days": 365}
    assert search_case_ids(db, CaseQuery(text=MARKER, deleted=True)) == []
    assert search_case_ids(db, CaseQuery(text="giu lai")) == [kept.id]
    db.dispose()
    assert _traces(db) == []


def test_the_retention_period_is_an_office_setting(db: Database, admin: Actor) -> None:
    settings.save_office(db, admin, dataclasses.replace(settings.load_office(db),
                                                        deleted_retention_days=30))
    case = cases.create_case(db, admin, make_case(), today=TODAY)
    cases.delete_case(db, admin, case.id, "Nhầm")
    expired = purge.find_expired(db, admin, now=utcnow() + timedelta(days=31))
    assert (expired.count, expired.retention_days) == (1, 30)
    assert expired.deleted_before == (utcnow() + timedelta(days=1)).astimezone().date()
    assert purge.find_expired(db, admin, now=utcnow() + timedelta(days=29)).count == 0


def test_only_administrators_purge(db: Database, leader: Actor) -> None:
    with pytest.raises(NotAllowed, match="xóa hẳn"):
        purge.purge_expired(db, leader)
    with pytest.raises(NotAllowed):
        purge.find_expired(db, leader)


def test_the_admin_screen_counts_confirms_and_purges(qtbot: QtBot, db: Database, admin: Actor,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:

    case = cases.create_case(db, admin, make_case(), today=TODAY)
    cases.delete_case(db, admin, case.id, "Ghi trùng")
    with db.write() as session:  # deleted long ago
        session.execute(update(Case).values(deleted_at=utcnow() - LATER))
    screen = AdminScreen(db, admin, TaskRunner(), lambda: None)
    qtbot.addWidget(screen)
    screen.show()
    screen.setCurrentWidget(screen.purge)
    view = screen.purge
    qtbot.waitUntil(lambda: view.purge_button.isEnabled())
    assert "Có 1 vụ việc đã xóa trước ngày" in view.summary.text()
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(purge_view.QMessageBox, "question", lambda *_: answers.pop(0))
    view.confirm_and_purge()  # "No": nothing happens
    assert search_case_ids(db, CaseQuery(deleted=True)) == [case.id]
    view.confirm_and_purge()
    qtbot.waitUntil(lambda: "Đã xóa hẳn 1 vụ việc" in view.feedback.text())
    qtbot.waitUntil(lambda: "Không có vụ việc nào" in view.summary.text())
    assert search_case_ids(db, CaseQuery(deleted=True)) == []
    assert not view.purge_button.isEnabled()
