"""Sign-in dialog; also the lock screen after idle time (the same user only).

It appears before the database is opened: SQLAlchemy, Alembic and the schema
check load in the background while the officer types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.paths import DataPaths
from app.progress import CancelToken, Progress
from app.ui.dialogs import RECONNECT, Dialog
from app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from app.services.actor import Actor
    from app.services.data_folder import Database

OPENING = "Đang mở dữ liệu…"
SIGN_OUT = 2  # the lock dialog's result when the user chose «Đăng xuất…»


class LoginDialog(Dialog):
    def __init__(self, runner: TaskRunner, *, db: Database | None = None, unit_name: str = "",
                 locked_user: str | None = None, paths: DataPaths | None = None,
                 parent: QWidget | None = None) -> None:
        """With `paths`, signing in offers «Kết nối máy chủ…», which ends the dialog with
        `RECONNECT` once it changed the register to open."""
        super().__init__("Màn hình đã khóa — Sổ vi phạm MXH" if locked_user is not None
                         else "Đăng nhập — Sổ vi phạm MXH", parent=parent, min_width=400)
        self._db = db
        self._runner = runner
        self._waiting = False
        self.actor: Actor | None = None
        self._locked = locked_user is not None
        self.title = QLabel()
        self.title.setWordWrap(True)
        # A standing warning about the data folder, apart from the message line that each
        # attempt to sign in rewrites.
        self.folder_warning = QLabel()
        self.folder_warning.setWordWrap(True)
        self.folder_warning.setVisible(False)
        self.username = QLineEdit(locked_user or "")
        self.username.setReadOnly(self._locked)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Mật khẩu:", self.password)
        # Locked, the only way out is «Đăng xuất…» (see confirm_close).
        self.buttons = self.button_box("Mở khóa" if self._locked else "Đăng nhập",
                                       None if self._locked else "Thoát",
                                       on_accept=self._sign_in)
        if self._locked:
            self.sign_out_button = self.buttons.addButton(
                "Đăng xuất…", QDialogButtonBox.ButtonRole.ActionRole)
            self.sign_out_button.clicked.connect(lambda: self.done(SIGN_OUT))
        elif paths is not None:
            server = self.buttons.addButton("Kết nối máy chủ…",
                                            QDialogButtonBox.ButtonRole.ResetRole)
            server.clicked.connect(lambda: self._server_connection(paths))
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.folder_warning)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._show_title(unit_name)
        # Without Qt.FocusReason (see the buttons above).
        (self.password if self._locked else self.username).setFocus()

    def _server_connection(self, paths: DataPaths) -> None:
        from app.ui.server_dialog import ServerDialog

        if ServerDialog(self._runner, paths, self).exec() == ServerDialog.DialogCode.Accepted:
            self.done(RECONNECT)

    def _show_title(self, unit_name: str) -> None:
        heading = "<b style='font-size:15pt'>Sổ vi phạm MXH</b>"
        if unit_name:
            heading += f"<br>{unit_name}"
        if self._locked:
            heading += ("<br><br>Màn hình đã khóa: các cửa sổ đang mở được ẩn đi và giữ "
                        "nguyên nội dung. Nhập mật khẩu để tiếp tục.")
        self.title.setText(heading)

    def exec(self) -> int:
        # Locked, shown again after «Đăng xuất…» was answered no: what is typed next is the
        # password, and Enter unlocks instead of asking to sign out again. (Not in
        # showEvent: an event's Python type costs ~2 ms to build before the first paint.)
        if self._locked:
            self.password.setFocus()
        return super().exec()

    def confirm_close(self) -> bool:
        """Esc or the window's cross: leaves the program when signing in; the lock stays up
        (signing out is «Đăng xuất…», which asks about unsaved work first)."""
        return not self._locked

    def attach(self, db: Database, unit_name: str) -> None:
        """The data folder is open: signing in can go ahead (at once if already asked)."""
        self._db = db
        self._show_title(unit_name)
        if self._waiting:
            self._sign_in()

    def warn_about_folder(self, warning: str | None) -> None:
        """Other accounts can read the data folder: said, signing in goes on."""
        self.folder_warning.setText(warning or "")
        self.folder_warning.setVisible(bool(warning))

    def refuse_data(self, message: str) -> None:
        """The data folder could not be opened: say why; signing in is impossible."""
        self.message.error(message)
        self.accept_button.setEnabled(False)
        self.adjustSize()

    def _sign_in(self) -> None:
        username, password = self.username.text(), self.password.text()
        if not username.strip():
            self.message.setText("Hãy nhập tên đăng nhập.")
            return
        if not password:  # not an attempt: it would count toward the account's lockout
            self.message.setText("Hãy nhập mật khẩu.")
            self.password.setFocus()
            return
        if self._db is None:
            self._waiting = True
            self.message.working(OPENING)
            return
        self._waiting = False
        self.buttons.setEnabled(False)
        self.message.working("Đang kiểm tra…")
        db = self._db

        # The password hash is deliberately slow: never on the UI thread.
        def check(_progress: Progress, _token: CancelToken) -> Actor:
            from app.services import accounts

            return accounts.authenticate(db, username, password)

        self._runner.start(check, on_success=self._signed_in, on_failure=self._refused)

    def _signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.buttons.setEnabled(True)
        self.accept()

    def _refused(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.message.error(message)
        self.adjustSize()  # the message wraps over several lines: all of them shown
        self.password.clear()
        self.password.setFocus()
