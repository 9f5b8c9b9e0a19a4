"""Backups from the window: `Tệp → Sao lưu…` and `Khôi phục…` (administrators), the
automatic backup every N minutes of work and on close (every session: the program makes
it), and the reminder to take a copy off the PC."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from app.domain.office import OfficeSettings
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.services import backup, backup_archive
from app.services.actor import Actor
from app.services.data_folder import Database
from app.text import format_number
from app.ui.tasks import TaskFunction, TaskRunner

FILE_FILTER = "Bản sao lưu Sổ vi phạm (*.svpbak)"
RunLong = Callable[[str, TaskFunction, Callable[[Any], None]], None]


class BackupActions(QObject):
    """Owned by the main window; `run_long` shows progress with a cancel button."""

    restored_data = Signal()  # the data folder now holds the backup's data

    def __init__(self, window: QWidget, db: Database, actor: Actor, runner: TaskRunner,
                 run_long: RunLong, show_reminder: Callable[[str | None], None],
                 office: OfficeSettings) -> None:
        super().__init__(window)
        self._window, self._db, self._actor = window, db, actor
        self._runner, self._run_long, self._show_reminder = runner, run_long, show_reminder
        self.restored = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.backup_if_changed)
        self.apply_settings(office)

    def apply_settings(self, office: OfficeSettings) -> None:
        interval = office.backup_every_minutes * 60_000
        # Started again only for a new interval: «Làm mới» must not put the backup off.
        if not self.timer.isActive() or self.timer.interval() != interval:
            self.timer.start(interval)
        self.refresh_reminder()

    def refresh_reminder(self) -> None:
        self._show_reminder(backup.key_reminder(self._db, self._actor)
                            or backup.offsite_reminder(self._db))

    # Manual --------------------------------------------------------------------

    def backup_to_file(self) -> None:
        suggested = str(Path.home() / backup.default_name())
        chosen, _ = QFileDialog.getSaveFileName(self._window, "Sao lưu dữ liệu", suggested,
                                                FILE_FILTER)
        if chosen:
            path = Path(chosen)
            # A save dialog adds its filter's extension to a name typed without any.
            self.backup_to(path if path.suffix else path.with_suffix(backup_archive.SUFFIX))

    def backup_to(self, path: Path) -> None:
        db, actor = self._db, self._actor

        def task(progress: Progress, token: CancelToken) -> backup.BackupResult:
            return backup.make_backup(db, actor, path, progress=progress, token=token)

        self._run_long("Đang sao lưu", task, self._backed_up)

    def _backed_up(self, result: backup.BackupResult) -> None:
        self.refresh_reminder()
        QMessageBox.information(
            self._window, "Đã sao lưu",
            f"Đã sao lưu {format_number(result.cases)} vụ việc và "
            f"{format_number(result.evidence_files)} tệp chứng cứ vào\n{result.path}\n\n"
            "Tệp được mã hóa: chỉ mở được bằng mật khẩu của quản trị viên lúc sao lưu hoặc "
            "khóa khôi phục. Hãy cất bản sao lưu ở nơi khác máy này (USB, ổ đĩa khác).")

    # Restore --------------------------------------------------------------------

    def restore_from_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self._window, "Khôi phục từ bản sao lưu",
                                                str(Path.home()), FILE_FILTER)
        if chosen:
            self.restore_from(Path(chosen))

    def restore_from(self, path: Path) -> None:
        try:
            header = backup_archive.read_header(path)
        except UserError as exc:
            QMessageBox.warning(self._window, "Không khôi phục được", exc.message)
            return
        legacy = ("\n\nĐây là bản sao lưu theo định dạng cũ (trước khi bản sao lưu được niêm "
                  "phong cho quản trị viên): chương trình không kiểm tra được ai đã tạo. Chỉ "
                  "khôi phục nếu chắc chắn đây là bản sao lưu do quản trị viên cất giữ. Sau khi "
                  "khôi phục, chỉ bạn (hoặc khóa khôi phục) đăng nhập được; hãy "
                  "xem lại vai trò các người dùng rồi đặt lại mật khẩu cho họ."
                  if header.legacy else "")
        answer = QMessageBox.question(
            self._window, "Khôi phục từ bản sao lưu",
            f"Bản sao lưu ngày {header.created_at.astimezone():%d/%m/%Y %H:%M} có "
            f"{format_number(header.cases)} vụ việc và {format_number(header.evidence_files)} "
            "tệp chứng cứ.\n\nToàn bộ dữ liệu hiện tại sẽ được thay bằng bản sao lưu này (dữ "
            "liệu hiện tại được sao lưu mã hóa vào thư mục backups trước khi thay). Sau khi "
            f"khôi phục, mọi người cần đăng nhập lại.{legacy}\n\nTiếp tục?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        secret: str | None = None
        if not backup.opens_without_secret(self._db, header):
            text, ok = QInputDialog.getText(
                self._window, "Mở bản sao lưu",
                "Bản sao lưu này được niêm phong bằng khóa khác của thư mục dữ liệu (trước khi "
                "thay khóa, thư mục khác hoặc định dạng cũ). Nhập mật khẩu đăng nhập "
                f"«{self._actor.username}» lúc sao lưu, hoặc khóa khôi phục:",
                QLineEdit.EchoMode.Password)
            if not ok:
                return
            secret = text
        db, actor = self._db, self._actor

        def task(progress: Progress, token: CancelToken) -> backup.RestoreResult:
            return backup.restore_backup(db.paths, path, current=db, actor=actor,
                                         username=actor.username, secret=secret,
                                         progress=progress, token=token)

        self._run_long("Đang khôi phục", task, self._restored)

    def _restored(self, result: backup.RestoreResult) -> None:
        self.restored = True
        kept = f"\n{result.safety_note}" if result.safety_note else ""
        reset = (f"\n\n{backup.reset_note(result.accounts_to_reset)}"
                 if result.accounts_to_reset else "")
        QMessageBox.information(
            self._window, "Đã khôi phục",
            f"Đã khôi phục {format_number(result.cases)} vụ việc và "
            f"{format_number(result.evidence_files)} tệp chứng cứ từ bản sao lưu ngày "
            f"{result.created_at.astimezone():%d/%m/%Y %H:%M}.{kept}{reset}\n\n"
            "Hãy đăng nhập lại.")
        self.restored_data.emit()

    # Automatic ------------------------------------------------------------------

    def backup_if_changed(self, then: Callable[[], None] | None = None) -> bool:
        """Start an automatic backup if anything changed; False when there was nothing
        to do (then `then` is not called)."""
        # Whoever is signed in (the program makes it); a session that cannot seal one yet
        # says so in the reminder line instead.
        if (self.restored or not self._db.unlocked or backup.not_ready(self._db) is not None
                or not backup.needs_backup(self._db)):
            return False
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> backup.BackupResult:
            return backup.automatic_backup(db, actor)

        self._runner.start(task, on_failure=self._auto_failed,
                           on_finished=then or (lambda: None))
        return True

    def _auto_failed(self, message: str) -> None:
        QMessageBox.warning(self._window, "Tự động sao lưu không thành công", message)
