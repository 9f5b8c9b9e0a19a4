"""The register window: a plain case list until the full main window lands."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QTableWidget, QTableWidgetItem

from app.db import Database
from app.domain.labels import ROLE_LABELS
from app.services.actor import Actor
from app.services.search import CaseQuery, count_cases, fetch_rows, search_case_ids


class MainWindow(QMainWindow):
    def __init__(self, db: Database, actor: Actor) -> None:
        super().__init__()
        self._db = db
        self._actor = actor
        self.setWindowTitle(f"Sổ vi phạm MXH — {actor.full_name} ({ROLE_LABELS[actor.role]})")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Mã vụ việc", "Ngày phát hiện", "Tài khoản, kênh",
                                              "Tóm tắt nội dung"])
        self.setCentralWidget(self.table)
        rows = fetch_rows(db, search_case_ids(db, CaseQuery())[:200])
        self.table.setRowCount(len(rows))
        for row, case in enumerate(rows):
            values = [case.code, f"{case.detected_on:%d/%m/%Y}", case.account, case.summary]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.statusBar().showMessage(f"{count_cases(db, CaseQuery())} vụ việc")
        self.resize(1100, 700)
