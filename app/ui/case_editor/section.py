"""A form section: fields laid out with their labels, each with its error line.

The section says when the officer is done with a field (left it, picked a value),
so the editor can check it at once, and keeps Tab in the order of the form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import BY_KEY
from app.errors import FieldProblem
from app.ui.dates import TypedEntry
from app.ui.widgets import FieldError, with_error


class _FocusOut(QObject):
    """Calls back when its widget loses the keyboard focus (a text box has no signal)."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


class _EnterActivates(QObject):
    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self._view.currentIndex().isValid()):
            self._view.activated.emit(self._view.currentIndex())
            return True
        return False


def enter_activates(view: QAbstractItemView) -> None:
    """Enter opens the list's current row, and does nothing else: left to Qt, the key goes
    on to the dialog, which presses its default button (Save) once the row is closed."""
    _EnterActivates(view)


def when_done(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` once the user has finished changing `widget`: left a text, picked a
    date or an entry, ticked a box. A plain container (a row of radio buttons or of
    number boxes) passes it on to the inputs it holds."""
    def call(*_args: object) -> None:
        callback()

    if isinstance(widget, TypedEntry):  # a date or a year typed complete, picked or emptied
        widget.changed.connect(call)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(call)
        line = widget.lineEdit()  # an editable list: a typed entry
        if line is not None:
            line.editingFinished.connect(call)
    elif isinstance(widget, QLineEdit | QAbstractSpinBox):
        widget.editingFinished.connect(call)
    elif isinstance(widget, QPlainTextEdit):
        _FocusOut(widget, callback)
    elif isinstance(widget, QAbstractButton):
        widget.toggled.connect(call)
    elif isinstance(widget, QListWidget):
        widget.itemChanged.connect(call)
    else:
        for child in _direct_children(widget):
            when_done(child, callback)


def _direct_children(widget: QWidget) -> list[QWidget]:
    return widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)


def _focus_stops(widget: QWidget) -> list[QWidget]:
    """The widgets Tab stops at inside `widget`, in the order they were laid out."""
    if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return [widget]  # an input, never its inner parts (a spin box's line edit)
    return [stop for child in _direct_children(widget) for stop in _focus_stops(child)]


def by_field(problems: Iterable[FieldProblem], key: Callable[[str], str]) -> dict[str, str]:
    """The problems' messages by `key(field)`, the line each is shown on; several together."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(key(problem.field), []).append(problem.message)
    return {field: " ".join(messages) for field, messages in found.items()}


def show_checked(errors: Mapping[str, FieldError], found: Mapping[str, str],
                 touched: set[str]) -> None:
    """Show or clear the message of every field the user has finished with, and of every
    field showing one: a field not reached yet is not blamed for being empty."""
    for field, error in errors.items():
        if field in touched or error.text():
            error.show_message(found.get(field))


class Section(QWidget):
    field_done = Signal(str)  # the key of a field the officer has just finished with

    def __init__(self) -> None:
        super().__init__()
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.errors: dict[str, FieldError] = {}
        self.inputs: dict[str, QWidget] = {}
        outer = QVBoxLayout(self)
        outer.addLayout(self.form)
        self.outer = outer

    def add_field(self, key: str, widget: QWidget, label: str | None = None) -> None:
        """Add `widget` for the case field `key` (its label comes from app.domain.fields)."""
        field = BY_KEY.get(key)
        text = label or (field.label if field else key)
        if field is not None and field.required:
            text += " *"
        box, error = with_error(widget)
        self.form.addRow(text + ":", box)
        self.errors[key] = error
        self.inputs[key] = widget
        when_done(widget, lambda: self.field_done.emit(key))

    def clear_errors(self) -> None:
        for error in self.errors.values():
            error.show_message(None)

    def follow_form_with_tab(self) -> None:
        """Tab goes down the form, row after row, whatever order the widgets were made in."""
        stops: list[QWidget] = []
        for row in range(self.form.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                         QFormLayout.ItemRole.SpanningRole):
                item = self.form.itemAt(row, role)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    stops += _focus_stops(widget)
        for first, second in pairwise(stops):
            QWidget.setTabOrder(first, second)
