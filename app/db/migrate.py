"""Apply Alembic migrations when a data folder is opened, after a backup copy."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError

from app.errors import DataFolderError
from app.paths import DataPaths

MIGRATIONS = Path(__file__).with_name("migrations")
PARTIAL = ".dang-chep"  # the suffix of a backup copy being written


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine, paths: DataPaths) -> None:
    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    try:
        current = current_revision(engine)
    except DatabaseError as exc:
        raise DataFolderError(
            f"Tệp cơ sở dữ liệu {paths.database} bị hỏng hoặc không phải của chương trình này."
        ) from exc
    if current == head:
        return
    if current is not None:
        known = {rev.revision for rev in script.walk_revisions()}
        if current not in known:
            raise DataFolderError(
                "Thư mục dữ liệu này được tạo bởi một phiên bản mới hơn của chương trình. "
                "Hãy cài phiên bản mới nhất rồi mở lại."
            )
        backup_before_migration(paths, current)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def backup_before_migration(paths: DataPaths, revision: str) -> Path:
    """A consistent copy of the database taken with SQLite's online backup API.

    It is written under a temporary name and renamed once complete: a crash part-way
    leaves no half copy that looks like a backup (and the next opening cleans it up)."""
    paths.backups.mkdir(parents=True, exist_ok=True)
    for leftover in paths.backups.glob(f"*{PARTIAL}*"):
        leftover.unlink()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = paths.backups / f"truoc-nang-cap-{revision}-{stamp}.sqlite3"
    partial = target.with_name(target.name + PARTIAL)
    source = sqlite3.connect(paths.database)
    try:
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    os.replace(partial, target)
    return target
