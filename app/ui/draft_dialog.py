"""«Soạn văn bản»: a document of a case's handling drafted as a Word file and a PDF, numbered
in the register (`app.services.drafting`).

The officer picks the kind (a kind that does not fit the cases is greyed, its reason in the
tooltip), the cases by code and the event, checks the addressees, recipients and the texts
the kind asks to type, and where to save; a leader may name the children for a recipient
with a legal basis. Drafting runs off the UI thread; then the files can be opened.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QIntValidator, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import drafting as rules
from app.domain.case_code import typed_codes
from app.domain.documents import DOCUMENT_KIND_LABELS, DocumentKind
from app.domain.letters import DETAILS, TYPED
from app.progress import CancelToken, Progress
from app.services import documents, drafting
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.documents import CaseChoice
from app.services.drafting import DraftedDocument, DraftRequest
from app.ui.dates import DateEntry, entries_ready
from app.ui.dialogs import Dialog
from app.ui.prefs import UiPrefs
from app.ui.printing import documents_folder
from app.ui.tasks import TaskRunner
from app.ui.widgets import FieldError, open_outside

CHILDREN_TEXT = "Ghi tên trẻ em cho nơi nhận có căn cứ pháp lý"
CHILDREN_HINT = ("Chỉ khi nơi nhận có thẩm quyền (cơ quan công an, cơ quan bảo vệ trẻ em). "
                 "Việc ghi tên và căn cứ được ghi vào nhật ký.")
BASIS_MISSING = ("Hãy ghi căn cứ pháp lý để ghi tên trẻ em cho nơi nhận (ví dụ: yêu cầu của "
                 "cơ quan điều tra số …), hoặc bỏ chọn ô ghi tên trẻ em.")
NO_CASES = "Hãy ghi mã vụ việc trước."


@dataclass(frozen=True)
class Loaded:
    """What the dialog shows for the cases typed: them, why each kind does not fit, and
    the defaults of the kind chosen (None when it does not fit)."""

    cases: list[CaseChoice]
    refusals: dict[DocumentKind, str | None]
    defaults: DraftRequest | None


def _lines(box: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in box.toPlainText().splitlines() if line.strip())


def _box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class DraftDialog(Dialog):
    drafted = Signal(object)  # DraftedDocument

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner, prefs: UiPrefs,
                 codes: Sequence[str], *, event_id: int | None = None,
                 kind: DocumentKind | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Soạn văn bản", prefs, "soan-van-ban", parent, min_width=720)
        self._db, self._actor, self._runner = db, actor, runner
        self._event_id = event_id
        self._loads = 0  # the newest load: an older one finishing later is not shown
        self._target_chosen = False
        self._kind_given = kind is not None  # else the first kind that fits is chosen
        self.loaded: Loaded | None = None
        self.drafted_document: DraftedDocument | None = None

        self.kind = QComboBox()
        for each, label in DOCUMENT_KIND_LABELS.items():
            self.kind.addItem(f"{label} ({each})", each)
        if kind is not None:
            self.kind.setCurrentIndex(self.kind.findData(kind))
        self.kind_reason = FieldError()
        self.codes = QLineEdit(", ".join(codes))
        self.codes.setPlaceholderText("Ví dụ: VP-2026-0012, VP-2026-0015 (nhiều vụ việc: báo "
                                      "cáo, kiến nghị; chuyển hồ sơ)")
        self.codes_error = FieldError()
        self.event_choice = QComboBox()
        self.issued_on = DateEntry()
        self.number = QLineEdit()
        self.number.setValidator(QIntValidator(1, 999_999, self.number))
        self.number.setPlaceholderText("Để trống: lấy số tiếp theo trong sổ")
        self.addressees = _box(2)
        self.addressees.setPlaceholderText("Kính gửi: mỗi dòng một nơi")
        self.recipients = _box(4)
        self.recipients.setPlaceholderText("Nơi nhận: mỗi dòng một nơi")
        self.details: dict[str, QPlainTextEdit] = {}
        self.details_form = QFormLayout()
        self.details_group = QGroupBox("Nội dung riêng của văn bản")
        self.details_group.setLayout(self.details_form)

        self.name_children = QCheckBox(CHILDREN_TEXT)
        self.name_children.setToolTip(CHILDREN_HINT)
        self.basis = QLineEdit()
        self.basis.setPlaceholderText("Căn cứ pháp lý (bắt buộc khi ghi tên trẻ em)")
        self.basis.setEnabled(False)
        self.basis_error = FieldError()
        self.name_children.toggled.connect(self.basis.setEnabled)
        may_name = actor.can(Permission.UNMASK_CHILDREN)
        for widget in (self.name_children, self.basis):
            widget.setVisible(may_name)

        self.target = QLineEdit()
        self.target.setToolTip("Tệp Word; tệp PDF lưu cùng thư mục, cùng tên")
        self.target.textEdited.connect(self._target_typed)
        self.choose_button = QPushButton("Chọn…")
        self.choose_button.clicked.connect(self.choose_target)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(self.choose_button)

        form = QFormLayout()
        form.addRow("Loại văn bản", self.kind)
        form.addRow("", self.kind_reason)
        form.addRow("Mã vụ việc", self.codes)
        form.addRow("", self.codes_error)
        form.addRow("Biện pháp xử lý", self.event_choice)
        dated = QHBoxLayout()
        dated.addWidget(self.issued_on)
        dated.addWidget(QLabel("Số"))
        dated.addWidget(self.number, 1)
        form.addRow("Ngày ban hành", dated)
        form.addRow("Kính gửi", self.addressees)
        self._form = form
        form.addRow("Nơi nhận", self.recipients)
        saving = QFormLayout()
        saving.addRow("Lưu tệp Word", target_row)

        self.open_word = QPushButton("Mở tệp Word")
        self.open_word.clicked.connect(lambda: self._open(lambda done: done.docx))
        self.open_pdf = QPushButton("Mở PDF")
        self.open_pdf.clicked.connect(lambda: self._open(lambda done: done.pdf))
        self.draft_button = QPushButton("Soạn văn bản")
        self.draft_button.setDefault(True)
        self.draft_button.clicked.connect(self.draft)
        for button in (self.open_word, self.open_pdf):
            button.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.details_group)
        layout.addWidget(self.name_children)
        layout.addWidget(self.basis)
        layout.addWidget(self.basis_error)
        layout.addLayout(saving)
        layout.addWidget(self.message)
        layout.addLayout(self.button_row(self.draft_button,
                                         first=[self.open_word, self.open_pdf]))

        self.kind.currentIndexChanged.connect(self.reload)
        self.kind.activated.connect(self._kind_picked)
        self.event_choice.currentIndexChanged.connect(self._event_changed)
        self.codes.editingFinished.connect(self._codes_edited)
        self.issued_on.changed.connect(self._suggest_target)
        self._looked_up = self.codes.text()
        self._show_details()
        self.reload()

    # Loading the cases, the kinds that fit and the defaults ---------------------------

    def chosen_kind(self) -> DocumentKind:
        return DocumentKind(self.kind.currentData())

    def _kind_picked(self) -> None:
        self._kind_given = True

    def _codes_edited(self) -> None:
        if self.codes.text() != self._looked_up:
            self._looked_up = self.codes.text()
            self._event_id = None
            self.reload()

    def _event_changed(self) -> None:
        if self.event_choice.currentData() != self._event_id:
            self._event_id = self.event_choice.currentData()
            self.reload()

    def reload(self) -> None:
        self._loads += 1
        load, db, actor = self._loads, self._db, self._actor
        codes, kind, event_id = typed_codes(self.codes.text()), self.chosen_kind(), self._event_id
        self.draft_button.setEnabled(False)
        self._show_addressees()
        if not codes:
            self._show(Loaded([], dict.fromkeys(DocumentKind, NO_CASES), None))
            return

        def task(_p: Progress, _t: CancelToken) -> Loaded:
            found = documents.cases_by_code(db, actor, codes)
            ids = [case.id for case in found]
            refusals = {each: drafting.kind_refusal(db, actor, each, ids, event_id)
                        for each in DocumentKind}
            defaults = (drafting.draft_defaults(db, actor, kind, ids, event_id)
                        if refusals[kind] is None else None)
            return Loaded(found, refusals, defaults)

        def arrived(loaded: Loaded) -> None:
            if load == self._loads:
                self._show(loaded)

        def failed(message: str) -> None:
            if load == self._loads:
                self.codes_error.show_message(message)
                self._show(Loaded([], dict.fromkeys(DocumentKind, message), None))

        self._runner.start(task, on_success=arrived, on_failure=failed, owner=self)

    def _show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        if loaded.cases:
            self.codes_error.show_message(None)
        model = self.kind.model()
        assert isinstance(model, QStandardItemModel)
        for row in range(self.kind.count()):
            reason = loaded.refusals.get(DocumentKind(self.kind.itemData(row)))
            item = model.item(row)
            item.setEnabled(reason is None)
            item.setToolTip(reason or "")
        reason = loaded.refusals.get(self.chosen_kind())
        fitting = [k for k in DocumentKind if loaded.refusals.get(k) is None]
        if reason is not None and fitting and not self._kind_given:
            self._kind_given = True
            self.kind.setCurrentIndex(self.kind.findData(fitting[0]))  # loads again
            return
        self.kind_reason.show_message(reason if loaded.cases else None)
        self._show_events(loaded.cases)
        self._show_details()
        defaults = loaded.defaults
        if defaults is not None:
            self.addressees.setPlainText("\n".join(defaults.addressees))
            self.recipients.setPlainText("\n".join(defaults.recipients))
            for key, box in self.details.items():
                box.setPlainText(defaults.details.get(key, ""))
        self.draft_button.setEnabled(defaults is not None and self.drafted_document is None)
        self._suggest_target()

    def _show_events(self, found: list[CaseChoice]) -> None:
        self.event_choice.blockSignals(True)
        self.event_choice.clear()
        self.event_choice.addItem("— Không gắn với biện pháp nào —", None)
        for case in found:
            for event_id, label in case.events:
                self.event_choice.addItem(label, event_id)
                if event_id == self._event_id:
                    self.event_choice.setCurrentIndex(self.event_choice.count() - 1)
        self.event_choice.blockSignals(False)

    def addressed(self) -> bool:
        """Whether the kind chosen has a «Kính gửi» (the records and the decision do not)."""
        return self.chosen_kind() not in rules.NOT_ADDRESSED

    def _show_addressees(self) -> None:
        self._form.setRowVisible(self.addressees, self.addressed())

    def _show_details(self) -> None:
        """The texts the officer types for the kind chosen (`letters.TYPED`)."""
        kind = self.chosen_kind()
        typed = [key for key in DETAILS[kind] if key in TYPED.get(kind, frozenset())]
        if list(self.details) == typed:
            return
        while self.details_form.rowCount():
            self.details_form.removeRow(0)
        self.details = {key: _box(2) for key in typed}
        for key, box in self.details.items():
            box.setPlaceholderText("Để trống: in dòng chấm để ghi tay")
            self.details_form.addRow(DETAILS[kind][key], box)
        self.details_group.setVisible(bool(typed))

    # Where the files go -----------------------------------------------------------------

    def _target_typed(self) -> None:
        self._target_chosen = True

    def _suggest_target(self) -> None:
        if self._target_chosen:
            return
        cases = self.loaded.cases if self.loaded else []
        day = self.issued_on.value() or date.today()
        code = cases[0].code if cases else "van-ban"
        more = f"-va-{len(cases) - 1}-vu" if len(cases) > 1 else ""
        self.target.setText(str(documents_folder()
                                / f"{self.chosen_kind()}-{code}{more}-{day:%Y%m%d}.docx"))

    def choose_target(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Lưu văn bản", self.target.text(),
                                              "Tệp Word (*.docx)")
        if name:
            self.target.setText(name)
            self._target_chosen = True

    def targets(self) -> tuple[Path, Path]:
        docx = Path(self.target.text().strip()).with_suffix(".docx")
        return docx, docx.with_suffix(".pdf")

    # Drafting ------------------------------------------------------------------------

    def request(self) -> DraftRequest | None:
        """The request as typed; None (with its message shown) when it is not complete."""
        loaded = self.loaded
        if loaded is None or loaded.defaults is None:
            return None
        basis: str | None = None
        if self.name_children.isChecked():
            basis = self.basis.text().strip()
            if not basis:
                self.basis_error.show_message(BASIS_MISSING)
                self.basis.setFocus()
                return None
        self.basis_error.show_message(None)
        return dataclasses.replace(
            loaded.defaults, issued_on=self.issued_on.checked_value(),
            event_id=self.event_choice.currentData(),
            number=int(self.number.text()) if self.number.text() else None,
            addressees=_lines(self.addressees) if self.addressed() else (),
            recipients=_lines(self.recipients),
            details={key: box.toPlainText().strip() for key, box in self.details.items()},
            include_children_basis=basis)

    def draft(self) -> None:
        if not entries_ready(self):
            return
        if not self.target.text().strip():
            self.message.error("Hãy chọn nơi lưu tệp Word.")
            return
        request = self.request()
        if request is None:
            return
        (docx, pdf), db, actor = self.targets(), self._db, self._actor
        self.draft_button.setEnabled(False)
        self.message.working("Đang soạn văn bản…")

        def task(_p: Progress, _t: CancelToken) -> DraftedDocument:
            return drafting.draft_document(db, actor, request, docx=docx, pdf=pdf)

        def refused(message: str) -> None:
            self.draft_button.setEnabled(True)
            self.message.error(message)

        self._runner.start(task, on_success=self._drafted, on_failure=refused, owner=self)

    def _drafted(self, drafted: DraftedDocument) -> None:
        self.drafted_document = drafted
        self.message.done(f"Đã soạn văn bản số {drafted.entry.number} và ghi vào sổ văn bản: "
                          f"{drafted.docx.name}, {drafted.pdf.name} ({drafted.docx.parent}).")
        for button in (self.open_word, self.open_pdf):
            button.setVisible(True)
        self.open_word.setFocus()
        self.drafted.emit(drafted)

    def _open(self, which: Callable[[DraftedDocument], Path]) -> None:
        if self.drafted_document is not None and (
                refused := open_outside(which(self.drafted_document))):
            self.message.error(refused)

