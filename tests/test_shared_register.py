"""One register used from two PCs: a second `Database` on the same register, from a data
folder of its own. In server mode (`SOVIPHAM_TEST_DATABASE_URL`) that is what a second PC
is: an empty data folder and the same `--database` URL, seeing the key file and the
evidence through the server. On SQLite the register is the folder, so the second opens
the same folder (one program at a time, in turn): the same behaviour on either engine."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import Database, open_database
from app.domain.labels import Role
from app.domain.passwords import MAX_FAILED_ATTEMPTS
from app.errors import NotAllowed, UserError
from app.models.base import utcnow
from app.paths import DataPaths
from app.security import keys
from app.security.keyfile import account_tag
from app.services import accounts, audit, cases, evidence, evidence_store, rotation, vault
from app.services.actor import Actor
from app.services.evidence_store import CHUNK, file_sha256
from app.services.integrity import check_data_folder
from tests.conftest import ADMIN_PASSWORD, PASSWORD, SERVER, TODAY, make_case
from tests.stored import key_file_text, stored_bytes, stored_contents

# Put in an evidence file, looked for in what is stored.
MARKER = "Nguyễn Thị Dấu Vết Riêng"


@pytest.fixture
def second(db: Database, tmp_path: Path) -> Iterator[Database]:
    """The register as a second PC opens it: an empty data folder of its own and the same
    server URL (on SQLite, the same folder)."""
    paths = (DataPaths(tmp_path / "may-thu-hai", db.paths.server) if db.paths.server
             else DataPaths(db.paths.root))
    other = open_database(paths)
    try:
        yield other
    finally:
        other.dispose()


def _refused(database: Database, username: str, password: str) -> None:
    with pytest.raises(NotAllowed, match="không đúng"):
        accounts.authenticate(database, username, password)


def test_an_account_made_on_one_pc_signs_in_on_the_other(db: Database, second: Database,
                                                         admin: Actor) -> None:
    accounts.create_user(db, admin, username="canbo", full_name="Cán Bộ", role=Role.OFFICER,
                         password=PASSWORD)
    assert accounts.authenticate(second, "canbo", PASSWORD).username == "canbo"
    assert accounts.authenticate(second, "admin", ADMIN_PASSWORD).role is Role.ADMIN
    # Sealed by passwords: the stored key file names no account and holds no password.
    stored = key_file_text(second)
    assert "canbo" not in stored and PASSWORD not in stored
    if second.paths.server is not None:
        assert not second.paths.keys.exists()  # nothing of the keys on the PC


def test_wrong_passwords_on_both_pcs_lock_the_account(db: Database, second: Database,
                                                      admin: Actor) -> None:
    accounts.create_user(db, admin, username="canbo", full_name="Cán Bộ", role=Role.OFFICER,
                         password=PASSWORD)
    for turn in range(MAX_FAILED_ATTEMPTS):
        _refused((db, second)[turn % 2], "canbo", "sai-mat-khau")
    _refused(db, "canbo", PASSWORD)
    _refused(second, "canbo", PASSWORD)
    # An administrator's reset on one PC lets it in on the other.
    accounts.update_user(db, admin, accounts.find_user(db, admin, "canbo").id,
                         new_password="dat-lai-2026")
    assert accounts.authenticate(second, "canbo", "dat-lai-2026").username == "canbo"


def test_the_refused_sign_ins_of_one_pc_reach_the_log_at_a_sign_in_on_the_other(
        db: Database, second: Database, admin: Actor) -> None:
    _refused(db, "admin", "sai-mat-khau")
    accounts.authenticate(second, "admin", ADMIN_PASSWORD)
    with second.read() as session:
        newest = [(e.username, e.action) for e in audit.entries(session, limit=2)]
    assert newest == [("admin", "login"), ("admin", "login_failed")]
    assert vault.load(db.paths).failures == []


@pytest.mark.skipif(SERVER is None, reason="several programs share a register on a server only")
def test_wrong_passwords_typed_at_the_same_moment_all_count(
        db: Database, second: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each attempt reads the key file, derives (slow), then counts: all derive together
    here, so a count written over another's would leave the account open."""
    together = threading.Barrier(MAX_FAILED_ATTEMPTS)
    unseal = vault.unseal

    def slow_unseal(wrap: object, secret: str) -> object:
        opened = unseal(wrap, secret)  # type: ignore[arg-type]
        together.wait(timeout=60)
        return opened

    monkeypatch.setattr(vault, "unseal", slow_unseal)
    refused: list[BaseException] = []

    def attempt(database: Database) -> None:
        try:
            accounts.authenticate(database, "admin", "sai-mat-khau")
        except NotAllowed as exc:
            refused.append(exc)

    threads = [threading.Thread(target=attempt, args=((db, second)[n % 2],))
               for n in range(MAX_FAILED_ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(refused) == MAX_FAILED_ATTEMPTS
    monkeypatch.setattr(vault, "unseal", unseal)
    lockout = vault.load(db.paths).lockouts[account_tag("admin")]
    assert lockout.until is not None and lockout.until > utcnow() + timedelta(minutes=1)
    assert len(vault.load(db.paths).failures) == MAX_FAILED_ATTEMPTS
    _refused(second, "admin", ADMIN_PASSWORD)


def test_evidence_added_on_one_pc_is_viewed_whole_on_the_other(
        db: Database, second: Database, admin: Actor, tmp_path: Path) -> None:
    case = cases.create_case(db, admin, make_case(), today=TODAY)
    # Over two parts of the server's store, the marker at the start and in the last part.
    source = tmp_path / "nguon" / "ghi-chep.txt"
    source.parent.mkdir()
    line = f"{MARKER}: bài đăng bôi nhọ.\n".encode()
    source.write_bytes(line * (2 * CHUNK // len(line) + 100))
    added = evidence.add_evidence(db, admin, case.id, source).record

    there = accounts.authenticate(second, "admin", ADMIN_PASSWORD)
    [seen] = evidence.list_evidence(second, there, case.id)
    shown = evidence.open_evidence(second, there, seen.id)
    assert shown.is_relative_to(second.paths.root)
    assert file_sha256(shown) == file_sha256(source) == added.sha256
    assert check_data_folder(second, there).ok

    # Stored encrypted: the marker is nowhere in the bytes as they lie (on a server, the
    # rows read raw with SQL), nor is any whole line of the file.
    stored = stored_bytes(second, added.sha256)
    assert stored is not None and len(stored) > 2 * CHUNK
    assert MARKER.encode() not in stored and line not in stored
    if second.paths.server is not None:
        with second.engine.connect() as conn:
            parts = conn.execute(text("SELECT part, data FROM evidence_chunks")).all()
        assert [part for part, _ in parts] == [0, 1, 2]
        assert not any(MARKER.encode() in data for _, data in parts)
        # Neither PC keeps the content in its data folder (only the viewer's copy).
        assert [p for p in db.paths.evidence.rglob("*") if p.is_file()] == []
        assert [p for p in second.paths.evidence.rglob("*") if p.is_file()] == []


def test_evidence_removed_on_one_pc_is_gone_on_the_other(
        db: Database, second: Database, admin: Actor, tmp_path: Path) -> None:
    case = cases.create_case(db, admin, make_case(), today=TODAY)
    other = cases.create_case(db, admin, make_case(), today=TODAY)
    source = tmp_path / "a.txt"
    source.write_text(MARKER, encoding="utf-8")
    first = evidence.add_evidence(db, admin, case.id, source).record
    there = accounts.authenticate(second, "admin", ADMIN_PASSWORD)
    # The same content from the other PC, on another case: stored once.
    again = evidence.add_evidence(second, there, other.id, source).record
    assert stored_contents(second).count(first.sha256) == 1
    evidence.remove_evidence(second, there, again.id, "Thêm nhầm")
    assert evidence.thumbnail_content(db, first) == MARKER.encode()
    evidence.remove_evidence(db, admin, first.id, "Thêm nhầm")
    assert stored_bytes(second, first.sha256) is None
    with pytest.raises(UserError, match="Không tìm thấy tệp chứng cứ"):
        evidence.thumbnail_content(second, first)


def test_stored_evidence_is_sealed_again_under_new_keys_whole(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    """Replacing the keys re-encrypts each stored content (`services/rotation.py`): on a
    server its parts are replaced in one transaction."""
    case = cases.create_case(db, admin, make_case(), today=TODAY)
    source = tmp_path / "lon.txt"
    source.write_bytes(MARKER.encode() * (CHUNK // 10))
    sha256 = evidence.add_evidence(db, admin, case.id, source).record.sha256
    old, new = db.data_key, keys.new_data_key()
    assert evidence_store.reencrypt(db.paths, sha256, old, new)
    assert evidence_store.content_sha256(db.paths, sha256, new) == sha256
    assert evidence_store.content_sha256(db.paths, sha256, old) is None
    before = stored_bytes(db, sha256)
    assert evidence_store.reencrypt(db.paths, sha256, old, new)  # already done: left as is
    assert stored_bytes(db, sha256) == before
    assert not evidence_store.reencrypt(db.paths, sha256, keys.new_data_key(), old)
    assert stored_bytes(db, sha256) == before
    assert evidence_store.stored_hashes(db.paths) == [sha256]


@pytest.mark.skipif(SERVER is None, reason="several programs share a register on a server only")
def test_evidence_added_with_the_keys_of_before_a_change_on_the_other_pc_is_refused(
        db: Database, second: Database, admin: Actor, tmp_path: Path) -> None:
    """A PC still signed in with the replaced data key would store content no one can
    read any more: it is told to sign in again, and nothing is stored."""
    case = cases.create_case(db, admin, make_case(), today=TODAY)
    there = accounts.authenticate(second, "admin", ADMIN_PASSWORD)
    rotation.rotate_keys(db, admin, ADMIN_PASSWORD, keys.new_recovery_key())
    source = tmp_path / "anh.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + b"ghi sau khi thay khoa " * 50)
    with pytest.raises(UserError, match="đăng nhập lại"):
        evidence.add_evidence(second, there, case.id, source)
    assert evidence_store.stored_hashes(db.paths) == []
    assert check_data_folder(db, admin).ok


@pytest.mark.skipif(SERVER is None, reason="several programs share a register on a server only")
def test_the_keys_replaced_on_another_pc_are_not_replaced_again_with_the_old_ones(
        db: Database, second: Database, admin: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two administrators replacing the keys at once: the second, holding the keys of
    before, would take the evidence for damaged (it no longer opens with them) and seal the
    key file anew. Refused (before it starts, or once it has the register to itself),
    nothing changed."""
    case = cases.create_case(db, admin, make_case(), today=TODAY)
    source = tmp_path / "anh.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + b"truoc khi thay khoa " * 50)
    added = evidence.add_evidence(db, admin, case.id, source).record
    there = accounts.authenticate(second, "admin", ADMIN_PASSWORD)
    real_check, first = rotation._check_password, []

    def replaced_elsewhere_meanwhile(*args: object) -> None:
        real_check(*args)  # type: ignore[arg-type]
        if not first:  # the other PC's replacement, once this one's password is checked
            first.append(True)
            rotation.rotate_keys(db, admin, ADMIN_PASSWORD, keys.new_recovery_key())

    monkeypatch.setattr(rotation, "_check_password", replaced_elsewhere_meanwhile)
    with pytest.raises(UserError, match="đã được thay trên một máy khác"):
        rotation.rotate_keys(second, there, ADMIN_PASSWORD, keys.new_recovery_key())
    monkeypatch.setattr(rotation, "_check_password", real_check)
    before = key_file_text(db)
    with pytest.raises(UserError, match="đã được thay trên một máy khác"):
        rotation.rotate_keys(second, there, ADMIN_PASSWORD, keys.new_recovery_key())
    assert key_file_text(db) == before
    assert evidence_store.content_sha256(db.paths, added.sha256, db.data_key) == added.sha256
    assert check_data_folder(db, admin).ok
