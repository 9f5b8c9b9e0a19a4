"""`In phiếu`: where to save the case printout, whether a leader shows children in full;
then the file can be opened.

A printout in full is opened from a viewer copy in the data folder's `.xem/` (removed at
lock and close), or saved where the leader chooses after a warning: never in exports/,
where it would outlive a purge of the case.
"""

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
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.progress import CancelToken, Progress
from app.services.actor import Actor, Permission
from app.services.case_sheet import default_path, print_case_sheet, viewer_path
from app.services.data_folder import Database
from app.services.records import CaseDetail
from app.ui.idle import on_screen
from app.ui.task_dialog import TaskDialog

PDF_FILTER = "Tài liệu PDF (*.pdf)"
UNMASK_TEXT = "Hiện đầy đủ thông tin trẻ em"
MASKED_HINT = ("Trẻ em chỉ hiện chữ cái đầu của họ tên, tuổi và giới tính; tên trẻ trong các "
               "nội dung được thay bằng chữ cái đầu. Việc in được ghi vào nhật ký.")
UNMASKED_HINT = ("Phiếu sẽ có họ tên, trường lớp, địa chỉ của trẻ em: chỉ dùng trong cơ quan. "
                 "Phiếu được mở ngay để xem và in ra giấy, không lưu lại (bản xem tạm tự xóa "
                 "khi khóa màn hình hoặc đóng chương trình); muốn lưu tệp, bấm «Chọn…». Việc in "
                 "và lựa chọn này được ghi vào nhật ký.")
VIEW_ONLY = "Chỉ mở để xem và in (không lưu tệp)"
SAVE_WARNING = ("Tệp phiếu sẽ có họ tên, ngày sinh, trường lớp, địa chỉ của trẻ em.\n\n"
                "Chỉ lưu vào máy hoặc thư mục của cơ quan. Không gửi tệp qua mạng xã hội, thư "
                "điện tử, không chép ra USB hay mang ra khỏi cơ quan. Khi vụ việc bị xóa hẳn, "
                "chương trình không xóa được tệp này: người lưu phải tự hủy.\n\nVẫn lưu tệp?")
GONE = ("Bản xem tạm đã được xóa (khi khóa màn hình hoặc đóng chương trình). Hãy bấm «In phiếu» "
        "để mở lại.")
LEADERS_ONLY = "Chỉ lãnh đạo, quản trị được in đầy đủ thông tin trẻ em."


class PrintDialog(TaskDialog):
    def __init__(self, db: Database, actor: Actor, detail: CaseDetail, unsaved: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"In phiếu thông tin vụ việc {detail.code}", parent=parent,
                         min_width=560)
        self._db, self._actor, self._case_id, self._code = db, actor, detail.id, detail.code
        self.written: Path | None = None
        self._masked_path = str(default_path(db.paths, detail.code))
        self.path = QLineEdit(self._masked_path)
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
        self.unmask.toggled.connect(self._unmasked)
        self.print_button = QPushButton("In phiếu")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_sheet)
        self.open_button = QPushButton("Mở tệp")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_file)
        if unsaved:
            self.message.working("Vụ việc có thay đổi chưa lưu: phiếu in theo bản đã lưu.")

        form = QFormLayout()
        form.addRow("Lưu vào tệp:", where)
        form.addRow(self.unmask)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addLayout(self.progress_row())
        layout.addLayout(self.button_row(self.print_button, self.open_button))
        self._set_running(False)

    def _unmasked(self, full: bool) -> None:
        """In full: a viewer copy unless the leader chooses a file; typed paths are masked."""
        self.hint.setText(UNMASKED_HINT if full else MASKED_HINT)
        if full:
            self._masked_path = self.path.text()
        self.path.setText("" if full else self._masked_path)
        self.path.setPlaceholderText(VIEW_ONLY if full else "")
        self.path.setReadOnly(full)

    def choose_file(self) -> None:
        if self.unmask.isChecked():
            if QMessageBox.warning(
                    self, "Lưu phiếu có thông tin trẻ em", SAVE_WARNING,
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                    QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Yes:
                return
            suggested = str(Path.home() / f"{default_path(self._db.paths, self._code).stem}"
                                          "-day-du.pdf")
            title = "Lưu phiếu có thông tin trẻ em (không mang ra khỏi cơ quan)"
        else:
            suggested, title = self.path.text(), "Lưu phiếu thông tin vụ việc"
        name, _ = QFileDialog.getSaveFileName(self, title, suggested, PDF_FILTER)
        if name:
            self.path.setText(name)

    def print_sheet(self) -> None:
        """Write the printout off the UI thread (a refusal is shown in the dialog)."""
        text = self.path.text().strip()
        unmask = self.unmask.isChecked()
        if not text and not unmask:
            self.message.error("Chưa chọn nơi lưu phiếu: hãy ghi tên tệp PDF hoặc bấm «Chọn…».")
            return
        target = Path(text) if text else viewer_path(self._db.paths, self._code)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        db, actor, case_id = self._db, self._actor, self._case_id

        def work(_p: Progress, token: CancelToken) -> Path:
            return print_case_sheet(db, actor, case_id, target, unmask_children=unmask,
                                    token=token)

        self.message.working("Đang in phiếu…" if not text else f"Đang in phiếu vào {target}…")
        self.run(work, self._done if text else self._done_for_viewer)

    def _done(self, path: Path) -> None:
        self.written = path
        self.message.done(f"Đã lưu phiếu vào {path}. Bấm «Mở tệp» để xem, in ra giấy.")
        self._set_running(False)
        self.open_button.setEnabled(True)
        self.open_button.setDefault(True)
        self.open_button.setFocus()

    def _done_for_viewer(self, path: Path) -> None:
        self._done(path)
        if not on_screen(self):  # locked meanwhile: the lock removed the other copies
            path.unlink(missing_ok=True)
            self.message.error(GONE)
            return
        self.message.done("Đã mở phiếu bằng chương trình xem để in ra giấy. Bản xem tạm "
                             "không được lưu lại: tự xóa khi khóa màn hình hoặc đóng chương "
                             "trình.")
        self.open_file()

    def open_file(self) -> None:
        if self.written is None:
            return
        if not self.written.is_file():
            self.message.error(GONE)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written)))

    def update_buttons(self, running: bool) -> None:
        self.print_button.setEnabled(not running)
