"""Python's cycle collector runs on the UI thread only.

Left automatic, the collector runs in whichever thread allocates when a threshold is
crossed; a cycle that holds a Qt object is then destroyed from a worker (opening a data
folder, a report) and Qt crashes the process (CI saw it on Python 3.13 while a worker
upgraded a data folder). Automatic collection is turned off and a timer on the UI thread
collects each generation when the interpreter's own thresholds say it is due.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

CHECK_EVERY_MS = 500


def collect_due() -> None:
    """Collect the oldest generation whose count passed its threshold, as the interpreter
    would have; a no-op while nothing is due."""
    due = [
        generation
        for generation, (count, threshold) in enumerate(
            zip(gc.get_count(), gc.get_threshold(), strict=False))
        if threshold and count > threshold
    ]
    if due:
        gc.collect(max(due))


class _Collector(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._timer = QTimer(self)
        self._timer.timeout.connect(collect_due)
        self._timer.start(CHECK_EVERY_MS)


def collect_on_ui_thread(app: QApplication) -> None:
    """Move cycle collection to `app`'s thread (once per application)."""
    if app.findChild(_Collector) is None:
        gc.disable()
        _Collector(app)
