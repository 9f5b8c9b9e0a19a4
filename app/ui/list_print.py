"""«In danh sách đang xem…»: the list as shown (filters, order, columns) previewed, printed
on the system's printer, or saved as a PDF."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.progress import CancelToken, Progress
from app.services import list_export
from app.services.actor import Actor
from app.services.case_list import ListColumn
from app.services.data_folder import Database
from app.text import format_number
from app.ui.printing import PrintoutDialog, documents_folder
from app.ui.tasks import TaskFunction

FILE_NAME = "danh-sach-vu-viec.pdf"


class ListPrintDialog(PrintoutDialog):
    def __init__(self, db: Database, actor: Actor, case_ids: Sequence[int],
                 columns: Sequence[ListColumn], parent: QWidget | None = None) -> None:
        super().__init__("In danh sách đang xem", "danh sách vụ việc", parent, min_width=480)
        self._db, self._actor = db, actor
        self._ids, self._columns = list(case_ids), list(columns)
        count = len(self._ids)
        text = (f"{format_number(count)} vụ việc đang hiển thị, theo bộ lọc, thứ tự và các cột "
                "đang xem; khổ A4 nằm ngang.")
        if count > list_export.PRINT_LIMIT:
            text += (f" Chỉ in {format_number(list_export.PRINT_LIMIT)} vụ việc đầu; danh sách "
                     "đầy đủ hãy xuất ra Excel.")
        text += (" Mỗi ô in tối đa hai dòng, phần dài hơn được cắt bớt: nội dung đầy đủ có "
                 "trong tệp Excel.")
        if not count:
            text = "Danh sách đang xem không có vụ việc nào: không có gì để in. Hãy bỏ bớt bộ lọc."
        self.summary = QLabel(text)
        self.summary.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addLayout(self.progress_row())
        layout.addLayout(self.buttons())
        self._set_running(False)

    def printout(self) -> TaskFunction:
        db, actor, ids, columns = self._db, self._actor, self._ids, self._columns

        def work(_p: Progress, token: CancelToken) -> bytes:
            return list_export.list_printout(db, actor, ids, columns, token=token)

        return work

    def save(self, path: Path) -> TaskFunction:
        db, actor, ids, columns = self._db, self._actor, self._ids, self._columns

        def work(_p: Progress, token: CancelToken) -> int:
            return list_export.save_list_printout(db, actor, path, ids, columns, token=token)

        return work

    def suggested_path(self) -> Path:
        return documents_folder() / FILE_NAME

    def update_buttons(self, running: bool) -> None:
        super().update_buttons(running or not self._ids)
