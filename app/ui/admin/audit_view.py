"""The audit log viewer with filters and export."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.progress import CancelToken, Progress
from app.services import audit_log
from app.services.actor import Actor
from app.services.audit import ACTION_LABELS
from app.services.audit_log import AuditLine
from app.services.data_folder import Database
from app.ui.admin.common import Feedback, fill_table, make_table
from app.ui.dates import DateEntry, entries_ready
from app.ui.tasks import TaskRunner


class AuditView(QWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner) -> None:
        super().__init__()
        self._db, self._actor, self._runner = db, actor, runner
        self._lines: list[AuditLine] = []
        self.username = QLineEdit()
        self.username.setPlaceholderText("mọi người dùng")
        self.action = QComboBox()
        self.action.addItem("Mọi thao tác", None)
        for action, label in ACTION_LABELS.items():
            self.action.addItem(label, str(action))
        self.period = QCheckBox("Từ ngày")
        self.day_from = DateEntry(date.today() - timedelta(days=30))
        self.day_to = DateEntry()
        search = QPushButton("Xem")
        search.clicked.connect(self.refresh)
        export = QPushButton("Xuất Excel…")
        export.clicked.connect(self._export)
        self.table = make_table(list(audit_log.HEADERS))
        self.feedback = Feedback()
        filters = QHBoxLayout()
        for widget in (QLabel("Người dùng:"), self.username, QLabel("Thao tác:"), self.action,
                       self.period, self.day_from, QLabel("đến"), self.day_to, search, export):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.feedback)
        layout.addWidget(self.table)
        self.refresh()

    def refresh(self) -> None:
        db, actor = self._db, self._actor
        username = self.username.text().strip() or None
        action = self.action.currentData()
        dated = self.period.isChecked()
        if dated and not entries_ready(self):
            return
        day_from = self.day_from.value() if dated else None
        day_to = self.day_to.value() if dated else None

        def task(_p: Progress, _t: CancelToken) -> list[AuditLine]:
            return audit_log.search(db, actor, username=username, action=action,
                                    day_from=day_from, day_to=day_to)

        self._runner.start(task, on_success=self._show, on_failure=self.feedback.error)

    def _show(self, lines: list[AuditLine]) -> None:
        self._lines = lines
        fill_table(self.table, [line.texts for line in lines])
        self.feedback.ok(f"{len(lines)} bản ghi (mới nhất trước).")

    def export_to(self, path: Path) -> None:
        db, actor, lines = self._db, self._actor, list(self._lines)

        def task(_p: Progress, _t: CancelToken) -> None:
            audit_log.export(db, actor, path, lines)

        self._runner.start(task, on_success=lambda _r: self.feedback.ok(f"Đã xuất {path.name}."),
                           on_failure=self.feedback.error)

    def _export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Xuất nhật ký", "nhat-ky.xlsx",
                                              "Excel (*.xlsx)")
        if name:
            self.export_to(Path(name))
