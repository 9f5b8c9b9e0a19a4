"""Signing in through the window."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db import Database
from app.paths import DataPaths
from app.ui.first_run import FirstRunDialog, RecoveryKeyDialog
from app.ui.login import LoginDialog
from app.ui.main import first_sign_in
from app.ui.tasks import TaskRunner
from tests.conftest import ADMIN_PASSWORD


def test_wrong_password_shows_a_message_and_right_one_signs_in(qtbot: QtBot,
                                                               db: Database) -> None:
    dialog = LoginDialog(TaskRunner(), db=db, unit_name="PHÒNG VĂN HÓA - XÃ HỘI")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)  # no password yet: said, not tried
    assert dialog.message.text() == "Hãy nhập mật khẩu." and dialog.buttons.isEnabled()
    qtbot.keyClicks(dialog.password, "sai-mat-khau")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "mật khẩu không đúng" in dialog.message.text())
    assert dialog.password.text() == "" and dialog.actor is None
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.actor is not None)
    assert dialog.actor is not None and dialog.actor.username == "admin"
    assert dialog.result() == LoginDialog.DialogCode.Accepted


def test_sign_in_shown_before_the_data_opens_and_waits_for_it(qtbot: QtBot, db: Database,
                                                             paths: DataPaths) -> None:
    runner = TaskRunner()
    dialog, opened = first_sign_in(runner, paths)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("admin")
    dialog.password.setText(ADMIN_PASSWORD)
    dialog._sign_in()  # pressed before the folder is open: it waits, then goes on
    qtbot.waitUntil(lambda: dialog.actor is not None, timeout=10_000)
    assert "Sổ vi phạm MXH" in dialog.title.text()
    assert dialog.folder_warning.text() == ""  # a folder of its user's only
    runner.wait()
    for opened_db in opened:
        opened_db.dispose()


def test_the_holidays_load_off_the_ui_thread_while_the_password_is_typed(
        qtbot: QtBot, db: Database, paths: DataPaths) -> None:
    """The case list's first deadlines count working days: the public holidays of the year
    are loaded once the folder is open, before anyone signs in, not by the list's first
    rows on the UI thread."""
    from app.domain import workdays

    workdays._calendar_of.cache_clear()
    runner = TaskRunner()
    dialog, opened = first_sign_in(runner, paths)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: workdays._calendar_of.cache_info().currsize > 0, timeout=10_000)
    assert dialog.actor is None
    runner.wait()
    for opened_db in opened:
        opened_db.dispose()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX mode bits")
def test_a_folder_other_accounts_can_read_is_warned_about_and_signing_in_goes_on(
    qtbot: QtBot, db: Database, paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on Windows, where the folder keeps the rights it inherits from where it is: the
    program cannot narrow them, so the dialog says so."""
    monkeypatch.setattr("app.paths.make_private", lambda path: None)
    paths.root.chmod(0o755)
    runner = TaskRunner()
    dialog, opened = first_sign_in(runner, paths)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert dialog.folder_warning.isVisible()
    assert (f"thư mục dữ liệu {paths.root} để mọi tài khoản trên máy này đọc được"
            in dialog.folder_warning.text())
    dialog.username.setText("admin")
    dialog.password.setText(ADMIN_PASSWORD)
    dialog._sign_in()
    qtbot.waitUntil(lambda: dialog.actor is not None, timeout=10_000)
    runner.wait()
    for opened_db in opened:
        opened_db.dispose()


def test_a_broken_data_folder_is_explained_in_the_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    broken = DataPaths(tmp_path / "hong")
    broken.create()
    broken.database.write_bytes(b"khong phai co so du lieu" * 50)
    runner = TaskRunner()
    dialog, _ = first_sign_in(runner, broken)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "Thiếu tệp khóa" in dialog.message.text(), timeout=10_000)
    assert not dialog.accept_button.isEnabled()
    runner.wait()


def test_an_empty_folder_starts_by_creating_the_administrator(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First start: the administrator is created, the recovery key shown, then sign-in."""
    paths = DataPaths(tmp_path / "moi")
    shown: list[str] = []

    def fill_and_create(self: FirstRunDialog) -> int:
        self.full_name.setText("Lê Văn Tâm")
        self.password.setText(ADMIN_PASSWORD)
        self.password_again.setText(ADMIN_PASSWORD)
        self.create_data()
        qtbot.waitUntil(lambda: self.db is not None, timeout=10_000)
        return FirstRunDialog.DialogCode.Accepted

    monkeypatch.setattr(FirstRunDialog, "exec", fill_and_create)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", lambda self: shown.append(self._key) or 1)
    runner = TaskRunner()
    dialog, opened = first_sign_in(runner, paths)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert len(shown) == 1 and dialog.username.text() == "quantri"
    dialog.password.setText(ADMIN_PASSWORD)
    dialog._sign_in()
    qtbot.waitUntil(lambda: dialog.actor is not None, timeout=10_000)
    runner.wait()
    opened[0].dispose()


def test_leaving_the_first_start_closes_the_sign_in(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FirstRunDialog, "exec",
                        lambda self: FirstRunDialog.DialogCode.Rejected)
    runner = TaskRunner()
    dialog, opened = first_sign_in(runner, DataPaths(tmp_path / "moi"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert dialog.result() == LoginDialog.DialogCode.Rejected and opened == []
    assert not (tmp_path / "moi" / "sovipham.sqlite3").exists()
    runner.wait()
