"""Choosing a report period: a month, quarter, half-year, year, or a range of days; over the
calendar days or, where the office counts so, the cut-off days of NĐ 09/2019."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from app.domain.periods import ROMAN, Period, PeriodKind
from app.errors import UserError
from app.ui.dates import DateEntry, YearEntry

# The years a report may cover.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def last_month(today: date, *, cut_off: bool = False) -> Period:
    """The monthly report is written in the days after the month it covers."""
    return Period.month_of(today, cut_off=cut_off).previous()


class PeriodPicker(QWidget):
    """Month, quarter, half-year, year, or a range of days."""

    changed = Signal()

    def __init__(self, initial: Period, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        for text, kind in (("Tháng", PeriodKind.MONTH), ("Quý", PeriodKind.QUARTER),
                           ("6 tháng", PeriodKind.HALF), ("Năm", PeriodKind.YEAR),
                           ("Khoảng thời gian", PeriodKind.RANGE)):
            self.kind.addItem(text, str(kind))  # Qt keeps plain strings, not the enum
        self.part = QComboBox()
        self.year = YearEntry(first=FIRST_YEAR, last=LAST_YEAR, optional=False)
        self.start, self.end = DateEntry(), DateEntry()
        self._range_widgets = (QLabel("từ"), self.start, QLabel("đến"), self.end)
        self._cut_off = initial.cut_off
        self.days = QLabel()  # a cut-off period's dates
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("Kỳ báo cáo:"), self.kind, self.part, self.year,
                       *self._range_widgets, self.days):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.set_period(initial)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for signal in (self.part.currentIndexChanged, self.year.changed,
                       self.start.changed, self.end.changed):
            signal.connect(self.changed)
        self.changed.connect(self._show_days)
        self._show_days()

    def set_cut_off(self, cut_off: bool) -> None:
        """Count over the cut-off days of NĐ 09/2019 (the office's choice) or the calendar's."""
        if cut_off != self._cut_off:
            self._cut_off = cut_off
            self.changed.emit()

    def _show_days(self) -> None:
        try:
            period: Period | None = self.period()
        except UserError:  # the screen says what is wrong
            period = None
        self.days.setText(f"({period.dates})" if period is not None and period.cut_off else "")

    def _fill_parts(self, kind: PeriodKind) -> None:
        self.part.blockSignals(True)
        self.part.clear()
        if kind is PeriodKind.MONTH:
            for month in range(1, 13):
                self.part.addItem(f"Tháng {month}", month)
        elif kind is PeriodKind.QUARTER:
            for number, roman in enumerate(ROMAN, start=1):
                self.part.addItem(f"Quý {roman}", number)
        elif kind is PeriodKind.HALF:
            self.part.addItem("6 tháng đầu năm", 1)
            self.part.addItem("6 tháng cuối năm", 2)
        self.part.blockSignals(False)
        ranged = kind is PeriodKind.RANGE
        self.part.setVisible(kind not in (PeriodKind.YEAR, PeriodKind.RANGE))
        self.year.setVisible(not ranged)
        for widget in self._range_widgets:
            widget.setVisible(ranged)

    def _kind(self) -> PeriodKind:
        return PeriodKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        self._fill_parts(self._kind())
        self.changed.emit()

    def set_period(self, period: Period) -> None:
        for widget in (self.kind, self.part, self.year, self.start, self.end):
            widget.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(str(period.kind)))
        self._fill_parts(period.kind)
        self.part.setCurrentIndex(max(self.part.findData(period.number), 0))
        self.year.set_value(period.year)
        if period.kind is not PeriodKind.RANGE:
            self._cut_off = period.cut_off
        self.start.set_value(period.start)
        self.end.set_value(period.end)
        for widget in (self.kind, self.part, self.year, self.start, self.end):
            widget.blockSignals(False)
        self.changed.emit()

    def period(self) -> Period:
        """UserError when a year or a date does not read, or a range ends before it starts."""
        kind = self._kind()
        if kind is PeriodKind.RANGE:
            return Period.between(self.start.checked_value(), self.end.checked_value())
        year, part = self.year.checked_value(), self.part.currentData()
        if kind is PeriodKind.MONTH:
            return Period.month(year, part, cut_off=self._cut_off)
        if kind is PeriodKind.QUARTER:
            return Period.quarter(year, part, cut_off=self._cut_off)
        if kind is PeriodKind.HALF:
            return Period.half(year, part, cut_off=self._cut_off)
        return Period.year_of(year, cut_off=self._cut_off)
