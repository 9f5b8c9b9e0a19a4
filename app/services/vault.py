"""The data key and its wraps in the data folder's key file (`app/security/keyfile.py`):
sealed for each active account's password and for the recovery key, unsealed at sign-in
into `Database.unlock`; the administrators' key sealed with it for administrators and
the recovery key, and P, the public key backups are sealed to.

Keys follow roles: a disabled account's wrap is removed (sealed again when an
administrator enables it with a new password); a backup's header carries only the
administrators' wraps and the recovery wrap. Procedure when staff change (README): an
administrator disables the leaver's account or resets its password, and replaces the keys
(`services/rotation.py`) when the leaver could have copied the key file or the data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.db import key_store
from app.db.database import missing_key_file
from app.errors import DataFolderError, UserError
from app.paths import DataPaths, make_private
from app.security import keyfile, keys, sealing
from app.security.keyfile import KeyFile, SealedCopy, account_tag
from app.security.keys import Wrap


@dataclass(frozen=True)
class FolderKeys:
    """What a wrap seals: the data key, and for administrators (and the recovery key) the
    administrators' key too, which opens backups and keys the audit log's MACs. Both are
    sealed together, so that signing in costs one key derivation."""

    data: bytes
    admin: bytes | None = None

    def sealed(self, *, administrator: bool) -> bytes:
        return self.data + (self.admin if administrator and self.admin is not None else b"")

    @classmethod
    def unsealed(cls, secret: bytes) -> FolderKeys:
        return cls(secret[:keys.KEY_SIZE], secret[keys.KEY_SIZE:] or None)


# The key file is the data folder's file `sovipham.khoa`, or in server mode a row of the
# server's database (`app/db/key_store.py`) that every PC reads: these four functions are
# how everything else reaches it, on either.


def load(paths: DataPaths) -> KeyFile:
    found = _read(paths)
    if found is None:
        raise missing_key_file(paths)
    return found


def office_name(paths: DataPaths) -> str:
    """The office's name for the sign-in screen, before the database can be read."""
    found = _read(paths)
    return found.office_name if found is not None else ""


def save(paths: DataPaths, found: KeyFile) -> None:
    """Write the key file whole (replacing what another PC wrote meanwhile on a server:
    a change of what is there is `updating`'s)."""
    if paths.server is None:
        keyfile.save(paths.keys, found)
        make_private(paths.keys)
        return
    with key_store.locked(paths.server) as row:
        row.content = keyfile.dumps(found)


@contextmanager
def updating(paths: DataPaths) -> Iterator[KeyFile]:
    """The key file to change in the block, written when it ends (not when it fails). On a
    server it is read and written under a row lock, so that two PCs changing it at once
    (a wrong password on each) both count; a data folder has one program at a time."""
    if paths.server is None:
        found = load(paths)
        before = keyfile.dumps(found)
        yield found
        if keyfile.dumps(found) != before:  # most sign-ins leave it as it is
            save(paths, found)
        return
    with key_store.locked(paths.server) as row:
        if row.content is None:
            raise missing_key_file(paths)
        found = keyfile.parse(row.content, SERVER_KEYS)
        yield found
        row.content = keyfile.dumps(found)


SERVER_KEYS = "Khóa mã hóa lưu trên máy chủ"


def _read(paths: DataPaths) -> KeyFile | None:
    if paths.server is None:
        return keyfile.load(paths.keys)
    content = key_store.read(paths.server)
    return None if content is None else keyfile.parse(content, SERVER_KEYS)


def new_keys() -> FolderKeys:
    """The keys of a new folder."""
    return FolderKeys(keys.new_data_key(), keys.new_data_key())


def new_key_file(paths: DataPaths, folder: FolderKeys) -> None:
    """A new folder's key file, before any account's wrap."""
    assert folder.admin is not None
    save(paths, KeyFile(keys.key_id(folder.data), admin_key_id=keys.key_id(folder.admin),
                        backup_key=sealing.backup_public_key(folder.admin)))


def new_admin_key(paths: DataPaths, data_key: bytes) -> FolderKeys:
    """The administrators' key of a folder made before there was one, at the first sign-in
    of an administrator (whose wrap the caller seals again with it)."""
    admin_key = keys.new_data_key()
    with updating(paths) as found:
        _checked(found, data_key)
        found.admin_key_id = keys.key_id(admin_key)
        found.backup_key = sealing.backup_public_key(admin_key)
    return FolderKeys(data_key, admin_key)


def has_admin_key(paths: DataPaths) -> bool:
    return load(paths).admin_key_id is not None


def _checked(found: KeyFile, data_key: bytes) -> KeyFile:
    if found.key_id != keys.key_id(data_key):
        raise DataFolderError("Tệp khóa không khớp với dữ liệu đang mở.")
    return found


def seal_for_password(paths: DataPaths, username: str, folder: FolderKeys, password: str, *,
                      administrator: bool) -> None:
    """(Re)seal the keys for an account's new password: the data key, and for an
    administrator the administrators' key too (when the acting session holds it)."""
    wrap = keys.wrap_for_password(folder.sealed(administrator=administrator), password)
    with updating(paths) as found:
        _checked(found, folder.data).accounts[account_tag(username)] = wrap


def unseal(wrap: Wrap, secret: str) -> FolderKeys | None:
    """The keys a wrap holds, None when `secret` does not open it."""
    opened = keys.unwrap(wrap, secret)
    return None if opened is None else FolderKeys.unsealed(opened)


def drop_account(paths: DataPaths, username: str) -> None:
    """A disabled account can no longer unseal the key, whatever password it knew."""
    with updating(paths) as found:
        found.accounts.pop(account_tag(username), None)


def clear_lockout(paths: DataPaths, username: str) -> None:
    """An administrator's reset (or the recovery key) lets a locked-out account in again."""
    with updating(paths) as found:
        found.lockouts.pop(account_tag(username), None)


def seal_for_recovery(paths: DataPaths, folder: FolderKeys, recovery_key: str) -> None:
    """Replace the recovery wrap: an older recovery key stops working."""
    wrap = keys.wrap_for_recovery(folder.sealed(administrator=True), recovery_key)
    with updating(paths) as found:
        _checked(found, folder.data).recovery = wrap


def open_with_recovery(paths: DataPaths, recovery_key: str) -> FolderKeys | None:
    found = load(paths)
    return None if found.recovery is None else unseal(found.recovery, recovery_key)


# ----------------------------------------------------------------------- backups


def check_backup_key(paths: DataPaths, folder: FolderKeys) -> bool:
    """At an administrator's sign-in: the key file's P and A's fingerprint as A says, written
    again when they differ (a key file made before P existed, or edited: backups of other
    sessions would be sealed to a key the administrators do not hold). True when written."""
    assert folder.admin is not None
    public, admin_id = sealing.backup_public_key(folder.admin), keys.key_id(folder.admin)
    found = _checked(load(paths), folder.data)
    if (found.backup_key, found.admin_key_id) == (public, admin_id):
        return False
    with updating(paths) as current:
        current.backup_key, current.admin_key_id = public, admin_id
    return True


def administrators_copies(found: KeyFile, administrators: set[str]) -> list[SealedCopy]:
    """The wraps that let administrators open a backup: those of the accounts named (by
    tag) that hold the administrators' key, and the recovery wrap if it holds it. Never an
    officer's, a leader's or a viewer's (they hold the data key only)."""
    copies = [SealedCopy(tag, wrap) for tag, wrap in sorted(found.accounts.items())
              if tag in administrators and wrap.holds_admin_key]
    if found.recovery is not None and found.recovery.holds_admin_key:
        copies.append(SealedCopy(None, found.recovery))
    return copies


def open_copies(copies: Sequence[SealedCopy], username: str | None,
                secret: str) -> FolderKeys | None:
    """The keys sealed in a backup's wraps, by an account's password (`username`) or the
    recovery key (`username` None); None when `secret` opens none of them."""
    tag = None if username is None else account_tag(username)
    mine = next((copy for copy in copies if copy.account == tag), None)
    return None if mine is None else unseal(mine.wrap, secret)


def restored_key_file(target: Path, data_key_id: str, admin_key: bytes | None,
                      copies: Sequence[SealedCopy], carried: Mapping[str, Wrap]) -> None:
    """The key file of a restored folder, written at `target`: the wraps of the backup, and
    `carried` (accounts' current wraps that the restored folder keeps)."""
    restored = KeyFile(data_key_id, accounts=dict(carried))
    if admin_key is not None:
        restored.admin_key_id = keys.key_id(admin_key)
        restored.backup_key = sealing.backup_public_key(admin_key)
    for copy in copies:
        if copy.account is None:
            restored.recovery = copy.wrap
        else:
            restored.accounts[copy.account] = copy.wrap
    keyfile.save(target, restored)
    make_private(target)


# ----------------------------------------------------------------------- rotation


def rotated_key_file(found: KeyFile, folder: FolderKeys, username: str, password: str,
                     recovery_key: str) -> KeyFile:
    """The key file after the keys were replaced by `folder`: sealed for the administrator
    who replaced them and for the new recovery key only (the other accounts' passwords are
    unknown: each needs a reset)."""
    assert folder.admin is not None
    sealed = folder.sealed(administrator=True)
    return KeyFile(
        keys.key_id(folder.data),
        accounts={account_tag(username): keys.wrap_for_password(sealed, password)},
        recovery=keys.wrap_for_recovery(sealed, recovery_key),
        failures=list(found.failures), dropped_failures=found.dropped_failures,
        office_name=found.office_name, admin_key_id=keys.key_id(folder.admin),
        backup_key=sealing.backup_public_key(folder.admin))


KEYS_REPLACED = ("Khóa mã hóa dữ liệu đã được thay trên một máy khác sau khi bạn đăng nhập, "
                 "nên chưa làm được việc này. Hãy đăng xuất rồi đăng nhập lại (nếu mật khẩu "
                 "không còn dùng được, nhờ quản trị viên đặt lại), rồi làm lại.")


def rotate_on_server(session: Session, paths: DataPaths, old_data_key: bytes,
                     folder: FolderKeys, username: str, password: str,
                     recovery_key: str) -> KeyFile:
    """In server mode: the key file's row replaced by `rotated_key_file` in `session`'s
    transaction (committed or undone with the rest of the change), and returned; refused
    when another PC replaced the keys since `old_data_key` was unsealed."""
    assert paths.server is not None
    with key_store.locked_in(session.connection()) as row:
        if row.content is None:
            raise missing_key_file(paths)
        found = keyfile.parse(row.content, SERVER_KEYS)
        if found.key_id != keys.key_id(old_data_key):
            raise UserError(KEYS_REPLACED)
        rotated = rotated_key_file(found, folder, username, password, recovery_key)
        row.content = keyfile.dumps(rotated)
    return rotated
