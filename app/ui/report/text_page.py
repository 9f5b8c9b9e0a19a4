"""The report's text as the officer sets it before export: number, issue date, narrative.

The narrative starts as the draft written from the figures; once the officer edits it,
new figures no longer replace it until asked ("Soạn lại từ số liệu").
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.report import ReportText
from app.ui.dates import DateEntry


class ReportTextPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._draft = ""
        self._setting_text = False
        self.narrative_edited = False
        self.number = QLineEdit()
        self.number.setPlaceholderText("để trống nếu văn thư cấp số sau")
        self._typed_number = ""  # kept while a frozen report's number is shown
        self.issue_date = DateEntry()
        self.narrative = QPlainTextEdit()
        self.narrative.textChanged.connect(self._narrative_changed)
        redraft = QPushButton("Soạn lại từ số liệu")
        redraft.clicked.connect(self.use_draft)
        form = QFormLayout()
        form.addRow("Số báo cáo:", self.number)
        form.addRow("Ngày ban hành:", self.issue_date)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Nội dung (mỗi dòng một đoạn; tên trẻ em được thay bằng chữ "
                                "cái đầu khi xuất):"))
        layout.addWidget(self.narrative, 1)
        layout.addWidget(redraft, 0, Qt.AlignmentFlag.AlignLeft)

    def set_draft(self, draft: str) -> None:
        """The draft of newly computed figures, shown unless the officer edited the text."""
        self._draft = draft
        if not self.narrative_edited:
            self.use_draft()

    def use_draft(self) -> None:
        self._setting_text = True
        self.narrative.setPlainText(self._draft)
        self._setting_text = False
        self.narrative_edited = False

    def _narrative_changed(self) -> None:
        if not self._setting_text:
            self.narrative_edited = True

    def show_frozen_number(self, number: str | None) -> None:
        """A frozen report keeps its number, re-issued or not: shown, not editable; a period
        not frozen gets back the number typed for it."""
        if number is not None:
            if not self.number.isReadOnly():
                self._typed_number = self.number.text()
            self.number.setText(number.split("/")[0])
            self.number.setReadOnly(True)
        elif self.number.isReadOnly():
            self.number.setText(self._typed_number)
            self.number.setReadOnly(False)

    def report_text(self) -> ReportText:
        """UserError when the issue date does not read."""
        return ReportText(self.number.text(), self.issue_date.checked_value(),
                          self.narrative.toPlainText())
