"""The data key and its wraps in the data folder's key file (`app/security/keyfile.py`):
sealed for each active account's password and for the recovery key, unsealed at sign-in
into `Database.unlock`.

Keys follow accounts: a disabled account's wrap is removed (sealed again when an
administrator enables it with a new password). Procedure when staff change (README): an
administrator disables the leaver's account or resets its password; the recovery key is
only needed when no administrator can sign in, or to open a backup whose passwords nobody
knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.db import Database
from app.db.database import missing_key_file
from app.errors import DataFolderError
from app.paths import DataPaths, make_private
from app.security import keyfile, keys
from app.security.keyfile import KeyFile, account_tag
from app.security.keys import Wrap, WrapKind


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


def load(paths: DataPaths) -> KeyFile:
    found = keyfile.load(paths.keys)
    if found is None:
        raise missing_key_file(paths)
    return found


def office_name(paths: DataPaths) -> str:
    """The office's name for the sign-in screen, before the database can be read."""
    found = keyfile.load(paths.keys)
    return found.office_name if found is not None else ""


def save(paths: DataPaths, found: KeyFile) -> None:
    keyfile.save(paths.keys, found)
    make_private(paths.keys)


def new_key_file(paths: DataPaths) -> FolderKeys:
    """The keys of a new folder and its key file, before its database is made."""
    folder = FolderKeys(keys.new_data_key(), keys.new_data_key())
    assert folder.admin is not None
    save(paths, KeyFile(keys.key_id(folder.data), admin_key_id=keys.key_id(folder.admin)))
    return folder


def new_admin_key(paths: DataPaths, data_key: bytes) -> FolderKeys:
    """The administrators' key of a folder made before there was one, at the first sign-in
    of an administrator (whose wrap the caller seals again with it)."""
    found = _checked(load(paths), data_key)
    admin_key = keys.new_data_key()
    found.admin_key_id = keys.key_id(admin_key)
    save(paths, found)
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
    found = _checked(load(paths), folder.data)
    found.accounts[account_tag(username)] = keys.wrap_for_password(
        folder.sealed(administrator=administrator), password)
    save(paths, found)


def unseal(wrap: Wrap, secret: str) -> FolderKeys | None:
    """The keys a wrap holds, None when `secret` does not open it."""
    opened = keys.unwrap(wrap, secret)
    return None if opened is None else FolderKeys.unsealed(opened)


def drop_account(paths: DataPaths, username: str) -> None:
    """A disabled account can no longer unseal the key, whatever password it knew."""
    found = load(paths)
    found.accounts.pop(account_tag(username), None)
    save(paths, found)


def clear_lockout(paths: DataPaths, username: str) -> None:
    """An administrator's reset (or the recovery key) lets a locked-out account in again."""
    found = load(paths)
    if found.lockouts.pop(account_tag(username), None) is not None:
        save(paths, found)


def seal_for_recovery(paths: DataPaths, folder: FolderKeys, recovery_key: str) -> None:
    """Replace the recovery wrap: an older recovery key stops working."""
    found = _checked(load(paths), folder.data)
    found.recovery = keys.wrap_for_recovery(folder.sealed(administrator=True), recovery_key)
    save(paths, found)


def open_with_recovery(paths: DataPaths, recovery_key: str) -> FolderKeys | None:
    found = load(paths)
    return None if found.recovery is None else unseal(found.recovery, recovery_key)


def has_recovery_key(paths: DataPaths) -> bool:
    return load(paths).recovery is not None


def unlocked_with(db: Database, key_id: str) -> bool:
    """Whether the open folder is unlocked with the data key named `key_id`: a backup of
    this folder opens without a password."""
    return db.unlocked and keys.key_id(db.data_key) == key_id


def sealed_copies(paths: DataPaths) -> list[dict[str, object]]:
    """Every wrap with its account's tag, for a backup's header: a backup opens with the
    password an account had when it was made, or with the recovery key."""
    found = load(paths)
    copies: list[dict[str, object]] = [{"account": tag, **wrap.to_json()}
                                       for tag, wrap in found.accounts.items()]
    if found.recovery is not None:
        copies.append({"account": None, **found.recovery.to_json()})
    return copies


def keyfile_for_restore(target: Path, key_id: str, copies: list[dict[str, object]]) -> None:
    """The key file of a restored folder, written at `target` from its backup's wraps."""
    restored = KeyFile(key_id)
    for copy in copies:
        wrap = Wrap.from_json(copy)
        if wrap.kind == WrapKind.RECOVERY:
            restored.recovery = wrap
        elif isinstance(copy.get("account"), str):
            restored.accounts[str(copy["account"])] = wrap
    keyfile.save(target, restored)


def open_sealed_copy(copies: list[dict[str, object]], username: str | None,
                     secret: str) -> bytes | None:
    """The data key from a backup's wraps, by account password or recovery key."""
    # (An administrator's wrap holds the administrators' key after the data key.)
    for copy in copies:
        wrap = Wrap.from_json(copy)
        if username is None:
            mine = wrap.kind == WrapKind.RECOVERY
        else:
            mine = copy.get("account") == account_tag(username)
        if mine and (found := keys.unwrap(wrap, secret)) is not None:
            return found[:keys.KEY_SIZE]
    return None
