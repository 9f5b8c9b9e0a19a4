"""The database is opened durably and migrated, with a backup first."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_mock_engine, inspect, text

from app.db import Database, erase, open_database, storage
from app.db.database import make_engine
from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from app.models import Base
from app.paths import DataPaths
from app.services.search import CaseQuery, search_case_ids


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
    db.dispose()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from app.db import open_database\n"
        "from app.paths import DataPaths\n"
        f"open_database(DataPaths(Path({str(paths.root)!r})))\n"
        "assert 'alembic' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_reopening_at_head_makes_no_backup(db: Database, paths: DataPaths) -> None:
    db.dispose()
    again = open_database(paths)
    assert current_revision(again.engine) is not None
    assert list(paths.backups.iterdir()) == []
    again.dispose()


def test_upgrade_from_revision_0002_keeps_data_backs_up_and_indexes_it(
        paths: DataPaths) -> None:
    """A register written by the previous version, with cases in it, opens in this one."""
    paths.create()
    engine = make_engine(paths)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO cases (id, uuid, code, detected_on, platform_code, account, group_code,"
            " summary, has_children, search_key, account_key, created_at, created_by,"
            " updated_at, updated_by, version) VALUES (1, 'u-1', 'CU-1', '2026-03-01', 'FB',"
            " 'Trang cũ', 'TG', 'Tin giả cũ', 0, 'cu-1 | trang cu | tin gia cu', 'trang cu',"
            " '2026-03-01 00:00:00', 'x', '2026-03-01 00:00:00', 'x', 1)"))
    engine.dispose()
    db = open_database(paths)
    assert current_revision(db.engine) == ScriptDirectory.from_config(config).get_current_head()
    assert search_case_ids(db, CaseQuery(text="tin gia cu")) == [1]
    backups = list(paths.backups.iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("truoc-nang-cap-0002-")
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT code FROM cases").fetchall() == [("CU-1",)]
    db.dispose()


def test_models_and_migrations_agree(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from app.db.text_index import is_index_table

    def include(obj: object, name: str | None, type_: str, *_: object) -> bool:
        return not (type_ == "table" and name is not None and is_index_table(name))

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include})
        assert compare_metadata(context, Base.metadata) == []


def test_another_engine_is_refused_plainly_until_app_db_implements_it(tmp_path: Path) -> None:
    server = create_mock_engine("postgresql://sovipham@may-chu/sovipham", lambda *_a: None)
    for run in (lambda: storage.copy_database(server, tmp_path / "ban-sao"),
                lambda: storage.storage_problems(server),
                lambda: erase.rewrite_without_free_space(server)):
        with pytest.raises(storage.UnsupportedEngine, match="'postgresql'"):
            run()


def test_a_copy_is_checked_and_a_file_that_is_no_database_is_a_problem(
        db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "ban-chup"
    with storage.snapshot(db.engine, folder) as copy, storage.opened_copy(copy) as engine:
        assert storage.storage_problems(engine) == []
        assert current_revision(engine) == HEAD_REVISION
    assert list(folder.iterdir()) == []  # the snapshot goes with its block
    garbage = folder / "khong-phai.sqlite3"
    garbage.write_bytes(b"x" * 4096)
    with storage.opened_copy(garbage) as engine:
        assert storage.storage_problems(engine) == [
            "Cơ sở dữ liệu hỏng: file is not a database"]
