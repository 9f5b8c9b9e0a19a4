"""The `Báo cáo` screen: pick a period, see the three forms, edit the text, export, send.

Figures, exports and the register all run off the UI thread through the
TaskRunner; the screen only shows what the report services return.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QFont, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.domain.periods import ROMAN, Period, PeriodKind
from app.domain.report import ReportFigures, ReportText
from app.domain.report_forms import Column, Form, Kind, all_forms, children_rows, display
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.reports.export import Targets, default_file, export_report
from app.reports.narrative import draft
from app.services import report_register
from app.services.actor import Actor, Permission
from app.services.report_figures import compute_figures
from app.services.report_register import SentReportRecord
from app.services.settings import load_office
from app.text import format_money, format_number
from app.ui.dates import from_qdate as to_date
from app.ui.dialogs import Dialog
from app.ui.prefs import UiPrefs
from app.ui.progress_panel import ProgressPanel
from app.ui.tasks import TaskFunction, TaskRunner

Index = QModelIndex | QPersistentModelIndex
REFRESH_DELAY_MS = 250
PIXELS_PER_WIDTH = 8  # a form column's (Excel) width on screen
HEADER_HEIGHT = 58  # three lines of a wrapped header
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
ALIGNMENT = {Kind.INDEX: _CENTRE, Kind.DATE: _CENTRE, Kind.COUNT: _RIGHT, Kind.MONEY: _RIGHT,
             Kind.TEXT: _LEFT, Kind.USER_TEXT: _LEFT}


class FormTableModel(QAbstractTableModel):
    """One form as computed (or any table declared as a Form): rows, then the bold total."""

    def __init__(self, form: Form | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._form = form

    def columns(self) -> tuple[Column, ...]:
        return self._form.columns if self._form is not None else ()

    def set_form(self, form: Form | None) -> None:
        self.beginResetModel()
        self._form = form
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._form is None:
            return 0
        return len(self._form.rows) + (self._form.total is not None)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._form is None else len(self._form.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (self._form is not None and orientation == Qt.Orientation.Horizontal
                and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._form.columns)):
            return self._form.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        form = self._form
        if form is None or not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        column = form.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = form.total if index.row() == len(form.rows) else form.rows[index.row()]
            assert row is not None
            return display(row[index.column()], column.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGNMENT[column.kind]
        if role == Qt.ItemDataRole.FontRole and index.row() == len(form.rows):
            bold = QFont()
            bold.setBold(True)
            return bold
        return None


# The register's table, declared like a form so the same model shows it.
REGISTER_COLUMNS: tuple[Column, ...] = (
    Column("Kỳ báo cáo", Kind.TEXT, 24),
    Column("Số", Kind.TEXT, 14),
    Column("Ngày ban hành", Kind.DATE, 12),
    Column("Phiên bản", Kind.COUNT, 8),
    Column("Người chốt", Kind.TEXT, 18),
    Column("Thời điểm chốt", Kind.TEXT, 16),
    Column("Lý do phát hành lại", Kind.TEXT, 30),
)


def register_form(records: Sequence[SentReportRecord]) -> Form:
    rows = [(r.label, r.number, r.issue_date, r.version, r.sent_by_name,
             f"{r.sent_at.astimezone():%H:%M %d/%m/%Y}", r.reissue_reason or "")
            for r in records]
    return Form("", "Sổ báo cáo đã gửi", "", REGISTER_COLUMNS, rows, None)


class PeriodPicker(QWidget):
    """Month, quarter, half-year, year, or a range of days."""

    changed = Signal()

    def __init__(self, initial: Period, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        for text, kind in (("Tháng", PeriodKind.MONTH), ("Quý", PeriodKind.QUARTER),
                           ("6 tháng", PeriodKind.HALF), ("Năm", PeriodKind.YEAR),
                           ("Khoảng thời gian", PeriodKind.RANGE)):
            self.kind.addItem(text, str(kind))  # Qt keeps plain strings, not the enum
        self.part = QComboBox()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.start, self.end = QDateEdit(), QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self._range_widgets = (QLabel("từ"), self.start, QLabel("đến"), self.end)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("Kỳ báo cáo:"), self.kind, self.part, self.year,
                       *self._range_widgets):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.set_period(initial)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for signal in (self.part.currentIndexChanged, self.year.valueChanged,
                       self.start.dateChanged, self.end.dateChanged):
            signal.connect(self.changed)

    def _fill_parts(self, kind: PeriodKind) -> None:
        self.part.blockSignals(True)
        self.part.clear()
        if kind is PeriodKind.MONTH:
            for month in range(1, 13):
                self.part.addItem(f"Tháng {month}", month)
        elif kind is PeriodKind.QUARTER:
            for number, roman in enumerate(ROMAN, start=1):
                self.part.addItem(f"Quý {roman}", number)
        elif kind is PeriodKind.HALF:
            self.part.addItem("6 tháng đầu năm", 1)
            self.part.addItem("6 tháng cuối năm", 2)
        self.part.blockSignals(False)
        ranged = kind is PeriodKind.RANGE
        self.part.setVisible(kind not in (PeriodKind.YEAR, PeriodKind.RANGE))
        self.year.setVisible(not ranged)
        for widget in self._range_widgets:
            widget.setVisible(ranged)

    def _kind(self) -> PeriodKind:
        return PeriodKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        self._fill_parts(self._kind())
        self.changed.emit()

    def set_period(self, period: Period) -> None:
        for widget in (self.kind, self.part, self.year, self.start, self.end):
            widget.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(str(period.kind)))
        self._fill_parts(period.kind)
        self.part.setCurrentIndex(max(self.part.findData(period.number), 0))
        self.year.setValue(period.start.year)
        self.start.setDate(QDate(period.start.year, period.start.month, period.start.day))
        self.end.setDate(QDate(period.end.year, period.end.month, period.end.day))
        for widget in (self.kind, self.part, self.year, self.start, self.end):
            widget.blockSignals(False)
        self.changed.emit()

    def period(self) -> Period:
        kind = self._kind()
        year, part = self.year.value(), self.part.currentData()
        if kind is PeriodKind.MONTH:
            return Period.month(year, part)
        if kind is PeriodKind.QUARTER:
            return Period.quarter(year, part)
        if kind is PeriodKind.HALF:
            return Period.half(year, part)
        if kind is PeriodKind.YEAR:
            return Period.year_of(year)
        return Period.between(to_date(self.start.date()), to_date(self.end.date()))


def form_table(model: FormTableModel, stretch_last: bool = False) -> QTableView:
    """A form's table: headers wrapped, each column as wide as in the workbook."""
    view = QTableView()
    view.setModel(model)
    view.setWordWrap(True)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter
                               | Qt.AlignmentFlag(Qt.TextFlag.TextWordWrap.value))
    header.setMinimumHeight(HEADER_HEIGHT)
    header.setStretchLastSection(stretch_last)

    def fit() -> None:
        for index, column in enumerate(model.columns()):
            view.setColumnWidth(index, int(column.width * PIXELS_PER_WIDTH))

    model.modelReset.connect(fit)
    fit()
    return view


def last_month(today: date) -> Period:
    """The monthly report is written in the days after the month it covers."""
    return Period.month(today.year - 1, 12) if today.month == 1 else Period.month(
        today.year, today.month - 1)


@dataclass(frozen=True)
class _Computed:
    figures: ReportFigures
    draft: str


class ChildrenRowsReview(Dialog):
    """Before the figures are frozen: every row of form 03 about a case with children, as
    it will be printed, for the officer to read once more."""

    def __init__(self, form: Form, prefs: UiPrefs | None, parent: QWidget | None = None) -> None:
        super().__init__("Đọc lại các dòng có trẻ em", prefs, "children-rows-review", parent)
        note = QLabel(
            f"Báo cáo có {format_number(len(form.rows))} dòng về vụ việc có trẻ em hoặc đối "
            "tượng dưới 16 tuổi. Dưới đây là đúng các dòng đó như sẽ in trong báo cáo gửi "
            "Sở. Hãy đọc lại một lượt: nếu còn chi tiết có thể nhận ra trẻ em (tên gọi khác, "
            "biệt danh, tên người thân, nơi ở…), hãy đóng cửa sổ này, sửa vụ việc rồi chốt "
            "lại.")
        note.setWordWrap(True)
        self.model = FormTableModel(form, self)
        self.table = form_table(self.model)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton("Đã đọc lại — chốt số liệu",
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Quay lại", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        if prefs is None or prefs.bytes("geometry/children-rows-review") is None:
            self.resize(1200, 560)


class ReportScreen(QWidget):
    """Put in a tab by the main window. `exported(folder)` after each export."""

    exported = Signal(object)  # the folder
    sent = Signal(object)  # SentReportRecord
    failed = Signal(str)

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 prefs: UiPrefs | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor, self._runner, self._prefs = db, actor, runner, prefs
        self._figures: ReportFigures | None = None
        self._draft = ""
        self._setting_text = False
        self.narrative_edited = False
        self.last_folder: Path | None = None
        self._sent: list[SentReportRecord] = []

        self.picker = PeriodPicker(last_month(date.today()))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.models = [FormTableModel(parent=self) for _ in range(3)]
        self.register_model = FormTableModel(register_form([]), self)
        self.tabs = QTabWidget()
        for model, title in zip(self.models, ("Biểu 01 — Tổng hợp", "Biểu 02 — Theo nền tảng",
                                              "Phụ lục — Danh sách vụ việc"), strict=True):
            self.tabs.addTab(form_table(model), title)
        self.tabs.addTab(self._text_page(), "Nội dung báo cáo")
        self.tabs.addTab(form_table(self.register_model, stretch_last=True),
                         "Sổ báo cáo đã gửi")

        self.export_xlsx = QPushButton("Xuất Excel…")
        self.export_pdf = QPushButton("Xuất PDF…")
        self.send_button = QPushButton("Chốt số liệu…")
        self.open_folder_button = QPushButton("Mở thư mục")
        self.open_folder_button.setEnabled(False)
        self.export_xlsx.clicked.connect(lambda: self._ask_file(".xlsx", "Excel (*.xlsx)"))
        self.export_pdf.clicked.connect(lambda: self._ask_file(".pdf", "PDF (*.pdf)"))
        self.send_button.clicked.connect(self._ask_send)
        self.open_folder_button.clicked.connect(self.open_folder)
        for button, permission in ((self.export_xlsx, Permission.REPORT),
                                   (self.export_pdf, Permission.REPORT),
                                   (self.send_button, Permission.SEND_REPORT)):
            if not actor.can(permission):
                button.setEnabled(False)
                button.setToolTip("Tài khoản của bạn không có quyền này.")
        self.progress = ProgressPanel()
        buttons = QHBoxLayout()
        for widget in (self.export_xlsx, self.export_pdf, self.send_button,
                       self.open_folder_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.progress)

        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.picker.changed.connect(self._refresh_timer.start)
        # Computed when first shown, not while the register loads at start-up.
        self._computed = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._computed:
            self._computed = True
            self.refresh()
            self.refresh_register()

    # Building ------------------------------------------------------------------------

    def _text_page(self) -> QWidget:
        self.number = QLineEdit()
        self.number.setPlaceholderText("để trống nếu văn thư cấp số sau")
        self.issue_date = QDateEdit(QDate.currentDate())
        self.issue_date.setCalendarPopup(True)
        self.issue_date.setDisplayFormat("dd/MM/yyyy")
        self.narrative = QPlainTextEdit()
        self.narrative.textChanged.connect(self._narrative_changed)
        redraft = QPushButton("Soạn lại từ số liệu")
        redraft.clicked.connect(self.use_draft)
        form = QFormLayout()
        form.addRow("Số báo cáo:", self.number)
        form.addRow("Ngày ban hành:", self.issue_date)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(QLabel("Nội dung (mỗi dòng một đoạn; tên trẻ em được thay bằng chữ "
                                "cái đầu khi xuất):"))
        layout.addWidget(self.narrative, 1)
        layout.addWidget(redraft, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    # Figures ---------------------------------------------------------------------------

    def period(self) -> Period:
        return self.picker.period()

    def figures(self) -> ReportFigures | None:
        return self._figures

    def refresh(self) -> None:
        """Compute the figures of the chosen period off the UI thread."""
        try:
            period = self.period()
        except UserError as exc:  # a range that ends before it starts
            self.summary.setText(exc.message)
            return
        db = self._db

        def task(_p: Progress, _t: CancelToken) -> _Computed:
            figures = compute_figures(db, period)
            return _Computed(figures, draft(figures, load_office(db)))

        self.summary.setText(f"Đang tính số liệu {period.phrase}…")
        self._runner.start(task, on_success=self._show, on_failure=self._show_failure)

    def _show(self, computed: _Computed) -> None:
        figures = computed.figures
        if figures.period != self.period():
            return  # the officer chose another period meanwhile
        self._figures, self._draft = figures, computed.draft
        for model, form in zip(self.models, all_forms(figures), strict=True):
            model.set_form(form)
        if not self.narrative_edited:
            self.use_draft()
        total = figures.summary.total
        self.summary.setText(
            f"{figures.period.label}: phát hiện {format_number(total.detected)} vụ, "
            f"gỡ bỏ {format_number(total.removed)}, xử phạt {format_number(total.sanctioned)} "
            f"({format_money(total.fines)}), kết thúc {format_number(total.closed)}, "
            f"tồn cuối kỳ {format_number(total.carried_out)}; "
            f"{format_number(len(figures.cases))} vụ việc trong phụ lục.")

    def _show_failure(self, message: str) -> None:
        self.summary.setText(message)
        for model in self.models:
            model.set_form(None)

    def use_draft(self) -> None:
        self._setting_text = True
        self.narrative.setPlainText(self._draft)
        self._setting_text = False
        self.narrative_edited = False

    def _narrative_changed(self) -> None:
        if not self._setting_text:
            self.narrative_edited = True

    def report_text(self) -> ReportText:
        return ReportText(self.number.text(), to_date(self.issue_date.date()),
                          self.narrative.toPlainText())

    # Exports -------------------------------------------------------------------------

    def _run(self, title: str, task: TaskFunction, on_success: Callable[[Any], None]) -> None:
        token = self._runner.start(task, on_success=on_success, on_failure=self.show_error,
                                   on_progress=self.progress.show_progress,
                                   on_finished=self.progress.end)
        self.progress.begin(title, token)

    def _ask_file(self, suffix: str, filter_text: str) -> None:
        folder = self.last_folder or Path.home()
        name, _ = QFileDialog.getSaveFileName(self, "Lưu báo cáo",
                                              str(folder / default_file(self.period(), suffix)),
                                              filter_text)
        if name:
            path = Path(name)
            self.export(Targets(xlsx=path) if suffix == ".xlsx" else Targets(pdf=path))

    def export_to(self, folder: Path) -> None:
        """Excel and PDF with their default names in `folder` (no dialog)."""
        period = self.period()
        self.export(Targets(folder / default_file(period, ".xlsx"),
                            folder / default_file(period, ".pdf")))

    def export(self, targets: Targets) -> None:
        db, actor, period, text = self._db, self._actor, self.period(), self.report_text()

        def task(progress: Progress, token: CancelToken) -> Targets:
            export_report(db, actor, period, targets, text=text, progress=progress, token=token)
            return targets

        self._run("Đang xuất báo cáo", task, self._exported)

    def _exported(self, targets: Targets) -> None:
        self.last_folder = targets.paths[0].parent
        self.open_folder_button.setEnabled(True)
        self.summary.setText("Đã xuất: " + ", ".join(p.name for p in targets.paths) + ".")
        self.exported.emit(self.last_folder)

    def open_folder(self) -> None:
        if self.last_folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_folder)))

    # The register ----------------------------------------------------------------------

    def _ask_send(self) -> None:
        period = self.period()
        figures = self._figures
        if figures is None or figures.period != period:
            self.show_error(f"Số liệu {period.phrase} đang được tính; hãy chờ bảng số liệu "
                            "hiện ra rồi chốt.")
            return
        rows = children_rows(figures)
        if rows.rows and ChildrenRowsReview(rows, self._prefs, self).exec() != (
                QDialog.DialogCode.Accepted):
            return
        already = [r for r in self._sent if r.period == period]
        reason: str | None = None
        if already:
            reason, ok = QInputDialog.getText(
                self, "Phát hành lại báo cáo",
                f"Báo cáo {period.phrase} đã chốt (số {already[0].number}). Lý do phát hành "
                "lại:")
            if not ok or not reason.strip():
                return
        elif not rows.rows and QMessageBox.question(
                self, "Chốt số liệu",
                f"Chốt số liệu và đánh số báo cáo {period.phrase}? Sau khi chốt, số liệu, nội "
                "dung và tệp của báo cáo được giữ nguyên; muốn sửa phải phát hành lại."
        ) != QMessageBox.StandardButton.Yes:
            return
        self.send(reason)

    def send(self, reason: str | None = None) -> None:
        """Mark the report as sent (or re-issue it with `reason`), off the UI thread."""
        db, actor, period, text = self._db, self._actor, self.period(), self.report_text()

        def task(progress: Progress, token: CancelToken) -> SentReportRecord:
            return report_register.send_report(db, actor, period, text, reason=reason,
                                               progress=progress, token=token)

        self._run("Đang chốt số liệu", task, self._sent_done)

    def _sent_done(self, record: SentReportRecord) -> None:
        self.last_folder = self._db.paths.reports
        self.open_folder_button.setEnabled(True)
        self.summary.setText(f"Đã chốt báo cáo {record.label}, số {record.number}, "
                             f"phiên bản {record.version}.")
        self.refresh_register()
        self.sent.emit(record)

    def refresh_register(self) -> None:
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> list[SentReportRecord]:
            return report_register.list_sent_reports(db, actor)

        self._runner.start(task, on_success=self._show_register, on_failure=self.show_error)

    def _show_register(self, records: list[SentReportRecord]) -> None:
        self._sent = records
        self.register_model.set_form(register_form(records))

    def show_error(self, message: str) -> None:
        self.failed.emit(message)
        QMessageBox.warning(self, "Không thực hiện được", message)
