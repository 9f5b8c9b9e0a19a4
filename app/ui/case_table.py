"""The register's table: its columns (chosen, moved and sized by each user, kept in the
preferences), the selected case, Enter to open it and Del to delete it, the search's
matches marked in the rows, and what an empty result means."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeySequence,
    QPainter,
    QPalette,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.case_list import DEFAULT_VISIBLE, LIST_COLUMNS, UNIT_COLUMN, ListColumn
from app.ui.case_table_model import MATCHES_ROLE, CaseTableModel
from app.ui.prefs import UiPrefs

MATCH_BACKGROUND = QColor("#ffe08a")
MATCH_TEXT = QColor("#000000")
NO_MATCH = "Không có vụ việc nào khớp với điều kiện lọc."
EMPTY_REGISTER = "Sổ chưa có vụ việc nào."


class MatchHighlight(QStyledItemDelegate):
    """Paints the text the search box matched (the model's MATCHES_ROLE) on a yellow
    ground, as a browser's find does; other cells as usual."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        spans = index.data(MATCHES_ROLE)
        if not spans:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item, widget)
        text: str = item.text
        item.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = text_rect.adjusted(margin, 0, -margin, 0)
        metrics = item.fontMetrics
        shown = metrics.elidedText(text, item.textElideMode, rect.width())
        kept = len(shown) if shown == text else len(shown) - 1  # without the "…"
        alignment = item.displayAlignment
        width = metrics.horizontalAdvance(shown)
        left = rect.left()
        if alignment & Qt.AlignmentFlag.AlignHCenter:
            left += (rect.width() - width) // 2
        elif alignment & Qt.AlignmentFlag.AlignRight:
            left = rect.right() - width
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setClipRect(rect)
        painter.setPen(item.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        painter.drawText(rect, int(alignment | Qt.AlignmentFlag.AlignVCenter), shown)
        painter.setPen(MATCH_TEXT)
        for start, end in spans:
            end = min(end, kept)
            if start >= end:
                continue
            x = left + metrics.horizontalAdvance(shown[:start])
            span = QRect(x, rect.top() + 2, metrics.horizontalAdvance(shown[start:end]),
                         rect.height() - 4)
            painter.fillRect(span, MATCH_BACKGROUND)
            painter.drawText(span, int(Qt.AlignmentFlag.AlignLeft
                                       | Qt.AlignmentFlag.AlignVCenter), shown[start:end])
        painter.restore()


class EmptyResult(QWidget):
    """Said over the table when it has no row: no case matches, with a way out."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: #555555; font-size: 11pt;")
        self.clear_button = QPushButton("Bỏ lọc")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.hide()


_UNIT = next(n for n, column in enumerate(LIST_COLUMNS) if column.key == UNIT_COLUMN)


class CaseTable(QTableView):
    open_requested = Signal(int)  # the case's id: a double click or Enter
    delete_requested = Signal(int)  # Del
    clear_filters_requested = Signal()

    def __init__(self, model: CaseTableModel, prefs: UiPrefs,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._prefs = prefs
        # The window's actions on the selected cases, offered by a right click.
        self.row_actions: list[QAction] = []
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._row_menu)
        self.case_model = model
        self._units_shown = False
        self.setModel(model)
        self.setItemDelegate(MatchHighlight(self))
        self.empty = EmptyResult(self.viewport())
        self.empty.clear_button.clicked.connect(self.clear_filters_requested)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows: the cases a transfer sends; opening and deleting take the first.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
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

    # An empty result ------------------------------------------------------------

    def show_empty(self, filtered: bool) -> None:
        """Say why no row is shown: nothing matches the filters (with "Bỏ lọc"), or the
        register has no case yet. Hidden as soon as there are rows."""
        if self.case_model.rowCount():
            self.empty.hide()
            return
        self.empty.message.setText(NO_MATCH if filtered else EMPTY_REGISTER)
        self.empty.clear_button.setVisible(filtered)
        self.empty.setGeometry(self.viewport().rect())
        self.empty.show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.empty.setGeometry(self.viewport().rect())

    # Selection ---------------------------------------------------------------

    def selected_case_id(self) -> int | None:
        rows = self.selected_rows()
        return self.case_model.case_id(rows[0]) if rows else None

    def selected_rows(self) -> list[int]:
        """The selected rows, top to bottom."""
        model = self.selectionModel()
        return sorted(index.row() for index in model.selectedRows()) if model else []

    def _row_menu(self, position: QPoint) -> None:
        if self.row_actions and self.indexAt(position).isValid():
            menu = QMenu(self)
            menu.addActions(self.row_actions)
            menu.exec(self.viewport().mapToGlobal(position))

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
            if number == _UNIT and not self._units_shown:
                continue
            action = QAction(column.header, menu, checkable=True)
            action.setChecked(not header.isSectionHidden(number))
            action.toggled.connect(lambda shown, n=number: self.show_column(n, shown))
            menu.addAction(action)
        menu.exec(header.mapToGlobal(position))

    def show_units(self, shown: bool) -> None:
        """The unit column, while the register holds other units' cases (it appears when
        the first of them comes, and the user may hide it then)."""
        if shown != self._units_shown:
            self._units_shown = shown
            self.horizontalHeader().setSectionHidden(_UNIT, not shown)

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
        header.setSectionHidden(_UNIT, True)  # until `show_units` finds other units
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
