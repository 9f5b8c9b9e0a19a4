"""The audit log cannot be rewritten by whoever can open the database: every active account
holds the data key, so the tampering here is done as such a person would, with sqlcipher3
keyed with that key and the program's own hash recomputed; `check` must still find it.

With the administrators' key (an administrator's `check`) every MAC and the chain's current
key are recomputed; without it (any other account) the sequence numbers, the chain's state
and the anchors in the newest backup and frozen report are what give a deletion away.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, select

from app.cli import main
from app.db import Database, open_database
from app.db.engine import keyed_connection
from app.domain.periods import Period
from app.domain.report import ReportText
from app.models import AuditEntry
from app.paths import DataPaths
from app.security import keys
from app.services import accounts, audit, backup, cases, report_register, rotation, settings
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.demo import demo_office
from tests.conftest import ADMIN_PASSWORD, PASSWORD, TODAY, make_case
from tests.crash_writer import OLD_PASSWORD, old_register

GENESIS = "0" * 64


def _check(paths: DataPaths, username: str = "admin",
           password: str = ADMIN_PASSWORD) -> tuple[int, str]:
    """`check` on the command line, signed in as `username`: its exit code and errors."""
    err = io.StringIO()
    code = main(["--data-dir", str(paths.root), "--user", username, "--password-stdin",
                 "check"], stdin=io.StringIO(password + "\n"), stdout=io.StringIO(),
                stderr=err)
    return code, err.getvalue()


def _officer_check(paths: DataPaths) -> tuple[int, str]:
    return _check(paths, "canbo", PASSWORD)


class _Outside:
    """A DB-API connection opened outside the program: sqlcipher3 keyed with the data key
    on a data folder, psycopg with the login on a server. Statements are written with
    SQLite's `?` placeholders."""

    def __init__(self, connection: Any, on_server: bool) -> None:
        self.connection, self.on_server = connection, on_server

    def execute(self, statement: str, parameters: tuple[object, ...] = ()) -> Any:
        if self.on_server:
            statement = statement.replace("?", "%s")
        return self.connection.execute(statement, parameters)

    def tables(self) -> set[str]:
        listing = ("SELECT table_name FROM information_schema.tables "
                   "WHERE table_schema = current_schema()" if self.on_server
                   else "SELECT name FROM sqlite_master")
        return {name for (name,) in self.execute(listing)}


@contextmanager
def _tampering(db: Database) -> Iterator[_Outside]:
    """The database opened outside the program with the data key (any account's) or, on
    a server, the program's login; the program closed first; committed when the block
    ends."""
    data_key = db.data_key
    db.dispose()
    if db.paths.server is not None:
        import psycopg

        url = make_url(db.paths.server).set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
            yield _Outside(conn, on_server=True)
        return
    with closing(keyed_connection(db.paths.database, data_key)) as conn, conn:
        yield _Outside(conn, on_server=False)


def _rehash(conn: _Outside) -> None:
    """Every row's hash recomputed as the program computes it, from the first row."""
    prev_hash = GENESIS
    rows = conn.execute("SELECT id, at, username, action, entity, entity_uuid, detail "
                        "FROM audit_log ORDER BY id").fetchall()
    for row_id, at, *fields in rows:
        stored = at if isinstance(at, datetime) else datetime.fromisoformat(at)  # SQLite's text
        moment = stored.replace(tzinfo=UTC).isoformat()
        row_hash = hashlib.sha256(json.dumps([prev_hash, moment, *fields],
                                             ensure_ascii=False).encode()).hexdigest()
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                     (prev_hash, row_hash, row_id))
        prev_hash = row_hash


def _drop_newest(conn: _Outside, count: int) -> None:
    """The newest `count` rows deleted, and whatever says where the log ended made to
    agree with the newest row left."""
    conn.execute("DELETE FROM audit_log WHERE id > (SELECT MAX(id) FROM audit_log) - ?",
                 (count,))
    if "audit_chain" in conn.tables():
        conn.execute("UPDATE audit_chain SET sequence = (SELECT MAX(sequence) FROM audit_log), "
                     "mac = (SELECT mac FROM audit_log ORDER BY id DESC LIMIT 1)")


@pytest.fixture
def logged(db: Database, admin: Actor, officer: Actor) -> Database:
    for number in range(3):
        cases.create_case(db, officer, make_case(account=f"Trang {number}"), today=TODAY)
    return db


def test_a_row_rewritten_with_its_hashes_recomputed_is_found(logged: Database) -> None:
    paths = logged.paths
    with _tampering(logged) as conn:
        conn.execute("UPDATE audit_log SET username = 'admin' WHERE action = 'case_create'")
        _rehash(conn)
    code, err = _check(paths)
    assert code == 1 and "không khớp mã xác thực" in err, err


def test_deleting_the_newest_rows_is_found_with_the_administrators_key(
        logged: Database) -> None:
    paths = logged.paths
    with _tampering(logged) as conn:
        _drop_newest(conn, 2)
    code, err = _check(paths)
    assert code == 1 and "khóa hiện tại của nhật ký không khớp" in err, err


@pytest.mark.sqlite_only("backup and restore of a server database: not built yet (#16)")
def test_deleting_the_newest_rows_is_found_without_it_against_the_newest_backup(
        logged: Database, officer: Actor) -> None:
    paths = logged.paths
    backup.automatic_backup(logged, officer)  # its header anchors the log's newest row
    cases.create_case(logged, officer, make_case(account="Trang sau"), today=TODAY)
    with _tampering(logged) as conn:
        _drop_newest(conn, 4)  # back to before the backup
    code, err = _officer_check(paths)
    assert code == 1 and "các bản ghi mới nhất đã bị xóa" in err and "bản sao lưu «" in err, err


def test_deleting_the_newest_rows_is_found_without_it_against_the_newest_report(
        logged: Database, admin: Actor) -> None:
    settings.save_office(logged, admin, demo_office())
    report_register.send_report(logged, admin, Period.month(2026, 10),
                                ReportText("12", date(2026, 11, 3), "Báo cáo tháng."))
    paths = logged.paths
    with _tampering(logged) as conn:
        _drop_newest(conn, 3)  # back to before the report was frozen
    code, err = _officer_check(paths)
    assert code == 1 and "báo cáo số 12/" in err and "đã bị xóa" in err, err


def test_deleting_the_newest_rows_is_found_without_any_key_when_left_as_it_is(
        logged: Database) -> None:
    paths = logged.paths
    with _tampering(logged) as conn:
        conn.execute("DELETE FROM audit_log WHERE id > (SELECT MAX(id) FROM audit_log) - 2")
    code, err = _officer_check(paths)  # its sign-in is numbered after the rows deleted
    assert code == 1 and "có số thứ tự" in err and "(đã bị xóa)" in err, err


def test_a_gap_in_the_sequence_is_found_without_the_key(logged: Database) -> None:
    paths = logged.paths
    with _tampering(logged) as conn:
        conn.execute("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log) - 2")
        _rehash(conn)
    code, err = _officer_check(paths)
    assert code == 1 and "có số thứ tự" in err and "(đã bị xóa)" in err, err


def test_a_log_emptied_of_its_keyed_rows_and_state_is_found(logged: Database) -> None:
    """A folder made with the administrators' key keys its log from the first row: a log
    without the keyed chain is one whose chain was deleted, never one to start again."""
    paths = logged.paths
    with _tampering(logged) as conn:
        conn.execute("DELETE FROM audit_log")
        if "audit_chain" in conn.tables():
            conn.execute("DELETE FROM audit_chain")
    for check in (_check, _officer_check):
        code, err = check(paths)
        assert code == 1 and "mất trạng thái của nhật ký có khóa" in err, err


@pytest.mark.sqlite_only("backup and restore of a server database: not built yet (#16)")
def test_the_database_put_back_from_an_older_copy_is_found_against_the_newest_backup(
        logged: Database, officer: Actor, tmp_path: Path) -> None:
    """An older copy of the whole file is consistent in itself (its chain, its state): only
    an anchor kept outside it tells that the log went further."""
    paths = logged.paths
    logged.dispose()
    older = tmp_path / "ban-cu.sqlite3"
    shutil.copy(paths.database, older)
    again = open_database(paths)
    again.unlock(logged.data_key)
    cases.create_case(again, officer, make_case(account="Trang sau"), today=TODAY)
    backup.automatic_backup(again, officer)
    again.dispose()
    shutil.copy(older, paths.database)
    code, err = _check(paths)
    assert code == 1 and "bản sao lưu «" in err, err


def test_an_officers_rows_are_keyed_and_accepted_by_an_administrators_check(
        logged: Database) -> None:
    assert logged.admin_key is None  # the officer signed in last: his session has no A
    with logged.read() as session:
        rows = session.execute(select(AuditEntry.username, AuditEntry.sequence,
                                      AuditEntry.mac).order_by(AuditEntry.id)).all()
    assert [r.sequence for r in rows] == list(range(1, len(rows) + 1))
    assert [r for r in rows if r.username == "canbo"] and all(r.mac for r in rows)
    logged.dispose()
    assert _check(logged.paths) == (0, "")


@pytest.mark.sqlite_only("backup and restore of a server database: not built yet (#16)")
def test_a_restore_rolls_the_log_back_without_a_false_alarm(logged: Database, officer: Actor,
                                                              tmp_path: Path) -> None:
    """Backups made before a restore anchor the log the restore replaced."""
    admin = accounts.authenticate(logged, "admin", ADMIN_PASSWORD)
    earlier = backup.make_backup(logged, admin, tmp_path / "usb" / "truoc.svpbak")
    cases.create_case(logged, officer, make_case(account="Trang sau"), today=TODAY)
    backup.automatic_backup(logged, officer)  # in backups/: its anchor is further on
    backup.restore_backup(logged.paths, earlier.path, current=logged, actor=admin,
                          username=None, secret=None)
    assert _check(logged.paths) == (0, "")
    assert _officer_check(logged.paths) == (0, "")


def test_an_older_folders_log_is_taken_into_the_keyed_chain(paths: DataPaths) -> None:
    """The first sign-in of an administrator makes the administrators' key: the old rows
    are checked, and the keyed chain starts after them, their hashes under its first MAC."""
    old_register(paths, 3, "0005")
    db = open_database(paths)
    accounts.authenticate(db, "admin", OLD_PASSWORD)
    with db.read() as session:
        rows = session.execute(select(AuditEntry.action, AuditEntry.sequence,
                                      AuditEntry.detail).order_by(AuditEntry.id)).all()
    first = next(i for i, row in enumerate(rows) if row.sequence is not None)
    assert rows[first].action == AuditAction.AUDIT_CHAIN_START and rows[first].sequence == 1
    assert json.loads(rows[first].detail) == {"rows": first, "problems": 0}
    assert all(row.sequence is None for row in rows[:first])
    db.dispose()
    assert _check(paths, password=OLD_PASSWORD) == (0, "")
    again = open_database(paths)
    again.unlock(_data_key(paths))
    with _tampering(again) as conn:  # an old row, as anyone with the data key could
        conn.execute("UPDATE audit_log SET username = 'ke-gian' WHERE id = 2")
        _rehash(conn)
    code, err = _check(paths, password=OLD_PASSWORD)
    assert code == 1 and "đã bị sửa" in err, err


def _data_key(paths: DataPaths) -> bytes:
    from tests.crash_writer import data_key_of

    found = data_key_of(paths)
    assert found is not None
    return found


@pytest.mark.sqlite_only("replacing the keys re-encrypts the SQLite file and backs it up")
def test_replacing_the_keys_keeps_old_rows_checked_and_the_old_key_out(
        logged: Database, officer: Actor) -> None:
    """Replacing the keys (a leaver may have known them) replaces A: the rows after it are
    keyed from the new key only, the rows before are still checked with it."""
    admin = accounts.authenticate(logged, "admin", ADMIN_PASSWORD)
    old_key = logged.admin_key
    rotation.rotate_keys(logged, admin, ADMIN_PASSWORD, keys.new_recovery_key())
    new_key = logged.admin_key
    assert old_key is not None and new_key is not None and new_key != old_key
    cases.create_case(logged, officer, make_case(account="Trang sau"), today=TODAY)

    def problems(key: bytes) -> list[str]:
        with logged.read() as session:
            return audit.verify_chain(session, key, keyed=True)

    assert problems(new_key) == []
    assert problems(old_key)  # whoever knew the old key cannot key the new rows
    assert _check(logged.paths) == (0, "")
    with _tampering(logged) as conn:  # a row from before the replacement
        conn.execute("UPDATE audit_log SET username = 'ke-gian' WHERE id = 2")
        _rehash(conn)
    code, err = _check(logged.paths)
    assert code == 1 and "không khớp mã xác thực" in err, err


@pytest.mark.sqlite_only("backup and restore of a server database: not built yet (#16)")
def test_an_automatic_backup_leaves_no_spent_chain_key_in_the_files(db: Database,
                                                                    admin: Actor) -> None:
    """The write-ahead log keeps pages as they were, the chain's spent keys among them
    (`secure_delete` does not reach it): an automatic backup empties it."""
    from app.models import AuditChain
    from tests.cipher_pages import plain_database, plain_wal

    spent = []
    for number in range(20):
        with db.read() as session:
            spent.append(session.execute(select(AuditChain.key)).scalar_one())
        cases.create_case(db, admin, make_case(summary=f"Vụ {number}"), today=TODAY)
    wal = db.paths.database.with_name(db.paths.database.name + "-wal")
    assert any(key in plain_wal(wal, db.data_key) for key in spent)  # the trace is there
    backup.automatic_backup(db, admin)
    text = plain_wal(wal, db.data_key) + plain_database(db.paths.database, db.data_key)
    assert [key for key in spent if key in text] == []
