"""The database is opened durably and migrated, with a backup first."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_mock_engine, inspect, select, text

from app.db import Database, encryption, erase, open_database, storage
from app.db.engine import keyed_connection, make_engine
from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from app.models import Base, Case
from app.paths import DataPaths
from app.services import accounts, cases
from app.services.actor import Actor
from app.services.integrity import check_data_folder
from app.services.search import CaseQuery, SortKey, search_case_ids
from tests.conftest import TODAY, make_case, open_unlocked
from tests.crash_writer import OLD_PASSWORD, old_register


@pytest.mark.sqlite_only("SQLite's connection settings")
def test_connections_are_durable(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_migrated_schema_matches_the_models(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    for name, table in Base.metadata.tables.items():
        columns = {c["name"] for c in inspect(db.engine).get_columns(name)}
        assert {c.name for c in table.columns} == columns, name


def test_the_head_revision_known_without_alembic_is_alembics() -> None:
    # A new migration needs HEAD_REVISION moved to it, or every opening would migrate.
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


def test_opening_a_folder_at_head_does_not_load_alembic(db: Database, paths: DataPaths) -> None:
    data_key = db.data_key
    db.dispose()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from app.db import open_database\n"
        "from app.paths import DataPaths\n"
        f"db = open_database(DataPaths(Path({str(paths.root)!r}), {paths.server!r}))\n"
        f"db.unlock(bytes.fromhex({data_key.hex()!r}))\n"
        "assert 'alembic' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_reopening_at_head_makes_no_backup(db: Database, paths: DataPaths) -> None:
    db.dispose()
    again = open_unlocked(paths)
    assert current_revision(again.engine) is not None
    assert list(paths.backups.iterdir()) == []
    again.dispose()


def test_upgrade_from_revision_0002_keeps_data_backs_up_and_indexes_it(
        paths: DataPaths) -> None:
    """A register written by an older version, with cases in it, opens in this one: its
    first sign-in encrypts it, keeps encrypted copies from before, and upgrades it."""
    old_register(paths, 0, "0002")
    with closing(sqlite3.connect(paths.database)) as conn, conn:
        conn.execute(
            "INSERT INTO cases (id, uuid, code, detected_on, platform_code, account, group_code,"
            " summary, has_children, search_key, account_key, created_at, created_by,"
            " updated_at, updated_by, version) VALUES (1, 'u-1', 'CU-1', '2026-03-01', 'FB',"
            " 'Trang cũ', 'TG', 'Tin giả cũ', 0, 'cu-1 | trang cu | tin gia cu', 'trang cu',"
            " '2026-03-01 00:00:00', 'x', '2026-03-01 00:00:00', 'x', 1)")
    db = open_database(paths)
    accounts.authenticate(db, "admin", OLD_PASSWORD)
    assert current_revision(db.engine) == HEAD_REVISION
    assert search_case_ids(db, CaseQuery(text="tin gia cu")) == [1]
    assert not encryption.is_plain(paths.database)
    names = sorted(p.name for p in paths.backups.iterdir())
    assert len(names) == 2 and names[0].startswith("truoc-ma-hoa-") \
        and names[1].startswith("truoc-nang-cap-0002-"), names
    for copy in paths.backups.iterdir():
        with closing(keyed_connection(copy, db.data_key)) as conn:
            assert conn.execute("SELECT code FROM cases").fetchall() == [("CU-1",)]
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(copy).execute("SELECT code FROM cases")
    db.dispose()


@pytest.mark.sqlite_only("an older version's SQLite folder")
def test_upgrade_to_0009_keeps_an_encrypted_folders_cases_dated_by_their_detection(
        db: Database, admin: Actor) -> None:
    """Cases recorded before the posting dates existed: their act's date is their detection
    date, as the rule says while the posting date is unknown."""
    created = [cases.create_case(db, admin, make_case(detected_on=date(2026, 3, day)),
                                 today=TODAY) for day in (1, 2)]
    paths, data_key = db.paths, db.data_key
    db.dispose()
    engine = make_engine(paths.database, data_key)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
    engine.dispose()
    again = open_unlocked(paths)
    try:
        assert current_revision(again.engine) == HEAD_REVISION
        [backup] = paths.backups.iterdir()
        assert backup.name.startswith("truoc-nang-cap-0008-")
        with again.read() as session:
            assert session.execute(select(Case.code, Case.posted_on, Case.posted_until,
                                          Case.act_on).order_by(Case.id)).all() == [
                (c.code, None, None, c.data.detected_on) for c in created]
        assert [cases.get_case(again, admin, c.id).data for c in created] == [
            c.data for c in created]
        assert search_case_ids(again, CaseQuery(text=created[0].code.lower())) == [created[0].id]
    finally:
        again.dispose()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(paths.database).execute("SELECT code FROM cases").fetchall()


@pytest.mark.sqlite_only("an older version's SQLite folder")
def test_upgrade_to_0014_keeps_an_encrypted_folders_cases_sorted_in_vietnamese(
        db: Database, admin: Actor) -> None:
    """Cases recorded before the collation keys get theirs: the list sorts them in
    Vietnamese order at once."""
    created = [cases.create_case(db, admin, make_case(area=area, offender_name=name),
                                 today=TODAY)
               for area, name in (("Khu phố 1", "Trần Văn Bình"), ("Ấp Bắc", "Lê An"))]
    paths, data_key = db.paths, db.data_key
    db.dispose()
    engine = make_engine(paths.database, data_key)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0011")
    engine.dispose()
    again = open_unlocked(paths)
    try:
        assert current_revision(again.engine) == HEAD_REVISION
        in_order = [created[1].id, created[0].id]
        for key in (SortKey.AREA, SortKey.OFFENDER):
            assert search_case_ids(again, CaseQuery(sort=key, descending=False)) == in_order
        assert [cases.get_case(again, admin, c.id).data for c in created] == [
            c.data for c in created]
    finally:
        again.dispose()


@pytest.mark.sqlite_only("the SQLCipher file")
def test_the_database_is_encrypted_and_private(db: Database, admin: Actor) -> None:
    cases.create_case(db, admin, make_case(account="Trang Dấu Vết Riêng"), today=TODAY)
    files = [db.paths.database, db.paths.database.with_name("sovipham.sqlite3-wal")]
    for path in files:
        assert "Dấu Vết".encode() not in path.read_bytes()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(db.paths.database).execute("SELECT * FROM sqlite_master").fetchall()
    assert stat.S_IMODE(db.paths.root.stat().st_mode) == 0o700
    for path in [*files, db.paths.keys]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_models_and_migrations_agree(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from app.db.text_index import is_text_index

    def include(obj: object, name: str | None, type_: str, *_: object) -> bool:
        return not (name is not None and is_text_index(type_, name))

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include})
        assert compare_metadata(context, Base.metadata) == []


def test_another_engine_is_refused_plainly_until_app_db_implements_it(tmp_path: Path) -> None:
    server = create_mock_engine("mysql://sovipham@may-chu/sovipham", lambda *_a: None)
    for run in (lambda: storage.copy_database(server, tmp_path / "ban-sao", bytes(32)),
                lambda: storage.storage_problems(server),
                lambda: erase.rewrite_without_free_space(server)):
        with pytest.raises(storage.UnsupportedEngine, match="'mysql'"):
            run()


@pytest.mark.sqlite_only("a copy of the SQLite file")
def test_a_copy_is_checked_and_a_file_that_is_no_database_is_a_problem(
        db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "ban-chup"
    with storage.snapshot(db.engine, folder, db.data_key) as copy, \
            storage.opened_copy(copy.path, db.data_key) as engine:
        copy.checked()
        assert storage.storage_problems(engine) == []
        assert current_revision(engine) == HEAD_REVISION
    assert list(folder.iterdir()) == []  # the snapshot goes with its block
    garbage = folder / "khong-phai.sqlite3"
    garbage.write_bytes(b"x" * 4096)
    with storage.opened_copy(garbage, db.data_key) as engine:
        assert storage.storage_problems(engine) == [
            "Cơ sở dữ liệu hỏng: file is not a database"]


def test_an_older_folders_plain_copies_are_encrypted_and_a_damaged_one_is_named_by_check(
        paths: DataPaths) -> None:
    old_register(paths, 0, "0005")
    upgrade = paths.backups / "truoc-nang-cap-0004-20260101-080000.sqlite3"
    shutil.copy(paths.database, upgrade)
    damaged = paths.backups / "truoc-khoi-phuc-20260102-080000" / "sovipham.sqlite3"
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(encryption.PLAIN_HEADER + b"\x00" * 100)  # plain, unreadable
    db = open_database(paths)
    admin = accounts.authenticate(db, "admin", OLD_PASSWORD)
    try:
        assert not encryption.is_plain(upgrade) and encryption.is_plain(damaged)
        problems = check_data_folder(db, admin).problems
        assert [p for p in problems if "chưa mã hóa" in p] == [
            f"Bản sao cơ sở dữ liệu chưa mã hóa (bị hỏng nên không mã hóa được): {damaged}. "
            "Hãy xem lại rồi xóa tệp này khi không còn cần."]
    finally:
        db.dispose()
