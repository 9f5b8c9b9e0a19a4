"""«Sổ văn bản»: the register of documents sent and received, with its filter and search;
opening a document's case, entering a document received against the request it answers,
attaching a signed copy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.case_code import typed_codes
from app.domain.documents import DOCUMENT_KIND_LABELS, DocumentKind
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.services import documents
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.documents import (
    REGISTER_COLUMNS,
    REPLY_LINKS,
    REPLY_LINKS_MEANING,
    Direction,
    ReceivedInput,
    RegisterEntry,
    RegisterQuery,
    RequestChoice,
    register_cells,
)
from app.ui.data_change import DataChange, DataKind
from app.ui.dates import DateEntry, YearEntry, entries_ready
from app.ui.dialogs import Dialog
from app.ui.prefs import UiPrefs
from app.ui.tasks import TaskRunner
from app.ui.widgets import FieldError, MessageLine, open_outside

SIGNED_COPY_FILTER = ("Bản đã ký (" + " ".join(f"*.{e}" for e in documents.SIGNED_COPY_TYPES)
                      + ")")


class DocumentsView(QWidget):
    """The register's screen. `open_case` asks the window to open a case; `changed`
    announces what an entry changed (the cases it belongs to)."""

    open_case = Signal(int)
    loaded = Signal()

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner, prefs: UiPrefs,
                 announce: Callable[[DataChange], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor, self._runner, self._prefs = db, actor, runner, prefs
        self._announce = announce
        self.entries: list[RegisterEntry] = []
        self._stale = True
        self._loads = 0  # the newest load: an older one finishing later is not shown

        self.direction = QComboBox()
        self.direction.addItem("Văn bản đi và đến", None)
        for direction, label in ((Direction.SENT, "Văn bản đi"),
                                 (Direction.RECEIVED, "Văn bản đến")):
            self.direction.addItem(label, direction)
        self.kind = QComboBox()
        self.kind.addItem("Mọi loại văn bản", None)
        for kind, label in DOCUMENT_KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.year = YearEntry(first=2000, last=date.today().year + 1)
        self.year.setToolTip("Năm của văn bản; để trống: mọi năm")
        self.overdue = QCheckBox("Chỉ văn bản quá hạn trả lời")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm số, ký hiệu, nơi nhận, trích yếu, mã vụ việc…")
        self.search.setClearButtonEnabled(True)
        for combo in (self.direction, self.kind):
            combo.currentIndexChanged.connect(self.refresh)
        self.overdue.toggled.connect(self.refresh)
        self.year.changed.connect(self.refresh)
        self.search.returnPressed.connect(self.refresh)
        self.search.textChanged.connect(self._search_edited)
        filters = QHBoxLayout()
        for widget in (self.direction, self.kind, QLabel("Năm"), self.year, self.overdue):
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)

        self.table = QTableWidget(0, len(REGISTER_COLUMNS))
        self.table.setHorizontalHeaderLabels([header for header, _ in REGISTER_COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # A workbook's width counts widths of the digit 0 (a date's whole width).
        digit = self.table.fontMetrics().horizontalAdvance("0")
        for column, (_, width) in enumerate(REGISTER_COLUMNS):
            # The workbook's width, never narrower than the header's words.
            self.table.setColumnWidth(column, max(
                width * digit, header.sectionSizeFromContents(column).width()))
        # The widest column (the subject) takes the room the others leave.
        header.setSectionResizeMode(max(range(len(REGISTER_COLUMNS)),
                                        key=lambda column: REGISTER_COLUMNS[column][1]),
                                    QHeaderView.ResizeMode.Stretch)
        headers = [text for text, _ in REGISTER_COLUMNS]
        if (links := self.table.horizontalHeaderItem(headers.index(REPLY_LINKS))) is not None:
            links.setToolTip(REPLY_LINKS_MEANING)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.cellDoubleClicked.connect(lambda *_: self.open_selected_case())

        self.open_button = QPushButton("Mở vụ việc")
        self.open_button.clicked.connect(self.open_selected_case)
        self.receive_button = QPushButton("Ghi văn bản đến…")
        self.receive_button.clicked.connect(self.enter_received)
        self.send_button = QPushButton("Ghi văn bản đi…")
        self.send_button.setToolTip("Văn bản đã soạn ngoài chương trình: lấy số trong sổ, "
                                    "gắn với vụ việc")
        self.send_button.clicked.connect(self.enter_sent)
        self.draft_button = QPushButton("Soạn văn bản…")
        self.draft_button.setToolTip("Soạn văn bản (Word, PDF) cho các vụ việc của văn bản "
                                     "đang chọn, hoặc mã vụ việc gõ vào")
        self.draft_button.clicked.connect(self.open_draft_dialog)
        self.attach_button = QPushButton("Đính kèm bản đã ký…")
        self.attach_button.clicked.connect(self.attach_signed_copy)
        self.view_button = QPushButton("Xem bản đã ký")
        self.view_button.clicked.connect(self.view_signed_copy)
        editing = actor.can(Permission.EDIT_CASES)
        for button in (self.receive_button, self.send_button, self.attach_button,
                       self.draft_button):
            button.setVisible(editing)
        self.count = QLabel()
        self.message = MessageLine()
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        for button in (self.open_button, self.view_button, self.attach_button,
                       self.draft_button, self.send_button, self.receive_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._selection_changed()

    # Loading -----------------------------------------------------------------

    def query(self) -> RegisterQuery:
        return RegisterQuery(direction=self.direction.currentData(),
                             kind=self.kind.currentData(),
                             year=self.year.value() if self.year.problem() is None else None,
                             overdue=self.overdue.isChecked(), text=self.search.text())

    def show_overdue(self) -> None:
        """The requests waiting too long for a reply (the dashboard's line)."""
        self.direction.setCurrentIndex(0)
        self.kind.setCurrentIndex(0)
        self.search.clear()
        if self.overdue.isChecked():
            self.refresh()
        else:
            self.overdue.setChecked(True)

    def _search_edited(self, text: str) -> None:
        if not text:  # cleared: the whole register again; a word waits for Enter
            self.refresh()

    def refresh_for(self, change: DataChange) -> None:
        if not change.concerns(DataKind.CASES, DataKind.OFFICE):
            return
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        self._loads += 1
        db, actor, query, load = self._db, self._actor, self.query(), self._loads

        def task(_p: Progress, _t: CancelToken) -> list[RegisterEntry]:
            return documents.register(db, actor, query)

        def arrived(entries: list[RegisterEntry]) -> None:
            if load == self._loads:
                self.show_entries(entries)

        self._runner.start(task, on_success=arrived, on_failure=self.message.error, owner=self)

    def show_entries(self, entries: list[RegisterEntry]) -> None:
        selected = self.selected()
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            for column, text in enumerate(register_cells(entry)):
                item = QTableWidgetItem(text)
                item.setToolTip(text if len(text) > 30 else "")
                if entry.overdue:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
            if selected is not None and (entry.direction, entry.id) == selected:
                self.table.selectRow(row)
        self.count.setText(f"{len(entries)} văn bản" if entries else
                           "Không có văn bản nào khớp bộ lọc.")
        self._selection_changed()
        self.loaded.emit()

    # The selected document -----------------------------------------------------

    def selected(self) -> tuple[Direction, int] | None:
        entry = self.selected_entry()
        return (entry.direction, entry.id) if entry else None

    def selected_entry(self) -> RegisterEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        entry = self.selected_entry()
        sent = entry is not None and entry.direction is Direction.SENT
        self.open_button.setEnabled(entry is not None and bool(entry.case_ids))
        self.attach_button.setEnabled(sent)
        self.view_button.setEnabled(sent and entry is not None
                                    and entry.signed_copy is not None)

    def open_selected_case(self) -> None:
        entry = self.selected_entry()
        if entry is None or not entry.case_ids:
            return
        if len(entry.case_ids) == 1:
            self.open_case.emit(entry.case_ids[0])
            return
        menu = QMenu(self)  # a letter about several cases: which one
        for case_id, code in zip(entry.case_ids, entry.case_codes, strict=True):
            menu.addAction(code, partial(self.open_case.emit, case_id))
        menu.popup(self.open_button.mapToGlobal(self.open_button.rect().bottomLeft()))

    def enter_received(self) -> None:
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> list[RequestChoice]:
            return documents.awaiting_reply(db, actor)

        self._runner.start(task, on_success=self._ask_received,
                           on_failure=self.message.error, owner=self)

    def _ask_received(self, requests: list[RequestChoice]) -> None:
        entry = self.selected_entry()
        chosen = entry.id if entry is not None and entry.direction is Direction.SENT else None
        dialog = ReceivedDialog(self._db, self._actor, self._runner, self._prefs, requests,
                                chosen, self)
        dialog.entered.connect(self._entered)
        dialog.open()

    def _entered(self, entry: RegisterEntry) -> None:
        self.message.done(f"Đã ghi văn bản đến {entry.number or entry.counterpart}.")
        self._announce(DataChange.cases(entry.case_ids))

    def enter_sent(self) -> None:
        db = self._db

        def task(_p: Progress, _t: CancelToken) -> documents.ReplyClock:
            return documents.reply_clock(db)

        self._runner.start(task, on_success=self._ask_sent, on_failure=self.message.error,
                           owner=self)

    def _ask_sent(self, clock: documents.ReplyClock) -> None:
        entry = self.selected_entry()
        dialog = SentDialog(self._db, self._actor, self._runner, self._prefs, clock,
                            entry.case_codes if entry is not None else (), self)
        dialog.entered.connect(self._sent)
        dialog.open()

    def _sent(self, entry: RegisterEntry) -> None:
        self.message.done(f"Đã ghi văn bản đi số {entry.number}.")
        self._announce(DataChange.cases(entry.case_ids))

    def open_draft_dialog(self) -> None:
        from app.ui.draft_dialog import DraftDialog  # loaded with the first draft

        entry = self.selected_entry()
        dialog = DraftDialog(self._db, self._actor, self._runner, self._prefs,
                             entry.case_codes if entry is not None else (), parent=self)
        dialog.drafted.connect(lambda drafted: self._sent(drafted.entry))
        dialog.open()

    def attach_signed_copy(self) -> None:
        entry = self.selected_entry()
        if entry is None or entry.direction is not Direction.SENT:
            return
        name, _ = QFileDialog.getOpenFileName(self, f"Bản đã ký của văn bản số {entry.number}",
                                              "", SIGNED_COPY_FILTER)
        if name:
            self.attach_file(entry, Path(name))

    def attach_file(self, entry: RegisterEntry, path: Path) -> None:
        db, actor = self._db, self._actor

        def task(progress: Progress, token: CancelToken) -> RegisterEntry:
            return documents.attach_signed_copy(db, actor, entry.id, path, progress=progress,
                                                token=token)

        def done(attached: RegisterEntry) -> None:
            self.message.done(f"Đã đính kèm bản đã ký của văn bản số {attached.number}.")
            self._announce(DataChange.cases(attached.case_ids))

        self._runner.start(task, on_success=done, on_failure=self.message.error, owner=self)

    def view_signed_copy(self) -> None:
        entry = self.selected_entry()
        if entry is None or entry.signed_copy is None:
            return
        try:
            path = documents.open_signed_copy(self._db, self._actor, entry.id)
        except UserError as error:
            self.message.error(error.message)
            return
        if (refused := open_outside(path)) is not None:
            self.message.error(refused)


class _EntryDialog(Dialog):
    """A dialog entering one document in the register, off the UI thread."""

    entered = Signal(object)  # RegisterEntry


class ReceivedDialog(_EntryDialog):
    """«Ghi văn bản đến»: who sent it, its number and date, the day it came, what it is
    about, and the request sent that it answers (whose cases it then belongs to)."""

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner, prefs: UiPrefs,
                 requests: list[RequestChoice], chosen: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Ghi văn bản đến", prefs, "van-ban-den", parent, min_width=560)
        self._db, self._actor, self._runner = db, actor, runner
        self.sender_name = QLineEdit()
        self.sender_name.setPlaceholderText("Ví dụ: Công an tỉnh (PA05), Sở Văn hóa, Thể thao "
                                            "và Du lịch")
        self.their_number = QLineEdit()
        self.their_number.setPlaceholderText("Ví dụ: 123/CAT-PA05")
        self.their_date = DateEntry(optional=True)
        self.received_on = DateEntry()
        self.subject = QPlainTextEdit()
        self.subject.setFixedHeight(70)
        self.answers = QComboBox()
        self.answers.addItem("— Không trả lời văn bản đi nào —", None)
        for request in requests:
            self.answers.addItem(request.label, request.id)
            if request.id == chosen:
                self.answers.setCurrentIndex(self.answers.count() - 1)
        form = QFormLayout()
        form.addRow("Cơ quan, tổ chức gửi", self.sender_name)
        form.addRow("Số, ký hiệu", self.their_number)
        form.addRow("Ngày văn bản", self.their_date)
        form.addRow("Ngày nhận", self.received_on)
        form.addRow("Trích yếu", self.subject)
        form.addRow("Trả lời văn bản đi", self.answers)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button_box("Ghi", on_accept=self.save))

    def data(self) -> ReceivedInput:
        return ReceivedInput(
            self.sender_name.text(), self.received_on.checked_value(),
            their_number=self.their_number.text(), their_date=self.their_date.value(),
            subject=self.subject.toPlainText(), answers_id=self.answers.currentData())

    def save(self) -> None:
        if not entries_ready(self):
            return
        db, actor, data = self._db, self._actor, self.data()
        self.submit(self._runner, lambda: documents.enter_received(db, actor, data),
                    done=self.entered.emit)



class SentDialog(_EntryDialog):
    """«Ghi văn bản đi»: a document made outside the program entered in the register: its
    kind, cases (by code) and event, date, number (empty: the next one), recipients, signer,
    subject and, for a request, the date a reply is expected by."""

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner, prefs: UiPrefs,
                 clock: documents.ReplyClock, codes: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__("Ghi văn bản đi", prefs, "van-ban-di", parent, min_width=620)
        self._db, self._actor, self._runner, self._clock = db, actor, runner, clock
        self._reply_typed = False
        self._looked_up = ""
        self.kind = QComboBox()
        for kind, label in DOCUMENT_KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.codes = QLineEdit(", ".join(codes))
        self.codes.setPlaceholderText("Ví dụ: VP-2026-0012, VP-2026-0015")
        self.codes_error = FieldError()
        self.event_choice = QComboBox()
        self.issued_on = DateEntry()
        self.number = QLineEdit()
        self.number.setValidator(QIntValidator(1, 999_999, self.number))
        self.number.setPlaceholderText("Để trống: lấy số tiếp theo trong sổ")
        self.recipients = QPlainTextEdit()
        self.recipients.setPlaceholderText("Mỗi dòng một nơi nhận")
        self.recipients.setTabChangesFocus(True)
        self.recipients.setFixedHeight(64)
        self.signer = QLineEdit()
        self.subject = QPlainTextEdit()
        self.subject.setTabChangesFocus(True)
        self.subject.setFixedHeight(52)
        self.reply_by = DateEntry(optional=True)
        self.reply_by.setToolTip("Văn bản đề nghị, kiến nghị, chuyển hồ sơ: ngày chờ trả lời, "
                                 "theo hạn trả lời trong thông tin đơn vị")
        form = QFormLayout()
        form.addRow("Loại văn bản", self.kind)
        form.addRow("Mã vụ việc", self.codes)
        form.addRow("", self.codes_error)
        form.addRow("Biện pháp xử lý", self.event_choice)
        form.addRow("Ngày ban hành", self.issued_on)
        form.addRow("Số", self.number)
        form.addRow("Nơi nhận", self.recipients)
        form.addRow("Người ký", self.signer)
        form.addRow("Trích yếu", self.subject)
        form.addRow("Hạn trả lời", self.reply_by)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button_box("Ghi vào sổ", on_accept=self.save))
        self.kind.currentIndexChanged.connect(self._default_reply_by)
        self.issued_on.changed.connect(self._default_reply_by)
        self.reply_by.line.textEdited.connect(self._reply_edited)
        self.codes.editingFinished.connect(self.look_up_cases)
        self._show_events([])
        self._default_reply_by()
        if codes:
            self.look_up_cases()

    def _reply_edited(self) -> None:
        self._reply_typed = True

    def _default_reply_by(self) -> None:
        """A request expects its reply by the office's reply clock, unless typed."""
        day = self.issued_on.value()
        if self._reply_typed or day is None:
            return
        self.reply_by.set_value(self._clock.reply_by(self.kind.currentData(), day))

    def look_up_cases(self) -> None:
        text = self.codes.text()
        if text == self._looked_up:
            return
        self._looked_up = text
        codes, db, actor = typed_codes(text), self._db, self._actor
        if not codes:
            self._show_events([])
            return

        def task(_p: Progress, _t: CancelToken) -> list[documents.CaseChoice]:
            return documents.cases_by_code(db, actor, codes)

        def failed(message: str) -> None:
            self.codes_error.show_message(message)
            self._show_events([])

        self._runner.start(task, on_success=self._show_events, on_failure=failed, owner=self)

    def _show_events(self, found: list[documents.CaseChoice]) -> None:
        if found:
            self.codes_error.show_message(None)
        chosen = self.event_choice.currentData()
        self.event_choice.clear()
        self.event_choice.addItem("— Không gắn với biện pháp nào —", None)
        for case in found:
            for event_id, label in case.events:
                self.event_choice.addItem(label, event_id)
                if event_id == chosen:
                    self.event_choice.setCurrentIndex(self.event_choice.count() - 1)

    def save(self) -> None:
        if not entries_ready(self):
            return
        codes, db, actor = typed_codes(self.codes.text()), self._db, self._actor
        kind = DocumentKind(self.kind.currentData())
        event_id, issued_on = self.event_choice.currentData(), self.issued_on.checked_value()
        number = int(self.number.text()) if self.number.text() else None
        recipients = "\n".join(line.strip() for line in self.recipients.toPlainText()
                               .splitlines() if line.strip())
        signer, subject = self.signer.text(), self.subject.toPlainText()
        reply_by = self.reply_by.value()

        def work() -> RegisterEntry:
            found = documents.cases_by_code(db, actor, codes)
            return documents.enter_drafted(
                db, actor, kind, [case.id for case in found], event_id, issued_on=issued_on,
                recipients=recipients, signer=signer, subject=subject, reply_by=reply_by,
                number=number)

        self.submit(self._runner, work, done=self.entered.emit)
