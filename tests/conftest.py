"""Shared fixtures: a real data folder on a temporary path, accounts of every role.

Qt is the window's business: only tests that ask for `qtbot`, `qapp` or `open_window`
create the application (and import `app.ui`)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from argon2 import PasswordHasher
from sqlalchemy import make_url

from app.db import Database, open_database
from app.domain.case import CaseInput
from app.domain.labels import Role
from app.paths import ENV_DATABASE_URL, DataPaths
from app.security import keys
from app.services import accounts, setup
from app.services.actor import Actor

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication
    from pytestqt.qtbot import QtBot

    from app.ui.main_window import MainWindow

# Sealing the data key at full Argon2 cost would double the cost of every sign-in in
# the suite; the cost is stored with each wrap, so this changes speed only
# (tests/test_vault.py checks the default).
keys.kdf_params = keys.KdfParams(time_cost=1, memory_cost=1024, parallelism=1)
# The same for account passwords; each hash stores its cost, so this changes speed only
# (tests/test_accounts.py checks the program's own hasher, kept here).
PROGRAM_PASSWORD_HASHER = accounts.password_hasher
accounts.password_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

ADMIN_PASSWORD = "gio-mua-thu-ve-2026"
PASSWORD = "cay-tre-xanh-ven-ao"
TODAY = date(2026, 11, 20)


@pytest.fixture(scope="session")
def qapp(qapp: QApplication) -> QApplication:
    """pytest-qt's application, in Vietnamese as the window's (numbers 1.234.567, Qt's own
    texts), for the tests that use Qt and for them only."""
    from app.ui.collector import collect_on_ui_thread
    from app.ui.translations import use_vietnamese

    collect_on_ui_thread(qapp)
    use_vietnamese()
    return qapp


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Once the window's tests turned automatic collection off, the tests that spin no event
    loop still collect, between tests and on this (the UI) thread."""
    collector = sys.modules.get("app.ui.collector")
    if collector is not None:
        collector.collect_due()


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    """The test's data folder; in server mode, with a database of its own on the server
    (made by the `db` fixture)."""
    if SERVER is None:
        return DataPaths(tmp_path / "data")
    return DataPaths(tmp_path / "data", _server_database(f"sovipham_{uuid.uuid4().hex}"))


@pytest.fixture
def system_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder, private to this test (and to programs it starts)."""
    folder = tmp_path / "he-thong-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(name, str(folder))
    return folder


# Server mode: with this set (`postgresql+psycopg://user@host:port/postgres`, a login that
# may create databases; scripts/pg_cluster.sh starts one), the tests that use the `db`
# fixture and no Qt run on PostgreSQL, each on a database of its own copied from one that
# `init` made, and the window's tests marked `server_window`; the others are deselected (they
# ran on SQLite already).
SERVER = os.environ.get("SOVIPHAM_TEST_DATABASE_URL")
# One per test session, so that sessions sharing a server leave each other alone.
TEMPLATE_DATABASE = f"sovipham_mau_{os.getpid()}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SERVER is None:
        return
    window = {"qtbot", "qapp", "open_window"}
    kept, left = [], []
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        on_server = ("db" in names
                     and (not names & window or item.get_closest_marker("server_window"))
                     and item.get_closest_marker("sqlite_only") is None)
        (kept if on_server else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def _server_admin(statement: str) -> None:
    """`statement` (CREATE or DROP DATABASE, which no transaction may hold) on the server."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    assert SERVER is not None
    engine = create_engine(SERVER, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _server_database(name: str) -> str:
    assert SERVER is not None
    return make_url(SERVER).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pristine_folder(tmp_path_factory: pytest.TempPathFactory,
                    ) -> Iterator[tuple[DataPaths, bytes]]:
    """A data folder as `init` leaves it (administrator `admin`), made once per session,
    and its data key. Nothing in it belongs to a process or a path once its engine is
    disposed: SQLite folds the WAL into the file when the last connection closes, and
    only the window and the commands take the folder's lock. (Its audit log's `init` row
    names the folder it was made in, as a restored backup's does.) In server mode its
    database is the template each test's is copied from, removed at the end."""
    paths = DataPaths(tmp_path_factory.mktemp("pristine") / "data")
    if SERVER is not None:
        _server_admin(f"CREATE DATABASE {TEMPLATE_DATABASE}")
        paths = DataPaths(paths.root, _server_database(TEMPLATE_DATABASE))
    database = setup.init_data_folder(paths, "admin", ADMIN_PASSWORD, "Quản trị viên")
    data_key = database.data_key
    database.dispose()
    leftovers = [p.name for p in paths.root.iterdir()
                 if p.name not in (paths.database.name, paths.keys.name) and not p.is_dir()]
    assert leftovers == [], f"the pristine folder holds {leftovers}: not safe to copy"
    yield paths, data_key
    if SERVER is not None:
        _server_admin(f"DROP DATABASE {TEMPLATE_DATABASE} WITH (FORCE)")


@pytest.fixture
def db(paths: DataPaths, pristine_folder: tuple[DataPaths, bytes],
       monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A new data folder of the test's own, opened and unlocked as after `init`: a copy
    of the session's pristine folder (the same data key for every test's folder). In
    server mode the server copies the pristine database as it copies a template, and the
    commands the test runs find it as `SOVIPHAM_DATABASE_URL`."""
    pristine, data_key = pristine_folder
    shutil.copytree(pristine.root, paths.root)
    if paths.server is not None:
        name = make_url(paths.server).database
        _server_admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DATABASE}")
        monkeypatch.setenv(ENV_DATABASE_URL, paths.server)
    try:
        database = open_database(paths)
        try:
            database.unlock(data_key)
            yield database
        finally:
            database.dispose()
    finally:
        if paths.server is not None:
            _server_admin(f"DROP DATABASE {name} WITH (FORCE)")


def folder_key(root: Path, username: str = "admin", password: str = ADMIN_PASSWORD) -> bytes:
    """The data key of the folder `root` (or of a copy of its parts, such as the safety copy
    of a restore), unsealed from its key file with an account's password."""
    return sealed_data_key(DataPaths(root), username, password)


def sealed_data_key(paths: DataPaths, username: str = "admin",
                    password: str = ADMIN_PASSWORD) -> bytes:
    """The data key unsealed with an account's password from the key file of `paths` (in
    server mode, the server's)."""
    from app.security import keyfile
    from app.services import vault

    found = vault.load(paths)
    data_key = keys.unwrap(found.accounts[keyfile.account_tag(username)], password)
    assert data_key is not None, f"{username}'s password does not open {paths.root}"
    return data_key[:keys.KEY_SIZE]  # an administrator's wrap holds their key after it


def open_unlocked(paths: DataPaths, username: str = "admin",
                  password: str = ADMIN_PASSWORD) -> Database:
    """The folder's database opened with the key an account's password unseals, as a test
    looks into it: without a sign-in of its own in the audit log."""
    database = open_database(paths)
    database.unlock(sealed_data_key(paths, username, password))
    return database


@pytest.fixture
def admin(db: Database) -> Actor:
    return accounts.authenticate(db, "admin", ADMIN_PASSWORD)


def _account(db: Database, admin: Actor, name: str, role: Role) -> Actor:
    accounts.create_user(db, admin, username=name, full_name=name.title(), role=role,
                         password=PASSWORD)
    return accounts.authenticate(db, name, PASSWORD)


@pytest.fixture
def officer(db: Database, admin: Actor) -> Actor:
    return _account(db, admin, "canbo", Role.OFFICER)


@pytest.fixture
def leader(db: Database, admin: Actor) -> Actor:
    return _account(db, admin, "lanhdao", Role.LEADER)


@pytest.fixture
def viewer(db: Database, admin: Actor) -> Actor:
    return _account(db, admin, "xem", Role.VIEWER)


@pytest.fixture
def open_window(qtbot: QtBot, db: Database) -> Iterator[Callable[[Actor], MainWindow]]:
    """Shows main windows on `db`, held until the test is over and then deleted by Qt.

    qtbot holds widgets weakly: a window dropped by the test stays on screen, and if a
    reference cycle holds it, Python's collector can delete it in the middle of its own
    paint, which crashes the process."""
    from app.ui.main_window import MainWindow

    opened: list[MainWindow] = []

    def show(actor: Actor) -> MainWindow:
        window = MainWindow(db, actor)
        qtbot.addWidget(window)
        window.show()
        opened.append(window)
        return window

    yield show
    for window in opened:
        window.runner.wait()
        if window.isVisible():
            window.close()
        window.deleteLater()


def make_case(**changes: object) -> CaseInput:
    """A valid case as an officer would type it; override any field."""
    values: dict[str, object] = {
        "detected_on": date(2026, 10, 5),
        "platform_code": "FB",
        "account": "Hóng biến Minh Tân",
        "group_code": "TG",
        "summary": "Đăng tin sai sự thật về việc bắt cóc trẻ em tại chợ.",
        "url": "https://www.facebook.com/hongbien/posts/123",
    }
    values.update(changes)
    return CaseInput(**values)  # type: ignore[arg-type]


# The children named by the window's tests (and others): no log may ever carry them.
CHILD_NAMES_IN_TESTS = ("Nguyễn Văn An", "Trần Thị Bé", "Lê Thị Bé", "Lê Thị Bống", "Lê Văn Tí",
                        "Lê Bé Na", "Bé Một", "Bé Hai", "Đặng Thị Thuỳ Zuyến", "Hứa Vĩnh Khiêm")


@pytest.fixture(scope="session", autouse=True)
def logs_never_name_a_child(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Whatever the program logs during the session is written as the window writes it; at
    the end, no log file of the session or of any test's data folder names a child."""
    import logging

    from app import errorlog

    root = logging.getLogger()
    level = root.level  # errors are what matter here; the suite's other logging stays as it was
    handler = errorlog.install(DataPaths(tmp_path_factory.mktemp("nhat-ky-phien")))
    root.setLevel(level)
    yield
    root.removeHandler(handler)
    handler.close()
    logs = [p for p in tmp_path_factory.getbasetemp().rglob("logs/*") if p.is_file()]
    named = [f"{p}: {name}" for p in logs for name in CHILD_NAMES_IN_TESTS
             if name in p.read_text(encoding="utf-8", errors="replace")]
    assert named == [], "a log names a child"


def marker_forms(names: tuple[str, ...] = CHILD_NAMES_IN_TESTS) -> list[bytes]:
    """`names` as bytes in every form a file could hold them: composed and decomposed,
    without diacritics (đ as d), in UTF-8 and UTF-16."""
    from app.text import fold

    forms = {form for name in names
             for form in (unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name),
                          fold(name), fold(name).upper())}
    return [form.encode(encoding) for form in forms for encoding in ("utf-8", "utf-16-le")]


@pytest.fixture(scope="session", autouse=True)
def data_folders_never_name_a_child(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """At the end of the session, no file of any test's data folder (database, WAL, key file,
    evidence, backups, reports, printouts, preferences) nor of any test's private temporary
    folder names a child, in any form: the database and the backups are encrypted, and what
    the program writes there in clear is masked."""
    yield
    base = tmp_path_factory.getbasetemp()
    places = {path.parent for path in base.rglob(DataPaths(Path()).keys.name)}
    places |= set(base.rglob("he-thong-tmp"))
    needles = marker_forms()
    named = sorted(str(path) for place in places for path in place.rglob("*")
                   if path.is_file() and _names(path, needles))
    assert named == [], f"{len(named)} files name a child: {named[:20]}"


def _names(path: Path, needles: list[bytes]) -> bool:
    try:
        data = path.read_bytes()
    except OSError:  # removed meanwhile
        return False
    return any(needle in data for needle in needles)
