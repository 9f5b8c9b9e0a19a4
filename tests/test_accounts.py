"""Sign-in, lockout, roles and the audit trail of every attempt."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from argon2 import Type
from sqlalchemy import select

from app.db import Database
from app.domain.labels import Role
from app.errors import NotAllowed, UserError
from app.models import AuditEntry, User
from app.models.base import utcnow
from app.security import keyfile, keys
from app.services import accounts, audit
from app.services.actor import Actor
from tests.conftest import ADMIN_PASSWORD, PASSWORD, PROGRAM_PASSWORD_HASHER


def _actions(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        return [(e.username, e.action) for e in
                session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]


def test_password_is_stored_as_argon2_hash(db: Database) -> None:
    with db.read() as session:
        stored = session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and ADMIN_PASSWORD not in stored


def test_the_program_hashes_passwords_at_full_argon2_cost() -> None:
    # The suite hashes at a cheap cost (conftest); the program's own hasher:
    hasher = PROGRAM_PASSWORD_HASHER
    assert hasher.type is Type.ID
    assert hasher.time_cost >= 3 and hasher.memory_cost >= 64 * 1024


def _refused(db: Database, username: str, password: str) -> str:
    with pytest.raises(NotAllowed) as refused:
        accounts.authenticate(db, username, password)
    return str(refused.value)


def test_every_sign_in_attempt_is_audited_without_what_was_typed(db: Database) -> None:
    # The database cannot be read before a right password: refusals wait in the key file
    # and reach the log at the next sign-in, the unknown name left out (it may be a
    # password typed into the wrong field).
    assert _refused(db, "admin", "sai-mat-khau") == accounts.SIGN_IN_REFUSED
    assert _refused(db, "quantri-2026-nham-o", "x") == accounts.SIGN_IN_REFUSED
    accounts.authenticate(db, "ADMIN", ADMIN_PASSWORD)  # user names ignore case
    assert _actions(db)[-3:] == [("admin", "login_failed"), ("", "login_failed"),
                                 ("admin", "login")]
    with db.read() as session:
        details = [e.detail for e in session.execute(select(AuditEntry)).scalars()]
    assert not any("quantri-2026-nham-o" in detail for detail in details)
    assert "quantri-2026-nham-o" not in db.paths.keys.read_text(encoding="utf-8")


def test_an_unknown_name_is_answered_like_a_wrong_password(db: Database, admin: Actor,
                                                           officer: Actor) -> None:
    wrong = _refused(db, "canbo", "sai-mat-khau")
    assert _refused(db, "khong-co-ai", "sai-mat-khau") == wrong
    accounts.update_user(db, admin, officer.user_id, active=False)
    assert _refused(db, "canbo", PASSWORD) == wrong


def test_an_unknown_name_costs_the_same_key_derivation(db: Database,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The time of a refusal is that of one Argon2 derivation at the current cost, known
    # account or not (the derivation is counted, not timed).
    derived: list[int] = []
    real = keys._password_key

    def counting(password: str, salt: bytes, params: keys.KdfParams) -> bytes:
        derived.append(params.memory_cost)
        return real(password, salt, params)

    monkeypatch.setattr(keys, "_password_key", counting)
    _refused(db, "admin", "sai")
    _refused(db, "khong-co-ai", "sai")
    assert derived == [keys.kdf_params.memory_cost] * 2


def test_lockout_after_five_failures_even_with_the_right_password(db: Database) -> None:
    for _ in range(5):
        _refused(db, "admin", "sai")
    assert _refused(db, "admin", ADMIN_PASSWORD) == accounts.SIGN_IN_REFUSED
    # When the lock expires the right password works again.
    found = keyfile.load(db.paths.keys)
    assert found is not None
    found.lockouts[keyfile.account_tag("admin")].until = utcnow() - timedelta(seconds=1)
    keyfile.save(db.paths.keys, found)
    assert accounts.authenticate(db, "admin", ADMIN_PASSWORD).role is Role.ADMIN
    assert [a for _, a in _actions(db)[-7:]] == ["login_failed"] * 6 + ["login"]


def test_only_administrators_manage_accounts(db: Database, admin: Actor, officer: Actor) -> None:
    with pytest.raises(NotAllowed, match="quản lý tài khoản"):
        accounts.create_user(db, officer, username="moi", full_name="Mới", role=Role.ADMIN,
                             password=PASSWORD)
    with pytest.raises(UserError, match="ít nhất 8"):
        accounts.create_user(db, admin, username="moi", full_name="Mới", role=Role.OFFICER,
                             password="ngan")
    with pytest.raises(UserError, match="đã có"):
        accounts.create_user(db, admin, username="CANBO", full_name="", role=Role.OFFICER,
                             password=PASSWORD)


def test_disabled_account_cannot_sign_in_and_last_admin_is_kept(db: Database, admin: Actor,
                                                                officer: Actor) -> None:
    accounts.update_user(db, admin, officer.user_id, active=False)
    with pytest.raises(NotAllowed):
        accounts.authenticate(db, "canbo", PASSWORD)
    with pytest.raises(UserError, match="quản trị viên cuối cùng"):
        accounts.update_user(db, admin, admin.user_id, role=Role.OFFICER)


def test_password_reset_and_change(db: Database, admin: Actor, officer: Actor) -> None:
    accounts.update_user(db, admin, officer.user_id, new_password="mat-khau-moi")
    changed = accounts.authenticate(db, "canbo", "mat-khau-moi")
    with pytest.raises(UserError, match="hiện tại không đúng"):
        accounts.change_password(db, changed, "sai", "khac-han-nua")
    accounts.change_password(db, changed, "mat-khau-moi", "khac-han-nua")
    assert accounts.authenticate(db, "canbo", "khac-han-nua").username == "canbo"


def test_audit_chain_detects_an_edited_or_deleted_row(db: Database, admin: Actor) -> None:
    with db.read() as session:
        assert audit.verify_chain(session) == []
    with db.write() as session:
        entry = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().first()
        assert entry is not None
        entry.username = "ke-gian"
    with db.read() as session:
        assert any("đã bị sửa" in p for p in audit.verify_chain(session))


def test_usernames_match_whatever_the_case_of_vietnamese_letters(db: Database,
                                                                 admin: Actor) -> None:
    accounts.create_user(db, admin, username="Đức", full_name="Trần Đức", role=Role.OFFICER,
                         password="matkhau-2026")
    assert accounts.authenticate(db, "đỨC", "matkhau-2026").username == "Đức"
    for again in ("đức", unicodedata.normalize("NFD", "Đức")):
        with pytest.raises(UserError, match="đã có"):
            accounts.create_user(db, admin, username=again, full_name="Khác",
                                 role=Role.OFFICER, password="matkhau-2026")
