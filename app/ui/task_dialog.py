"""A dialog that runs one service call at a time off the UI thread (import, export,
printout), without loading any of their libraries itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from app.errors import UserError
from app.progress import CancelToken
from app.ui.dialogs import Dialog
from app.ui.prefs import UiPrefs
from app.ui.tasks import TaskFunction, TaskRunner


class TaskDialog(Dialog):
    """A dialog that runs one service call at a time off the UI thread, with a progress bar
    and a cancel button; its message line says what came of it."""

    CANCELLED = "Đã hủy; không có gì được ghi."

    def __init__(self, title: str, prefs: UiPrefs | None = None, name: str = "",
                 parent: QWidget | None = None, *, min_width: int = 0,
                 size: tuple[int, int] | None = None) -> None:
        super().__init__(title, prefs, name, parent, min_width=min_width, size=size)
        self._runner = TaskRunner(self)
        self._token: CancelToken | None = None
        self.progress = QProgressBar()
        self.cancel_button = QPushButton("Hủy")
        self.cancel_button.clicked.connect(self.cancel)

    def progress_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        return row

    def run(self, work: TaskFunction, on_success: Callable[[Any], None],
            on_refused: Callable[[UserError], None] | None = None) -> None:
        """Run `work`; `on_refused` gets a refusal before the message line shows it."""
        self._set_running(True)
        self._token = self._runner.start(work, on_success=on_success, on_failure=self._failed,
                                         on_progress=self._progressed,
                                         on_cancel=self._cancelled, on_refused=on_refused)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _failed(self, message: str) -> None:
        self.message.error(message)
        self._set_running(False)

    def _cancelled(self) -> None:
        self.message.working(self.CANCELLED)
        self._set_running(False)

    def cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()

    def _set_running(self, running: bool) -> None:
        if not running:
            self._token = None
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        if running:
            self.progress.setRange(0, 0)  # busy until the first report
        self.update_buttons(running)

    def update_buttons(self, running: bool) -> None:
        """Enable the dialog's own buttons for the state (subclasses)."""

    def confirm_close(self) -> bool:
        """Closing stops a running task (an import is then rolled back, an export removed)."""
        self.cancel()
        self._runner.wait()
        return True
