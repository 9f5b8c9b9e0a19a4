"""Progress reporting and cancellation for long operations, without Qt.

The window passes a `CancelToken` and a progress callback into a service running
on a worker thread; the command line passes nothing. A top-level module: the
services, and the file writers and readers beneath them, all take these.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Progress = Callable[[int, int], None]  # (done, total)


class Cancelled(Exception):
    """The user cancelled the operation; whatever it was writing is rolled back or removed."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def no_progress(_done: int, _total: int) -> None:
    """For callers that do not show progress."""
