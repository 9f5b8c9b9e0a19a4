"""Recording one handling event, with the fields its kind needs."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from app.domain.events import EventInput
from app.domain.labels import ClosingResult, SanctionForm
from app.domain.vocabulary import EventKind, VocabList, Vocabulary
from app.services.legal_basis import Provision
from app.services.records import EventRecord
from app.text import format_number
from app.ui.dates import from_qdate, to_qdate
from app.ui.widgets import FieldError, date_edit

MAX_FINE = 2_000_000_000


class EventDialog(QDialog):
    """`provisions` are those in force on the act's date, the case's group first."""

    def __init__(self, vocabulary: Vocabulary, provisions: list[Provision],
                 event: EventRecord | None = None, default_day: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sửa biện pháp xử lý" if event else "Thêm biện pháp xử lý")
        self.kind = QComboBox()
        for entry in vocabulary.entries(VocabList.EVENT):
            self.kind.addItem(entry.label, entry.code)
        self.day = date_edit(event.occurred_on if event else default_day)
        self.document = QLineEdit(event.document_number or "" if event else "")
        self.document.setPlaceholderText("VD: 12/QĐ-XPHC")
        self.form_choice = QComboBox()
        for choice in SanctionForm:
            self.form_choice.addItem(choice.value, choice)
        self.amount = QSpinBox()
        self.amount.setRange(0, MAX_FINE)
        self.amount.setSingleStep(500_000)
        self.amount.setGroupSeparatorShown(True)
        self.amount.setSuffix(" đồng")
        self.signer = QLineEdit(event.signer or "" if event else "")
        self.remedies = QPlainTextEdit(event.remedies or "" if event else "")
        self.remedies.setTabChangesFocus(True)
        self.remedies.setFixedHeight(54)
        self.bases = QListWidget()
        self.bases.setMinimumHeight(120)
        chosen = set(event.legal_basis_ids) if event else set()
        for provision in provisions:
            text = provision.citation + " — " + provision.description
            if provision.fine_min is not None and provision.fine_max is not None:
                text += (f" ({format_number(provision.fine_min)}–"
                         f"{format_number(provision.fine_max)} đồng)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, provision.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if provision.id in chosen
                               else Qt.CheckState.Unchecked)
            self.bases.addItem(item)
        self.closing_result = QComboBox()
        for result in ClosingResult:
            self.closing_result.addItem(result.value, result)
        self.note = QPlainTextEdit(event.note or "" if event else "")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(54)
        self.error = FieldError()

        form = QFormLayout(self)
        self.fields = form
        form.addRow("Biện pháp *:", self.kind)
        form.addRow("Ngày *:", self.day)
        form.addRow("Số văn bản:", self.document)
        self.sanction_rows: list[QWidget] = []
        for label, widget in (("Hình thức xử phạt:", self.form_choice),
                              ("Số tiền phạt:", self.amount), ("Người ký:", self.signer),
                              ("Biện pháp khắc phục:", self.remedies),
                              ("Căn cứ pháp lý (còn hiệu lực vào ngày vi phạm):", self.bases)):
            form.addRow(label, widget)
            self.sanction_rows.append(widget)
        form.addRow("Kết quả *:", self.closing_result)
        form.addRow("Ghi chú:", self.note)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Ghi")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.form_choice.currentIndexChanged.connect(self._kind_changed)
        if event is not None:
            self.kind.setCurrentIndex(self.kind.findData(event.kind))
            if event.sanction_form:
                self.form_choice.setCurrentIndex(self.form_choice.findData(event.sanction_form))
            self.amount.setValue(event.fine_amount or 0)
            if event.closing_result:
                self.closing_result.setCurrentIndex(self.closing_result.findData(event.closing_result))
        self._kind_changed()
        self.setMinimumWidth(640)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        sanction = kind == EventKind.SANCTION
        for widget in self.sanction_rows:
            self.fields.setRowVisible(widget, sanction)
        self.fields.setRowVisible(self.closing_result, kind == EventKind.CLOSE)
        fine = self.form_choice.currentData() == SanctionForm.FINE
        self.amount.setEnabled(sanction and fine)

    def event_input(self) -> EventInput:
        kind = str(self.kind.currentData())
        sanction = kind == EventKind.SANCTION
        form = SanctionForm(self.form_choice.currentData()) if sanction else None
        ids = tuple(
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.bases.item(i) for i in range(self.bases.count()))
            if item.checkState() == Qt.CheckState.Checked
        ) if sanction else ()
        return EventInput(
            kind=kind,
            occurred_on=from_qdate(self.day.date()),
            document_number=self.document.text(),
            note=self.note.toPlainText(),
            sanction_form=form,
            fine_amount=(self.amount.value() or None) if form is SanctionForm.FINE else None,
            signer=self.signer.text() if sanction else None,
            remedies=self.remedies.toPlainText() if sanction else None,
            closing_result=(ClosingResult(self.closing_result.currentData())
                            if kind == EventKind.CLOSE else None),
            legal_basis_ids=ids,
        )

    def set_day(self, day: date) -> None:
        self.day.setDate(to_qdate(day))
