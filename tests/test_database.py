"""The database is opened durably and migrated, with a backup first."""

from __future__ import annotations

import sqlite3

from sqlalchemy import inspect, text

from app.db import Database, open_database
from app.db import migrate as migrate_module
from app.db.migrate import current_revision
from app.models import Base
from app.paths import DataPaths


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


def test_reopening_at_head_makes_no_backup(db: Database, paths: DataPaths) -> None:
    db.dispose()
    again = open_database(paths)
    assert current_revision(again.engine) is not None
    assert list(paths.backups.iterdir()) == []
    again.dispose()


def test_an_older_database_is_backed_up_before_it_is_migrated(
    db: Database, paths: DataPaths, monkeypatch: object
) -> None:
    head = current_revision(db.engine)
    db.dispose()
    # Pretend the file was written at an earlier revision that the scripts still know.
    with sqlite3.connect(paths.database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'older'")
    calls: list[str] = []

    def fake_upgrade(config: object, revision: str) -> None:
        calls.append(revision)

    import alembic.command
    import alembic.script

    original_walk = alembic.script.ScriptDirectory.walk_revisions

    def walk_with_older(self: alembic.script.ScriptDirectory, *args: object,
                        **kwargs: object) -> list[object]:
        known = list(original_walk(self, *args, **kwargs))
        return [*known, type("Rev", (), {"revision": "older"})()]

    monkeypatch.setattr(alembic.script.ScriptDirectory, "walk_revisions",  # type: ignore[attr-defined]
                        walk_with_older)
    monkeypatch.setattr(alembic.command, "upgrade", fake_upgrade)  # type: ignore[attr-defined]
    monkeypatch.setattr(migrate_module.command, "upgrade", fake_upgrade)  # type: ignore[attr-defined]
    reopened = open_database(paths)
    reopened.dispose()
    backups = list(paths.backups.iterdir())
    assert calls == ["head"] and len(backups) == 1
    assert backups[0].name.startswith("truoc-nang-cap-older-")
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    assert head is not None
