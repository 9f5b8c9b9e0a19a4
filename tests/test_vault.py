"""Encryption at rest: the file format, the data key's wraps, and that no password
change, reset or recovery ever loses access to what is encrypted."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest

from app.db import Database, open_database
from app.domain.labels import Role
from app.errors import NotAllowed, UserError
from app.paths import DataPaths
from app.security import keyfile, keys, sealing
from app.security.cipher import (
    CHUNK,
    DecryptionError,
    Encryptor,
    decrypted_chunks,
    encrypt_file,
)
from app.services import accounts, cases, evidence, setup, vault
from app.services.actor import Actor
from app.services.evidence_store import read_content, stored_path
from tests.conftest import ADMIN_PASSWORD, PASSWORD, TODAY, make_case

KEY = bytes(range(32))
MARKER = "Nguyễn Bé Dấu Vết".encode()


def _sealed(plain: bytes, key: bytes = KEY, aad: bytes = b"") -> bytes:
    sink = io.BytesIO()
    encryptor = Encryptor(key, sink, aad=aad)
    encryptor.write(plain)
    encryptor.close()
    return sink.getvalue()


def _opened(sealed: bytes, key: bytes = KEY, aad: bytes = b"") -> bytes:
    return b"".join(decrypted_chunks(key, io.BytesIO(sealed), aad=aad))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 7])
def test_round_trip_at_chunk_edges(size: int) -> None:
    plain = (MARKER * (size // len(MARKER) + 1))[:size]
    sealed = _sealed(plain)
    assert _opened(sealed) == plain
    if size >= len(MARKER):
        assert MARKER not in sealed


def test_streamed_writes_give_the_same_plaintext() -> None:
    plain = bytes(range(256)) * 9000
    source = io.BytesIO(plain)
    sink = io.BytesIO()
    encrypt_file(KEY, source, sink)
    assert _opened(sink.getvalue()) == plain


@pytest.mark.parametrize("damage", [
    "flip-first-chunk", "flip-last-byte", "truncate-at-chunk", "truncate-mid", "append",
    "wrong-key", "wrong-aad", "swap-chunks", "not-ours",
])
def test_damage_is_refused_not_half_read(damage: str) -> None:
    plain = MARKER * (3 * CHUNK // len(MARKER))
    sealed = bytearray(_sealed(plain, aad=b"header"))
    header, full = 24, CHUNK + 16
    key, aad = KEY, b"header"
    if damage == "flip-first-chunk":
        sealed[header + 10] ^= 1
    elif damage == "flip-last-byte":
        sealed[-1] ^= 1
    elif damage == "truncate-at-chunk":
        del sealed[header + 2 * full:]
    elif damage == "truncate-mid":
        del sealed[len(sealed) // 2:]
    elif damage == "append":
        sealed += b"\0" * 16
    elif damage == "wrong-key":
        key = bytes(32)
    elif damage == "wrong-aad":
        aad = b"other"
    elif damage == "swap-chunks":
        first = sealed[header:header + full]
        sealed[header:header + full] = sealed[header + full:header + 2 * full]
        sealed[header + full:header + 2 * full] = first
    else:
        sealed[:6] = b"PK\3\4\0\0"
    with pytest.raises(DecryptionError):
        _opened(bytes(sealed), key, aad)


def test_default_key_derivation_is_memory_hard() -> None:
    # The suite runs with a cheaper cost (conftest); the program's own default:
    default = keys.KdfParams()
    assert default.time_cost >= 3 and default.memory_cost >= 64 * 1024


def test_wraps_open_with_their_secret_only() -> None:
    data_key = keys.new_data_key()
    by_password = keys.wrap_for_password(data_key, "mật khẩu có dấu")
    assert keys.unwrap(by_password, "mật khẩu có dấu") == data_key
    # The same password typed with combining accents (NFD) opens it too.
    assert keys.unwrap(by_password, unicodedata.normalize("NFD", "mật khẩu có dấu")) == data_key
    assert keys.unwrap(by_password, "mat khau co dau") is None
    recovery = keys.new_recovery_key()
    by_recovery = keys.wrap_for_recovery(data_key, recovery)
    assert keys.unwrap(by_recovery, recovery.lower().replace("-", " ")) == data_key
    assert keys.unwrap(by_recovery, keys.new_recovery_key()) is None
    assert keys.Wrap.from_json(by_password.to_json()) == by_password


def test_the_program_seals_within_the_bounds_it_accepts() -> None:
    assert keys.KdfParams().accepted and keys.kdf_params.accepted  # its own and the suite's


@pytest.mark.parametrize("changes", [
    {"params": {"time_cost": 2**31 - 1, "memory_cost": 1024, "parallelism": 1}},  # years
    {"params": {"time_cost": 1, "memory_cost": 2**32 - 1, "parallelism": 1}},  # 4 TiB
    {"params": {"time_cost": 1, "memory_cost": 1024, "parallelism": 2**24 - 1}},
    {"params": {"time_cost": 0, "memory_cost": 1024, "parallelism": 1}},
    {"params": {"time_cost": 11, "memory_cost": 64 * 1024, "parallelism": 4}},
    {"params": {"time_cost": 1, "memory_cost": 1024 * 1024 + 1, "parallelism": 1}},
    {"params": {"time_cost": True, "memory_cost": 1024, "parallelism": 1}},
    {"params": {"time_cost": "3", "memory_cost": 1024, "parallelism": 1}},
    {"params": {"time_cost": 3.0, "memory_cost": 1024, "parallelism": 1}},
    {"params": {"time_cost": 1, "memory_cost": 1024}},
    {"params": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1, "secret": 0}},
    {"params": [1, 1024, 1]},
    {"kind": "argon2"},  # an unknown kind would be derived as a password
    {"salt": "AAAA"},  # 3 bytes: Argon2 needs 8
    {"nonce": "AAAA"},
    {"sealed": "not base64!"},
])
def test_a_crafted_wrap_is_refused_before_any_key_derivation(
        changes: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_derivation(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("Argon2 ran")

    monkeypatch.setattr(keys, "hash_secret_raw", no_derivation)
    good = keys.Wrap(keys.WrapKind.PASSWORD, bytes(16), keys.KdfParams(1, 1024, 1), bytes(12),
                     bytes(48)).to_json()
    assert keys.Wrap.from_json(good).params == keys.KdfParams(1, 1024, 1)
    with pytest.raises(keys.WrapRefused) as refused:
        keys.Wrap.from_json({**good, **changes})
    assert refused.value.message.startswith("Khóa niêm phong dữ liệu bị hỏng hoặc đã bị sửa")


def test_the_recovery_wrap_takes_no_argon2_cost() -> None:
    recovery = keys.new_recovery_key()
    wrap = keys.wrap_for_recovery(keys.new_data_key(), recovery)
    assert keys.Wrap.from_json(wrap.to_json()) == wrap


def _png(tag: str) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + MARKER + tag.encode() * 50


def _evidence(db: Database, actor: Actor, tmp_path: Path, tag: str) -> str:
    case = cases.create_case(db, actor, make_case(), today=TODAY)
    source = tmp_path / f"{tag}.png"
    source.write_bytes(_png(tag))
    return evidence.add_evidence(db, actor, case.id, source).record.sha256


def _fresh_session(paths: DataPaths, username: str, password: str) -> Database:
    """Sign in again in a new program run: nothing of the old key stays in memory."""
    db = open_database(paths)
    accounts.authenticate(db, username, password)
    return db


def test_password_change_reset_and_recovery_keep_access(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    recovery = keys.new_recovery_key()
    db = setup.init_data_folder(paths, "admin", ADMIN_PASSWORD, recovery_key=recovery)
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    officer_record = accounts.create_user(db, admin, username="canbo", full_name="Cán Bộ",
                                          role=Role.OFFICER, password=PASSWORD)
    officer = accounts.authenticate(db, "canbo", PASSWORD)
    sha256 = _evidence(db, officer, tmp_path, "a")
    assert MARKER not in stored_path(paths, sha256).read_bytes()
    db.dispose()

    # The officer changes the password; the file still opens in a new run.
    db = _fresh_session(paths, "canbo", PASSWORD)
    accounts.change_password(db, officer, PASSWORD, "tre-xanh-moi-1")
    db.dispose()
    db = _fresh_session(paths, "canbo", "tre-xanh-moi-1")
    assert read_content(paths, sha256, db.data_key) == _png("a")
    db.dispose()

    # The administrator resets it (the officer forgot it).
    db = _fresh_session(paths, "admin", ADMIN_PASSWORD)
    accounts.update_user(db, admin, officer_record.id, new_password="dat-lai-2026")
    db.dispose()
    db = _fresh_session(paths, "canbo", "dat-lai-2026")
    assert read_content(paths, sha256, db.data_key) == _png("a")
    db.dispose()

    # Nobody remembers the administrator's password: the recovery key sets a new one.
    db = open_database(paths)
    with pytest.raises(NotAllowed, match="Khóa khôi phục không đúng"):
        accounts.recover_account(db, "admin", keys.new_recovery_key(), "bong-sen-moi-2027")
    accounts.recover_account(db, "admin", recovery, "bong-sen-moi-2027")
    db.dispose()
    db = _fresh_session(paths, "admin", "bong-sen-moi-2027")
    assert read_content(paths, sha256, db.data_key) == _png("a")
    # A new recovery key replaces the old one.
    newer = accounts.replace_recovery_key(db, admin)
    with pytest.raises(NotAllowed):
        accounts.recover_account(db, "admin", recovery, "bong-sen-moi-2028")
    accounts.recover_account(db, "admin", newer, "bong-sen-moi-2028")
    db.dispose()


def test_an_account_without_a_wrap_signs_in_after_a_reset(db: Database, admin: Actor) -> None:
    newcomer = accounts.create_user(db, admin, username="moi", full_name="Mới",
                                    role=Role.OFFICER, password=PASSWORD)
    found = vault.load(db.paths)
    assert found is not None
    del found.accounts[keyfile.account_tag("moi")]
    vault.save(db.paths, found)
    with pytest.raises(NotAllowed):
        accounts.authenticate(db, "moi", PASSWORD)
    accounts.update_user(db, admin, newcomer.id, new_password="dat-lai-2026")
    assert accounts.authenticate(db, "moi", "dat-lai-2026").username == "moi"


def test_a_disabled_account_loses_its_wrap(db: Database, admin: Actor, officer: Actor) -> None:
    tag = keyfile.account_tag("canbo")
    before = vault.load(db.paths)
    assert before is not None and tag in before.accounts
    accounts.update_user(db, admin, officer.user_id, active=False)
    after = vault.load(db.paths)
    assert after is not None and tag not in after.accounts


def _sealed_keys(paths: DataPaths, username: str, password: str) -> vault.FolderKeys:
    found = vault.load(paths)
    assert found is not None
    opened = vault.unseal(found.accounts[keyfile.account_tag(username)], password)
    assert opened is not None
    return opened


def test_only_administrators_hold_the_administrators_key(db: Database, admin: Actor) -> None:
    held = db.admin_key
    assert held is not None and _sealed_keys(db.paths, "admin", ADMIN_PASSWORD).admin == held
    officer = accounts.create_user(db, admin, username="canbo", full_name="Cán Bộ",
                                   role=Role.OFFICER, password=PASSWORD)
    assert _sealed_keys(db.paths, "canbo", PASSWORD).admin is None
    accounts.authenticate(db, "canbo", PASSWORD)
    assert db.admin_key is None  # an officer's session holds the data key only
    # Raised to administrator by an administrator's session, it gets the key; lowered, it
    # loses it (both need a new password: the wrap is sealed again).
    accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    accounts.update_user(db, admin, officer.id, role=Role.ADMIN, new_password=ADMIN_PASSWORD + "x")
    assert _sealed_keys(db.paths, "canbo", ADMIN_PASSWORD + "x").admin == held
    with pytest.raises(UserError, match="Bỏ quyền quản trị"):
        accounts.update_user(db, admin, officer.id, role=Role.OFFICER)
    accounts.update_user(db, admin, officer.id, role=Role.OFFICER, new_password=PASSWORD)
    assert _sealed_keys(db.paths, "canbo", PASSWORD).admin is None


def test_a_folder_without_an_administrators_key_gets_one_at_an_administrators_sign_in(
        db: Database, admin: Actor, officer: Actor) -> None:
    found = vault.load(db.paths)
    assert found is not None
    data_key = db.data_key
    found.admin_key_id = None
    for name, password in (("admin", ADMIN_PASSWORD), ("canbo", PASSWORD)):
        found.accounts[keyfile.account_tag(name)] = keys.wrap_for_password(data_key, password)
    vault.save(db.paths, found)
    accounts.authenticate(db, "canbo", PASSWORD)
    assert db.admin_key is None and not vault.has_admin_key(db.paths)
    accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    assert db.admin_key is not None and vault.has_admin_key(db.paths)
    assert _sealed_keys(db.paths, "admin", ADMIN_PASSWORD).admin == db.admin_key


def test_only_the_administrators_key_opens_what_is_sealed_to_its_public_key() -> None:
    admin_key, other = keys.new_data_key(), keys.new_data_key()
    file_key = keys.new_data_key()
    sealed = sealing.seal_file_key(sealing.backup_public_key(admin_key), file_key)
    assert sealing.open_file_key(admin_key, sealed) == file_key
    assert sealing.open_file_key(other, sealed) is None
    assert sealing.SealedFileKey.from_json(sealed.to_json()) == sealed
    # An ephemeral key of low order gives no shared secret: refused, not an exception.
    weak = sealing.SealedFileKey(bytes(32), sealed.nonce, sealed.sealed)
    assert sealing.open_file_key(admin_key, weak) is None
    for damaged in ({**sealed.to_json(), "nonce": "AAAA"}, {"ephemeral": "AAAA"}, []):
        with pytest.raises(ValueError):
            sealing.SealedFileKey.from_json(damaged)


def test_each_mac_of_the_administrators_key_is_its_own() -> None:
    admin_key = keys.new_data_key()
    message = b"tieu de"
    backup_mac = sealing.mac(admin_key, sealing.MacPurpose.BACKUP, message)
    assert sealing.mac_matches(admin_key, sealing.MacPurpose.BACKUP, message, backup_mac)
    assert not sealing.mac_matches(admin_key, sealing.MacPurpose.ACCOUNTS, message, backup_mac)
    assert not sealing.mac_matches(keys.new_data_key(), sealing.MacPurpose.BACKUP, message,
                                   backup_mac)


def test_a_wrap_says_whether_it_holds_the_administrators_key() -> None:
    data_key, admin_key = keys.new_data_key(), keys.new_data_key()
    assert keys.wrap_for_password(data_key + admin_key, PASSWORD).holds_admin_key
    assert not keys.wrap_for_password(data_key, PASSWORD).holds_admin_key
    assert keys.wrap_for_recovery(data_key + admin_key, keys.new_recovery_key()).holds_admin_key


def test_a_new_folder_keeps_its_backup_key_beside_the_wraps(db: Database, admin: Actor) -> None:
    found = vault.load(db.paths)
    assert found is not None and db.admin_key is not None
    assert found.backup_key == sealing.backup_public_key(db.admin_key)
    assert keyfile.KeyFile.from_json(found.to_json()) == found
