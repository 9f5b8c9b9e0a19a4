"""The date entry and the year entry of every form, and converting dates to Qt's.

Both are a line the officer types into as into any text box (selecting and typing over,
Ctrl+A, pasting), read by `app.text` as the import reads a cell: `05/11/2026`,
`5/11/2026`, `05112026`, `5-11-2026`. What does not read stays as typed, with a red border
and a message under it saying what is expected; its value is then refused, and the forms
check `entries_ready` before saving. Nothing typed is ever turned into another date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Generic, TypeVar

from PySide6.QtCore import QDate, QEvent, QLocale, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.checks import EARLIEST_YEAR
from app.errors import UserError
from app.text import EXAMPLE_DATE, EXAMPLE_YEAR, format_date, parse_date, parse_year
from app.ui.widgets import ERROR_COLOUR

DATE_PLACEHOLDER = "ngày/tháng/năm"
MISSING_DATE = f"Chưa nhập ngày: cần ngày dạng dd/mm/yyyy, ví dụ {EXAMPLE_DATE}."
MISSING_YEAR = f"Chưa nhập năm: cần năm có 4 chữ số, ví dụ {EXAMPLE_YEAR}."
NOT_SAVED = "Chưa lưu: hãy sửa ô ngày hoặc năm có thông báo màu đỏ."
_REFUSED_STYLE = f"QLineEdit {{ border: 1px solid {ERROR_COLOUR}; }}"

T = TypeVar("T", date, int)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class _Line(QLineEdit):
    """The text box of an entry: Up and Down step its value, F4 or Alt+Down opens the
    calendar of a date."""

    def __init__(self, entry: TypedEntry[date] | TypedEntry[int]) -> None:
        super().__init__()
        self._entry = entry

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, alt = event.key(), event.modifiers() & Qt.KeyboardModifier.AltModifier
        if key == Qt.Key.Key_F4 or (alt and key == Qt.Key.Key_Down):
            self._entry.open_calendar()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not alt:
            self._entry.step(1 if key == Qt.Key.Key_Up else -1)
        else:
            super().keyPressEvent(event)


class TypedEntry(QWidget, Generic[T]):
    """What the date and the year entries share: the text box, the message under it, the
    value read from the text. A required entry refuses an empty text, an optional one reads
    it as no value."""

    # A new value: typed complete, picked, stepped, emptied or set; never a text that does
    # not read.
    changed = Signal()

    def __init__(self, optional: bool, width_text: str) -> None:
        super().__init__()
        self._optional = optional
        self._judged = False  # the officer has left the text, or a save checked it
        self._last: T | None = None  # the value `changed` last told of
        self.line = _Line(self)
        self.line.setMaximumWidth(self.line.fontMetrics().horizontalAdvance(width_text) + 24)
        self.message = QLabel()
        self.message.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(2)
        self.row.addWidget(self.line)
        self.row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(self.row)
        column.addWidget(self.message)
        self.setFocusProxy(self.line)
        self.line.textEdited.connect(self._edited)
        self.line.editingFinished.connect(self._finished)

    # What each entry reads -------------------------------------------------------------

    def _read(self) -> T | None:
        """The value of the text (None when empty); UserError when it does not read."""
        raise NotImplementedError

    def _shown(self, value: T) -> str:
        raise NotImplementedError

    def _missing(self) -> str:
        raise NotImplementedError

    def step(self, by: int) -> None:
        """Up (1) or Down (-1) on a value that reads; anything else stays as typed."""
        raise NotImplementedError

    def open_calendar(self) -> None:
        """F4: only a date has a calendar."""

    # Reading ---------------------------------------------------------------------------

    def text(self) -> str:
        return self.line.text()

    def problem(self) -> str | None:
        """What is wrong with the text as typed, or None."""
        try:
            value = self._read()
        except UserError as exc:
            return exc.message
        return self._missing() if value is None and not self._optional else None

    def value(self) -> T | None:
        """The value typed; None when empty, or when the text does not read (`problem`)."""
        try:
            return self._read()
        except UserError:
            return None

    def checked_value(self) -> T:
        """The value typed, or UserError saying what is wrong with the text."""
        problem = self.problem()
        value = self.value()
        if problem is not None or value is None:
            self.check()
            raise UserError(problem or self._missing())
        return value

    def set_value(self, value: T | None) -> None:
        self.line.setText(self._shown(value) if value is not None else "")
        self._judged = False
        self._show_problem()
        self._take()

    def check(self) -> bool:
        """True when the text reads; otherwise its message shows."""
        self._judged = True
        self._show_problem()
        return self.problem() is None

    def _show_problem(self) -> None:
        problem = self.problem() if self._judged and self.isEnabled() else None
        self.message.setText(problem or "")
        self.message.setVisible(problem is not None)
        self.line.setStyleSheet(_REFUSED_STYLE if problem else "")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.EnabledChange:
            self._show_problem()  # a disabled entry is not blamed

    # The officer's typing --------------------------------------------------------------

    def _edited(self) -> None:
        # A half-typed date is not an error yet: the message waits until the officer leaves
        # the text, but goes as soon as the text reads.
        if self.problem() is None:
            self._show_problem()
            self._take()

    def _finished(self) -> None:
        self._judged = True
        if self.problem() is None:
            value = self._read()
            shown = self._shown(value) if value is not None else ""
            if shown != self.line.text():  # the same value, written the usual way
                self.line.setText(shown)
            self._take()
        self._show_problem()

    def _set_by_user(self, value: T) -> None:
        self.line.setText(self._shown(value))
        self._judged = True
        self._show_problem()
        self._take()

    def _take(self) -> None:
        value = self._read()
        if value != self._last:
            self._last = value
            self.changed.emit()


class DateEntry(TypedEntry[date]):
    """A date typed (`dd/mm/yyyy`, `d/m/yyyy`, `ddmmyyyy`) or picked on the calendar, shown
    as `dd/mm/yyyy`. A required entry starts at `value`, or today; an optional one may be
    left empty."""

    def __init__(self, value: date | None = None, *, optional: bool = False) -> None:
        super().__init__(optional, DATE_PLACEHOLDER)
        self.line.setPlaceholderText(DATE_PLACEHOLDER)
        self.calendar_button = QToolButton()
        self.calendar_button.setArrowType(Qt.ArrowType.DownArrow)
        self.calendar_button.setToolTip("Chọn ngày trên lịch (F4)")
        # The text box is the one stop of Tab; F4 opens the calendar from it.
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.calendar_button.clicked.connect(self.open_calendar)
        self.row.insertWidget(1, self.calendar_button)
        self.calendar: _CalendarPopup | None = None  # made when first opened
        self.set_value(value if value is not None or optional else date.today())

    def _read(self) -> date | None:
        return parse_date(self.line.text())

    def _shown(self, value: date) -> str:
        return format_date(value)

    def _missing(self) -> str:
        return MISSING_DATE

    def step(self, by: int) -> None:
        current = self.value()
        if current is not None and date.min < current < date.max:
            self._set_by_user(current + timedelta(days=by))

    def open_calendar(self) -> None:
        if not self.isEnabled():
            return
        if self.calendar is None:
            self.calendar = _CalendarPopup(self)
        self.calendar.grid.setSelectedDate(to_qdate(self.value() or date.today()))
        self.calendar.move(self.line.mapToGlobal(QPoint(0, self.line.height())))
        self.calendar.show()
        self.calendar.grid.setFocus()

    def picked(self, day: date) -> None:
        self._set_by_user(day)
        self.line.setFocus()


class _CalendarPopup(QWidget):
    """The calendar under a date entry: a click or Enter on a day picks it, Esc closes."""

    def __init__(self, entry: DateEntry) -> None:
        super().__init__(entry, Qt.WindowType.Popup)
        self.grid = QCalendarWidget()
        self.grid.setLocale(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        self.grid.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.grid.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.grid.activated.connect(lambda day: self._pick(entry, day))
        self.grid.clicked.connect(lambda day: self._pick(entry, day))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.grid)

    def _pick(self, entry: DateEntry, day: QDate) -> None:
        self.close()
        entry.picked(from_qdate(day))


class YearEntry(TypedEntry[int]):
    """A year of four digits from `first` to `last` (by default a year of birth: from
    1900 to this year); empty when optional."""

    def __init__(self, value: int | None = None, *, first: int = EARLIEST_YEAR,
                 last: int | None = None, optional: bool = True) -> None:
        super().__init__(optional, "00000")
        self._first, self._final = first, last or date.today().year
        self.line.setPlaceholderText("năm")
        self.set_value(value)

    def _read(self) -> int | None:
        year = parse_year(self.line.text())
        if year is not None and not self._first <= year <= self._final:
            raise UserError(f"Năm {year} không hợp lệ: cần năm từ {self._first} đến "
                            f"{self._final}.")
        return year

    def _shown(self, value: int) -> str:
        return str(value)

    def _missing(self) -> str:
        return MISSING_YEAR

    def step(self, by: int) -> None:
        current = self.value()
        if current is not None and self._first <= current + by <= self._final:
            self._set_by_user(current + by)


def entries_ready(root: QWidget) -> bool:
    """Whether every date and year that `root` holds and uses reads. If not, each one
    refused shows its message and the first takes the focus, its tab brought forward: a
    form is never saved with anything but what the officer typed."""
    refused = [entry for entry in root.findChildren(TypedEntry)
               if _in_use(entry, root) and not entry.check()]
    if not refused:
        return True
    first = refused[0]
    for tabs in root.findChildren(QTabWidget):
        for index in range(tabs.count()):
            page = tabs.widget(index)
            if page is not None and page.isAncestorOf(first):
                tabs.setCurrentIndex(index)
    first.line.setFocus()
    return False


def _in_use(entry: QWidget, root: QWidget) -> bool:
    """Enabled, and neither in a row hidden from its form nor on a hidden tab (a page not
    in front is hidden too, but in use)."""
    widget = entry
    while widget is not root:
        parent = widget.parentWidget()
        if parent is None:
            break
        tabs = parent.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(tabs, QTabWidget):
            if not tabs.isTabVisible(tabs.indexOf(widget)):
                return False
        elif widget.isHidden():
            return False
        widget = parent
    return entry.isEnabledTo(root)
