"""«Tổng hợp đơn vị»: the province's tracker of its units' reports (shared/spec/exchange.md).

One row per registered unit for the period chosen: whether it sent, the version, when it
arrived and whether by the due day (the late ones highlighted); above, the share of units
on time over the last months; a second table, the accounts two or more units reported.
«Nhận báo cáo…» receives package files, «Lập báo cáo tổng hợp…» writes the consolidated
workbook, PDF and Word file. Everything runs off the UI thread through the TaskRunner
(`services/submission_tracker.py`, `services/consolidation.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.consolidation import Consolidation
from app.domain.deadlines import LOCK_BASIS, LOCK_THRESHOLD_TEXT, LONG_LOCK_WINDOW
from app.domain.labels import AWAITING_REVIEW, NOT_SENT, SENT
from app.domain.periods import Period
from app.domain.repeat_accounts import RepeatAccounts
from app.domain.report_forms import Column, Form, Kind
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.services import report_packages, unit_keys
from app.services.actor import Actor, Permission
from app.services.consolidation import consolidate_received, consolidated_file
from app.services.data_folder import Database
from app.services.report_export import Targets, counts_by_cut_off
from app.services.report_packages import PACKAGE_SUFFIX
from app.services.report_reviews import (
    accept_report,
    note_file,
    return_report,
    review_words,
)
from app.services.settings import load_office
from app.services.submission_tracker import (
    TrackedUnit,
    Tracker,
    accounts_across_units,
    receipt_words,
    tracker,
)
from app.text import format_date
from app.ui.data_change import DataChange, DataKind
from app.ui.progress_panel import ProgressPanel
from app.ui.report.form_table import FormTableModel, Index, form_table
from app.ui.report.period_picker import PeriodPicker, last_month
from app.ui.tasks import TaskFunction, TaskRunner
from app.ui.widgets import open_outside

UNIT_COLUMNS: tuple[Column, ...] = (
    Column("Mã đơn vị", Kind.TEXT, 9),
    Column("Đơn vị", Kind.TEXT, 30),
    Column("Tình trạng", Kind.TEXT, 10),
    Column("Lần phát hành", Kind.COUNT, 9),
    Column("Ngày nhận", Kind.DATE, 11),
    Column("So với hạn gửi", Kind.TEXT, 24),
    Column("Xem xét", Kind.TEXT, 14),
)
ACCOUNT_COLUMNS: tuple[Column, ...] = (
    Column("Nền tảng", Kind.TEXT, 12),
    Column("Tài khoản, kênh", Kind.TEXT, 26),
    Column("Số vụ 30 ngày", Kind.COUNT, 8),
    Column("Số vụ 90 ngày", Kind.COUNT, 8),
    Column("Đơn vị", Kind.TEXT, 30),
    Column("Mã vụ việc", Kind.TEXT, 40),
)
LATE_BACKGROUND = QColor("#fde2e1")
PACKAGE_FILTER = f"Gói báo cáo (*{PACKAGE_SUFFIX})"
MASKED_NOTE = ("tài khoản chỉ ghi nền tảng (như «Facebook/…»), không đối chiếu được giữa "
               "các đơn vị.")


class HighlightedRows(FormTableModel):
    """A form whose rows `highlighted` have a light red background (late units, accounts
    over the lock threshold)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self.highlighted: frozenset[int] = frozenset()

    def set_rows(self, form: Form, highlighted: Sequence[int]) -> None:
        self.highlighted = frozenset(highlighted)
        self.set_form(form)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self.highlighted:
            return QBrush(LATE_BACKGROUND)
        return super().data(index, role)


def units_form(found: Tracker) -> Form:
    rows = [(line.unit.code, line.unit.name, SENT if line.sent else NOT_SENT,
             line.version, line.received_at.astimezone().date() if line.received_at else None,
             line.timeliness.words, line.review_label) for line in found.units]
    return Form("", "Đơn vị", "", UNIT_COLUMNS, rows, None)


def accounts_form(found: RepeatAccounts) -> Form:
    rows = [(a.platform, a.account, a.cases_30_days, a.cases_90_days,
             "; ".join(f"{u.name} ({u.code})" for u in a.units), ", ".join(a.case_codes))
            for a in found.accounts]
    return Form("", "Tài khoản", "", ACCOUNT_COLUMNS, rows, None)


class TrackerScreen(QWidget):
    """Put in a tab by the main window at an office with registered units. `today` fixes
    the day the due days are counted against (tests, screenshots)."""

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor, self._runner = db, actor, runner
        self._today = today
        self.last_folder: Path | None = None
        self.picker = PeriodPicker(last_month(self.today(), cut_off=counts_by_cut_off(db)))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.on_time = QLabel()
        self.on_time.setWordWrap(True)
        self.units_model = HighlightedRows(self)
        self.units_table = form_table(self.units_model, stretch_last=True)
        self.accounts_model = HighlightedRows(self)
        self.accounts_table = form_table(self.accounts_model, stretch_last=True)
        self.accounts_note = QLabel()
        self.accounts_note.setWordWrap(True)
        accounts_page = QWidget()
        accounts_layout = QVBoxLayout(accounts_page)
        accounts_layout.addWidget(self.accounts_table, 1)
        accounts_layout.addWidget(self.accounts_note)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.units_table, "Đơn vị gửi báo cáo")
        self.tabs.addTab(accounts_page, "Tài khoản lặp lại giữa các đơn vị")
        self.result = QLabel()  # what the last receipt or consolidation did, file by file
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setVisible(False)

        self.receive_button = QPushButton("Nhận báo cáo…")
        self.receive_button.clicked.connect(self._choose_packages)
        self.consolidate_button = QPushButton("Lập báo cáo tổng hợp…")
        self.consolidate_button.clicked.connect(self._choose_folder)
        self.open_folder_button = QPushButton("Mở thư mục")
        self.open_folder_button.setEnabled(False)
        self.open_folder_button.clicked.connect(self._open_folder)
        if not actor.can(Permission.IMPORT):
            self.receive_button.setEnabled(False)
            self.receive_button.setToolTip("Tài khoản của bạn không có quyền này.")
        # The review of the chosen unit's current report, while it awaits one.
        self._units: tuple[TrackedUnit, ...] = ()
        self._period_shown: Period | None = None
        self.accept_button = QPushButton("Chấp nhận")
        self.accept_button.clicked.connect(self.accept_chosen)
        self.return_button = QPushButton("Trả lại…")
        self.return_button.clicked.connect(self._ask_return)
        self._may_accept = actor.can(Permission.SEND_REPORT)
        self._may_return = self._may_accept and unit_keys.opens_own_keys(db, actor)
        self.accept_button.setToolTip(
            "Chấp nhận báo cáo đơn vị đã gửi (lần phát hành đang chọn)." if self._may_accept
            else "Tài khoản của bạn không có quyền này.")
        self.return_button.setToolTip(
            "Trả lại báo cáo kèm lý do: thông báo trả lại (.svptl) ký bằng khóa của đơn vị, "
            "gửi cho đơn vị để phát hành lại." if self._may_return else
            "Chỉ quản trị viên trả lại được báo cáo: thông báo trả lại ký bằng khóa của đơn "
            "vị, chỉ mở trong phiên của quản trị viên.")
        self.units_table.selectionModel().selectionChanged.connect(self._offer_review)
        self._offer_review()
        self.progress = ProgressPanel()
        buttons = QHBoxLayout()
        for button in (self.receive_button, self.consolidate_button, self.open_folder_button,
                       self.accept_button, self.return_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.progress)

        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(self.summary)
        layout.addWidget(self.on_time)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.result)
        layout.addLayout(buttons)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(250)
        self._refresh_timer.timeout.connect(self.refresh)
        self.picker.changed.connect(self._refresh_timer.start)
        self._shown = False  # read when first shown, not at start-up

    def today(self) -> date:
        return self._today or date.today()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self.refresh()

    def refresh_for(self, change: DataChange) -> None:
        """The office's settings changed (the due days, a unit registered): read again, now if
        on screen, else when next shown."""
        if not change.concerns(DataKind.OFFICE):
            return
        self._shown = self.isVisible()
        if self._shown:
            self.refresh()

    # Reading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """The units of the chosen period and the accounts across units, off the UI thread."""
        self._refresh_timer.stop()  # a reading asked for by the period chooser: this is it
        try:
            period = self.picker.period()
        except UserError as exc:
            self.summary.setText(exc.message)
            return
        db, actor, today = self._db, self._actor, self.today()

        def task(_p: Progress, _t: CancelToken) -> tuple[Tracker, RepeatAccounts, int]:
            return (tracker(db, actor, period, today), accounts_across_units(db, actor, today),
                    load_office(db).report_due_days)

        self.summary.setText(f"Đang đọc báo cáo các đơn vị {period.phrase}…")
        self._runner.start(task, on_success=self._show, on_failure=self.summary.setText,
                           owner=self)

    def _show(self, found: tuple[Tracker, RepeatAccounts, int]) -> None:
        units, accounts, due_days = found
        try:
            if units.period != self.picker.period():
                return  # another period chosen meanwhile
        except UserError:
            return
        self._units, self._period_shown = units.units, units.period
        self.units_model.set_rows(units_form(units), [
            i for i, line in enumerate(units.units) if line.timeliness.late])
        self._offer_review()
        late = sum(line.timeliness.late for line in units.units)
        self.summary.setText(
            f"{units.period.label}: {units.sent}/{len(units.units)} đơn vị đã gửi báo cáo; hạn "
            f"gửi {format_date(units.due)} ({due_days} ngày sau ngày cuối kỳ, đặt ở Quản trị → "
            f"Thông tin đơn vị)" + (f"; {late} đơn vị muộn hoặc quá hạn (tô đỏ)." if late
                                    else "."))
        self.on_time.setText("Đơn vị gửi đúng hạn 6 tháng gần nhất: "
                             + " · ".join(share.words for share in units.on_time))
        self.accounts_model.set_rows(accounts_form(accounts), [
            i for i, account in enumerate(accounts.accounts) if account.over_threshold])
        self.accounts_table.resizeRowsToContents()  # every unit and case code in full
        note = [f"Tài khoản có vụ việc ở từ hai đơn vị trở lên, phát hiện trong "
                f"{LONG_LOCK_WINDOW.days} ngày gần nhất (theo báo cáo tháng các đơn vị đã "
                f"gửi); tô đỏ: đạt ngưỡng đề nghị khóa {LOCK_THRESHOLD_TEXT} ({LOCK_BASIS})."]
        note.append(f"{accounts.masked_rows} vụ việc có trẻ em: {MASKED_NOTE}"
                    if accounts.masked_rows else f"Vụ việc có trẻ em: {MASKED_NOTE}")
        self.accounts_note.setText(" ".join(note))

    # Receiving -------------------------------------------------------------------------

    def _choose_packages(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Nhận báo cáo của đơn vị",
                                                str(self.last_folder or Path.home()),
                                                PACKAGE_FILTER)
        if names:
            self.receive([Path(name) for name in names])

    def receive(self, paths: Sequence[Path]) -> None:
        """Receive each file on its own (a refused one stores nothing of itself), off the
        UI thread; a line per file says what came of it."""
        db, actor = self._db, self._actor

        def task(progress: Progress, token: CancelToken) -> list[str]:
            said = []
            for done, path in enumerate(paths):
                token.raise_if_cancelled()
                progress(done, len(paths))
                try:
                    said.append(receipt_words(
                        path.name, report_packages.receive_package(db, actor, path)))
                except UserError as exc:
                    said.append(exc.message)
            return said

        self._run("Đang nhận báo cáo", task, self._received,
                  "Đã dừng nhận: các tệp đã nhận trước khi hủy vẫn được giữ.")

    def _received(self, said: list[str]) -> None:
        self._tell("\n".join(said))
        self.refresh()

    # Reviewing -------------------------------------------------------------------------

    def chosen_unit(self) -> TrackedUnit | None:
        index = self.units_table.currentIndex()
        if not index.isValid() or not self.units_table.selectionModel().hasSelection() \
                or index.row() >= len(self._units):
            return None
        return self._units[index.row()]

    def _offer_review(self) -> None:
        """«Chấp nhận» and «Trả lại…» for a unit whose current report awaits review."""
        chosen = self.chosen_unit()
        awaiting = chosen is not None and chosen.review_label == AWAITING_REVIEW
        self.accept_button.setEnabled(awaiting and self._may_accept)
        self.return_button.setEnabled(awaiting and self._may_return)

    def accept_chosen(self) -> None:
        chosen, period = self.chosen_unit(), self._period_shown
        if chosen is None or chosen.version is None or period is None:
            return
        db, actor = self._db, self._actor
        code, version = chosen.unit.code, chosen.version

        def task(_p: Progress, _t: CancelToken) -> str:
            return review_words(accept_report(db, actor, code, period, version=version))

        self._run("Đang ghi việc chấp nhận", task, self._reviewed, "")

    def _ask_return(self) -> None:
        chosen, period = self.chosen_unit(), self._period_shown
        if chosen is None or period is None:
            return
        reason, accepted = QInputDialog.getMultiLineText(
            self, "Trả lại báo cáo",
            f"Lý do trả lại báo cáo của {chosen.unit.name} (đơn vị sẽ đọc lý do này):")
        if not accepted:
            return
        folder = self.last_folder or Path.home()
        name, _ = QFileDialog.getSaveFileName(
            self, "Lưu thông báo trả lại", str(folder / note_file(chosen.unit.code, period)),
            "Thông báo trả lại (*.svptl)")
        if name:
            self.return_chosen(reason, Path(name))

    def return_chosen(self, reason: str, note: Path) -> None:
        """Return the chosen unit's current report for `reason`, the signed note as `note`."""
        chosen, period = self.chosen_unit(), self._period_shown
        if chosen is None or chosen.version is None or period is None:
            return
        db, actor = self._db, self._actor
        code, version = chosen.unit.code, chosen.version

        def task(_p: Progress, _t: CancelToken) -> str:
            return review_words(return_report(db, actor, code, period, reason, note,
                                              version=version), note)

        self.last_folder = note.parent
        self._run("Đang trả lại báo cáo", task, self._reviewed, "")

    def _reviewed(self, said: str) -> None:
        self._tell(said)
        self.refresh()

    # Consolidating ---------------------------------------------------------------------

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục ghi báo cáo tổng hợp",
                                                  str(self.last_folder or Path.home()))
        if folder:
            self.consolidate_to(Path(folder))

    def consolidate_to(self, folder: Path) -> None:
        """The consolidated workbook, PDF and Word file of the period, with their default
        names, in `folder`; nothing written when cancelled or refused."""
        try:
            period = self.picker.period()
        except UserError as exc:
            self._tell(exc.message)
            return
        targets = Targets(*(folder / consolidated_file(period, suffix)
                            for suffix in (".xlsx", ".pdf", ".docx")))
        db, actor = self._db, self._actor
        warnings: list[str] = []

        def task(progress: Progress, token: CancelToken) -> Consolidation:
            return consolidate_received(db, actor, period, targets, progress=progress,
                                        token=token, warn=warnings.append)

        def written(done: Consolidation) -> None:
            self.last_folder = folder
            self.open_folder_button.setEnabled(True)
            self._tell(" ".join((
                f"Đã ghi báo cáo tổng hợp {period.phrase} ({len(done.packages)}/"
                f"{len(done.units)} đơn vị đã gửi): "
                f"{', '.join(p.name for p in targets.paths)}.", *warnings)))

        self._run("Đang lập báo cáo tổng hợp", task, written,
                  "Đã hủy: báo cáo tổng hợp không được ghi, không còn tệp dở dang.")

    def _open_folder(self) -> None:
        if self.last_folder is not None and (refused := open_outside(self.last_folder)):
            self._tell(refused)

    def _tell(self, text: str) -> None:
        self.result.setText(text)
        self.result.setVisible(bool(text))

    def _run(self, title: str, task: TaskFunction, on_success: Callable[[Any], None],
             cancelled: str) -> None:
        token = self._runner.start(task, on_success=on_success,
                                   on_failure=self._tell,
                                   on_cancel=lambda: self._tell(cancelled),
                                   on_progress=self.progress.show_progress,
                                   on_finished=self.progress.end, owner=self)
        self.progress.begin(title, token)
