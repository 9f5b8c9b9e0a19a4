"""The bulk writer (import, demo) stores exactly what SQLAlchemy Core would."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import (
    URL,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    select,
)

from app.db import Database
from app.db.storage import insert_rows
from app.models import Child
from app.services import cases
from app.services.actor import Actor
from tests.conftest import TODAY, make_case


@pytest.mark.sqlite_only  # SQLite's driver in either style; the import covers the server's
@pytest.mark.parametrize("paramstyle", ["qmark", "named"])
def test_rows_leaving_out_columns_get_their_defaults_as_core_gives_them(
        db: Database, officer: Actor, paramstyle: str) -> None:
    """In the driver's parameter style: positional (SQLite's own) or by name (the style
    of PostgreSQL's and Oracle's drivers; SQLite's driver takes both)."""
    case_id = cases.create_case(db, officer, make_case(), today=TODAY).id
    table = Child.__table__
    # No uuid (a callable default, one per row) and no flags (scalar defaults).
    rows = [{"case_id": case_id, "full_name": name, "birth_year": 2015}
            for name in ("Lê Văn Tí", "Lê Thị Tèo")]
    url = URL.create("sqlite+pysqlcipher", password=f"x'{db.data_key.hex()}'",
                     database=str(db.paths.database))
    engine = create_engine(url, paramstyle=paramstyle)
    try:
        with engine.begin() as connection:
            insert_rows(connection, table, [dict(row) for row in rows])
            connection.execute(insert(table), [dict(row) for row in rows])
    finally:
        engine.dispose()
    with db.read() as session:
        stored = session.execute(select(Child).where(Child.case_id == case_id)
                                 .order_by(Child.id)).scalars().all()
    ours, cores = stored[:2], stored[2:]
    assert len({c.uuid for c in stored}) == 4 and all(len(c.uuid) == 36 for c in stored)
    for mine, core in zip(ours, cores, strict=True):
        assert ((mine.full_name, mine.birth_year, mine.guardian_informed,
                 mine.referred_to_protection)
                == (core.full_name, core.birth_year, core.guardian_informed,
                    core.referred_to_protection))


def test_dates_and_times_are_stored_as_the_same_text_as_core_stores_them(
        tmp_path: Path) -> None:
    """SQLite keeps dates as text, compared as text: a bulk-written time with no
    microseconds must not be `10:00:00` where Core writes `10:00:00.000000`."""
    metadata = MetaData()
    table = Table("t", metadata, Column("id", Integer, primary_key=True),
                  Column("day", Date), Column("at", DateTime))
    engine = create_engine(f"sqlite:///{tmp_path / 't.sqlite3'}")
    row = {"day": date(2026, 11, 20), "at": datetime(2026, 11, 20, 10, 0)}
    try:
        metadata.create_all(engine)
        with engine.begin() as connection:
            insert_rows(connection, table, [dict(row)])
            connection.execute(insert(table), [dict(row)])
            stored = connection.exec_driver_sql("SELECT day, at FROM t ORDER BY id").all()
    finally:
        engine.dispose()
    assert stored[0] == stored[1] == ("2026-11-20", "2026-11-20 10:00:00.000000")


@pytest.mark.sqlite_only  # a server's rows go through the driver's executemany
def test_every_kind_of_value_is_stored_with_the_type_and_text_core_stores(
        tmp_path: Path) -> None:
    """SQLite's rows travel as one JSON text: each value must come out as the same
    type and bytes as Core's parameter gives it (numbers written as text stay text,
    quotes, line breaks, NUL and characters outside the BMP intact; true as 1)."""
    metadata = MetaData()
    table = Table("t", metadata, Column("id", Integer, primary_key=True),
                  Column("n", Integer), Column("s", String(50)), Column("t", Text),
                  Column("d", Date), Column("b", Boolean), Column("big", BigInteger))
    texts = ["007", "1e3", "", "\"trích\" \\ 'dẫn'", "dòng 1\ndòng 2\r\n\ttab", "a\x00b",
             "😀 Đ đ", "null", " [1, 2] "]
    rows = [{"n": n, "s": s, "t": s[::-1], "d": date(2026, 1, 1 + n % 28), "b": n % 2 == 0,
             "big": 2**62 + n} for n, s in enumerate(texts)]
    rows.append({"n": None, "s": None, "t": None, "d": None, "b": None, "big": -(2**63)})
    url = URL.create("sqlite+pysqlcipher", password="x'" + "11" * 32 + "'",
                     database=str(tmp_path / "t.sqlite3"))
    engine = create_engine(url)
    # hex() of the stored bytes: quote() would stop at a NUL.
    columns = ", ".join(f"typeof({c}), hex({c})" for c in ("n", "s", "t", "d", "b", "big"))
    try:
        metadata.create_all(engine)
        with engine.begin() as connection:
            insert_rows(connection, table, [dict(row) for row in rows])
            connection.execute(insert(table), [dict(row) for row in rows])
            stored = connection.exec_driver_sql(f"SELECT {columns} FROM t ORDER BY id").all()
    finally:
        engine.dispose()
    assert stored[:len(rows)] == stored[len(rows):]
    assert stored[0][2:4] == ("text", b"007".hex().upper())
    assert stored[5][2:4] == ("text", b"a\x00b".hex().upper())
