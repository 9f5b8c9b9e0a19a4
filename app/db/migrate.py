"""Apply Alembic migrations when a data folder is opened, after a backup copy.

Alembic loads only when the schema is behind: at an ordinary opening one query compares
the stored revision with `HEAD_REVISION` (Alembic and its modules weigh ~14 MB).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError

from app.db import erase, storage
from app.db.copies import PARTIAL, UPGRADE_PREFIX
from app.db.schema import alembic_config, changing_schema, migrate, stored_revision
from app.errors import DataFolderError
from app.paths import DataPaths

# The newest revision in migrations/versions (a test checks that it is Alembic's head).
HEAD_REVISION = "0029"


def current_revision(engine: Engine) -> str | None:
    """The revision stored in the database, None for a database without a schema."""
    with engine.connect() as conn:
        return stored_revision(conn)


def upgrade_to_head(engine: Engine, paths: DataPaths, data_key: bytes) -> None:
    try:
        current = current_revision(engine)
    except DatabaseError as exc:
        raise DataFolderError(
            f"Tệp cơ sở dữ liệu {paths.database} bị hỏng, không phải của chương trình này "
            "hoặc không khớp với tệp khóa của thư mục."
        ) from exc
    if current == HEAD_REVISION:
        return
    if current is not None:
        if not known_revision(current):
            raise DataFolderError(
                "Thư mục dữ liệu này được tạo bởi một phiên bản mới hơn của chương trình. "
                "Hãy cài phiên bản mới nhất rồi mở lại."
            )
        backup_before_migration(engine, paths, current, data_key)
    with changing_schema(engine) as conn:
        migrate(conn)
    if current is not None:
        # A migration may rewrite personal text (0006 strips it from the audit log): the
        # old text must not linger in free pages or the write-ahead log.
        erase.rewrite_without_free_space(engine)


def known_revision(revision: str) -> bool:
    """Whether this version's migrations know `revision` (a newer version's is unknown)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return revision in {rev.revision for rev in script.walk_revisions()}


def backup_before_migration(engine: Engine, paths: DataPaths, revision: str,
                            data_key: bytes) -> Path:
    """A consistent copy of the database (`storage.copy_database`), encrypted as it is; a
    server's into an encrypted file in this PC's backups/ like a data folder's.

    It is written under a temporary name and renamed once complete: a crash part-way
    leaves no half copy that looks like a backup (and the next opening removes it,
    `copies.remove_leftovers`)."""
    paths.backups.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = paths.backups / f"{UPGRADE_PREFIX}{revision}-{stamp}.sqlite3"
    partial = target.with_name(target.name + PARTIAL)
    storage.copy_database(engine, partial, data_key)
    os.replace(partial, target)
    return target
