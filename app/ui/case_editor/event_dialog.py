"""Recording one handling event, with the fields its kind needs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.case import ActDate, CaseInput
from app.domain.drafting import kinds_for_event
from app.domain.events import ADDRESSED_KINDS, EventInput
from app.domain.fields import EVENT_BY_KEY, LEGAL_BASES_LABEL
from app.domain.labels import DECISION_TIME_LABELS, ClosingResult, DecisionTime, SanctionForm
from app.domain.vocabulary import EventKind, VocabList, Vocabulary
from app.domain.warnings import CaseWarning
from app.errors import FieldProblem
from app.progress import CancelToken, Progress
from app.services.case_warnings import warnings_for
from app.services.data_folder import Database
from app.services.legal_basis import Provision
from app.services.records import EventRecord
from app.text import format_date, format_number
from app.ui.case_editor.section import by_field, show_checked, when_done
from app.ui.dates import DateEntry, entries_ready
from app.ui.dialogs import Dialog
from app.ui.tasks import TaskRunner
from app.ui.widgets import FieldError, WarningLine, with_error

MAX_FINE = 2_000_000_000
SANCTION_KEYS = ("sanction_form", "fine_amount", "signer", "remedies", "legal_basis_ids")
REQUIRED = ("kind", "occurred_on", "closing_result")  # the result: when closing
# How long typing pauses before the warnings are looked for again.
WARNING_PAUSE_MS = 300

EventWarnings = Callable[[EventInput], list[CaseWarning]]


def typed_event_warnings(db: Database, draft: CaseInput, case_id: int,
                         recorded: Sequence[EventRecord],
                         replacing: EventRecord | None) -> EventWarnings:
    """The warnings of the editor's list (`warnings_for`) about one event as typed: the
    case as typed, its other events as recorded, the event in the place of `replacing`."""
    events: list[EventInput | EventRecord] = list(recorded)
    index = recorded.index(replacing) if replacing is not None else len(recorded)

    def warn(typed: EventInput) -> list[CaseWarning]:
        with_typed = [*events[:index], typed, *events[index + 1:]]
        return [w for w in warnings_for(db, draft, case_id=case_id, events=with_typed)
                if w.event_index == index]

    return warn


def act_date_note(act: ActDate) -> str:
    """What the proposed provisions are chosen by, said under them."""
    note = f"Đề xuất các căn cứ có hiệu lực vào ngày hành vi kết thúc: {act.shown}."
    if act.stand_in:
        note += (" Hãy ghi ngày đăng tải ở phần «Thông tin chung» để chương trình đề xuất "
                 "đúng căn cứ.")
    return note


class EventDialog(Dialog):
    """`provisions` are those in force on the act's date `act`, the case's group first, and
    those the event already applies, whatever their dates: a choice is never dropped, one not
    in force on that date is shown so. `check` gives the problems of an event by the rules
    it is recorded with; `warn` the warnings about it (a fine outside its provisions'
    range…), looked for through `runner` whenever the officer pauses typing."""

    def __init__(self, vocabulary: Vocabulary, provisions: list[Provision], act: ActDate,
                 event: EventRecord | None = None, default_day: date | None = None,
                 parent: QWidget | None = None,
                 check: Callable[[EventInput], list[FieldProblem]] | None = None,
                 addressees: Sequence[str] = (), warn: EventWarnings | None = None,
                 runner: TaskRunner | None = None, offer_draft: bool = False) -> None:
        super().__init__("Sửa biện pháp xử lý" if event else "Thêm biện pháp xử lý",
                         parent=parent, min_width=640)
        self.kind = QComboBox()
        for entry in vocabulary.entries(VocabList.EVENT):
            self.kind.addItem(entry.label, entry.code)
        self.day = DateEntry(event.occurred_on if event else default_day)
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
        # A provision's whole text, wrapped, whatever the dialog's width.
        self.bases.setWordWrap(True)
        self.bases.setResizeMode(QListView.ResizeMode.Adjust)
        self.bases.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        chosen = set(event.legal_basis_ids) if event else set()
        for provision in provisions:
            text = provision.citation + " — " + provision.description
            if provision.fine_min is not None and provision.fine_max is not None:
                text += (f" ({format_number(provision.fine_min)}–"
                         f"{format_number(provision.fine_max)} đồng)")
            if not provision.valid_on(act.day):
                text = f"{_not_in_force(provision, act)} {text}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, provision.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if provision.id in chosen
                               else Qt.CheckState.Unchecked)
            self.bases.addItem(item)
        self.act_note = QLabel(act_date_note(act))
        self.act_note.setWordWrap(True)
        bases = QWidget()
        column = QVBoxLayout(bases)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.act_note)
        column.addWidget(self.bases)
        self.closing_result = QComboBox()
        for result in ClosingResult:
            self.closing_result.addItem(result.value, result)
        # The body a transfer, escalation or request went to: a suggestion or typed.
        self.addressee = QComboBox()
        self.addressee.setEditable(True)
        self.addressee.addItems(["", *addressees])
        self.addressee.setCurrentText(event.addressee or "" if event else "")
        self.decision_time = QComboBox()
        for time, label in DECISION_TIME_LABELS.items():
            self.decision_time.addItem(label, time)
        if event is not None and event.decision_time:
            self.decision_time.setCurrentIndex(self.decision_time.findData(event.decision_time))
        self.note = QPlainTextEdit(event.note or "" if event else "")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(54)
        self._check = check
        self._warn = warn
        self._runner = runner
        self._warned = 0  # which look for warnings the lines show, the older ones dropped
        self._touched: set[str] = set()
        self.errors: dict[str, FieldError] = {}
        self.warnings: dict[str, WarningLine] = {}
        self._rows: dict[str, QWidget] = {}
        self._inputs: dict[str, QWidget] = {}

        form = QFormLayout(self)
        self.fields = form
        for key, widget in (("kind", self.kind), ("occurred_on", self.day),
                            ("document_number", self.document),
                            ("sanction_form", self.form_choice), ("fine_amount", self.amount),
                            ("signer", self.signer), ("remedies", self.remedies),
                            ("legal_basis_ids", bases),
                            ("closing_result", self.closing_result),
                            ("addressee", self.addressee), ("decision_time", self.decision_time),
                            ("note", self.note)):
            self._add_row(key, widget)
        self._inputs["legal_basis_ids"] = self.bases
        # The list takes the room the dialog is given.
        self._rows["legal_basis_ids"].setSizePolicy(QSizePolicy.Policy.Preferred,
                                                    QSizePolicy.Policy.Expanding)
        buttons = self.button_box("Ghi")
        # After a step that has its document (letters.md), the officer may draft it at once.
        self.draft_after = False
        self.draft_button = QPushButton("Ghi và soạn văn bản…")
        self.draft_button.setToolTip("Ghi biện pháp rồi soạn văn bản của bước này (Word, PDF), "
                                     "lấy số trong sổ văn bản")
        self.draft_button.clicked.connect(self._accept_and_draft)
        self._offer_draft = offer_draft
        buttons.addButton(self.draft_button, QDialogButtonBox.ButtonRole.ActionRole)
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
        self._warn_later = QTimer(self, singleShot=True, interval=WARNING_PAUSE_MS)
        self._warn_later.timeout.connect(self.look_for_warnings)
        for changed in (self.kind.currentIndexChanged, self.form_choice.currentIndexChanged,
                        self.amount.valueChanged, self.bases.itemChanged, self.day.changed):
            changed.connect(lambda *_: self._warn_later.start())  # not start(msec)
        self.look_for_warnings()

    def _add_row(self, key: str, widget: QWidget) -> None:
        """The event field `key` with its label (app.domain.fields) and its message line."""
        label = LEGAL_BASES_LABEL if key == "legal_basis_ids" else EVENT_BY_KEY[key].label
        self.warnings[key] = WarningLine()
        box, self.errors[key] = with_error(widget, self.warnings[key])
        self.fields.addRow(label + (" *:" if key in REQUIRED else ":"), box)
        self._rows[key] = box
        self._inputs[key] = widget
        when_done(widget, lambda: self._field_done(key))

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        sanction = kind == EventKind.SANCTION
        for key in SANCTION_KEYS:
            self.fields.setRowVisible(self._rows[key], sanction)
        self.fields.setRowVisible(self._rows["closing_result"], kind == EventKind.CLOSE)
        self.fields.setRowVisible(self._rows["addressee"], kind in ADDRESSED_KINDS)
        self.fields.setRowVisible(self._rows["decision_time"], kind == EventKind.RECORD)
        fine = self.form_choice.currentData() == SanctionForm.FINE
        self.amount.setEnabled(sanction and fine)
        self.draft_button.setVisible(self._offer_draft and bool(kinds_for_event(kind or "")))

    def _accept_and_draft(self) -> None:
        self.draft_after = True
        self.accept()
        if self.result() != QDialog.DialogCode.Accepted:
            self.draft_after = False  # refused: the dialog stays, as «Ghi» leaves it

    def chosen_ids(self) -> tuple[int, ...]:
        return tuple(
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in (self.bases.item(i) for i in range(self.bases.count()))
            if item.checkState() == Qt.CheckState.Checked
        )

    def event_input(self) -> EventInput:
        kind = str(self.kind.currentData())
        sanction = kind == EventKind.SANCTION
        form = SanctionForm(self.form_choice.currentData()) if sanction else None
        ids = self.chosen_ids() if sanction else ()
        return EventInput(
            kind=kind,
            occurred_on=self.day.value(),
            document_number=self.document.text(),
            note=self.note.toPlainText(),
            sanction_form=form,
            fine_amount=(self.amount.value() or None) if form is SanctionForm.FINE else None,
            signer=self.signer.text() if sanction else None,
            remedies=self.remedies.toPlainText() if sanction else None,
            closing_result=(ClosingResult(self.closing_result.currentData())
                            if kind == EventKind.CLOSE else None),
            legal_basis_ids=ids,
            addressee=self.addressee.currentText() if kind in ADDRESSED_KINDS else None,
            decision_time=(DecisionTime(self.decision_time.currentData())
                           if kind == EventKind.RECORD else None),
        )

    def set_day(self, day: date) -> None:
        self.day.set_value(day)

    # Warnings: what looks wrong, said before the event is recorded, never blocking -----

    def look_for_warnings(self) -> None:
        """Look for the warnings about the event as typed now, off the UI thread."""
        if self._warn is None or self._runner is None:
            return
        self._warned += 1
        asked, warn, typed = self._warned, self._warn, self.event_input()

        def task(_p: Progress, _t: CancelToken) -> list[CaseWarning]:
            return warn(typed)

        self._runner.start(task, on_success=lambda found: self._show_warnings(asked, found),
                           owner=self)

    def _show_warnings(self, asked: int, found: list[CaseWarning]) -> None:
        if asked != self._warned:
            return  # typed on meanwhile: a newer look is on its way
        lines: dict[str, list[str]] = {}
        for warning in found:
            key = _WARNING_LINES.get(warning.field, warning.field)
            lines.setdefault(key if key in self.warnings else "kind", []).append(warning.message)
        for key, line in self.warnings.items():
            line.show_message(" ".join(lines.get(key, [])))

    # Checking by the rules the event is recorded with ------------------------------

    def _problems(self) -> dict[str, str]:
        """Messages by field; one of a field not in the dialog goes under `Biện pháp`."""
        problems = self._check(self.event_input()) if self._check else []
        return by_field(problems, lambda f: f if f in self.errors else "kind")

    def _field_done(self, key: str) -> None:
        self._touched.add(key)
        show_checked(self.errors, self._problems(), self._touched)

    def accept(self) -> None:
        """Recorded only when right: otherwise every message shows and the dialog stays."""
        if not entries_ready(self):
            return
        found = self._problems()
        show_checked(self.errors, found, set(self.errors))
        if not found:
            super().accept()
            return
        first = next((key for key in self.errors if key in found), "kind")
        self._inputs[first].setFocus()


# The line a warning about an event is shown on, when not the field it names.
_WARNING_LINES = {"legal_bases": "legal_basis_ids"}


def _not_in_force(provision: Provision, act: ActDate) -> str:
    """`[Hết hiệu lực sau 30/06/2026]`: a chosen provision the act's date is outside of."""
    if provision.valid_from is not None and act.day < provision.valid_from:
        return f"[Chỉ có hiệu lực từ {format_date(provision.valid_from)}]"
    return f"[Hết hiệu lực sau {format_date(provision.valid_to)}]"
