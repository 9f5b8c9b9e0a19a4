"""What the program needs from the database engine beyond the SQL that SQLAlchemy writes:
a consistent copy of the register and its check, a copy opened for reading, the bulk
insert. The full-text index is `text_index.py`; opening and durability, `database.py`.

A function dispatches on the engine's dialect only where engines differ: SQLite, and
PostgreSQL for server mode except the copies (a server database's backup is not built
yet); another engine gets `UnsupportedEngine` until its branch is written here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import ColumnDefault, Connection, Engine, Table, func, insert, select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import NullPool

from app.db.copies import SNAPSHOT_PREFIX
from app.db.engine import POSTGRESQL, keyed_connection, make_engine

SQLITE = "sqlite"


class UnsupportedEngine(NotImplementedError):
    """A database engine this package has no branch for yet."""

    def __init__(self, what: str, dialect: str) -> None:
        super().__init__(f"{what} is not implemented for the database engine {dialect!r} "
                         "(app/db/storage.py implements SQLite only)")


def copy_database(engine: Engine, target: Path, data_key: bytes) -> None:
    """A consistent copy of the whole database into the file `target`, encrypted with the
    same key, while other connections may write (SQLite's online backup API)."""
    if engine.dialect.name != SQLITE:
        raise UnsupportedEngine("copy_database", engine.dialect.name)
    source = engine.raw_connection()
    try:
        driver = source.driver_connection
        assert driver is not None
        with closing(keyed_connection(target, data_key)) as copy:
            driver.backup(copy)
    finally:
        source.close()


@contextmanager
def snapshot(engine: Engine, folder: Path, data_key: bytes) -> Iterator[Path]:
    """A consistent copy of the database in a new file in `folder`, removed when the block
    ends (or, after a crash, at the next open: `copies.remove_leftovers`)."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix=SNAPSHOT_PREFIX, suffix=".sqlite3")
    os.close(handle)
    copy = Path(name)
    try:
        copy_database(engine, copy, data_key)
        yield copy
    finally:
        copy.unlink(missing_ok=True)


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
    Used by `check` on the open register, by a backup on its snapshot and by a restore on
    the unpacked copy."""
    if engine.dialect.name == POSTGRESQL:
        return _server_problems(engine)
    if engine.dialect.name != SQLITE:
        raise UnsupportedEngine("storage_problems", engine.dialect.name)
    problems: list[str] = []
    try:
        with engine.connect() as conn:
            result = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
            if result != ["ok"]:
                problems.extend(f"Cơ sở dữ liệu hỏng: {line}" for line in result[:20])
            for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(
                    f"Bảng {table}, dòng {rowid}: tham chiếu tới {parent} không tồn tại."
                )
    except DatabaseError as exc:  # not a database at all, or too damaged to be read
        problems.append(f"Cơ sở dữ liệu hỏng: {exc.orig}")
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


def insert_rows(connection: Connection, table: Table,
                rows: Sequence[dict[str, object]]) -> None:
    """`rows` (each with the same keys) in one `executemany` of the DB-API cursor.

    Not the ORM's bulk path, which splits rows by which values are None and issues one
    statement per row; nor Core's `insert()`, which builds and processes a parameter
    dictionary per row (a sixth of an import of 100,000 rows). Each value goes through its
    column's bind processor and a column left out gets its Python default, so the stored
    values are those Core would have written. The rows are handed over in the driver's
    parameter style: tuples in the statement's order, or dictionaries by name.
    """
    dialect = connection.dialect
    keys = list(rows[0])
    defaults = {column.key: column.default for column in table.c
                if column.key not in keys and isinstance(column.default, ColumnDefault)}
    assert not any(default.is_clause_element for default in defaults.values()), "SQL default"
    statement = insert(table).compile(dialect=dialect, column_keys=[*keys, *defaults])
    # One parameter per column, named after it; a positional driver takes them in the
    # statement's order.
    order = statement.positiontup if statement.positional else [*keys, *defaults]
    assert order is not None and set(order) == {*keys, *defaults}, "one parameter per column"
    sources = [(key, defaults.get(key)) for key in order]
    # The dialect's own type (SQLite stores a datetime as text with microseconds).
    processors = [(index, processor) for index, key in enumerate(order)
                  if (processor := table.c[key].type.dialect_impl(dialect)
                      .bind_processor(dialect))]
    lines: list[list[object]] = []
    for row in rows:
        line = [row[key] if default is None else
                default.arg(None) if default.is_callable else default.arg
                for key, default in sources]
        for index, processor in processors:
            line[index] = processor(line[index])
        lines.append(line)
    if statement.positional:
        connection.exec_driver_sql(str(statement), [tuple(line) for line in lines])
    else:
        names = [statement.escaped_bind_names.get(key, key) for key in order]
        connection.exec_driver_sql(str(statement),
                                   [dict(zip(names, line, strict=True)) for line in lines])


def empty_wal(engine: Engine) -> bool:
    """Fold the write-ahead log into the database file and truncate it to nothing: its old
    frames keep pages as they were (the audit chain's earlier keys among them), which
    `secure_delete` does not reach. False when another connection is reading and the log
    could not be emptied (it is tried again later)."""
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
