"""The code lists: labels editable, codes fixed; offices add their own entries."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocabulary import CLOSED_LISTS, LIST_TITLES, Entry, VocabList
from app.progress import CancelToken, Progress
from app.services import vocabulary
from app.services.actor import Actor, Permission
from app.services.data_folder import Database
from app.ui.admin.common import Feedback, fill_table, make_table, selected_row
from app.ui.data_change import DataChange, DataKind
from app.ui.tasks import TaskRunner


class VocabularyView(QWidget):
    def __init__(self, db: Database, actor: Actor, runner: TaskRunner,
                 notify: Callable[[DataChange], None]) -> None:
        super().__init__()
        self._db, self._actor, self._runner, self._notify = db, actor, runner, notify
        self._entries: tuple[Entry, ...] = ()
        self.list_choice = QComboBox()
        for name, title in LIST_TITLES.items():
            self.list_choice.addItem(title, name)
        self.list_choice.currentIndexChanged.connect(self.refresh)
        self.table = make_table(["Mã (cố định)", "Tên hiển thị", "Nguồn"])
        self.table.doubleClicked.connect(lambda _index: self._rename())
        self.feedback = Feedback()
        editable = actor.can(Permission.MANAGE_SETTINGS)
        rename = QPushButton("Sửa tên hiển thị…")
        rename.clicked.connect(self._rename)
        self.add_button = QPushButton("Thêm mục…")
        self.add_button.clicked.connect(self._add)
        rename.setEnabled(editable)
        self._editable = editable
        top = QHBoxLayout()
        top.addWidget(self.list_choice)
        top.addWidget(rename)
        top.addWidget(self.add_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.feedback)
        layout.addWidget(self.table)
        self.refresh()

    def current_list(self) -> VocabList:
        return VocabList(self.list_choice.currentData())

    def refresh_for(self, change: DataChange) -> None:
        if change.concerns(DataKind.VOCABULARY):
            self.refresh()

    def refresh(self) -> None:
        name = self.current_list()
        self._entries = vocabulary.load(self._db).entries(name, include_inactive=True)
        fill_table(self.table, [(e.code, e.label, "Theo quy định" if e.builtin else "Của đơn vị")
                                for e in self._entries])
        self.add_button.setEnabled(self._editable and name not in CLOSED_LISTS)

    def _run(self, change: Callable[[], None], done: str) -> None:
        def task(_p: Progress, _t: CancelToken) -> None:
            change()

        def succeeded(_r: object) -> None:
            self._notify(DataChange.of(DataKind.VOCABULARY))
            self.feedback.ok(done)

        self._runner.start(task, on_success=succeeded, on_failure=self.feedback.error)

    def rename(self, code: str, label: str) -> None:
        name = self.current_list()
        self._run(lambda: vocabulary.set_label(self._db, self._actor, name, code, label),
                  f"Đã đổi tên hiển thị của mã {code}.")

    def _rename(self) -> None:
        row = selected_row(self.table)
        if row is None or not self._editable:
            return
        entry = self._entries[row]
        label, accepted = QInputDialog.getText(self, "Sửa tên hiển thị",
                                               f"Tên hiển thị của mã {entry.code}:",
                                               text=entry.label)
        if accepted:
            self.rename(entry.code, label)

    def _add(self) -> None:
        code, accepted = QInputDialog.getText(self, "Thêm mục", "Mã (tối đa 10 ký tự):")
        if not accepted:
            return
        label, accepted = QInputDialog.getText(self, "Thêm mục", "Tên hiển thị:")
        if accepted:
            name = self.current_list()
            self._run(lambda: vocabulary.add_entry(self._db, self._actor, name, code, label),
                      f"Đã thêm «{label}».")
