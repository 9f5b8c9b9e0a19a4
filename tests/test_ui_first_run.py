"""The first start on an empty data folder, and the recovery key shown once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.db import Database
from app.errors import NotAllowed
from app.paths import DataPaths
from app.services import accounts
from app.services.actor import Actor
from app.ui.admin.users_view import UsersView
from app.ui.first_run import FirstRunDialog, RecoveryKeyDialog
from app.ui.tasks import TaskRunner


def _fill(dialog: FirstRunDialog, password: str, again: str, full_name: str = "Lê Văn Tâm") -> None:
    dialog.full_name.setText(full_name)
    dialog.password.setText(password)
    dialog.password_again.setText(again)


def test_first_run_creates_the_administrator(qtbot: QtBot, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "du-lieu")
    runner = TaskRunner()
    dialog = FirstRunDialog(runner, paths)
    qtbot.addWidget(dialog)
    _fill(dialog, "matkhau-2026", "matkhau-khac")
    dialog.create_data()
    assert dialog.message.text() == "Hai lần nhập mật khẩu không giống nhau."
    _fill(dialog, "ngan", "ngan")
    dialog.create_data()
    qtbot.waitUntil(lambda: "quá ngắn" in dialog.message.text())
    assert not paths.database.exists()
    _fill(dialog, "matkhau-2026", "matkhau-2026")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.create_data()
    assert dialog.db is not None
    actor = accounts.authenticate(dialog.db, "quantri", "matkhau-2026")
    assert actor.full_name == "Lê Văn Tâm"
    # The key shown works: it sets a new password when nobody remembers the old one.
    accounts.recover_account(dialog.db, "quantri", dialog.recovery_key, "mat-khau-moi")
    dialog.db.dispose()
    runner.wait()


def test_the_recovery_key_dialog_closes_only_once_the_key_is_kept(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = RecoveryKeyDialog("ABCDE-FGHIJ", "Phòng Văn hóa và Thông tin")
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.accept_button
    assert not ok.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    dialog.save_to(tmp_path / "khoa.txt")
    assert "Khóa khôi phục: ABCDE-FGHIJ" in (tmp_path / "khoa.txt").read_text(encoding="utf-8")
    dialog.kept.setChecked(True)
    assert ok.isEnabled()
    ok.click()
    assert not dialog.isVisible()


def test_an_administrator_makes_a_new_recovery_key(
    qtbot: QtBot, db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = accounts.replace_recovery_key(db, admin)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(RecoveryKeyDialog, "exec",
                        lambda self: shown.append(self._key) or 1)
    runner = TaskRunner()
    view = UsersView(db, admin, runner, lambda _change: None)
    qtbot.addWidget(view)
    view._new_recovery_key()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0] != old
    with pytest.raises(NotAllowed):
        accounts.recover_account(db, "admin", old, "mat-khau-moi")
    accounts.recover_account(db, "admin", shown[0], "mat-khau-moi")
    runner.wait()
