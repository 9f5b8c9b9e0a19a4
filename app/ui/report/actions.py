"""What the report screen does with a period's report: export it to Excel, PDF or Word, mark it
as sent ("chốt số liệu") into the register of sent reports once the rows about children
have been read again, re-issue a frozen one as a new version, open the files of any version
as sent and the folder written to. Each runs off the UI thread.

A frozen period exports the files of its newest version as sent (`export_report`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.exchange import ReportPackage
from app.domain.periods import Period
from app.domain.report import ReportFigures, ReportText
from app.domain.report_forms import Column, Form, Kind, children_rows
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.services import report_packages, report_register, report_reviews, unit_keys
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.services.report_export import Targets, export_report
from app.services.report_register import (
    SanctionPathBreaches,
    SentReportDetail,
    SentReportRecord,
    default_file,
)
from app.text import format_date
from app.ui.dialogs import Dialog
from app.ui.prefs import UiPrefs
from app.ui.progress_panel import ProgressPanel
from app.ui.report.children_review import ChildrenRowsReview
from app.ui.report.form_table import FormTableModel
from app.ui.tasks import TaskFunction, TaskRunner
from app.ui.widgets import open_outside

# The register's table, declared like a form so the same model shows it.
REGISTER_COLUMNS: tuple[Column, ...] = (
    Column("Kỳ báo cáo", Kind.TEXT, 24),
    Column("Số", Kind.TEXT, 14),
    Column("Ngày ban hành", Kind.DATE, 12),
    Column("Phiên bản", Kind.COUNT, 8),
    Column("Người chốt", Kind.TEXT, 18),
    Column("Thời điểm chốt", Kind.TEXT, 16),
    Column("Lý do phát hành lại", Kind.TEXT, 30),
    Column("Cấp trên trả lại", Kind.TEXT, 36),
)


def register_form(records: Sequence[SentReportRecord]) -> Form:
    rows = [(r.label, r.number, r.issue_date, r.version, r.sent_by_name,
             f"{r.sent_at.astimezone():%H:%M %d/%m/%Y}", r.reissue_reason or "",
             r.return_text)
            for r in records]
    return Form("", "Sổ báo cáo đã gửi", "", REGISTER_COLUMNS, rows, None)


class ShownReport(Protocol):
    """The report the screen shows, as the actions read it: `period` and `report_text`
    raise UserError when a year or a date typed does not read."""

    def period(self) -> Period: ...

    def figures(self) -> ReportFigures | None: ...

    def report_text(self) -> ReportText: ...


class BreachesDialog(Dialog):
    """"Chốt số liệu" refused: each case of the period whose sanctions break the law, with
    what is wrong, to open and correct."""

    def __init__(self, refused: SanctionPathBreaches, prefs: UiPrefs | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Chưa chốt được số liệu", prefs, "sanction_breaches", parent,
                         size=(760, 420))
        intro = QLabel(refused.message.split("\n", 1)[0])
        intro.setWordWrap(True)
        self.cases = QListWidget()
        self.cases.setWordWrap(True)
        for breach in refused.breaches:
            self.cases.addItem(f"{breach.code}: {' '.join(breach.problems)}")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.cases, 1)
        layout.addLayout(self.button_row())


class ReportActions(QWidget):
    """The row of buttons under the report, with the progress of what they run.
    `done(message)` says what was done; `exported(folder)` after each export."""

    exported = Signal(object)  # the folder
    sent = Signal(object)  # SentReportRecord
    failed = Signal(str)
    done = Signal(str)

    def __init__(self, report: ShownReport, db: Database, actor: Actor, runner: TaskRunner,
                 prefs: UiPrefs | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._report, self._db, self._actor = report, db, actor
        self._runner, self._prefs = runner, prefs
        self.last_folder: Path | None = None
        self._sent: list[SentReportRecord] = []
        # The newest version frozen of the period shown, None when it is not frozen.
        self.frozen: SentReportDetail | None = None
        # The cases that kept the last "chốt số liệu" from going through, when some did.
        self.breaches: BreachesDialog | None = None
        self.register_model = FormTableModel(register_form([]), self)

        self.export_xlsx = QPushButton("Xuất Excel…")
        self.export_pdf = QPushButton("Xuất PDF…")
        self.export_docx = QPushButton("Xuất Word…")
        self.send_button = QPushButton("Chốt số liệu…")
        self.reissue_button = QPushButton("Phát hành lại…")
        self.reissue_button.setToolTip("Chốt lại số liệu hôm nay thành phiên bản mới của báo "
                                       "cáo đã chốt, cùng số; phiên bản cũ giữ nguyên trong sổ.")
        self.reissue_button.setVisible(False)
        self.package_button = QPushButton("Lưu gói gửi cấp trên…")
        self.package_button.setVisible(False)
        self.open_folder_button = QPushButton("Mở thư mục")
        self.open_folder_button.setEnabled(False)
        self.export_xlsx.clicked.connect(
            self._said(lambda: self._ask_file(".xlsx", "Excel (*.xlsx)")))
        self.export_pdf.clicked.connect(self._said(lambda: self._ask_file(".pdf", "PDF (*.pdf)")))
        self.export_docx.clicked.connect(
            self._said(lambda: self._ask_file(".docx", "Word (*.docx)")))
        self.send_button.clicked.connect(self._said(self._ask_send))
        self.reissue_button.clicked.connect(self._said(self._ask_reissue))
        self.open_folder_button.clicked.connect(self.open_folder)
        self.package_button.clicked.connect(self._said(self._ask_package))
        if unit_keys.opens_own_keys(db, actor):
            self.package_button.setToolTip(
                "Gói báo cáo đã chốt, ký bằng khóa của đơn vị, gửi kèm bản PDF cho cấp trên "
                "(tệp .svpbc; không chứa tên trẻ em).")
        else:
            self.package_button.setEnabled(False)
            self.package_button.setToolTip("Chỉ quản trị viên lập được gói báo cáo: khóa ký của "
                                           "đơn vị chỉ mở trong phiên của quản trị viên.")
        for button, permission in ((self.export_xlsx, Permission.REPORT),
                                   (self.export_pdf, Permission.REPORT),
                                   (self.export_docx, Permission.REPORT),
                                   (self.send_button, Permission.SEND_REPORT),
                                   (self.reissue_button, Permission.SEND_REPORT)):
            if not actor.can(permission):
                button.setEnabled(False)
                button.setToolTip("Tài khoản của bạn không có quyền này.")
        self.progress = ProgressPanel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.export_xlsx, self.export_pdf, self.export_docx, self.send_button,
                       self.reissue_button, self.package_button, self.open_folder_button):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.progress)

    def _said(self, action: Callable[[], None]) -> Callable[[], None]:
        """`action`, saying why when the period or the issue date typed does not read."""
        def run() -> None:
            try:
                action()
            except UserError as exc:
                self.show_error(exc.message)
        return run

    def _run(self, title: str, task: TaskFunction, on_success: Callable[[Any], None],
             on_refused: Callable[[UserError], None] | None = None) -> None:
        token = self._runner.start(task, on_success=on_success, on_failure=self.show_error,
                                   on_refused=on_refused,
                                   on_progress=self.progress.show_progress,
                                   on_finished=self.progress.end)
        self.progress.begin(title, token)

    # Exports -------------------------------------------------------------------------

    def _ask_file(self, suffix: str, filter_text: str) -> None:
        folder = self.last_folder or Path.home()
        suggested = folder / default_file(self._report.period(), suffix)
        name, _ = QFileDialog.getSaveFileName(self, "Lưu báo cáo", str(suggested), filter_text)
        if name:
            self.export(Targets(**{suffix.removeprefix("."): Path(name)}))

    def export_to(self, folder: Path) -> None:
        """Excel and PDF with their default names in `folder` (no dialog)."""
        period = self._report.period()
        self.export(Targets(folder / default_file(period, ".xlsx"),
                            folder / default_file(period, ".pdf")))

    def export(self, targets: Targets) -> None:
        db, actor = self._db, self._actor
        period, text = self._report.period(), self._report.report_text()

        warnings: list[str] = []  # the office's Word template failed: drafted with the default

        def task(progress: Progress, token: CancelToken) -> Targets:
            export_report(db, actor, period, targets, text=text, progress=progress, token=token,
                          warn=warnings.append)
            return targets

        frozen = self.frozen.record if self.frozen else None  # what `export_report` writes
        self._run("Đang xuất báo cáo", task,
                  lambda done: self._exported(done, frozen, warnings))

    def _exported(self, targets: Targets, frozen: SentReportRecord | None,
                  warnings: Sequence[str]) -> None:
        self.last_folder = targets.paths[0].parent
        self.open_folder_button.setEnabled(True)
        names = ", ".join(p.name for p in targets.paths)
        self.done.emit(" ".join((
            f"Đã xuất bản đã chốt số {frozen.number} (phiên bản {frozen.version}), "
            f"đúng như đã gửi: {names}." if frozen else f"Đã xuất: {names}.", *warnings)))
        self.exported.emit(self.last_folder)

    def show_frozen(self, frozen: SentReportDetail | None) -> None:
        """The period shown is frozen (its newest version) or not: which of «Chốt số liệu» and
        «Phát hành lại» is offered, and what an export gives."""
        self.frozen = frozen
        self.send_button.setVisible(frozen is None)
        self.reissue_button.setVisible(frozen is not None)
        self.package_button.setVisible(frozen is not None)
        for button in (self.export_xlsx, self.export_pdf):
            if button.isEnabled():  # else it says the account may not
                button.setToolTip("Kỳ này đã chốt: xuất đúng tệp đã gửi (số, người ký, số "
                                  "liệu lúc chốt)." if frozen else "")
        if self.export_docx.isEnabled():
            self.export_docx.setToolTip(
                "Kỳ này đã chốt: tệp Word theo số, ngày, nội dung và số liệu lúc chốt."
                if frozen else "Báo cáo dạng Word để sửa lần cuối trước khi ký.")

    def _ask_package(self) -> None:
        period = self._report.period()
        folder = self.last_folder or Path.home()
        name, _ = QFileDialog.getSaveFileName(
            self, "Lưu gói báo cáo", str(folder / default_file(period, ".svpbc")),
            "Gói báo cáo (*.svpbc)")
        if name:
            self.write_package(Path(name))

    def write_package(self, target: Path) -> None:
        """The signed package of the period's newest frozen version, as `target`."""
        db, actor, period = self._db, self._actor, self._report.period()

        def task(_p: Progress, _t: CancelToken) -> ReportPackage:
            return report_packages.write_package(db, actor, period, target)

        def written(package: ReportPackage) -> None:
            self.last_folder = target.parent
            self.open_folder_button.setEnabled(True)
            self.done.emit(f"Đã ghi gói báo cáo số {package.number} (phiên bản "
                           f"{package.version}) vào {target.name}: gửi tệp này kèm bản PDF "
                           "đã ký cho cấp trên.")

        self._run("Đang lập gói báo cáo", task, written)

    def take_return(self, source: Path) -> None:
        """The province's note returning a report sent, taken in; the register shows it."""
        db, actor = self._db, self._actor

        def task(_p: Progress, _t: CancelToken) -> report_reviews.ReturnTaken:
            return report_reviews.receive_return(db, actor, source)

        def taken(result: report_reviews.ReturnTaken) -> None:
            note = result.note
            self.done.emit(
                f"Thông báo «{source.name}» đã nhận trước đây, không thay đổi gì."
                if result.outcome == "same" else
                f"{note.province.name} trả lại báo cáo số {note.number} (phiên bản "
                f"{note.version}): {note.reason}. Hãy sửa rồi bấm «Phát hành lại…».")
            self.refresh_register()

        self._run("Đang nhận thông báo trả lại", task, taken)

    def open_folder(self) -> None:
        if self.last_folder is not None and (refused := open_outside(self.last_folder)):
            self.show_error(refused)

    # The register ----------------------------------------------------------------------

    def _ask_send(self) -> None:
        period = self._report.period()
        figures = self._report.figures()
        if figures is None or figures.period != period:
            self.show_error(f"Số liệu {period.phrase} đang được tính; hãy chờ bảng số liệu "
                            "hiện ra rồi chốt.")
            return
        rows = children_rows(figures)
        if rows.rows and ChildrenRowsReview(rows, self._prefs, self).exec() != (
                QDialog.DialogCode.Accepted):
            return
        if not rows.rows and QMessageBox.question(
                self, "Chốt số liệu",
                f"Chốt số liệu và đánh số báo cáo {period.phrase}? Sau khi chốt, số liệu, nội "
                "dung và tệp của báo cáo được giữ nguyên; muốn sửa phải phát hành lại."
        ) != QMessageBox.StandardButton.Yes:
            return
        self.send()

    def _ask_reissue(self) -> None:
        if self.frozen is None:
            return
        record = self.frozen.record
        reason, ok = QInputDialog.getText(
            self, "Phát hành lại báo cáo",
            f"Báo cáo {record.period.phrase} đã chốt số {record.number} ngày "
            f"{format_date(record.issue_date)}. Phát hành lại thành phiên bản "
            f"{record.version + 1}, cùng số, với số liệu hôm nay, người ký và nội dung hiện "
            "tại; phiên bản cũ giữ nguyên trong sổ.\nLý do phát hành lại:")
        if ok and reason.strip():
            self.send(reason)

    def send(self, reason: str | None = None) -> None:
        """Mark the report as sent, or with `reason` re-issue it, off the UI thread."""
        db, actor = self._db, self._actor
        period, text = self._report.period(), self._report.report_text()

        def task(progress: Progress, token: CancelToken) -> SentReportRecord:
            if reason is None:
                return report_register.send_report(db, actor, period, text,
                                                   progress=progress, token=token)
            return report_register.reissue_report(db, actor, period, text, reason,
                                                  progress=progress, token=token)

        self._run("Đang chốt số liệu", task, self._sent_done, self._send_refused)

    def _send_refused(self, error: UserError) -> None:
        """Cases breaking the sanction path are listed (the message follows as a failure)."""
        self.breaches = None
        if isinstance(error, SanctionPathBreaches):
            self.breaches = BreachesDialog(error, self._prefs, self)
            self.breaches.open()

    def _sent_done(self, record: SentReportRecord) -> None:
        self.last_folder = self._db.paths.reports
        self.open_folder_button.setEnabled(True)
        self.done.emit(f"Đã chốt báo cáo {record.label}, số {record.number}, "
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

    def open_sent(self, row: int, *, pdf: bool = True) -> None:
        """Open the PDF (or the workbook) of the register's row `row` exactly as it was sent,
        written from the register into the data folder's `reports`."""
        if not 0 <= row < len(self._sent):
            return
        db, actor, record = self._db, self._actor, self._sent[row]

        def task(_p: Progress, _t: CancelToken) -> tuple[Path, Path]:
            return report_register.save_sent_files(db, actor, record.uuid)

        def written(paths: tuple[Path, Path]) -> None:
            path = paths[1] if pdf else paths[0]
            self.last_folder = path.parent
            self.open_folder_button.setEnabled(True)
            if (refused := open_outside(path)) is not None:
                self.show_error(refused)
                return
            self.done.emit(f"Đã mở báo cáo số {record.number}, phiên bản {record.version}, "
                           f"đúng như đã gửi: {path.name}.")

        self._runner.start(task, on_success=written, on_failure=self.show_error)

    def show_error(self, message: str) -> None:
        self.failed.emit(message)
        if self.breaches is None or self.breaches.isHidden():  # the list says it already
            QMessageBox.warning(self, "Không thực hiện được", message)
