"""Creating a register (`init`, `init --database`): all or nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from app.db import Database
from app.errors import UserError
from app.paths import DataPaths
from app.services import accounts, setup
from tests.conftest import ADMIN_PASSWORD, SERVER, _server_admin, _server_database


@pytest.fixture
def empty(db: Database, tmp_path: Path) -> Iterator[DataPaths]:
    """A place with no register yet: a new folder, or in server mode a new empty database
    on the server (`db` only puts the test among the server's)."""
    if SERVER is None:
        yield DataPaths(tmp_path / "moi")
        return
    name = f"sovipham_moi_{uuid.uuid4().hex}"
    _server_admin(f"CREATE DATABASE {name}")
    try:
        yield DataPaths(tmp_path / "moi", _server_database(name))
    finally:
        _server_admin(f"DROP DATABASE {name} WITH (FORCE)")


def _leftovers(paths: DataPaths) -> list[str]:
    """What a register left: the folder's database and key file, or the server's tables
    and extensions."""
    if paths.server is None:
        return [p.name for p in (paths.database, paths.keys) if p.exists()]
    engine = create_engine(paths.server, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            extensions = conn.execute(text(
                "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")).scalars()
            return [*inspect(conn).get_table_names(), *extensions]
    finally:
        engine.dispose()


def test_an_init_that_fails_late_leaves_nothing_and_can_be_run_again(
        empty: DataPaths) -> None:
    """The administrator's password is refused once the schema, the key file and the lists
    are made: nothing of them stays (PostgreSQL's schema included), and `init` runs again."""
    with pytest.raises(UserError, match="Mật khẩu"):
        setup.init_data_folder(empty, "admin", "ngan")
    assert _leftovers(empty) == []
    db = setup.init_data_folder(empty, "admin", ADMIN_PASSWORD)
    try:
        assert accounts.authenticate(db, "admin", ADMIN_PASSWORD).username == "admin"
    finally:
        db.dispose()
