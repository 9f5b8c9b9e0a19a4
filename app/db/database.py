"""The SQLite engine with durable settings, and sessions for reading and writing.

SQLite is the embedded default. Everything SQLite-specific stays in this package (this
file, `storage.py`, `text_index.py`, `erase.py`) so that a server database can be added
later without touching the services.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from app.errors import DataFolderError
from app.paths import DataPaths

BUSY_TIMEOUT_MS = 10_000


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself, so that DDL runs inside real
    # transactions too (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    # Deleted and overwritten rows (a child's name corrected, a case purged) are zeroed
    # on disk instead of lingering in free pages.
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


def _on_begin(conn: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that later
    # upgrades can fail at once with "database is locked" instead of waiting.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@dataclass
class Database:
    paths: DataPaths
    engine: Engine
    # The data key, once an account has signed in (kept out of repr and logs).
    _data_key: bytes | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._writer() as session, session.begin():
            yield session

    def unlock(self, data_key: bytes) -> None:
        self._data_key = data_key

    @property
    def unlocked(self) -> bool:
        return self._data_key is not None

    @property
    def data_key(self) -> bytes:
        """The key that encrypts evidence files and backups."""
        if self._data_key is None:
            raise DataFolderError(
                "Tài khoản này chưa có khóa mở dữ liệu đã mã hóa (tệp chứng cứ, bản sao lưu). "
                "Hãy nhờ quản trị đặt lại mật khẩu cho tài khoản rồi đăng nhập lại."
            )
        return self._data_key

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(paths: DataPaths) -> Engine:
    engine = create_engine(f"sqlite:///{paths.database}", future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def open_database(paths: DataPaths, *, create: bool = False) -> Database:
    """Open (or with `create`, make) the data folder's database, migrated to this version."""
    from app.db.copies import remove_leftovers
    from app.db.migrate import upgrade_to_head
    from app.db.swap import finish_interrupted

    finish_interrupted(paths)
    remove_leftovers(paths)
    if not create and not paths.database.exists():
        raise DataFolderError(
            f"Không tìm thấy cơ sở dữ liệu trong thư mục dữ liệu {paths.root}. "
            "Hãy khởi tạo bằng lệnh «init» hoặc chọn đúng thư mục dữ liệu."
        )
    paths.create()
    engine = make_engine(paths)
    try:
        upgrade_to_head(engine, paths)
    except Exception:
        engine.dispose()
        raise
    return Database(paths, engine)
