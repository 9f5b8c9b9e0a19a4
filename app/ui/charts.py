"""A small bar chart painted in code (QtCharts is not part of PySide6-Essentials)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.text import format_number

BAR = QColor("#2f6db5")
BAR_HOVER = QColor("#1d4f8c")
AXIS_TEXT = QColor("#444444")


@dataclass(frozen=True)
class Bar:
    key: object  # what a click stands for
    label: str
    value: int


class BarChart(QWidget):
    """Horizontal bars (long labels such as group names) or vertical ones (months)."""

    bar_clicked = Signal(object)

    def __init__(self, title: str, *, vertical: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._vertical = vertical
        self._bars: list[Bar] = []
        self._areas: list[tuple[QRectF, Bar]] = []
        self._hover: Bar | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: list[Bar]) -> None:
        self._bars = bars
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.drawText(QRectF(0, 0, self.width(), line + 4),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._title)
        painter.setFont(self.font())
        self._areas = []
        if not self._bars:
            painter.setPen(AXIS_TEXT)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Chưa có số liệu")
            return
        top = line + 10
        highest = max(max(b.value for b in self._bars), 1)
        if self._vertical:
            self._paint_vertical(painter, metrics, top, highest)
        else:
            self._paint_horizontal(painter, metrics, top, highest)

    def _paint_horizontal(self, painter: QPainter, metrics: QFontMetrics, top: int,
                          highest: int) -> None:
        label_width = min(max(metrics.horizontalAdvance(b.label) for b in self._bars) + 8,
                          self.width() // 2)
        value_width = metrics.horizontalAdvance(format_number(highest)) + 8
        row = max(18.0, (self.height() - top) / len(self._bars))
        span = max(1, self.width() - label_width - value_width)
        for index, bar in enumerate(self._bars):
            y = top + index * row
            painter.setPen(AXIS_TEXT)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.drawText(QRectF(0, y, label_width - 6, row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            width = span * bar.value / highest
            rect = QRectF(label_width, y + row * 0.2, max(width, 1), row * 0.6)
            painter.fillRect(rect, BAR_HOVER if bar is self._hover else BAR)
            painter.drawText(QRectF(label_width + width + 4, y, value_width, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             format_number(bar.value))
            self._areas.append((QRectF(0, y, self.width(), row), bar))

    def _paint_vertical(self, painter: QPainter, metrics: QFontMetrics, top: int,
                        highest: int) -> None:
        line = metrics.height()
        bottom = self.height() - line - 4
        column = self.width() / len(self._bars)
        span = max(1, bottom - top - line)
        for index, bar in enumerate(self._bars):
            x = index * column
            height = span * bar.value / highest
            rect = QRectF(x + column * 0.15, bottom - height, column * 0.7, max(height, 1))
            painter.fillRect(rect, BAR_HOVER if bar is self._hover else BAR)
            painter.setPen(AXIS_TEXT)
            painter.drawText(QRectF(x, bottom - height - line, column, line),
                             Qt.AlignmentFlag.AlignCenter, format_number(bar.value))
            painter.drawText(QRectF(x, bottom + 2, column, line), Qt.AlignmentFlag.AlignCenter,
                             bar.label)
            self._areas.append((QRectF(x, top, column, bottom - top + line), bar))

    def _bar_at(self, event: QMouseEvent) -> Bar | None:
        point = event.position()
        return next((bar for area, bar in self._areas if area.contains(point)), None)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hover = self._bar_at(event)
        if hover is not self._hover:
            self._hover = hover
            self.setCursor(Qt.CursorShape.PointingHandCursor if hover else
                           Qt.CursorShape.ArrowCursor)
            self.setToolTip(f"{hover.label}: {format_number(hover.value)}" if hover else "")
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        bar = self._bar_at(event)
        if bar is not None and event.button() == Qt.MouseButton.LeftButton:
            self.bar_clicked.emit(bar.key)
