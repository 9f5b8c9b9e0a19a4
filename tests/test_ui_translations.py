"""Qt's own texts in Vietnamese: the standard buttons, message boxes, Qt's file dialog, the
input dialog, the print preview and the context menu of a text box; and no English word
on any button of the window and the dialogs it opens."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pytest
from PySide6.QtCore import QLocale, QTimer
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.services.actor import Actor
from app.ui.case_editor import CaseEditor
from app.ui.main_window import MainWindow

SB = QDialogButtonBox.StandardButton
MB = QMessageBox.StandardButton
ENGLISH = re.compile(r"\b(Save|Cancel|OK|Yes|No|Close|Open|Apply|Discard|Reset|Help)\b",
                     re.IGNORECASE)


def _shown(text: str) -> str:
    """A button's text as read: without the access key's `&`."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def test_the_standard_buttons_of_a_button_box_read_in_vietnamese(qtbot: QtBot) -> None:
    box = QDialogButtonBox(SB.Save | SB.Discard | SB.Cancel | SB.Yes | SB.No | SB.Ok
                           | SB.Close | SB.Apply | SB.Open | SB.Reset | SB.Help)
    qtbot.addWidget(box)
    assert {button: _shown(box.button(button).text()) for button in (
        SB.Save, SB.Discard, SB.Cancel, SB.Yes, SB.No, SB.Ok, SB.Close, SB.Apply, SB.Open,
        SB.Reset, SB.Help)} == {
        SB.Save: "Lưu", SB.Discard: "Không lưu", SB.Cancel: "Hủy", SB.Yes: "Có",
        SB.No: "Không", SB.Ok: "Đồng ý", SB.Close: "Đóng", SB.Apply: "Áp dụng", SB.Open: "Mở",
        SB.Reset: "Đặt lại", SB.Help: "Trợ giúp"}


def test_a_message_box_asks_in_vietnamese(qtbot: QtBot) -> None:
    box = QMessageBox(QMessageBox.Icon.Question, "Chưa lưu", "Lưu trước khi đóng?",
                      MB.Save | MB.Discard | MB.Cancel)
    qtbot.addWidget(box)
    assert sorted(_shown(b.text()) for b in box.buttons()) == ["Hủy", "Không lưu", "Lưu"]
    question = QMessageBox(QMessageBox.Icon.Question, "Đăng xuất", "Vẫn đăng xuất?",
                           MB.Yes | MB.No)
    qtbot.addWidget(question)
    assert sorted(_shown(b.text()) for b in question.buttons()) == ["Có", "Không"]


@pytest.mark.parametrize("make", [QLineEdit, QPlainTextEdit])
def test_the_context_menu_of_a_text_box_is_in_vietnamese(qtbot: QtBot,
                                                         make: type[QWidget]) -> None:
    edit = make()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()  # type: ignore[attr-defined]
    words = [_shown(a.text()).split("\t")[0] for a in menu.actions() if not a.isSeparator()]
    assert words == ["Hoàn tác", "Làm lại", "Cắt", "Sao chép", "Dán", "Xóa", "Chọn tất cả"]


def test_the_application_speaks_vietnamese_numbers_and_months(qapp: QApplication) -> None:
    locale = QLocale()
    assert locale.language() == QLocale.Language.Vietnamese
    assert locale.toString(1234567) == "1.234.567"
    assert "tháng" in locale.monthName(11).lower()


def _texts(widgets: Iterable[QWidget]) -> list[str]:
    """What each button of `widgets` says: its text and its tooltip."""
    found = []
    for widget in widgets:
        for button in widget.findChildren(QAbstractButton):
            found += [_shown(button.text()), button.toolTip()]
    return [text for text in found if text]


def _english(texts: Iterable[str]) -> list[str]:
    return [text for text in texts if ENGLISH.search(text)]


def _while_open(open_dialog: Callable[[], object]) -> list[str]:
    """The buttons' texts of every window shown while `open_dialog` runs its dialog, which
    is then closed."""
    seen: list[str] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        seen.extend(_texts(w for w in QApplication.topLevelWidgets() if w.isVisible()))
        QDialog.done(dialog, QDialog.DialogCode.Rejected.value)

    QTimer.singleShot(0, look)
    open_dialog()
    return seen


def test_no_button_of_the_window_or_its_dialogs_speaks_english(
        qtbot: QtBot, open_window: Callable[[Actor], MainWindow], admin: Actor) -> None:
    window = open_window(admin)
    for index in range(window.tabs.count()):  # every screen built, Quản trị's too
        window.tabs.setCurrentIndex(index)
    window.runner.wait()
    texts = _texts([window])
    texts += _while_open(window.new_case)
    assert any("Lưu" in text for text in texts)  # the case editor was looked at
    texts += _while_open(lambda: QMessageBox.question(window, "Đăng xuất", "Vẫn đăng xuất?"))
    texts += _while_open(lambda: QMessageBox.warning(window, "Không thực hiện được", "Lỗi"))
    texts += _while_open(lambda: QInputDialog.getText(window, "Lý do", "Lý do xóa:"))
    texts += _while_open(lambda: QInputDialog.getItem(window, "Chọn", "Nơi:", ["A", "B"]))
    texts += _while_open(lambda: QFileDialog.getSaveFileName(
        window, "Xuất", "", "Excel (*.xlsx)", options=QFileDialog.Option.DontUseNativeDialog))
    texts += _while_open(QPrintPreviewDialog(window).exec)
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, CaseEditor) and w.isVisible()]
    assert _english(texts) == []
