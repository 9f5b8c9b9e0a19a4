"""Creating a register (`init`, `init --database`): all or nothing."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, make_url, select, text
from sqlalchemy.pool import NullPool

from app.db import Database, open_database
from app.errors import DataFolderError, UserError
from app.models import User
from app.paths import DataPaths
from app.services import accounts, server_connection, setup
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
    """What a register left: the folder's database and key file, or the server's tables,
    functions and extensions."""
    if paths.server is None:
        return [p.name for p in (paths.database, paths.keys) if p.exists()]
    engine = create_engine(paths.server, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            extensions = conn.execute(text(
                "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")).scalars()
            functions = conn.execute(text(  # the program's, not an extension's
                "SELECT proname FROM pg_proc p WHERE pronamespace = 'public'::regnamespace "
                "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid "
                "AND d.deptype = 'e')")).scalars()
            return [*inspect(conn).get_table_names(), *functions, *extensions]
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


# A child that runs `init` on the server and stops at STEP (prints "stopped", then sleeps)
# until the test kills it: the steps after the schema commit one by one.
_INIT_UNTIL = """
import sys, time
from app.paths import DataPaths
from app.services import accounts, setup, vault

def stop(*args, **kwargs):
    print("stopped", flush=True)
    time.sleep(600)

root, url, step, password = sys.argv[1:]
if step == "key_file":
    vault.new_key_file = stop
else:
    accounts.create_user = stop
setup.init_data_folder(DataPaths(Path(root), url), "admin", password)
"""


def _killed_during_init(paths: DataPaths, step: str) -> subprocess.Popen[str]:
    """A child running `init` on `paths`, stopped at `step` (the schema made, and with
    `create_user` the key file and the lists too), still running: the caller kills it."""
    code = "from pathlib import Path\n" + _INIT_UNTIL
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(paths.root), str(paths.server), step, ADMIN_PASSWORD],
        cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "stopped"
    return child


def _wait_until_gone(paths: DataPaths, child: subprocess.Popen[str]) -> None:
    """The child killed, and its connections ended on the server (which then drops their
    locks): the server notices a closed connection a moment after the kill."""
    child.kill()
    child.wait()
    assert paths.server is not None
    name = make_url(paths.server).database
    engine = create_engine(paths.server, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            while conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :name "
                    "AND pid <> pg_backend_pid()"), {"name": name}).scalar_one():
                time.sleep(0.05)
    finally:
        engine.dispose()


@pytest.mark.skipif(SERVER is None, reason="init on a server commits its steps one by one")
@pytest.mark.parametrize("step", ["key_file", "create_user"])
def test_an_init_killed_part_way_on_a_server_is_explained_and_made_again(
        empty: DataPaths, step: str) -> None:
    """`init --database` killed after the schema is made (before the key file's row, or
    before the first administrator): signing in says what happened and what to do, while
    it runs a second `init` is refused, and once it is dead `init` makes the register
    afresh."""
    child = _killed_during_init(empty, step)
    try:
        with pytest.raises(UserError, match="Một máy khác đang khởi tạo"):
            setup.init_data_folder(empty, "admin", ADMIN_PASSWORD)
    finally:
        _wait_until_gone(empty, child)
    with pytest.raises(DataFolderError, match=r"chưa khởi tạo xong.*khởi tạo lại"):
        open_database(empty)
    assert not server_connection.has_register(str(empty.server))  # the window makes it
    db = setup.init_data_folder(empty, "admin", ADMIN_PASSWORD)
    try:
        assert accounts.authenticate(db, "admin", ADMIN_PASSWORD).username == "admin"
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(User)) == 1
    finally:
        db.dispose()
    assert server_connection.has_register(str(empty.server))
