"""The handling history of a case: events in date order, voided ones struck out."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocabulary import VocabList, Vocabulary
from app.services.case_sheet import status_line
from app.services.records import CaseDetail, EventRecord
from app.text import format_date, format_money
from app.ui.admin.common import make_table, selected_row
from app.ui.case_editor.section import enter_activates


def event_details(event: EventRecord) -> str:
    parts = []
    if event.document_number:
        parts.append(f"số {event.document_number}")
    if event.sanction_form:
        parts.append(str(event.sanction_form))
    if event.fine_amount:
        parts.append(format_money(event.fine_amount))
    if event.closing_result:
        parts.append(str(event.closing_result))
    if event.note:
        parts.append(event.note)
    if event.voided:
        parts.append(f"ĐÃ HỦY: {event.void_reason or ''}")
    return "; ".join(parts)


class TimelineSection(QWidget):
    add_requested = Signal()
    edit_requested = Signal(object)  # EventRecord
    void_requested = Signal(object)  # EventRecord
    reopen_requested = Signal()

    def __init__(self, vocabulary: Vocabulary) -> None:
        super().__init__()
        self._vocabulary = vocabulary
        self.events: tuple[EventRecord, ...] = ()
        self.status = QLabel()
        self.status.setStyleSheet("font-weight: 600")
        self.hint = QLabel("Lưu vụ việc trước rồi mới ghi biện pháp xử lý.")
        self.add_button = QPushButton("Thêm biện pháp…")
        self.add_button.clicked.connect(self.add_requested.emit)
        self.edit_button = QPushButton("Sửa…")
        self.edit_button.clicked.connect(self._edit)
        self.void_button = QPushButton("Hủy biện pháp ghi nhầm…")
        self.void_button.clicked.connect(self._void)
        self.reopen_button = QPushButton("Mở lại hồ sơ…")
        self.reopen_button.clicked.connect(self.reopen_requested.emit)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.void_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # Made after the buttons, so Tab reaches them first, as they are laid out.
        # The details last: the column that takes the room left.
        self.table = make_table(["Ngày", "Biện pháp", "Người ghi", "Chi tiết"])
        self.table.activated.connect(lambda _i: self._edit())  # Enter or double click
        enter_activates(self.table)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addWidget(self.table)

    def load(self, detail: CaseDetail | None, editable: bool) -> None:
        self.events = detail.events if detail else ()
        saved = detail is not None
        self.hint.setVisible(not saved)
        for button in (self.add_button, self.edit_button, self.void_button):
            button.setEnabled(saved and editable)
        self.reopen_button.setEnabled(saved and editable and detail is not None
                                      and detail.closed_on is not None)
        if detail is not None:
            self.status.setText(f"Tình trạng: {status_line(detail)}")
        self.table.setRowCount(len(self.events))
        for row, event in enumerate(self.events):
            values = (format_date(event.occurred_on),
                      self._vocabulary.label(VocabList.EVENT, event.kind), event.officer,
                      event_details(event))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if event.voided:
                    font = QFont(item.font())
                    font.setStrikeOut(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def _selected(self) -> EventRecord | None:
        row = selected_row(self.table)
        return self.events[row] if row is not None else None

    def _edit(self) -> None:
        event = self._selected()
        if event is not None and not event.voided:
            self.edit_requested.emit(event)

    def _void(self) -> None:
        event = self._selected()
        if event is not None and not event.voided:
            self.void_requested.emit(event)
