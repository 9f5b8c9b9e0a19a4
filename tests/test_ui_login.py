"""Signing in through the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db import Database
from app.ui.login import LoginDialog
from app.ui.tasks import TaskRunner
from tests.conftest import ADMIN_PASSWORD


def test_wrong_password_shows_a_message_and_right_one_signs_in(qtbot: QtBot,
                                                               db: Database) -> None:
    dialog = LoginDialog(db, "PHÒNG VĂN HÓA - XÃ HỘI", TaskRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, "sai-mat-khau")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Sai mật khẩu" in dialog.message.text())
    assert dialog.password.text() == "" and dialog.actor is None
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.actor is not None)
    assert dialog.actor is not None and dialog.actor.username == "admin"
    assert dialog.result() == LoginDialog.DialogCode.Accepted
