"""Replacing the keys: a new data key and a new administrators' key, when someone who
could have copied the key file or the data (a leaver who knew a password while having
access to the PC) must no longer be able to read what comes next (README, staff change).

What changes: the database and every evidence file are encrypted again under the new data
key; the key file is sealed for the administrator who replaces the keys and for a new
recovery key only (the other accounts' passwords are unknown: each needs a password reset
by an administrator); then a new backup. What was there before stays as it was: backups
and copies made before still open with the old passwords and keys.

Each step leaves old or new, and a journal (`JOURNAL`, written before anything changes)
holds the new key file and the old data key sealed under the new one, so that a crash
anywhere is finished at the next sign-in of that administrator (or with the new recovery
key), and no one else can sign in meanwhile:
1. the journal;
2. the database re-encrypted beside itself, then renamed over (`encryption.rekey_in_place`);
3. each evidence file sealed again beside itself, then renamed over;
4. the new key file in place;
5. in the re-encrypted database, the accounts sealed with the new administrators' key and
   the audit row; the journal removed.

In server mode the database is not the program's to encrypt (encryption at rest is the
server's business): the evidence's parts sealed again, the key file's row, the accounts'
seal and the audit row are one transaction of the server, so a crash leaves old or new
and needs no journal.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Row, select

from app.db import Database, encryption
from app.db.swap import fsync_dir
from app.domain.labels import Role
from app.errors import NotAllowed, UserError
from app.models import User
from app.paths import DataPaths
from app.progress import Progress, no_progress
from app.security import keys
from app.security.cipher import DecryptionError, seal, unseal
from app.security.keyfile import KeyFile, account_tag
from app.services import accounts_seal, audit, backup, evidence_store, unit_keys, vault
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.backup import BackupResult

JOURNAL = "doi-khoa-dang-do.json"
_OLD_KEY_AAD = b"sovipham rotation old data key v1"

INTERRUPTED = ("Việc thay khóa mã hóa dữ liệu đang dở (chương trình bị tắt giữa chừng). Quản "
               "trị viên đã thay khóa cần đăng nhập bằng mật khẩu của mình (hoặc dùng khóa khôi "
               "phục mới) để chương trình hoàn tất; trong lúc đó các người dùng khác chưa đăng "
               "nhập được.")


@dataclass(frozen=True)
class RotationResult:
    # Accounts in use that need a password reset by an administrator to sign in again.
    accounts_to_reset: tuple[str, ...]
    evidence_files: int
    damaged_files: int  # stored files that did not decrypt: left as they were
    backup: BackupResult | None  # None when the new backup could not be made (`backup_error`)
    backup_error: str | None = None


@dataclass(frozen=True)
class _Journal:
    key_file: KeyFile  # the key file once the keys are replaced
    # The old data key and administrators' key sealed under the new data key: (nonce,
    # sealed). The old administrators' key keys the audit log's rows until the replacement.
    old_key: tuple[bytes, bytes]
    by: str  # the tag of the administrator replacing the keys


def _journal_path(paths: DataPaths) -> Path:
    return paths.root / JOURNAL


def _write_journal(paths: DataPaths, journal: _Journal) -> None:
    text = json.dumps({"key_file": journal.key_file.to_json(), "by": journal.by,
                       "old_key": [base64.b64encode(part).decode() for part in journal.old_key]})
    target = _journal_path(paths)
    handle, temp = tempfile.mkstemp(dir=paths.root, prefix=f".{JOURNAL}-", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, target)  # private to the user, as mkstemp made it
        fsync_dir(paths.root)
    finally:
        Path(temp).unlink(missing_ok=True)


def _read_journal(paths: DataPaths) -> _Journal | None:
    try:
        data = json.loads(_journal_path(paths).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    nonce, sealed = (base64.b64decode(part) for part in data["old_key"])
    return _Journal(KeyFile.from_json(data["key_file"]), (nonce, sealed), str(data["by"]))


def interrupted(paths: DataPaths) -> bool:
    return _journal_path(paths).exists()


def prepare(db: Database, actor: Actor, password: str) -> str:
    """Before anything: the administrator's password checked, and the new recovery key,
    for the window to show (and the administrator to keep) before `rotate_keys` seals it."""
    _check_password(db, actor, password)
    return keys.new_recovery_key()


def _check_password(db: Database, actor: Actor, password: str) -> None:
    """The administrator's password (the new keys are sealed for it)."""
    actor.require(Permission.ROTATE_KEYS)
    if db.admin_key is None:
        raise UserError("Phiên làm việc này không giữ khóa quản trị: hãy đăng xuất rồi đăng "
                        "nhập lại với vai trò Quản trị trước khi thay khóa.")
    found = vault.load(db.paths)
    if found.key_id != keys.key_id(db.data_key):
        raise UserError(vault.KEYS_REPLACED)
    wrap = found.accounts.get(account_tag(actor.username))
    opened = None if wrap is None else vault.unseal(wrap, password)
    if opened is None or opened.data != db.data_key or opened.admin != db.admin_key:
        raise UserError("Mật khẩu không đúng.", field="password")


def rotate_keys(db: Database, actor: Actor, password: str, recovery_key: str,
                progress: Progress | None = None) -> RotationResult:
    """Replace the data key and the administrators' key (the module's docstring), sealing
    them for `actor`'s `password` and `recovery_key` (from `prepare`, shown to the
    administrator before this starts), then make a new backup."""
    _check_password(db, actor, password)
    paths = db.paths
    old = vault.FolderKeys(db.data_key, db.admin_key)
    new = vault.FolderKeys(keys.new_data_key(), keys.new_data_key())
    if db.on_server:
        evidence, damaged, to_reset = _rotate_on_server(db, actor, old, new, password,
                                                        recovery_key, progress)
        return _with_backup(db, actor, evidence, damaged, to_reset)
    db.relock()
    if not encryption.hold_alone(paths.database, old.data):
        _reopen(db, old)
        raise UserError("Dữ liệu đang được dùng cho việc khác (ví dụ đang tự động sao lưu): "
                        "chưa thay khóa. Hãy đợi một lát rồi thử lại.")
    journal = _Journal(vault.rotated_key_file(vault.load(paths), new, actor.username,
                                              password, recovery_key),
                       seal(new.data, old.sealed(administrator=True), _OLD_KEY_AAD),
                       account_tag(actor.username))
    _write_journal(paths, journal)
    evidence, damaged, to_reset = _finish(db, journal, old, new, progress, resumed=False)
    return _with_backup(db, actor, evidence, damaged, to_reset)


def _with_backup(db: Database, actor: Actor, evidence: int, damaged: int,
                 to_reset: tuple[str, ...]) -> RotationResult:
    try:
        made: BackupResult | None = backup.automatic_backup(db, actor)
        error = None
    except UserError as exc:
        made, error = None, exc.message
    return RotationResult(to_reset, evidence, damaged, made, error)


def _rotate_on_server(db: Database, actor: Actor, old: vault.FolderKeys,
                      new: vault.FolderKeys, password: str, recovery_key: str,
                      progress: Progress | None) -> tuple[int, int, tuple[str, ...]]:
    """Steps 3 to 5 in one transaction of the server (the module's docstring)."""
    assert old.admin is not None and new.admin is not None
    report = progress or no_progress
    damaged = 0
    # Other PCs' writes wait meanwhile; what they add afterwards with the old keys is
    # refused (`vault.KEYS_REPLACED`).
    with db.alone(), db.write() as session:
        rotated = vault.rotate_on_server(session, db.paths, old.data, new, actor.username,
                                         password, recovery_key)
        stored = evidence_store.stored_hashes(db.paths, session)
        for done, sha256 in enumerate(stored, 1):
            if not evidence_store.reencrypt_in(session, db.paths, sha256, old.data, new.data):
                damaged += 1
            report(done, len(stored))
        users = session.execute(select(User.username, User.role, User.active)).all()
        accounts_seal.renew(session, db.paths, new.data, new.admin, rotated)
        audit.rekey_chain(session, old.admin, new.admin)
        unit_keys.reseal_own_keys(session, old.admin, new.admin)
        audit.record(session, actor.username, AuditAction.KEY_ROTATE,
                     detail={"evidence_files": len(stored), "damaged_files": damaged,
                             "resumed": False})
    db.relock()
    _reopen(db, new)
    return len(stored), damaged, _to_reset(users, rotated)


def _to_reset(users: Sequence[Row[str, str, bool]], found: KeyFile) -> tuple[str, ...]:
    """The accounts in use whose password no longer opens the keys."""
    return tuple(name for name, _, active in users
                 if active and account_tag(name) not in found.accounts)


def _reopen(db: Database, folder: vault.FolderKeys) -> None:
    db.unlock(folder.data)
    db.hold_admin_key(folder.admin)


def finish_interrupted(db: Database, username: str | None, secret: str) -> None:
    """At sign-in (`username`) or with the recovery key (`username` None): finish replacing
    the keys if a crash interrupted it; `NotAllowed` when `secret` is not of the new key
    file (only the administrator who replaced them, or the new recovery key, can)."""
    for leftover in db.paths.root.glob(f".{JOURNAL}-*.part"):  # a journal cut short
        leftover.unlink(missing_ok=True)
    journal = _read_journal(db.paths)
    if journal is None:
        return
    found = journal.key_file
    wrap = found.recovery if username is None else found.accounts.get(account_tag(username))
    new = None if wrap is None else vault.unseal(wrap, secret)
    if new is None or new.admin is None:
        raise NotAllowed(INTERRUPTED)
    try:
        old = vault.FolderKeys.unsealed(unseal(new.data, *journal.old_key, _OLD_KEY_AAD))
    except DecryptionError as exc:
        raise NotAllowed(INTERRUPTED) from exc
    _finish(db, journal, old, new, None, resumed=True)


def _finish(db: Database, journal: _Journal, old: vault.FolderKeys, new: vault.FolderKeys,
            progress: Progress | None, *, resumed: bool) -> tuple[int, int, tuple[str, ...]]:
    """Steps 2 to 5, each skipped when done already. (files, damaged files, accounts to
    reset)"""
    assert old.admin is not None and new.admin is not None
    paths = db.paths
    db.relock()
    if not encryption.opens_with(paths.database, new.data):
        encryption.rekey_in_place(paths.database, old.data, new.data)
    evidence_store.remove_rekeying_leftovers(paths)
    stored = evidence_store.stored_hashes(paths)
    report = progress or no_progress
    damaged = 0
    for done, sha256 in enumerate(stored, 1):
        if not evidence_store.reencrypt(paths, sha256, old.data, new.data):
            damaged += 1
        report(done, len(stored))
    for folder in {evidence_store.stored_path(paths, sha256).parent for sha256 in stored}:
        fsync_dir(folder)
    vault.save(paths, journal.key_file)
    fsync_dir(paths.root)
    _reopen(db, new)
    with db.write() as session:
        users = session.execute(select(User.username, User.role, User.active)).all()
        by = next((name for name, _, _ in users if account_tag(name) == journal.by), "")
        accounts_seal.renew(session, paths, new.data, new.admin)
        audit.rekey_chain(session, old.admin, new.admin)
        unit_keys.reseal_own_keys(session, old.admin, new.admin)
        audit.record(session, by, AuditAction.KEY_ROTATE,
                     detail={"evidence_files": len(stored), "damaged_files": damaged,
                             "resumed": resumed})
    _journal_path(paths).unlink()
    fsync_dir(paths.root)
    return len(stored), damaged, _to_reset(users, journal.key_file)


def administrators_left_out(db: Database, actor: Actor) -> list[str]:
    """For the confirmation: the other administrators, whose access ends with the old keys
    until one of them is given a new password."""
    actor.require(Permission.ROTATE_KEYS)
    with db.read() as session:
        return [name for (name,) in session.execute(
            select(User.username).where(User.role == str(Role.ADMIN), User.active.is_(True),
                                        User.id != actor.user_id).order_by(User.username))]
