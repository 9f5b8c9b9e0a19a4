"""Purging deleted cases past their retention period, after a count and a confirmation."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.progress import CancelToken, Progress
from app.services import purge
from app.services.actor import Actor
from app.services.data_folder import Database
from app.services.purge import Expired, PurgeResult
from app.ui.admin.common import Feedback
from app.ui.data_change import DataChange, DataKind
from app.ui.tasks import TaskRunner


class PurgeView(QWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None]) -> None:
        super().__init__()
        self._db, self._actor, self._runner, self._notify = db, actor, runner, notify
        self._expired: Expired | None = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.purge_button = QPushButton("Xóa hẳn…")
        self.purge_button.setEnabled(False)
        self.purge_button.clicked.connect(self.confirm_and_purge)
        self.feedback = Feedback()
        explanation = QLabel(
            "Vụ việc bị xóa vẫn được giữ lại để có thể khôi phục, trong số ngày đặt ở «Thông "
            "tin đơn vị». Quá thời hạn đó, quản trị viên xóa hẳn: vụ việc cùng trẻ em, biện "
            "pháp xử lý và tệp chứng cứ không còn dùng ở vụ việc khác bị xóa khỏi cơ sở dữ liệu "
            "và thư mục chứng cứ, cùng phiếu in đã lưu, bản xem tạm và các bản sao dữ liệu "
            "chưa mã hóa, không để lại dấu vết nội dung. Các bản sao lưu mã hóa vẫn giữ vụ "
            "việc. Nhật ký thao tác chỉ ghi mã các vụ việc đã xóa hẳn.")
        explanation.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.purge_button)
        buttons.addWidget(self.feedback, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # counted as of today

    def refresh_for(self, change: DataChange) -> None:
        """Deleted cases and the retention period: counted again now if on screen (else
        when next shown)."""
        if change.concerns(DataKind.CASES, DataKind.OFFICE) and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> Expired:
            return purge.find_expired(db, actor)

        self._runner.start(task, on_success=self._show, on_failure=self.feedback.error)

    def _show(self, expired: Expired) -> None:
        self._expired = expired
        before = f"{expired.deleted_before:%d/%m/%Y}"
        if expired.count:
            self.summary.setText(
                f"Có {expired.count} vụ việc đã xóa trước ngày {before}, quá thời hạn lưu giữ "
                f"{expired.retention_days} ngày.")
        else:
            self.summary.setText(f"Không có vụ việc nào đã xóa trước ngày {before} (thời hạn "
                                 f"lưu giữ {expired.retention_days} ngày).")
        self.purge_button.setEnabled(expired.count > 0)

    def confirm_and_purge(self) -> None:
        expired = self._expired
        if expired is None or not expired.count:
            return
        answer = QMessageBox.question(
            self, "Xóa hẳn vụ việc đã xóa",
            f"Xóa hẳn {expired.count} vụ việc đã xóa trước ngày "
            f"{expired.deleted_before:%d/%m/%Y}?\n\nKhông khôi phục được trong chương trình; "
            "chỉ các bản sao lưu đã tạo trước đây còn giữ chúng.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, actor = self._db, self._actor
        self.purge_button.setEnabled(False)
        self.feedback.ok("Đang xóa hẳn và làm sạch tệp dữ liệu…")

        def task(_p: Progress, _t: CancelToken) -> PurgeResult:
            return purge.purge_expired(db, actor)

        self._runner.start(task, on_success=self._purged, on_failure=self._failed)

    def _purged(self, result: PurgeResult) -> None:
        done = (f"Đã xóa hẳn {result.cases} vụ việc và {result.files} tệp chứng cứ không còn "
                "dùng.")
        if result.backup is not None:
            done += (f" Đã sao lưu tự động ({result.backup.name}) để xóa bản sao dữ liệu chưa "
                     "mã hóa tạo trước khi nâng cấp chương trình.")
        if result.left:
            self.feedback.error(
                done + " Còn các tệp, thư mục sau có thể chứa nội dung vụ việc mà chương trình "
                "không xóa được (đang mở ở chương trình khác, hoặc là dữ liệu trước khi khôi "
                "phục bị lỗi nên chưa mã hóa): " + "; ".join(str(p) for p in result.left)
                + ". Hãy đóng chương trình đang mở tệp rồi chạy lại, hoặc tự xem và xóa.")
        else:
            self.feedback.ok(done)
        self._notify(DataChange.cases())

    def _failed(self, message: str) -> None:
        self.feedback.error(message)
        self.refresh()
