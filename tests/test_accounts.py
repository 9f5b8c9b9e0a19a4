"""Sign-in, lockout, roles and the audit trail of every attempt."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from argon2 import Type
from sqlalchemy import select

from app.db import Database
from app.domain.labels import Role
from app.domain.office import OfficeSettings
from app.errors import NotAllowed, UserError
from app.models import AuditEntry, User
from app.models.base import utcnow
from app.security import keyfile, keys
from app.services import accounts, audit, settings, vault
from app.services.actor import Actor
from tests.conftest import ADMIN_PASSWORD, PASSWORD, PROGRAM_PASSWORD_HASHER
from tests.stored import key_file_text


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
    assert "quantri-2026-nham-o" not in key_file_text(db)


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
    found = vault.load(db.paths)
    assert found is not None
    found.lockouts[keyfile.account_tag("admin")].until = utcnow() - timedelta(seconds=1)
    vault.save(db.paths, found)
    assert accounts.authenticate(db, "admin", ADMIN_PASSWORD).role is Role.ADMIN
    assert [a for _, a in _actions(db)[-7:]] == ["login_failed"] * 6 + ["login"]


def test_only_administrators_manage_accounts(db: Database, admin: Actor, officer: Actor) -> None:
    with pytest.raises(NotAllowed, match="quản lý người dùng"):
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
    accounts.update_user(db, admin, officer.user_id, new_password="tre-xanh-moi-9")
    changed = accounts.authenticate(db, "canbo", "tre-xanh-moi-9")
    with pytest.raises(UserError, match="hiện tại không đúng"):
        accounts.change_password(db, changed, "sai", "khac-han-nua")
    accounts.change_password(db, changed, "tre-xanh-moi-9", "khac-han-nua")
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
                         password=PASSWORD)
    assert accounts.authenticate(db, "đỨC", PASSWORD).username == "Đức"
    for again in ("đức", unicodedata.normalize("NFD", "Đức")):
        with pytest.raises(UserError, match="đã có"):
            accounts.create_user(db, admin, username=again, full_name="Khác",
                                 role=Role.OFFICER, password=PASSWORD)


# Strong passwords for administrators and leaders; enabling and promoting set a new one.

STRONG = "gio-dong-bac-2027"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEADER])
def test_an_administrator_or_a_leader_gets_no_guessable_password(db: Database, admin: Actor,
                                                                  role: Role) -> None:
    for weak in ("12345678", "matkhau123", "admin2026", "quantri-2026", "hoangtrhoangtr",
                 "Hoang-Trung-1990"):
        with pytest.raises(UserError, match="Quản trị hoặc Lãnh đạo cần ít nhất 12 ký tự"):
            accounts.create_user(db, admin, username="hoangtr", full_name="Hoàng Trung",
                                 role=role, password=weak)
    accounts.create_user(db, admin, username="hoangtr", full_name="Hoàng Trung", role=role,
                         password=STRONG)
    assert accounts.authenticate(db, "hoangtr", STRONG).role is role


def test_the_office_names_count_among_the_guessable_words(db: Database, admin: Actor) -> None:
    accounts.create_user(db, admin, username="lan", full_name="Lê Lan", role=Role.LEADER,
                         password="Minh-Tân-2026-ab")
    settings.save_office(db, admin, OfficeSettings(unit_name="Phòng Văn hóa - Xã hội",
                                                   place_name="xã Minh Tân"))
    with pytest.raises(UserError, match="tên đơn vị"):
        accounts.create_user(db, admin, username="lan2", full_name="Lê Lan", role=Role.LEADER,
                             password="Minh-Tân-2026-ab")


def test_every_way_of_setting_a_password_applies_the_rule(db: Database, admin: Actor,
                                                         officer: Actor) -> None:
    recovery = accounts.replace_recovery_key(db, admin)
    with pytest.raises(UserError, match="ít nhất 12 ký tự"):
        accounts.change_password(db, admin, ADMIN_PASSWORD, "12345678")
    with pytest.raises(UserError, match="ít nhất 12 ký tự"):
        accounts.update_user(db, admin, admin.user_id, new_password="admin2026")
    with pytest.raises(UserError, match="ít nhất 12 ký tự"):
        accounts.recover_account(db, "admin", recovery, "matkhau123")
    # An officer's password only needs not to be a very common one.
    with pytest.raises(UserError, match="mật khẩu hay dùng"):
        accounts.change_password(db, officer, PASSWORD, "12345678")
    accounts.change_password(db, officer, PASSWORD, "du-dai-2026")
    assert accounts.authenticate(db, "admin", ADMIN_PASSWORD).role is Role.ADMIN
    accounts.recover_account(db, "admin", recovery, STRONG)
    assert accounts.authenticate(db, "admin", STRONG).role is Role.ADMIN


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEADER])
def test_raising_an_account_to_administrator_or_leader_sets_a_new_password(
        db: Database, admin: Actor, officer: Actor, role: Role) -> None:
    with pytest.raises(UserError, match="cần đặt mật khẩu mới cùng lúc"):
        accounts.update_user(db, admin, officer.user_id, role=role)
    with pytest.raises(UserError, match="Quản trị hoặc Lãnh đạo cần ít nhất 12 ký tự"):
        accounts.update_user(db, admin, officer.user_id, role=role, new_password=PASSWORD[:10])
    assert accounts.authenticate(db, "canbo", PASSWORD).role is Role.OFFICER  # unchanged
    accounts.update_user(db, admin, officer.user_id, role=role, new_password=STRONG)
    assert accounts.authenticate(db, "canbo", STRONG).role is role
    with pytest.raises(NotAllowed):
        accounts.authenticate(db, "canbo", PASSWORD)
    # Lowering a role needs no new password, except out of Quản trị: the account's wrap
    # holds the administrators' key, and only a new one leaves it out.
    if role is Role.ADMIN:
        with pytest.raises(UserError, match="Bỏ quyền quản trị"):
            accounts.update_user(db, admin, officer.user_id, role=Role.VIEWER)
        accounts.update_user(db, admin, officer.user_id, role=Role.VIEWER, new_password=PASSWORD)
        assert accounts.authenticate(db, "canbo", PASSWORD).role is Role.VIEWER
    else:
        accounts.update_user(db, admin, officer.user_id, role=Role.VIEWER)
        assert accounts.authenticate(db, "canbo", STRONG).role is Role.VIEWER


def test_enabling_an_account_sets_a_new_password(db: Database, admin: Actor,
                                                 officer: Actor) -> None:
    accounts.update_user(db, admin, officer.user_id, active=False)
    with pytest.raises(UserError, match="Mở lại người dùng «canbo» cần đặt mật khẩu mới"):
        accounts.update_user(db, admin, officer.user_id, active=True)
    assert not accounts.find_user(db, admin, "canbo").active
    accounts.update_user(db, admin, officer.user_id, active=True, new_password="du-dai-2026")
    assert accounts.authenticate(db, "CANBO", "du-dai-2026").username == "canbo"
    with pytest.raises(NotAllowed):
        accounts.authenticate(db, "canbo", PASSWORD)


def test_only_administrators_list_and_find_accounts(db: Database, admin: Actor, officer: Actor,
                                                    viewer: Actor) -> None:
    assert [u.username for u in accounts.list_users(db, admin)] == ["admin", "canbo", "xem"]
    assert accounts.find_user(db, admin, unicodedata.normalize("NFD", "XEM")).role is Role.VIEWER
    with pytest.raises(UserError, match="Không có người dùng «ai»"):
        accounts.find_user(db, admin, "ai")
    for actor in (officer, viewer):
        with pytest.raises(NotAllowed, match="quản lý người dùng"):
            accounts.list_users(db, actor)
        with pytest.raises(NotAllowed, match="quản lý người dùng"):
            accounts.find_user(db, actor, "admin")


def test_an_account_shows_whether_it_is_disabled_or_locked(db: Database, admin: Actor,
                                                          officer: Actor) -> None:
    assert accounts.state_labels(accounts.find_user(db, admin, "canbo")) == ("Đang dùng", "")
    for _ in range(5):
        with pytest.raises(NotAllowed):
            accounts.authenticate(db, "canbo", "sai")
    accounts.update_user(db, admin, officer.user_id, active=False)
    state, locked = accounts.state_labels(accounts.find_user(db, admin, "canbo"))
    assert state == "Đã khóa" and locked.startswith("Tạm khóa đến ")
