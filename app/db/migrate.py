"""Apply Alembic migrations when a data folder is opened, after a backup copy.

Alembic loads only when the schema is behind: at an ordinary opening one query compares
the stored revision with `HEAD_REVISION` (Alembic and its modules weigh ~14 MB).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError

from app.db import erase
from app.db.copies import PARTIAL, UPGRADE_PREFIX
from app.errors import DataFolderError
from app.paths import DataPaths

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions (a test checks that it is Alembic's head).
HEAD_REVISION = "0006"

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision stored in the database, None for a database without a schema."""
    with engine.connect() as conn:
        if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                "AND name = 'alembic_version'").first() is None:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row is not None else None


def upgrade_to_head(engine: Engine, paths: DataPaths) -> None:
    try:
        current = current_revision(engine)
    except DatabaseError as exc:
        raise DataFolderError(
            f"Tệp cơ sở dữ liệu {paths.database} bị hỏng hoặc không phải của chương trình này."
        ) from exc
    if current == HEAD_REVISION:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    script = ScriptDirectory.from_config(config)
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
    if current is not None:
        # A migration may rewrite personal text (0006 strips it from the audit log): the
        # old text must not linger in free pages or the write-ahead log.
        erase.rewrite_without_free_space(engine)


def backup_before_migration(paths: DataPaths, revision: str) -> Path:
    """A consistent copy of the database taken with SQLite's online backup API.

    It is written under a temporary name and renamed once complete: a crash part-way
    leaves no half copy that looks like a backup (and the next opening removes it,
    `copies.remove_leftovers`)."""
    paths.backups.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = paths.backups / f"{UPGRADE_PREFIX}{revision}-{stamp}.sqlite3"
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
