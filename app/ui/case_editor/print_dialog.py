"""`In phiếu`: the case printout previewed, printed on the system's printer, or saved as a
PDF where the user chooses; a leader may show children in full.

Printing leaves no file: the printer gets the pages from memory. A printout in full is
saved only outside the data folder, after a warning (the service refuses the data folder:
a purge of the case would not find it there).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from app.progress import CancelToken, Progress
from app.services.actor import Actor, Permission
from app.services.case_sheet import case_sheet_printout, default_path, print_case_sheet
from app.services.data_folder import Database
from app.services.records import CaseDetail
from app.ui.printing import PrintoutDialog, documents_folder
from app.ui.tasks import TaskFunction

UNMASK_TEXT = "Hiện đầy đủ thông tin trẻ em"
MASKED_HINT = ("Trẻ em chỉ hiện chữ cái đầu của họ tên, tuổi và giới tính; tên trẻ trong các "
               "nội dung được thay bằng chữ cái đầu. Việc in được ghi vào nhật ký.")
UNMASKED_HINT = ("Phiếu sẽ có họ tên, trường lớp, địa chỉ của trẻ em: chỉ dùng trong cơ quan. "
                 "In ra giấy không để lại tệp nào trên máy; «Lưu PDF…» chỉ lưu ra ngoài thư mục "
                 "dữ liệu của chương trình, sau một lời nhắc. Việc in và lựa chọn này được ghi "
                 "vào nhật ký.")
SAVE_WARNING = ("Tệp phiếu sẽ có họ tên, ngày sinh, trường lớp, địa chỉ của trẻ em.\n\n"
                "Chỉ lưu vào máy hoặc thư mục của cơ quan. Không gửi tệp qua mạng xã hội, thư "
                "điện tử, không chép ra USB hay mang ra khỏi cơ quan. Khi vụ việc bị xóa hẳn, "
                "chương trình không xóa được tệp này: người lưu phải tự hủy.\n\nVẫn lưu tệp?")
LEADERS_ONLY = "Chỉ lãnh đạo, quản trị được in đầy đủ thông tin trẻ em."


class PrintDialog(PrintoutDialog):
    def __init__(self, db: Database, actor: Actor, detail: CaseDetail, unsaved: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"In phiếu thông tin vụ việc {detail.code}",
                         f"phiếu thông tin vụ việc {detail.code}", parent, min_width=560)
        self._db, self._actor, self._case_id, self._code = db, actor, detail.id, detail.code
        self.unmask = QCheckBox(UNMASK_TEXT)
        self.unmask.setEnabled(actor.can(Permission.UNMASK_CHILDREN))
        if not self.unmask.isEnabled():
            self.unmask.setToolTip(LEADERS_ONLY)
        self.hint = QLabel(MASKED_HINT)
        self.hint.setWordWrap(True)
        self.unmask.toggled.connect(
            lambda full: self.hint.setText(UNMASKED_HINT if full else MASKED_HINT))
        if unsaved:
            self.message.working("Vụ việc có thay đổi chưa lưu: phiếu in theo bản đã lưu.")

        layout = QVBoxLayout(self)
        layout.addWidget(self.unmask)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addLayout(self.progress_row())
        layout.addLayout(self.buttons())
        self._set_running(False)

    def printout(self) -> TaskFunction:
        db, actor, case_id, unmask = self._db, self._actor, self._case_id, self.unmask.isChecked()

        def work(_p: Progress, token: CancelToken) -> bytes:
            return case_sheet_printout(db, actor, case_id, unmask_children=unmask, token=token)

        return work

    def save(self, path: Path) -> TaskFunction:
        db, actor, case_id, unmask = self._db, self._actor, self._case_id, self.unmask.isChecked()

        def work(_p: Progress, token: CancelToken) -> Path:
            return print_case_sheet(db, actor, case_id, path, unmask_children=unmask,
                                    token=token)

        return work

    def suggested_path(self) -> Path:
        """A masked printout in the data folder's exports/ (a purge of the case removes it
        there); one in full in the documents folder."""
        masked = default_path(self._db.paths, self._code)
        if not self.unmask.isChecked():
            return masked
        return documents_folder() / f"{masked.stem}-day-du.pdf"

    def may_save(self) -> bool:
        if not self.unmask.isChecked():
            return True
        return QMessageBox.warning(
            self, "Lưu phiếu có thông tin trẻ em", SAVE_WARNING,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel) == QMessageBox.StandardButton.Yes
