"""The first start on a new data folder: create the first administrator, then show
the recovery key once (also used when an administrator makes a new one)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.labels import RECOVERY_KEY_ADVICE
from app.paths import DataPaths
from app.progress import CancelToken, Progress
from app.ui.dialogs import Dialog
from app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from app.services.data_folder import Database


class FirstRunDialog(Dialog):
    """Creates the data folder and its first administrator; `db` and `recovery_key`
    are set once it is accepted."""

    def __init__(self, runner: TaskRunner, paths: DataPaths,
                 parent: QWidget | None = None) -> None:
        super().__init__("Bắt đầu dùng Sổ vi phạm MXH", parent=parent, min_width=480)
        self._runner, self._paths = runner, paths
        self.db: Database | None = None
        self.recovery_key = ""
        intro = QLabel(
            "<b style='font-size:14pt'>Chào mừng!</b><br>Chưa có dữ liệu trong thư mục "
            f"<br><code>{paths.root}</code><br>Hãy tạo tài khoản quản trị viên đầu tiên; các "
            "tài khoản khác được tạo sau trong màn hình Quản trị.")
        intro.setWordWrap(True)
        self.username = QLineEdit("quantri")
        self.full_name = QLineEdit()
        self.password = QLineEdit()
        self.password_again = QLineEdit()
        for field in (self.password, self.password_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Họ tên:", self.full_name)
        form.addRow("Mật khẩu (ít nhất 8 ký tự):", self.password)
        form.addRow("Nhập lại mật khẩu:", self.password_again)
        self.buttons = self.button_box("Tạo dữ liệu", "Thoát", on_accept=self.create_data)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def create_data(self) -> None:
        if self.password.text() != self.password_again.text():
            self.message.error("Hai lần nhập mật khẩu không giống nhau.")
            return
        if not self.full_name.text().strip():
            self.message.error("Hãy nhập họ tên của quản trị viên.")
            return
        self.buttons.setEnabled(False)
        self.message.working("Đang tạo dữ liệu…")
        paths, username = self._paths, self.username.text()
        full_name, password = self.full_name.text(), self.password.text()

        def task(_p: Progress, _t: CancelToken) -> tuple[Database, str]:
            from app.services import setup

            return setup.init_with_recovery_key(paths, username, password, full_name)

        self._runner.start(task, on_success=self._created, on_failure=self._refused)

    def _created(self, made: tuple[Database, str]) -> None:
        self.db, self.recovery_key = made
        self.accept()

    def _refused(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.message.error(message)


class RecoveryKeyDialog(Dialog):
    """The recovery key, shown once: it can be copied, saved or printed, and the dialog
    closes only once the administrator says it is kept safe."""

    def __init__(self, recovery_key: str, unit_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__("Khóa khôi phục", parent=parent)
        self._key, self._unit = recovery_key, unit_name
        key = QLabel(recovery_key)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(15)
        font.setBold(True)
        key.setFont(font)
        key.setTextInteractionFlags(key.textInteractionFlags()
                                    | key.textInteractionFlags().TextSelectableByMouse)
        advice = QLabel(RECOVERY_KEY_ADVICE)
        advice.setWordWrap(True)
        copy = QPushButton("Chép")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self._key))
        save = QPushButton("Lưu ra tệp…")
        save.clicked.connect(self._save)
        actions = QHBoxLayout()
        actions.addWidget(copy)
        actions.addWidget(save)
        actions.addStretch(1)
        self.kept = QCheckBox("Tôi đã in hoặc chép khóa khôi phục và cất ở nơi an toàn")
        self.buttons = self.button_box("Tiếp tục", None)
        self.accept_button.setEnabled(False)
        self.kept.toggled.connect(self.accept_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Khóa khôi phục của thư mục dữ liệu:</b>"))
        layout.addWidget(key)
        layout.addWidget(advice)
        layout.addLayout(actions)
        layout.addWidget(self.kept)
        layout.addWidget(self.buttons)
        # The key must show whole on one line, whatever the font.
        self.setMinimumWidth(max(560, key.sizeHint().width() + 48))

    def confirm_close(self) -> bool:
        return self.kept.isChecked()  # not before the key is kept

    def _save(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Lưu khóa khôi phục",
                                                str(Path.home() / "khoa-khoi-phuc.txt"),
                                                "Tệp văn bản (*.txt)")
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, path: Path) -> None:
        unit = f" — {self._unit}" if self._unit else ""
        path.write_text(f"Sổ vi phạm MXH{unit}\nKhóa khôi phục: {self._key}\n\n"
                        f"{RECOVERY_KEY_ADVICE}\n", encoding="utf-8")
