"""«Thời hạn đang chạy»: the case's running clocks (`app.services.clocks`), each with its
last day and the days left, one run out in the warning colour and said «Quá hạn»."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.clocks import OpenClock
from app.text import format_date
from app.ui.widgets import WARNING_COLOUR

COLUMNS = ("Thời hạn", "Tính từ", "Hạn cuối", "Còn lại")
ROWS_SHOWN = 4  # more scroll


class ClocksPanel(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Thời hạn đang chạy", parent)
        self.clocks: list[OpenClock] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 4)
        layout.addWidget(self.table)
        self.setVisible(False)

    def show_clocks(self, clocks: list[OpenClock]) -> None:
        self.clocks = clocks
        self.table.setRowCount(len(clocks))
        warning = QColor(WARNING_COLOUR)
        for row, clock in enumerate(clocks):
            cells = (clock.label, clock.started, format_date(clock.due), clock.remaining())
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{clock.label}: {clock.started}. Căn cứ: {clock.source}.")
                if clock.overdue:
                    item.setForeground(warning)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        shown = min(len(clocks), ROWS_SHOWN)
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth() + sum(
            self.table.rowHeight(row) for row in range(shown))
        self.table.setFixedHeight(height)
        self.setVisible(bool(clocks))

    def texts(self) -> list[tuple[str, ...]]:
        """The rows as shown."""
        return [tuple(cell.text() if (cell := self.table.item(row, column)) else ""
                      for column in range(len(COLUMNS)))
                for row in range(self.table.rowCount())]
