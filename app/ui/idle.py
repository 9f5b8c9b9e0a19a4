"""Locking the window after a period without keyboard or mouse input: the watcher, and
taking every window of the program off the screen until the password is typed again."""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

# Off the screen, not hidden: hiding a dialog ends its exec() loop, which would close a case
# editor behind the lock (or answer its "unsaved changes?" question). A window with this
# attribute keeps its state, its input and its place, but its native window is hidden.
_OFF_SCREEN = Qt.WidgetAttribute.WA_DontShowOnScreen

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
})


class IdleWatcher(QObject):
    """Emits `idle` once after `minutes` without input; input restarts the count."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._limit = minutes * 60
        self._last_input = time.monotonic()
        self._fired = False
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._check)
        self._timer.start()

    def set_minutes(self, minutes: float) -> None:
        self._limit = minutes * 60

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self._last_input = time.monotonic()
            self._fired = False
        return False

    def reset(self) -> None:
        self._last_input = time.monotonic()
        self._fired = False

    def _check(self) -> None:
        if not self._fired and time.monotonic() - self._last_input >= self._limit:
            self._fired = True
            self.idle.emit()


def take_off_screen() -> list[QWidget]:
    """Every shown window of the program taken off the screen, in the order to put them
    back (the active one last, to come back on top). Menus and tooltips just close."""
    QToolTip.hideText()
    shown = [w for w in QApplication.topLevelWidgets()
             if w.isVisible() and not w.testAttribute(_OFF_SCREEN)]
    for popup in [w for w in shown if w.windowType() == Qt.WindowType.Popup]:
        popup.close()
        shown.remove(popup)
    active = QApplication.activeWindow()
    windows = sorted(shown, key=lambda w: w is active)
    for window in windows:
        window.setAttribute(_OFF_SCREEN, True)
    return windows


def put_back(windows: list[QWidget]) -> None:
    """The windows `take_off_screen` took, as they were; those closed meanwhile stay so
    (and show as usual when opened again)."""
    back = []
    for window in windows:
        if not shiboken6.isValid(window):
            continue
        window.setAttribute(_OFF_SCREEN, False)
        handle = window.windowHandle()
        if window.isVisible() and handle is not None:
            handle.setVisible(True)
            back.append(window)
    if back:
        back[-1].raise_()
        back[-1].activateWindow()


def on_screen(widget: QWidget) -> bool:
    """False while the screen is locked: a task ending then must not open a viewer."""
    return widget.isVisible() and not widget.window().testAttribute(_OFF_SCREEN)
