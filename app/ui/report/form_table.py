"""A report form, or any table declared as a `Form`, shown as a table: its rows, then the
bold total, each column as wide as in the workbook."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTableView

from app.domain.report_forms import Column, Form, Kind, Row, display

Index = QModelIndex | QPersistentModelIndex
PIXELS_PER_WIDTH = 8  # a form column's (Excel) width on screen
HEADER_HEIGHT = 58  # three lines of a wrapped header
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
ALIGNMENT = {Kind.INDEX: _CENTRE, Kind.DATE: _CENTRE, Kind.COUNT: _RIGHT, Kind.MONEY: _RIGHT,
             Kind.TEXT: _LEFT, Kind.USER_TEXT: _LEFT}


class FormTableModel(QAbstractTableModel):
    """One form as computed (or any table declared as a Form): rows, then the bold total."""

    def __init__(self, form: Form | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._form = form
        self._rows = self._rows_of(form)

    def columns(self) -> tuple[Column, ...]:
        return self._form.columns if self._form is not None else ()

    def set_form(self, form: Form | None) -> None:
        self.beginResetModel()
        self._form = form
        self._rows = self._rows_of(form)
        self.endResetModel()

    @staticmethod
    def _rows_of(form: Form | None) -> tuple[Row, ...]:
        """The rows once, to be read in any order (form 03's are made as they are gone
        through)."""
        return tuple(form.rows) if form is not None else ()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._form is None:
            return 0
        return len(self._rows) + (self._form.total is not None)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._form is None else len(self._form.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (self._form is not None and orientation == Qt.Orientation.Horizontal
                and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._form.columns)):
            return self._form.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        form = self._form
        if form is None or not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        column = form.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = form.total if index.row() == len(self._rows) else self._rows[index.row()]
            assert row is not None
            return display(row[index.column()], column.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGNMENT[column.kind]
        if role == Qt.ItemDataRole.FontRole and index.row() == len(self._rows):
            bold = QFont()
            bold.setBold(True)
            return bold
        return None


def form_table(model: FormTableModel, stretch_last: bool = False) -> QTableView:
    """A form's table: headers wrapped, each column as wide as in the workbook."""
    view = QTableView()
    view.setModel(model)
    view.setWordWrap(True)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter
                               | Qt.AlignmentFlag(Qt.TextFlag.TextWordWrap.value))
    header.setMinimumHeight(HEADER_HEIGHT)
    header.setStretchLastSection(stretch_last)

    def fit() -> None:
        for index, column in enumerate(model.columns()):
            view.setColumnWidth(index, int(column.width * PIXELS_PER_WIDTH))

    model.modelReset.connect(fit)
    fit()
    return view
