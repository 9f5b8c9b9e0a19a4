"""Replacing the data folder's keys (`services/rotation.py`), after a confirmation that
says what it changes and for whom, the administrator's password and the new recovery
key kept safe."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.progress import CancelToken, Progress
from app.services import rotation, settings
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.rotation import RotationResult
from app.text import format_number
from app.ui.admin.common import Feedback
from app.ui.data_change import DataChange, DataKind
from app.ui.tasks import TaskRunner

EXPLANATION = (
    "Dữ liệu (cơ sở dữ liệu, tệp chứng cứ, bản sao lưu) được mã hóa bằng khóa của thư mục dữ "
    "liệu; mỗi người dùng đang dùng giữ một bản niêm phong của khóa theo mật khẩu của mình. "
    "Khóa người dùng của người nghỉ việc là đủ khi họ không còn dùng được máy này. Nếu họ đã "
    "biết một mật khẩu trong lúc dùng máy (có thể đã chép tệp khóa hoặc dữ liệu), hãy thay "
    "khóa: dữ liệu được mã hóa lại bằng khóa mới, những gì họ chép được không mở được dữ "
    "liệu từ nay về sau.")


class KeysView(QWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None]) -> None:
        super().__init__()
        self._db, self._actor, self._runner, self._notify = db, actor, runner, notify
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        self.rotate_button = QPushButton("Thay khóa mã hóa dữ liệu…")
        self.rotate_button.setEnabled(actor.can(Permission.ROTATE_KEYS))
        self.rotate_button.clicked.connect(self.confirm_and_rotate)
        self.feedback = Feedback()
        buttons = QHBoxLayout()
        buttons.addWidget(self.rotate_button)
        buttons.addWidget(self.feedback, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def confirm_and_rotate(self) -> None:
        others = rotation.administrators_left_out(self._db, self._actor)
        also = (f" (kể cả quản trị viên {', '.join(f'«{n}»' for n in others)})"
                if others else "")
        answer = QMessageBox.question(
            self, "Thay khóa mã hóa dữ liệu",
            "Thay khóa mã hóa dữ liệu?\n\n"
            "• Cơ sở dữ liệu và mọi tệp chứng cứ được mã hóa lại bằng khóa mới; trong lúc đó "
            "không dùng chương trình. Nếu máy tắt giữa chừng, lần đăng nhập sau của bạn sẽ "
            "làm nốt.\n"
            f"• Mọi người dùng khác{also} không đăng nhập được nữa cho đến khi bạn đặt lại "
            "mật khẩu cho họ (Quản trị → Người dùng → Đặt lại mật khẩu…).\n"
            "• Khóa khôi phục cũ hết hiệu lực: chương trình hiện khóa khôi phục mới để bạn in "
            "hoặc lưu ra USB trước khi thay.\n"
            "• Sau đó chương trình tự sao lưu bằng khóa mới. Các bản sao lưu làm trước đây vẫn "
            "mở được bằng mật khẩu và khóa khôi phục cũ: hãy cất ở nơi an toàn hoặc hủy.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        password, accepted = QInputDialog.getText(
            self, "Thay khóa mã hóa dữ liệu", "Nhập mật khẩu của bạn để xác nhận:",
            QLineEdit.EchoMode.Password)
        if not accepted or not password:
            return
        db, actor = self._db, self._actor
        self.rotate_button.setEnabled(False)

        def task(_p: Progress, _t: CancelToken) -> tuple[str, str]:
            return rotation.prepare(db, actor, password), settings.load_office(db).unit_name

        self._runner.start(task, on_success=lambda made: self._keep_key_then_rotate(password,
                                                                                    made),
                           on_failure=self._refused)

    def _refused(self, message: str) -> None:
        self.rotate_button.setEnabled(True)
        self.feedback.error(message)

    def _keep_key_then_rotate(self, password: str, made: tuple[str, str]) -> None:
        from app.ui.first_run import RecoveryKeyDialog

        recovery_key, unit_name = made
        dialog = RecoveryKeyDialog(recovery_key, self._db.paths.root, unit_name, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            self._refused("Chưa thay khóa; khóa khôi phục vừa hiện không có hiệu lực.")
            return
        db, actor = self._db, self._actor
        window = self.window()
        window.setEnabled(False)  # nothing else touches the data while it is re-encrypted
        self.feedback.ok("Đang mã hóa lại dữ liệu bằng khóa mới…")

        def task(progress: Progress, _t: CancelToken) -> RotationResult:
            return rotation.rotate_keys(db, actor, password, recovery_key, progress)

        def finished() -> None:
            window.setEnabled(True)
            self.rotate_button.setEnabled(True)

        self._runner.start(task, on_success=self._rotated, on_failure=self._failed,
                           on_progress=self._progress, on_finished=finished)

    def _progress(self, done: int, total: int) -> None:
        self.feedback.ok(f"Đang mã hóa lại tệp chứng cứ: {format_number(done)}/"
                         f"{format_number(total)}…")

    def _rotated(self, result: RotationResult) -> None:
        lines = [f"Đã thay khóa mã hóa dữ liệu: cơ sở dữ liệu và "
                 f"{format_number(result.evidence_files)} tệp chứng cứ đã được mã hóa lại bằng "
                 "khóa mới."]
        if result.damaged_files:
            lines.append(f"{format_number(result.damaged_files)} tệp chứng cứ bị hỏng (không "
                         "giải mã được) nên giữ nguyên; hãy chạy «Kiểm tra dữ liệu».")
        if result.accounts_to_reset:
            lines.append("Các người dùng sau cần bạn đặt lại mật khẩu mới đăng nhập được: "
                         + ", ".join(f"«{name}»" for name in result.accounts_to_reset) + ".")
        if result.backup is not None:
            lines.append(f"Đã sao lưu bằng khóa mới vào {result.backup.path}; hãy ghi thêm một "
                         "bản ra USB (Tệp → Sao lưu…).")
        else:
            lines.append(f"Chưa sao lưu được bằng khóa mới: {result.backup_error} Hãy sao lưu "
                         "(Tệp → Sao lưu…).")
        lines.append("Các bản sao lưu làm trước khi thay khóa vẫn mở được bằng mật khẩu và "
                     "khóa khôi phục cũ: hãy cất ở nơi an toàn hoặc hủy.")
        self.feedback.ok("Đã thay khóa mã hóa dữ liệu.")
        self._notify(DataChange.of(DataKind.ACCOUNTS))
        QMessageBox.information(self, "Đã thay khóa mã hóa dữ liệu", "\n\n".join(lines))

    def _failed(self, message: str) -> None:
        if rotation.interrupted(self._db.paths):
            message += ("\n\nViệc thay khóa chưa xong: hãy đóng chương trình rồi đăng nhập lại "
                        "bằng tên đăng nhập của bạn để chương trình làm nốt.")
        self.feedback.error(message)
        QMessageBox.warning(self, "Không thay khóa được", message)
