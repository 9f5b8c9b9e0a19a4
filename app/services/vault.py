"""The data folder's data key in the database: sealed for each account's password and
for the recovery key; unsealed at sign-in into `Database.unlock`.

Procedure when staff change (README): an administrator resets the leaver's or the
newcomer's password (the key is re-sealed for the new password); the recovery key is
only needed when no administrator can sign in, or to open a backup whose passwords
nobody knows.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain.accounts import username_key
from app.models import KeyWrap, User
from app.security import keys
from app.security.keys import Wrap, WrapKind


def _folder_key_id(session: Session) -> str | None:
    return session.execute(select(KeyWrap.key_id).limit(1)).scalar_one_or_none()


def _save(session: Session, user_id: int | None, wrap: Wrap, data_key: bytes) -> None:
    session.execute(delete(KeyWrap).where(
        KeyWrap.user_id == user_id if user_id is not None else KeyWrap.user_id.is_(None)))
    session.add(KeyWrap(user_id=user_id, kind=wrap.kind, wrap=json.dumps(wrap.to_json()),
                        key_id=keys.key_id(data_key)))


def seal_for_password(session: Session, user_id: int, data_key: bytes, password: str) -> None:
    """(Re)seal the key for an account's new password."""
    _save(session, user_id, keys.wrap_for_password(data_key, password), data_key)


def seal_for_recovery(session: Session, data_key: bytes, recovery_key: str) -> None:
    """Replace the recovery wrap: an older recovery key stops working."""
    _save(session, None, keys.wrap_for_recovery(data_key, recovery_key), data_key)


def open_for(session: Session, user: User, password: str) -> bytes | None:
    """The data key for an account that has just given its right password.

    A folder made before encryption existed gets its key here, at the first sign-in;
    an account the key was never sealed for gets None (an administrator's password
    reset gives it one).
    """
    row = session.execute(select(KeyWrap).where(KeyWrap.user_id == user.id)).scalar_one_or_none()
    if row is not None:
        return keys.unwrap(Wrap.from_json(json.loads(row.wrap)), password)
    if _folder_key_id(session) is not None:
        return None
    data_key = keys.new_data_key()
    seal_for_password(session, user.id, data_key, password)
    return data_key


def open_with_recovery(session: Session, recovery_key: str) -> bytes | None:
    row = session.execute(
        select(KeyWrap).where(KeyWrap.user_id.is_(None))).scalar_one_or_none()
    if row is None:
        return None
    return keys.unwrap(Wrap.from_json(json.loads(row.wrap)), recovery_key)


def unlocked_with(db: Database, key_id: str) -> bool:
    """Whether the open folder is unlocked with the data key named `key_id`: a backup of
    this folder opens without a password."""
    return db.unlocked and keys.key_id(db.data_key) == key_id


def has_recovery_key(session: Session) -> bool:
    return session.execute(
        select(KeyWrap.id).where(KeyWrap.user_id.is_(None))).first() is not None


def sealed_copies(session: Session) -> list[dict[str, object]]:
    """Every wrap with its account name, for a backup's header: a backup opens with the
    password an account had when it was made, or with the recovery key."""
    rows = session.execute(
        select(KeyWrap, User.username).outerjoin(User, User.id == KeyWrap.user_id)).all()
    return [{"account": _account_tag(username) if username else None, **json.loads(row.wrap)}
            for row, username in rows]


def _account_tag(username: str) -> str:
    # Says which wrap is whose without writing account names in the clear.
    return hashlib.sha256(f"sovipham account {username_key(username)}".encode()).hexdigest()[:24]


def open_sealed_copy(copies: list[dict[str, object]], username: str | None,
                     secret: str) -> bytes | None:
    """The data key from a backup's wraps, by account password or recovery key."""
    for copy in copies:
        wrap = Wrap.from_json(copy)
        if username is None:
            mine = wrap.kind == WrapKind.RECOVERY
        else:
            mine = copy.get("account") == _account_tag(username)
        if mine and (found := keys.unwrap(wrap, secret)) is not None:
            return found
    return None
