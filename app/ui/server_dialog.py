"""«Kết nối máy chủ»: this PC's register on a PostgreSQL server (server mode, cli.md), set
and tested from the window. Reached from the sign-in and first-run screens and the menu."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.paths import DataPaths
from app.progress import CancelToken, Progress
from app.services import server_connection
from app.services.server_connection import DEFAULT_PORT, CheckResult, ServerAddress
from app.ui.dialogs import Dialog
from app.ui.tasks import TaskRunner


class ServerDialog(Dialog):
    """Accepted once a connection is saved, or the data folder on this PC chosen again."""

    def __init__(self, runner: TaskRunner, paths: DataPaths,
                 parent: QWidget | None = None) -> None:
        super().__init__("Kết nối máy chủ", parent=parent, min_width=520)
        self._runner, self._paths = runner, paths
        address = server_connection.stored(paths)
        intro = QLabel(
            "Khi nhiều máy cùng làm việc trên một sổ, dữ liệu nằm trên máy chủ PostgreSQL của "
            "đơn vị. Nhập địa chỉ do quản trị máy chủ cung cấp. Mật khẩu được giữ trong kho "
            "mật khẩu của hệ điều hành, không ghi vào tệp.")
        intro.setWordWrap(True)
        self.host = QLineEdit(address.host if address else "")
        self.host.setPlaceholderText("vd. 192.168.1.10 hoặc may-chu.donvi.local")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setGroupSeparatorShown(False)
        self.port.setValue(address.port if address else DEFAULT_PORT)
        self.database = QLineEdit(address.database if address else "sovipham")
        self.login = QLineEdit(address.login if address else "sovipham")
        self.password = QLineEdit(
            (server_connection.stored_password(address) or "") if address else "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Máy chủ:", self.host)
        form.addRow("Cổng:", self.port)
        form.addRow("Cơ sở dữ liệu:", self.database)
        form.addRow("Tên đăng nhập:", self.login)
        form.addRow("Mật khẩu:", self.password)
        self.buttons = self.button_box("Lưu", on_accept=self.save)
        self.check_button = self.buttons.addButton("Kiểm tra kết nối",
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button.clicked.connect(self.check)
        self.local_button = self.buttons.addButton("Dùng dữ liệu trên máy này",
                                                   QDialogButtonBox.ButtonRole.ResetRole)
        self.local_button.setToolTip(f"Bỏ kết nối máy chủ, mở thư mục dữ liệu {paths.root}")
        self.local_button.setVisible(address is not None)
        self.local_button.clicked.connect(self.use_local_folder)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.host.setFocus()

    def address(self) -> ServerAddress:
        return ServerAddress(self.host.text().strip(), self.port.value(),
                             self.database.text().strip(), self.login.text().strip())

    def check(self) -> None:
        """Connects off the UI thread (a server that does not answer takes a while)."""
        address, password = self.address(), self.password.text()

        def task(_p: Progress, _t: CancelToken) -> CheckResult:
            return server_connection.check(address, password)

        self.buttons.setEnabled(False)
        self.message.working("Đang kết nối máy chủ…")
        self._runner.start(task, on_success=self._checked, on_failure=self._failed,
                           owner=self)

    def _checked(self, result: CheckResult) -> None:
        self.buttons.setEnabled(True)
        self.message.done(result.message)

    def _failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.message.error(message)

    def save(self) -> None:
        try:
            server_connection.save(self._paths, self.address(), self.password.text())
        except UserError as exc:
            self.message.error(exc.message)
            return
        self.accept()

    def use_local_folder(self) -> None:
        server_connection.forget(self._paths)
        self.accept()

    def confirm_close(self) -> bool:
        return self.buttons.isEnabled()  # not while a check is under way
