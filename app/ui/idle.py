"""Locking the window after a period without keyboard or mouse input."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

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
