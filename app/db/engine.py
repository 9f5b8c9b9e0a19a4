"""The SQLCipher engine and connections: the durable settings every connection gets, and
the data key as a raw key (no passphrase derivation: the key is already random)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, ExceptionContext
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool, QueuePool

BUSY_TIMEOUT_MS = 10_000
SQLITE_CONFIG_MEMSTATUS = 9  # sqlite3.h


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
    # SQLite's page cache is left at its default (the driver's build: 8 MB a connection).
    # SQLCipher decrypts a page again each time it is read back into the cache, but what a
    # larger one would keep costs more memory than the window has: at 100,000 cases the
    # dashboard reads over 100 MB of pages and a two-letter search the whole table (128 MB:
    # a process at 358 MB instead of 113 MB after both, the dashboard still over a second),
    # and each connection of the pool has its own. Searches of longer words read indexes
    # alone.
    cursor.close()


def _on_begin(conn: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that later
    # upgrades can fail at once with "database is locked" instead of waiting.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_driver_lock = threading.Lock()
_driver_ready = False


def _prepare_driver() -> None:
    """Once a process, before its first connection (every one is made here): SQLite
    without memory statistics, SQLCipher quiet."""
    global _driver_ready
    with _driver_lock:
        if not _driver_ready:
            _without_memory_statistics()
            _quiet()
            _driver_ready = True


def _without_memory_statistics() -> None:
    """SQLite counts its memory under one mutex of the process, taken at each allocation,
    so two connections at work together (a report's two sessions, the backup's copy and
    its check) queue on it. Nothing reads the counts. They can only be turned off before
    SQLite starts, through `sqlite3_config`: the Linux wheel of the driver exports it, the
    Windows one does not (there they stay on)."""
    import ctypes

    from sqlcipher3 import _sqlite3

    try:
        library = ctypes.CDLL(_sqlite3.__file__)
        configure = library.sqlite3_config
    except (OSError, AttributeError):
        return
    # Importing the driver started SQLite; no connection is open yet to stop with it.
    library.sqlite3_shutdown()
    configure(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0))
    library.sqlite3_initialize()


def _quiet() -> None:
    """SQLCipher writes its own errors to standard error (a wrong key, a file that is not a
    database); the program reports them itself, in Vietnamese. The level is the library's."""
    import sqlcipher3

    sqlcipher3.connect(":memory:").execute("PRAGMA cipher_log_level = NONE").close()


def make_engine(database: Path, data_key: bytes, *, pool: type[Pool] = QueuePool) -> Engine:
    """An engine on the SQLCipher file `database` (made if missing), keyed with `data_key`
    as a raw key: no passphrase derivation, the key is already random."""
    _prepare_driver()
    url = URL.create("sqlite+pysqlcipher", password=f"x'{data_key.hex()}'",
                     database=str(database))
    engine = create_engine(url, poolclass=pool)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def keyed_connection(database: Path, data_key: bytes | None, *,
                     any_thread: bool = False) -> Any:
    """A DB-API connection of SQLCipher's on `database` (a copy being written or read),
    keyed with `data_key`; without one, on an unencrypted file. `any_thread`: usable from
    another thread than the one that opened it (one at a time)."""
    import sqlcipher3

    _prepare_driver()
    connection = sqlcipher3.connect(database, check_same_thread=not any_thread)
    if data_key is not None:
        connection.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    return connection


POSTGRESQL = "postgresql"

# A snapshot's name as PostgreSQL's `pg_export_snapshot` gives it (`00000003-0000001B-1`):
# written into `SET TRANSACTION SNAPSHOT`, which takes no parameter.
_SNAPSHOT_NAME = re.compile(r"[0-9A-F]+(?:-[0-9A-F]+)+")


def begin_in_one_state(engine: Engine, first: Session, second: Session) -> bool:
    """Begin read transactions of the new sessions `first` and `second` that see the
    database in one and the same state; False, `second` left unbegun, when that cannot be
    had at once. SQLite: both begin while no transaction can commit (`while_writes_wait`);
    PostgreSQL: `first`'s repeatable-read snapshot exported to `second`."""
    if engine.dialect.name == POSTGRESQL:
        for session in (first, second):
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        name = first.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        if not _SNAPSHOT_NAME.fullmatch(name):
            return False
        second.execute(text(f"SET TRANSACTION SNAPSHOT '{name}'"))
        return True
    def begin() -> None:
        for session in (first, second):
            session.execute(text(FIRST_READ))

    return while_writes_wait(engine, begin)


# A read of the SQLite file: a read transaction's state is taken as it first reads.
FIRST_READ = "SELECT 1 FROM sqlite_schema LIMIT 1"


def while_writes_wait(engine: Engine, begin: Callable[[], object]) -> bool:
    """`begin()` run while a connection of `engine` holds SQLite's write lock, so that no
    transaction commits meanwhile (read transactions that `begin` starts see one state),
    let go as soon as it returns. False, `begin` not run, when another connection is
    already writing (an import, a save): it is not waited for."""
    import sqlcipher3

    lock = engine.raw_connection()
    driver = lock.driver_connection
    assert driver is not None
    try:
        driver.execute("PRAGMA busy_timeout = 0")
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlcipher3.OperationalError:  # "database is locked"
            return False
        try:
            begin()
        finally:
            driver.execute("ROLLBACK")
        return True
    finally:
        driver.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        lock.close()


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
    dropped (restarted meanwhile) is noticed and replaced before use; one dropped during a
    transaction ends it with `DataFolderError` (`LOST_CONNECTION`), nothing of it saved."""
    engine = create_engine(url, poolclass=pool, pool_pre_ping=True)
    event.listen(engine, "handle_error", _lost_server)
    return engine


LOST_CONNECTION = ("Mất kết nối tới máy chủ cơ sở dữ liệu: thao tác vừa rồi chưa được lưu. "
                   "Hãy kiểm tra mạng và máy chủ rồi làm lại; chương trình tự kết nối lại.")


def _lost_server(context: ExceptionContext) -> BaseException | None:
    """A connection the server or the network dropped (the server restarted, the backend
    ended), or a server that does not answer when a connection is made: one Vietnamese
    message instead of the driver's error. SQLAlchemy still invalidates the dropped
    connection, so the next operation gets a new one. Other errors pass through."""
    from app.errors import DataFolderError

    if context.is_pre_ping:
        return None  # the pool replaces a dead connection itself
    if context.is_disconnect:
        return DataFolderError(LOST_CONNECTION)
    if context.connection is None and context.statement is None:  # while connecting
        return DataFolderError(connection_problem(context.original_exception))
    return None


def connection_problem(error: BaseException) -> str:
    """What the user can do when a server refused or did not answer a new connection.
    libpq gives no SQLSTATE for these: its message (the server's English) is read."""
    text = str(error)
    if "password authentication failed" in text or "no password supplied" in text:
        return "Sai tên đăng nhập hoặc mật khẩu của máy chủ cơ sở dữ liệu."
    if re.search(r'database ".*" does not exist', text):
        return ("Máy chủ không có cơ sở dữ liệu với tên này. Hãy kiểm tra tên, hoặc nhờ quản "
                "trị máy chủ tạo nó (README, «Chế độ máy chủ»).")
    if re.search(r'role ".*" does not exist', text):
        return "Máy chủ không có tên đăng nhập này. Hãy kiểm tra tên đăng nhập."
    if "pg_hba.conf" in text:
        return ("Máy chủ không cho máy này đăng nhập (cấu hình pg_hba.conf của máy chủ). Hãy "
                "nhờ quản trị máy chủ cho phép.")
    detail = text.removeprefix("connection failed: ").removeprefix("connection is bad: ")
    return ("Không kết nối được máy chủ cơ sở dữ liệu: hãy kiểm tra địa chỉ, cổng, mạng và "
            f"máy chủ đã chạy chưa. ({' '.join(detail.split())})")


@lru_cache(maxsize=16)
def shared_server_engine(url: str) -> Engine:
    """An engine on the server database `url` for what is read before sign-in or outside
    a session (the key file's row, an evidence's parts): a connection per use, none kept
    open between uses, so that caching it holds nothing on the server."""
    from sqlalchemy.pool import NullPool

    return make_server_engine(server_url(url), pool=NullPool)


@contextmanager
def server_connection(url: str) -> Iterator[Connection]:
    """A connection of `shared_server_engine`, refused in Vietnamese when the server does
    not answer (`connection_problem`)."""
    with shared_server_engine(url).connect() as connection:
        yield connection
