"""The accounts seal: the administrators' approval of who may do what, kept in the
database so that it travels inside every backup.

It is a MAC with the administrators' key A (`sealing.MacPurpose.ACCOUNTS`) over the data
key's fingerprint, every account (its name as sign-in folds it, its role, whether it is
in use) and the wraps that hold A (the active administrators' and the recovery wrap). Only
an administrator's session writes it: at init, after every change of accounts it makes,
at an administrator's first sign-in in a folder that has none, after replacing the keys.

Why: an automatic backup made in a session without A (an officer's) carries no
administrator's MAC. Everyone holds the data key, so such a session could have written
anything into the database it copies; a restore accepts it only when the accounts and the
administrators' wraps inside are exactly those an administrator sealed
(`backup.restore_backup`), so no one can make himself administrator, or slip in a wrap
of his own, through such a backup. `check` in an administrator's session reports accounts
changed outside the program.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain.accounts import username_key
from app.domain.labels import Role
from app.errors import UserError
from app.models import Setting, User
from app.paths import DataPaths
from app.security import keys, sealing
from app.security.keyfile import KeyFile, SealedCopy, account_tag
from app.services import audit, settings, vault
from app.services.audit import AuditAction

SETTING_KEY = "accounts_seal"

Account = tuple[str, str, bool]  # folded name, role, active


@dataclass(frozen=True)
class AccountsSeal:
    data_key_id: str
    accounts: tuple[Account, ...]
    copies: tuple[SealedCopy, ...]
    mac: bytes

    def matches(self, admin_key: bytes, data_key_id: str, accounts: Sequence[Account],
                copies: Sequence[SealedCopy]) -> bool:
        """Whether A sealed exactly these accounts and wraps, for this data key."""
        return (self.data_key_id == data_key_id and list(self.accounts) == list(accounts)
                and _copies_json(self.copies) == _copies_json(copies)
                and sealing.mac_matches(admin_key, sealing.MacPurpose.ACCOUNTS,
                                        _signed(self.data_key_id, self.accounts, self.copies),
                                        self.mac))


def _copies_json(copies: Sequence[SealedCopy]) -> list[dict[str, object]]:
    return sorted((copy.to_json() for copy in copies), key=lambda c: json.dumps(c))


def _signed(data_key_id: str, accounts: Sequence[Account],
            copies: Sequence[SealedCopy]) -> bytes:
    return json.dumps({"key_id": data_key_id, "accounts": [list(a) for a in accounts],
                       "copies": _copies_json(copies)},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _accounts(users: Sequence[tuple[str, str, bool]]) -> list[Account]:
    return sorted((username_key(name), str(role), bool(active)) for name, role, active in users)


def accounts_of(connection: Session | Connection) -> list[Account]:
    """Every account as the seal covers it, from a session or a connection on a copy (only
    these columns: a backup made by an older version has them too)."""
    rows = connection.execute(select(User.username, User.role, User.active)).all()
    return _accounts([(row[0], row[1], row[2]) for row in rows])


def administrators(accounts: Sequence[Account]) -> set[str]:
    """The key file's tags of the active administrators."""
    return {account_tag(name) for name, role, active in accounts
            if role == Role.ADMIN and active}


def renew(session: Session, paths: DataPaths, data_key: bytes, admin_key: bytes,
          key_file: KeyFile | None = None) -> None:
    """Seal the accounts as they are now in `session` and the key file's administrators'
    wraps (`key_file` when the transaction is changing it, else as stored), with A (an
    administrator's session, in the transaction that changed them)."""
    session.flush()
    accounts = accounts_of(session)
    found = key_file if key_file is not None else vault.load(paths)
    copies = vault.administrators_copies(found, administrators(accounts))
    key_id = keys.key_id(data_key)
    mac = sealing.mac(admin_key, sealing.MacPurpose.ACCOUNTS, _signed(key_id, accounts, copies))
    settings.write_value(session, SETTING_KEY, {
        "key_id": key_id, "accounts": [list(a) for a in accounts],
        "copies": [copy.to_json() for copy in copies], "mac": mac.hex()})


def renew_in(session: Session, db: Database) -> None:
    """`renew` when the session holds A (an administrator's)."""
    if db.admin_key is not None:
        renew(session, db.paths, db.data_key, db.admin_key)


def read(connection: Session | Connection) -> AccountsSeal | None:
    """The seal stored in a database (a session, or a connection on a copy), None when there
    is none or it cannot be read as one."""
    row = connection.execute(select(Setting.value).where(Setting.key == SETTING_KEY)).first()
    if row is None:
        return None
    try:
        data = json.loads(row[0])
        return AccountsSeal(
            str(data["key_id"]),
            tuple((str(n), str(r), a) for n, r, a in data["accounts"] if isinstance(a, bool)),
            tuple(SealedCopy.from_json(copy) for copy in data["copies"]),
            bytes.fromhex(str(data["mac"])))
    except (ValueError, KeyError, TypeError, UserError):
        return None


def discard(connection: Connection) -> None:
    """Remove the seal from a restored copy whose accounts nothing vouches for."""
    connection.execute(delete(Setting).where(Setting.key == SETTING_KEY))


def problems(db: Database) -> list[str]:
    """For `check` in an administrator's session: the accounts or the administrators'
    wraps changed outside an administrator's session (or never sealed)."""
    if db.admin_key is None:
        return []
    with db.read() as session:
        found, accounts = read(session), accounts_of(session)
    copies = vault.administrators_copies(vault.load(db.paths), administrators(accounts))
    if found is None:
        return ["Danh sách người dùng chưa được quản trị viên niêm phong: hãy đăng nhập lại "
                "với vai trò Quản trị để niêm phong."]
    if not found.matches(db.admin_key, keys.key_id(db.data_key), accounts, copies):
        return ["Danh sách người dùng (vai trò, tình trạng) hoặc khóa của quản trị viên đã bị "
                "sửa ngoài chương trình: niêm phong của quản trị viên không khớp. Hãy xem lại "
                "các người dùng ở Quản trị → Người dùng; một thay đổi người dùng của quản trị "
                "viên sẽ niêm phong lại."]
    return []


def on_admin_sign_in(session: Session, db: Database, username: str) -> None:
    """At an administrator's sign-in (the session holds A): P in the key file as A says,
    repaired and logged when not; the accounts sealed if they never were. A seal that no
    longer matches is logged, not renewed: only an administrator's change of accounts,
    made on the list he sees, seals them again."""
    admin_key = db.admin_key
    assert admin_key is not None
    if vault.check_backup_key(db.paths, vault.FolderKeys(db.data_key, admin_key)):
        audit.record(session, username, AuditAction.KEY_MISMATCH,
                     detail={"what": "backup_key", "repaired": True})
    found = read(session)
    if found is None:
        renew(session, db.paths, db.data_key, admin_key)
        return
    accounts = accounts_of(session)
    copies = vault.administrators_copies(vault.load(db.paths), administrators(accounts))
    if not found.matches(admin_key, keys.key_id(db.data_key), accounts, copies):
        audit.record(session, username, AuditAction.KEY_MISMATCH,
                     detail={"what": "accounts_seal", "repaired": False})
