"""A dialog base built in code that remembers its size per user."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QWidget

from app.ui.prefs import UiPrefs


class Dialog(QDialog):
    def __init__(self, title: str, prefs: UiPrefs | None, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._prefs = prefs
        self._name = name
        geometry = prefs.bytes(f"geometry/{name}") if prefs else None
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _remember(self) -> None:
        if self._prefs is not None:
            self._prefs.set_bytes(f"geometry/{self._name}", self.saveGeometry())

    def done(self, result: int) -> None:
        self._remember()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember()
        super().closeEvent(event)
