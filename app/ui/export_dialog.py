"""`Tệp → Xuất toàn bộ vụ việc…`: every case with every field, event and child, to Excel.

Only an administrator may export (children's names are in full); the file can
be given a password that Excel and LibreOffice ask for when opening it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

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

from app.db import Database
from app.services.actor import Actor
from app.services.exporting import ExportResult, export_cases
from app.services.progress import CancelToken, Progress
from app.ui.dates import from_qdate
from app.ui.import_dialog import EXCEL_FILTER
from app.ui.task_dialog import TaskDialog
from app.ui.widgets import date_edit


class ExportDialog(TaskDialog):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self.export_result: ExportResult | None = None
        self.setWindowTitle("Xuất toàn bộ vụ việc")

        today = date.today()
        self.period = QCheckBox("Chỉ các vụ việc phát hiện trong khoảng")
        self.date_from = date_edit(today.replace(month=1, day=1))
        self.date_to = date_edit(today)
        self.protect = QCheckBox("Đặt mật khẩu mở tệp")
        self.password = QLineEdit()
        self.password_again = QLineEdit()
        for field in (self.password, self.password_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.period.toggled.connect(self._update_fields)
        self.protect.toggled.connect(self._update_fields)

        notice = QLabel("Tệp xuất có đầy đủ họ tên trẻ em và thông tin đối tượng: chỉ lưu ở nơi "
                        "an toàn; nên đặt mật khẩu. Việc xuất được ghi vào nhật ký.")
        notice.setWordWrap(True)
        self.export_button = QPushButton("Xuất…")
        self.export_button.clicked.connect(self.choose_file)
        close = QPushButton("Đóng")
        close.clicked.connect(self.reject)

        period = QHBoxLayout()
        period.addWidget(self.date_from)
        period.addWidget(QLabel("đến"))
        period.addWidget(self.date_to)
        period.addStretch(1)
        form = QFormLayout()
        form.addRow(self.period)
        form.addRow("Từ ngày:", period)
        form.addRow(self.protect)
        form.addRow("Mật khẩu:", self.password)
        form.addRow("Nhập lại mật khẩu:", self.password_again)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(notice)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addLayout(self.progress_row())
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self._update_fields()
        self._set_running(False)

    def _update_fields(self) -> None:
        for widget in (self.date_from, self.date_to):
            widget.setEnabled(self.period.isChecked())
        for field in (self.password, self.password_again):
            field.setEnabled(self.protect.isChecked())

    def choose_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Xuất toàn bộ vụ việc",
                                              f"vu-viec-{date.today():%Y%m%d}.xlsx", EXCEL_FILTER)
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """Export to `path` off the UI thread (the button calls this after the picker)."""
        password = self.password.text() if self.protect.isChecked() else None
        if password is not None and (not password or password != self.password_again.text()):
            self.summary.setText("Mật khẩu trống hoặc hai lần nhập không khớp.")
            return
        date_from = from_qdate(self.date_from.date()) if self.period.isChecked() else None
        date_to = from_qdate(self.date_to.date()) if self.period.isChecked() else None

        def work(progress: Progress, token: CancelToken) -> ExportResult:
            return export_cases(self._db, self._actor, path, date_from=date_from,
                                date_to=date_to, file_password=password, progress=progress,
                                token=token)

        self.summary.setText(f"Đang xuất vào {path}…")
        self.run(work, self._done)

    def _done(self, result: ExportResult) -> None:
        self.export_result = result
        self.summary.setText(f"Đã xuất {result.count} vụ việc vào {result.path}.")
        self._set_running(False)

    def update_buttons(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
