"""Accounts: sign-in with a memory-hard hash, lockout, roles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database, encryption
from app.domain.accounts import username_key
from app.domain.labels import (
    ACCOUNT_ACTIVE,
    ACCOUNT_DISABLED,
    ACCOUNT_LOCKED_UNTIL,
    ROLE_LABELS,
    Role,
)
from app.domain.passwords import (
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    STRONG_PASSWORD_ROLES,
    account_password_rule,
    weak_account_password,
)
from app.errors import NotAllowed, UserError
from app.models import User
from app.models.base import utcnow
from app.paths import DataPaths
from app.security import keyfile, keys
from app.security.keyfile import FailedSignIn, KeyFile, Lockout, account_tag
from app.security.keys import Wrap
from app.services import accounts_seal, audit, rotation, settings, unit_keys, vault
from app.services.actor import SYSTEM, Actor, Permission
from app.services.audit import AuditAction
from app.text import clean

# Argon2id at argon2-cffi's default cost (RFC 9106's low-memory profile); each hash stores
# its cost. The suite swaps in a cheap one for speed (tests/test_accounts.py checks this one).
password_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    locked_until: datetime | None


def state_labels(user: UserRecord, now: datetime | None = None) -> tuple[str, str]:
    """How the window's list and `user list` show an account: in use or disabled, and until
    when it is locked after wrong passwords ("" when it is not)."""
    until = user.locked_until
    locked = "" if until is None or until <= (now or utcnow()) \
        else ACCOUNT_LOCKED_UNTIL.format(until.astimezone())
    return ACCOUNT_ACTIVE if user.active else ACCOUNT_DISABLED, locked


def _record(user: User, found: KeyFile | None = None) -> UserRecord:
    """The account as shown; `found` (the key file) says whether it is locked out now."""
    lockout = found.lockouts.get(account_tag(user.username)) if found is not None else None
    until = lockout.until if lockout is not None else None
    return UserRecord(user.id, user.username, user.full_name, Role(user.role), user.active,
                      until if until is not None and until > utcnow() else None)


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.full_name, Role(user.role))


def _check_password_strength(session: Session, password: str, *, role: Role, username: str,
                             full_name: str) -> None:
    """Refuse a password an account of `role` may not have (`passwords.py`), judged against
    the account's names and the office's."""
    office = settings.read_office(session)
    problem = weak_account_password(password, role, (
        username, full_name, office.unit_name, office.unit_short, office.managing_body,
        office.place_name, *office.areas))
    if problem is not None:
        raise UserError(problem, field="password")


def _clean_username(username: str) -> str:
    name = clean(username)
    if not name or len(name) > 60 or any(ch.isspace() for ch in name):
        raise UserError(
            "Tên đăng nhập không hợp lệ: cần từ 1 đến 60 ký tự, không có dấu cách.",
            field="username",
        )
    return name


def _find(session: Session, username: str) -> User | None:
    # In Python (`username_key`), not SQL: an office has a handful of accounts.
    key = username_key(username)
    return next((user for user in session.execute(select(User)).scalars()
                 if username_key(user.username) == key), None)


def create_user(
    db: Database,
    actor: Actor,
    *,
    username: str,
    full_name: str,
    role: Role,
    password: str,
) -> UserRecord:
    """Add an account. The very first administrator is created by `SYSTEM` at init."""
    if actor is not SYSTEM:
        actor.require(Permission.MANAGE_USERS)
    name = _clean_username(username)
    display = clean(full_name) or name
    with db.write() as session:
        if _find(session, name) is not None:
            raise UserError(f"Tên đăng nhập «{name}» đã có.", field="username")
        _check_password_strength(session, password, role=role, username=name,
                                 full_name=display)
        user = User(
            username=name,
            full_name=display,
            role=str(role),
            password_hash=password_hasher.hash(password),
        )
        session.add(user)
        session.flush()
        if db.unlocked:
            vault.seal_for_password(db.paths, name, _held_keys(db), password,
                                    administrator=role == Role.ADMIN)
            accounts_seal.renew_in(session, db)
        audit.record(session, actor.username, AuditAction.USER_CREATE, entity="user",
                     detail={"username": name, "role": str(role)})
        return _record(user)


# One answer for every refused sign-in (unknown name, wrong password, disabled or locked
# account), so that trying names tells nothing about which accounts exist.
SIGN_IN_REFUSED = (
    "Tên đăng nhập hoặc mật khẩu không đúng, hoặc người dùng đang bị khóa. Sau "
    f"{MAX_FAILED_ATTEMPTS} lần sai liên tiếp, người dùng tạm khóa "
    f"{int(LOCKOUT.total_seconds() // 60)} phút; quản trị có thể đặt lại mật khẩu."
)


def authenticate(db: Database, username: str, password: str) -> Actor:
    """Check a password by unsealing the data key with it, then open the database.

    Every attempt, good or bad, reaches the audit log: a refused one waits in the key file
    (the database cannot be opened without a right password) until the next sign-in. A
    refusal takes the same time and says the same thing whatever was wrong."""
    paths = db.paths
    if encryption.is_plain(paths.database):
        _encrypt_folder(db, username, password)
    rotation.finish_interrupted(db, username, password)
    found = vault.load(paths)
    tag = account_tag(username)
    wrap = found.accounts.get(tag)
    now = utcnow()
    if wrap is None:
        keys.unwrap_nothing(password)
        folder = None
    else:
        folder = vault.unseal(wrap, password)
    # The lockout is read and counted under the key file's lock: on a server, wrong
    # passwords typed on several PCs at once all count.
    with vault.updating(paths) as current:
        lockout = current.lockouts.get(tag, Lockout())
        reason = ("unknown" if wrap is None else "password" if folder is None
                  else "locked" if lockout.until is not None and lockout.until > now else None)
        if reason is not None:
            current.note_failure(FailedSignIn(now, None if wrap is None else tag, reason))
        if reason == "password":
            lockout.failed += 1
            if lockout.failed >= MAX_FAILED_ATTEMPTS:
                lockout.failed, lockout.until = 0, now + LOCKOUT
            current.lockouts[tag] = lockout
    if reason is not None or folder is None:
        raise NotAllowed(SIGN_IN_REFUSED)
    db.unlock(folder.data)
    with db.write() as session:
        user = _find(session, username)
        if user is None or not user.active:  # a key file older than the database
            raise NotAllowed(SIGN_IN_REFUSED)
        administrator = user.role == Role.ADMIN
        if administrator and folder.admin is None and found.admin_key_id is None:
            # A folder made before the administrators' key: the first administrator in.
            folder = vault.new_admin_key(paths, folder.data)
            vault.seal_for_password(paths, user.username, folder, password, administrator=True)
            found = vault.load(paths)
            audit.start_chain(session, user.username, folder.admin)
        db.hold_admin_key(folder.admin if administrator else None)
        if db.admin_key is not None:
            accounts_seal.on_admin_sign_in(session, db, user.username)
            # A folder made before the office had key pairs gets them now.
            unit_keys.make_own_keys(session, db.admin_key)
            found = vault.load(paths)  # as it may have written it
        _log_failures(session, found)
        audit.record(session, user.username, AuditAction.LOGIN)
        actor = _actor(user)
        office_name = settings.read_office(session).unit_name
    with vault.updating(paths) as current:
        current.lockouts.pop(tag, None)
        # The refused sign-ins just logged go; any noted meanwhile (another PC) waits.
        current.failures = [f for f in current.failures if f not in found.failures]
        current.dropped_failures = max(0, current.dropped_failures - found.dropped_failures)
        current.office_name = office_name
    return actor


def _held_keys(db: Database) -> vault.FolderKeys:
    """The keys the signed-in session can seal for an account: the administrators' key only
    in an administrator's session."""
    return vault.FolderKeys(db.data_key, db.admin_key)


def _log_failures(session: Session, found: KeyFile) -> None:
    """The refused sign-ins since the last one, into the audit log under the account they
    tried (an unknown name stays unnamed: it may be a password typed in the wrong field)."""
    names = {account_tag(user.username): user.username
             for user in session.execute(select(User)).scalars()}
    for failure in found.failures:
        audit.record(session, names.get(failure.account or "", ""), AuditAction.LOGIN_FAILED,
                     detail={"reason": failure.reason, "at": failure.at.isoformat()})
    if found.dropped_failures:
        audit.record(session, "", AuditAction.LOGIN_FAILED,
                     detail={"reason": "dropped", "count": found.dropped_failures})


def _interrupted_key(paths: DataPaths, username: str, password: str) -> bytes | None:
    found = keyfile.load(paths.keys)
    wrap = found.accounts.get(account_tag(username)) if found is not None else None
    opened = vault.unseal(wrap, password) if wrap is not None else None
    return opened.data if opened is not None else None


def _encrypt_folder(db: Database, username: str, password: str) -> None:
    """A folder made before the database was encrypted: the first right sign-in writes its
    key file from the wraps kept in the database, then encrypts the database in place.
    Accounts without a wrap (disabled, or never sealed) wait for a password reset."""
    plain = encryption.plain_keys(db.paths.database)
    key = username_key(username)
    account = next((a for a in plain.accounts if username_key(a.username) == key), None)
    if account is None or not account.active or not password_matches(account.password_hash,
                                                                      password):
        keys.unwrap_nothing(password)
        raise NotAllowed(SIGN_IN_REFUSED)
    if account.wrap is not None:
        opened = vault.unseal(Wrap.from_json(json.loads(account.wrap)), password)
        data_key = opened.data if opened is not None else None
    elif not plain.has_key:  # made before any file was encrypted: the key is new, or
        # that of an encryption a crash interrupted (its safety copy is sealed with it)
        data_key = _interrupted_key(db.paths, account.username, password) or keys.new_data_key()
    else:
        data_key = None
    if data_key is None:
        raise NotAllowed(SIGN_IN_REFUSED)
    found = KeyFile(keys.key_id(data_key))
    for other in plain.accounts:
        if other.active and other.wrap is not None:
            found.accounts[account_tag(other.username)] = Wrap.from_json(json.loads(other.wrap))
    found.accounts[account_tag(account.username)] = keys.wrap_for_password(data_key, password)
    if plain.recovery is not None:
        found.recovery = Wrap.from_json(json.loads(plain.recovery))
    vault.save(db.paths, found)
    encryption.encrypt_in_place(db.paths, data_key)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _locked_message(until: datetime) -> str:
    local = until.astimezone()
    return (
        "Người dùng đang tạm khóa do nhập sai mật khẩu nhiều lần, "
        f"thử lại sau {local:%H:%M} ngày {local:%d/%m/%Y} hoặc nhờ quản trị mở khóa."
    )


def change_password(db: Database, actor: Actor, old_password: str, new_password: str) -> None:
    with db.write() as session:
        user = session.get(User, actor.user_id)
        if user is None or not password_matches(user.password_hash, old_password):
            raise UserError("Mật khẩu hiện tại không đúng.", field="old_password")
        _check_password_strength(session, new_password, role=Role(user.role),
                                 username=user.username, full_name=user.full_name)
        user.password_hash = password_hasher.hash(new_password)
        user.password_changed_at = utcnow()
        vault.seal_for_password(db.paths, user.username, _held_keys(db), new_password,
                                administrator=user.role == Role.ADMIN)
        accounts_seal.renew_in(session, db)
        audit.record(session, actor.username, AuditAction.PASSWORD_CHANGE, entity="user",
                     detail={"username": user.username})


def update_user(
    db: Database,
    actor: Actor,
    user_id: int,
    *,
    role: Role | None = None,
    active: bool | None = None,
    new_password: str | None = None,
) -> UserRecord:
    """Change a role, disable/enable or reset the password of an account (administrators).

    Enabling an account, or raising it to a role of `STRONG_PASSWORD_ROLES`, sets a new
    password at the same time: a disabled account has lost its seal of the data key, which
    only a password can make again, and a weak password must not come with the keys of
    the whole register."""
    actor.require(Permission.MANAGE_USERS)
    with db.write() as session:
        user = session.get(User, user_id)
        if user is None:
            raise UserError("Không tìm thấy người dùng.")
        demoting = (role is not None and role != Role.ADMIN) or active is False
        if demoting and user.role == Role.ADMIN and _active_admins(session) <= 1:
            raise UserError("Không thể bỏ quyền hoặc khóa quản trị viên cuối cùng.")
        if new_password is None:
            _require_new_password(user, role=role, active=active)
        else:
            _check_password_strength(session, new_password,
                                     role=Role(user.role) if role is None else role,
                                     username=user.username, full_name=user.full_name)
        changes: dict[str, object] = {}
        if role is not None and role != user.role:
            changes["role"] = [ROLE_LABELS[Role(user.role)], ROLE_LABELS[role]]
            user.role = str(role)
        if active is not None and active != user.active:
            changes["active"] = [user.active, active]
            user.active = active
            if not active:
                vault.drop_account(db.paths, user.username)
        if new_password is not None:
            user.password_hash = password_hasher.hash(new_password)
            user.password_changed_at = utcnow()
            if user.active:
                vault.seal_for_password(db.paths, user.username, _held_keys(db), new_password,
                                        administrator=user.role == Role.ADMIN)
                vault.clear_lockout(db.paths, user.username)
            changes["password"] = "reset"
        accounts_seal.renew_in(session, db)
        audit.record(session, actor.username, AuditAction.USER_UPDATE, entity="user",
                     detail={"username": user.username, "changes": changes})
        return _record(user, vault.load(db.paths))


def role_change_needs_password(current: Role, new: Role) -> bool:
    """Raising an account to a role of `STRONG_PASSWORD_ROLES` (a weak password must not
    come with those rights), or taking it out of Quản trị (its wrap holds the
    administrators' key, which only a new wrap leaves out)."""
    return new != current and (new in STRONG_PASSWORD_ROLES or current == Role.ADMIN)


def _require_new_password(user: User, *, role: Role | None, active: bool | None) -> None:
    if active is True and not user.active:
        raise UserError(
            f"Mở lại người dùng «{user.username}» cần đặt mật khẩu mới cho người dùng: khi bị "
            "khóa, người dùng đã mất quyền mở dữ liệu mã hóa, chỉ mật khẩu mới cấp lại được.",
            field="new_password")
    if role is None or not role_change_needs_password(Role(user.role), role):
        return
    if role in STRONG_PASSWORD_ROLES:
        raise UserError(
            f"Chuyển «{user.username}» sang vai trò {ROLE_LABELS[role]} cần đặt mật khẩu mới "
            f"cùng lúc. {account_password_rule(role)}", field="new_password")
    raise UserError(
        f"Bỏ quyền quản trị của «{user.username}» cần đặt mật khẩu mới cùng lúc: niêm "
        "phong cũ của người dùng giữ khóa quản trị, chỉ niêm phong mới bỏ được khóa đó.",
        field="new_password")


def replace_recovery_key(db: Database, actor: Actor) -> str:
    """A new recovery key for the data folder, to be printed and kept safe; the old one
    stops working (e.g. when the person who kept it leaves)."""
    actor.require(Permission.MANAGE_USERS)
    recovery_key = keys.new_recovery_key()
    with db.write() as session:
        vault.seal_for_recovery(db.paths, _held_keys(db), recovery_key)
        accounts_seal.renew_in(session, db)
        audit.record(session, actor.username, AuditAction.RECOVERY_KEY_NEW)
    return recovery_key


def recover_account(db: Database, username: str, recovery_key: str, new_password: str) -> None:
    """Set a new password with the recovery key, when no administrator can sign in.
    The account is unlocked and keeps access to everything encrypted."""
    if encryption.is_plain(db.paths.database):
        raise NotAllowed("Thư mục dữ liệu này chưa được mã hóa: hãy đăng nhập một lần bằng "
                         "người dùng quản trị trước khi dùng khóa khôi phục.")
    rotation.finish_interrupted(db, None, recovery_key)
    folder = vault.open_with_recovery(db.paths, recovery_key)
    if folder is None:
        raise NotAllowed("Khóa khôi phục không đúng (hoặc đã được thay bằng khóa mới).")
    db.unlock(folder.data)
    with db.write() as session:
        user = _find(session, username)
        if user is None:
            raise UserError(f"Không có người dùng «{clean(username)}».", field="username")
        _check_password_strength(session, new_password, role=Role(user.role),
                                 username=user.username, full_name=user.full_name)
        user.password_hash = password_hasher.hash(new_password)
        user.password_changed_at = utcnow()
        user.active = True
        vault.seal_for_password(db.paths, user.username, folder, new_password,
                                administrator=user.role == Role.ADMIN)
        vault.clear_lockout(db.paths, user.username)
        if folder.admin is not None:
            accounts_seal.renew(session, db.paths, folder.data, folder.admin)
        audit.record(session, user.username, AuditAction.RECOVERY_KEY_USE, entity="user",
                     detail={"username": user.username})


def _active_admins(session: Session) -> int:
    return session.execute(
        select(func.count(User.id)).where(User.role == str(Role.ADMIN), User.active.is_(True))
    ).scalar_one()


def list_users(db: Database, actor: Actor) -> list[UserRecord]:
    """Every account, by name (administrators: the accounts are theirs to manage)."""
    actor.require(Permission.MANAGE_USERS)
    with db.read() as session:
        users = session.execute(select(User).order_by(User.username)).scalars()
        found = vault.load(db.paths)
        return [_record(user, found) for user in users]


def find_user(db: Database, actor: Actor, username: str) -> UserRecord:
    """The account named `username` however its name is typed (`username_key`)."""
    actor.require(Permission.MANAGE_USERS)
    with db.read() as session:
        user = _find(session, username)
        if user is None:
            raise UserError(f"Không có người dùng «{clean(username)}».", field="username")
        return _record(user, vault.load(db.paths))
