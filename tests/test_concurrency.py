"""Several programs writing one register at once: on a server (server mode) nothing but
the database arbitrates between them; on SQLite one writer is let in at a time. Either
way no case code is handed out twice, the audit log stays one chain, a case saved on
two PCs at once is saved once (the second is told), and on a server a connection dropped
in the middle of a save leaves nothing half-saved and the next save reconnects."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.pool import NullPool

from app.db import Database, open_database
from app.db.engine import LOST_CONNECTION
from app.errors import ConcurrentEditError, DataFolderError
from app.models import AuditEntry, Case, Event
from app.services import cases, integrity
from app.services.actor import Actor
from app.services.audit import AuditAction
from tests.conftest import TODAY, make_case

WRITERS = 4
CASES_EACH = 50

# One writer: opens the register as the program does, waits for the others to be ready
# (the file GO), then adds its cases one transaction each, numbered automatically, and an
# event to each (another transaction).
WRITER = """
import sys, time
from datetime import date
from pathlib import Path
from app.db import open_database
from app.paths import DataPaths
from app.domain.events import EventInput
from app.services import cases, events
from app.services.actor import Actor
from app.domain.labels import Role
from tests.conftest import make_case

root, server, key, go, number, count = sys.argv[1:7]
db = open_database(DataPaths(Path(root), server or None))
db.unlock(bytes.fromhex(key))
actor = Actor({user_id}, {username!r}, "Cán bộ", Role.OFFICER)
Path(root, f"ready-{{number}}").touch()
while not Path(go).exists():
    time.sleep(0.01)
for index in range(int(count)):
    case = cases.create_case(db, actor, make_case(account=f"Trang {{number}}-{{index}}"),
                             today=date(2026, 11, 20))
    events.add_event(db, actor, case.id, EventInput("GB", date(2026, 11, 2)),
                     today=date(2026, 11, 20))
db.dispose()
"""


@pytest.mark.slow
def test_four_programs_adding_cases_and_events_at_once_number_them_once_and_keep_one_chain(
        db: Database, officer: Actor, admin: Actor, tmp_path: Path) -> None:
    go = tmp_path / "go"
    code = WRITER.format(user_id=officer.user_id, username=officer.username)
    root = Path(__file__).resolve().parent.parent
    writers = [subprocess.Popen(
        [sys.executable, "-c", code, str(db.paths.root), db.paths.server or "",
         db.data_key.hex(), str(go), str(number), str(CASES_EACH)], cwd=root)
        for number in range(WRITERS)]
    try:
        while len(list(db.paths.root.glob("ready-*"))) < WRITERS:
            assert all(w.poll() is None for w in writers), "a writer ended before starting"
            time.sleep(0.05)
        go.touch()
        assert [w.wait(timeout=300) for w in writers] == [0] * WRITERS
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
    with db.read() as session:
        codes = session.execute(select(Case.code)).scalars().all()
        created = session.execute(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == AuditAction.CASE_CREATE)).scalar_one()
        added = session.execute(select(func.count(Event.id))).scalar_one()
    assert len(codes) == len(set(codes)) == WRITERS * CASES_EACH
    assert created == added == WRITERS * CASES_EACH
    report = integrity.check_data_folder(db, admin)
    assert report.problems == ()


def _second_pc(db: Database) -> Database:
    """The same register opened by another program (another PC): its own engine and pool."""
    other = open_database(db.paths)
    other.unlock(db.data_key)
    return other


def _wait_for_lock_wait(db: Database) -> None:
    """On a server, until a session of the register waits for a row another holds (SQLite
    has one writer at a time: its second writer waits at BEGIN, nothing to watch)."""
    if db.paths.server is None:
        return
    probe = create_engine(make_url(db.paths.server).set(drivername="postgresql+psycopg"),
                          poolclass=NullPool)
    try:
        with probe.connect() as conn:
            while not conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'")).scalar_one():
                time.sleep(0.02)
    finally:
        probe.dispose()


def test_one_case_saved_on_two_pcs_at_once_is_saved_once_and_the_second_is_told(
        db: Database, officer: Actor, leader: Actor) -> None:
    created = cases.create_case(db, officer, make_case(), today=TODAY)
    other = _second_pc(db)
    refused: list[BaseException] = []

    def officer_saves() -> None:
        try:
            cases.update_case(db, officer, created.id,
                              dataclasses.replace(created.data, notes="Cán bộ"),
                              expected_version=created.version, today=TODAY)
        except BaseException as exc:
            refused.append(exc)

    try:
        # The leader's save on the other PC has written the case and not yet committed
        # when the officer saves the version both opened.
        with other.write() as session:
            case = cases.load_case(session, created.id, for_update=True)
            case.notes = "Lãnh đạo"
            case.updated_by = leader.username
            session.flush()
            saving = threading.Thread(target=officer_saves)
            saving.start()
            _wait_for_lock_wait(db)
        saving.join(timeout=60)
    finally:
        other.dispose()
    assert len(refused) == 1 and isinstance(refused[0], ConcurrentEditError), refused
    assert "lanhdao" in str(refused[0])
    assert cases.get_case(db, officer, created.id).data.notes == "Lãnh đạo"


def test_a_connection_dropped_mid_save_saves_nothing_and_the_next_save_reconnects(
        db: Database, officer: Actor, admin: Actor) -> None:
    if db.paths.server is None:
        pytest.skip("server mode only")
    url = make_url(db.paths.server).set(drivername="postgresql+psycopg")
    holder = create_engine(url, poolclass=NullPool)
    failed: list[BaseException] = []

    def officer_adds() -> None:
        try:
            cases.create_case(db, officer, make_case(account="Trang mất kết nối"), today=TODAY)
        except BaseException as exc:
            failed.append(exc)

    try:
        with holder.connect() as conn:
            # Another program holds the audit chain: the officer's save has written its
            # case and waits to write its audit row when its connection is dropped.
            conn.execute(text("SELECT * FROM audit_chain FOR UPDATE"))
            saving = threading.Thread(target=officer_adds)
            saving.start()
            _wait_for_lock_wait(db)
            with holder.connect() as killer:
                killer.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                    "current_database() AND wait_event_type = 'Lock'"))
            saving.join(timeout=60)
            conn.rollback()
    finally:
        holder.dispose()
    assert len(failed) == 1 and isinstance(failed[0], DataFolderError), failed
    assert failed[0].message == LOST_CONNECTION
    with db.read() as session:
        assert session.execute(select(func.count(Case.id))).scalar_one() == 0
    # The next save gets a new connection.
    again = cases.create_case(db, officer, make_case(account="Trang sau khi nối lại"),
                              today=TODAY)
    assert cases.get_case(db, officer, again.id).data.account == "Trang sau khi nối lại"
    assert integrity.check_data_folder(db, admin).problems == ()
