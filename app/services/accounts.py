"""Accounts: sign-in with a memory-hard hash, lockout, roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
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
from app.security import keys
from app.services import audit, settings, vault
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


def _record(user: User) -> UserRecord:
    return UserRecord(user.id, user.username, user.full_name, Role(user.role), user.active,
                      user.locked_until)


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


def count_users(db: Database) -> int:
    with db.read() as session:
        return session.execute(select(func.count(User.id))).scalar_one()


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
            vault.seal_for_password(session, user.id, db.data_key, password)
        audit.record(session, actor.username, AuditAction.USER_CREATE, entity="user",
                     detail={"username": name, "role": str(role)})
        return _record(user)


def authenticate(db: Database, username: str, password: str) -> Actor:
    """Check a password. Every attempt, good or bad, is written to the audit log.

    Signing in also unseals the data key (`Database.unlock`)."""
    failure: NotAllowed | None = None
    with db.write() as session:
        user = _find(session, username)
        now = utcnow()
        if user is None or not user.active:
            audit.record(session, clean(username) or "", AuditAction.LOGIN_FAILED,
                         detail={"reason": "unknown" if user is None else "disabled"})
            problem = "bị khóa bởi quản trị" if user is not None else "không tồn tại"
            failure = NotAllowed(f"Tài khoản «{clean(username)}» {problem}.")
        elif user.locked_until is not None and user.locked_until > now:
            audit.record(session, user.username, AuditAction.LOGIN_FAILED,
                         detail={"reason": "locked"})
            failure = NotAllowed(_locked_message(user.locked_until))
        elif not password_matches(user.password_hash, password):
            user.failed_attempts += 1
            detail: dict[str, object] = {"reason": "password", "attempt": user.failed_attempts}
            if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
                user.locked_until = now + LOCKOUT
                user.failed_attempts = 0
                detail["locked"] = True
                failure = NotAllowed(
                    f"Sai mật khẩu {MAX_FAILED_ATTEMPTS} lần liên tiếp. "
                    + _locked_message(user.locked_until)
                )
            else:
                left = MAX_FAILED_ATTEMPTS - user.failed_attempts
                failure = NotAllowed(
                    f"Sai mật khẩu. Còn {left} lần thử trước khi tài khoản bị tạm khóa."
                )
            audit.record(session, user.username, AuditAction.LOGIN_FAILED, detail=detail)
        else:
            user.failed_attempts = 0
            user.locked_until = None
            if password_hasher.check_needs_rehash(user.password_hash):
                user.password_hash = password_hasher.hash(password)
            data_key = vault.open_for(session, user, password)
            audit.record(session, user.username, AuditAction.LOGIN)
            actor = _actor(user)
    if failure is not None:
        # Raised after the block so the failure and its audit row are committed.
        raise failure
    if data_key is not None:
        db.unlock(data_key)
    return actor


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _locked_message(until: datetime) -> str:
    local = until.astimezone()
    return (
        "Tài khoản đang tạm khóa do nhập sai mật khẩu nhiều lần, "
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
        data_key = db.data_key if db.unlocked else vault.open_for(session, user, old_password)
        if data_key is not None:
            vault.seal_for_password(session, user.id, data_key, new_password)
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
            raise UserError("Không tìm thấy tài khoản.")
        if new_password is None:
            _require_new_password(user, role=role, active=active)
        else:
            _check_password_strength(session, new_password,
                                     role=Role(user.role) if role is None else role,
                                     username=user.username, full_name=user.full_name)
        changes: dict[str, object] = {}
        demoting = (role is not None and role != Role.ADMIN) or active is False
        if demoting and user.role == Role.ADMIN and _active_admins(session) <= 1:
            raise UserError("Không thể bỏ quyền hoặc khóa quản trị viên cuối cùng.")
        if role is not None and role != user.role:
            changes["role"] = [ROLE_LABELS[Role(user.role)], ROLE_LABELS[role]]
            user.role = str(role)
        if active is not None and active != user.active:
            changes["active"] = [user.active, active]
            user.active = active
        if new_password is not None:
            user.password_hash = password_hasher.hash(new_password)
            user.password_changed_at = utcnow()
            user.failed_attempts = 0
            user.locked_until = None
            # A disabled account keeps no seal of the data key: it gets one when enabled.
            if db.unlocked and user.active:
                vault.seal_for_password(session, user.id, db.data_key, new_password)
            changes["password"] = "reset"
        audit.record(session, actor.username, AuditAction.USER_UPDATE, entity="user",
                     detail={"username": user.username, "changes": changes})
        return _record(user)


def _require_new_password(user: User, *, role: Role | None, active: bool | None) -> None:
    if active is True and not user.active:
        raise UserError(
            f"Mở lại tài khoản «{user.username}» cần đặt mật khẩu mới cho tài khoản: khi bị "
            "khóa, tài khoản đã mất quyền mở dữ liệu mã hóa, chỉ mật khẩu mới cấp lại được.",
            field="new_password")
    if role is not None and role in STRONG_PASSWORD_ROLES and role != user.role:
        raise UserError(
            f"Chuyển «{user.username}» sang vai trò {ROLE_LABELS[role]} cần đặt mật khẩu mới "
            f"cùng lúc. {account_password_rule(role)}", field="new_password")


def replace_recovery_key(db: Database, actor: Actor) -> str:
    """A new recovery key for the data folder, to be printed and kept safe; the old one
    stops working (e.g. when the person who kept it leaves)."""
    actor.require(Permission.MANAGE_USERS)
    recovery_key = keys.new_recovery_key()
    with db.write() as session:
        vault.seal_for_recovery(session, db.data_key, recovery_key)
        audit.record(session, actor.username, AuditAction.RECOVERY_KEY_NEW)
    return recovery_key


def recover_account(db: Database, username: str, recovery_key: str, new_password: str) -> None:
    """Set a new password with the recovery key, when no administrator can sign in.
    The account is unlocked and keeps access to everything encrypted."""
    with db.write() as session:
        data_key = vault.open_with_recovery(session, recovery_key)
        if data_key is None:
            raise NotAllowed("Khóa khôi phục không đúng (hoặc đã được thay bằng khóa mới).")
        user = _find(session, username)
        if user is None:
            raise UserError(f"Không có tài khoản «{clean(username)}».", field="username")
        _check_password_strength(session, new_password, role=Role(user.role),
                                 username=user.username, full_name=user.full_name)
        user.password_hash = password_hasher.hash(new_password)
        user.password_changed_at = utcnow()
        user.failed_attempts = 0
        user.locked_until = None
        user.active = True
        vault.seal_for_password(session, user.id, data_key, new_password)
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
        return [_record(u) for u in session.execute(select(User).order_by(User.username)).scalars()]


def find_user(db: Database, actor: Actor, username: str) -> UserRecord:
    """The account named `username` however its name is typed (`username_key`)."""
    actor.require(Permission.MANAGE_USERS)
    with db.read() as session:
        user = _find(session, username)
        if user is None:
            raise UserError(f"Không có tài khoản «{clean(username)}».", field="username")
        return _record(user)
