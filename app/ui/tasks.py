"""Running service calls off the UI thread, with progress and cancellation.

A task is a plain function `(progress, token) -> result` that calls the
services. Its result, or its error, comes back on the UI thread through
signals. User errors carry their Vietnamese message; anything else is logged
and reported as an unexpected error, never shown as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.errors import UserError
from app.progress import Cancelled, CancelToken, Progress

log = logging.getLogger(__name__)

TaskFunction = Callable[[Progress, CancelToken], Any]

UNEXPECTED = ("Có lỗi không mong đợi, thao tác chưa thực hiện được. Chi tiết đã được ghi vào "
              "nhật ký lỗi của chương trình; hãy báo cho quản trị.")


class TaskSignals(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)  # a Vietnamese message for the user
    refused = Signal(object)  # the UserError itself, for forms that mark each field
    cancelled = Signal()
    finished = Signal()  # after any of the three above


class _Runnable(QRunnable):
    def __init__(self, function: TaskFunction, signals: TaskSignals, token: CancelToken) -> None:
        super().__init__()
        self._function = function
        self._signals = signals
        self._token = token

    def run(self) -> None:
        try:
            result = self._function(self._signals.progress.emit, self._token)
        except Cancelled:
            self._signals.cancelled.emit()
        except UserError as exc:
            self._signals.refused.emit(exc)
            self._signals.failed.emit(exc.message)
        except Exception:
            log.exception("background task failed")
            self._signals.failed.emit(UNEXPECTED)
        else:
            self._signals.succeeded.emit(result)
        self._signals.finished.emit()


class TaskRunner(QObject):
    """Starts tasks on a thread pool; keeps their signal objects alive until they finish."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._running: set[TaskSignals] = set()

    def start(
        self,
        function: TaskFunction,
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        on_finished: Callable[[], None] | None = None,
        on_refused: Callable[[UserError], None] | None = None,
        owner: QObject | None = None,
    ) -> CancelToken:
        """Run `function` on the pool; the callbacks run on the UI thread, none of them once
        `owner` (the widget they update) has been deleted: a case closed while its
        thumbnails are drawn."""
        signals = TaskSignals()
        token = CancelToken()

        def connect(signal: Any, callback: Callable[..., None] | None) -> None:
            if callback is None:
                return
            if owner is None:
                signal.connect(callback)
                return

            def call(*args: Any) -> None:
                if shiboken6.isValid(owner):
                    callback(*args)

            signal.connect(call)

        connect(signals.succeeded, on_success)
        connect(signals.failed, on_failure)
        connect(signals.progress, on_progress)
        connect(signals.cancelled, on_cancel)
        connect(signals.finished, on_finished)
        connect(signals.refused, on_refused)
        self._running.add(signals)
        signals.finished.connect(lambda: self._running.discard(signals))
        self._pool.start(_Runnable(function, signals, token))
        return token

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every task is done (closing the window, tests)."""
        return self._pool.waitForDone(msecs)
