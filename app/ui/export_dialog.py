"""`Tệp → Xuất toàn bộ vụ việc…`: every case with every field, event and child, to Excel.

Only an administrator may export (children's names are in full). When the cases hold a
child, the file must have a strong password (Excel and LibreOffice ask for it when
opening it), a purpose and a recipient; the service checks that before the file is
picked, and its messages are shown under the fields they concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import TRANSFER_BY_KEY
from app.domain.passwords import FILE_PASSWORD_RULE
from app.errors import UserError, ValidationError
from app.progress import CancelToken, Progress
from app.services.actor import Actor
from app.services.data_folder import Database
from app.services.exporting import ExportResult, check_export, export_cases
from app.ui.dates import DateEntry, entries_ready
from app.ui.import_dialog import EXCEL_FILTER
from app.ui.task_dialog import TaskDialog
from app.ui.widgets import FieldError, with_error

MISMATCH = "Hai lần nhập mật khẩu không khớp."
FIELDS_REFUSED = "Chưa xuất: hãy xem các thông báo màu đỏ dưới từng ô."


@dataclass(frozen=True)
class _Request:
    date_from: date | None
    date_to: date | None
    file_password: str | None
    purpose: str
    recipient: str


class ExportDialog(TaskDialog):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("Xuất toàn bộ vụ việc", parent=parent, min_width=560)
        self._db = db
        self._actor = actor
        self.export_result: ExportResult | None = None

        today = date.today()
        self.period = QCheckBox("Chỉ các vụ việc phát hiện trong khoảng")
        self.date_from = DateEntry(today.replace(month=1, day=1))
        self.date_to = DateEntry(today)
        self.period.toggled.connect(self._update_fields)
        self.password = QLineEdit()
        self.password_again = QLineEdit()
        for field in (self.password, self.password_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setToolTip(FILE_PASSWORD_RULE)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("ví dụ: gửi Sở theo công văn số …")
        self.recipient = QLineEdit()
        self.recipient.setPlaceholderText("cơ quan, người nhận tệp")

        notice = QLabel("Tệp xuất có đầy đủ họ tên trẻ em và thông tin đối tượng. Khi các vụ "
                        "việc có thông tin trẻ em (trẻ em liên quan, hoặc đối tượng dưới 16 "
                        "tuổi), tệp bắt buộc có mật khẩu mở tệp, mục đích và nơi nhận; để trống "
                        "mật khẩu chỉ khi không có. Việc xuất được ghi vào nhật ký.")
        notice.setWordWrap(True)
        self.export_button = QPushButton("Xuất…")
        self.export_button.clicked.connect(self.choose_file)

        period = QHBoxLayout()
        period.addWidget(self.date_from)
        period.addWidget(QLabel("đến"))
        period.addWidget(self.date_to)
        period.addStretch(1)
        form = QFormLayout()
        form.addRow(self.period)
        form.addRow("Từ ngày:", period)
        self.errors: dict[str, FieldError] = {}
        for label, field, key in (("Mật khẩu mở tệp:", self.password, "file_password"),
                                  ("Nhập lại mật khẩu:", self.password_again, "password_again"),
                                  (f"{TRANSFER_BY_KEY['purpose'].label}:", self.purpose,
                                   "purpose"),
                                  (f"{TRANSFER_BY_KEY['recipient'].label}:", self.recipient,
                                   "recipient")):
            box, self.errors[key] = with_error(field)
            # Taller than its hint when the message is long (the password rule).
            box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            form.addRow(label, box)
        layout = QVBoxLayout(self)
        layout.addWidget(notice)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(self.progress_row())
        layout.addLayout(self.button_row(self.export_button))
        self._update_fields()
        self._set_running(False)

    def _update_fields(self) -> None:
        for widget in (self.date_from, self.date_to):
            widget.setEnabled(self.period.isChecked())

    def _request(self) -> _Request | None:
        """What the fields ask for, or None (and the message) when a date does not read or
        the passwords differ."""
        for error in self.errors.values():
            error.show_message(None)
        self.message.clear()
        if not entries_ready(self):
            self._fit()
            return None
        password = self.password.text()
        if password != self.password_again.text():
            self.errors["password_again"].show_message(MISMATCH)
            self._fit()
            return None
        return _Request(
            self.date_from.value() if self.period.isChecked() else None,
            self.date_to.value() if self.period.isChecked() else None,
            password or None, self.purpose.text(), self.recipient.text())

    def choose_file(self) -> None:
        """Check the export first, so that a refusal comes before the file is picked."""
        request = self._request()
        if request is None:
            return
        db, actor = self._db, self._actor

        def work(_progress: Progress, _token: CancelToken) -> None:
            check_export(db, actor, date_from=request.date_from, date_to=request.date_to,
                         file_password=request.file_password, purpose=request.purpose,
                         recipient=request.recipient)

        self.run(work, lambda _none: self._pick_file(), self._refused)

    def _pick_file(self) -> None:
        self._set_running(False)
        name, _ = QFileDialog.getSaveFileName(self, "Xuất toàn bộ vụ việc",
                                              f"vu-viec-{date.today():%Y%m%d}.xlsx", EXCEL_FILTER)
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """Export to `path` off the UI thread (the button calls this after the picker)."""
        request = self._request()
        if request is None:
            return
        db, actor = self._db, self._actor

        def work(progress: Progress, token: CancelToken) -> ExportResult:
            return export_cases(db, actor, path, date_from=request.date_from,
                                date_to=request.date_to, file_password=request.file_password,
                                purpose=request.purpose, recipient=request.recipient,
                                progress=progress, token=token)

        self.message.working(f"Đang xuất vào {path}…")
        protected = request.file_password is not None
        self.run(work, lambda result: self._done(result, protected), self._refused)

    def _refused(self, error: UserError) -> None:
        if isinstance(error, ValidationError):
            for problem in error.problems:
                self.errors[problem.field].show_message(problem.message)

    def _failed(self, message: str) -> None:
        marked = any(error.text() for error in self.errors.values())
        super()._failed(FIELDS_REFUSED if marked else message)
        self._fit()

    def _fit(self) -> None:
        """Grow to show every message: a window does not grow by itself for wrapped text."""
        self.resize(self.width(), max(self.height(), self.heightForWidth(self.width())))

    def _done(self, result: ExportResult, protected: bool) -> None:
        self.export_result = result
        self.message.done(f"Đã xuất {result.count} vụ việc vào {result.path}"
                             + (" (có mật khẩu mở tệp)." if protected else "."))
        self._set_running(False)

    def update_buttons(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
