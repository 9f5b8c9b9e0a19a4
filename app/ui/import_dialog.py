"""`Tệp → Nhập từ Excel…`: choose a file, see every problem, then import all of it or nothing.

The file is read and checked off the UI thread with a progress bar and a cancel
button; the officer sees how many cases, and each error and warning with its
sheet, row and column, can save that list as a workbook, and may import only
when there is no error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.import_problems import ImportRefused, PasswordRequired, Problem
from app.progress import CancelToken, Progress
from app.services import exporting, importing
from app.services.actor import Actor
from app.services.data_folder import Database
from app.services.importing import ImportPreview, ImportResult
from app.ui.task_dialog import TaskDialog

Index = QModelIndex | QPersistentModelIndex
EXCEL_FILTER = "Sổ làm việc Excel (*.xlsx)"
_ERROR_COLOUR = QColor("#b00020")


class ProblemModel(QAbstractTableModel):
    """The problems of a file, one row each; the list can hold every row of a large file."""

    HEADERS = ("Loại", "Trang", "Dòng", "Cột", "Nội dung")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._problems: tuple[Problem, ...] = ()

    def set_problems(self, problems: tuple[Problem, ...]) -> None:
        self.beginResetModel()
        self._problems = problems
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        problem = self._problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = (problem.kind_label, problem.sheet, problem.row or "", problem.column,
                      problem.message)
            return values[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem.message  # rows stay one line high, even for 100,000 problems
        if role == Qt.ItemDataRole.ForegroundRole and not problem.is_warning:
            return QBrush(_ERROR_COLOUR)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


@dataclass(frozen=True)
class _NeedsPassword:
    message: str


class ImportDialog(TaskDialog):
    imported = Signal(int)  # how many cases were imported; the register should refresh

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__("Nhập vụ việc từ Excel", parent=parent, size=(960, 560))
        self._db = db
        self._actor = actor
        self._today = today
        self._path: Path | None = None
        self._password: str | None = None
        self.preview: ImportPreview | None = None
        self.import_result: ImportResult | None = None

        self.file_label = QLabel("Chưa chọn tệp.")
        self.file_label.setWordWrap(True)
        choose = QPushButton("Chọn tệp…")
        choose.clicked.connect(self.choose_file)
        template = QPushButton("Lưu tệp mẫu…")
        template.setToolTip("Tệp Excel mẫu có sẵn các cột, danh sách chọn và hướng dẫn ghi.")
        template.clicked.connect(self.choose_template_file)
        self._idle_buttons = [choose, template]

        self.message.working("Chọn tệp Excel (.xlsx) theo mẫu để kiểm tra trước khi nhập.")
        self.problem_model = ProblemModel(self)
        self.table = QTableView()
        self.table.setModel(self.problem_model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((80, 130, 60, 170)):
            self.table.setColumnWidth(column, width)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)

        self.save_problems_button = QPushButton("Lưu danh sách lỗi…")
        self.save_problems_button.clicked.connect(self.choose_problems_file)
        self.import_button = QPushButton("Nhập")
        self.import_button.clicked.connect(self.start_import)

        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(choose)
        top.addWidget(template)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(self.progress_row())
        layout.addWidget(self.table, 1)
        layout.addLayout(self.button_row(self.import_button, first=[self.save_problems_button]))
        self._set_running(False)

    # Choosing files: the pickers, then methods that take a path (tests call these).

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn tệp Excel cần nhập", "", EXCEL_FILTER)
        if name:
            self.load_file(Path(name))

    def choose_template_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Lưu tệp mẫu nhập vụ việc",
                                              "mau-nhap-vu-viec.xlsx", EXCEL_FILTER)
        if name:
            self.run(lambda _p, _t: exporting.save_template(self._db, Path(name)),
                      lambda _r: self.message.done(f"Đã lưu tệp mẫu {name}."))

    def choose_problems_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Lưu danh sách lỗi", "danh-sach-loi.xlsx",
                                              EXCEL_FILTER)
        if name:
            self.save_problems_to(Path(name))

    def load_file(self, path: Path, password: str | None = None) -> None:
        """Check `path` off the UI thread and show the preview."""
        self._path = path
        self._password = password
        self.preview = None
        self.import_result = None
        self.problem_model.set_problems(())
        self.file_label.setText(f"Tệp: {path}")
        self.message.working("Đang đọc và kiểm tra từng dòng…")
        self.run(self._check, self._show_preview)

    def save_problems_to(self, path: Path) -> None:
        if self.preview is None:
            return
        problems = self.preview.problems
        self.run(lambda _p, _t: importing.save_problems(path, problems),
                  lambda _r: self.message.done(f"Đã lưu danh sách lỗi vào {path}."))

    # Checking and importing.

    def _check(self, progress: Progress, token: CancelToken) -> ImportPreview | _NeedsPassword:
        assert self._path is not None
        try:
            return importing.check_workbook(self._db, self._actor, self._path,
                                            file_password=self._password, today=self._today,
                                            progress=progress, token=token)
        except PasswordRequired as exc:
            return _NeedsPassword(exc.message)

    def _show_preview(self, outcome: ImportPreview | _NeedsPassword) -> None:
        if isinstance(outcome, _NeedsPassword):
            password = self.ask_password(outcome.message)
            if password and self._path is not None:
                self.load_file(self._path, password)
            else:
                self.message.error(outcome.message)
            return
        self.preview = outcome
        self.problem_model.set_problems(outcome.problems)
        counts = (f"{outcome.case_count} vụ việc, {outcome.event_count} biện pháp xử lý, "
                  f"{outcome.child_count} trẻ em; {len(outcome.errors)} lỗi, "
                  f"{len(outcome.warnings)} cảnh báo.")
        if outcome.errors:
            advice = " Chưa nhập được: hãy sửa các lỗi trong tệp (có thể lưu danh sách lỗi) rồi " \
                     "chọn lại tệp."
        elif outcome.case_count:
            advice = " Không có lỗi: bấm «Nhập» để nhập toàn bộ."
        else:
            advice = " Tệp không có vụ việc nào để nhập."
        text = f"Tệp «{outcome.file_name}»: {counts}{advice}"
        if outcome.errors:
            self.message.error(text)
        else:
            self.message.working(text)
        self._set_running(False)

    def ask_password(self, message: str) -> str | None:
        """The file password, asked of the officer (tests replace this)."""
        text, accepted = QInputDialog.getText(self, "Tệp có mật khẩu", f"{message}\nMật khẩu:",
                                              QLineEdit.EchoMode.Password)
        return text if accepted and text else None

    def start_import(self) -> None:
        if self.preview is None or not self.preview.can_import:
            return
        self.message.working("Đang nhập…")
        self.run(self._import, self._show_result)

    def _import(self, progress: Progress, token: CancelToken) -> ImportResult | ImportRefused:
        assert self._path is not None
        try:
            return importing.import_workbook(self._db, self._actor, self._path,
                                             file_password=self._password, today=self._today,
                                             progress=progress, token=token)
        except ImportRefused as exc:
            return exc  # the register changed since the preview: show the new problems

    def _show_result(self, outcome: ImportResult | ImportRefused) -> None:
        if isinstance(outcome, ImportRefused):
            assert self.preview is not None
            self.problem_model.set_problems(outcome.problems)
            self.message.error(outcome.message)
            self.preview = ImportPreview(self.preview.file_name, self.preview.case_count,
                                         self.preview.event_count, self.preview.child_count,
                                         outcome.problems)
            self._set_running(False)
            return
        self.import_result = outcome
        self.message.done(f"Đã nhập {outcome.count} vụ việc"
                             + (f" ({outcome.codes[0]} … {outcome.codes[-1]})."
                                if outcome.codes else "."))
        self._set_running(False)
        self.imported.emit(outcome.count)

    def update_buttons(self, running: bool) -> None:
        for button in self._idle_buttons:
            button.setEnabled(not running)
        preview = self.preview
        self.save_problems_button.setEnabled(not running and bool(preview and preview.problems))
        self.import_button.setEnabled(not running and self.import_result is None
                                      and bool(preview and preview.can_import))
