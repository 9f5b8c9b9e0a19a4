"""Keys follow roles in backups: only administrators (and the recovery key) open one, any
session's program can make one, and a restore accepts only what an administrator made or
approved, however it was forged by someone who holds the data key."""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.db import Database, open_database, storage
from app.db.engine import keyed_connection
from app.db.migrate import current_revision
from app.domain.case import ChildInput
from app.domain.labels import Role
from app.errors import NotAllowed, UserError
from app.models import AuditEntry
from app.paths import DataPaths
from app.security import keyfile, keys, sealing
from app.security.keyfile import SealedCopy, account_tag
from app.services import (
    accounts,
    accounts_seal,
    backup,
    backup_archive,
    cases,
    evidence,
    vault,
)
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.integrity import check_data_folder
from tests.backup_tools import (
    admin_key,
    copy_database,
    header_json,
    legacy_archive,
    read_back,
)
from tests.conftest import ADMIN_PASSWORD, PASSWORD, TODAY, make_case

CHILD = "Trần Thị Niêm Phong"
OTHERS = ("xem", "canbo", "lanhdao", "nghi")  # every account but the administrator


@pytest.fixture
def office(db: Database, admin: Actor, tmp_path: Path) -> tuple[Database, str]:
    """An office with an account of every role, a leaver whose account was disabled, a case
    with a child and a picture, and its recovery key."""
    for name, role in (("xem", Role.VIEWER), ("canbo", Role.OFFICER),
                       ("lanhdao", Role.LEADER), ("nghi", Role.OFFICER)):
        accounts.create_user(db, admin, username=name, full_name=name.title(), role=role,
                             password=PASSWORD)
    leaver = accounts.find_user(db, admin, "nghi")
    accounts.update_user(db, admin, leaver.id, active=False)
    case = cases.create_case(db, admin, make_case(children=(ChildInput(full_name=CHILD),)),
                             today=TODAY)
    picture = tmp_path / "anh.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + CHILD.encode() * 100)
    evidence.add_evidence(db, admin, case.id, picture)
    return db, accounts.replace_recovery_key(db, admin)


def _sign_in(db: Database, name: str) -> Actor:
    return accounts.authenticate(db, name, ADMIN_PASSWORD if name == "admin" else PASSWORD)


def _made(db: Database, how: str, target: Path) -> Path:
    """A backup made by hand in the administrator's session, or automatically in an
    officer's."""
    if how == "manual":
        return backup.make_backup(db, _sign_in(db, "admin"), target).path
    return backup.automatic_backup(db, _sign_in(db, "canbo")).path


def _only_the_administrator_signs_in(paths: DataPaths) -> None:
    """The officer's password opens nothing in the restored folder; the administrator's does."""
    again = open_database(paths)
    try:
        with pytest.raises(NotAllowed):
            accounts.authenticate(again, "canbo", PASSWORD)
        assert accounts.authenticate(again, "admin", ADMIN_PASSWORD).role == Role.ADMIN
    finally:
        again.dispose()


@pytest.mark.parametrize("how", ["manual", "automatic"])
def test_only_administrators_and_the_recovery_key_open_a_backup(
        office: tuple[Database, str], tmp_path: Path, how: str) -> None:
    db, recovery = office
    made = _made(db, how, tmp_path / "b.svpbak")
    # Not Xem, Cán bộ, Lãnh đạo, nor the leaver disabled before it was made: no wrap of the
    # header opens with their password...
    wraps = [keys.Wrap.from_json(wrap) for wrap in header_json(made)["wraps"]]
    for name in OTHERS:
        assert not [wrap for wrap in wraps if keys.unwrap(wrap, PASSWORD) is not None], name
    # ...and the data key, which every one of them holds, does not decrypt it.
    with pytest.raises(UserError, match="không giải mã"):
        backup_archive.verify_backup(made, db.data_key)
    for name in OTHERS:
        with pytest.raises(NotAllowed):
            backup.restore_backup(DataPaths(tmp_path / f"may-{name}"), made, current=None,
                                  actor=None, username=name, secret=PASSWORD)
    # An administrator and the recovery key open it on a reinstalled PC.
    by_admin = backup.restore_backup(DataPaths(tmp_path / "may-admin"), made, current=None,
                                     actor=None, username="admin", secret=ADMIN_PASSWORD)
    by_key = backup.restore_backup(DataPaths(tmp_path / "may-khoa"), made, current=None,
                                   actor=None, username=None, secret=recovery)
    assert (by_admin.cases, by_admin.evidence_files) == (by_key.cases, by_key.evidence_files) \
        == (1, 1)
    # Only the administrators' wraps came with it: the others need a reset.
    assert set(by_admin.accounts_to_reset) == {"xem", "canbo", "lanhdao"}
    _only_the_administrator_signs_in(DataPaths(tmp_path / "may-admin"))


def test_an_automatic_backup_of_an_officers_session_restores_by_an_administrator(
        office: tuple[Database, str], tmp_path: Path) -> None:
    db, _ = office
    officer = _sign_in(db, "canbo")
    cases.create_case(db, officer, make_case(summary="Ghi trong phiên cán bộ"), today=TODAY)
    made = backup.automatic_backup(db, officer).path
    header = backup_archive.read_header(made)
    assert header.automatic and header.mac is None  # made without the administrators' key
    with db.read() as session:
        row = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
    assert row is not None and (row.username, row.action) == ("canbo", AuditAction.BACKUP)
    cases.create_case(db, officer, make_case(summary="Ghi sau bản sao lưu"), today=TODAY)
    # Over the folder, in the administrator's session: no password asked.
    admin = _sign_in(db, "admin")
    assert backup.opens_without_secret(db, header)
    result = backup.restore_backup(db.paths, made, current=db, actor=admin, username=None,
                                   secret=None)
    assert result.cases == 2
    # The others keep their current password (the folder keeps its data key).
    assert result.accounts_to_reset == ()
    again = open_database(db.paths)
    try:
        assert accounts.authenticate(again, "canbo", PASSWORD).role == Role.OFFICER
        with pytest.raises(NotAllowed):  # a leaver stays out
            accounts.authenticate(again, "nghi", PASSWORD)
    finally:
        again.dispose()


def test_a_new_administrator_opens_the_backups_made_after_in_any_session(
        office: tuple[Database, str], tmp_path: Path) -> None:
    """The accounts seal follows an administrator's changes: promoted, the leader's wrap is
    in the officer's automatic backups and opens them."""
    db, _ = office
    admin = _sign_in(db, "admin")
    leader = accounts.find_user(db, admin, "lanhdao")
    accounts.update_user(db, admin, leader.id, role=Role.ADMIN, new_password=ADMIN_PASSWORD)
    made = backup.automatic_backup(db, _sign_in(db, "canbo")).path
    restored = backup.restore_backup(DataPaths(tmp_path / "moi"), made, current=None,
                                     actor=None, username="lanhdao", secret=ADMIN_PASSWORD)
    assert restored.cases == 1


# ---------------------------------------------------------------------- forgeries


def _forge(db: Database, target: Path, change: Callable[[Any], None] | None, *,
           mac_key: bytes | None = None, own_wrap: bool = False) -> Path:
    """A backup as an officer can write it with what he holds: the data key, the key file
    (readable), the program's own code. `change` alters the database copy; `mac_key`, a key
    of his, signs the header as an administrator's session would; `own_wrap` puts in the
    administrator's place a wrap of his own password."""
    paths, data_key = db.paths, db.data_key
    snapshot = target.with_suffix(".sqlite3")
    storage.copy_database(db.engine, snapshot, data_key)  # a file, whatever the engine
    with closing(keyed_connection(snapshot, data_key)) as copy:
        if change is not None:
            change(copy)
            copy.commit()
        hashes = [sha256 for (sha256,) in copy.execute(
            "SELECT DISTINCT sha256 FROM evidence ORDER BY sha256")]
    found = vault.load(paths)
    assert found.backup_key is not None and found.admin_key_id
    copies = [SealedCopy(tag, wrap) for tag, wrap in sorted(found.accounts.items())
              if wrap.holds_admin_key]
    if own_wrap:
        forged = keys.wrap_for_password(data_key + os.urandom(32), PASSWORD)
        copies = [SealedCopy(copy.account, forged) if copy.account == account_tag("admin")
                  else copy for copy in copies]
    assert found.recovery is not None
    copies.append(SealedCopy(None, found.recovery))
    with storage.opened_copy(snapshot, data_key) as engine:
        revision = current_revision(engine)
    assert revision is not None
    file_key = os.urandom(32)
    header = backup_archive.encode_header(
        revision, keys.key_id(data_key), found.admin_key_id, 1, len(hashes), copies,
        sealing.seal_file_key(found.backup_key, file_key), automatic=mac_key is None)
    mac = None if mac_key is None else sealing.mac(mac_key, sealing.MacPurpose.BACKUP,
                                                   backup_archive.signed_part(header))
    # A server's evidence goes beside the database, as the program writes it.
    with backup._set_apart(db, snapshot) as stored_in:
        backup_archive.write_archive(target, backup_archive.prefix(header, mac), file_key,
                                     backup_archive.members(paths, snapshot, hashes, stored_in),
                                     None, None)
    return target


def _make_canbo_administrator(connection: Any) -> None:
    connection.execute("UPDATE users SET role = ? WHERE username = 'canbo'", (str(Role.ADMIN),))


def _drop_seal(connection: Any) -> None:
    _make_canbo_administrator(connection)
    connection.execute("DELETE FROM settings WHERE key = ?", (accounts_seal.SETTING_KEY,))


FORGERIES: dict[str, dict[str, Any]] = {
    "administrator, no MAC": {"change": _make_canbo_administrator},
    "administrator, MAC of his own": {"change": _make_canbo_administrator, "mac": True},
    "administrator, seal removed": {"change": _drop_seal},
    "his wrap in the administrator's place": {"change": None, "own_wrap": True},
    "his wrap and a MAC of his own": {"change": None, "own_wrap": True, "mac": True},
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_forged_backup_is_refused(office: tuple[Database, str], tmp_path: Path,
                                    forgery: str) -> None:
    db, recovery = office
    _sign_in(db, "canbo")
    recipe = FORGERIES[forgery]
    mac_key = db.data_key if recipe.get("mac") else None  # the officer has no other key
    forged = _forge(db, tmp_path / "gia.svpbak", recipe["change"], mac_key=mac_key,
                    own_wrap=recipe.get("own_wrap", False))
    admin = _sign_in(db, "admin")
    with pytest.raises(NotAllowed, match="không do quản trị viên của đơn vị tạo"):
        backup.restore_backup(db.paths, forged, current=db, actor=admin, username=None,
                              secret=None)
    for username, secret in (("admin", ADMIN_PASSWORD), (None, recovery)):
        target = DataPaths(tmp_path / f"may-moi-{username}")
        with pytest.raises(NotAllowed):  # or the administrator's password opens nothing
            backup.restore_backup(target, forged, current=None, actor=None, username=username,
                                  secret=secret)
        assert not target.database.exists()
    assert accounts.find_user(db, admin, "canbo").role == Role.OFFICER


def test_what_an_officer_can_write_into_a_backup_is_what_he_can_write_into_the_data(
        office: tuple[Database, str], tmp_path: Path) -> None:
    """The limit that remains, as the docs state it: with the accounts as an administrator
    sealed them, a backup an officer writes is accepted (it holds what he could have written
    into the live database with the data key), and he stays an officer."""
    db, _ = office
    _sign_in(db, "canbo")

    def edit_a_case(connection: Any) -> None:
        connection.execute("UPDATE cases SET summary = 'Sửa ngoài chương trình'")

    forged = _forge(db, tmp_path / "gia.svpbak", edit_a_case)
    admin = _sign_in(db, "admin")
    backup.restore_backup(db.paths, forged, current=db, actor=admin, username=None, secret=None)
    again = open_database(db.paths)
    try:
        assert accounts.authenticate(again, "canbo", PASSWORD).role == Role.OFFICER
    finally:
        again.dispose()


@pytest.mark.sqlite_only("an older version's backup of the folder's file")
def test_a_forged_backup_of_the_old_format_needs_an_administrators_password(
        office: tuple[Database, str], tmp_path: Path) -> None:
    """Format 1 (before this version) is sealed with the data key itself, which every
    account holds: the program cannot tell who wrote one. It never opens with the session's
    keys alone, and restored with an administrator's password only that administrator can
    sign in: the officer who made himself administrator in it cannot."""
    db, _ = office
    _sign_in(db, "canbo")
    copy = tmp_path / "gia.sqlite3"
    copy_database(db.paths, db.data_key, copy, _make_canbo_administrator)
    found = keyfile.load(db.paths.keys)
    assert found is not None
    wraps = [{"account": tag, **wrap.to_json()} for tag, wrap in found.accounts.items()]
    forged = legacy_archive(db.paths, db.data_key, copy, tmp_path / "gia.svpbak", wraps)
    admin = _sign_in(db, "admin")
    with pytest.raises(NotAllowed, match="mật khẩu"):
        backup.restore_backup(db.paths, forged, current=db, actor=admin, username=None,
                              secret=None)
    backup.restore_backup(db.paths, forged, current=db, actor=admin, username="admin",
                          secret=ADMIN_PASSWORD)
    _only_the_administrator_signs_in(db.paths)


def test_a_header_with_too_many_wraps_is_refused_before_any_key_derivation(
        db: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = backup.make_backup(db, admin, tmp_path / "b.svpbak").path
    data = made.read_bytes()
    header = header_json(made)
    header["wraps"] = header["wraps"] * (backup_archive.MAX_COPIES + 1)
    raw = json.dumps(header).encode()
    crafted = tmp_path / "nhieu.svpbak"
    (length,) = struct.unpack(">I", data[8:12])
    crafted.write_bytes(data[:8] + struct.pack(">I", len(raw)) + raw + data[12 + length:])

    def no_derivation(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("Argon2 ran")

    monkeypatch.setattr(keys, "hash_secret_raw", no_derivation)
    with pytest.raises(UserError, match="không phải bản sao lưu của chương trình"):
        backup.restore_backup(DataPaths(tmp_path / "moi"), crafted, current=None, actor=None,
                              username="admin", secret=ADMIN_PASSWORD)


# ------------------------------------------------------------------ who, and when


@pytest.mark.parametrize("name", ["xem", "canbo", "lanhdao"])
def test_backups_by_hand_are_for_administrators_and_the_automatic_ones_for_all(
        office: tuple[Database, str], tmp_path: Path, name: str) -> None:
    db, _ = office
    actor = _sign_in(db, name)
    with pytest.raises(NotAllowed, match="sao lưu dữ liệu"):
        backup.make_backup(db, actor, tmp_path / "b.svpbak")
    made = backup.automatic_backup(db, actor)
    assert read_back(made.path, admin_key(db.paths)).cases == 1


def test_a_session_without_the_administrators_seal_makes_no_backup_until_one_signs_in(
        office: tuple[Database, str]) -> None:
    """A folder no administrator has signed in to since this version (no accounts seal):
    an officer's session cannot seal a backup an administrator would accept, and says so."""
    db, _ = office
    with db.write() as session:
        accounts_seal.discard(session.connection())
    officer = _sign_in(db, "canbo")
    assert backup.key_reminder(db, officer) == backup.NOT_READY
    with pytest.raises(UserError, match="quản trị viên cần đăng nhập một lần"):
        backup.automatic_backup(db, officer)
    _sign_in(db, "admin")
    officer = _sign_in(db, "canbo")
    assert backup.key_reminder(db, officer) is None
    backup.automatic_backup(db, officer)


def test_the_backup_key_is_checked_at_each_administrators_sign_in(
        office: tuple[Database, str]) -> None:
    """P is public and in a file anyone can write: an administrator's sign-in puts back the
    one the administrators' key gives, and the log says so."""
    db, _ = office
    found = vault.load(db.paths)
    found.backup_key = sealing.backup_public_key(os.urandom(32))
    vault.save(db.paths, found)
    _sign_in(db, "admin")
    repaired = vault.load(db.paths)
    assert db.admin_key is not None
    assert repaired.backup_key == sealing.backup_public_key(db.admin_key)
    with db.read() as session:
        actions = list(session.execute(select(AuditEntry.action)
                                       .order_by(AuditEntry.id)).scalars())
    assert actions[-2:] == [AuditAction.KEY_MISMATCH, AuditAction.LOGIN]


@pytest.mark.sqlite_only("changes the folder's file with sqlcipher3")
def test_check_finds_accounts_changed_outside_the_program(office: tuple[Database, str]) -> None:
    db, _ = office
    admin = _sign_in(db, "admin")
    assert check_data_folder(db, admin).ok
    with closing(keyed_connection(db.paths.database, db.data_key)) as connection:
        _make_canbo_administrator(connection)
        connection.commit()
    report = check_data_folder(db, admin)
    assert [p for p in report.problems if "niêm phong của quản trị viên không khớp" in p]


def test_an_old_recovery_key_that_cannot_open_backups_is_pointed_out(
        office: tuple[Database, str]) -> None:
    """A folder made before the administrators' key has a recovery wrap of the data key
    alone: the administrator is told to make a new recovery key."""
    db, _ = office
    found = vault.load(db.paths)
    found.recovery = keys.wrap_for_recovery(db.data_key, keys.new_recovery_key())
    vault.save(db.paths, found)
    admin = _sign_in(db, "admin")
    assert "khóa khôi phục mới" in (backup.key_reminder(db, admin) or "")
    accounts.replace_recovery_key(db, admin)
    assert backup.key_reminder(db, admin) is None
