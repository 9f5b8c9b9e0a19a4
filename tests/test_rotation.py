"""Replacing the keys: what the old ones opened no longer opens what comes after, nothing is
lost, and a crash at any step is finished at the administrator's next sign-in."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db import Database, encryption, open_database
from app.domain.case import ChildInput
from app.domain.labels import Role
from app.errors import NotAllowed, UserError
from app.models import AuditEntry, Case
from app.paths import DataPaths
from app.security import keyfile, keys
from app.services import accounts, backup, cases, evidence, rotation, setup
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.evidence_store import REKEYING_PREFIX, content_sha256, stored_hashes
from app.services.integrity import check_data_folder
from tests.backup_tools import admin_key, read_back
from tests.conftest import ADMIN_PASSWORD, PASSWORD, TODAY, make_case

ROOT = Path(__file__).resolve().parents[1]
CHILD = "Lê Thị Khóa Mới"


def _fill(db: Database, actor: Actor, tmp_path: Path, count: int = 3, size: int = 3000) -> None:
    for number in range(count):
        case = cases.create_case(db, actor, make_case(
            summary=f"Vụ số {number}", children=(ChildInput(full_name=CHILD),)), today=TODAY)
        picture = tmp_path / f"anh-{number}.png"
        picture.write_bytes(b"\x89PNG\r\n\x1a\n" + f"{CHILD} {number} ".encode() * (size // 20))
        evidence.add_evidence(db, actor, case.id, picture)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[tuple[Database, Actor, str]]:
    """A folder with a second administrator, an officer, three pictures and its recovery
    key, signed in as the first administrator."""
    recovery = keys.new_recovery_key()
    db = setup.init_data_folder(DataPaths(tmp_path / "data"), "admin", ADMIN_PASSWORD,
                                recovery_key=recovery)
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    accounts.create_user(db, admin, username="admin2", full_name="Quản trị hai",
                         role=Role.ADMIN, password=ADMIN_PASSWORD)
    accounts.create_user(db, admin, username="canbo", full_name="Cán bộ", role=Role.OFFICER,
                         password=PASSWORD)
    _fill(db, admin, tmp_path)
    yield db, admin, recovery
    db.dispose()


def _state(db: Database) -> tuple[int, dict[str, bool]]:
    """The cases and whether each stored file decrypts to its content with the open key."""
    with db.read() as session:
        count = session.execute(select(func.count(Case.id))).scalar_one()
    files = {sha: content_sha256(db.paths, sha, db.data_key) == sha
             for sha in stored_hashes(db.paths)}
    return count, files


def test_replacing_the_keys(office: tuple[Database, Actor, str], tmp_path: Path) -> None:
    db, admin, old_recovery = office
    paths = db.paths
    old_data, old_admin = db.data_key, db.admin_key
    assert old_admin is not None
    before = backup.make_backup(db, admin, tmp_path / "truoc.svpbak").path
    new_recovery = keys.new_recovery_key()
    result = rotation.rotate_keys(db, admin, ADMIN_PASSWORD, new_recovery)

    assert db.data_key != old_data and db.admin_key not in (None, old_admin)
    # What the old data key opened, it no longer opens: the database, every file.
    assert not encryption.opens_with(paths.database, old_data)
    assert encryption.opens_with(paths.database, db.data_key)
    assert _state(db) == (3, dict.fromkeys(stored_hashes(paths), True))
    assert all(content_sha256(paths, sha, old_data) is None for sha in stored_hashes(paths))
    assert (result.evidence_files, result.damaged_files) == (3, 0)
    # Every account but the one that replaced them needs a reset; the window says which.
    assert set(result.accounts_to_reset) == {"admin2", "canbo"}
    db.dispose()
    again = open_database(paths)
    for name, password in (("admin2", ADMIN_PASSWORD), ("canbo", PASSWORD)):
        with pytest.raises(NotAllowed):
            accounts.authenticate(again, name, password)
    with pytest.raises(NotAllowed, match="Khóa khôi phục không đúng"):
        accounts.recover_account(again, "admin", old_recovery, "bong-sen-moi-2027-x")
    admin = accounts.authenticate(again, "admin", ADMIN_PASSWORD)
    officer = accounts.find_user(again, admin, "canbo")
    accounts.update_user(again, admin, officer.id, new_password="tre-xanh-moi-2027")
    assert accounts.authenticate(again, "canbo", "tre-xanh-moi-2027").role == Role.OFFICER
    assert check_data_folder(again, accounts.authenticate(again, "admin", ADMIN_PASSWORD)).ok
    with again.read() as session:
        actions = list(session.execute(select(AuditEntry.action)
                                       .order_by(AuditEntry.id)).scalars())
    assert AuditAction.KEY_ROTATE in actions
    # A new backup, under the new keys; the ones made before still open with the old.
    assert result.backup is not None
    assert read_back(result.backup.path, admin_key(paths)).cases == 3
    restored = backup.restore_backup(DataPaths(tmp_path / "cu"), before, current=None,
                                     actor=None, username="admin", secret=ADMIN_PASSWORD)
    assert restored.cases == 3
    again.dispose()
    # The new recovery key works.
    third = open_database(paths)
    accounts.recover_account(third, "admin", new_recovery, "bong-sen-moi-2027-x")
    third.dispose()


def test_a_backup_made_before_the_change_restores_with_the_password_of_its_time(
        office: tuple[Database, Actor, str], tmp_path: Path) -> None:
    db, admin, _ = office
    before = backup.make_backup(db, admin, tmp_path / "truoc.svpbak").path
    old_data = db.data_key
    rotation.rotate_keys(db, admin, ADMIN_PASSWORD, keys.new_recovery_key())
    with pytest.raises(NotAllowed, match="mật khẩu"):
        backup.restore_backup(db.paths, before, current=db, actor=admin, username=None,
                              secret=None)
    backup.restore_backup(db.paths, before, current=db, actor=admin, username="admin",
                          secret=ADMIN_PASSWORD)
    again = open_database(db.paths)
    accounts.authenticate(again, "admin", ADMIN_PASSWORD)
    assert again.data_key == old_data  # the data as it was, under the keys of its time
    again.dispose()


def test_only_an_administrator_with_the_right_password_replaces_the_keys(
        office: tuple[Database, Actor, str]) -> None:
    db, admin, _ = office
    found = keyfile.load(db.paths.keys)
    with pytest.raises(UserError, match="Mật khẩu không đúng"):
        rotation.rotate_keys(db, admin, "sai-mat-khau", keys.new_recovery_key())
    officer = accounts.authenticate(db, "canbo", PASSWORD)
    with pytest.raises(NotAllowed):
        rotation.rotate_keys(db, officer, PASSWORD, keys.new_recovery_key())
    assert keyfile.load(db.paths.keys) == found
    assert not rotation.interrupted(db.paths)


def _crash_on_move(number: int) -> Callable[[str, str], None]:
    real = os.replace
    moves = 0

    def crashing(src: str, dst: str) -> None:
        nonlocal moves
        moves += 1
        if moves == number:
            raise KeyboardInterrupt("mất điện")
        real(src, dst)

    return crashing


def test_a_crash_at_each_step_leaves_old_keys_or_is_finished_at_the_next_sign_in(
        office: tuple[Database, Actor, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash before each rename (the journal, the database, each file, the key file), and
    one after everything but the audit row: signing in again finishes the change, or finds
    nothing changed; no one else can sign in meanwhile."""
    db, admin, _ = office
    paths = db.paths
    expected = _state(db)
    db.dispose()
    outcomes = set()
    crashes: list[tuple[str, object]] = [("move", n) for n in range(1, 7)]
    crashes.append(("seal", None))
    for kind, at in crashes:
        db = open_database(paths)
        admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
        old_data = db.data_key
        recovery = keys.new_recovery_key()
        with monkeypatch.context() as patch:
            if kind == "move":
                assert isinstance(at, int)
                patch.setattr(os, "replace", _crash_on_move(at))
            else:
                def power_cut(*_args: object, **_kwargs: object) -> None:
                    raise KeyboardInterrupt("mất điện")

                patch.setattr(rotation.audit, "record", power_cut)
            with pytest.raises(KeyboardInterrupt):
                rotation.rotate_keys(db, admin, ADMIN_PASSWORD, recovery)
        db.dispose()
        again = open_database(paths)  # the next start
        pending = rotation.interrupted(paths)
        if pending:
            with pytest.raises(NotAllowed, match="thay khóa mã hóa dữ liệu đang dở"):
                accounts.authenticate(again, "canbo", PASSWORD)
        admin = accounts.authenticate(again, "admin", ADMIN_PASSWORD)
        outcomes.add("new" if again.data_key != old_data else "old")
        assert pending == (again.data_key != old_data), (kind, at)
        assert _state(again) == expected, (kind, at)
        assert not rotation.interrupted(paths)
        assert not list(paths.evidence.glob(f"*/{REKEYING_PREFIX}*"))
        assert not list(paths.root.glob("*.dang-ma-hoa"))
        assert check_data_folder(again, admin).ok, (kind, at)
        # The officer is back after a reset (the keys changed) or as he was.
        officer = accounts.find_user(again, admin, "canbo")
        accounts.update_user(again, admin, officer.id, new_password=PASSWORD)
        again.dispose()
    assert outcomes == {"old", "new"}


def test_the_new_recovery_key_finishes_an_interrupted_change(
        office: tuple[Database, Actor, str], monkeypatch: pytest.MonkeyPatch) -> None:
    db, admin, _ = office
    expected = _state(db)
    recovery = keys.new_recovery_key()
    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", _crash_on_move(3))  # the first file
        with pytest.raises(KeyboardInterrupt):
            rotation.rotate_keys(db, admin, ADMIN_PASSWORD, recovery)
    db.dispose()
    again = open_database(db.paths)
    accounts.recover_account(again, "admin", recovery, "bong-sen-moi-2027-x")
    assert not rotation.interrupted(db.paths) and _state(again) == expected
    again.dispose()


_ROTATE = """
import sys
from pathlib import Path
from app.paths import DataPaths
from app.security import keys
from app.services import accounts, rotation
from app.services.data_folder import open_data_folder

keys.kdf_params = keys.KdfParams(time_cost=1, memory_cost=1024, parallelism=1)
db = open_data_folder(DataPaths(Path(sys.argv[1])))
admin = accounts.authenticate(db, "admin", sys.argv[2])
rotation.rotate_keys(db, admin, sys.argv[2], sys.argv[3])
db.dispose()
"""


def _run(arguments: list[str], kill_after: float | None) -> float | None:
    """Rotate in a program of its own; SIGKILL it after `kill_after` seconds. Its duration
    if it finished."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", _ROTATE, *arguments],
                               env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, error = process.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None
    assert process.returncode == 0, error.decode()
    return time.perf_counter() - started


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killing_the_change_of_keys_never_loses_data(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    db = setup.init_data_folder(paths, "admin", ADMIN_PASSWORD)
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    _fill(db, admin, tmp_path, count=8, size=2 << 20)  # 16 MB of pictures
    expected = _state(db)
    db.dispose()
    arguments = [str(paths.root), ADMIN_PASSWORD]
    full = _run([*arguments, keys.new_recovery_key()], None) or 1.0
    rng = random.Random(2027)
    killed = 0
    # Until three runs were killed part way (a loaded machine finishes some before their
    # kill), each followed by the check.
    for _ in range(12):
        if killed == 3:
            break
        if _run([*arguments, keys.new_recovery_key()], rng.uniform(0.2, 0.9) * full) is None:
            killed += 1
        db = open_database(paths)
        admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)  # finishes it if begun
        assert not rotation.interrupted(paths)
        assert _state(db) == expected
        assert check_data_folder(db, admin).ok
        db.dispose()
    assert killed == 3


def test_replacing_the_keys_of_the_register_on_either_engine(db: Database, admin: Actor,
                                                             tmp_path: Path) -> None:
    """In server mode too (the register on PostgreSQL): the evidence's parts sealed again
    and the key file's row sealed for the administrator and the new recovery key only, in
    one transaction with the accounts' seal and the audit row."""
    accounts.create_user(db, admin, username="canbo", full_name="Cán bộ", role=Role.OFFICER,
                         password=PASSWORD)
    _fill(db, admin, tmp_path, count=2)
    old_data = db.data_key
    new_recovery = keys.new_recovery_key()
    result = rotation.rotate_keys(db, admin, ADMIN_PASSWORD, new_recovery)

    assert db.data_key != old_data
    assert _state(db) == (2, dict.fromkeys(stored_hashes(db.paths), True))
    assert all(content_sha256(db.paths, sha, old_data) is None
               for sha in stored_hashes(db.paths))
    assert (result.evidence_files, result.damaged_files) == (2, 0)
    assert result.accounts_to_reset == ("canbo",)
    assert not rotation.interrupted(db.paths)
    db.dispose()
    again = open_database(db.paths)
    with pytest.raises(NotAllowed):
        accounts.authenticate(again, "canbo", PASSWORD)
    admin = accounts.authenticate(again, "admin", ADMIN_PASSWORD)
    assert again.data_key != old_data
    assert check_data_folder(again, admin).ok
    with again.read() as session:
        assert AuditAction.KEY_ROTATE in session.execute(select(AuditEntry.action)).scalars()
    assert result.backup is not None
    assert read_back(result.backup.path, admin_key(db.paths)).cases == 2
    accounts.recover_account(again, "admin", new_recovery, "bong-sen-moi-2027-x")
    again.dispose()
