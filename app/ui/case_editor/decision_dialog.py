"""What followed a sanction decision: its delivery, the time to comply, payment and
enforcement (the rules: app.domain.sanctions; recorded by `events.record_follow_up`)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from app.domain.fields import EVENT_BY_KEY
from app.domain.labels import SanctionForm
from app.domain.sanctions import (
    COMPLIANCE_BASIS,
    DecisionFollowUp,
    compliance_deadline,
    follow_up_problems,
)
from app.errors import FieldProblem
from app.services.records import EventRecord
from app.text import format_date, format_money
from app.ui.case_editor.section import by_field, show_checked
from app.ui.dates import DateEntry, entries_ready
from app.ui.dialogs import Dialog
from app.ui.widgets import FieldError, with_error

MAX_AMOUNT = 2_000_000_000


class DecisionDialog(Dialog):
    """«Thi hành quyết định»: `decision` is a recorded sanction decision; the dialog checks
    what is typed by the rules the service records it with."""

    def __init__(self, decision: EventRecord, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__("Thi hành quyết định xử phạt", parent=parent, min_width=560)
        self._decision = decision
        self._today = today or date.today()
        follow = decision.follow_up
        fine = decision.sanction_form is SanctionForm.FINE
        what = (f"phạt tiền {format_money(decision.fine_amount)}" if fine
                else str(decision.sanction_form or "").lower())
        number = f"số {decision.document_number} " if decision.document_number else ""
        self.summary = QLabel(f"Quyết định {number}ngày {format_date(decision.occurred_on)}: "
                              f"{what}.")
        self.summary.setWordWrap(True)
        self.deadline = QLabel()
        self.deadline.setWordWrap(True)
        self.delivered = DateEntry(follow.delivered_on, optional=True)
        self.paid = DateEntry(follow.paid_on, optional=True)
        self.amount = QSpinBox()
        self.amount.setRange(0, MAX_AMOUNT)
        self.amount.setSingleStep(500_000)
        self.amount.setGroupSeparatorShown(True)
        self.amount.setSuffix(" đồng")
        self.amount.setValue(follow.paid_amount or (decision.fine_amount or 0))
        self.receipt = QLineEdit(follow.receipt_number or "")
        self.receipt.setPlaceholderText("VD: 0001234/BLTP hoặc số chứng từ chuyển khoản")
        self.enforced = DateEntry(follow.enforced_on, optional=True)
        self.enforcement = QPlainTextEdit(follow.enforcement_note or "")
        self.enforcement.setTabChangesFocus(True)
        self.enforcement.setFixedHeight(54)
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout(self)
        form.addRow(self.summary)
        rows: list[tuple[str, QWidget]] = [("delivered_on", self.delivered)]
        if fine:
            rows += [("paid_on", self.paid), ("paid_amount", self.amount),
                     ("receipt_number", self.receipt), ("enforced_on", self.enforced),
                     ("enforcement_note", self.enforcement)]
        for key, widget in rows:
            box, self.errors[key] = with_error(widget)
            form.addRow(EVENT_BY_KEY[key].label + ":", box)
        form.addRow(self.deadline)
        form.addRow(self.message)
        form.addRow(self.button_box("Ghi"))
        self.delivered.changed.connect(self._show_deadline)
        self._show_deadline()

    def _show_deadline(self) -> None:
        delivered = self.delivered.value()
        if delivered is None:
            self.deadline.setText("Ghi ngày giao quyết định để tính thời hạn chấp hành.")
            return
        self.deadline.setText(f"Hạn chấp hành: {format_date(compliance_deadline(delivered))} "
                              f"(10 ngày từ ngày nhận quyết định, {COMPLIANCE_BASIS}).")

    def follow_up(self) -> DecisionFollowUp:
        if self._decision.sanction_form is not SanctionForm.FINE:
            return DecisionFollowUp(delivered_on=self.delivered.value())
        paid_on = self.paid.value()
        return DecisionFollowUp(
            delivered_on=self.delivered.value(),
            paid_on=paid_on,
            paid_amount=(self.amount.value() or None) if paid_on else None,
            receipt_number=(self.receipt.text() or None) if paid_on else None,
            enforced_on=self.enforced.value(),
            enforcement_note=self.enforcement.toPlainText() or None,
        ).normalised()

    def problems(self) -> list[FieldProblem]:
        return follow_up_problems(self.follow_up(), decision=self._decision, today=self._today)

    def accept(self) -> None:
        """Recorded only when right: otherwise every message shows and the dialog stays."""
        if not entries_ready(self):
            return
        found = by_field(self.problems(), lambda f: f if f in self.errors else "delivered_on")
        show_checked(self.errors, found, set(self.errors))
        if not found:
            super().accept()
