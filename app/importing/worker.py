"""Calamine in a process of its own: a file that makes it fail ends that process, not the
program.

`package.py` bounds what a file may ask for before it is read; what a hostile file still
finds (calamine makes a sheet one dense table from its first filled cell to its last, so
two cells far apart ask for hundreds of gigabytes and the library aborts the process)
must not take the window or the command with it. The parent sends the checked bytes,
opens sheets and reads their rows in batches; if the process ends without an answer the
import is refused with a message and the program goes on. On POSIX the process may not
map more than `MEMORY_LIMIT`, so such an allocation fails at once instead of swapping.

The process is spawned (not forked), the same on Windows and Linux; the packaged program
hands it over to `multiprocessing.freeze_support()` in `app/__main__.py`. The child loads
this module and the few small ones it imports (60 ms), then python-calamine.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from app.domain.import_problems import FileRefused
from app.importing.package import DAMAGED, refuse
from app.progress import Cancelled, CancelToken

log = logging.getLogger(__name__)

# The largest register the checks let through takes under 1 GB to read (its bytes, the
# shared strings and their copies, 5 million cells of 32 bytes, Python's own).
MEMORY_LIMIT = 2 * 1024 * 1024 * 1024
# Cells sent at a time: few for the first rows (a header is looked for in the first 30),
# then up to a few MB pickled.
FIRST_BATCH_CELLS = 1_000
BATCH_CELLS = 50_000
_POLL_SECONDS = 0.1  # how often a wait looks at the cancel token
_CLOSE_SECONDS = 5

ENDED = ("Không đọc được tệp «{name}»: chương trình đọc tệp dừng bất thường (tệp bị hỏng, hoặc "
         "cần nhiều bộ nhớ hơn hẳn một sổ vụ việc). Chưa có gì được nhập. Hãy mở tệp bằng Excel, "
         "kiểm tra rồi lưu lại, hoặc chia sổ thành nhiều tệp nhỏ hơn.")


class ReadingProcess:
    """The parent's end: one request at a time, each answer awaited while watching the
    cancel token and the process itself."""

    def __init__(self, name: str, data: bytes, token: CancelToken | None) -> None:
        self._name = name
        self._token = token
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=serve, args=(child, MEMORY_LIMIT), daemon=True,
                                        name="sovipham-doc-tep")
        self._process.start()
        child.close()
        self._busy = False  # a request is being answered
        try:
            self._connection.send_bytes(data)
        except OSError as exc:  # the process ended before reading the file
            self.close()
            raise self._ended() from exc
        self.sheet_names: list[str] = self._answer()

    def call(self, *request: object) -> Any:
        self.send(*request)
        return self._answer()

    def send(self, *request: object) -> None:
        """A request; `call` awaits its answer."""
        try:
            self._connection.send(request)
        except OSError as exc:
            self.close()
            raise self._ended() from exc

    def close(self) -> None:
        process = self._process
        if process.is_alive():
            if self._busy:  # left waiting (an interrupt): its work is of no use now
                process.kill()
            else:
                with contextlib.suppress(OSError):
                    self._connection.send(("close",))
                process.join(_CLOSE_SECONDS)
                if process.is_alive():
                    process.kill()
        process.join()
        self._connection.close()

    def _answer(self) -> Any:
        self._busy = True
        while True:
            if self._token is not None and self._token.cancelled:
                self._process.kill()
                self.close()
                raise Cancelled()
            ready = wait([self._connection, self._process.sentinel], _POLL_SECONDS)
            if self._connection in ready:
                break
            if ready:  # the process ended and left no answer
                self.close()
                raise self._ended()
        try:
            outcome, value = self._connection.recv()
        except (EOFError, OSError) as exc:
            self.close()
            raise self._ended() from exc
        self._busy = False
        if outcome == "ok":
            return value
        self.close()
        if outcome == "refused":
            raise refuse(self._name, DAMAGED)
        log.info("import reader process failed: %s", value)
        raise FileRefused(ENDED.format(name=self._name))

    def _ended(self) -> FileRefused:
        self._process.join()
        log.info("import reader process ended with exit code %s", self._process.exitcode)
        return FileRefused(ENDED.format(name=self._name))


# ---------------------------------------------------------------------- the child


def serve(connection: Connection, memory_limit: int) -> None:
    """Read the file sent first, then answer requests until told to close or orphaned."""
    # The parent decides when to stop (a console's Ctrl+C reaches the whole group); what
    # calamine prints when it aborts is no message for the officer.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _quiet_stderr()
    _cap_memory(memory_limit)
    from python_calamine import CalamineError, CalamineWorkbook

    sheets: dict[int, _Sheet] = {}
    opened = 0
    try:
        data = connection.recv_bytes()
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except CalamineError:
            connection.send(("refused", None))
            return
        del data
        connection.send(("ok", list(book.sheet_names)))
        while True:
            request = connection.recv()
            kind = request[0]
            if kind == "close":
                return
            try:
                if kind == "open":
                    sheet = _Sheet(book.get_sheet_by_name(request[1]))
                    opened += 1
                    sheets[opened] = sheet
                    answer: object = (opened, sheet.height, sheet.first_column, sheet.merged)
                elif kind == "rows":
                    answer = sheets[request[1]].batch(*request[2:])
                else:  # "release": the parent dropped these sheets
                    for number in request[1]:
                        del sheets[number]
                    continue
            except CalamineError:
                connection.send(("refused", None))
                return
            connection.send(("ok", answer))
    except EOFError:
        return  # the parent is gone
    except Exception as exc:  # reported to the parent, which logs it
        connection.send(("failed", type(exc).__name__))


class _Sheet:
    """A sheet calamine holds, and where its last batch of rows ended (rows are read again
    from the top several times; each pass goes on from where the previous batch ended)."""

    def __init__(self, sheet: Any) -> None:
        start = sheet.start  # None for an empty sheet
        self._sheet = sheet if start is not None else None
        self.height: int = sheet.height if start is not None else 0
        self.first_column: int = start[1] if start is not None else 0
        self.merged = tuple(sheet.merged_cell_ranges or ())
        self._next = 0  # 1-based number of the row `_rows` yields next; 0: none started
        self._rows: Iterator[list[object]] = iter(())

    def batch(self, start: int, size: int, column: int | None) -> tuple[list[object], bool]:
        """Rows from Excel row `start`, about `size` cells of them (only the cell at
        `column` of each, "" past its end, unless None), and whether the sheet ends there."""
        if self._sheet is None:
            return [], True
        if start != self._next:
            self._rows = itertools.islice(self._sheet.iter_rows(), start - 1, None)
        rows: list[object] = []
        cells = 0
        for row in self._rows:
            if column is None:
                rows.append(row)
                cells += len(row) or 1
            else:
                rows.append(row[column] if column < len(row) else "")
                cells += 1
            if cells >= size:
                self._next = start + len(rows)
                return rows, False
        self._next = 0
        return rows, True


def _quiet_stderr() -> None:
    try:
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        os.close(quiet)
    except OSError:
        pass  # no standard error to silence (a window program on Windows)


def _cap_memory(limit: int) -> None:
    if sys.platform == "win32":
        return  # no address-space limit there; an absurd allocation still fails alone
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
