"""Several programs writing one register at once: on a server (server mode) nothing but
the database arbitrates between them; on SQLite one writer is let in at a time. Either
way no case code is handed out twice and the audit log stays one chain."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from app.db import Database
from app.models import AuditEntry, Case
from app.services import integrity
from app.services.actor import Actor
from app.services.audit import AuditAction

WRITERS = 4
CASES_EACH = 25

# One writer: opens the register as the program does, waits for the others to be ready
# (the file GO), then adds its cases one transaction each, numbered automatically.
WRITER = """
import sys, time
from datetime import date
from pathlib import Path
from app.db import open_database
from app.paths import DataPaths
from app.services import cases
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
    cases.create_case(db, actor, make_case(account=f"Trang {{number}}-{{index}}"),
                      today=date(2026, 11, 20))
db.dispose()
"""


def test_four_programs_adding_cases_at_once_number_them_once_and_keep_one_chain(
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
    assert len(codes) == len(set(codes)) == WRITERS * CASES_EACH
    assert created == WRITERS * CASES_EACH
    report = integrity.check_data_folder(db, admin)
    assert report.problems == ()
