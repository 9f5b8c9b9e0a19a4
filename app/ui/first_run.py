"""The first start on a new data folder: create the first administrator, then show
the recovery key once (also used when an administrator makes a new one)."""

from __future__ import annotations

import html
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMimeData, QStorageInfo, QTimer
from PySide6.QtGui import QFont, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.labels import PROGRAM_NAME, RECOVERY_KEY_ADVICE, Role
from app.domain.passwords import account_password_rule
from app.paths import DataPaths
from app.progress import CancelToken, Progress
from app.resources import resource_path
from app.services import server_connection
from app.text import format_date
from app.ui.dialogs import RECONNECT, Dialog
from app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from app.services.data_folder import Database

# How long a copied recovery key stays on the clipboard (long enough to paste it into a
# password manager), unless the dialog is closed first.
CLIPBOARD_SECONDS = 60
RECOVERY_KEY_FILE = "khoa-khoi-phuc.txt"
# Formats that ask clipboard managers to keep no copy: Windows' clipboard history and
# cloud clipboard, KDE's Klipper. Others ignore them.
_PRIVATE_CLIPBOARD = {
    'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"': b"",
    "x-kde-passwordManagerHint": b"secret",
}


class FirstRunDialog(Dialog):
    """Creates the data folder and its first administrator; `db` and `recovery_key`
    are set once it is accepted."""

    def __init__(self, runner: TaskRunner, paths: DataPaths,
                 parent: QWidget | None = None) -> None:
        super().__init__("Bắt đầu dùng Sổ vi phạm MXH", parent=parent, min_width=480)
        self._runner, self._paths = runner, paths
        self.db: Database | None = None
        self.recovery_key = ""
        where = (f"cơ sở dữ liệu <code>{html.escape(server_connection.place(paths.server))}"
                 "</code>" if paths.server is not None
                 else f"thư mục <br><code>{html.escape(str(paths.root))}</code>")
        intro = QLabel(
            f"<b style='font-size:14pt'>Chào mừng!</b><br>Chưa có dữ liệu trong {where}<br>"
            "Hãy tạo người dùng quản trị đầu tiên; các người dùng khác được tạo sau trong màn "
            "hình Quản trị. Nếu dữ liệu của đơn vị nằm trên máy chủ, chọn «Kết nối máy chủ…».")
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
        form.addRow("Mật khẩu:", self.password)
        form.addRow("Nhập lại mật khẩu:", self.password_again)
        rule = QLabel(account_password_rule(Role.ADMIN))
        rule.setWordWrap(True)
        form.addRow(rule)
        self.buttons = self.button_box("Tạo dữ liệu", "Thoát", on_accept=self.create_data)
        server = self.buttons.addButton("Kết nối máy chủ…", QDialogButtonBox.ButtonRole.ResetRole)
        server.clicked.connect(self._server_connection)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _server_connection(self) -> None:
        """The register to open changed: the dialog ends with `RECONNECT`."""
        from app.ui.server_dialog import ServerDialog

        if ServerDialog(self._runner, self._paths, self).exec() == self.DialogCode.Accepted:
            self.done(RECONNECT)

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
    """The recovery key, shown once: it can be printed, saved on a removable drive (never
    on a drive of this PC: whoever takes the PC would have the key with the data) or
    copied, and the clipboard holds it only for a while. The dialog closes only once the
    administrator says the key is kept safe."""

    def __init__(self, recovery_key: str, data_folder: Path, unit_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__("Khóa khôi phục", parent=parent)
        self._key, self._unit = recovery_key, unit_name
        # The drives a copy of the key must not be on: the data folder's and the program's.
        self._pc_volumes = {volume_of(data_folder), volume_of(resource_path())}
        key = QLabel(recovery_key)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(15)
        font.setBold(True)
        key.setFont(font)
        # Not selectable: a copy goes through «Chép», which takes it off the clipboard again.
        advice = QLabel(RECOVERY_KEY_ADVICE)
        advice.setWordWrap(True)
        print_button = QPushButton("In…")
        print_button.clicked.connect(self._print)
        save = QPushButton("Lưu ra USB…")
        save.clicked.connect(self._save)
        copy = QPushButton("Chép")
        copy.setToolTip(f"Chép vào bộ nhớ tạm trong {CLIPBOARD_SECONDS} giây")
        copy.clicked.connect(self.copy_key)
        actions = QHBoxLayout()
        for button in (print_button, save, copy):
            actions.addWidget(button)
        actions.addStretch(1)
        self.clipboard_timer = QTimer(self)
        self.clipboard_timer.setSingleShot(True)
        self.clipboard_timer.setInterval(CLIPBOARD_SECONDS * 1000)
        self.clipboard_timer.timeout.connect(self.clear_clipboard)
        self.kept = QCheckBox("Tôi đã in, chép tay hoặc lưu khóa khôi phục ra USB và cất ở nơi "
                              "an toàn")
        self.buttons = self.button_box("Tiếp tục", None)
        self.accept_button.setEnabled(False)
        self.kept.toggled.connect(self.accept_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Khóa khôi phục của thư mục dữ liệu:</b>"))
        layout.addWidget(key)
        layout.addWidget(advice)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.kept)
        layout.addWidget(self.buttons)
        # The key must show whole on one line, whatever the font.
        self.setMinimumWidth(max(560, key.sizeHint().width() + 48))

    def confirm_close(self) -> bool:
        return self.kept.isChecked()  # not before the key is kept

    def done(self, result: int) -> None:
        self.clear_clipboard()
        super().done(result)

    # The clipboard ------------------------------------------------------------

    def copy_key(self) -> None:
        copied = QMimeData()
        copied.setText(self._key)
        for kind, value in _PRIVATE_CLIPBOARD.items():
            copied.setData(kind, QByteArray(value))
        QGuiApplication.clipboard().setMimeData(copied)
        self.clipboard_timer.start()
        self.message.done(f"Đã chép khóa khôi phục; bộ nhớ tạm sẽ được xóa sau "
                          f"{CLIPBOARD_SECONDS} giây hoặc khi đóng cửa sổ này.")

    def clear_clipboard(self) -> None:
        """Empty the clipboard if it still holds the key (not what was copied since)."""
        self.clipboard_timer.stop()
        clipboard = QGuiApplication.clipboard()
        if clipboard.text() == self._key:
            clipboard.clear()

    # Printing -----------------------------------------------------------------

    def _print(self) -> None:
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("In khóa khôi phục")
        # Printed on paper: not into a file left on this PC.
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)
            self.message.done("Đã gửi khóa khôi phục ra máy in. Hãy cất bản in ở nơi an toàn, "
                              "tách khỏi máy tính.")

    def print_to(self, printer: QPrinter) -> None:
        document = QTextDocument()
        document.setHtml(self.printable_html())
        document.print_(printer)

    def printable_html(self) -> str:
        unit = f"<p>{html.escape(self._unit)}</p>" if self._unit else ""
        return (f"<h2>{html.escape(PROGRAM_NAME)} — khóa khôi phục</h2>{unit}"
                f"<p>In ngày {format_date(date.today())}</p>"
                f"<p style='font-family: monospace; font-size: 18pt; font-weight: bold'>"
                f"{html.escape(self._key)}</p><p>{html.escape(RECOVERY_KEY_ADVICE)}</p>")

    # Saving on a removable drive -------------------------------------------------

    def _save(self) -> None:
        drives = [drive for drive in removable_drives()
                  if volume_of(drive) not in self._pc_volumes]
        if not drives:
            self.message.error("Chưa thấy USB hay thẻ nhớ nào. Hãy cắm USB vào máy rồi bấm "
                               "«Lưu ra USB…» lần nữa (khóa khôi phục không được lưu trên ổ "
                               "đĩa của máy này), hoặc in khóa ra giấy.")
            return
        chosen, _ = QFileDialog.getSaveFileName(self, "Lưu khóa khôi phục ra USB",
                                                str(drives[0] / RECOVERY_KEY_FILE),
                                                "Tệp văn bản (*.txt)")
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, path: Path) -> bool:
        """Write the key to `path`, unless it is on a drive of this PC."""
        volume = volume_of(path)
        if volume in self._pc_volumes:
            self.message.error(
                f"Không lưu khóa khôi phục vào {path}: ổ đĩa này là ổ của máy tính, cùng ổ với "
                "thư mục dữ liệu hoặc chương trình, ai lấy được máy sẽ có cả khóa lẫn dữ liệu. "
                "Hãy chọn USB hoặc thẻ nhớ.")
            return False
        if volume not in {volume_of(drive) for drive in removable_drives()}:
            answer = QMessageBox.question(
                self, "Lưu khóa khôi phục",
                f"Không nhận ra {path.anchor or path.parent} là USB hay thẻ nhớ. Chỉ lưu khóa "
                "vào ổ sẽ được rút ra và cất ở nơi an toàn, không lưu vào ổ đĩa của máy này. "
                "Vẫn lưu vào đây?")
            if answer != QMessageBox.StandardButton.Yes:
                return False
        unit = f" — {self._unit}" if self._unit else ""
        path.write_text(f"{PROGRAM_NAME}{unit}\nKhóa khôi phục: {self._key}\n\n"
                        f"{RECOVERY_KEY_ADVICE}\n", encoding="utf-8")
        self.message.done(f"Đã lưu khóa khôi phục vào {path}. Hãy rút USB ra và cất ở nơi an "
                          "toàn, tách khỏi máy tính.")
        return True


def removable_drives() -> list[Path]:
    """The mounted drives that are taken away when unplugged: USB sticks, memory cards."""
    return [Path(volume.rootPath()) for volume in QStorageInfo.mountedVolumes()
            if volume.isValid() and volume.isReady() and not volume.isReadOnly()
            and _removable(volume.rootPath())]


def _removable(root: str) -> bool:
    if sys.platform == "win32":
        import ctypes

        drive_removable = 2  # GetDriveTypeW: USB sticks and memory cards (not USB disks)
        return bool(ctypes.windll.kernel32.GetDriveTypeW(str(Path(root))) == drive_removable)
    # Where desktops mount what is plugged in: udisks on Linux, macOS.
    return root.startswith(("/media/", "/run/media/", "/Volumes/"))


def volume_of(path: Path) -> str:
    """The drive `path` is on (its mount point), also for a file not written yet."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return QStorageInfo(str(existing)).rootPath()
