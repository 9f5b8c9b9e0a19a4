"""What the program needs from the database engine beyond the SQL that SQLAlchemy writes:
a consistent copy of the register and its check, a copy opened for reading, a server's
contents replaced by such a copy, the bulk insert. The full-text index is
`text_index.py`; opening and durability, `database.py`.

A copy is always an SQLCipher file encrypted with the data key, whichever engine holds the
register: a data folder's is SQLite's online backup; a server's is every table's rows read
in one transaction that sees a single moment (REPEATABLE READ, read only) and written into
a new file whose schema the same migrations made. So a backup holds the same kind of
database whatever it was made from, and restores into a data folder or a server alike
(an office moves to server mode, or back, that way).

A function dispatches on the engine's dialect only where engines differ: SQLite and
PostgreSQL; another engine gets `UnsupportedEngine` until its branch is written here.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    ColumnDefault,
    Connection,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    TypeDecorator,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from app.db.copies import SNAPSHOT_PREFIX
from app.db.engine import (
    FIRST_READ,
    POSTGRESQL,
    keyed_connection,
    make_engine,
    make_server_engine,
    server_url,
    while_writes_wait,
)
from app.db.register_lock import limited_waits
from app.db.schema import VERSION_TABLE, changing_schema, migrate, stored_revision
from app.db.text_index import is_text_index
from app.errors import DataFolderError
from app.models import Base

SQLITE = "sqlite"


class UnsupportedEngine(NotImplementedError):
    """A database engine this package has no branch for yet."""

    def __init__(self, what: str, dialect: str) -> None:
        super().__init__(f"{what} is not implemented for the database engine {dialect!r} "
                         "(app/db/storage.py implements SQLite only)")


# The page cache of the connections that check a whole database (SQLite's default is
# 2 MB): the integrity check reads every index against its table, coming back to the same
# pages again and again, and SQLCipher decrypts a page (AES and an HMAC) each time it is
# read from the file again. Memory is taken only as pages are read, so a register of
# 100,000 cases (about 280 MB) holds all its pages, and gives them back when the check ends.
WHOLE_FILE_CACHE_KIB = 512 * 1024


def copy_database(engine: Engine, target: Path, data_key: bytes) -> None:
    """A consistent copy of the whole database into the new file `target`, encrypted with
    the data key, while other connections may write: SQLite's online backup API; a
    server's rows as one transaction sees them (`_server_copy`)."""
    _copy_into(engine, target, data_key, keep_pages=False).close()


def _copy_into(engine: Engine, target: Path, data_key: bytes, *, keep_pages: bool) -> Any:
    """`copy_database`'s work; a DB-API connection on the copy, for the caller to close,
    whose cache holds the pages written when `keep_pages` (for their check, in another
    thread: `snapshot`)."""
    if engine.dialect.name == POSTGRESQL:
        _server_copy(engine, target, data_key)
        return keyed_connection(target, data_key, any_thread=keep_pages)
    if engine.dialect.name != SQLITE:
        raise UnsupportedEngine("copy_database", engine.dialect.name)
    source = engine.raw_connection()
    try:
        return _backup(source.driver_connection, target, data_key, keep_pages=keep_pages)
    finally:
        source.close()


def _backup(source: Any, target: Path, data_key: bytes, *, keep_pages: bool) -> Any:
    """SQLite's online backup of the DB-API connection `source` into `target` (of its
    read transaction's state, when it has one open); the connection that wrote it."""
    copy = keyed_connection(target, data_key, any_thread=keep_pages)
    try:
        if keep_pages:
            copy.execute(f"PRAGMA cache_size = -{WHOLE_FILE_CACHE_KIB}")
        source.backup(copy)
    except BaseException:
        copy.close()
        raise
    return copy


# Rows read and written at a time: a register of 100,000 cases is never held whole.
COPY_CHUNK = 2_000


def _server_copy(engine: Engine, target: Path, data_key: bytes) -> None:
    """Every row of the server database at one moment, into a new SQLCipher file at the
    same schema revision. The reading transaction is REPEATABLE READ: each table is read as
    the first statement found the database, whatever other programs commit meanwhile
    (READ ONLY: it can never block nor fail their writes)."""
    with engine.connect() as source:
        source.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with source.begin():
            revision = stored_revision(source)
            assert revision is not None, "a copy of an open register has a schema"
            copy = make_engine(target, data_key, pool=NullPool)
            try:
                with copy.begin() as into:
                    migrate(into, revision)
                    _copy_rows(source, into)
            finally:
                copy.dispose()


def replace_server_contents(engine: Engine, copy: Path, data_key: bytes,
                            then: Callable[[Connection], None]) -> None:
    """The register of the file `copy` (a restored backup's database, of this version or
    an older one) in place of everything in the server database, in one transaction: the
    server's tables are locked from the first statement (TRUNCATE) until the commit, so
    other programs wait and then see the restored register whole; on any error nothing
    has changed (the TRUNCATE waits for readers at most `register_lock.WAIT`). A database
    without a schema gets it from the migrations in the same transaction (moving a data
    folder to a server). `then` writes, in that transaction, what the backup held beside
    the database (the server's evidence and key file)."""
    with opened_copy(copy, data_key) as restored:
        with changing_schema(restored) as connection:
            migrate(connection)  # a backup of an older version: brought up to this one
        with (restored.connect() as source, engine.connect() as target, target.begin(),
              limited_waits(target)):
            if stored_revision(target) is None:
                migrate(target)
            if stored_revision(target) != stored_revision(source):
                raise DataFolderError(
                    "Cơ sở dữ liệu trên máy chủ được một phiên bản khác của chương trình cập "
                    "nhật: không khôi phục được. Hãy dùng cùng một phiên bản trên mọi máy.")
            _copy_rows(source, target)
            then(target)


def leave_out(copy: Path, data_key: bytes, tables: Sequence[str]) -> None:
    """The rows of `tables` removed from the file `copy` and the file rewritten without
    the space they took (a server's backup carries them beside the database, as a data
    folder's files)."""
    with opened_copy(copy, data_key) as engine:
        with engine.begin() as connection:
            for name in tables:
                connection.exec_driver_sql(f"DELETE FROM {name}")
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("VACUUM")  # autocommit (engine.py)
        finally:
            raw.close()


def server_holds_register(url: str) -> bool:
    """Whether the server database at `url` has a schema (a register) already."""
    with server_engine(url, None) as engine, engine.connect() as connection:
        return stored_revision(connection) is not None


def server_objects(url: str) -> frozenset[str]:
    """The tables and extensions of the server database at `url`, before `init` makes a
    register there (`drop_made_since` removes what it made if it fails)."""
    with server_engine(url, None) as engine, engine.connect() as connection:
        return _objects(connection)


# The functions the migrations make on a server (0028: the trigger keeping each case's
# event dates); dropping the tables drops their triggers, not these.
REGISTER_FUNCTIONS = ("events_case_dates",)


def drop_made_since(url: str, before: frozenset[str]) -> None:
    """The tables, functions and extensions made in the server database since
    `server_objects` gave `before` removed, in one transaction: an `init` that failed after
    its migrations leaves the database as it found it (PostgreSQL's DDL is transactional).
    What was there before is left alone: a table or function in the way makes the
    migrations fail with nothing made."""
    with server_engine(url, None) as engine, engine.begin() as connection:
        made = _objects(connection) - before
        for kind, statement in (("table", 'DROP TABLE IF EXISTS "{}" CASCADE'),
                                ("function", 'DROP FUNCTION IF EXISTS "{}"'),
                                ("extension", 'DROP EXTENSION IF EXISTS "{}"')):
            for name in sorted(made):
                of_kind, _, bare = name.partition(" ")
                if of_kind == kind:
                    connection.exec_driver_sql(statement.format(bare))


def drop_register(url: str) -> None:
    """The program's tables and functions removed from the server database at `url`, in one
    transaction: a register an `init` left unfinished (`database.initialising`). Other
    tables and the extensions stay (the migrations make theirs only if missing)."""
    ours = {*Base.metadata.tables, VERSION_TABLE}
    with server_engine(url, None) as engine, engine.begin() as connection:
        for name in sorted(ours & set(inspect(connection).get_table_names())):
            connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}" CASCADE')
        for name in REGISTER_FUNCTIONS:
            connection.exec_driver_sql(f'DROP FUNCTION IF EXISTS "{name}"')


def _objects(connection: Connection) -> frozenset[str]:
    tables = connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars()
    # Not an extension's own functions: they go with it.
    functions = connection.execute(text(
        "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_depend d "
        "WHERE d.objid = p.oid AND d.deptype = 'e')")).scalars()
    extensions = connection.execute(text("SELECT extname FROM pg_extension")).scalars()
    return frozenset([*(f"table {name}" for name in tables),
                      *(f"function {name}" for name in functions),
                      *(f"extension {name}" for name in extensions)])


@contextmanager
def server_engine(url: str, current: Engine | None) -> Iterator[Engine]:
    """`current` (the open register's engine), or else one of its own on the server at
    `url` for this block (a server that does not answer is refused with its reason)."""
    if current is not None:
        yield current
        return
    engine = make_server_engine(server_url(url), pool=NullPool)
    try:
        yield engine
    except OperationalError as exc:
        raise DataFolderError(f"Không kết nối được máy chủ cơ sở dữ liệu: "
                              f"{str(exc.orig).strip()}") from exc
    finally:
        engine.dispose()


def _program_tables(connection: Connection) -> MetaData:
    """The database's tables as they are stored, but Alembic's and the full-text index's."""
    found = MetaData()
    found.reflect(connection, only=lambda name, _: not (
        name == VERSION_TABLE or is_text_index("table", name)))
    return found


def _copy_rows(source: Connection, target: Connection) -> None:
    """Every row of `source`'s tables in place of `target`'s (of the same schema revision),
    parents before children, streamed in chunks through the bulk insert; a server's
    sequences then continue after the largest id. A table `target` lacks is refused
    rather than left behind."""
    found, into = _program_tables(source), _program_tables(target)
    missing = sorted(set(found.tables) - set(into.tables))
    if missing:
        raise DataFolderError("Không chép được dữ liệu: nơi chép đến thiếu bảng "
                              + ", ".join(missing) + ".")
    ordered = into.sorted_tables
    if target.dialect.name == POSTGRESQL:
        target.exec_driver_sql("TRUNCATE " + ", ".join(
            target.dialect.identifier_preparer.format_table(table) for table in ordered))
    else:
        for table in reversed(ordered):
            target.execute(delete(table))
    for table in ordered:
        origin = found.tables.get(table.name)
        if origin is None:
            continue
        names = [column.name for column in table.c if column.name in origin.c]
        query = (select(*(origin.c[name] for name in names))
                 .order_by(*origin.primary_key.columns).execution_options(yield_per=COPY_CHUNK))
        for rows in source.execute(query).partitions():
            insert_rows(target, table, [dict(zip(names, row, strict=True)) for row in rows])
    if target.dialect.name == POSTGRESQL:
        _continue_sequences(target, ordered)


def _continue_sequences(connection: Connection, tables: list[Table]) -> None:
    """Each serial key's sequence set after the largest id now stored (the rows came with
    their ids), so that the next row written gets a new one."""
    quote = connection.dialect.identifier_preparer
    for table in tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer):
                connection.execute(text(
                    "SELECT setval(pg_get_serial_sequence(:table, :column), "
                    f"COALESCE(MAX({quote.quote(column.name)}), 0) + 1, false) "
                    f"FROM {quote.format_table(table)}"),
                    {"table": table.name, "column": column.name})


class DamagedCopy(Exception):
    """A snapshot whose check found problems (`storage_problems`)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of the database, its check running meanwhile
    (`snapshot`)."""

    path: Path
    _check: Future[list[str]]

    def checked(self) -> None:
        """Wait for the copy's check; `DamagedCopy` when it found problems."""
        problems = self._check.result()
        if problems:
            raise DamagedCopy(problems)

    @contextmanager
    def opened(self, data_key: bytes) -> Iterator[Engine]:
        """An engine on the copy (`opened_copy`) to read it while its check runs: a copy
        too damaged to be read is `DamagedCopy`, with what the check found."""
        try:
            with opened_copy(self.path, data_key) as engine:
                yield engine
        except DatabaseError:
            self.checked()
            raise


@contextmanager
def snapshot(engine: Engine, folder: Path, data_key: bytes) -> Iterator[Snapshot]:
    """A consistent copy of the database in a new file in `folder`, removed when the block
    ends (or, after a crash, at the next open: `copies.remove_leftovers`), and its check
    (`storage_problems`; `Snapshot.checked` raises `DamagedCopy` when it has any) running
    in a thread while the block reads the copy (it must not write to it before
    `Snapshot.checked`, nor let anything it made from the copy out before that says the
    copy is sound): SQLite releases the GIL while a statement runs, so a backup seals the
    copy on the other core meanwhile. A block that ends before the check interrupts it.

    What is checked is the state copied (`_copied_and_checking`): in a data folder, the
    register itself as the copy is being written; otherwise the copy once written."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix=SNAPSHOT_PREFIX, suffix=".sqlite3")
    os.close(handle)
    copy = Path(name)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            checker, check = _copied_and_checking(engine, copy, data_key, pool)
            try:
                yield Snapshot(copy, check)
            finally:
                if not check.done():
                    _interrupt(checker)  # its answer is no longer needed; the pool waits
    finally:
        copy.unlink(missing_ok=True)


def _copied_and_checking(engine: Engine, copy: Path, data_key: bytes,
                         pool: ThreadPoolExecutor) -> tuple[Any, Future[list[str]]]:
    """`copy` written and its state's check begun in `pool`: the checking connection and
    the check. A data folder's register is checked while it is copied, on the other core,
    by a connection whose read transaction began with the copy's while no write could
    commit (`while_writes_wait`): the online backup copies the pages of its source's
    transaction, so both read the same pages and the check finds what one of the copy
    would. When another connection is writing at that moment, and for a server, the
    connection that wrote the copy checks it afterwards, its cache still holding the
    pages it wrote (SQLCipher does not decrypt them again from the file)."""
    if engine.dialect.name == SQLITE:
        source = engine.raw_connection()
        try:
            reader = source.driver_connection
            assert reader is not None
            checker = keyed_connection(Path(str(engine.url.database)), data_key,
                                       any_thread=True)
            try:
                together = while_writes_wait(engine, lambda: _begin_reading(reader, checker))
            except BaseException:
                checker.close()
                raise
            if together:
                check = pool.submit(_checked_then_closed, checker)
                try:
                    _backup(reader, copy, data_key, keep_pages=False).close()
                except BaseException:
                    _interrupt(checker)
                    raise
                finally:
                    reader.execute("ROLLBACK")
                return checker, check
            checker.close()
        finally:
            source.close()
    writer = _copy_into(engine, copy, data_key, keep_pages=True)
    return writer, pool.submit(_checked_then_closed, writer)


def _begin_reading(*connections: Any) -> None:
    for connection in connections:
        connection.execute("BEGIN")
        connection.execute(FIRST_READ)


def _checked_then_closed(writer: Any) -> list[str]:
    """The copy's problems, its writer closed as soon as they are known: a connection left
    open would keep what a server's snapshot then rewrites (`backup._set_apart`) in its
    write-ahead log, out of the file that is archived."""
    with closing(writer):
        return _file_problems(writer)


def _interrupt(connection: Any) -> None:
    import sqlcipher3

    with suppress(sqlcipher3.ProgrammingError):  # closed meanwhile: the check had ended
        connection.interrupt()


@contextmanager
def opened_copy(database: Path, data_key: bytes) -> Iterator[Engine]:
    """An engine on a copy written by `copy_database` (a `snapshot`, a restored backup),
    to check and read it; closed when the block ends. It holds no pooled connection, so the
    file can be moved or removed afterwards."""
    engine = make_engine(database, data_key, pool=NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


def storage_problems(engine: Engine) -> list[str]:
    """What is wrong with the stored database itself: damaged pages or indexes, rows
    pointing at rows that do not exist, or a file that is not a database. Empty when sound.
    Used by `check` on the open register and by a restore on the unpacked copy (a backup's
    snapshot is checked by `snapshot`)."""
    if engine.dialect.name == POSTGRESQL:
        return _server_problems(engine)
    if engine.dialect.name != SQLITE:
        raise UnsupportedEngine("storage_problems", engine.dialect.name)
    try:
        with engine.connect() as connection:
            try:
                return _file_problems(connection.connection.driver_connection)
            finally:
                # Closed, not pooled again: a pooled connection would keep the memory its
                # cache took (the allocator keeps freed pages), and the cache setting.
                connection.invalidate()
    except DatabaseError as exc:  # not a database at all: found as the connection is set up
        return [f"Cơ sở dữ liệu hỏng: {exc.orig}"]


def _file_problems(connection: Any) -> list[str]:
    """`storage_problems` through the SQLCipher DB-API `connection`, in one read
    transaction, its cache raised to `WHOLE_FILE_CACHE_KIB`: the caller closes it after."""
    import sqlcipher3

    problems: list[str] = []
    try:
        connection.execute(f"PRAGMA cache_size = -{WHOLE_FILE_CACHE_KIB}")
        if not connection.in_transaction:  # `snapshot`'s began with the copy's
            connection.execute("BEGIN")
        try:
            result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                problems.extend(f"Cơ sở dữ liệu hỏng: {line}" for line in result[:20])
            for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check"):
                problems.append(
                    f"Bảng {table}, dòng {rowid}: tham chiếu tới {parent} không tồn tại."
                )
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
    except sqlcipher3.DatabaseError as exc:  # not a database, or too damaged to be read
        problems.append(f"Cơ sở dữ liệu hỏng: {exc}")
    return problems


def _server_problems(engine: Engine) -> list[str]:
    """PostgreSQL's own means: it enforces every foreign key as rows are written, so what
    is left to find is a constraint that was never checked against older rows and, where
    the server has amcheck (installed by its administrator), a damaged index."""
    problems: list[str] = []
    try:
        with engine.connect() as conn:
            unchecked = conn.exec_driver_sql(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                "WHERE connamespace = current_schema()::regnamespace AND NOT convalidated")
            problems.extend(f"Bảng {table}: ràng buộc {name} chưa được kiểm tra trên dữ liệu."
                            for table, name in unchecked)
            if conn.exec_driver_sql(
                    "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'").first():
                # It raises at the first damaged index, naming it.
                conn.exec_driver_sql(
                    "SELECT bt_index_check(c.oid) FROM pg_class c "
                    "JOIN pg_am a ON a.oid = c.relam WHERE c.relkind = 'i' "
                    "AND a.amname = 'btree' "
                    "AND c.relnamespace = current_schema()::regnamespace").all()
    except DatabaseError as exc:
        problems.append(f"Cơ sở dữ liệu hỏng: {exc.orig}")
    return problems


def serialise(connection: Connection, what: str) -> None:
    """Writers of `what` (a name: a document symbol's numbers in a year) one after another
    until their transactions end, where reading then writing must not interleave (the
    number after the highest). SQLite lets one writer in at a time already; on PostgreSQL a
    transaction-level advisory lock on the name."""
    if connection.dialect.name == POSTGRESQL:
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:what))"),
                           {"what": what})
    elif connection.dialect.name != SQLITE:
        raise UnsupportedEngine("serialise", connection.dialect.name)


# SQLite's page cache while a bulk insert writes, instead of the driver's 8 MB: the index pages a
# chunk changes stay in memory rather than being spilled to the log and read back
# (100,000 rows imported: 37 -> 32 s, 5 MB more at the peak; 64 MB gained no more).
BULK_CACHE_KIB = 16 * 1024


@contextmanager
def page_cache_of(connection: Connection, kib: int) -> Iterator[None]:
    """SQLite's page cache of `connection` at most `kib` until the block ends, then as it
    was: what it kept beyond that is freed. A server's cache is the server's."""
    if connection.dialect.name != SQLITE:
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        with suppress(SQLAlchemyError):  # the connection broke: the pool drops it anyway
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def writing_in_bulk(connection: Connection) -> AbstractContextManager[None]:
    """The connection set up for a bulk insert until the block ends."""
    return page_cache_of(connection, BULK_CACHE_KIB)


def reserve_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """`count` new values of `table`'s integer key `id`, for rows the bulk insert writes
    with their ids (children point at them). SQLite lets one writer in at a time: the ids
    after the largest. PostgreSQL draws them from the column's sequence, so that a writer
    at the same moment never gets one of them (they need not follow each other)."""
    if connection.dialect.name == POSTGRESQL:
        return list(connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :count)"),
            {"table": table.name, "count": count}).scalars())
    if connection.dialect.name != SQLITE:
        raise UnsupportedEngine("reserve_ids", connection.dialect.name)
    largest = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(largest + 1, largest + 1 + count))


def settle_bulk_load(engine: Engine, tables: Sequence[Table]) -> None:
    """After a bulk insert committed into `tables`: on a server, their statistics taken at
    once (`ANALYZE`, PostgreSQL's advice after populating tables; it blocks no reader or
    writer) rather than when autovacuum passes, so that the queries that follow are planned
    for the rows now there. SQLite plans without statistics unless asked."""
    if engine.dialect.name != POSTGRESQL:
        return
    names = ", ".join(f'"{table.name}"' for table in tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"ANALYZE {names}")


def insert_rows(connection: Connection, table: Table,
                rows: Sequence[dict[str, object]]) -> None:
    """`rows` (each with the same keys) written in one go: `rows_to_insert`, then run."""
    rows_to_insert(connection, table, rows).run(connection)


@dataclass(frozen=True)
class RowsToInsert:
    """A bulk insert made ready: the Python work done, the database's to come."""

    statement: str
    parameters: tuple[object, ...] | list[tuple[object, ...]] | dict[str, list[object]]

    def run(self, connection: Connection) -> None:
        connection.exec_driver_sql(self.statement, self.parameters)


def rows_to_insert(connection: Connection, table: Table,
                   rows: Sequence[dict[str, object]]) -> RowsToInsert:
    """The statement writing `rows` (each with the same keys) and its parameters.

    Not the ORM's bulk path, which splits rows by which values are None and issues one
    statement per row; nor Core's `insert()`, which builds and processes a parameter
    dictionary per row (a sixth of an import of 100,000 rows). Each value goes through its
    column's bind processor and a column left out gets its Python default, so the stored
    values are those Core would have written.

    SQLite gets the rows as one JSON array read by a single `INSERT … SELECT`: an
    `executemany` takes the GIL back after each row, and beside a thread running Python
    (the import's checking) it waits for it at every row and stalls. A server gets one
    array a column, read by a single `INSERT … SELECT … FROM unnest(…)`: its triggers run
    once a statement (migration 0028's, on `events`). A table holding bytes or floats on
    SQLite, which JSON would not carry exactly, gets an `executemany`.
    """
    dialect = connection.dialect
    keys = list(rows[0])
    defaults = {column.key: column.default for column in table.c
                if column.key not in keys and isinstance(column.default, ColumnDefault)}
    assert not any(default.is_clause_element for default in defaults.values()), "SQL default"
    columns = [*keys, *defaults]
    take = _tuple_getter(keys)
    # The dialect's own type (SQLite stores a datetime as text with microseconds); a date's
    # text kept for the next row with the same date (the rows of a chunk share their time).
    processors: list[tuple[int, Callable[[Any], Any], dict[object, object] | None]] = []
    for index, key in enumerate(columns):
        processor = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors.append((index, processor, {} if _is_a_date(table.c[key]) else None))
    lines: list[list[object]] = []
    for row in rows:
        line = [*take(row), *(default.arg(None) if default.is_callable else default.arg
                              for default in defaults.values())]
        for index, process, done in processors:
            value = line[index]
            if done is None:
                line[index] = process(value)
            elif (stored := done.get(value, _MISSING)) is not _MISSING:
                line[index] = stored
            else:
                line[index] = done[value] = process(value)
        lines.append(line)
    if dialect.name == SQLITE and _carried_by_json(table):
        return RowsToInsert(_insert_from_json(connection, table, columns),
                            (json.dumps(lines, ensure_ascii=False),))
    if dialect.name == POSTGRESQL:
        return RowsToInsert(_insert_from_arrays(connection, table, columns),
                            {f"c{index}": [line[index] for line in lines]
                             for index in range(len(columns))})
    # SQLite, a table holding bytes or floats: the statement's parameters in its own order,
    # one per column, named after it.
    statement = insert(table).compile(dialect=dialect, column_keys=columns)
    order = statement.positiontup
    assert order is not None and sorted(order) == sorted(columns), "one per column"
    place = _tuple_getter([columns.index(key) for key in order])
    return RowsToInsert(str(statement), [place(line) for line in lines])


_MISSING = object()


def _tuple_getter(items: Sequence[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """`itemgetter`, a tuple even of one item, or of none."""
    if not items:
        return lambda _container: ()
    if len(items) == 1:
        return lambda container: (container[items[0]],)
    return itemgetter(*items)


def _is_a_date(column: Column[Any]) -> bool:
    try:
        return issubclass(column.type.python_type, date)
    except NotImplementedError:  # a type that does not say (SQLAlchemy's default): no date
        return False


def _carried_by_json(table: Table) -> bool:
    """Whether JSON carries every column's stored values exactly: text, integers, NULL;
    not bytes, nor floats."""
    for column in table.c:
        kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) \
            else column.type
        if isinstance(kind, LargeBinary | Numeric):
            return False
    return True


def _insert_from_json(connection: Connection, table: Table, order: Sequence[str]) -> str:
    quote = connection.dialect.identifier_preparer
    columns = ", ".join(quote.format_column(table.c[key]) for key in order)
    values = ", ".join(f"value->>{index}" for index in range(len(order)))
    return (f"INSERT INTO {quote.format_table(table)} ({columns}) "
            f"SELECT {values} FROM json_each(?)")


def _insert_from_arrays(connection: Connection, table: Table, order: Sequence[str]) -> str:
    quote = connection.dialect.identifier_preparer
    columns = ", ".join(quote.format_column(table.c[key]) for key in order)
    arrays = ", ".join(f"%(c{index})s::{_array_type(table.c[key], connection.dialect)}"
                       for index, key in enumerate(order))
    return (f"INSERT INTO {quote.format_table(table)} ({columns}) "
            f"SELECT * FROM unnest({arrays})")


def _array_type(column: Column[Any], dialect: Dialect) -> str:
    """An array of `column`'s type as PostgreSQL names it. Text without its length or
    collation: a cast to `varchar(n)` would cut a longer value silently, where storing it
    in the column refuses it, as an `executemany` would; the column's collation applies as
    the rows are stored."""
    kind = column.type.dialect_impl(dialect)  # the server's variant of a type that has one
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, String):
        kind = String()
    return f"{kind.compile(dialect=dialect)}[]"


def empty_wal(engine: Engine) -> bool:
    """Fold the write-ahead log into the database file and truncate it to nothing: its old
    frames keep pages as they were (the audit chain's earlier keys among them), which
    `secure_delete` does not reach. False when another connection is reading and the log
    could not be emptied (it is tried again later). A server's write-ahead log is the
    server's business (erase.py): nothing to do."""
    if engine.dialect.name == POSTGRESQL:
        return True
    if engine.dialect.name != SQLITE:
        raise UnsupportedEngine("empty_wal", engine.dialect.name)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    finally:
        raw.close()
    return not busy
