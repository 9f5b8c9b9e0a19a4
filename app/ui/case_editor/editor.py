"""The case editor dialog: sections, saving, handling events, unsaved changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.case import CaseInput, validate_case
from app.domain.drafting import kinds_for_event
from app.domain.events import EventInput, validate_event
from app.domain.office import OfficeSettings
from app.domain.sanctions import Offender, sanction_problems
from app.domain.units import case_heading
from app.domain.vocabulary import EventKind, Group, Vocabulary
from app.domain.warnings import CaseWarning
from app.errors import ConcurrentEditError, FieldProblem, UserError, ValidationError
from app.progress import CancelToken, Progress
from app.services import cases, clocks, events, legal_basis
from app.services.actor import Actor, Permission
from app.services.case_warnings import warnings_for
from app.services.data_folder import Database
from app.services.records import CaseDetail, EventRecord
from app.services.report_register import PendingChange
from app.ui.case_editor.children import ChildrenSection
from app.ui.case_editor.clocks_panel import ClocksPanel
from app.ui.case_editor.decision_dialog import DecisionDialog
from app.ui.case_editor.defamation import DefamationSection
from app.ui.case_editor.event_dialog import EventDialog, typed_event_warnings
from app.ui.case_editor.evidence_section import EvidenceSection
from app.ui.case_editor.general import GeneralSection
from app.ui.case_editor.offender import OffenderSection
from app.ui.case_editor.section import Section, by_field, show_checked
from app.ui.case_editor.timeline import TimelineSection
from app.ui.dates import NOT_SAVED, entries_ready
from app.ui.dialogs import Dialog
from app.ui.form_widgets import FittedList
from app.ui.prefs import UiPrefs
from app.ui.report.frozen_warning import save_checked
from app.ui.tasks import TaskRunner

# The warnings take the lines they have, up to about six; beyond, they scroll.
WARNINGS_MOST_HEIGHT = 130


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    return area


def _messages(problems: list[FieldProblem]) -> dict[str, str]:
    """By the field each is shown under: every child's under the list of children."""
    return by_field(problems, lambda f: "children" if f.startswith("children[") else f)


class CaseEditor(Dialog):
    saved = Signal(object)  # CaseDetail, after every successful change
    open_case_requested = Signal(int)  # a related case named by a warning

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner, vocabulary: Vocabulary,
                 office: OfficeSettings, prefs: UiPrefs, detail: CaseDetail | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Vụ việc mới" if detail is None else
                         case_heading(detail.code, detail.unit_code, office.unit_code), prefs,
                         "case_editor", parent, size=(900, 680))
        self._own_unit = office.unit_code
        self._db, self._actor, self._runner = db, actor, runner
        self._user_prefs = prefs
        self._vocabulary = vocabulary
        self._addressees = office.addressee_suggestions
        self.detail = detail
        self._close_after_save = False
        self._touched: set[str] = set()  # fields the officer has finished with
        self._problems_listed = False  # the line under the tabs counts refused fields
        self._loading = False
        self.editable = actor.can(Permission.EDIT_CASES) and not (detail and detail.deleted_at)
        self.print_dialog: QDialog | None = None
        self.draft_dialog: QDialog | None = None
        self.general = GeneralSection(vocabulary, office.areas)
        self.offender = OffenderSection()
        self.children_section = ChildrenSection(lambda: self.current_input().act_date)
        self.defamation = DefamationSection()
        self.timeline = TimelineSection(vocabulary)
        self.evidence = EvidenceSection(db, actor, runner)
        self.clocks = ClocksPanel()
        self.warnings = FittedList(WARNINGS_MOST_HEIGHT)
        self.warnings.setVisible(False)
        self.warnings.itemActivated.connect(self._open_related)
        self.tabs = QTabWidget()
        self.tabs.addTab(_scrolled(self.general), "Thông tin chung")
        self.tabs.addTab(_scrolled(self.offender), "Đối tượng")
        self.tabs.addTab(_scrolled(self.children_section), "Trẻ em")
        self.tabs.addTab(_scrolled(self.defamation), "Bị xúc phạm danh dự")
        self.tabs.addTab(self.timeline, "Quá trình xử lý")
        self.tabs.addTab(self.evidence, "Chứng cứ")
        self.save_button = QPushButton("Lưu (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.reload_button = QPushButton("Mở bản mới nhất")
        self.reload_button.clicked.connect(self.reload)
        self.reload_button.setVisible(False)
        self.print_button = QPushButton("In phiếu (Ctrl+P)")
        self.print_button.setToolTip("Phiếu thông tin vụ việc (PDF) theo bản đã lưu.")
        self.print_button.clicked.connect(self.open_print_dialog)
        self.draft_button = QPushButton("Soạn văn bản…")
        self.draft_button.setToolTip("Soạn giấy mời, biên bản, quyết định… của vụ việc (Word, "
                                     "PDF), lấy số trong sổ văn bản.")
        self.draft_button.clicked.connect(lambda: self.open_draft_dialog())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.clocks)
        layout.addWidget(self.warnings)
        layout.addWidget(self.message)
        layout.addLayout(self.button_row(self.reload_button, self.save_button,
                                         first=[self.print_button, self.draft_button]))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.open_print_dialog)
        for section in self._sections():
            section.field_done.connect(self.check_field)

        self.general.group.currentIndexChanged.connect(self._sections_for_group)
        self.general.secondary.itemChanged.connect(self._sections_for_group)
        self.timeline.add_requested.connect(self._add_event)
        self.timeline.edit_requested.connect(self._edit_event)
        self.timeline.void_requested.connect(self._void_event)
        self.timeline.reopen_requested.connect(self._reopen)
        self.timeline.correct_requested.connect(self._correct_decision)
        self.timeline.follow_up_requested.connect(self._follow_up)
        self._load(detail.data if detail else None)
        self._set_editable()

    # Loading and reading the form --------------------------------------------

    def _load(self, data: CaseInput | None) -> None:
        self._loading = True  # filling the fields is not the officer finishing them
        if data is not None:
            self.general.load(data)
            self.offender.load(data)
            self.children_section.load(data.children)
            self.defamation.load(data.defamed)
        self._loading = False
        self.timeline.load(self.detail, self.editable)
        self.evidence.load(self.detail.id if self.detail else None, self.editable)
        self._sections_for_group()
        self._touched.clear()
        for section in self._sections():
            section.clear_errors()
        self._saved_input = self.current_input()
        self._update_print_button()
        self.check_warnings()

    def current_input(self) -> CaseInput:
        values: dict[str, Any] = {**self.general.values(), **self.offender.values()}
        if self.detail is not None:
            values["code"] = self.detail.code
        return CaseInput(children=tuple(self.children_section.children_list),
                         defamed=self.defamation.parties(), **values)

    def has_unsaved_changes(self) -> bool:
        return self.editable and self.current_input() != self._saved_input

    def _sections_for_group(self) -> None:
        groups = {self.general.group.currentData(), *self.general.secondary_codes()}
        self.tabs.setTabVisible(2, Group.CHILDREN in groups
                                or bool(self.children_section.children_list))
        self.tabs.setTabVisible(3, Group.DEFAMATION in groups
                                or bool(self.defamation.parties()))
        self.general._group_changed()

    def _set_editable(self) -> None:
        for section in (self.general, self.offender, self.children_section, self.defamation):
            section.setEnabled(self.editable)
        self.save_button.setVisible(self.editable)

    def _update_print_button(self) -> None:
        self.print_button.setEnabled(self.detail is not None and self.detail.deleted_at is None
                                     and self._actor.can(Permission.REPORT))
        self.draft_button.setVisible(self.editable)
        self.draft_button.setEnabled(self.detail is not None)

    # Checking a field as soon as the officer is done with it ------------------

    def check_field(self, key: str) -> None:
        """Show or clear the message under `key`, and under every field showing one, by the
        rules the case is saved with (nothing is saved)."""
        if self._loading:
            return
        self._touched.add(key)
        found = _messages(validate_case(self.current_input().normalised(), self._vocabulary,
                                        date.today()))
        for section in self._sections():
            show_checked(section.errors, found, self._touched)
        if not found and self._problems_listed:
            self.message.clear()

    # Saving -------------------------------------------------------------------

    def _run(self, work: Callable[[], CaseDetail], done: str,
             change: PendingChange | None = None,
             then: Callable[[CaseDetail], None] | None = None) -> None:
        """Save off the UI thread; `change` says what the save alters, for the warning when
        it alters a frozen report; `then` follows a successful save."""
        if change is not None:
            save_checked(self._runner, self, self._db, self._actor, change,
                         lambda: self._run(work, done, then=then), self._failed)
            return

        def task(_p: Progress, _t: CancelToken) -> CaseDetail:
            return work()

        def succeeded(detail: CaseDetail) -> None:
            self._changed(detail, done)
            if then is not None:
                then(detail)

        self.save_button.setEnabled(False)
        self._runner.start(task, on_success=succeeded,
                           on_refused=self._refused, on_failure=self._failed,
                           on_finished=lambda: self.save_button.setEnabled(True), owner=self)

    def save(self) -> None:
        if not self.editable:
            return
        if not entries_ready(self):  # a date or year that does not read: shown, not saved
            self._close_after_save = False
            self.message.error(NOT_SAVED)
            return
        data = self.current_input()
        db, actor, detail = self._db, self._actor, self.detail
        for section in self._sections():
            section.clear_errors()
        self.message.clear()
        self._problems_listed = False
        if detail is None:
            self._run(lambda: cases.create_case(db, actor, data), "Đã lưu vụ việc mới.",
                      PendingChange(None, case=data))
        else:
            version = detail.version
            self._run(lambda: cases.update_case(db, actor, detail.id, data,
                                                expected_version=version), "Đã lưu.",
                      PendingChange(detail.id, case=data))

    def _changed(self, detail: CaseDetail, done: str) -> None:
        first_save = self.detail is None
        self.detail = detail
        self.setWindowTitle(case_heading(detail.code, detail.unit_code, self._own_unit))
        if first_save:
            self._load(detail.data)
        else:
            self.timeline.load(detail, self.editable)
            self._saved_input = self.current_input()
            self.check_warnings()
        self.message.done(done)
        self.saved.emit(detail)
        if self._close_after_save:
            self.reject()  # nothing unsaved now: it closes

    def _failed(self, message: str) -> None:
        # Refusals with details are shown by _refused; this shows every other failure.
        if not self.message.isVisible():
            self.message.error(message)

    def _refused(self, error: UserError) -> None:
        self._close_after_save = False
        if isinstance(error, ConcurrentEditError):
            self.reload_button.setVisible(True)
            self.message.error(error.message)
            return
        if not isinstance(error, ValidationError):
            self.message.error(error.message)
            return
        unplaced = []
        first: tuple[int, QWidget] | None = None
        for field, message in _messages(error.problems).items():
            placed = self._place(field, message)
            if placed is None:
                unplaced.append(message)
            elif first is None:
                first = placed
        self.message.error(
            " ".join(unplaced) or f"Chưa lưu: có {len(error.problems)} chỗ cần sửa (ghi màu đỏ).")
        self._problems_listed = not unplaced
        if first is not None:
            self.tabs.setCurrentIndex(first[0])
            first[1].setFocus()

    def _sections(self) -> list[Section]:
        return [self.general, self.offender, self.children_section, self.defamation]

    def _place(self, key: str, message: str) -> tuple[int, QWidget] | None:
        """Show `message` under its field; the tab and widget to bring forward."""
        for index, section in enumerate(self._sections()):
            if key in section.errors:
                error = section.errors[key]
                error.show_message(message)
                return index, section.inputs.get(key, error)
        return None

    def reload(self) -> None:
        """Someone else saved the case: show their version (the officer's edits are lost)."""
        if self.detail is None:
            return
        db, actor, case_id = self._db, self._actor, self.detail.id

        def task(_p: Progress, _t: CancelToken) -> CaseDetail:
            return cases.get_case(db, actor, case_id)

        def loaded(detail: CaseDetail) -> None:
            self.detail = detail
            self._load(detail.data)
            self.reload_button.setVisible(False)
            self.message.done("Đã mở bản mới nhất.")

        self._runner.start(task, on_success=loaded, on_failure=self._failed, owner=self)

    # The printout --------------------------------------------------------------

    def open_print_dialog(self) -> None:
        """`In phiếu` (Ctrl+P): the saved case as a PDF, children masked unless a leader
        chooses otherwise."""
        detail = self.detail
        if detail is None or not self.print_button.isEnabled():
            self.message.error(
                "Lưu vụ việc trước rồi mới in phiếu." if detail is None
                else "Vụ việc đã bị xóa: hãy khôi phục trước khi in phiếu." if detail.deleted_at
                else "Bạn không có quyền in phiếu vụ việc.")
            return
        # Loaded with the first printout, as the other export dialogs are.
        from app.ui.case_editor.print_dialog import PrintDialog

        dialog = PrintDialog(self._db, self._actor, detail, self.has_unsaved_changes(), self)
        self.print_dialog = dialog
        dialog.open()  # window-modal, without blocking the editor's own work

    # Drafting a document of the case ----------------------------------------------------

    def open_draft_dialog(self, event: EventRecord | None = None) -> None:
        """«Soạn văn bản»: the saved case's document, of `event`'s step when given."""
        if self.detail is None:
            return
        from app.ui.draft_dialog import DraftDialog  # loaded with the first draft, as printing

        kinds = kinds_for_event(event.kind) if event is not None else ()
        dialog = DraftDialog(self._db, self._actor, self._runner, self._user_prefs,
                             [self.detail.code], event_id=event.id if event else None,
                             kind=kinds[0] if kinds else None, parent=self)
        dialog.drafted.connect(self._drafted)
        self.draft_dialog = dialog
        dialog.open()

    def _drafted(self, _drafted: object) -> None:
        """A document entered in the register: the window's screens and the clocks know."""
        self._load_clocks()
        if self.detail is not None:
            self.saved.emit(self.detail)

    # Warnings: shown where the officer works, never blocking ---------------------

    def check_warnings(self) -> None:
        data = self.current_input()
        db = self._db
        case_id = self.detail.id if self.detail else None
        recorded = self.detail.events if self.detail else ()

        def task(_p: Progress, _t: CancelToken) -> list[CaseWarning]:
            return warnings_for(db, data, case_id=case_id, events=recorded)

        self._runner.start(task, on_success=self._show_warnings, owner=self)
        self._load_clocks()

    def _load_clocks(self) -> None:
        """The clocks of the case as saved (a new case has none yet)."""
        if self.detail is None or self.detail.deleted_at is not None:
            self.clocks.show_clocks([])
            return
        db, actor, case_id = self._db, self._actor, self.detail.id

        def task(_p: Progress, _t: CancelToken) -> list[clocks.OpenClock]:
            return clocks.open_clocks(db, actor, case_id)

        self._runner.start(task, on_success=self.clocks.show_clocks, owner=self)

    def _show_warnings(self, found: list[CaseWarning]) -> None:
        self.warnings.clear()
        for warning in found:
            item = QListWidgetItem(self.style().standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxWarning), warning.message)
            item.setData(Qt.ItemDataRole.UserRole, [ref.id for ref in warning.related])
            item.setToolTip(warning.message)
            self.warnings.addItem(item)
        self.warnings.setVisible(bool(found))

    def _open_related(self, item: QListWidgetItem) -> None:
        related = item.data(Qt.ItemDataRole.UserRole)
        if related:
            self.open_case_requested.emit(related[0])

    # Handling events (saved at once, each on its own) -------------------------------

    def _event_dialog(self, event: EventRecord | None = None) -> EventDialog:
        """The dialog of an event, with the provisions in force on the act's date as typed
        and those `event` already applies, whatever their dates."""
        act = self.current_input().act_date
        assert act is not None  # the detection date's widget always holds a date
        shown = legal_basis.proposals(self._db, act.day, self.general.group.currentData())
        if event is not None:
            proposed = {p.id for p in shown}
            shown += [p for p in legal_basis.all_provisions(self._db)
                      if p.id in event.legal_basis_ids and p.id not in proposed]
        assert self.detail is not None
        warn = typed_event_warnings(self._db, self.current_input(), self.detail.id,
                                    self.detail.events, event)
        return EventDialog(self._vocabulary, shown, act, event=event,
                           default_day=None if event else date.today(), parent=self,
                           check=self._event_check(event.id if event else None),
                           addressees=self._addressees, warn=warn, runner=self._runner,
                           offer_draft=event is None and self.editable)

    def _event_check(self, replacing: int | None) -> Callable[[EventInput], list[FieldProblem]]:
        """The rules `add_event` and `edit_event` apply, for the dialog to show as typed."""
        assert self.detail is not None
        detected_on, vocab = self.detail.data.detected_on, self._vocabulary
        existing = [event.fact for event in self.detail.events]
        assert detected_on is not None

        # The case as saved, which the service judges: its act's date, its offender.
        act = self.detail.data.act_date
        assert act is not None
        offender = Offender.of(self.detail.data)
        catalog = {p.id: p for p in legal_basis.all_provisions(self._db)}

        def check(data: EventInput) -> list[FieldProblem]:
            typed = data.normalised()
            return validate_event(typed, detected_on=detected_on, existing=existing,
                                  vocabulary=vocab, today=date.today(), replacing=replacing
                                  ) + sanction_problems(
                typed, offender=offender, act_on=act.day, existing=existing,
                replacing=replacing, adult_maximum=events.adult_maximum(
                    catalog[i] for i in typed.legal_basis_ids if i in catalog))

        return check

    def _add_event(self) -> None:
        if self.detail is None:
            return
        dialog = self._event_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_event(dialog.event_input(), draft=dialog.draft_after)

    def add_event(self, data: EventInput, *, draft: bool = False) -> None:
        """Record the event; with `draft`, then open «Soạn văn bản» for it."""
        assert self.detail is not None
        db, actor, case_id = self._db, self._actor, self.detail.id
        known = {event.id for event in self.detail.events}

        def draft_new(detail: CaseDetail) -> None:
            new = [event for event in detail.events if event.id not in known]
            if new:
                self.open_draft_dialog(new[-1])

        self._run(lambda: events.add_event(db, actor, case_id, data), "Đã ghi biện pháp.",
                  PendingChange(case_id, added=data), then=draft_new if draft else None)

    def _edit_event(self, event: EventRecord) -> None:
        assert self.detail is not None
        dialog = self._event_dialog(event)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            data = dialog.event_input()
            db, actor = self._db, self._actor
            self._run(lambda: events.edit_event(db, actor, event.id, data),
                      "Đã sửa biện pháp.", PendingChange(self.detail.id, added=data,
                                                         edited=event.id))

    def _correct_decision(self, decision: EventRecord) -> None:
        """«Sửa quyết định»: a new decision, starting from the old, that voids it."""
        dialog = self._event_dialog(decision)
        dialog.setWindowTitle("Sửa quyết định xử phạt (ra quyết định mới)")
        dialog.kind.setEnabled(False)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        reason, accepted = QInputDialog.getText(
            self, "Sửa quyết định xử phạt",
            "Lý do sửa (quyết định cũ bị hủy, vẫn giữ trong lịch sử):")
        if accepted and self.detail is not None:
            data, db, actor = dialog.event_input(), self._db, self._actor
            self._run(lambda: events.correct_decision(db, actor, decision.id, data, reason),
                      "Đã ghi quyết định mới, quyết định cũ đã hủy.",
                      PendingChange(self.detail.id, added=data, voided=decision.id))

    def _follow_up(self, decision: EventRecord) -> None:
        dialog = DecisionDialog(decision, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            follow, db, actor = dialog.follow_up(), self._db, self._actor
            self._run(lambda: events.record_follow_up(db, actor, decision.id, follow),
                      "Đã ghi việc thi hành quyết định.")

    def _void_event(self, event: EventRecord) -> None:
        reason, accepted = QInputDialog.getText(self, "Hủy biện pháp ghi nhầm",
                                                "Lý do hủy (biện pháp vẫn còn trong lịch sử):")
        if accepted and self.detail is not None:
            db, actor = self._db, self._actor
            self._run(lambda: events.void_event(db, actor, event.id, reason),
                      "Đã hủy biện pháp.", PendingChange(self.detail.id, voided=event.id))

    def _reopen(self) -> None:
        if self.detail is None:
            return
        reason, accepted = QInputDialog.getText(self, "Mở lại hồ sơ", "Lý do mở lại:")
        if accepted:
            db, actor, case_id = self._db, self._actor, self.detail.id
            # Reopening strikes out the closing (`events.reopen_case`).
            closing = next((e.id for e in reversed(self.detail.events)
                            if e.kind == EventKind.CLOSE and not e.voided), None)
            self._run(lambda: events.reopen_case(db, actor, case_id, reason),
                      "Đã mở lại hồ sơ.", PendingChange(case_id, voided=closing))

    # Never lose edits silently --------------------------------------------------

    def confirm_close(self) -> bool:
        """Closing (button, Esc, window cross) asks before dropping unsaved edits; «Lưu»
        closes once saved."""
        if not self.has_unsaved_changes():
            return True
        answer = QMessageBox.question(
            self, "Chưa lưu", "Vụ việc có thay đổi chưa lưu. Lưu trước khi đóng?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            self._close_after_save = True
            self.save()
        return answer == QMessageBox.StandardButton.Discard
