"""The register's table: its columns (chosen, moved and sized by each user, kept in the
preferences), the selected case, Enter to open it and Del to delete it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from app.services.case_list import DEFAULT_VISIBLE, LIST_COLUMNS, ListColumn
from app.ui.case_table_model import CaseTableModel
from app.ui.prefs import UiPrefs


class CaseTable(QTableView):
    open_requested = Signal(int)  # the case's id: a double click or Enter
    delete_requested = Signal(int)  # Del

    def __init__(self, model: CaseTableModel, prefs: UiPrefs,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._prefs = prefs
        self.case_model = model
        self.setModel(model)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.sectionMoved.connect(self._save_columns)
        header.sectionResized.connect(self._save_columns)
        for number, column in enumerate(LIST_COLUMNS):
            header.resizeSection(number, column.width)
        self._restore_columns(header)
        self.doubleClicked.connect(lambda index: self.open_requested.emit(
            model.case_id(index.row())))
        for key, slot in ((Qt.Key.Key_Return, self._open_current),
                          (Qt.Key.Key_Enter, self._open_current),
                          (Qt.Key.Key_Delete, self._delete_current)):
            QShortcut(QKeySequence(key), self, slot, context=Qt.ShortcutContext.WidgetShortcut)

    # Selection ---------------------------------------------------------------

    def selected_case_id(self) -> int | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return self.case_model.case_id(rows[0].row()) if rows else None

    def _open_current(self) -> None:
        case_id = self.selected_case_id()
        if case_id is not None:
            self.open_requested.emit(case_id)

    def _delete_current(self) -> None:
        case_id = self.selected_case_id()
        if case_id is not None:
            self.delete_requested.emit(case_id)

    # Columns ----------------------------------------------------------------

    def visible_columns(self) -> list[ListColumn]:
        """The columns the user shows, in the order on screen (export and print use it)."""
        header = self.horizontalHeader()
        logical = [header.logicalIndex(visual) for visual in range(header.count())]
        return [LIST_COLUMNS[i] for i in logical if not header.isSectionHidden(i)]

    def _column_menu(self, position: QPoint) -> None:
        header = self.horizontalHeader()
        menu = QMenu(self)
        for number, column in enumerate(LIST_COLUMNS):
            action = QAction(column.header, menu, checkable=True)
            action.setChecked(not header.isSectionHidden(number))
            action.toggled.connect(lambda shown, n=number: self.show_column(n, shown))
            menu.addAction(action)
        menu.exec(header.mapToGlobal(position))

    def show_column(self, number: int, shown: bool) -> None:
        self.horizontalHeader().setSectionHidden(number, not shown)
        self._save_columns()

    def _save_columns(self) -> None:
        self._prefs.set_bytes("case_columns", self.horizontalHeader().saveState())

    def _restore_columns(self, header: QHeaderView) -> None:
        state = self._prefs.bytes("case_columns")
        if state is None or not header.restoreState(state):
            for number, column in enumerate(LIST_COLUMNS):
                header.setSectionHidden(number, column.key not in DEFAULT_VISIBLE)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
