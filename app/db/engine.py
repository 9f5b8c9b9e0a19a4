"""The SQLCipher engine and connections: the durable settings every connection gets, and
the data key as a raw key (no passphrase derivation: the key is already random)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import Pool, QueuePool

BUSY_TIMEOUT_MS = 10_000


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
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


@cache
def _quiet() -> None:
    """SQLCipher writes its own errors to standard error (a wrong key, a file that is not a
    database); the program reports them itself, in Vietnamese. The level is the library's."""
    import sqlcipher3

    sqlcipher3.connect(":memory:").execute("PRAGMA cipher_log_level = NONE").close()


def make_engine(database: Path, data_key: bytes, *, pool: type[Pool] = QueuePool) -> Engine:
    """An engine on the SQLCipher file `database` (made if missing), keyed with `data_key`
    as a raw key: no passphrase derivation, the key is already random."""
    _quiet()
    url = URL.create("sqlite+pysqlcipher", password=f"x'{data_key.hex()}'",
                     database=str(database))
    engine = create_engine(url, poolclass=pool)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def keyed_connection(database: Path, data_key: bytes | None) -> Any:
    """A DB-API connection of SQLCipher's on `database` (a copy being written or read),
    keyed with `data_key`; without one, on an unencrypted file."""
    import sqlcipher3

    _quiet()
    connection = sqlcipher3.connect(database)
    if data_key is not None:
        connection.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    return connection


POSTGRESQL = "postgresql"


def server_url(text: str | URL) -> URL:
    """A server database's URL as typed (`postgresql://user@host:5432/name`), driven by
    psycopg 3; refused with a Vietnamese message when it names another kind of database."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from app.errors import DataFolderError

    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise DataFolderError(f"Địa chỉ cơ sở dữ liệu không hợp lệ: {exc}") from exc
    if url.get_backend_name() != POSTGRESQL:
        raise DataFolderError(
            "Chế độ máy chủ chỉ dùng PostgreSQL: địa chỉ phải bắt đầu bằng «postgresql://».")
    return url.set(drivername=f"{POSTGRESQL}+psycopg")


def make_server_engine(url: URL, *, pool: type[Pool] = QueuePool) -> Engine:
    """An engine on a PostgreSQL database. Credentials follow PostgreSQL's own conventions
    (the URL, `PGPASSWORD`, the password file): libpq reads them. A connection the server
    dropped (restarted meanwhile) is noticed and replaced before use."""
    return create_engine(url, poolclass=pool, pool_pre_ping=True)


@lru_cache(maxsize=16)
def shared_server_engine(url: str) -> Engine:
    """An engine on the server database `url` for what is read before sign-in or outside
    a session (the key file's row, an evidence's parts): a connection per use, none kept
    open between uses, so that caching it holds nothing on the server."""
    from sqlalchemy.pool import NullPool

    return make_server_engine(server_url(url), pool=NullPool)


def server_unreachable(url: URL, error: Exception) -> Exception:
    """The Vietnamese refusal when the server does not answer (`error` is the driver's)."""
    from app.errors import DataFolderError

    detail = str(getattr(error, "orig", None) or error).strip()
    return DataFolderError(
        f"Không kết nối được máy chủ cơ sở dữ liệu {url.render_as_string()}: {detail}")


@contextmanager
def server_connection(url: str) -> Iterator[Connection]:
    """A connection of `shared_server_engine`, refused in Vietnamese when the server does
    not answer."""
    from sqlalchemy.exc import OperationalError

    try:
        connection = shared_server_engine(url).connect()
    except OperationalError as exc:
        raise server_unreachable(server_url(url), exc) from exc
    with connection:
        yield connection
