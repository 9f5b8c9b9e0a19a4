"""The full check of a backup's snapshot and of `check` (SQLite's integrity check, indexes
against their tables, and the foreign keys), run on connections whose page cache holds the
whole database: a damage only that check finds still stops a backup and is named by
`check`, also when the check ends after the archive was written (they run side by side),
the open register's connections keep their own settings, and a backup cancelled part-way
leaves nothing behind."""

from __future__ import annotations

import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.db import Database, open_database, storage
from app.db.engine import keyed_connection
from app.errors import DataFolderError
from app.models import AuditEntry, Case
from app.progress import Cancelled, CancelToken
from app.services import backup, cases
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.integrity import check_data_folder
from tests.conftest import TODAY, make_case

ON_THE_FILE = "the data folder's SQLite file"


def _index_out_of_step(db: Database, admin: Actor) -> tuple[Database, str]:
    """`db` reopened after one index of `cases` was made to disagree with its table (its
    definition names another column than the entries it holds), and the index's name. A
    page-level check (`quick_check`, SQLCipher's `cipher_integrity_check`) finds nothing:
    only the full integrity check compares an index with its table."""
    for number in range(3):
        cases.create_case(db, admin, make_case(account=f"Tài khoản {number}"),
                          today=TODAY)
    data_key = db.data_key
    db.dispose()
    with closing(keyed_connection(db.paths.database, data_key)) as connection:
        name, sql = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'cases' AND sql LIKE '%(area)'").fetchone()
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?",
                           (sql.replace("(area)", "(summary)"), name))
        connection.commit()
    with closing(keyed_connection(db.paths.database, data_key)) as connection:
        assert connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    reopened = open_database(db.paths)
    reopened.unlock(data_key)
    return reopened, name


def _backups_logged(db: Database) -> int:
    with db.read() as session:
        return session.execute(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == AuditAction.BACKUP)).scalar_one()


@pytest.mark.sqlite_only(ON_THE_FILE)
def test_an_index_out_of_step_with_its_table_stops_a_backup_and_check_names_it(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    damaged, index = _index_out_of_step(db, admin)
    try:
        target = tmp_path / "usb" / "ban-sao.svpbak"
        with pytest.raises(DataFolderError, match="Không sao lưu") as refused:
            backup.make_backup(damaged, admin, target)
        assert index in refused.value.message
        assert list(target.parent.iterdir()) == []
        assert list(damaged.paths.backups.iterdir()) == []  # the snapshot went with it
        assert _backups_logged(damaged) == 0
        report = check_data_folder(damaged, admin)
        assert any(index in problem for problem in report.problems)
    finally:
        damaged.dispose()


@pytest.mark.sqlite_only(ON_THE_FILE)
def test_a_check_that_ends_after_the_archive_is_written_still_refuses_the_backup(
        db: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    damaged, index = _index_out_of_step(db, admin)
    written = threading.Event()
    check = storage._file_problems

    def after_the_archive(connection: Any) -> list[str]:
        # Bounded wait: the archive is sealed meanwhile on the thread that made the copy.
        seen.append(written.wait(timeout=60))
        return check(connection)

    def progress(done: int, total: int) -> None:
        if done == total:
            written.set()

    seen: list[bool] = []
    monkeypatch.setattr(storage, "_file_problems", after_the_archive)
    try:
        target = tmp_path / "usb" / "ban-sao.svpbak"
        with pytest.raises(DataFolderError, match="Không sao lưu") as refused:
            backup.make_backup(damaged, admin, target, progress=progress)
        assert seen == [True]  # the whole archive was written before the check ended
        assert index in refused.value.message
        assert list(target.parent.iterdir()) == []  # nor its part file
        assert list(damaged.paths.backups.iterdir()) == []
        assert _backups_logged(damaged) == 0
    finally:
        damaged.dispose()


@pytest.mark.sqlite_only("the SQLite connection's page cache")
def test_check_leaves_the_open_registers_connection_with_its_own_cache(
        db: Database, admin: Actor) -> None:
    def cache_size() -> int:
        with db.engine.connect() as connection:
            return int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())

    before = cache_size()
    assert check_data_folder(db, admin).ok
    assert cache_size() == before


def test_a_backup_cancelled_part_way_leaves_no_file_and_no_log_row(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    cases.create_case(db, admin, make_case(), today=TODAY)
    token = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        token.cancel()  # from the first part written on

    target = tmp_path / "usb" / "ban-sao.svpbak"
    with pytest.raises(Cancelled):
        backup.make_backup(db, admin, target, progress=progress, token=token)
    assert seen  # it was cancelled while writing, not before
    assert list(target.parent.iterdir()) == []
    assert list(db.paths.backups.iterdir()) == []
    assert _backups_logged(db) == 0
    assert backup.make_backup(db, admin, target).path == target  # and nothing is in the way


def _cases_in(connection: Any) -> int:
    return int(connection.execute("SELECT count(*) FROM cases").fetchone()[0])


@pytest.mark.sqlite_only(ON_THE_FILE)
def test_a_case_saved_while_the_copy_is_made_is_neither_copied_nor_checked(
        db: Database, admin: Actor, officer: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    """The register is checked while it is copied, both at the state in which they began:
    a case committed between their start and the copy is in neither."""
    cases.create_case(db, officer, make_case(), today=TODAY)
    backup_of, check = storage._backup, storage._file_problems
    checked: list[int] = []

    def saved_then_copied(source: Any, *args: Any, **kwargs: Any) -> Any:
        cases.create_case(db, officer, make_case(), today=TODAY)
        return backup_of(source, *args, **kwargs)

    def counted_then_checked(connection: Any) -> list[str]:
        checked.append(_cases_in(connection))
        return check(connection)

    monkeypatch.setattr(storage, "_backup", saved_then_copied)
    monkeypatch.setattr(storage, "_file_problems", counted_then_checked)
    with storage.snapshot(db.engine, db.paths.backups, db.data_key) as copy:
        copy.checked()
        with closing(keyed_connection(copy.path, db.data_key)) as connection:
            assert _cases_in(connection) == 1
    assert checked == [1]
    with db.read() as session:
        assert session.execute(select(func.count()).select_from(Case)).scalar_one() == 2


@pytest.mark.sqlite_only(ON_THE_FILE)
@pytest.mark.parametrize("writing", [False, True], ids=["alone", "beside-a-writer"])
def test_a_snapshot_is_checked_whether_or_not_another_connection_is_writing(
        db: Database, admin: Actor, writing: bool) -> None:
    """Another connection in the middle of a write (its lock held, nothing committed): the
    copy is made and checked after it is written instead; a sound copy holds the committed
    cases only, an index out of step is found either way."""
    damaged, index = _index_out_of_step(db, admin)
    try:
        with closing(keyed_connection(damaged.paths.database, damaged.data_key)) as other:
            other.isolation_level = None
            if writing:
                other.execute("BEGIN IMMEDIATE")
                other.execute("CREATE TABLE uncommitted (x)")  # not in the copy
            with storage.snapshot(damaged.engine, damaged.paths.backups,
                                  damaged.data_key) as copy:
                with pytest.raises(storage.DamagedCopy) as found:
                    copy.checked()
                with closing(keyed_connection(copy.path, damaged.data_key)) as connection:
                    assert _cases_in(connection) == 3
                    assert connection.execute("SELECT count(*) FROM sqlite_master "
                                              "WHERE name = 'uncommitted'").fetchone() == (0,)
            if writing:
                other.execute("ROLLBACK")
        assert any(index in problem for problem in found.value.problems)
    finally:
        damaged.dispose()
