"""The `Báo cáo` screen: pick a period, see the three forms, edit the text, export, send.

Figures, exports and the register all run off the UI thread through the
TaskRunner; the screen only shows what the report services return. A frozen
period says so above its forms ("Đã chốt số …"), with the cells of forms 01 and 02
whose figure changed since.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.periods import Period
from app.domain.report import ReportFigures, ReportText
from app.domain.report_forms import all_forms
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.services.actor import Actor
from app.services.data_folder import Database
from app.services.report_export import ReportDraft, counts_by_cut_off, draft_report
from app.services.report_register import SentReportRecord
from app.text import format_date, format_money, format_number
from app.ui.data_change import DataChange, DataKind
from app.ui.prefs import UiPrefs
from app.ui.report.actions import ReportActions
from app.ui.report.form_table import FormTableModel, form_table
from app.ui.report.period_picker import PeriodPicker, last_month
from app.ui.report.text_page import ReportTextPage
from app.ui.tasks import TaskRunner

REFRESH_DELAY_MS = 250
# The changed cells listed above the forms; the others are counted (all in the tooltip).
LISTED_DIFFERENCES = 5


def frozen_words(record: SentReportRecord) -> str:
    """`Đã chốt số 12/BC-VHXH ngày 03/11/2026 (phiên bản 1; Lanhdao chốt lúc …)`."""
    return (f"Đã chốt số {record.number} ngày {format_date(record.issue_date)} (phiên bản "
            f"{record.version}; {record.sent_by_name} chốt lúc "
            f"{record.sent_at.astimezone():%H:%M %d/%m/%Y}).")


class ReportScreen(QWidget):
    """Put in a tab by the main window; what is done with the report is in `action_bar`."""

    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 prefs: UiPrefs | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor, self._runner = db, actor, runner
        self._figures: ReportFigures | None = None

        cut_off = counts_by_cut_off(db)
        self.picker = PeriodPicker(last_month(date.today(), cut_off=cut_off))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.frozen_note = QLabel()  # "Đã chốt số …" and the differences since
        self.frozen_note.setWordWrap(True)
        self.frozen_note.setStyleSheet("QLabel { background: #fff4ce; padding: 4px; }")
        self.frozen_note.setVisible(False)
        self.models = [FormTableModel(parent=self) for _ in range(3)]
        self.text = ReportTextPage()
        self.action_bar = ReportActions(self, db, actor, runner, prefs)
        self.action_bar.done.connect(self.summary.setText)
        self.action_bar.sent.connect(lambda _record: self.refresh())  # now frozen: shown
        self.tabs = QTabWidget()
        for model, title in zip(self.models, ("Biểu 01 — Tổng hợp", "Biểu 02 — Theo nền tảng",
                                              "Phụ lục — Danh sách vụ việc"), strict=True):
            self.tabs.addTab(form_table(model), title)
        self.tabs.addTab(self.text, "Nội dung báo cáo")
        self.tabs.addTab(self._register_page(), "Sổ báo cáo đã gửi")

        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(self.summary)
        layout.addWidget(self.frozen_note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.action_bar)

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
            self.action_bar.refresh_register()

    def refresh_for(self, change: DataChange) -> None:
        """Cases changed (a frozen month's among them, perhaps): the figures and their
        differences from the frozen report computed again, now if on screen, else when next
        shown."""
        if not change.concerns(DataKind.CASES, DataKind.OFFICE, DataKind.VOCABULARY):
            return
        self._computed = False
        if self.isVisible():
            self._computed = True
            self.refresh()

    def _register_page(self) -> QWidget:
        """The register's table, and the files of the chosen version as sent."""
        self.register_table = form_table(self.action_bar.register_model, stretch_last=True)
        self.register_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.register_table.activated.connect(
            lambda index: self.action_bar.open_sent(index.row()))
        self.open_sent_pdf = QPushButton("Mở bản PDF đã gửi")
        self.open_sent_xlsx = QPushButton("Mở bản Excel đã gửi")
        self.open_sent_pdf.clicked.connect(lambda: self._open_sent(pdf=True))
        self.open_sent_xlsx.clicked.connect(lambda: self._open_sent(pdf=False))
        self.take_return = QPushButton("Nhận thông báo trả lại…")
        self.take_return.setToolTip("Tệp .svptl cấp trên gửi khi trả lại một báo cáo: lý do "
                                    "hiện trong sổ, trả lời bằng «Phát hành lại…».")
        self.take_return.clicked.connect(self._ask_return)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_sent_pdf)
        buttons.addWidget(self.open_sent_xlsx)
        buttons.addStretch(1)
        buttons.addWidget(self.take_return)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.register_table, 1)
        layout.addLayout(buttons)
        return page

    def _ask_return(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Nhận thông báo trả lại báo cáo",
                                              str(Path.home()), "Thông báo trả lại (*.svptl)")
        if name:
            self.action_bar.take_return(Path(name))

    def _open_sent(self, *, pdf: bool) -> None:
        index: QModelIndex = self.register_table.currentIndex()
        if not index.isValid():
            self.summary.setText("Hãy chọn một báo cáo trong sổ rồi mở.")
            return
        self.action_bar.open_sent(index.row(), pdf=pdf)

    def period(self) -> Period:
        return self.picker.period()

    def figures(self) -> ReportFigures | None:
        return self._figures

    def report_text(self) -> ReportText:
        return self.text.report_text()

    def refresh(self) -> None:
        """Compute the figures of the chosen period off the UI thread."""
        try:
            period = self.period()
        except UserError as exc:  # a range that ends before it starts
            self.summary.setText(exc.message)
            return
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> ReportDraft:
            return draft_report(db, actor, period)

        self.summary.setText(f"Đang tính số liệu {period.phrase}…")
        self._runner.start(task, on_success=self._show, on_failure=self._show_failure)

    def _show(self, computed: ReportDraft) -> None:
        figures = computed.figures
        try:
            if figures.period != self.period():
                return  # the officer chose another period meanwhile
        except UserError:
            return  # or is typing one
        self._figures = figures
        for model, form in zip(self.models, all_forms(figures), strict=True):
            model.set_form(form)
        self.text.set_draft(computed.narrative)
        self._show_frozen(computed)
        total = figures.summary.total
        self.summary.setText(
            f"{figures.period.label}: phát hiện {format_number(total.detected)} vụ, "
            f"gỡ bỏ {format_number(total.removed)}, xử phạt {format_number(total.sanctioned)} "
            f"({format_money(total.fines)}), kết thúc {format_number(total.closed)}, "
            f"tồn cuối kỳ {format_number(total.carried_out)}; "
            f"{format_number(len(figures.cases))} vụ việc trong phụ lục.")

    def _show_frozen(self, computed: ReportDraft) -> None:
        self.action_bar.show_frozen(computed.sent)
        self.text.show_frozen_number(computed.sent.record.number if computed.sent else None)
        self.frozen_note.setVisible(computed.sent is not None)
        if computed.sent is None:
            self.frozen_note.clear()
            return
        changed = computed.differences
        words = [c.words for c in changed]
        if not changed:
            since = "Số liệu hôm nay khớp với số liệu đã chốt."
        else:
            since = (f"Số liệu hôm nay khác số liệu đã chốt ở {format_number(len(changed))} ô "
                     "(muốn gửi số liệu mới, hãy «Phát hành lại»):\n• "
                     + "\n• ".join(words[:LISTED_DIFFERENCES]))
            if len(words) > LISTED_DIFFERENCES:
                since += f"\n… và {format_number(len(words) - LISTED_DIFFERENCES)} ô khác."
        self.frozen_note.setText(f"{frozen_words(computed.sent.record)} Xuất Excel, PDF cho "
                                 f"đúng tệp đã gửi. {since}")
        self.frozen_note.setToolTip("\n".join(words))

    def _show_failure(self, message: str) -> None:
        self.summary.setText(message)
        self.frozen_note.setVisible(False)
        for model in self.models:
            model.set_form(None)
