"""«Kết nối máy chủ» at the service: this PC's server address kept in its data folder, the
password only in the system's credential store, and what «Kiểm tra kết nối» says of a
server (the latter on PostgreSQL, `SOVIPHAM_TEST_DATABASE_URL`)."""

from __future__ import annotations

import uuid
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import make_url

from app.db import Database
from app.db.database import ServerSchema
from app.errors import UserError
from app.paths import DataPaths
from app.services import server_connection
from app.services.server_connection import SETTINGS_FILE, ServerAddress
from tests.conftest import _server_admin
from tests.memory_keyring import MemoryKeyring, store

__all__ = ["store"]  # the fixture

SECRET = "mat-khau-may-chu-2026"


def test_the_address_is_kept_on_this_pc_and_the_password_only_in_the_store(
        tmp_path: Path, store: MemoryKeyring) -> None:
    paths = DataPaths(tmp_path / "du-lieu")
    address = ServerAddress("may-chu.donvi.local", 5433, "sovipham", "canbo")
    server_connection.save(paths, address, SECRET)

    assert server_connection.stored(paths) == address
    assert list(store.kept.values()) == [SECRET]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [p.name for p in written] == [SETTINGS_FILE]
    assert all(SECRET not in p.read_text(encoding="utf-8") for p in written)
    # The window opens that server, with the kept password.
    url = make_url(server_connection.window_paths(DataPaths(paths.root)).server or "")
    assert (url.host, url.port, url.database, url.username, url.password) == (
        "may-chu.donvi.local", 5433, "sovipham", "canbo", SECRET)
    # `--database` (or SOVIPHAM_DATABASE_URL) is what the user named: it comes first.
    named = DataPaths(paths.root, "postgresql://khac@may-khac/sovipham")
    assert server_connection.window_paths(named) == named
    assert server_connection.window_paths(named).server == named.server

    server_connection.forget(paths)
    assert server_connection.stored(paths) is None
    assert store.kept == {}
    assert server_connection.window_paths(DataPaths(paths.root)).server is None


def test_an_empty_password_keeps_none(tmp_path: Path, store: MemoryKeyring) -> None:
    """A server that trusts this PC, or libpq's password file, needs none kept."""
    paths = DataPaths(tmp_path / "du-lieu")
    address = ServerAddress("may-chu", database="sovipham", login="sovipham")
    server_connection.save(paths, address, SECRET)
    server_connection.save(paths, address, "")
    assert store.kept == {}
    assert make_url(server_connection.window_paths(paths).server or "").password is None


def test_without_a_credential_store_nothing_is_saved(tmp_path: Path) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        paths = DataPaths(tmp_path / "du-lieu")
        with pytest.raises(UserError, match="kho mật khẩu"):
            server_connection.save(paths, ServerAddress("may-chu"), SECRET)
    finally:
        keyring.set_keyring(before)
    assert not (paths.root / SETTINGS_FILE).exists()


def test_an_incomplete_address_is_refused(tmp_path: Path, store: MemoryKeyring) -> None:
    with pytest.raises(UserError, match="máy chủ, tên cơ sở dữ liệu"):
        server_connection.save(DataPaths(tmp_path), ServerAddress(" ", database=""), SECRET)
    assert store.kept == {}


def address_of(db: Database, **changes: str) -> ServerAddress:
    """The test's server database as an officer types it into the dialog."""
    if db.paths.server is None:
        pytest.skip("server mode only")
    url = make_url(db.paths.server)
    host = url.host or str(url.query["host"])
    values = {"host": host, "database": url.database or "", "login": url.username or ""}
    values.update(changes)
    return ServerAddress(values["host"], url.port or 5432, values["database"], values["login"])


def test_a_check_says_what_the_server_holds(db: Database) -> None:
    ready = server_connection.check(address_of(db), "")
    assert ready.schema is ServerSchema.CURRENT
    assert "sẵn sàng" in ready.message

    empty = f"sovipham_trong_{uuid.uuid4().hex}"
    _server_admin(f"CREATE DATABASE {empty}")
    try:
        found = server_connection.check(address_of(db, database=empty), "")
    finally:
        _server_admin(f"DROP DATABASE {empty}")
    assert found.schema is ServerSchema.EMPTY
    assert "còn trống" in found.message


@pytest.mark.parametrize(("changes", "said"), [
    ({"database": "khong_co_du_lieu"}, "không có cơ sở dữ liệu với tên này"),
    ({"login": "khong_co_ai"}, "không có tên đăng nhập này"),
    ({"host": "/khong/co/may/chu"}, "Không kết nối được máy chủ"),
])
def test_a_check_says_what_is_wrong(db: Database, changes: dict[str, str], said: str) -> None:
    with pytest.raises(UserError, match=said):
        server_connection.check(address_of(db, **changes), "")
