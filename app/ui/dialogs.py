"""The base of every dialog: its title and size (remembered per user when named), the
buttons that end it, its message line, and closing by Esc, the window's cross or a
cancel button only when the dialog agrees."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QPushButton, QWidget

from app.errors import UserError
from app.progress import CancelToken, Progress
from app.ui.tasks import TaskRunner
from app.ui.widgets import MessageLine

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from app.ui.prefs import UiPrefs

RECONNECT = 3  # a dialog's result when the register to open has changed: open it anew


class Dialog(QDialog):
    """`name` keeps the size the user gives it in `prefs`; `size` is the first one.
    `message` is the line for what went wrong or right, placed by each dialog."""

    def __init__(self, title: str, prefs: UiPrefs | None = None, name: str = "",
                 parent: QWidget | None = None, *, min_width: int = 0,
                 size: tuple[int, int] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._prefs = prefs if name else None
        self._name = name
        self.message = MessageLine()
        if min_width:
            self.setMinimumWidth(min_width)
        geometry = self._prefs.bytes(f"geometry/{name}") if self._prefs else None
        if (geometry is None or not self.restoreGeometry(geometry)) and size is not None:
            self.resize(*size)

    def button_box(self, accept: str, reject: str | None = "Hủy", *,
                   on_accept: Callable[[], None] | None = None) -> QDialogButtonBox:
        """The buttons that end the dialog, in the system's order: `accept` (Enter; it
        calls `on_accept` instead when the input is checked first) and `reject` (Esc).
        The accept button is `accept_button`."""
        # Added by role: standard buttons resolve an overload with a default `Qt`
        # orientation, and the first touch of the `Qt` namespace costs ~35 ms, a sixth of
        # the time to the sign-in dialog's first paint.
        box = QDialogButtonBox()
        self.accept_button: QPushButton = box.addButton(accept,
                                                        QDialogButtonBox.ButtonRole.AcceptRole)
        if reject is not None:
            box.addButton(reject, QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(on_accept or self.accept)
        box.rejected.connect(self.reject)
        return box

    def submit(self, runner: TaskRunner, work: Callable[[], Any], *,
               done: Callable[[Any], None] | None = None,
               on_fields: Callable[[UserError], bool] | None = None) -> None:
        """Run `work` off the UI thread with the accept button disabled. Done: `done(result)`,
        then the dialog closes. Refused, it stays open: `on_fields` shows the refusal on the
        form's fields and says whether it did; the message line shows it otherwise, as it
        shows any other failure."""
        self.accept_button.setEnabled(False)
        shown_on_fields = False

        def task(_p: Progress, _t: CancelToken) -> Any:
            return work()

        def succeeded(result: Any) -> None:
            if done is not None:
                done(result)
            self.accept()

        def refused(error: UserError) -> None:  # comes before `failed`, with the error itself
            nonlocal shown_on_fields
            shown_on_fields = on_fields is not None and on_fields(error)

        def failed(message: str) -> None:
            if not shown_on_fields:
                self.message.error(message)

        runner.start(task, on_success=succeeded, on_refused=refused, on_failure=failed,
                     on_finished=lambda: self.accept_button.setEnabled(True), owner=self)

    def button_row(self, *actions: QWidget, first: Sequence[QWidget] = ()) -> QHBoxLayout:
        """For a dialog whose buttons act without ending it: `first` on the left, then
        `actions` and «Đóng» (Esc) on the right."""
        close = QPushButton("Đóng")
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        for widget in first:
            row.addWidget(widget)
        row.addStretch(1)
        for widget in (*actions, close):
            row.addWidget(widget)
        return row

    def confirm_close(self) -> bool:
        """Esc, the window's cross or a cancel button asks to close: True lets it. A dialog
        may ask about unsaved work first, stop its task, or stay while it must."""
        return True

    def reject(self) -> None:
        if self.confirm_close():
            super().reject()

    def _remember(self) -> None:
        if self._prefs is not None:
            self._prefs.set_bytes(f"geometry/{self._name}", self.saveGeometry())

    def done(self, result: int) -> None:
        self._remember()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember()
        super().closeEvent(event)
