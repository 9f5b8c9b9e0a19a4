"""Small widgets the forms and the window share, the sign-in dialog's message line among
them; the larger ones are in `app.ui.form_widgets`. Qt builds a class's Python type when
first used (a list view's in ~2 ms): what only a form needs stays out of this module,
which the sign-in dialog loads before its first paint."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent

ERROR_COLOUR = "#b00020"
DONE_COLOUR = "#2e7d32"
WARNING_COLOUR = "#a15c00"


def open_outside(path: Path) -> str | None:
    """Open the file or folder `path` with the program the system gives it; what to tell
    the user when none did (None when it opened)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return None
    if path.is_dir():
        return f"Không mở được thư mục «{path}» trên máy này."
    kind = f"tệp «{path.suffix.lower()}»" if path.suffix else "loại tệp này"
    return (f"Không mở được «{path.name}»: máy này chưa có chương trình đọc {kind}. "
            f"Tệp đã được ghi ở «{path.parent}».")


class FieldError(QLabel):
    """The message of a refused field, shown right under it."""

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.setWordWrap(True)
        self.setVisible(False)

    def show_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


class WarningLine(FieldError):
    """A warning right under a field: what looks wrong yet may be right; it never blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(f"color: {WARNING_COLOUR}")


class MessageLine(FieldError):
    """What the last action of a dialog or section came to: red when refused, green when
    done, plain while working; hidden when empty."""

    def error(self, message: str) -> None:
        self._show(message, ERROR_COLOUR)

    def done(self, message: str) -> None:
        self._show(message, DONE_COLOUR)

    def working(self, message: str) -> None:
        self._show(message, None)

    def clear(self) -> None:
        self.show_message(None)

    def _show(self, message: str, colour: str | None) -> None:
        self.setStyleSheet(f"color: {colour}" if colour else "")
        self.show_message(message)


def with_error(widget: QWidget, *below: QWidget) -> tuple[QWidget, FieldError]:
    """`widget` with the line for its message right under it, then `below` (a warning)."""
    error = FieldError()
    box = QWidget()
    # As tall as its content: a text box of fixed height must not take the form's spare
    # room and float in the middle of it.
    box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    for part in (widget, error, *below):
        column.addWidget(part)
    return box, error


class LazyScreen(QWidget):
    """A tab whose screen is built (and its modules loaded) when first shown: the register
    is what a day starts with, and every screen costs memory and start-up time.

    It asks for its screen with `needed` rather than holding a function that builds it: a
    function of the window held by one of its widgets would make a cycle, and Python's
    collector then tears a window apart in whatever order it likes while Qt still paints it.
    """

    needed = Signal(str)

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def set_content(self, screen: QWidget) -> None:
        self.content = screen
        self._layout.addWidget(screen)
        if self.isVisible():
            screen.show()  # now, not at the layout's next turn: the tab shows it at once

    def showEvent(self, event: QShowEvent) -> None:
        if self.content is None:
            self.needed.emit(self.key)
        super().showEvent(event)
