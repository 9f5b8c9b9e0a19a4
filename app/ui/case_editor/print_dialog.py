"""`In phiếu`: where to save the case printout, whether a leader shows children in full;
then the file can be opened."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.services.actor import Actor, Permission
from app.services.case_sheet import default_path, print_case_sheet
from app.services.progress import CancelToken, Progress
from app.services.records import CaseDetail
from app.ui.task_dialog import TaskDialog

PDF_FILTER = "Tài liệu PDF (*.pdf)"
UNMASK_TEXT = "Hiện đầy đủ thông tin trẻ em"
MASKED_HINT = ("Trẻ em chỉ hiện chữ cái đầu của họ tên, tuổi và giới tính; tên trẻ trong các "
               "nội dung được thay bằng chữ cái đầu. Việc in được ghi vào nhật ký.")
UNMASKED_HINT = ("Phiếu sẽ có họ tên, trường lớp, địa chỉ của trẻ em: chỉ dùng trong cơ quan. "
                 "Việc in và lựa chọn này được ghi vào nhật ký.")
LEADERS_ONLY = "Chỉ lãnh đạo, quản trị được in đầy đủ thông tin trẻ em."


class PrintDialog(TaskDialog):
    def __init__(self, db: Database, actor: Actor, detail: CaseDetail, unsaved: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor, self._case_id = db, actor, detail.id
        self.written: Path | None = None
        self.setWindowTitle(f"In phiếu thông tin vụ việc {detail.code}")
        self.path = QLineEdit(str(default_path(db.paths, detail.code)))
        choose = QPushButton("Chọn…")
        choose.clicked.connect(self.choose_file)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(choose)
        self.unmask = QCheckBox(UNMASK_TEXT)
        self.unmask.setEnabled(actor.can(Permission.UNMASK_CHILDREN))
        if not self.unmask.isEnabled():
            self.unmask.setToolTip(LEADERS_ONLY)
        self.hint = QLabel(MASKED_HINT)
        self.hint.setWordWrap(True)
        self.unmask.toggled.connect(
            lambda full: self.hint.setText(UNMASKED_HINT if full else MASKED_HINT))
        self.print_button = QPushButton("In phiếu")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_sheet)
        self.open_button = QPushButton("Mở tệp")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_file)
        close = QPushButton("Đóng")
        close.clicked.connect(self.reject)
        if unsaved:
            self.summary.setText("Vụ việc có thay đổi chưa lưu: phiếu in theo bản đã lưu.")

        form = QFormLayout()
        form.addRow("Lưu vào tệp:", where)
        form.addRow(self.unmask)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.print_button, self.open_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.summary)
        layout.addLayout(self.progress_row())
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        self._set_running(False)

    def choose_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Lưu phiếu thông tin vụ việc",
                                              self.path.text(), PDF_FILTER)
        if name:
            self.path.setText(name)

    def print_sheet(self) -> None:
        """Write the printout off the UI thread (a refusal is shown in the dialog)."""
        text = self.path.text().strip()
        if not text:
            self.summary.setText("Chưa chọn nơi lưu phiếu: hãy ghi tên tệp PDF hoặc bấm «Chọn…».")
            return
        target = Path(text)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        db, actor, case_id, unmask = self._db, self._actor, self._case_id, self.unmask.isChecked()

        def work(_p: Progress, token: CancelToken) -> Path:
            return print_case_sheet(db, actor, case_id, target, unmask_children=unmask,
                                    token=token)

        self.summary.setText(f"Đang in phiếu vào {target}…")
        self.run(work, self._done)

    def _done(self, path: Path) -> None:
        self.written = path
        self.summary.setText(f"Đã lưu phiếu vào {path}. Bấm «Mở tệp» để xem, in ra giấy.")
        self._set_running(False)
        self.open_button.setEnabled(True)
        self.open_button.setDefault(True)
        self.open_button.setFocus()

    def open_file(self) -> None:
        if self.written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written)))

    def update_buttons(self, running: bool) -> None:
        self.print_button.setEnabled(not running)
