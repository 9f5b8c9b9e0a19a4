"""The schema as the migrations make it: Alembic's configuration, the revision a database
stores, and the migrations run on a connection. When to run them (and the copy before)
is `migrate.py`'s business; `storage.py` builds a copy's schema with them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def stored_revision(connection: Connection) -> str | None:
    """The revision stored in the database, None for a database without a schema."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    row = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").first()
    return row[0] if row is not None else None


def migrate(connection: Connection, revision: str = "head") -> None:
    """Run the migrations up to `revision` inside `connection`'s transaction."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


@contextmanager
def changing_schema(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction to migrate a database holding data. On SQLite foreign
    keys are off meanwhile and checked before the commit, as SQLite's procedure for
    rebuilding a table asks: dropping the old table would otherwise delete every row
    referring to it (ON DELETE CASCADE). SQLite takes that setting outside a transaction."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.driver_connection
        assert raw is not None
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("a migration left rows referring to no row")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")
