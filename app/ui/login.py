"""Sign-in dialog; also the lock screen after idle time (the same user only)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.services import accounts
from app.services.actor import Actor
from app.services.progress import CancelToken, Progress
from app.ui.tasks import TaskRunner


class LoginDialog(QDialog):
    def __init__(self, db: Database, unit_name: str, runner: TaskRunner, *,
                 locked_user: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self.actor: Actor | None = None
        locked = locked_user is not None
        self.setWindowTitle("Màn hình đã khóa" if locked else "Đăng nhập — Sổ vi phạm MXH")
        heading = "<b style='font-size:15pt'>Sổ vi phạm MXH</b>"
        if unit_name:
            heading += f"<br>{unit_name}"
        if locked:
            heading += ("<br><br>Chương trình đã tự khóa vì lâu không thao tác. "
                        "Nhập mật khẩu để tiếp tục.")
        title = QLabel(heading)
        title.setWordWrap(True)
        self.username = QLineEdit(locked_user or "")
        self.username.setReadOnly(locked)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Mật khẩu:", self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Mở khóa" if locked else "Đăng nhập")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            "Đổi người dùng" if locked else "Thoát")
        self.buttons.accepted.connect(self._sign_in)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(400)
        (self.password if locked else self.username).setFocus(Qt.FocusReason.OtherFocusReason)

    def _sign_in(self) -> None:
        username, password = self.username.text(), self.password.text()
        if not username.strip():
            self.message.setText("Hãy nhập tên đăng nhập.")
            return
        self.buttons.setEnabled(False)
        self.message.setText("Đang kiểm tra…")
        db = self._db

        # The password hash is deliberately slow: never on the UI thread.
        def check(_progress: Progress, _token: CancelToken) -> Actor:
            return accounts.authenticate(db, username, password)

        self._runner.start(check, on_success=self._signed_in, on_failure=self._refused)

    def _signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.buttons.setEnabled(True)
        self.accept()

    def _refused(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(message)
        self.password.clear()
        self.password.setFocus()
