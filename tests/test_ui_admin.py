"""The administrator's screen: office details, accounts, lists, legal bases, audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QInputDialog, QLabel
from pytestqt.qtbot import QtBot
from python_calamine import CalamineWorkbook

from app.db import Database
from app.domain.labels import Role
from app.domain.office import Issuer
from app.domain.passwords import ACCOUNT_PASSWORD_RULE, STRONG_ACCOUNT_PASSWORD_RULE
from app.domain.vocabulary import VocabList
from app.services import accounts, settings, vocabulary
from app.services.actor import Actor
from app.ui.admin import AdminScreen
from app.ui.admin.users_view import MISMATCH, NewPasswordDialog, NewUserDialog, UsersView
from app.ui.data_change import DataChange, DataKind
from app.ui.tasks import TaskRunner


def _screen(qtbot: QtBot, db: Database, admin: Actor) -> tuple[AdminScreen, list[DataChange]]:
    """The screen, and the changes it reported, passed back to it as the window does."""
    changed: list[DataChange] = []

    def notify(change: DataChange) -> None:
        changed.append(change)
        screen.refresh_for(change)

    screen = AdminScreen(db, admin, TaskRunner(), notify)
    qtbot.addWidget(screen)
    return screen, changed


def test_office_details_are_saved_and_bad_ones_explained(qtbot: QtBot, db: Database,
                                                         admin: Actor) -> None:
    screen, changed = _screen(qtbot, db, admin)
    form = screen.office
    form.headings["unit_name"].setPlainText("PHÒNG VĂN HÓA - XÃ HỘI")
    form.lists["areas"].setPlainText("Ấp 1\n\n  Ấp 2  \n")
    form.save()
    qtbot.waitUntil(lambda: "Đã lưu" in form.feedback.text())
    saved = settings.load_office(db)
    assert saved.unit_name == "PHÒNG VĂN HÓA - XÃ HỘI"
    assert saved.areas == ("Ấp 1", "Ấp 2")
    assert changed == [DataChange.of(DataKind.OFFICE)]
    form.lists["unit_signer"].setPlainText("KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG\nMột\nHai")
    form.save()
    qtbot.waitUntil(lambda: "Khối chữ ký có tối đa" in form.feedback.text())
    assert settings.load_office(db).unit_signer == saved.unit_signer


def test_a_peoples_committee_signer_of_three_lines_is_saved_as_typed(
        qtbot: QtBot, db: Database, admin: Actor) -> None:
    screen, _changed = _screen(qtbot, db, admin)
    form = screen.office
    form.headings["managing_body"].setPlainText("ỦY BAN NHÂN DÂN  \nXÃ MINH TÂN\n")
    form.texts["managing_body_in_sentence"].setText("Ủy ban nhân dân xã Minh Tân")
    form.issuer.setCurrentIndex(form.issuer.findData(Issuer.COMMITTEE))
    form.texts["committee_symbol"].setText("BC-UBND")
    form.lists["committee_signer"].setPlainText("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\n"
                                                 "PHÓ CHỦ TỊCH")
    form.texts["committee_signer_name"].setText("Nguyễn Văn Bình")
    form.lists["addressees"].setPlainText("Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh;\n"
                                          "Công an tỉnh Tây Ninh")
    form.save()
    qtbot.waitUntil(lambda: "Đã lưu" in form.feedback.text())
    issuer = settings.load_office(db).report_issuer
    assert (issuer.heading, issuer.in_sentence, issuer.document_symbol) == (
        "ỦY BAN NHÂN DÂN\nXÃ MINH TÂN", "Ủy ban nhân dân xã Minh Tân", "BC-UBND")
    assert issuer.signer_lines == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert issuer.signer_name == "Nguyễn Văn Bình"
    assert settings.load_office(db).addressees == (
        "Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh;", "Công an tỉnh Tây Ninh")
    # A fourth line is refused with what the block holds, and nothing is saved.
    form.lists["committee_signer"].appendPlainText("Nguyễn Văn Bình")
    form.save()
    qtbot.waitUntil(lambda: "tối đa 3 dòng" in form.feedback.text())
    assert settings.load_office(db).report_issuer.signer_lines == issuer.signer_lines


def test_the_chairmans_signature_for_decisions_is_set_in_the_office_form(
        qtbot: QtBot, db: Database, admin: Actor) -> None:
    screen, _changed = _screen(qtbot, db, admin)
    form = screen.office
    assert form.lists["chairman_signer"].toPlainText() == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    form.lists["chairman_signer"].setPlainText("CHỦ TỊCH")
    form.texts["chairman_signer_name"].setText("Lê Văn Chủ")
    form.save()
    qtbot.waitUntil(lambda: "Đã lưu" in form.feedback.text())
    chairman = settings.load_office(db).issuer_details(Issuer.CHAIRMAN)
    assert (chairman.signer_lines, chairman.signer_name) == (("CHỦ TỊCH",), "Lê Văn Chủ")
    # A collective «TM.» line is refused, saying why; nothing is saved.
    form.lists["chairman_signer"].setPlainText("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
    form.save()
    qtbot.waitUntil(lambda: "Điều 13" in form.feedback.text())
    assert settings.load_office(db).chairman_signer == ("CHỦ TỊCH",)


def test_the_office_form_fits_a_1366_by_768_screen(qtbot: QtBot, db: Database,
                                                   admin: Actor) -> None:
    screen, _changed = _screen(qtbot, db, admin)
    screen.resize(1366 - 40, 768 - 120)  # the window's frame, menu and tabs take the rest
    screen.show()
    qtbot.waitExposed(screen)
    form = screen.office
    assert form.widget().minimumSizeHint().width() <= form.viewport().width()
    assert form.horizontalScrollBar().maximum() == 0


def test_admin_creates_an_account_that_can_sign_in(qtbot: QtBot, db: Database, admin: Actor,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    screen, _ = _screen(qtbot, db, admin)
    said = _creating(qtbot, monkeypatch, ("nhanvien", "Nguyễn Thị Nhân", Role.OFFICER),
                     "ngan", "du-dai-2026")
    screen.users._create()
    assert "ít nhất 8" in said[0]  # beside the password, the dialog still open
    assert screen.users.feedback.text() == "Đã tạo người dùng «nhanvien»."
    qtbot.waitUntil(lambda: screen.users.table.rowCount() == 2)
    assert accounts.authenticate(db, "nhanvien", "du-dai-2026").role is Role.OFFICER


def test_vocabulary_label_edit_keeps_the_code(qtbot: QtBot, db: Database, admin: Actor) -> None:
    screen, changed = _screen(qtbot, db, admin)
    lists = screen.lists
    lists.list_choice.setCurrentIndex(lists.list_choice.findData(VocabList.PLATFORM))
    assert lists.add_button.isEnabled()  # platforms accept an office's own entries
    lists.rename("FB", "Facebook (Meta)")
    qtbot.waitUntil(lambda: bool(changed))
    assert changed == [DataChange.of(DataKind.VOCABULARY)]
    assert vocabulary.load(db).label(VocabList.PLATFORM, "FB") == "Facebook (Meta)"
    labels = [lists.table.item(row, 1).text() for row in range(lists.table.rowCount())]
    assert "Facebook (Meta)" in labels  # the list reloaded on its own kind of change
    lists.list_choice.setCurrentIndex(lists.list_choice.findData(VocabList.GROUP))
    assert not lists.add_button.isEnabled()  # the six groups are fixed by the report forms


def test_legal_catalog_and_audit_log_are_listed_and_exported(qtbot: QtBot, db: Database,
                                                             admin: Actor,
                                                             tmp_path: Path) -> None:
    screen, _ = _screen(qtbot, db, admin)
    assert screen.legal.table.rowCount() >= 17
    citations = [screen.legal.table.item(r, 0).text() for r in range(5)]
    assert "Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP" in citations
    qtbot.waitUntil(lambda: screen.audit.table.rowCount() > 0)
    actions = {screen.audit.table.item(r, 2).text() for r in range(screen.audit.table.rowCount())}
    assert {"Đăng nhập", "Khởi tạo dữ liệu"} <= actions
    target = tmp_path / "nhat-ky.xlsx"
    screen.audit.export_to(target)
    qtbot.waitUntil(lambda: "Đã xuất" in screen.audit.feedback.text())
    with CalamineWorkbook.from_path(str(target)) as book:
        rows = book.get_sheet_by_index(0).to_python()
    assert rows[1][0] == "Thời gian" and len(rows) >= 4


# Accounts: a new password when an account is enabled or raised ----------------------------


def _select(view: UsersView, username: str) -> None:
    view.table.selectRow(next(row for row in range(view.table.rowCount())
                              if view.table.item(row, 0).text() == username))


def _state(view: UsersView, username: str) -> str:
    return next(view.table.item(row, 3).text() for row in range(view.table.rowCount())
                if view.table.item(row, 0).text() == username)


def _typing(qtbot: QtBot, dialog: NewPasswordDialog | NewUserDialog,
            passwords: Iterator[str | None], said: list[str]) -> QDialog.DialogCode:
    """Types each password twice and presses the accept button until the dialog closes (or
    gives up at None), noting what it said beside the password each time it stayed open."""
    for password in passwords:
        if password is None:
            return QDialog.DialogCode.Rejected
        dialog.password.setText(password)
        dialog.password_again.setText(password)
        dialog.accept_button.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted
                        or bool(dialog.errors["password"].text()), timeout=5000)
        if dialog.result() == QDialog.DialogCode.Accepted:
            return QDialog.DialogCode.Accepted
        said.append(dialog.errors["password"].text())
    return QDialog.DialogCode.Rejected


def _answering(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
               *answers: str | None) -> list[tuple[str, list[str]]]:
    """The passwords the administrator types in the dialogs asking for one, in turn (None:
    gives up); for each dialog, its title and what it said beside the password."""
    asked: list[tuple[str, list[str]]] = []
    typed = iter(answers)

    def exec_(dialog: NewPasswordDialog) -> QDialog.DialogCode:
        asked.append((dialog.windowTitle(), []))
        return _typing(qtbot, dialog, typed, asked[-1][1])

    monkeypatch.setattr(NewPasswordDialog, "exec", exec_)
    return asked


def _creating(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, account: tuple[str, str, Role],
              *answers: str | None) -> list[str]:
    """The new account the administrator types, then its passwords in turn (None: gives
    up); what the dialog said beside the password."""
    said: list[str] = []

    def exec_(dialog: NewUserDialog) -> QDialog.DialogCode:
        username, full_name, role = account
        dialog.username.setText(username)
        dialog.full_name.setText(full_name)
        dialog.role.setCurrentIndex(dialog.role.findData(role))
        return _typing(qtbot, dialog, iter(answers), said)

    monkeypatch.setattr(NewUserDialog, "exec", exec_)
    return said


def test_an_administrator_gets_no_guessable_password_in_the_window(
        qtbot: QtBot, db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    screen, _ = _screen(qtbot, db, admin)
    said = _creating(qtbot, monkeypatch, ("qt2", "Trần Quản", Role.ADMIN), "12345678", None)
    screen.users._create()
    assert STRONG_ACCOUNT_PASSWORD_RULE in said[0]
    assert screen.users.table.rowCount() == 1


def test_enabling_an_account_asks_for_its_new_password(qtbot: QtBot, db: Database, admin: Actor,
                                                       officer: Actor,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    view = _screen(qtbot, db, admin)[0].users
    asked = _answering(qtbot, monkeypatch, None, "du-dai-2026")
    _select(view, "canbo")
    view._toggle_active()
    qtbot.waitUntil(lambda: _state(view, "canbo") == "Đã khóa")
    assert asked == []  # disabling asks nothing
    _select(view, "canbo")
    view._toggle_active()  # the administrator gives up
    assert asked == [("Mở lại người dùng", [])]
    assert _state(view, "canbo") == "Đã khóa"
    _select(view, "canbo")
    view._toggle_active()
    qtbot.waitUntil(lambda: _state(view, "canbo") == "Đang dùng")
    assert "với mật khẩu mới" in view.feedback.text()
    assert accounts.authenticate(db, "canbo", "du-dai-2026").role is Role.OFFICER


def test_raising_an_account_to_leader_asks_for_a_strong_password(
        qtbot: QtBot, db: Database, admin: Actor, officer: Actor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    view = _screen(qtbot, db, admin)[0].users
    asked = _answering(qtbot, monkeypatch, "du-dai-2026", "gio-dong-bac-2027")
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a: ("Lãnh đạo", True))
    _select(view, "canbo")
    view._change_role()
    [(title, said)] = asked  # one dialog, open until a strong password is typed
    assert title == "Đổi vai trò" and STRONG_ACCOUNT_PASSWORD_RULE in said[0]
    # The new password is hashed off the window's thread: the message says when it is done.
    qtbot.waitUntil(lambda: "nay có vai trò Lãnh đạo" in view.feedback.text())
    assert accounts.authenticate(db, "canbo", "gio-dong-bac-2027").role is Role.LEADER
    # Back to Cán bộ: no new password is asked for.
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a: ("Cán bộ", True))
    _select(view, "canbo")
    view._change_role()
    qtbot.waitUntil(lambda: "nay có vai trò Cán bộ" in view.feedback.text())
    assert len(asked) == 1


def test_a_new_password_is_typed_twice_under_the_rule_of_its_role(
        qtbot: QtBot, db: Database, admin: Actor, officer: Actor) -> None:
    user = accounts.find_user(db, admin, "canbo")
    applied: list[str] = []
    dialog = NewPasswordDialog("Đặt lại mật khẩu", "Mật khẩu mới cho «canbo»:", user, Role.ADMIN,
                               TaskRunner(), applied.append)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert STRONG_ACCOUNT_PASSWORD_RULE in texts
    dialog.password.setText("gio-dong-bac-2027")
    dialog.password_again.setText("gio-dong-bac-2028")
    dialog.accept_button.click()
    assert dialog.errors["password_again"].text() == MISMATCH
    assert dialog.result() != QDialog.DialogCode.Accepted and applied == []
    dialog.password_again.setText("gio-dong-bac-2027")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.accept_button.click()
    assert applied == ["gio-dong-bac-2027"]


def test_the_new_account_dialog_shows_the_rule_of_the_role_chosen(qtbot: QtBot) -> None:
    dialog = NewUserDialog(TaskRunner(), lambda *_typed: None)
    qtbot.addWidget(dialog)
    assert dialog.rule.text() == ACCOUNT_PASSWORD_RULE
    dialog.role.setCurrentIndex(dialog.role.findData(Role.ADMIN))
    assert dialog.rule.text() == STRONG_ACCOUNT_PASSWORD_RULE
