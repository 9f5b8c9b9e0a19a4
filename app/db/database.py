"""The encrypted SQLite engine (SQLCipher) with durable settings, and sessions for reading
and writing.

The database file is encrypted with the data key (a raw 256-bit SQLCipher key), so it opens
only once an account has signed in: `open_database` prepares the folder and `Database.unlock`
opens the engine and brings the schema up to date. Everything SQLite-specific stays in this
package (this file, `engine.py`, `storage.py`, `encryption.py`, `text_index.py`,
`erase.py`) so that a server database can be added later without touching the services.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from enum import Enum

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from app.db import register_lock
from app.db.engine import begin_in_one_state, make_engine, make_server_engine, server_url
from app.errors import DataFolderError
from app.paths import DataPaths, make_private


@dataclass
class Database:
    """A register, locked (no engine) until `unlock` is given the data key: the data
    folder's SQLCipher file, or in server mode the PostgreSQL database at `url` (which also
    holds the key file's content and the evidence; the folder, this PC's own files):
    `DataPaths.server`."""

    paths: DataPaths
    # The data key, once an account has signed in (kept out of repr and logs).
    _data_key: bytes | None = field(default=None, init=False, repr=False)
    _engine: Engine | None = field(default=None, init=False, repr=False)
    _admin_key: bytes | None = field(default=None, init=False, repr=False)
    _makers: tuple[sessionmaker[Session], sessionmaker[Session]] | None = field(
        default=None, init=False, repr=False)
    # While this program holds the register alone (`alone`): its writes do not wait.
    _alone: bool = field(default=False, init=False, repr=False)
    # A server database's tables and extensions before `init` made a register in it.
    _found_on_server: frozenset[str] | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise DataFolderError("Cơ sở dữ liệu chưa mở: hãy đăng nhập trước.")
        return self._engine

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions[0]() as session:
            yield session

    @contextmanager
    def read_side_by_side(self) -> Iterator[tuple[Session, Session | None]]:
        """Two sessions that read the register in one state, for statements run at once in
        two threads (a session to each): the database works on both cores. The second is
        None when another connection is writing to the SQLite file: then all is read on
        the first (`begin_in_one_state`)."""
        maker = self._sessions[0]
        with maker() as first, maker() as second:
            yield first, second if begin_in_one_state(self.engine, first, second) else None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._sessions[1]() as session, session.begin():
            if not self._alone:
                register_lock.share(session.connection())  # waits while a restore runs
            yield session

    @contextmanager
    def alone(self) -> Iterator[None]:
        """In server mode, other programs' writes wait until the block ends (a restore,
        from its safety backup to the replacement: `register_lock`); this one's go on."""
        with register_lock.alone(self.engine):
            self._alone = True
            try:
                yield
            finally:
                self._alone = False

    @property
    def _sessions(self) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
        engine = self.engine  # refused while locked
        if self._makers is None:
            self._makers = (sessionmaker(engine, expire_on_commit=False),
                            sessionmaker(engine.execution_options(sqlite_immediate=True),
                                         expire_on_commit=False))
        return self._makers

    def unlock(self, data_key: bytes) -> None:
        """Open the encrypted database with `data_key` and bring its schema up to date; a
        folder already open stays as it is (the lock screen signs in again)."""
        if self._engine is not None:
            if data_key != self._data_key:
                raise DataFolderError("Khóa dữ liệu không khớp với cơ sở dữ liệu đang mở.")
            return
        from app.db.migrate import upgrade_to_head

        if self.paths.server is not None:
            engine = make_server_engine(server_url(self.paths.server))
        else:
            new = not self.paths.database.exists()
            engine = make_engine(self.paths.database, data_key)
        try:
            upgrade_to_head(engine, self.paths, data_key)
        except Exception:
            engine.dispose()
            raise
        if self.paths.server is None and new:
            make_private(self.paths.database)
        self._engine, self._data_key = engine, data_key

    @property
    def admin_key(self) -> bytes | None:
        """The administrators' key, while an administrator who holds it is signed in."""
        return self._admin_key

    def hold_admin_key(self, admin_key: bytes | None) -> None:
        """Set at each sign-in: kept only for an administrator's session."""
        self._admin_key = admin_key

    @property
    def on_server(self) -> bool:
        """Several programs share the register: no folder lock, the server arbitrates."""
        return self.paths.server is not None

    @property
    def unlocked(self) -> bool:
        return self._data_key is not None

    @property
    def data_key(self) -> bytes:
        """The key that encrypts the database, the evidence files and backups."""
        if self._data_key is None:
            raise DataFolderError("Cơ sở dữ liệu chưa mở: hãy đăng nhập trước.")
        return self._data_key

    def dispose(self) -> None:
        self._admin_key = None
        if self._engine is not None and self.paths.server is None:
            from app.db.storage import empty_wal

            # A damaged file: nothing more to do on the way out.
            with suppress(DatabaseError, self._engine.dialect.loaded_dbapi.DatabaseError):
                empty_wal(self._engine)
        if self._engine is not None:
            self._engine.dispose()

    def discard_new(self) -> None:
        """An `init` that failed: what it made removed (closed first), so that it can run
        again: the folder's database files, or on a server the tables and extensions made
        since `open_database(create=True)`."""
        self.relock()
        if self.paths.server is None:
            database = self.paths.database
            for suffix in ("", "-wal", "-shm"):
                database.with_name(database.name + suffix).unlink(missing_ok=True)
        elif self._found_on_server is not None:
            from app.db.storage import drop_made_since

            drop_made_since(self.paths.server, self._found_on_server)

    def relock(self) -> None:
        """Closed and its keys forgotten, as before sign-in: before its file is
        re-encrypted under new keys (`unlock` then opens it with them)."""
        self.dispose()
        self._engine = self._makers = self._data_key = None


def open_database(paths: DataPaths, *, create: bool = False) -> Database:
    """The data folder's database, locked until `Database.unlock` (with `create`, a folder
    that has none yet: unlocking makes it). A restore or an encryption that a crash
    interrupted is finished first, and what a crash left behind is removed.

    In server mode (`DataPaths.server`) the register is that PostgreSQL database
    (`Database.unlock` creates its schema in an empty one), holding the key file's content
    too (`key_store.py`): a new folder on another PC opens it."""
    if paths.server is not None:
        _check_server(server_url(paths.server), create=create)
        paths.create()
        if not create:
            return Database(paths)
        from app.db.storage import server_objects

        return Database(paths, server_objects(paths.server))
    from app.db.copies import remove_leftovers
    from app.db.encryption import is_plain
    from app.db.swap import finish_interrupted

    finish_interrupted(paths)
    remove_leftovers(paths)
    if not create and not paths.database.exists():
        raise DataFolderError(
            f"Không tìm thấy cơ sở dữ liệu trong thư mục dữ liệu {paths.root}. "
            "Hãy khởi tạo bằng lệnh «init» hoặc chọn đúng thư mục dữ liệu."
        )
    if not create and not paths.keys.exists() and not is_plain(paths.database):
        raise missing_key_file(paths)
    paths.create()
    return Database(paths)


def missing_key_file(paths: DataPaths) -> DataFolderError:
    if paths.server is not None:
        return DataFolderError(
            "Cơ sở dữ liệu trên máy chủ thiếu khóa mã hóa: không mở được dữ liệu. Hãy khởi "
            "tạo lại bằng lệnh «init --database» trên một cơ sở dữ liệu trống.")
    return DataFolderError(
        f"Thiếu tệp khóa {paths.keys}: không mở được cơ sở dữ liệu đã mã hóa. Hãy khôi "
        "phục từ một bản sao lưu (bằng mật khẩu quản trị hoặc khóa khôi phục).")



class ServerSchema(Enum):
    """What a server database holds, as `init` and sign-in see it."""

    EMPTY = "empty"  # no schema yet: `init` makes it
    OLDER = "older"  # an earlier version's: migrated at the next sign-in
    CURRENT = "current"
    NEWER = "newer"  # a later version's: this one cannot open it
    # A schema without an account: an `init` killed part-way (its steps commit one by one),
    # or one running on another PC. Nothing anyone entered is in it; `init` makes it afresh.
    UNFINISHED = "unfinished"


def server_schema(url: str | URL) -> ServerSchema:
    """The schema of the server database at `url`; refused with `DataFolderError` when
    the server cannot be reached or refuses the login (`engine.connection_problem`)."""
    from sqlalchemy import select
    from sqlalchemy.pool import NullPool

    from app.db.migrate import HEAD_REVISION, known_revision
    from app.db.schema import stored_revision
    from app.models import User

    engine = make_server_engine(server_url(url), pool=NullPool)
    try:
        with engine.connect() as conn:
            revision = stored_revision(conn)
            if revision is None:
                return ServerSchema.EMPTY
            if revision != HEAD_REVISION and not known_revision(revision):
                return ServerSchema.NEWER
            if conn.execute(select(User.id).limit(1)).first() is None:
                return ServerSchema.UNFINISHED
    finally:
        engine.dispose()
    return ServerSchema.CURRENT if revision == HEAD_REVISION else ServerSchema.OLDER


@contextmanager
def initialising(paths: DataPaths) -> Iterator[None]:
    """Around the whole of an `init`. On a server: one at a time (`register_lock.initialising`),
    and a register that an earlier `init` left unfinished (`ServerSchema.UNFINISHED`) removed
    first, so that this one starts afresh. A data folder is the command's or window's alone
    already (`lock.py`)."""
    if paths.server is None:
        yield
        return
    from sqlalchemy.pool import NullPool

    engine = make_server_engine(server_url(paths.server), pool=NullPool)
    try:
        with register_lock.initialising(engine):
            if server_schema(paths.server) is ServerSchema.UNFINISHED:
                from app.db.storage import drop_register

                drop_register(paths.server)
            yield
    finally:
        engine.dispose()


def _check_server(url: URL, *, create: bool) -> None:
    """Refused as a data folder is: a schema where `init` would make one, none elsewhere,
    or a server that does not answer."""
    schema = server_schema(url)
    if schema is ServerSchema.UNFINISHED:
        raise DataFolderError(
            f"Cơ sở dữ liệu {url.database} trên máy chủ chưa khởi tạo xong (lần khởi tạo bị "
            "ngắt giữa chừng, hoặc đang chạy trên máy khác): chưa có người dùng nào. Hãy "
            "khởi tạo lại (lệnh «init --database» hoặc bước tạo dữ liệu khi mở chương "
            "trình): phần dở dang được xóa rồi làm lại từ đầu.")
    if create and schema is not ServerSchema.EMPTY:
        raise DataFolderError(
            f"Cơ sở dữ liệu {url.database} trên máy chủ đã có dữ liệu; không khởi tạo lại "
            "để tránh mất dữ liệu.")
    if not create and schema is ServerSchema.EMPTY:
        raise DataFolderError(
            f"Cơ sở dữ liệu {url.database} trên máy chủ chưa được khởi tạo. Hãy khởi tạo "
            "bằng lệnh «init --database»."
        )
