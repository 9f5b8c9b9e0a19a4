"""The handling history of a case: events in date order, voided ones struck out, and the
case's transfers between offices above them (not events: they count nowhere)."""

from __future__ import annotations

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.labels import (
    DECISION_TIME_LABELS,
    TRANSFER_DIRECTION_LABELS,
    TRANSFER_OUTCOME_LABELS,
    TransferDirection,
)
from app.domain.sanctions import DecisionFollowUp
from app.domain.vocabulary import EventKind, VocabList, Vocabulary
from app.services.case_sheet import status_line
from app.services.records import CaseDetail, EventRecord, TransferRecord
from app.text import format_date, format_money
from app.ui.admin.common import make_table, selected_row
from app.ui.case_editor.section import enter_activates


def event_details(event: EventRecord) -> str:
    parts = []
    if event.document_number:
        parts.append(f"số {event.document_number}")
    if event.addressee:
        parts.append(f"gửi {event.addressee}")
    if event.decision_time:
        parts.append(f"thời hạn ra quyết định: {DECISION_TIME_LABELS[event.decision_time]}")
    if event.sanction_form:
        parts.append(str(event.sanction_form))
    if event.fine_amount:
        parts.append(format_money(event.fine_amount))
    parts += _follow_up(event.follow_up)
    if event.closing_result:
        parts.append(str(event.closing_result))
    if event.note:
        parts.append(event.note)
    if event.voided:
        parts.append(f"ĐÃ HỦY: {event.void_reason or ''}")
    return "; ".join(parts)


def _follow_up(follow: DecisionFollowUp) -> list[str]:
    parts = []
    if follow.delivered_on:
        parts.append(f"giao ngày {format_date(follow.delivered_on)}")
    if follow.paid_on:
        parts.append(f"đã nộp {format_money(follow.paid_amount)} ngày "
                     f"{format_date(follow.paid_on)} (biên lai {follow.receipt_number})")
    if follow.enforced_on:
        parts.append(f"cưỡng chế ngày {format_date(follow.enforced_on)}")
    return parts


def transfer_line(transfer: TransferRecord) -> str:
    """`Chuyển đến: từ đơn vị 00004 (Phường Ba Đình) lúc 14:03 06/12/2026, người nhận admin
    (thêm mới).`"""
    label = TRANSFER_DIRECTION_LABELS[transfer.direction]
    when = f"{transfer.at.astimezone():%H:%M %d/%m/%Y}"
    unit = f"đơn vị {transfer.unit_code} ({transfer.unit_name})"
    if transfer.direction is TransferDirection.OUT:
        return f"{label}: gửi {unit} lúc {when}, người chuyển {transfer.by}."
    return (f"{label}: từ {unit} lúc {when}, người nhận {transfer.by} "
            f"({TRANSFER_OUTCOME_LABELS[transfer.outcome]}).")


class TimelineSection(QWidget):
    add_requested = Signal()
    edit_requested = Signal(object)  # EventRecord
    void_requested = Signal(object)  # EventRecord
    reopen_requested = Signal()
    # A sanction decision: a new one voiding it ("Sửa quyết định"), or what followed it.
    correct_requested = Signal(object)  # EventRecord
    follow_up_requested = Signal(object)  # EventRecord

    def __init__(self, vocabulary: Vocabulary) -> None:
        super().__init__()
        self._vocabulary = vocabulary
        self.events: tuple[EventRecord, ...] = ()
        self.status = QLabel()
        self.status.setStyleSheet("font-weight: 600")
        self.hint = QLabel("Lưu vụ việc trước rồi mới ghi biện pháp xử lý.")
        self.transfers = QLabel()
        self.transfers.setWordWrap(True)
        self.add_button = QPushButton("Thêm biện pháp…")
        self.add_button.clicked.connect(self.add_requested.emit)
        self.edit_button = QPushButton("Sửa…")
        self.edit_button.clicked.connect(self._edit)
        self.void_button = QPushButton("Hủy biện pháp ghi nhầm…")
        self.void_button.clicked.connect(self._void)
        self.reopen_button = QPushButton("Mở lại hồ sơ…")
        self.reopen_button.clicked.connect(self.reopen_requested.emit)
        self.correct_button = QPushButton("Sửa quyết định…")
        self.correct_button.setToolTip("Ra quyết định mới thay quyết định đã chọn: quyết định "
                                       "cũ bị hủy, vẫn giữ trong lịch sử.")
        self.correct_button.clicked.connect(lambda: self._decision(self.correct_requested))
        self.follow_up_button = QPushButton("Thi hành quyết định…")
        self.follow_up_button.setToolTip("Ngày giao quyết định, nộp phạt, cưỡng chế.")
        self.follow_up_button.clicked.connect(lambda: self._decision(self.follow_up_requested))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.void_button,
                       self.correct_button, self.follow_up_button, self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # Made after the buttons, so Tab reaches them first, as they are laid out.
        # The details last: the column that takes the room left.
        self.table = make_table(["Ngày", "Biện pháp", "Người ghi", "Chi tiết"])
        self.table.activated.connect(lambda _i: self._edit())  # Enter or double click
        enter_activates(self.table)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._editable = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.transfers)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addWidget(self.table)

    def load(self, detail: CaseDetail | None, editable: bool) -> None:
        self.events = detail.events if detail else ()
        saved = detail is not None
        self.hint.setVisible(not saved)
        self._editable = saved and editable
        for button in (self.add_button, self.edit_button, self.void_button):
            button.setEnabled(saved and editable)
        self.reopen_button.setEnabled(saved and editable and detail is not None
                                      and detail.closed_on is not None)
        if detail is not None:
            self.status.setText(f"Tình trạng: {status_line(detail)}")
        moved = [transfer_line(t) for t in detail.transfers] if detail else []
        self.transfers.setText("\n".join(moved))
        self.transfers.setVisible(bool(moved))
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
        self._selection_changed()

    def _selected(self) -> EventRecord | None:
        row = selected_row(self.table)
        return self.events[row] if row is not None else None

    def _edit(self) -> None:
        event = self._selected()
        if event is not None and not event.voided:
            self.edit_requested.emit(event)

    def _selected_decision(self) -> EventRecord | None:
        event = self._selected()
        live = event is not None and not event.voided and event.kind == EventKind.SANCTION
        return event if live else None

    def _selection_changed(self) -> None:
        """The decision's buttons act on a live sanction decision only."""
        decision = self._editable and self._selected_decision() is not None
        self.correct_button.setEnabled(decision)
        self.follow_up_button.setEnabled(decision)

    def _decision(self, signal: SignalInstance) -> None:
        event = self._selected_decision()
        if event is not None:
            signal.emit(event)

    def _void(self) -> None:
        event = self._selected()
        if event is not None and not event.voided:
            self.void_requested.emit(event)
