"""A long command's progress on standard error, and Ctrl+C as its cancel (shared/spec/cli.md).

The first Ctrl+C sets the job's `CancelToken`: the service stops at its next cancel point
and removes what it was writing, as when the window's "Hủy" is pressed. A second Ctrl+C
interrupts at once, for a step that has no cancel point for a long time.
"""

from __future__ import annotations

import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

from app.progress import CancelToken


class ProgressLine:
    """`what… 42%` on one line of a terminal, rewritten in place and wiped at the end.

    Nothing is written when standard error is a file or a pipe: there it carries only the
    messages of cli.md (refusals one per line), which a script may read."""

    def __init__(self, stream: TextIO, what: str) -> None:
        self._stream, self._what = stream, what
        self._on_terminal = stream.isatty()
        self._width = 0  # of the text on screen, to wipe it
        self._percent: int | None = None

    def start(self) -> None:
        """The label alone, before the first figure (a long period's figures come first)."""
        self._write(self._line(""))

    def show(self, done: int, total: int) -> None:
        percent = min(100, done * 100 // total) if total > 0 else 0
        if percent != self._percent:
            self._percent = percent
            self._write(self._line(f" {percent}%"))

    def _line(self, figure: str) -> str:
        # Within one row of the terminal: "\r" goes back to the start of the last row only.
        room = shutil.get_terminal_size().columns - 1 - len(figure)
        label = f"{self._what}…"
        if len(label) > room:
            label = label[:max(room - 1, 0)] + "…"
        return label + figure

    def clear(self) -> None:
        if self._width:
            self._write("")

    def _write(self, text: str) -> None:
        if not self._on_terminal:
            return
        # "\r" and spaces rather than terminal escapes: the Windows console takes them too.
        self._stream.write("\r" + text.ljust(self._width) + ("\r" if not text else ""))
        self._stream.flush()
        self._width = len(text)


class Job:
    """What a long command hands its service: the progress callback and the cancel token."""

    def __init__(self, line: ProgressLine) -> None:
        self.token = CancelToken()
        self._line = line

    def progress(self, done: int, total: int) -> None:
        # Also the cancel point of a service that takes no token (demo).
        self.token.raise_if_cancelled()
        self._line.show(done, total)


@contextmanager
def long_job(err: TextIO, what: str) -> Iterator[Job]:
    """Progress as `what… N%` on a terminal; Ctrl+C cancels the job while it runs."""
    line = ProgressLine(err, what)
    job = Job(line)
    with _ctrl_c_cancels(job.token):
        line.start()
        try:
            yield job
        finally:
            line.clear()


@contextmanager
def _ctrl_c_cancels(token: CancelToken) -> Iterator[None]:
    previous = signal.getsignal(signal.SIGINT)
    # Signal handlers belong to the main thread (elsewhere Ctrl+C interrupts as usual), and
    # a program started with Ctrl+C ignored (in the background) keeps ignoring it.
    if threading.current_thread() is not threading.main_thread() or previous is signal.SIG_IGN:
        yield
        return

    def cancel(_signal: int, _frame: FrameType | None) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()

    signal.signal(signal.SIGINT, cancel)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT,
                      signal.default_int_handler if previous is None else previous)
