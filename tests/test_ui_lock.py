"""The lock keeps what is being typed: its Esc, its window's cross and a «Đăng xuất…»
answered no leave every window as it was, and the password is what is typed next."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.services.actor import Actor
from app.ui.case_editor import CaseEditor
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from tests.conftest import PASSWORD
from tests.test_ui_main_window import OpenWindow, _in_editor, _on_screen, _while_locked, _window

DRAFT = "Trang «Tin nóng» đăng lại clip, chưa kịp lưu"


@pytest.fixture
def window(qtbot: QtBot, open_window: OpenWindow, officer: Actor) -> MainWindow:
    return _window(qtbot, open_window, officer)


def _answer_sign_out(qtbot: QtBot, answer: Callable[[QMessageBox], None],
                     asked: list[str]) -> None:
    """The question «Đăng xuất…» asks, answered by `answer` once it shows."""
    def run() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, run)
            return
        asked.append(box.text())
        asked.extend(sorted(b.text().replace("&", "") for b in box.buttons()))
        answer(box)

    QTimer.singleShot(0, run)


@pytest.mark.parametrize("answer", [
    pytest.param(lambda qtbot, box: qtbot.keyClick(box, Qt.Key.Key_Escape), id="Esc"),
    pytest.param(lambda _qtbot, box: box.close(), id="cross"),
    pytest.param(lambda _qtbot, box: box.button(QMessageBox.StandardButton.No).click(),
                 id="Không"),
])
def test_the_locks_cancel_keeps_the_draft_and_the_password_comes_next(
        qtbot: QtBot, window: MainWindow,
        answer: Callable[[QtBot, QMessageBox], None]) -> None:
    asked: list[str] = []
    seen: dict[str, object] = {}

    def first(lock: LoginDialog) -> None:
        qtbot.keyClick(lock, Qt.Key.Key_Escape)
        lock.close()
        seen["locked after Esc and close"] = lock.isVisible()
        _answer_sign_out(qtbot, lambda box: answer(qtbot, box), asked)
        # As a mouse click does, the button takes the typing (`click()` alone would not).
        lock.sign_out_button.setFocus()
        lock.sign_out_button.click()

    def again(lock: LoginDialog) -> None:
        seen["typing goes to"] = lock.focusWidget() is lock.password
        lock.password.setText(PASSWORD)
        lock.accept_button.click()

    def scenario(editor: CaseEditor) -> None:
        editor.general.summary.setPlainText(DRAFT)
        _while_locked(window, first, again)
        window.lock()  # returns once unlocked
        seen["editor back"] = _on_screen(editor)
        seen["draft"] = editor.general.summary.toPlainText()
        seen["unsaved"] = editor.has_unsaved_changes()

    _in_editor(window, scenario)
    assert seen == {"locked after Esc and close": True, "typing goes to": True,
                    "editor back": True, "draft": DRAFT, "unsaved": True}
    assert "chưa lưu" in asked[0] and asked[1:] == ["Có", "Không"]
    assert not window.switching_user and window.isVisible()
